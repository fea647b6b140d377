/** Asks whether removing the selected torrents also deletes their downloaded data. */
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../common/i18n.js';

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
      <h2 id="remove-title">{props.names.length === 1 ? t('dash_removeOne') : t('dash_removeMany', String(props.names.length))}</h2>
      <ul>
        {shown.map((name, i) => (
          <li key={i}>{name}</li>
        ))}
        {props.names.length > shown.length && <li>{t('dash_andMore', String(props.names.length - shown.length))}</li>}
      </ul>
      <p class="muted">{t('dash_removeNote')}</p>
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={() => props.onAnswer(null)}>
          {t('dash_cancel')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onAnswer('keep')}>
          {t('dash_removeKeep')}
        </button>
        <button type="button" class="danger" onClick={() => props.onAnswer('delete')}>
          {t('dash_removeDelete')}
        </button>
      </div>
    </dialog>
  );
}
