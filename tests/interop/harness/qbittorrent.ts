// qBittorrent-nox (libtorrent inside) driven through its WebUI API on 127.0.0.1, with its own
// profile folder. It must allow several connections per IP (INTEROP.md).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { freePort } from './ports.js';
import { spawnProcess, type Proc } from './processes.js';

export interface QbTorrent {
  hash: string;
  state: string;
  progress: number;
  uploaded: number;
  downloaded: number;
}

export interface QBittorrent {
  proc: Proc;
  peerPort: number;
  webPort: number;
  /** Adds a .torrent whose data is (or will be) under `savePath`. */
  add(torrentPath: string, savePath: string): Promise<void>;
  get(infoHash: string): Promise<QbTorrent | undefined>;
  /** Polls until `done(t)` or the timeout. */
  waitFor(infoHash: string, done: (t: QbTorrent) => boolean, timeoutMs: number): Promise<QbTorrent>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startQBittorrent(options: { workDir: string; logDir: string; name?: string }): Promise<QBittorrent> {
  const [webPort, peerPort] = [await freePort(), await freePort()];
  const profile = join(options.workDir, 'qbt-profile');
  const configDir = join(profile, 'qBittorrent', 'config');
  await mkdir(configDir, { recursive: true });
  const conf = [
    '[LegalNotice]',
    'Accepted=true',
    '',
    '[BitTorrent]',
    'Session\\DHTEnabled=false',
    'Session\\LSDEnabled=false',
    'Session\\PeXEnabled=false',
    `Session\\Port=${peerPort}`,
    'Session\\InterfaceAddress=127.0.0.1',
    'Session\\MultiConnectionsPerIp=true',
    'Session\\BTProtocol=TCP',
    'Session\\AnonymousModeEnabled=false',
    'Session\\QueueingSystemEnabled=false',
    'Session\\GlobalMaxRatio=-1',
    `Session\\DefaultSavePath=${join(options.workDir, 'qbt-downloads')}`,
    '',
    '[Preferences]',
    'Connection\\UPnP=false',
    `WebUI\\Port=${webPort}`,
    'WebUI\\Address=127.0.0.1',
    'WebUI\\LocalHostAuth=false',
    'WebUI\\CSRFProtection=false',
    'WebUI\\HostHeaderValidation=false',
    'WebUI\\UseUPnP=false',
    '',
  ].join('\n');
  await writeFile(join(configDir, 'qBittorrent.conf'), conf);
  const proc = spawnProcess(options.name ?? 'qbittorrent', 'qbittorrent-nox', [
    `--profile=${profile}`, `--webui-port=${webPort}`, `--torrenting-port=${peerPort}`,
  ], { logDir: options.logDir });

  const api = (path: string, init?: RequestInit) =>
    fetch(`http://127.0.0.1:${webPort}/api/v2/${path}`, { ...init, signal: AbortSignal.timeout(10_000) });

  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await api('app/version');
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (proc.exitInfo || Date.now() > deadline) throw new Error(`qbittorrent-nox did not start\n${proc.tail()}`);
    await sleep(250);
  }

  const get = async (infoHash: string): Promise<QbTorrent | undefined> => {
    const response = await api(`torrents/info?hashes=${infoHash}`);
    const list = (await response.json()) as QbTorrent[];
    return list[0];
  };
  return {
    proc,
    peerPort,
    webPort,
    async add(torrentPath, savePath) {
      const form = new FormData();
      form.append('torrents', new Blob([await readFile(torrentPath)]), basename(torrentPath));
      form.append('savepath', savePath);
      form.append('paused', 'false');
      form.append('autoTMM', 'false');
      const response = await api('torrents/add', { method: 'POST', body: form });
      const text = await response.text();
      if (!response.ok || text.trim() !== 'Ok.') throw new Error(`qbittorrent add: ${response.status} ${text}`);
    },
    get,
    async waitFor(infoHash, done, timeoutMs) {
      const until = Date.now() + timeoutMs;
      let last: QbTorrent | undefined;
      for (;;) {
        last = await get(infoHash);
        if (last && done(last)) return last;
        if (last?.state === 'error' || last?.state === 'missingFiles') throw new Error(`qbittorrent: ${JSON.stringify(last)}\n${proc.tail()}`);
        if (Date.now() > until) throw new Error(`qbittorrent: timeout; last ${JSON.stringify(last)}\n${proc.tail()}`);
        await sleep(250);
      }
    },
    async stop() {
      await proc.stop();
    },
  };
}
