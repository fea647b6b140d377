/** The native host's state, when it needs the user: with the one command that fixes it. */
import type { HostStatus } from '../../src/extension/messages.js';

export function HostBanner(props: { host: HostStatus }) {
  const { host } = props;
  if (host.state === 'ready' || host.state === 'connecting') return null;
  const missing = host.state === 'missing';
  return (
    <section class={`banner ${missing ? 'banner-missing' : 'banner-error'}`} aria-labelledby="host-banner-title" data-host-state={host.state}>
      <h2 id="host-banner-title">{missing ? 'Native host not installed' : 'Native host problem'}</h2>
      <p>
        {missing
          ? 'TorrentEdge needs its small helper program to reach peers. In the TorrentEdge folder, run:'
          : (host.message ?? 'The helper program stopped.')}
      </p>
      {missing && <code class="install-command">{host.installCommand}</code>}
      {missing && <p class="muted">Your torrents are kept and start as soon as the helper is installed.</p>}
    </section>
  );
}

/** A one-line status for pages that show it permanently (options). */
export function HostStatusLine(props: { host: HostStatus }) {
  const words: Record<HostStatus['state'], string> = {
    connecting: 'Connecting to the native host…',
    ready: 'Native host connected.',
    missing: 'Native host not installed.',
    error: 'Native host error.',
  };
  return (
    <div class="host-status" data-host-state={props.host.state}>
      <p>{words[props.host.state]}</p>
      {props.host.message && <p class="muted">{props.host.message}</p>}
      <p>
        Install command: <code class="install-command">{props.host.installCommand}</code>
      </p>
    </div>
  );
}
