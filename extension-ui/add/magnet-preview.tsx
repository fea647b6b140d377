/**
 * What a magnet link says before anything is fetched: name (dn), infohash, trackers, peers.
 * Parsed with the engine's own magnet parser, so a link refused here is refused the same way by
 * the engine. Text only: names from links are never markup.
 *
 * Interface for the dashboard's add dialog (file choice once metadata arrives): it may render
 * `<MagnetPreview uri>` as its header, or replace this page's body with its dialog given the same
 * `AddSource`; the add page passes `{ kind: 'magnet', uri }`.
 */
import { parseMagnet, type MagnetLink } from '../../src/engine/metainfo/index.js';
import { errorMessage } from '../../src/engine/util/errors.js';
import { t } from '../common/i18n.js';

export type MagnetCheck = { ok: true; magnet: MagnetLink } | { ok: false; error: string };

export function checkMagnet(uri: string): MagnetCheck {
  if (!/^magnet:\?/i.test(uri)) return { ok: false, error: t('intercept_notMagnet') };
  try {
    return { ok: true, magnet: parseMagnet(uri) };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

export function MagnetPreview(props: { magnet: MagnetLink }) {
  const m = props.magnet;
  return (
    <dl class="magnet-preview">
      <dt>{t('intercept_name')}</dt>
      <dd class="magnet-name">{m.name ?? t('intercept_noName')}</dd>
      <dt>{t('intercept_infoHash')}</dt>
      <dd>
        <code class="magnet-infohash">{m.infoHashHex}</code>
      </dd>
      <dt>{t('intercept_trackers')}</dt>
      <dd>{m.trackers.length === 0 ? t('intercept_noTrackers') : m.trackers.map((tr) => <div key={tr}>{tr}</div>)}</dd>
    </dl>
  );
}
