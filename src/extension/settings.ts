/**
 * The extension's network settings: which ways of finding and reaching peers the engine uses.
 * Stored by the service worker in chrome.storage.local (settings-store.ts) and forwarded to the
 * offscreen document, which has no chrome.storage. Validation lives here, in one place: the
 * service worker checks what a page sends and answers with a message per field; the page only
 * shows it. Pure: no chrome.*, testable in Node.
 */
import type { ClientOptions } from '../engine/session/types.js';
import { formatEndpoint } from '../engine/util/endpoint.js';

export type EncryptionSetting = 'disabled' | 'allowed' | 'preferred' | 'required';
export const ENCRYPTION_SETTINGS: readonly EncryptionSetting[] = ['disabled', 'allowed', 'preferred', 'required'];

export interface DhtNode {
  host: string;
  port: number;
}

export interface NetworkSettings {
  /** Mainline DHT (BEP 5) over the relay's UDP. */
  dht: boolean;
  /** Peer exchange (BEP 11); never used for private torrents whatever this says. */
  pex: boolean;
  /** uTP (BEP 29) over the relay's UDP, next to TCP. */
  utp: boolean;
  /** Local service discovery (BEP 14): the LSD multicast group, joined through the relay (UDP_JOIN). */
  lsd: boolean;
  /**
   * Local address of the interface LSD joins and announces on ('127.0.0.1' keeps it on this
   * machine); '' lets the host's OS choose. An IPv6 address picks BEP 14's IPv6 group.
   */
  lsdInterface: string;
  /** Message stream encryption policy (MSE/PE). */
  encryption: EncryptionSetting;
  /** TCP and UDP port the relay listens on for peers; 0 = any free port. */
  port: number;
  /** DHT bootstrap nodes; empty = the public routers. */
  dhtBootstrap: DhtNode[];
}

export const DEFAULT_NETWORK_SETTINGS: NetworkSettings = {
  dht: true,
  pex: true,
  utp: true,
  lsd: false,
  lsdInterface: '',
  encryption: 'preferred',
  port: 6881,
  dhtBootstrap: [],
};

export const SETTINGS_LIMITS = {
  maxBootstrapNodes: 16,
  maxHostLength: 253,
} as const;

/** What a page sends: the form's values as typed (port and nodes as text). */
export interface NetworkSettingsInput {
  dht?: unknown;
  pex?: unknown;
  utp?: unknown;
  lsd?: unknown;
  /** An IP address, or '' for the OS's choice. */
  lsdInterface?: unknown;
  encryption?: unknown;
  port?: unknown;
  /** "host:port" entries separated by commas, spaces or new lines; `[v6]:port` for IPv6. */
  dhtBootstrap?: unknown;
}

export type SettingsField = keyof NetworkSettings;

export type SettingsValidation =
  | { ok: true; settings: NetworkSettings }
  | { ok: false; errors: Partial<Record<SettingsField, string>> };

/** Checks every field; a field left out keeps its value from `base`. */
export function validateNetworkSettings(input: unknown, base: NetworkSettings = DEFAULT_NETWORK_SETTINGS): SettingsValidation {
  if (!input || typeof input !== 'object') return { ok: false, errors: { dht: 'Settings must be an object.' } };
  const raw = input as NetworkSettingsInput;
  const errors: Partial<Record<SettingsField, string>> = {};
  const out: NetworkSettings = { ...base, dhtBootstrap: [...base.dhtBootstrap] };
  for (const key of ['dht', 'pex', 'utp', 'lsd'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') errors[key] = `${key} must be on or off.`;
    else out[key] = value;
  }
  if (raw.lsdInterface !== undefined) {
    const address = parseInterfaceAddress(raw.lsdInterface);
    if (address === null) errors.lsdInterface = 'The LSD interface must be an IP address of this machine (e.g. 127.0.0.1), or empty for the default.';
    else out.lsdInterface = address;
  }
  if (raw.encryption !== undefined) {
    if (typeof raw.encryption === 'string' && (ENCRYPTION_SETTINGS as readonly string[]).includes(raw.encryption)) out.encryption = raw.encryption as EncryptionSetting;
    else errors.encryption = `Encryption must be one of: ${ENCRYPTION_SETTINGS.join(', ')}.`;
  }
  if (raw.port !== undefined) {
    const port = parsePort(raw.port);
    if (port === null) errors.port = 'The listening port must be a whole number from 1 to 65535 (or 0 for any free port).';
    else out.port = port;
  }
  if (raw.dhtBootstrap !== undefined) {
    const nodes = parseBootstrapNodes(raw.dhtBootstrap);
    if (typeof nodes === 'string') errors.dhtBootstrap = nodes;
    else out.dhtBootstrap = nodes;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, settings: out };
}

/** '' or an IPv4 / IPv6 literal (no brackets, no zone); null when it is neither. */
function parseInterfaceAddress(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return '';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255) ? text : null;
  if (text.length <= 45 && /^[0-9a-fA-F:.]+$/.test(text) && text.includes(':') && (text.match(/::/g)?.length ?? 0) <= 1) return text.toLowerCase();
  return null;
}

function parsePort(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/** Text or an array of "host:port" / `{host, port}`; a string on error (the message). */
export function parseBootstrapNodes(value: unknown): DhtNode[] | string {
  let entries: unknown[];
  if (typeof value === 'string') entries = value.split(/[\s,]+/).filter((s) => s.length > 0);
  else if (Array.isArray(value)) entries = value;
  else return 'DHT bootstrap nodes must be a list of host:port.';
  if (entries.length > SETTINGS_LIMITS.maxBootstrapNodes) return `At most ${SETTINGS_LIMITS.maxBootstrapNodes} DHT bootstrap nodes.`;
  const nodes: DhtNode[] = [];
  for (const entry of entries) {
    const node = typeof entry === 'string' ? parseNode(entry) : isNode(entry) ? checkNode(entry.host, String(entry.port)) : null;
    if (!node) return `"${String(typeof entry === 'string' ? entry : JSON.stringify(entry)).slice(0, 80)}" is not host:port (IPv6 as [address]:port).`;
    nodes.push(node);
  }
  return nodes;
}

function isNode(value: unknown): value is { host: unknown; port: unknown } {
  return !!value && typeof value === 'object' && 'host' in value && 'port' in value;
}

function parseNode(text: string): DhtNode | null {
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text);
  if (v6) return checkNode(v6[1]!, v6[2]!);
  const at = text.lastIndexOf(':');
  if (at <= 0) return null;
  return checkNode(text.slice(0, at), text.slice(at + 1));
}

function checkNode(host: unknown, portText: string): DhtNode | null {
  if (typeof host !== 'string' || host.length === 0 || host.length > SETTINGS_LIMITS.maxHostLength) return null;
  // A name or an address: letters, digits, dots, dashes (and colons only for IPv6).
  if (!/^[A-Za-z0-9.-]+$/.test(host) && !/^[0-9a-fA-F:.]+$/.test(host)) return null;
  const port = parsePort(portText);
  if (port === null || port === 0) return null;
  return { host, port };
}

/** "host:port" per node, one per line: how the options page shows them. */
export function formatBootstrapNodes(nodes: readonly DhtNode[]): string {
  return nodes.map((n) => formatEndpoint(n.host, n.port)).join('\n');
}

/** A stored value read back: anything unreadable falls back to the defaults field by field. */
export function readStoredSettings(stored: unknown): NetworkSettings {
  if (!stored || typeof stored !== 'object') return { ...DEFAULT_NETWORK_SETTINGS };
  const out: NetworkSettings = { ...DEFAULT_NETWORK_SETTINGS };
  for (const key of Object.keys(DEFAULT_NETWORK_SETTINGS) as SettingsField[]) {
    const check = validateNetworkSettings({ [key]: (stored as Record<string, unknown>)[key] });
    if (check.ok) (out as unknown as Record<string, unknown>)[key] = check.settings[key];
  }
  return out;
}

export function sameSettings(a: NetworkSettings, b: NetworkSettings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The engine's options for these settings (the parts the Client takes at creation). */
export function clientNetworkOptions(settings: NetworkSettings): Pick<ClientOptions, 'dht' | 'pex' | 'utp' | 'lsd' | 'lsdInterface' | 'encryption' | 'port' | 'dhtBootstrap'> {
  return {
    dht: settings.dht,
    pex: settings.pex,
    utp: settings.utp,
    lsd: settings.lsd,
    ...(settings.lsdInterface ? { lsdInterface: settings.lsdInterface } : {}),
    encryption: settings.encryption,
    port: settings.port,
    ...(settings.dhtBootstrap.length > 0 ? { dhtBootstrap: settings.dhtBootstrap.map((n) => ({ ...n })) } : {}),
  };
}
