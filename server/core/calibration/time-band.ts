/**
 * Time bands: the times of day and kinds of day over which road speeds differ enough to be timed
 * apart. A calibration has one set of speed factors per band; the simulator's true traffic has
 * one per band too. Hours are the scenario's local wall clock (performance/zone.ts), so the
 * morning peak stays at 7 a.m. across a daylight-saving change.
 *
 *   band       local hours    weekday name      weekend name
 *   night      22:00-06:00    weekday-night     weekend-night
 *   am         06:00-10:00    weekday-am        weekend-am
 *   inter      10:00-16:00    weekday-inter     weekend-inter
 *   pm         16:00-19:00    weekday-pm        weekend-pm
 *   evening    19:00-22:00    weekday-evening   weekend-evening
 *
 * Saturday and Sunday are weekend days; bank holidays are not modelled.
 */
import { localTime } from '../performance/zone.ts';

export const DAY_PARTS = ['night', 'am', 'inter', 'pm', 'evening'] as const;
export type DayPart = (typeof DAY_PARTS)[number];
export type DayType = 'weekday' | 'weekend';

/** Every band's name, weekdays first, in the order of DAY_PARTS. */
export const BANDS: readonly string[] = (['weekday', 'weekend'] as const).flatMap((d) =>
  DAY_PARTS.map((p) => `${d}-${p}`),
);

/** The part of the day a local hour falls in. */
export function dayPartOfHour(hour: number): DayPart {
  if (hour < 6 || hour >= 22) return 'night';
  if (hour < 10) return 'am';
  if (hour < 16) return 'inter';
  if (hour < 19) return 'pm';
  return 'evening';
}

export interface BandOf {
  band: string;
  day: DayType;
  part: DayPart;
  /** Local hour, with minutes as a fraction (7.5 = 07:30). */
  hour: number;
}

/** The band an instant (epoch ms) falls in, in the zone's local time. */
export function bandOf(zone: string, t: number): BandOf {
  const lt = localTime(zone, t);
  const day: DayType = lt.weekday === 0 || lt.weekday === 6 ? 'weekend' : 'weekday';
  const part = dayPartOfHour(lt.hour);
  return { band: `${day}-${part}`, day, part, hour: lt.hour + lt.minute / 60 };
}
