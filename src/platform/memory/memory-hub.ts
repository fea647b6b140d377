/**
 * An in-process internet for deterministic tests: many hosts share one hub, which routes TCP
 * connections, UDP datagrams and HTTP requests between them.
 *
 *   const hub = new MemoryHub({ maxChunk: 7 });
 *   const seeder = hub.host('10.0.0.1');
 *   await seeder.listen(6881, '0.0.0.0', onPeer);
 *   const socket = await hub.host('10.0.0.2').connect({ host: '10.0.0.1', port: 6881 });
 */
import { SeededRandom, type Random } from '../../engine/util/random.js';
import { MemoryNetwork } from './memory-network.js';
import { MemoryHttpRouter } from './memory-http.js';
import type { MemoryTcpSocket } from './memory-tcp-socket.js';
import type { TcpSocket } from '../interfaces/net.js';
import type { MemoryUdpSocket } from './memory-udp-socket.js';

export interface MemoryHubOptions {
  /** When > 0, deliveries are random 1..maxChunk byte pieces that split and join writes. */
  maxChunk?: number;
  /** Bytes a socket may queue before write() returns false (drain fires at half). */
  highWaterMark?: number;
  /** Fraction of UDP datagrams silently lost, 0..1. */
  udpLoss?: number;
  /** Chunk sizes and UDP loss; seeded by default so runs repeat. */
  random?: Random;
  /** Runs deliveries later. Default: setImmediate where it exists, else setTimeout 0. */
  schedule?: (task: () => void) => void;
}

export const MEMORY_HUB_DEFAULTS = {
  maxChunk: 0,
  highWaterMark: 1024 * 1024,
  udpLoss: 0,
} as const;

export type ResolvedHubOptions = Required<MemoryHubOptions>;

export class MemoryHub {
  readonly options: ResolvedHubOptions;
  readonly http = new MemoryHttpRouter();
  private readonly hosts = new Map<string, MemoryNetwork>();
  private readonly tcpListeners = new Map<string, (socket: TcpSocket) => void>();
  private readonly udpSockets = new Map<string, MemoryUdpSocket>();
  /** Multicast groups: "group|port" -> member sockets. */
  private readonly groups = new Map<string, Set<MemoryUdpSocket>>();
  private readonly blackholes = new Set<string>();
  private readonly pending = new Set<MemoryTcpSocket>();
  private pumpScheduled = false;

  constructor(options: MemoryHubOptions = {}) {
    this.options = {
      ...MEMORY_HUB_DEFAULTS,
      random: new SeededRandom(1),
      schedule: defaultSchedule(),
      ...options,
    };
  }

  /** The network as seen from `address` (the same object on every call). */
  host(address: string): MemoryNetwork {
    let network = this.hosts.get(address);
    if (!network) this.hosts.set(address, (network = new MemoryNetwork(this, address)));
    return network;
  }

  hasHost(address: string): boolean {
    return this.hosts.has(address);
  }

  /** Connections to `address` neither succeed nor fail until their timeout (a dead host). */
  blackhole(address: string): void {
    this.blackholes.add(address);
  }

  isBlackholed(address: string): boolean {
    return this.blackholes.has(address);
  }

  // --- registry, used by MemoryNetwork -------------------------------------------------------

  tcpListener(host: string, port: number): ((socket: TcpSocket) => void) | undefined {
    return this.tcpListeners.get(key(host, port));
  }

  setTcpListener(host: string, port: number, onConnection: ((socket: TcpSocket) => void) | undefined): void {
    if (onConnection) this.tcpListeners.set(key(host, port), onConnection);
    else this.tcpListeners.delete(key(host, port));
  }

  udpSocket(host: string, port: number): MemoryUdpSocket | undefined {
    return this.udpSockets.get(key(host, port));
  }

  setUdpSocket(host: string, port: number, socket: MemoryUdpSocket | undefined): void {
    if (socket) this.udpSockets.set(key(host, port), socket);
    else this.udpSockets.delete(key(host, port));
  }

  joinGroup(group: string, port: number, socket: MemoryUdpSocket): void {
    let members = this.groups.get(key(group, port));
    if (!members) this.groups.set(key(group, port), (members = new Set()));
    members.add(socket);
  }

  leaveGroup(group: string, port: number, socket: MemoryUdpSocket): void {
    this.groups.get(key(group, port))?.delete(socket);
  }

  /** The members of a multicast group, or undefined when `host` is no group anyone joined. */
  groupMembers(group: string, port: number): ReadonlySet<MemoryUdpSocket> | undefined {
    return this.groups.get(key(group, port));
  }

  // --- delivery ------------------------------------------------------------------------------

  schedule(task: () => void): void {
    this.options.schedule(task);
  }

  /** Asks for `socket`'s queue to be delivered in the next delivery round. */
  schedulePump(socket: MemoryTcpSocket): void {
    this.pending.add(socket);
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    this.schedule(() => {
      this.pumpScheduled = false;
      const round = [...this.pending];
      this.pending.clear();
      for (const s of round) s.pump();
    });
  }
}

function key(host: string, port: number): string {
  return `${host}|${port}`;
}

function defaultSchedule(): (task: () => void) => void {
  // A macrotask, not a microtask: a busy swarm must leave room for timers and real I/O.
  const immediate = (globalThis as { setImmediate?: (task: () => void) => unknown }).setImmediate;
  if (immediate) return (task) => void immediate(task);
  return (task) => void setTimeout(task, 0);
}
