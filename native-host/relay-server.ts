/**
 * The relay's WebSocket server on 127.0.0.1 (docs/relay-protocol.md, "Security"). A client is
 * let in at the HTTP upgrade only if `Sec-WebSocket-Protocol` carries the secret (401
 * otherwise) and its Origin is the extension's (403 otherwise). The server never touches files.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from '../src/relay/limits.js';
import { RELAY_SUBPROTOCOL, SECRET_PROTOCOL_PREFIX } from '../src/relay/protocol.js';
import type { HostLog } from './log.js';
import { CLOSE_CODES, RelayConnection } from './relay-connection.js';

export const EXTENSION_ORIGIN = 'chrome-extension://bkhngainmfimebdhdakboflefceoakbd';

export interface RelayServerOptions {
  /** 32 hex digits; compared in constant time, never logged. */
  secret: string;
  log: HostLog;
  /** Origins allowed to connect (no trailing slash). Default: the extension's. */
  allowedOrigins?: readonly string[];
  limits?: RelayLimits;
}

export interface RelayStats {
  connections: number;
  streams: number;
  /** Bytes held in host memory: read chunks waiting for credit, socket and WebSocket buffers. */
  bufferedBytes: number;
}

export class RelayServer {
  private readonly connections = new Set<RelayConnection>();

  private constructor(
    private readonly wss: WebSocketServer,
    readonly port: number,
  ) {}

  static start(options: RelayServerOptions): Promise<RelayServer> {
    const limits = options.limits ?? DEFAULT_RELAY_LIMITS;
    const origins = new Set(options.allowedOrigins ?? [EXTENSION_ORIGIN]);
    const secret = Buffer.from(options.secret, 'utf8');
    let server: RelayServer | undefined;
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        maxPayload: limits.maxFrameBytes,
        perMessageDeflate: false,
        clientTracking: false,
        verifyClient: (info: { origin: string; req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
          const offered = offeredProtocols(info.req);
          if (!hasSecret(offered, secret)) return done(false, 401, 'Unauthorized');
          if (!origins.has(info.origin)) return done(false, 403, 'Forbidden');
          if (!offered.includes(RELAY_SUBPROTOCOL)) return done(false, 400, `Subprotocol ${RELAY_SUBPROTOCOL} required`);
          if ((server?.connections.size ?? 0) >= limits.maxConnections) return done(false, 503, 'Too many relay connections');
          done(true);
        },
        // Answer with the relay protocol only: the secret is never echoed back.
        handleProtocols: () => RELAY_SUBPROTOCOL,
      });
      wss.once('error', reject);
      wss.once('listening', () => {
        wss.off('error', reject);
        wss.on('error', (error: Error) => options.log.error(`relay server error: ${error.message}`));
        const address = wss.address();
        server = new RelayServer(wss, typeof address === 'object' && address ? address.port : 0);
        wss.on('connection', (ws: WebSocket) => server!.accept(ws, limits, options.log));
        resolve(server);
      });
    });
  }

  stats(): RelayStats {
    let streams = 0;
    let bufferedBytes = 0;
    for (const connection of this.connections) {
      streams += connection.streamCount;
      bufferedBytes += connection.bufferedBytes();
    }
    return { connections: this.connections.size, streams, bufferedBytes };
  }

  /** Closes every connection and stream, then the listening socket. */
  close(): Promise<void> {
    for (const connection of [...this.connections]) connection.close(CLOSE_CODES.hostShutdown, 'relay host shutting down');
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket, limits: RelayLimits, log: HostLog): void {
    const connection = new RelayConnection(ws, limits, log, () => this.connections.delete(connection));
    this.connections.add(connection);
    log.info(`relay connection opened (${this.connections.size} open)`);
  }
}

function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return [];
  return header.split(',').map((p) => p.trim());
}

function hasSecret(offered: readonly string[], secret: Buffer): boolean {
  let ok = false;
  for (const protocol of offered) {
    if (!protocol.startsWith(SECRET_PROTOCOL_PREFIX)) continue;
    const given = Buffer.from(protocol.slice(SECRET_PROTOCOL_PREFIX.length), 'utf8');
    // The length is public (always 32 hex digits); the contents are compared in constant time.
    if (given.length === secret.length && timingSafeEqual(given, secret)) ok = true;
  }
  return ok;
}
