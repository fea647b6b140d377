/**
 * Queue actions on the selected torrents: move up, down, to the top or bottom (several keep
 * their order among themselves), and force start (runs past the queue's limits) or back to
 * normal. The engine keeps the order and the forced mark; the list shows them as it reports them.
 */
import type { Command, CommandResult, QueueMove, TorrentRow } from '../../src/extension/messages.js';
import { t } from '../common/i18n.js';

export function QueueTools(props: { selected: TorrentRow[]; send(command: Command): Promise<CommandResult>; onResult(message: string): void }) {
  const hashes = props.selected.map((row) => row.infoHash);
  const queued = props.selected.filter((row) => row.queuePosition !== undefined);
  const anyForced = props.selected.some((row) => row.settings?.forced);
  const allForced = props.selected.length > 0 && props.selected.every((row) => row.settings?.forced);
  const run = async (command: Command): Promise<void> => {
    const result = await props.send(command);
    props.onResult(result.ok ? '' : result.error);
  };
  const move = (where: QueueMove): void => void run({ type: 'queueMove', infoHashes: queued.map((row) => row.infoHash), where });
  const none = queued.length === 0;
  return (
    <div class="queue-tools" role="group" aria-label={t('dash_queueActions')}>
      <button type="button" class="secondary" disabled={none} aria-label={t('dash_queueTop')} title={t('dash_queueTop')} onClick={() => move('top')}>
        ⤒
      </button>
      <button type="button" class="secondary" disabled={none} aria-label={t('dash_queueUp')} title={t('dash_queueUp')} onClick={() => move('up')}>
        ↑
      </button>
      <button type="button" class="secondary" disabled={none} aria-label={t('dash_queueDown')} title={t('dash_queueDown')} onClick={() => move('down')}>
        ↓
      </button>
      <button type="button" class="secondary" disabled={none} aria-label={t('dash_queueBottom')} title={t('dash_queueBottom')} onClick={() => move('bottom')}>
        ⤓
      </button>
      <button type="button" class="secondary" disabled={hashes.length === 0 || allForced} onClick={() => void run({ type: 'forceStart', infoHashes: hashes, forced: true })}>
        {t('dash_forceStart')}
      </button>
      <button type="button" class="secondary" disabled={!anyForced} onClick={() => void run({ type: 'forceStart', infoHashes: hashes, forced: false })}>
        {t('dash_normalStart')}
      </button>
    </div>
  );
}
