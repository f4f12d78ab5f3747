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

  /** Entry ids matching every query word, best first. */
  private rank(qw: string[], limit: number, only: PlaceKind | null): number[] {
    if (limit <= 0 || qw.length === 0) return [];
    qw = qw.slice(0, MAX_WORDS);
    const idx = this.index;
    const touched: number[][] = qw.map(() => []);
    const counts: number[] = [];
    // 1. Which words each query word matches, and how well.
    qw.forEach((w, t) => {
      const qual = this.quality[t]!;
      const set = (word: number, v: number) => {
        if (qual[word] === 0) touched[t]!.push(word);
        if (v > qual[word]!) qual[word] = v;
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
        const typos: Array<{ word: number; d: number }> = [];
        idx.typos(w, w.length >= 8 ? 2 : 1, typos);
        for (const { word, d } of typos) set(word, d === 1 ? 0.7 : 0.5);
      }
      let c = 0;
      for (const x of touched[t]!) c += idx.first[x + 1]! - idx.first[x]!;
      counts.push(c);
    });
    // 2. Candidates: the postings of the most selective query word, best prior first, capped.
    let sel = 0;
    for (let t = 1; t < qw.length; t++) if (counts[t]! < counts[sel]!) sel = t;
    const cands: number[] = [];
    const selWords = touched[sel]!.slice().sort((p, q) => idx.post[idx.first[p]!]! - idx.post[idx.first[q]!]!);
    let budget = MAX_CANDIDATES;
    for (const x of selWords) {
      const end = idx.first[x + 1]!;
      for (let k = idx.first[x]!; k < end && budget > 0; k++, budget--) {
        const e = idx.post[k]!;
        if (this.mark[e] === 0) {
          this.mark[e] = 1;
          cands.push(e);
        }
      }
      if (budget === 0) break;
    }
    // 3. Score each candidate; keep the best `limit`.
    const best: Array<{ e: number; s: number }> = [];
    for (const e of cands) {
      this.mark[e] = 0;
      if (only !== null && this.kind[e] !== only) continue;
      const s = this.score(e, qw.length);
      if (s < 0) continue;
      if (best.length < limit || s > best[best.length - 1]!.s) {
        let i = best.length < limit ? best.length : best.length - 1;
        if (best.length < limit) best.push({ e, s });
        while (i > 0 && best[i - 1]!.s < s) {
          best[i] = best[i - 1]!;
          i--;
        }
        best[i] = { e, s };
      }
    }
    touched.forEach((ws, t) => {
      const qual = this.quality[t]!;
      for (const x of ws) qual[x] = 0;
    });
    return best.map((b) => b.e);
  }

  /** -1 if a query word matches none of the entry's words, else its score. */
  private score(e: number, nq: number): number {
    const from = this.ewStart[e]!,
      to = this.ewStart[e + 1]!;
    const names = this.nameCount[e]!;
    let sum = 0;
    let covered = 0;
    for (let t = 0; t < nq; t++) {
      const qual = this.quality[t]!;
      let q = 0;
      for (let k = from; k < to; k++) {
        const v = k - from < names ? qual[this.ew[k]!]! : qual[this.ew[k]!]! * 0.8;
        if (v > q) q = v;
      }
      if (q === 0) return -1;
      sum += q;
    }
    for (let k = from; k < from + names; k++) {
      for (let t = 0; t < nq; t++)
        if (this.quality[t]![this.ew[k]!]! > 0) {
          covered++;
          break;
        }
    }
    return (10 * sum) / nq + (3 * covered) / Math.max(1, names) + this.prior[e]!;
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
