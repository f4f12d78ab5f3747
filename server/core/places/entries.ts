/**
 * The gazetteer's entries before indexing: one draft per name an operator may type (a town or
 * village, a station and its postcode, a standby post, a road once per town it runs through, a
 * way's postcode), each with its kind, words and prior (population for a town, class for a road).
 * gazetteer.ts sorts them best prior first and indexes their words.
 */
import type { PlaceKind } from '../../../proto/places.ts';
import type { DemandPoint, Post, Station } from '../scenario/types.ts';
import { postcodeInAddress } from './coordinates.ts';
import { words } from './normalize.ts';
import type { RoadNames } from './road-names.ts';
import type { RoadTable } from './roads.ts';

export { PLACE_KINDS, type PlaceKind } from '../../../proto/places.ts';

export interface GazetteerSource {
  stations: readonly Station[];
  posts: readonly Post[];
  /** Named demand points are the towns and villages; weight is their population share. */
  demand: readonly DemandPoint[];
  roads?: RoadTable | undefined;
}

/** One entry to be: gazetteer.ts keeps its fields in columns. */
export interface Draft {
  kind: PlaceKind;
  label: string;
  detail: string;
  lat: number;
  lon: number;
  prior: number;
  names: string[];
  context: string[];
  /** A road's comparison keys (name, refs), for junction queries. */
  roadKeys?: string[];
}

const KIND_PRIOR: Record<PlaceKind, number> = {
  place: 2,
  station: 1.6,
  post: 1.4,
  road: 1,
  junction: 1,
  postcode: 1.2,
  gridref: 0,
  coordinates: 0,
};
const HIGHWAY_PRIOR: Record<string, number> = {
  motorway: 0.6,
  trunk: 0.5,
  primary: 0.4,
  secondary: 0.3,
  tertiary: 0.2,
};

/** Every entry of the source: towns, stations and their postcodes, posts, roads per town, way postcodes. */
export function entryDrafts(
  src: GazetteerSource,
  roads: RoadNames | null,
  nearTown: (lat: number, lon: number) => string | null,
): Draft[] {
  const out: Draft[] = [];
  for (const d of src.demand) {
    if (d.name === undefined || d.name.trim() === '') continue;
    out.push({
      kind: 'place',
      label: d.name,
      detail: '',
      lat: d.lat,
      lon: d.lon,
      prior: KIND_PRIOR.place + Math.log10(1 + d.weight) / 2,
      names: words(d.name),
      context: [],
    });
  }
  for (const s of src.stations) {
    out.push({
      kind: 'station',
      label: s.name,
      detail: s.address ?? '',
      lat: s.lat,
      lon: s.lon,
      prior: KIND_PRIOR.station,
      names: words(s.name),
      context: [],
    });
    const pc = s.address ? postcodeInAddress(s.address) : null;
    if (pc) out.push(postcodeDraft(pc, `${s.name}, ${s.address}`, s.lat, s.lon));
  }
  for (const p of src.posts)
    out.push({
      kind: 'post',
      label: p.name,
      detail: `standby post (${p.agencies.join(', ')})`,
      lat: p.lat,
      lon: p.lon,
      prior: KIND_PRIOR.post,
      names: words(p.name),
      context: [],
    });
  if (roads) {
    // One answer per road and town: the longest stretch of that name there.
    const groups = roads.groups.slice().sort((a, b) => b.size - a.size);
    const labels = new Set<string>();
    for (const r of groups) {
      const town = r.kind === 'name' ? nearTown(r.lat, r.lon) : null;
      const label = town ? `${r.label}, ${town}` : r.label;
      if (labels.has(label)) continue;
      labels.add(label);
      out.push({
        kind: 'road',
        label,
        detail: r.detail,
        lat: r.lat,
        lon: r.lon,
        prior: KIND_PRIOR.road + (HIGHWAY_PRIOR[r.highway] ?? 0),
        names: words(r.label),
        context: town ? words(town) : [],
        roadKeys: r.keys,
      });
    }
    for (const p of roads.postcodes) out.push(postcodeDraft(p.postcode, p.detail, p.lat, p.lon));
  }
  return out;
}

function postcodeDraft(pc: string, detail: string, lat: number, lon: number): Draft {
  return { kind: 'postcode', label: pc, detail, lat, lon, prior: KIND_PRIOR.postcode, names: words(pc), context: [] };
}
