/**
 * Responder lists: for each demand point of a surface, its best k + m responders (time and
 * resource), kept with every cover picture. k is what the surface's standards count (2 for first
 * and second appliance); m is how many commitments the lists answer exactly (CoverOptions
 * `exactRemovals`).
 *
 * Why it is exact: committing a set S of the surface's sources changes a demand point's ranking
 * only by taking S's members out of it; the others keep their times and order. If a point's list
 * is full (k + m entries) and S removes at most m of them, at least k remain, and no source
 * outside the list can be faster than the last one kept. If it is not full, every source within
 * the surface's bound is in it already. Either way the k-th time after the commitment is read
 * from the list: O(demand points x (k + m)), no search and no tree. When the lists hold every
 * source of the surface (sources <= k + m), any set is exact.
 *
 * Layout (one transferable pair of typed arrays per surface, made on the cover worker and sent
 * to the main thread with each picture): times[d * slots + j] is the (j+1)-th best response time
 * at demand point d (Infinity: none within the bound; NaN: the point does not snap to a road);
 * who[d * slots + j] indexes resourceIds (-1: none).
 */
import type { SurfaceDef } from './surfaces.ts';

export interface ResponderLists {
  surface: string;
  k: number;
  /** Responders kept per demand point: k + m. */
  slots: number;
  /** The surface's sources when the picture was computed; `who` indexes into it. */
  resourceIds: string[];
  times: Float64Array;
  who: Int32Array;
}

/** Lists from demand-time rows (rows[j][d], who[j][d]: the (j+1)-th responder), as the model ranks them. */
export function packResponders(
  s: SurfaceDef,
  resourceIds: readonly string[],
  rows: readonly Float64Array[],
  who: readonly Int32Array[],
): ResponderLists {
  const slots = rows.length;
  const D = rows[0]?.length ?? 0;
  const times = new Float64Array(D * slots);
  const ids = new Int32Array(D * slots);
  for (let j = 0; j < slots; j++) {
    const r = rows[j]!,
      w = who[j]!;
    for (let d = 0; d < D; d++) {
      times[d * slots + j] = r[d]!;
      ids[d * slots + j] = w[d]!;
    }
  }
  return { surface: s.key, k: s.k, slots, resourceIds: [...resourceIds], times, who: ids };
}

/** Demand points the lists cover. */
export function demandCount(l: ResponderLists): number {
  return l.slots > 0 ? l.times.length / l.slots : 0;
}

/** Can the lists answer the commitment of `removed` of their sources exactly? */
export function answersExactly(l: ResponderLists, removed: number): boolean {
  return removed <= l.slots - l.k || l.resourceIds.length <= l.slots;
}

/** Indices into l.resourceIds of the committed resources that are sources of the surface (each once). */
export function sourceIndices(l: ResponderLists, committed: Iterable<string>): number[] {
  const out: number[] = [];
  for (const id of committed) {
    const i = l.resourceIds.indexOf(id);
    if (i >= 0 && !out.includes(i)) out.push(i);
  }
  return out;
}

/**
 * The k best times per demand point (rows[j][d], as CoverModel's demand times) with the sources
 * `removed` (indices into resourceIds) taken out. Exact when answersExactly(l, removed.length).
 */
export function timesWithout(l: ResponderLists, removed: readonly number[]): Float64Array[] {
  const { k, slots, times, who } = l;
  const D = demandCount(l);
  const rows = Array.from({ length: k }, () => new Float64Array(D).fill(Infinity));
  for (let d = 0; d < D; d++) {
    const base = d * slots;
    if (Number.isNaN(times[base]!)) {
      for (let j = 0; j < k; j++) rows[j]![d] = NaN;
      continue;
    }
    let m = 0;
    for (let j = 0; j < slots && m < k; j++) {
      const w = who[base + j]!;
      if (w < 0) break; // the rest are beyond the bound
      if (removed.includes(w)) continue;
      rows[m++]![d] = times[base + j]!;
    }
  }
  return rows;
}
