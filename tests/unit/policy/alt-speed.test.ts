import { describe, expect, it } from 'vitest';
import { AltSpeedSchedule, parseAltSchedule, type LocalTime } from '../../../src/engine/policy/alt-speed.js';

const MON = 1;
const SAT = 6;
const SUN = 0;

function schedule(text: string, at: LocalTime) {
  const now = { ...at };
  const s = new AltSpeedSchedule({ download: 100, upload: 50, ...parseAltSchedule(text) }, () => now);
  return { s, now };
}

describe('alternative speed schedule', () => {
  it('says who turned it on: the schedule, or the user until the schedule next changes', () => {
    const { s, now } = schedule('mon-fri 08:00-18:00', { day: MON, minute: 7 * 60 });
    expect(s.status()).toEqual({ active: false, by: 'schedule', scheduled: false, hasSchedule: true, download: 100, upload: 50 });
    s.setManual(true);
    expect(s.status()).toEqual({ active: true, by: 'user', scheduled: false, hasSchedule: true, download: 100, upload: 50 });
    now.minute = 9 * 60; // the window opens: the schedule takes over
    expect(s.status()).toEqual({ active: true, by: 'schedule', scheduled: true, hasSchedule: true, download: 100, upload: 50 });
    s.setManual(false);
    expect(s.status()).toEqual({ active: false, by: 'user', scheduled: true, hasSchedule: true, download: 100, upload: 50 });
    const handOnly = new AltSpeedSchedule({ download: 1, upload: 1 }, () => now);
    expect(handOnly.status()).toEqual({ active: false, by: 'schedule', scheduled: false, hasSchedule: false, download: 1, upload: 1 });
    handOnly.setManual(true);
    expect(handOnly.status()).toMatchObject({ active: true, by: 'user' });
  });

  it('applies inside the window on the chosen days only', () => {
    const { s, now } = schedule('mon-fri 08:00-18:00', { day: MON, minute: 8 * 60 });
    expect(s.isActive()).toBe(true);
    expect(s.limits({ download: 0, upload: 0 })).toEqual({ download: 100, upload: 50 });
    now.minute = 18 * 60; // the end is exclusive
    expect(s.isActive()).toBe(false);
    expect(s.limits({ download: 7, upload: 8 })).toEqual({ download: 7, upload: 8 });
    now.minute = 7 * 60 + 59;
    expect(s.isActive()).toBe(false);
    now.day = SAT;
    now.minute = 12 * 60;
    expect(s.isActive()).toBe(false);
  });

  it('a window past midnight belongs to the day it starts', () => {
    const { s, now } = schedule('fri 22:00-06:00', { day: 5, minute: 23 * 60 });
    expect(s.isActive()).toBe(true);
    now.day = SAT;
    now.minute = 5 * 60;
    expect(s.isActive()).toBe(true); // Friday night's window
    now.minute = 6 * 60;
    expect(s.isActive()).toBe(false);
    now.day = 4; // Thursday 23:00: not a scheduled night
    now.minute = 23 * 60;
    expect(s.isActive()).toBe(false);
    now.day = 5;
    now.minute = 3 * 60; // Friday 03:00 belongs to Thursday night
    expect(s.isActive()).toBe(false);
  });

  it('a hand switch holds until the schedule itself changes', () => {
    const { s, now } = schedule('sat,sun 10:00-12:00', { day: SUN, minute: 9 * 60 });
    expect(s.isActive()).toBe(false);
    s.setManual(true);
    expect(s.isActive()).toBe(true);
    now.minute = 10 * 60; // window starts: the schedule takes over again
    expect(s.isActive()).toBe(true);
    s.setManual(false);
    expect(s.isActive()).toBe(false);
    now.minute = 12 * 60; // window ends
    expect(s.isActive()).toBe(false);
    now.day = SAT;
    now.minute = 11 * 60;
    expect(s.isActive()).toBe(true);
  });

  it('parses days and times, and says what is wrong', () => {
    expect(parseAltSchedule('09:30-17:15')).toEqual({ days: 0x7f, beginMinute: 570, endMinute: 1035 });
    expect(parseAltSchedule('weekend 00:00-23:59').days).toBe(0b1000001);
    expect(parseAltSchedule('fri-mon 1:00-2:00').days).toBe(0b0100011 | 0b1000000);
    expect(() => parseAltSchedule('funday 08:00-09:00')).toThrow(/unknown day/);
    expect(() => parseAltSchedule('mon 8-9')).toThrow(/HH:MM-HH:MM/);
    expect(() => parseAltSchedule('mon 24:00-09:00')).toThrow(/not a time of day/);
    expect(() => parseAltSchedule('mon 08:00-08:00')).toThrow(/different times/);
    expect(() => new AltSpeedSchedule({ download: -1, upload: 0 })).toThrow(/download/);
  });
});
