/**
 * The turtle: switches the alternative speeds on or off by hand, and says whether they are on
 * and who decided (the user, or the schedule set in the options). The engine keeps the state.
 */
import type { AltSpeedView, Command, CommandResult } from '../../src/extension/messages.js';
import { t } from '../common/i18n.js';
import { formatRate } from '../popup/format.js';

function limitText(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? formatRate(bytesPerSecond) : t('dash_altUnlimited');
}

export function AltSpeedToggle(props: { alt: AltSpeedView | undefined; send(command: Command): Promise<CommandResult> }) {
  const alt = props.alt;
  if (!alt) return null;
  const why = alt.active ? (alt.by === 'user' ? t('dash_altOnByUser') : t('dash_altOnBySchedule')) : alt.by === 'user' && alt.scheduled ? t('dash_altOffByUser') : t('dash_altOff');
  const limits = t('dash_altLimits', limitText(alt.download), limitText(alt.upload));
  return (
    <div class="alt-speed" data-active={alt.active ? 'true' : 'false'} data-by={alt.by}>
      <button type="button" class="secondary alt-toggle" aria-pressed={alt.active ? 'true' : 'false'} aria-describedby="alt-speed-why" title={limits} onClick={() => void props.send({ type: 'setAltSpeed', on: !alt.active })}>
        {t('dash_altSpeed')}
      </button>
      <span id="alt-speed-why" class="muted alt-why" role="status">
        {why}
      </span>
      {alt.by === 'user' && alt.hasSchedule && (
        <button type="button" class="secondary" onClick={() => void props.send({ type: 'setAltSpeed', on: null })}>
          {t('dash_altBackToSchedule')}
        </button>
      )}
    </div>
  );
}
