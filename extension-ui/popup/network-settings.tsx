/**
 * Options: how the engine finds and reaches peers (DHT, PEX, uTP, LSD, encryption, port, DHT
 * bootstrap nodes). The service worker validates and stores; this form shows what it answers,
 * field by field (aria-invalid + a role=alert message), and the values the snapshot says are in
 * force.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Command, CommandResult, NetworkSettings, Snapshot } from '../../src/extension/messages.js';
import { ENCRYPTION_SETTINGS, formatBootstrapNodes, type SettingsField } from '../../src/extension/settings.js';
import './network-settings.css';

type Send = (command: Command) => Promise<CommandResult>;

interface Form {
  dht: boolean;
  pex: boolean;
  utp: boolean;
  lsd: boolean;
  lsdInterface: string;
  encryption: string;
  port: string;
  dhtBootstrap: string;
}

const ENCRYPTION_LABELS: Record<string, string> = {
  disabled: 'Disabled (plaintext only)',
  allowed: 'Allowed (plaintext first)',
  preferred: 'Preferred (encrypted first)',
  required: 'Required (encrypted only)',
};

function toForm(s: NetworkSettings): Form {
  return { dht: s.dht, pex: s.pex, utp: s.utp, lsd: s.lsd, lsdInterface: s.lsdInterface, encryption: s.encryption, port: String(s.port), dhtBootstrap: formatBootstrapNodes(s.dhtBootstrap) };
}

function FieldError(props: { id: string; message: string | undefined }) {
  return (
    <p id={props.id} class="field-error" role="alert">
      {props.message ?? ''}
    </p>
  );
}

export function NetworkSettingsSection(props: { snapshot: Snapshot; send: Send }) {
  const inForce = props.snapshot.networkSettings;
  const [form, setForm] = useState<Form | null>(null);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<SettingsField, string>>>({});
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (inForce && !dirty) setForm(toForm(inForce));
  }, [inForce, dirty]);

  if (!form) {
    return (
      <section aria-labelledby="network-title">
        <h2 id="network-title">Network</h2>
        <p class="muted">Loading settings…</p>
      </section>
    );
  }

  const update = (patch: Partial<Form>): void => {
    // From the latest state: two quick edits before a re-render must not undo each other.
    setForm((current) => (current ? { ...current, ...patch } : current));
    setDirty(true);
    setStatus('');
  };

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    const result = await props.send({
      type: 'setNetworkSettings',
      input: { dht: form.dht, pex: form.pex, utp: form.utp, lsd: form.lsd, lsdInterface: form.lsdInterface, encryption: form.encryption, port: form.port, dhtBootstrap: form.dhtBootstrap },
    });
    setBusy(false);
    if (result.ok) {
      setErrors({});
      setDirty(false);
      setStatus('Saved. The engine restarts with these settings; torrents carry on from their verified pieces.');
    } else {
      setErrors(result.fieldErrors ?? {});
      setStatus(result.fieldErrors ? 'Not saved: fix the fields marked below.' : `Not saved: ${result.error}`);
    }
  };

  const toggle = (key: 'dht' | 'pex' | 'utp' | 'lsd', label: string, hint: string) => (
    <div class="setting">
      <label>
        <input
          type="checkbox"
          name={key}
          checked={form[key]}
          aria-invalid={errors[key] ? 'true' : 'false'}
          aria-describedby={`${key}-hint ${key}-error`}
          onChange={(e) => update({ [key]: (e.currentTarget as HTMLInputElement).checked })}
        />{' '}
        {label}
      </label>
      <p id={`${key}-hint`} class="muted hint">
        {hint}
      </p>
      <FieldError id={`${key}-error`} message={errors[key]} />
    </div>
  );

  return (
    <section aria-labelledby="network-title" class="network-settings">
      <h2 id="network-title">Network</h2>
      <form onSubmit={save}>
        {toggle('dht', 'Find peers through the DHT', 'Mainline DHT (BEP 5): magnets without a tracker find peers. Uses UDP through the native host.')}
        {toggle('pex', 'Peer exchange (PEX)', 'Peers tell each other about more peers (BEP 11). Never used for private torrents.')}
        {toggle('utp', 'uTP', 'Reach peers over uTP (BEP 29) as well as TCP; some peers speak only uTP.')}
        {toggle('lsd', 'Local service discovery (LSD)', 'Find peers on the local network (BEP 14) through multicast, which the native host joins for it.')}
        <div class="setting">
          <label for="lsd-interface">LSD interface address</label>
          <input
            id="lsd-interface"
            name="lsdInterface"
            type="text"
            autocomplete="off"
            spellcheck={false}
            value={form.lsdInterface}
            aria-invalid={errors.lsdInterface ? 'true' : 'false'}
            aria-describedby="lsd-interface-hint lsdInterface-error"
            onInput={(e) => update({ lsdInterface: (e.currentTarget as HTMLInputElement).value })}
          />
          <p id="lsd-interface-hint" class="muted hint">
            Address of the network interface LSD uses (127.0.0.1: this machine only). Empty: the default.
          </p>
          <FieldError id="lsdInterface-error" message={errors.lsdInterface} />
        </div>
        <div class="setting">
          <label for="encryption">Encryption</label>
          <select
            id="encryption"
            name="encryption"
            value={form.encryption}
            aria-invalid={errors.encryption ? 'true' : 'false'}
            aria-describedby="encryption-error"
            onChange={(e) => update({ encryption: (e.currentTarget as HTMLSelectElement).value })}
          >
            {ENCRYPTION_SETTINGS.map((value) => (
              <option key={value} value={value}>
                {ENCRYPTION_LABELS[value]}
              </option>
            ))}
          </select>
          <FieldError id="encryption-error" message={errors.encryption} />
        </div>
        <div class="setting">
          <label for="listen-port">Listening port</label>
          <input
            id="listen-port"
            name="port"
            type="text"
            inputMode="numeric"
            autocomplete="off"
            value={form.port}
            aria-invalid={errors.port ? 'true' : 'false'}
            aria-describedby="port-hint port-error"
            onInput={(e) => update({ port: (e.currentTarget as HTMLInputElement).value })}
          />
          <p id="port-hint" class="muted hint">
            TCP and UDP port for incoming peers (0: any free port).
          </p>
          <FieldError id="port-error" message={errors.port} />
        </div>
        <div class="setting">
          <label for="dht-bootstrap">DHT bootstrap nodes</label>
          <textarea
            id="dht-bootstrap"
            name="dhtBootstrap"
            rows={3}
            spellcheck={false}
            value={form.dhtBootstrap}
            aria-invalid={errors.dhtBootstrap ? 'true' : 'false'}
            aria-describedby="bootstrap-hint dhtBootstrap-error"
            onInput={(e) => update({ dhtBootstrap: (e.currentTarget as HTMLTextAreaElement).value })}
          />
          <p id="bootstrap-hint" class="muted hint">
            host:port, one per line. Empty: the public bootstrap routers.
          </p>
          <FieldError id="dhtBootstrap-error" message={errors.dhtBootstrap} />
        </div>
        <button type="submit" disabled={busy}>
          Save network settings
        </button>
        <p class="save-status" role="status">
          {status}
        </p>
      </form>
    </section>
  );
}
