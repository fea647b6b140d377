/** Where a finished torrent's files stand (Downloads or the picked folder), in the engine's words. */
import type { DeliveryStatus } from '../../src/extension/messages.js';
import { formatPercent } from './format.js';

export function DeliveryLine(props: { delivery?: DeliveryStatus }) {
  const d = props.delivery;
  if (!d) return null;
  const share = d.state === 'copying' && d.total ? ` ${formatPercent((d.copied ?? 0) / d.total)}` : '';
  const problem = d.state === 'needs-access' || d.state === 'failed';
  return (
    <p class={`torrent-delivery${problem ? ' delivery-problem' : ''}`} data-delivery={d.state} role={problem ? 'status' : undefined}>
      {d.message}
      {share}
    </p>
  );
}
