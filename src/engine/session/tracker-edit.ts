/**
 * The user's edits to a torrent's tracker list (BEP 12 tiers, kept in resume data): an added
 * tracker goes into a new last tier, as the announcer places it; a tier left empty is dropped.
 * Bad URLs are refused with the reason the announcer would give.
 */
import { classifyTrackerUrl } from '../tracker/tracker-url.js';
import { TorrentError } from '../util/errors.js';

export const TRACKER_EDIT_LIMITS = {
  /** Longer URLs are refused (announce URLs are short; this keeps resume data bounded). */
  maxUrlLength: 2048,
  /** Trackers per torrent at most. */
  maxTrackers: 200,
} as const;

/** Adds `url` to `tiers` (in place) and returns it trimmed; throws a usage error if it cannot be used. */
export function addTrackerToTiers(tiers: string[][], url: string): string {
  const trimmed = url.trim();
  if (trimmed === '') throw new TorrentError('usage', 'Enter a tracker URL (http://, https:// or udp://).');
  if (trimmed.length > TRACKER_EDIT_LIMITS.maxUrlLength) throw new TorrentError('usage', 'That tracker URL is too long.');
  const kind = classifyTrackerUrl(trimmed);
  if (kind.protocol === null) throw new TorrentError('usage', `Cannot use that tracker: ${kind.reason}.`);
  let count = 0;
  for (const tier of tiers) {
    if (tier.includes(trimmed)) throw new TorrentError('usage', 'That tracker is already listed.');
    count += tier.length;
  }
  if (count >= TRACKER_EDIT_LIMITS.maxTrackers) throw new TorrentError('usage', `A torrent can have at most ${TRACKER_EDIT_LIMITS.maxTrackers} trackers.`);
  tiers.push([trimmed]);
  return trimmed;
}

/** Removes `url` from `tiers` (in place); false if it was not there. */
export function removeTrackerFromTiers(tiers: string[][], url: string): boolean {
  for (let i = 0; i < tiers.length; i++) {
    const at = tiers[i]!.indexOf(url);
    if (at < 0) continue;
    tiers[i]!.splice(at, 1);
    if (tiers[i]!.length === 0) tiers.splice(i, 1);
    return true;
  }
  return false;
}
