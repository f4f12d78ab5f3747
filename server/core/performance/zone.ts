/**
 * Wall-clock time in the scenario's time zone, without I/O: local midnight ("today"), the start
 * of the current shift. Intl gives the zone's offset at an instant; a local wall time is turned
 * into an instant by guessing it as UTC and correcting by the offset twice (enough for any
 * zone's daylight-saving step). A wall time that does not exist (inside a spring-forward gap)
 * comes out one gap later, which is when the day or shift really starts.
 */

export interface LocalTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday .. 6 = Saturday */
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formats.set(zone, f);
  }
  return f;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall time in `zone` at instant `t` (epoch ms). */
export function localTime(zone: string, t: number): LocalTime {
  const out: LocalTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of format(zone).formatToParts(t)) {
    switch (p.type) {
      case 'year':
        out.year = Number(p.value);
        break;
      case 'month':
        out.month = Number(p.value);
        break;
      case 'day':
        out.day = Number(p.value);
        break;
      case 'hour':
        out.hour = Number(p.value) % 24;
        break;
      case 'minute':
        out.minute = Number(p.value);
        break;
      case 'second':
        out.second = Number(p.value);
        break;
      case 'weekday':
        out.weekday = WEEKDAYS.indexOf(p.value);
        break;
      default:
        break;
    }
  }
  return out;
}

/** The zone's offset from UTC at instant t, ms (local wall time minus UTC). */
export function zoneOffsetMs(zone: string, t: number): number {
  const l = localTime(zone, t);
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return wall - (t - (((t % 1000) + 1000) % 1000));
}

/** The instant of wall time y-m-d hh:mm in `zone` (day may overflow: Date.UTC normalises it). */
export function zonedInstant(zone: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - zoneOffsetMs(zone, guess);
  return guess - zoneOffsetMs(zone, first);
}

/** Local midnight that starts the day `t` falls on, in `zone`. */
export function startOfLocalDay(zone: string, t: number): number {
  const l = localTime(zone, t);
  return zonedInstant(zone, l.year, l.month, l.day);
}

/** "HH:MM" → minutes after midnight, or undefined when it is not a 24-hour time. */
export function parseHhMm(s: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * The shift running at `t`: shifts start at local wall times each day and each runs until the
 * next one starts (the last of the day until the first of the next). Returns its index in
 * `starts` (minutes after midnight, any order) and when it started.
 */
export function currentShift(zone: string, starts: readonly number[], t: number): { index: number; fromMs: number } {
  const l = localTime(zone, t);
  const now = l.hour * 60 + l.minute;
  let best = -1;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    if (s <= now && (best < 0 || s > starts[best]!)) best = i;
  }
  let day = l.day;
  if (best < 0) {
    // Before the day's first start: the latest start of yesterday.
    for (let i = 0; i < starts.length; i++) if (best < 0 || starts[i]! > starts[best]!) best = i;
    day -= 1;
  }
  const start = starts[best] ?? 0;
  return { index: best, fromMs: zonedInstant(zone, l.year, l.month, day, Math.floor(start / 60), start % 60) };
}
