/**
 * A Client for the offscreen document, on the port the settings name, or on any free one when
 * another program holds it (the trackers and DHT learn which).
 */
import { Client } from '../../engine/session/client.js';
import { errorMessage } from '../../engine/util/errors.js';
import type { BrowserPlatform } from '../../platform/browser/index.js';
import { clientTransferOptions, type TransferSettings } from '../preferences.js';
import { clientNetworkOptions, type NetworkSettings } from '../settings.js';

/**
 * Dual-stack: IPv6 peers can dial in too (the host unmaps IPv4 peers' addresses and maps IPv4
 * destinations of UDP), and the DHT joins the IPv6 network as well (BEP 32). A machine without
 * IPv6 gets IPv4 only.
 */
export const CLIENT_LISTEN_HOSTS = ['::', '0.0.0.0'] as const;
/** The global limits cap wire bytes, protocol overhead included (issue 7), not only payload. */
export const CLIENT_COUNTS_OVERHEAD = true;

export async function createClient(platform: BrowserPlatform, settings: NetworkSettings, transfer: TransferSettings): Promise<Client> {
  const options = { platform, countOverhead: CLIENT_COUNTS_OVERHEAD, ...clientNetworkOptions(settings), ...clientTransferOptions(transfer) };
  // The chosen port on each address family, then (another program holds it) any free port: the
  // trackers and the DHT learn which.
  const ports = options.port === 0 ? [0] : [options.port, 0];
  let last: unknown;
  for (const port of ports) {
    for (const listenHost of CLIENT_LISTEN_HOSTS) {
      try {
        return await Client.create({ ...options, port, listenHost });
      } catch (error) {
        last = error;
        console.warn(`TorrentEdge: cannot listen on ${listenHost} port ${port} (${errorMessage(error)})`);
      }
    }
  }
  throw last;
}
