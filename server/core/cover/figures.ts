/**
 * Cover figures: the demand-weighted share of a surface's demand reached within each of its
 * standards' targets, with the label the screens show
 * ("fire pump 1st within 10 min: 93.4% of demand (standard 90%)").
 */
import type { DemandPoint } from '../scenario/types.ts';
import type { SurfaceDef, SurfaceTarget } from './surfaces.ts';

export interface TargetFigure extends SurfaceTarget {
  surface: string;
  /** Demand weight reached within withinS by the nth resource, over all snapped demand. */
  coveredWeight: number;
  totalWeight: number;
  /** coveredWeight / totalWeight, 0..1. */
  coveredShare: number;
  meetsStandard: boolean;
  /** e.g. "fire pump 1st within 10 min: 93.4% of demand (standard 90%)". */
  label: string;
}

const nthName = (n: number): string => (n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`);

export function fmtMinutes(s: number): string {
  const m = s / 60;
  return Number.isInteger(m) ? `${m} min` : `${m.toFixed(1)} min`;
}

/**
 * Demand-weighted share within each target of a surface, from its demand times
 * (demandTimes[nth - 1][d]). Every demand point counts towards `totalWeight`.
 */
export function targetFigures(
  s: SurfaceDef,
  demand: readonly DemandPoint[],
  totalWeight: number,
  demandTimes: readonly Float64Array[],
): TargetFigure[] {
  return s.targets.map((t) => {
    const times = demandTimes[t.nth - 1]!;
    let covered = 0;
    demand.forEach((d, i) => {
      if (times[i]! <= t.withinS) covered += d.weight;
    });
    const share = totalWeight > 0 ? covered / totalWeight : 0;
    return {
      ...t,
      surface: s.key,
      coveredWeight: covered,
      totalWeight,
      coveredShare: share,
      meetsStandard: share >= t.share,
      label: `${s.agency} ${s.capability} ${nthName(t.nth)} within ${fmtMinutes(t.withinS)}: ${(share * 100).toFixed(1)}% of demand (standard ${(t.share * 100).toFixed(0)}%)`,
    };
  });
}
