/** Asks whether removing the selected torrents also deletes their downloaded data. */
import { useEffect, useRef } from 'preact/hooks';

export function RemoveDialog(props: { names: string[]; onAnswer(answer: 'keep' | 'delete' | null): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const open = props.names.length > 0;
  useEffect(() => {
    const el = dialog.current;
    if (open && el && !el.open) el.showModal();
    if (!open && el?.open) el.close();
  }, [open]);
  const shown = props.names.slice(0, 5);
  return (
    <dialog
      ref={dialog}
      class="remove-dialog"
      aria-labelledby="remove-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onAnswer(null);
      }}
    >
      <h2 id="remove-title">Remove {props.names.length === 1 ? 'this torrent' : `${props.names.length} torrents`}?</h2>
      <ul>
        {shown.map((name, i) => (
          <li key={i}>{name}</li>
        ))}
        {props.names.length > shown.length && <li>…and {props.names.length - shown.length} more</li>}
      </ul>
      <p class="muted">Files already delivered to your Downloads folder (or your chosen folder) are never touched.</p>
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={() => props.onAnswer(null)}>
          Cancel
        </button>
        <button type="button" class="secondary" onClick={() => props.onAnswer('keep')}>
          Remove, keep data
        </button>
        <button type="button" class="danger" onClick={() => props.onAnswer('delete')}>
          Remove and delete data
        </button>
      </div>
    </dialog>
  );
}
