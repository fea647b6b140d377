/** Which client speaks a tracker URL, or why none does (shown to the user verbatim). */
import { errorMessage } from '../util/errors.js';
import { parseUdpTrackerUrl } from './udp-tracker.js';

export type TrackerProtocol = 'http' | 'udp';

export type TrackerUrlKind = { protocol: TrackerProtocol } | { protocol: null; reason: string };

export function classifyTrackerUrl(url: string): TrackerUrlKind {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    return isValidUrl(url) ? { protocol: 'http' } : { protocol: null, reason: 'not a valid tracker URL' };
  }
  if (scheme === 'udp') {
    try {
      parseUdpTrackerUrl(url);
      return { protocol: 'udp' };
    } catch (error) {
      return { protocol: null, reason: errorMessage(error) };
    }
  }
  if (scheme === 'ws' || scheme === 'wss') {
    return { protocol: null, reason: 'WebTorrent (WebSocket) trackers are not supported' };
  }
  return { protocol: null, reason: scheme ? `unsupported tracker URL scheme "${scheme}:"` : 'not a valid tracker URL' };
}

function isValidUrl(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
