/**
 * A calibration as the planner's speeds: the SpeedModel of one time band, the prior's profiles
 * with the band's class factors (every road profile alike) and the roads' own factors. Pure.
 */
import type { RoadGraph } from '../graph/build.ts';
import { SpeedModel } from '../graph/speed.ts';
import type { SpeedProfile } from '../scenario/types.ts';
import type { SpeedFactors } from './estimate.ts';
import { checkFactors } from './factor-range.ts';

/** The highway class of a road (graph geometry): its first segment's. */
export function roadClassOf(g: RoadGraph): (geom: number) => string {
  return (geom) => g.highwayNames[g.slotHighway[g.geomStart[geom]!]!] ?? 'default';
}

/** The roads' own factors as an array by geometry (1 where a road has none). */
export function roadFactorArray(f: SpeedFactors, geomCount: number): Float32Array {
  const out = new Float32Array(geomCount).fill(1);
  for (const [k, v] of Object.entries(f.roads)) {
    const i = Number(k);
    if (Number.isInteger(i) && i >= 0 && i < geomCount && v > 0) out[i] = v;
  }
  return out;
}

/**
 * The speed model of one band under a calibration (null: the prior itself). JCR_CALIBRATION_INVALID
 * for a factor outside the allowed range (./factor-range.ts): it could remove routes.
 */
export function calibratedModel(
  profiles: Readonly<Record<string, SpeedProfile>>,
  g: RoadGraph,
  f: SpeedFactors | null,
  band: string,
  roads: Float32Array = f ? roadFactorArray(f, g.geomStart.length - 1) : new Float32Array(0),
): SpeedModel {
  if (!f) return new SpeedModel(profiles);
  checkFactors(f, 'factors');
  const classes = f.classes[band] ?? {};
  const calibration: Record<string, Record<string, number>> = {};
  for (const [name, p] of Object.entries(profiles)) if (p.mode !== 'air') calibration[name] = { ...classes };
  return new SpeedModel(profiles, { calibration, roads });
}
