/**
 * Alternative speed limits and their schedule, as Transmission's "turtle mode": other limits
 * on chosen days between two times of day (wrapping past midnight when the end comes before
 * the start), or switched on and off by hand. Pure: the local time of day is injected.
 */
import { TorrentError } from '../util/errors.js';

/** Day of week as Date.getDay() numbers it (0 = Sunday) and minute of the day (0..1439). */
export interface LocalTime {
  day: number;
  minute: number;
}

export interface AltSpeedSettings {
  /** Payload limits in bytes/s while the alternative speeds apply (0 = unlimited). */
  download: number;
  upload: number;
  /** Days the schedule runs: bit d = day d (0 = Sunday); 0x7f = every day. Unset: no schedule. */
  days?: number;
  /** Start and end, minutes after midnight; end < begin wraps past midnight. */
  beginMinute?: number;
  endMinute?: number;
}

export interface AltSpeedStatus {
  active: boolean;
  /** Who set the current state: the user's switch (until the schedule next changes) or the schedule. */
  by: 'user' | 'schedule';
  /** What the schedule alone says now. */
  scheduled: boolean;
  /** Whether there is a schedule at all (else only the hand switch turns them on). */
  hasSchedule: boolean;
  /** The alternative limits, bytes/s (0 = unlimited). */
  download: number;
  upload: number;
}

export function localTimeOf(date: Date): LocalTime {
  return { day: date.getDay(), minute: date.getHours() * 60 + date.getMinutes() };
}

export class AltSpeedSchedule {
  /** true/false: switched by hand, overriding the schedule until the schedule next changes. */
  private manual: boolean | undefined;
  private lastScheduled: boolean | undefined;

  constructor(
    readonly settings: AltSpeedSettings,
    private readonly localTime: () => LocalTime = () => localTimeOf(new Date()),
  ) {
    for (const [name, value] of Object.entries({ download: settings.download, upload: settings.upload })) {
      if (!Number.isFinite(value) || value < 0) throw new TorrentError('usage', `alternative ${name} limit must be 0 or more bytes/s, got ${value}`);
    }
    const { beginMinute: b, endMinute: e, days } = settings;
    if ((b === undefined) !== (e === undefined)) throw new TorrentError('usage', 'an alternative speed schedule needs both a start and an end time');
    for (const m of [b, e]) {
      if (m !== undefined && !(Number.isInteger(m) && m >= 0 && m < 1440)) throw new TorrentError('usage', `a time of day must be 00:00 to 23:59, got minute ${m}`);
    }
    if (days !== undefined && !(Number.isInteger(days) && days >= 0 && days <= 0x7f)) throw new TorrentError('usage', `days must be a 7-bit mask, got ${days}`);
  }

  /** Switch by hand (as the turtle button); undefined goes back to the schedule. */
  setManual(on: boolean | undefined): void {
    this.manual = on;
  }

  /** What the schedule alone says now. */
  scheduled(): boolean {
    const { beginMinute: begin, endMinute: end } = this.settings;
    if (begin === undefined || end === undefined) return false;
    const days = this.settings.days ?? 0x7f;
    const { day, minute } = this.localTime();
    if (begin === end) return false;
    const within = begin < end ? minute >= begin && minute < end : minute >= begin || minute < end;
    if (!within) return false;
    // Past midnight in a wrapping window, the window belongs to the day it started.
    const startDay = begin > end && minute < end ? (day + 6) % 7 : day;
    return (days & (1 << startDay)) !== 0;
  }

  /**
   * Whether the alternative limits apply now. A hand switch holds until the schedule itself
   * changes (as Transmission: turning the turtle off during the window lasts until it ends).
   */
  isActive(): boolean {
    const scheduled = this.scheduled();
    if (this.lastScheduled !== undefined && scheduled !== this.lastScheduled) this.manual = undefined;
    this.lastScheduled = scheduled;
    return this.manual ?? scheduled;
  }

  /**
   * Whether they apply now and who decided: the user's hand switch, or the schedule (the
   * turtle button shows this). `scheduled` is what the schedule alone says.
   */
  status(): AltSpeedStatus {
    const active = this.isActive();
    const by = this.manual !== undefined ? 'user' : 'schedule';
    return { active, by, scheduled: this.lastScheduled ?? false, hasSchedule: this.settings.beginMinute !== undefined, download: this.settings.download, upload: this.settings.upload };
  }

  /** The limits to apply now, given the normal ones. */
  limits(normal: { download: number; upload: number }): { download: number; upload: number } {
    return this.isActive() ? { download: this.settings.download, upload: this.settings.upload } : normal;
  }
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * `DAYS HH:MM-HH:MM`, DAYS a comma list of names or ranges (`mon-fri`, `sat,sun`) or `all`,
 * `weekdays`, `weekend`; the days part may be left out (every day). Returns the schedule part.
 */
export function parseAltSchedule(text: string): Required<Pick<AltSpeedSettings, 'days' | 'beginMinute' | 'endMinute'>> {
  const parts = text.trim().toLowerCase().split(/\s+/);
  if (parts.length < 1 || parts.length > 2 || parts[0] === '') throw new TorrentError('usage', `a schedule is "DAYS HH:MM-HH:MM" (e.g. "mon-fri 08:00-18:00"), got ${JSON.stringify(text)}`);
  const times = parts[parts.length - 1]!;
  const days = parts.length === 2 ? parseDays(parts[0]!) : 0x7f;
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(times);
  if (!m) throw new TorrentError('usage', `schedule times must be HH:MM-HH:MM, got ${JSON.stringify(times)}`);
  const minute = (h: string, mm: string): number => {
    const hours = Number(h);
    const mins = Number(mm);
    if (hours > 23 || mins > 59) throw new TorrentError('usage', `not a time of day: ${h}:${mm}`);
    return hours * 60 + mins;
  };
  const beginMinute = minute(m[1]!, m[2]!);
  const endMinute = minute(m[3]!, m[4]!);
  if (beginMinute === endMinute) throw new TorrentError('usage', 'a schedule must start and end at different times');
  return { days, beginMinute, endMinute };
}

function parseDays(text: string): number {
  if (text === 'all' || text === 'daily') return 0x7f;
  if (text === 'weekdays') return 0b0111110;
  if (text === 'weekend') return 0b1000001;
  let mask = 0;
  for (const item of text.split(',')) {
    const [a, b] = item.split('-');
    const from = DAY_NAMES.indexOf(a ?? '');
    const to = b === undefined ? from : DAY_NAMES.indexOf(b);
    if (from < 0 || to < 0) throw new TorrentError('usage', `unknown day ${JSON.stringify(item)} (use sun, mon, tue, wed, thu, fri, sat, ranges like mon-fri, all, weekdays, weekend)`);
    for (let d = from; ; d = (d + 1) % 7) {
      mask |= 1 << d;
      if (d === to) break;
    }
  }
  return mask;
}
