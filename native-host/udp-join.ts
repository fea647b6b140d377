/** What the relay lets a client do with multicast (UDP_JOIN, relay protocol 4): checked here, in one place. */
import { isIP } from 'node:net';
import { isAllowedMulticastGroup, type RelayLimits } from '../src/relay/limits.js';

/**
 * Why a UDP_JOIN is refused, or undefined: only the groups in limits.multicastGroups (BEP 14's
 * local service discovery), and an interface named by an address of the group's family
 * ('' = the OS's choice).
 */
export function joinRefusal(limits: RelayLimits, group: string, port: number, interfaceAddress: string): string | undefined {
  if (!isAllowedMulticastGroup(limits, group, port)) {
    const allowed = limits.multicastGroups.map((g) => (g.host.includes(':') ? `[${g.host}]:${g.port}` : `${g.host}:${g.port}`)).join(', ');
    return `the relay joins only the local service discovery groups (${allowed})`;
  }
  if (interfaceAddress !== '' && isIP(interfaceAddress) !== isIP(group)) return `multicast interface "${interfaceAddress}" is not an address of the group's family`;
  return undefined;
}
