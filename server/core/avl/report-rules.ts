/**
 * The AVL rules a report can be judged by without live state: its resource and feed (from the
 * scenario), coordinates, fix time, ranges and accuracy. The leader applies them first, then the
 * stateful ones (order, duplicates, implied speed: core/avl/ingest.ts); an AVL gateway in cluster
 * mode applies only these, so a refused report never crosses to the leader and gets the code the
 * leader would have given (the first failing check decides, in docs/avl.md's order).
 */
import type { ErrorCode } from '../errors.ts';
import { isResourceStatus } from '../fleet/status.ts';
import type { Agency } from '../scenario/types.ts';
import type { AvlLimits } from './limits.ts';

/** The fields a rule reads (AvlReportIn has them all). */
export interface ReportFields {
  lat: number;
  lon: number;
  fixTimeMs: number;
  speedMps: number;
  headingDeg: number;
  accuracyM: number;
  status: number;
}

/** The first stateless rule `r` breaks for a resource of `agency` from a feed of `feedAgency`, or null. */
export function statelessVerdict(
  r: ReportFields,
  agency: Agency,
  feedAgency: Agency | null,
  now: number,
  L: AvlLimits,
): ErrorCode | null {
  if (feedAgency !== null && agency !== feedAgency) return 'JCR_AVL_FORBIDDEN_RESOURCE';
  const lat = r.lat;
  const lon = r.lon;
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return 'JCR_AVL_BAD_COORDINATES'; // NaN fails every comparison
  if (lat === 0 && lon === 0) return 'JCR_AVL_NULL_ISLAND';
  const t = r.fixTimeMs;
  if (!(t > 0 && t < 1e15)) return 'JCR_AVL_BAD_FIX_TIME';
  if (t > now + L.futureSkewMs) return 'JCR_AVL_FUTURE_FIX';
  // The floor: a fix older than the history keeps is no position to show or store (a clock
  // reset to 1970, a mis-scaled time); refused with its own code, never kept in history.
  if (t < now - L.historyRetentionMs) return 'JCR_AVL_FIX_TOO_OLD';
  if (!(r.speedMps >= 0 && r.speedMps < 1e6) || !(r.headingDeg >= -360 && r.headingDeg <= 720) || !(r.accuracyM >= 0))
    return 'JCR_VALIDATION';
  if (r.status !== 0 && !isResourceStatus(r.status)) return 'JCR_VALIDATION';
  if (r.accuracyM > L.maxAccuracyM) return 'JCR_AVL_POOR_ACCURACY';
  return null;
}
