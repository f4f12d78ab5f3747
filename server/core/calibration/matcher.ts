/**
 * The map matcher: which roads a vehicle drove, from its AVL fixes. A hidden Markov model after
 * Newson and Krumm (2009), "Hidden Markov map matching through noise and sparseness":
 *
 *   states       per fix, up to `k` candidate positions (the nearest point of each road within
 *                `radiusM`, ./candidates.ts);
 *   emission     log p = -0.5 (d / sigmaM)^2, d the fix's distance to the candidate (GPS noise);
 *   transition   log p = -|route - straight| / betaM: a drive between two fixes is about as long
 *                on the road as in a straight line, so a candidate reachable only by a detour (a
 *                parallel road 30 m away joined 1 km on) loses to the road the vehicle is on;
 *                a route longer than maxKmh allows in the time between the fixes is impossible;
 *   Viterbi      the most likely sequence of candidates.
 *
 * Sparseness and gaps: fixes from 1 Hz to 0.1 Hz need no change, the route search between
 * candidates fills in the roads between them. A fix closer than minMoveM to the last one kept is
 * skipped (noise around a halt adds nothing) unless it is the halt's last, a fix with no road within radiusM is skipped (an
 * outlier), and a gap longer than maxGapS, or a step no candidate pair can make, breaks the trace:
 * each unbroken run is matched alone and nothing is claimed about the time between runs.
 *
 * Pure: the graph, the fixes and their times come in; no clock. ./traversals.ts turns a match
 * into times per road.
 */
import { haversineM } from '../geo.ts';
import type { Snap } from '../graph/snap.ts';
import { candidatesNear, type MetreRouter } from './candidates.ts';

export interface Fix {
  /** Fix time, epoch ms. */
  t: number;
  lat: number;
  lon: number;
}

export interface MatchOptions {
  /** GPS noise, metres (standard deviation per fix). Default 20. */
  sigmaM?: number;
  /** Roads farther than this from a fix are not candidates. Default max(50, 4 sigmaM). */
  radiusM?: number;
  /** Candidates per fix. Default 8. */
  k?: number;
  /** Transition scale, metres. Default 30. */
  betaM?: number;
  /** A longer gap between fixes breaks the trace, seconds. Default 180. */
  maxGapS?: number;
  /** No route between fixes is faster than this, km/h. Default 200. */
  maxKmh?: number;
  /** A fix closer than this to the last one kept is skipped, metres. Default sigmaM. */
  minMoveM?: number;
}

/** One fix matched to a road position. */
export interface MatchedFix {
  /** Index into the fixes given. */
  i: number;
  t: number;
  snap: Snap;
}

/** An unbroken stretch of the trace, matched. */
export type MatchedRun = MatchedFix[];

interface Column {
  i: number;
  cands: Snap[];
  score: Float64Array;
  back: Int32Array;
}

/** The most likely road positions of a trace's fixes (sorted by time), as unbroken runs of two or more fixes. */
export function matchTrace(router: MetreRouter, fixes: readonly Fix[], o: MatchOptions = {}): MatchedRun[] {
  const sigma = o.sigmaM ?? 20;
  const radius = o.radiusM ?? Math.max(50, 4 * sigma);
  const k = o.k ?? 8;
  const beta = o.betaM ?? 30;
  const maxGapMs = (o.maxGapS ?? 180) * 1000;
  const maxMps = (o.maxKmh ?? 200) / 3.6;
  const minMove = o.minMoveM ?? sigma;
  const emission = (d: number) => -0.5 * (d / sigma) ** 2;
  const runs: MatchedRun[] = [];
  let cols: Column[] = [];
  const close = () => {
    if (cols.length >= 2) runs.push(backtrack(cols, fixes));
    cols = [];
  };
  for (const i of keptFixes(fixes, minMove)) {
    const f = fixes[i]!;
    const last = cols[cols.length - 1];
    if (last && f.t - fixes[last.i]!.t > maxGapMs) close();
    const cands = candidatesNear(router.g, f.lat, f.lon, radius, k);
    if (cands.length === 0) continue;
    const col: Column = {
      i,
      cands,
      score: new Float64Array(cands.length).fill(-Infinity),
      back: new Int32Array(cands.length).fill(-1),
    };
    const prev = cols[cols.length - 1];
    if (!prev) {
      cands.forEach((c, j) => (col.score[j] = emission(c.offRoadM)));
      cols.push(col);
      continue;
    }
    const pf = fixes[prev.i]!;
    const straight = haversineM(pf.lat, pf.lon, f.lat, f.lon);
    const bound = (maxMps * (f.t - pf.t)) / 1000 + 2 * radius;
    let any = false;
    prev.cands.forEach((p, a) => {
      if (prev.score[a] === -Infinity) return;
      router.start(p, cands, bound);
      cands.forEach((c, b) => {
        const d = router.to(c).metres;
        if (!(d <= bound)) return;
        const s = prev.score[a]! - Math.abs(d - straight) / beta + emission(c.offRoadM);
        if (s > col.score[b]!) {
          col.score[b] = s;
          col.back[b] = a;
          any = true;
        }
      });
    });
    if (!any) {
      // no candidate pair joins the two fixes: break the trace here and start afresh
      close();
      cands.forEach((c, j) => (col.score[j] = emission(c.offRoadM)));
      col.back.fill(-1);
    }
    cols.push(col);
  }
  close();
  return runs;
}

/**
 * The fixes worth matching: each one at least minMove from the last kept, and the last of a
 * halt kept too (the moment the vehicle was still there, so a wait at the start of a trip, such
 * as turnout, is not spread over the roads driven after it), and the trace's last fix.
 */
function keptFixes(fixes: readonly Fix[], minMove: number): number[] {
  const kept: number[] = [];
  let halt = -1;
  for (let i = 0; i < fixes.length; i++) {
    const last = kept[kept.length - 1];
    if (last !== undefined && i < fixes.length - 1) {
      const lf = fixes[last]!,
        f = fixes[i]!;
      if (haversineM(lf.lat, lf.lon, f.lat, f.lon) < minMove) {
        halt = i;
        continue;
      }
    }
    if (halt >= 0) kept.push(halt);
    halt = -1;
    kept.push(i);
  }
  return kept;
}

function backtrack(cols: Column[], fixes: readonly Fix[]): MatchedRun {
  const lastCol = cols[cols.length - 1]!;
  let j = 0;
  for (let b = 1; b < lastCol.cands.length; b++) if (lastCol.score[b]! > lastCol.score[j]!) j = b;
  const out: MatchedRun = [];
  for (let c = cols.length - 1; c >= 0; c--) {
    const col = cols[c]!;
    out.push({ i: col.i, t: fixes[col.i]!.t, snap: col.cands[j]! });
    j = col.back[j]!;
  }
  return out.reverse();
}
