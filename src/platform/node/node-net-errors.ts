/** Maps node:net / node:dgram failures to the engine's NetError kinds. */
import { NetError } from '../interfaces/net.js';

const KIND_BY_CODE: Record<string, NetError['kind']> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ECONNRESET: 'closed',
  EPIPE: 'closed',
};

export function toNetError(error: unknown, what: string): NetError {
  if (error instanceof NetError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const kind = (code !== undefined && KIND_BY_CODE[code]) || 'other';
  const detail = error instanceof Error ? error.message : String(error);
  return new NetError(kind, `${what}: ${detail}`);
}

/** Peers are told apart by address: an IPv4 peer seen through a dual-stack socket is still IPv4. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export { formatEndpoint } from '../../engine/util/endpoint.js';
