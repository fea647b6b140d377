/**
 * A Client for the offscreen document, on the port the settings name, or on any free one when
 * another program holds it (the trackers and DHT learn which).
 */
import { Client } from '../../engine/session/client.js';
import { errorMessage } from '../../engine/util/errors.js';
import type { BrowserPlatform } from '../../platform/browser/index.js';
import { clientTransferOptions, type TransferSettings } from '../preferences.js';
import { clientNetworkOptions, type NetworkSettings } from '../settings.js';

export const CLIENT_LISTEN_HOST = '0.0.0.0';
/** The global limits cap wire bytes, protocol overhead included (issue 7), not only payload. */
export const CLIENT_COUNTS_OVERHEAD = true;

export async function createClient(platform: BrowserPlatform, settings: NetworkSettings, transfer: TransferSettings): Promise<Client> {
  const options = { platform, listenHost: CLIENT_LISTEN_HOST, countOverhead: CLIENT_COUNTS_OVERHEAD, ...clientNetworkOptions(settings), ...clientTransferOptions(transfer) };
  try {
    return await Client.create(options);
  } catch (error) {
    if (options.port === 0) throw error;
    // Another program holds the chosen port: any free one works, the trackers and DHT learn which.
    console.warn(`TorrentEdge: port ${options.port} is taken (${errorMessage(error)}); listening on any free port`);
    return Client.create({ ...options, port: 0 });
  }
}
