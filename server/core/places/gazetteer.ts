/**
 * The gazetteer: every name an operator may type for a location, built once at start from the
 * scenario (towns and villages by population, stations, standby posts, station postcodes) and
 * the road table (road names and refs, each road once per town it runs through, way postcodes,
 * junctions of two roads), searched best first. Numbers typed as coordinates or grid references
 * are read by ./coordinates.ts. Pure: snapping onto the road network comes in as a function.
 *
 * Ranking: every query word must match a word of the entry, exactly, as a prefix, or within one
 * or two edits ("stevanage"); the score adds how well the words matched, how much of the name
 * they cover and the entry's prior (population for a town, road class for a road). Entries are
 * numbered best prior first, so capping the candidates keeps the best ones. The entries are drafted
 * in ./entries.ts; snapping functions are in ./snap.ts.
 */
import Flatbush from 'flatbush';
import { haversineM } from '../geo.ts';
import { gridRefOf } from './os-grid.ts';
import { ABBREVIATIONS, words } from './normalize.ts';
import { parseTypedPoint, postcodeOf } from './coordinates.ts';
import type { LocationDescription, PlaceAnswer } from '../../../proto/places.ts';
import { entryDrafts, type GazetteerSource, type PlaceKind } from './entries.ts';
import { RoadNames } from './road-names.ts';
import type { SnapFn } from './snap.ts';
import { WordIndex } from './word-index.ts';

export { PLACE_KINDS, type GazetteerSource, type PlaceKind } from './entries.ts';
export type { LocationDescription, PlaceAnswer } from '../../../proto/places.ts';
export { NO_SNAP, plannerSnap, type SnapFn } from './snap.ts';

export const MAX_LIMIT = 20;
const MAX_WORDS = 8;
/** Candidate entries scored per query at most (entries are in prior order). */
const MAX_CANDIDATES = 20_000;
/**
 * Entries are scanned in tiers: consecutive entries (so of similar prior) whose priors lie within
 * TIER_STEP of the tier's first, at most TIER_MAX of them (many roads share one prior).
 */
const TIER_STEP = 0.25;
const TIER_MAX = 4096;
/** A road is "in" a town within this distance of the town's point. */
const NEAR_TOWN_M = 4_000;

export class Gazetteer {
  private readonly kind: PlaceKind[] = [];
  private readonly label: string[] = [];
  private readonly detail: string[] = [];
  private readonly roadKeys: Array<string[] | undefined> = [];
  private readonly lat: Float64Array;
  private readonly lon: Float64Array;
  private readonly prior: Float32Array;
  /** Entry e's word ids: ew[ewStart[e] .. ewStart[e + 1] - 1]; the first nameCount[e] are its name, the rest context. */
  private readonly ewStart: Uint32Array;
  private readonly ew: Uint32Array;
  private readonly nameCount: Uint8Array;
  private readonly index: WordIndex;
  private readonly roads: RoadNames | null;
  private readonly towns: Array<{ name: string; lat: number; lon: number }>;
  private readonly townIndex: Flatbush | null;
  private readonly kx: number;
  private readonly snap: SnapFn;
  // Per-query scratch, sized to the vocabulary and the entries: reset after each use.
  private readonly quality: Float32Array[];
  private readonly mark: Uint8Array;
  /** Words each query word matched: touched[tStart[t] .. tStart[t + 1] - 1]. */
  private readonly touched: Uint32Array;
  private readonly tStart = new Uint32Array(MAX_WORDS + 1);
  private readonly bestE = new Int32Array(MAX_LIMIT);
  /** Where each matched word's postings were read up to. */
  private readonly cursor: Uint32Array;
  /** Entries in tiers of prior: tier t ends (exclusive) at entry tierEnd[t]; its highest prior. */
  private readonly tierEnd: Uint32Array;
  private readonly tierPrior: Float64Array;
  private readonly bestS = new Float64Array(MAX_LIMIT);

  constructor(src: GazetteerSource, snap: SnapFn) {
    this.snap = snap;
    this.towns = src.demand
      .filter((d) => d.name !== undefined && d.name.trim() !== '')
      .map((d) => ({ name: d.name!, lat: d.lat, lon: d.lon }));
    // Towns in a point index, longitude scaled to metres-like units at the towns' mean latitude.
    const meanLat = this.towns.reduce((a, t) => a + t.lat, 0) / Math.max(1, this.towns.length);
    this.kx = Math.cos((meanLat * Math.PI) / 180);
    if (this.towns.length > 0) {
      const fb = new Flatbush(this.towns.length);
      for (const t of this.towns) fb.add(t.lon * this.kx, t.lat, t.lon * this.kx, t.lat);
      fb.finish();
      this.townIndex = fb;
    } else this.townIndex = null;
    this.roads = src.roads ? new RoadNames(src.roads) : null;
    const drafts = entryDrafts(src, this.roads, (lat, lon) => this.nearTown(lat, lon));
    drafts.sort((a, b) => b.prior - a.prior || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const n = drafts.length;
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.prior = new Float32Array(n);
    this.nameCount = new Uint8Array(n);
    drafts.forEach((d, i) => {
      this.kind.push(d.kind);
      this.label.push(d.label);
      this.detail.push(d.detail);
      this.roadKeys.push(d.roadKeys);
      this.lat[i] = d.lat;
      this.lon[i] = d.lon;
      this.prior[i] = d.prior;
      this.nameCount[i] = Math.min(255, d.names.length);
    });
    this.index = new WordIndex(drafts.map((d) => [...d.names.slice(0, 255), ...d.context]));
    const idOf = (w: string) => this.index.find(w);
    this.ewStart = new Uint32Array(n + 1);
    const ew: number[] = [];
    drafts.forEach((d, i) => {
      for (const w of d.names.slice(0, 255)) ew.push(idOf(w));
      for (const w of d.context) ew.push(idOf(w));
      this.ewStart[i + 1] = ew.length;
    });
    this.ew = Uint32Array.from(ew);
    this.quality = Array.from({ length: MAX_WORDS }, () => new Float32Array(this.index.words.length));
    this.mark = new Uint8Array(n);
    // A query word touches each vocabulary word at most once.
    this.touched = new Uint32Array(MAX_WORDS * this.index.words.length);
    this.cursor = new Uint32Array(this.touched.length);
    const ends: number[] = [];
    const tops: number[] = [];
    for (let start = 0, i = 1; i <= n; i++)
      if (i === n || this.prior[i]! < this.prior[start]! - TIER_STEP || i - start === TIER_MAX) {
        ends.push(i);
        tops.push(this.prior[start]!);
        start = i;
      }
    this.tierEnd = Uint32Array.from(ends);
    this.tierPrior = Float64Array.from(tops);
  }

  /** How many names the index holds. */
  get size(): number {
    return this.label.length;
  }

  /** Answers for a query, best first (at most `limit`, up to MAX_LIMIT). */
  search(q: string, limit = 10): PlaceAnswer[] {
    limit = Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit)));
    const typed = parseTypedPoint(q);
    if (typed) {
      const label =
        typed.kind === 'gridref'
          ? (gridRefOf(typed.lat, typed.lon) ?? q.trim())
          : `${typed.lat.toFixed(5)}, ${typed.lon.toFixed(5)}`;
      return [this.answer(typed.kind, label, this.describe(typed.lat, typed.lon).text, typed.lat, typed.lon)];
    }
    const postcode = postcodeOf(q);
    const text = postcode ?? q;
    const out: PlaceAnswer[] = [];
    const sides = text.split(/\s*(?:\/|&|\s+and\s+)\s*/i).filter((s) => s.trim() !== '');
    if (sides.length === 2 && this.roads) {
      for (const j of this.junctions(sides[0]!, sides[1]!, limit)) out.push(j);
    }
    for (const e of this.rank(words(text), limit - out.length, null))
      out.push(this.answer(this.kind[e]!, this.label[e]!, this.detail[e]!, this.lat[e]!, this.lon[e]!));
    return out;
  }

  /** The nearest named road (within 300 m) and town, and the 8-figure grid reference of a point. */
  describe(lat: number, lon: number): LocationDescription {
    const road = this.roads?.nearest(lat, lon, 300) ?? null;
    const place = this.nearestTown(lat, lon, 15_000);
    const gridRef = gridRefOf(lat, lon, 8);
    const head = [road?.label, place ? `near ${place.name}` : null].filter((x) => x).join(', ');
    return {
      road: road?.label ?? null,
      roadDistanceM: road ? Math.round(road.distanceM) : null,
      place: place?.name ?? null,
      placeDistanceM: place ? Math.round(place.distanceM) : null,
      gridRef,
      text: [head, gridRef].filter((x) => x).join(' · '),
    };
  }

  private answer(kind: PlaceKind, label: string, detail: string, lat: number, lon: number): PlaceAnswer {
    const s = this.snap(lat, lon);
    return {
      kind,
      label,
      detail,
      point: { lat: round6(lat), lon: round6(lon) },
      road: s ? { lat: round6(s.lat), lon: round6(s.lon), distanceM: Math.round(s.distanceM * 10) / 10 } : null,
      gridRef: gridRefOf(lat, lon),
    };
  }

  /** Junctions of a road matching `a` and one matching `b`, best pair first. */
  private junctions(a: string, b: string, limit: number): PlaceAnswer[] {
    const roads = this.roads!;
    const keysOf = (side: string) => {
      const ks = new Map<string, number>();
      for (const e of this.rank(words(side), 8, 'road')) {
        for (const k of this.roadKeys[e] ?? []) if (!ks.has(k)) ks.set(k, ks.size);
      }
      return ks;
    };
    const ka = keysOf(a);
    const kb = keysOf(b);
    const found: Array<{ rank: number; label: string; lat: number; lon: number }> = [];
    for (const [x, rx] of ka)
      for (const [y, ry] of kb) {
        for (const j of roads.junctionsOf(x, y)) found.push({ rank: rx + ry, ...j });
      }
    found.sort((p, q) => p.rank - q.rank);
    const seen = new Set<string>();
    const out: PlaceAnswer[] = [];
    const at: Array<{ lat: number; lon: number }> = [];
    for (const f of found) {
      const town = this.nearTown(f.lat, f.lon);
      const label = town ? `${f.label}, ${town}` : f.label;
      // One answer per place: a road's name and its ref meet the other road at the same point.
      if (seen.has(label) || at.some((p) => haversineM(p.lat, p.lon, f.lat, f.lon) < 50)) continue;
      seen.add(label);
      at.push(f);
      out.push(this.answer('junction', label, '', f.lat, f.lon));
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * Entry ids matching every query word, best first (equal scores: the lower entry id, i.e. the
   * better prior). Allocation-free but for the answer: scratch is sized at build and reset.
   */
  private rank(qw: string[], limit: number, only: PlaceKind | null): number[] {
    if (limit <= 0 || qw.length === 0) return [];
    limit = Math.min(limit, MAX_LIMIT);
    const nq = Math.min(qw.length, MAX_WORDS);
    const idx = this.index;
    const { first, post } = idx;
    const touched = this.touched;
    // 1. Which words each query word matches, and how well: touched[tStart[t] .. tStart[t + 1] - 1].
    let nt = 0;
    let sel = 0;
    let selCount = Infinity;
    /** Sum over the query words of the best quality each matched anything with. */
    let qsum = 0;
    for (let t = 0; t < nq; t++) {
      const w = qw[t]!;
      const qual = this.quality[t]!;
      this.tStart[t] = nt;
      let qmax = 0;
      const set = (word: number, v: number) => {
        if (qual[word] === 0) touched[nt++] = word;
        if (v > qual[word]!) qual[word] = v;
        if (qual[word]! > qmax) qmax = qual[word]!; // as stored (float32), which score() reads
      };
      const [lo, hi] = idx.prefixRange(w);
      for (let x = lo; x < hi; x++)
        set(x, x === lo && idx.words[x] === w ? 1 : 0.5 + (0.4 * w.length) / idx.words[x]!.length);
      const full = ABBREVIATIONS[w];
      if (full !== undefined) {
        const x = idx.find(full);
        if (x >= 0) set(x, 1);
      }
      if (w.length >= 4 && !/^\d+$/.test(w)) {
        const n = idx.typos(w, w.length >= 8 ? 2 : 1);
        for (let k = 0; k < n; k++) set(idx.typoWord[k]!, idx.typoDist[k] === 1 ? 0.7 : 0.5);
      }
      qsum += qmax;
      let c = 0;
      for (let k = this.tStart[t]!; k < nt; k++) c += first[touched[k]! + 1]! - first[touched[k]!]!;
      if (c < selCount) {
        selCount = c;
        sel = t;
      }
    }
    this.tStart[nq] = nt;
    // 2. Candidates: the postings of the most selective query word, tier by tier of prior (best
    // first), each scored once, keeping the best `limit` by (score, entry id). Once the best
    // score an entry of the next tier could reach (every word matched as well as any did, every
    // name word covered, the tier's highest prior) cannot beat the `limit`th, the rest is skipped:
    // the answer is the same. At most MAX_CANDIDATES postings are read.
    const bestE = this.bestE;
    const bestS = this.bestS;
    let nb = 0;
    const consider = (e: number) => {
      if (only !== null && this.kind[e] !== only) return;
      const s = this.score(e, nq);
      if (s < 0) return;
      if (nb === limit && (s < bestS[nb - 1]! || (s === bestS[nb - 1]! && e > bestE[nb - 1]!))) return;
      let i = nb < limit ? nb++ : nb - 1;
      while (i > 0 && (bestS[i - 1]! < s || (bestS[i - 1] === s && bestE[i - 1]! > e))) {
        bestS[i] = bestS[i - 1]!;
        bestE[i] = bestE[i - 1]!;
        i--;
      }
      bestS[i] = s;
      bestE[i] = e;
    };
    const from = this.tStart[sel]!,
      to = this.tStart[sel + 1]!;
    const { mark, cursor, tierEnd, tierPrior } = this;
    for (let k = from; k < to; k++) cursor[k] = first[touched[k]!]!;
    const reach = (10 * qsum) / nq + 3;
    let budget = MAX_CANDIDATES;
    for (let tier = 0; tier < tierEnd.length && budget > 0; tier++) {
      // Every entry left has a higher id than those kept, so a tie does not displace one either.
      // (Rounding is monotonic: no score computes above this bound computed alike.)
      if (nb === limit && reach + tierPrior[tier]! <= bestS[nb - 1]!) break;
      const endE = tierEnd[tier]!;
      for (let k = from; k < to && budget > 0; k++) {
        const x = touched[k]!;
        let p = cursor[k]!;
        for (const end = first[x + 1]!; p < end && post[p]! < endE && budget > 0; p++, budget--) {
          const e = post[p]!;
          if (mark[e] === 0) {
            mark[e] = 1;
            consider(e);
          }
        }
        cursor[k] = p;
      }
    }
    for (let k = from; k < to; k++) {
      const x = touched[k]!;
      for (let p = first[x]!, end = cursor[k]!; p < end; p++) mark[post[p]!] = 0;
    }
    for (let t = 0; t < nq; t++) {
      const qual = this.quality[t]!;
      for (let k = this.tStart[t]!; k < this.tStart[t + 1]!; k++) qual[touched[k]!] = 0;
    }
    return Array.from(bestE.subarray(0, nb));
  }

  /** -1 if a query word matches none of the entry's words, else its score. */
  private score(e: number, nq: number): number {
    const from = this.ewStart[e]!,
      to = this.ewStart[e + 1]!;
    const names = from + this.nameCount[e]!;
    const ew = this.ew;
    let sum = 0;
    for (let t = 0; t < nq; t++) {
      const qual = this.quality[t]!;
      let q = 0;
      for (let k = from; k < to; k++) {
        const v = k < names ? qual[ew[k]!]! : qual[ew[k]!]! * 0.8;
        if (v > q) q = v;
      }
      if (q === 0) return -1;
      sum += q;
    }
    let covered = 0;
    for (let k = from; k < names; k++) {
      for (let t = 0; t < nq; t++)
        if (this.quality[t]![ew[k]!]! > 0) {
          covered++;
          break;
        }
    }
    return (10 * sum) / nq + (3 * covered) / Math.max(1, names - from) + this.prior[e]!;
  }

  private nearTown(lat: number, lon: number): string | null {
    return this.nearestTown(lat, lon, NEAR_TOWN_M)?.name ?? null;
  }

  /** The nearest town within maxM (the index's few nearest, checked on the sphere). */
  private nearestTown(lat: number, lon: number, maxM: number): { name: string; distanceM: number } | null {
    if (!this.townIndex) return null;
    let best: { name: string; distanceM: number } | null = null;
    for (const i of this.townIndex.neighbors(lon * this.kx, lat, 4, (maxM * 1.2) / 111_000)) {
      const t = this.towns[i]!;
      const d = haversineM(lat, lon, t.lat, t.lon);
      if (d <= maxM && (best === null || d < best.distanceM)) best = { name: t.name, distanceM: d };
    }
    return best;
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
