/**
 * Time-of-day profiles of incident demand by lead agency, loaded from ./time-of-day.json: each
 * agency's share of incidents by local hour of call (percent), with where each figure comes from
 * (sim/incidents/NOTICE.md, docs/simulator.md § Time of day). The generator thins each type's
 * Poisson process by its agency's hourly factor, the share × 24 / 100, so a profile averages 1
 * over the day and the yearly rates stay as they are.
 */
import { readFileSync } from 'node:fs';
import type { Agency } from '../../server/core/scenario/types.ts';

const AGENCIES: readonly Agency[] = ['fire', 'ambulance', 'police'];
/** Rounding slack of shares written to two decimals (percentage points). */
const SLACK = 0.005;

export interface PublishedShare {
  /** Local hours [fromHour, toHour). */
  fromHour: number;
  toHour: number;
  percent: number;
}

/**
 * Hourly factors (index = local hour 0..23), each averaging 1, from a profile file: every agency
 * with 24 non-negative shares adding up to 100, and every published block share it lists met.
 */
export function profilesOf(file: unknown): Record<Agency, number[]> {
  const profiles = (file as { profiles?: Record<string, unknown> } | null)?.profiles;
  if (!profiles || typeof profiles !== 'object') throw new Error('time of day: no profiles');
  const out = {} as Record<Agency, number[]>;
  for (const agency of AGENCIES) {
    const p = profiles[agency] as { percentByHour?: unknown; published?: PublishedShare[] } | undefined;
    const pct = p?.percentByHour;
    if (!Array.isArray(pct) || pct.length !== 24 || !pct.every((x) => typeof x === 'number' && x >= 0))
      throw new Error(`time of day: ${agency} needs 24 non-negative shares`);
    const shares = pct as number[];
    const total = shares.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 100) > SLACK) throw new Error(`time of day: ${agency} shares add up to ${total}, not 100`);
    for (const b of p?.published ?? []) {
      const got = shares.slice(b.fromHour, b.toHour).reduce((a, x) => a + x, 0);
      if (Math.abs(got - b.percent) > SLACK)
        throw new Error(`time of day: ${agency} ${b.fromHour}-${b.toHour} h is ${got}%, published ${b.percent}%`);
    }
    out[agency] = shares.map((x) => (x * 24) / total);
  }
  return out;
}

export const TIME_OF_DAY: Readonly<Record<Agency, readonly number[]>> = profilesOf(
  JSON.parse(readFileSync(new URL('./time-of-day.json', import.meta.url), 'utf8')),
);
