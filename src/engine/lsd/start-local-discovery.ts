import type { Endpoint } from '../../platform/interfaces/index.js';
import { LocalDiscovery } from './local-discovery.js';
import { DEFAULT_LSD_LIMITS, LSD_IPV4_GROUP, LSD_IPV6_GROUP } from './lsd-limits.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { ClientOptions } from '../session/types.js';

/**
 * The client's LSD (BEP 14), where the platform has multicast (Node, memory, and the browser's
 * relay since relay protocol 4, which joins only the LSD groups). Undefined when it cannot
 * start: the port is taken and not shareable, the host refuses, or no multicast.
 */
export async function startLocalDiscovery(
  options: ClientOptions,
  clock: Clock,
  random: Random,
  listenPort: () => number,
  onPeer: (infoHashHex: string, peer: Endpoint) => void,
): Promise<LocalDiscovery | undefined> {
  const network = options.platform.network;
  if (!network.bindMulticast) return undefined;
  const group = options.lsdInterface?.includes(':') ? LSD_IPV6_GROUP : LSD_IPV4_GROUP;
  try {
    const socket = await network.bindMulticast({
      group: group.host,
      port: group.port,
      ...(options.lsdInterface ? { interfaceAddress: options.lsdInterface } : {}),
      ttl: DEFAULT_LSD_LIMITS.ttl,
      loopback: true, // other clients on this machine are local peers too
    });
    return new LocalDiscovery({ socket, group, clock, random, listenPort, onPeer });
  } catch {
    return undefined;
  }
}
