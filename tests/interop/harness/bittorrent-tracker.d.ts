// Just enough of the npm `bittorrent-tracker` server's shape for the interop harness.
declare module 'bittorrent-tracker/server' {
  import { EventEmitter } from 'node:events';

  export interface ServerOptions {
    interval?: number;
    http?: boolean | object;
    udp?: boolean | object;
    ws?: boolean | object;
    stats?: boolean;
    filter?: (infoHash: string, params: unknown, cb: (err?: Error | null) => void) => void;
  }

  export default class Server extends EventEmitter {
    constructor(options?: ServerOptions);
    listen(
      port: number | { http?: number; udp?: number },
      hostname?: string | { http?: string; udp?: string; udp6?: string },
      onListening?: () => void,
    ): void;
    close(cb?: () => void): void;
    torrents: Record<string, unknown>;
  }
}
