/**
 * The incident generator: one Poisson process per incident type, its rate shaped by a
 * time-of-day profile (per lead agency), locations drawn from the scenario's demand points by
 * weight and spread around each point. Pure and seeded: the same seed, rates and window give
 * the same incidents. Non-homogeneous Poisson by thinning (Lewis & Shedler): draw candidates at
 * the peak rate, keep each with probability rate(t) / peak.
 */
import type { Random } from '../../server/core/clock.ts';
import type { Agency, DemandPoint, Scenario } from '../../server/core/scenario/types.ts';
import { gaussian, offsetM, round6, type LatLon } from '../fleet/movement.ts';
import { DEFAULT_RATES_PER_YEAR } from './rates.ts';
import { TIME_OF_DAY } from './time-of-day.ts';

export interface GeneratedIncident {
  /** Stable reference within one stream: I1, I2, ... in time order. */
  ref: string;
  /** Epoch ms of the call. */
  t: number;
  typeId: string;
  priority: 1 | 2 | 3;
  leadAgency: Agency;
  lat: number;
  lon: number;
  /** The demand point it was drawn around (a town), for the address line. */
  near: string;
}

export interface GeneratorOptions {
  /** Incidents per year by type id; types not named use DEFAULT_RATES_PER_YEAR, else 0. */
  ratesPerYear?: Record<string, number>;
  /** Multiplies every rate (demo mode uses > 1 to make the map busy). */
  rateFactor?: number;
  /** Spread of locations around a demand point, metres (one sigma per axis). */
  spreadM?: number;
  /**
   * Adjust or refuse a drawn location (e.g. snap it to the road network); return null to draw
   * again (up to 10 times, then the demand point itself is used).
   */
  place?: (p: LatLon) => LatLon | null;
  /** Hour of day (0..23, fractional) of an epoch ms in the scenario's zone; default: the scenario timezone via Intl. */
  hourOf?: (t: number) => number;
}

const MS_PER_YEAR = 365.25 * 24 * 3_600_000;

/** Hour of day (fractional) of `t` in `timeZone`. */
export function zoneHour(timeZone: string): (t: number) => number {
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (t: number) => {
    const parts = fmt.formatToParts(t);
    const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
    const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
    return h + m / 60;
  };
}

/** The time-of-day factor (mean 1 over the day) for an agency at a fractional hour. */
export function dayFactor(agency: Agency, hour: number): number {
  const p = TIME_OF_DAY[agency];
  const h = Math.floor(hour) % 24;
  return p[h]!;
}

export function pickWeighted(points: readonly DemandPoint[], u: number): DemandPoint {
  let total = 0;
  for (const p of points) total += p.weight;
  let x = u * total;
  for (const p of points) {
    x -= p.weight;
    if (x < 0) return p;
  }
  return points[points.length - 1]!;
}

/** Generate every incident with call time in [fromMs, toMs), in time order. */
export function generateIncidents(
  scenario: Scenario,
  random: Random,
  fromMs: number,
  toMs: number,
  opts: GeneratorOptions = {},
): GeneratedIncident[] {
  const factor = opts.rateFactor ?? 1;
  const hourOf = opts.hourOf ?? zoneHour(scenario.timezone);
  const spread = opts.spreadM ?? 1500;
  const out: Omit<GeneratedIncident, 'ref'>[] = [];
  if (scenario.demand.length === 0) return [];
  // One process per type, in the scenario's type order, each from the same stream in turn:
  // deterministic for a seed.
  for (const type of scenario.incidentTypes) {
    const perYear = (opts.ratesPerYear?.[type.id] ?? DEFAULT_RATES_PER_YEAR[type.id] ?? 0) * factor;
    if (perYear <= 0) continue;
    const base = perYear / MS_PER_YEAR; // per ms
    const profile = TIME_OF_DAY[type.leadAgency];
    const peak = base * Math.max(...profile);
    let t = fromMs;
    for (;;) {
      t += -Math.log(1 - random()) / peak;
      if (t >= toMs) break;
      const keep = random() < dayFactor(type.leadAgency, hourOf(t)) / Math.max(...profile);
      // Draw the location whatever `keep` says, so one type's stream does not shift with another's profile.
      const where = place(scenario.demand, random, spread, opts.place);
      if (!keep) continue;
      out.push({
        t: Math.floor(t),
        typeId: type.id,
        priority: type.priority,
        leadAgency: type.leadAgency,
        lat: where.lat,
        lon: where.lon,
        near: where.near,
      });
    }
  }
  out.sort((a, b) => a.t - b.t || (a.typeId < b.typeId ? -1 : a.typeId > b.typeId ? 1 : 0));
  return out.map((x, i) => ({ ref: `I${i + 1}`, ...x }));
}

function place(
  points: readonly DemandPoint[],
  random: Random,
  spreadM: number,
  adjust: GeneratorOptions['place'],
): LatLon & { near: string } {
  const dp = pickWeighted(points, random());
  for (let i = 0; i < 10; i++) {
    const p = offsetM(dp.lat, dp.lon, gaussian(random(), random()) * spreadM, gaussian(random(), random()) * spreadM);
    const q = adjust ? adjust(p) : p;
    if (q) return { lat: round6(q.lat), lon: round6(q.lon), near: dp.name ?? dp.id };
  }
  return { lat: dp.lat, lon: dp.lon, near: dp.name ?? dp.id };
}
