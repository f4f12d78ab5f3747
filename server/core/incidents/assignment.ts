/**
 * Choosing the attendance from the timed candidates: the co-responder rule that withholds some,
 * then who fills which slot so that the predetermined attendance is met fastest.
 */
import type { StandardCoverFigure } from '../cover/impact.ts';
import type { Line } from './candidates.ts';
import type { Timed } from './timing.ts';

/**
 * The co-responder rule (scenario.rules.coResponderRequiresCover, with a cover model): a
 * candidate on a co-responder line whose commitment would leave any of its agency's standards
 * below target is withheld. Answers the withheld resources with the rule's reason.
 */
export function withheldByCover(
  lines: readonly Line[],
  cands: readonly Timed[][],
  impactOf: (id: string) => StandardCoverFigure[] | null,
): Map<string, string> {
  const withheld = new Map<string, string>();
  lines.forEach((l, i) => {
    if (!l.coResponse) return;
    for (const t of cands[i]!) {
      const fails = (impactOf(t.r.def.id) ?? []).filter((f) => f.agency === t.r.def.agency && !f.meetsAfter);
      if (fails.length > 0) {
        withheld.set(
          t.r.def.id,
          `co-responder rule: ${fails.map((f) => `${f.standardId} would fall to ${(f.after * 100).toFixed(1)}% (target ${(f.targetShare * 100).toFixed(0)}%)`).join('; ')}`,
        );
      }
    }
  });
  return withheld;
}

/** The line a co-response line supports: the first line that is neither a co-response nor an offer. */
export function supportedLine(lines: readonly Line[]): number {
  return lines.findIndex((l) => !l.coResponse && !l.offered);
}

/** Seconds as m:ss. */
export function mmss(s: number): string {
  const t = Math.round(s);
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/**
 * The late co-responder rule: a candidate on a co-response line is withheld unless it is
 * expected to arrive at least `marginS` seconds before the first unit of the line it supports
 * (`supportedLine`): the first of that line's committed resources (`committedS`, their arrival
 * from now) and of those proposed for it. With no unit of that line coming, nothing is withheld.
 * Answers the withheld resources with the rule's reason.
 */
export function lateCoResponders(
  lines: readonly Line[],
  cands: readonly Timed[][],
  assignment: readonly string[][],
  committedS: number,
  marginS: number,
): Map<string, string> {
  const late = new Map<string, string>();
  const s = supportedLine(lines);
  if (s < 0 || !lines.some((l) => l.coResponse && l.outstanding > 0)) return late;
  let first = committedS;
  for (const t of cands[s]!) if (assignment[s]!.includes(t.r.def.id)) first = Math.min(first, t.etaS);
  if (first === Infinity) return late;
  const cap = lines[s]!.capability;
  lines.forEach((l, i) => {
    if (!l.coResponse) return;
    for (const t of cands[i]!) {
      if (t.etaS <= first - marginS) continue;
      late.set(
        t.r.def.id,
        `co-responder rule: arrives in ${mmss(t.etaS)}, not ${mmss(marginS)} before the first ${cap} (${mmss(first)})`,
      );
    }
  });
  return late;
}

/** A (resource, line) pair the matching may use. */
interface Pair {
  id: string;
  line: number;
  eta: number;
}

/**
 * Choose who fills which slot so that the predetermined attendance is met fastest: take
 * (resource, line) pairs in order of arrival and keep a pair only if the slots can still be filled
 * as fully as before (maximum bipartite matching, Kuhn's algorithm; sizes are tiny), among the
 * pairs that arrive no later than the bottleneck (`bottleneckPrefix`). This gives the smallest
 * possible time for the last slot filled, and the earliest arrivals within it.
 */
export function assign(
  lines: readonly Line[],
  cands: readonly Timed[][],
  withheld: ReadonlyMap<string, string>,
): string[][] {
  const out: string[][] = lines.map(() => []);
  const idx: number[] = [];
  lines.forEach((l, i) => {
    if (!l.offered && l.outstanding > 0) idx.push(i);
  });
  // Offered lines: their best candidate, not part of the proposal.
  lines.forEach((l, i) => {
    if (l.offered) {
      const best = cands[i]![0];
      if (best) out[i]!.push(best.r.def.id);
    }
  });
  let slots = 0;
  for (const i of idx) slots += lines[i]!.outstanding;
  const edges: Pair[] = [];
  for (const i of idx)
    for (const t of cands[i]!) if (!withheld.has(t.r.def.id)) edges.push({ id: t.r.def.id, line: i, eta: t.etaS });
  edges.sort((a, b) => a.eta - b.eta || a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = [...new Set(edges.map((e) => e.id))];
  const fixed = new Map<string, number>(); // resource -> line
  const fixedPerLine = new Map<number, number>();
  const usable = bottleneckPrefix(lines, idx, ids, edges);
  let best = maxMatching(lines, idx, ids, usable, fixed, fixedPerLine);
  for (const e of usable) {
    if (fixed.size >= slots) break;
    if (fixed.has(e.id)) continue;
    if ((fixedPerLine.get(e.line) ?? 0) >= lines[e.line]!.outstanding) continue;
    fixed.set(e.id, e.line);
    fixedPerLine.set(e.line, (fixedPerLine.get(e.line) ?? 0) + 1);
    const m = maxMatching(lines, idx, ids, usable, fixed, fixedPerLine);
    if (m >= best) {
      best = m;
      out[e.line]!.push(e.id);
    } else {
      fixed.delete(e.id);
      fixedPerLine.set(e.line, fixedPerLine.get(e.line)! - 1);
    }
  }
  return out;
}

/**
 * The pairs that arrive no later than the bottleneck: the smallest arrival time T such that the
 * pairs arriving by T fill as many slots as all pairs do (ties at T kept). Choosing only among
 * them keeps a quick resource that fits two lines (a dog unit that can also search) from taking
 * the line others fill as quickly, while its own line is left to one far away.
 */
function bottleneckPrefix(
  lines: readonly Line[],
  idx: readonly number[],
  ids: readonly string[],
  edges: readonly Pair[],
): readonly Pair[] {
  const none = new Map<never, never>();
  const full = maxMatching(lines, idx, ids, edges, none, none);
  if (full === 0) return [];
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (maxMatching(lines, idx, ids, edges.slice(0, mid + 1), none, none) >= full) hi = mid;
    else lo = mid + 1;
  }
  let end = lo + 1;
  while (end < edges.length && edges[end]!.eta === edges[lo]!.eta) end++;
  return edges.slice(0, end);
}

/** How many slots can be filled with the fixed pairs kept: the fixed ones plus a maximum matching of the rest. */
function maxMatching(
  lines: readonly Line[],
  idx: readonly number[],
  ids: readonly string[],
  edges: readonly Pair[],
  fixed: ReadonlyMap<string, number>,
  fixedPerLine: ReadonlyMap<number, number>,
): number {
  // Free slots per line after fixed ones; match free resources to them.
  const free = new Map<number, number>();
  for (const i of idx) free.set(i, lines[i]!.outstanding - (fixedPerLine.get(i) ?? 0));
  const slotList: number[] = [];
  for (const [i, n] of free) for (let s = 0; s < n; s++) slotList.push(i);
  const owner = new Int32Array(slotList.length).fill(-1);
  // Each resource's lines, once (not a scan of the edges per resource and slot).
  const linesOf = new Map<string, Set<number>>();
  for (const e of edges) {
    let set = linesOf.get(e.id);
    if (!set) linesOf.set(e.id, (set = new Set()));
    set.add(e.line);
  }
  const adj = ids.map((id) => {
    const ls = linesOf.get(id);
    if (fixed.has(id) || !ls) return [];
    const out: number[] = [];
    slotList.forEach((line, s) => {
      if (ls.has(line)) out.push(s);
    });
    return out;
  });
  let m = 0;
  for (let u = 0; u < ids.length; u++) {
    const visited = new Uint8Array(slotList.length);
    const tryU = (x: number): boolean => {
      for (const s of adj[x]!) {
        if (visited[s]) continue;
        visited[s] = 1;
        if (owner[s]! < 0 || tryU(owner[s]!)) {
          owner[s] = x;
          return true;
        }
      }
      return false;
    };
    if (tryU(u)) m++;
  }
  return m + fixed.size;
}
