// An in-process bittorrent-tracker (HTTP + UDP) bound to loopback only. Its CLI binds UDP to
// 0.0.0.0 whatever it is told (INTEROP.md), so we start the server object ourselves.
import Server from 'bittorrent-tracker/server';
import { freePort } from './ports.js';

export interface Announce {
  event: string; // start | update | complete | stop
  infoHash: string; // hex
  addr: string; // "ip:port" as the tracker will hand it out
  port: number;
  at: number;
}

export interface Tracker {
  port: number;
  httpUrl: string;
  udpUrl: string;
  announces: Announce[];
  /** Resolves with the first announce (past or future) that matches. */
  waitForAnnounce(match: (a: Announce) => boolean, timeoutMs: number): Promise<Announce>;
  close(): Promise<void>;
}

/** `host: '::1'` serves HTTP on IPv6 loopback only (UDP stays on both loopbacks). */
export async function startTracker(options: { intervalMs?: number; host?: '127.0.0.1' | '::1' } = {}): Promise<Tracker> {
  const host = options.host ?? '127.0.0.1';
  const port = await freePort();
  // A short interval makes late joiners find each other quickly on re-announce.
  const server = new Server({ interval: options.intervalMs ?? 5_000, http: true, udp: true, ws: false, stats: false });
  const announces: Announce[] = [];
  const waiters: Array<{ match: (a: Announce) => boolean; resolve: (a: Announce) => void }> = [];
  const record = (event: string) => (addr: string, params: { info_hash?: string; port?: number }) => {
    const announce: Announce = { event, infoHash: params.info_hash ?? '', addr, port: params.port ?? 0, at: Date.now() };
    announces.push(announce);
    for (const waiter of [...waiters]) {
      if (waiter.match(announce)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(announce);
      }
    }
  };
  for (const event of ['start', 'update', 'complete', 'stop']) server.on(event, record(event));
  server.on('warning', () => { /* bad requests from clients are their problem, not the tracker's */ });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, { http: host, udp: '127.0.0.1', udp6: '::1' }, () => resolve());
  });
  server.on('error', () => { /* keep serving */ });

  return {
    port,
    httpUrl: host === '::1' ? `http://[::1]:${port}/announce` : `http://127.0.0.1:${port}/announce`,
    udpUrl: host === '::1' ? `udp://[::1]:${port}` : `udp://127.0.0.1:${port}`,
    announces,
    waitForAnnounce(match, timeoutMs) {
      const seen = announces.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (a: Announce) => { clearTimeout(timer); resolve(a); },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`tracker: no matching announce within ${timeoutMs} ms; seen: ${JSON.stringify(announces)}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
