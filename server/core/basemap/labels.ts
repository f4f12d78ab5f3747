/**
 * The map's labels (GET /api/map/labels): the scenario's towns and villages, and the refs and
 * names of the road table's ways (./../places/roads.ts), each with the zoom it appears from and
 * a priority, so the screens can place them greedily without overlaps (client/map/). Built once
 * at start. Pure: plain data in, plain data out.
 *
 * A road label is one entry per (kind, text, class) with every point it may be drawn at: refs
 * every REF_SPACING_M along their ways, names at the middle of each way and every
 * NAME_SPACING_M along long ones, each with the road's direction there and the length of its way,
 * so a name is only drawn where the road is long enough on screen to carry it.
 */
import type { MapLabelsMsg, MapPlaceLabelMsg, MapRoadLabelMsg } from '../../../proto/map-labels.ts';
import type { DemandPoint } from '../scenario/types.ts';
import type { RoadTable } from '../places/roads.ts';

export interface MapLabelSource {
  /** Named demand points are the towns and villages; weight is their population share. */
  demand: readonly DemandPoint[];
  roads?: RoadTable | undefined;
}

/** A ref is offered once per this distance along its ways. */
export const REF_SPACING_M = 2_500;
/** A name is offered at the middle of each way, and once per this distance along a longer one. */
export const NAME_SPACING_M = 800;
/** Ways shorter than this carry no name label. */
export const NAME_MIN_WAY_M = 60;

/** Per highway class: the zoom its ref and its name appear from, and its rank among roads. */
const ROAD_CLASSES: Record<string, { ref: number; name: number; rank: number }> = {
  motorway: { ref: 9, name: 12, rank: 9 },
  trunk: { ref: 10, name: 12, rank: 8 },
  primary: { ref: 10.5, name: 13, rank: 7 },
  secondary: { ref: 11.5, name: 13, rank: 6 },
  tertiary: { ref: 12.5, name: 14, rank: 5 },
  unclassified: { ref: 13, name: 15, rank: 4 },
  residential: { ref: 13, name: 15, rank: 3 },
  living_street: { ref: 13, name: 16, rank: 2 },
};
const OTHER_CLASS = { ref: 13, name: 16, rank: 1 };

/** Priorities: every place before every ref, every ref before every name. */
const PLACE_BASE = 3000;
const REF_BASE = 2000;
const NAME_BASE = 1000;

const M_PER_DEG = 111_320;
const r5 = (x: number) => Math.round(x * 1e5) / 1e5;

/** The zoom a town appears from, by its weight against the largest: cities always, hamlets close in. */
function placeMinZoom(share: number): number {
  if (share >= 0.3) return 0;
  if (share >= 0.08) return 9;
  if (share >= 0.02) return 10;
  return 11;
}

export function mapLabels(src: MapLabelSource): MapLabelsMsg {
  const towns = src.demand.filter((d) => d.name !== undefined && d.name.trim() !== '');
  const maxWeight = towns.reduce((m, d) => Math.max(m, d.weight), 0);
  const places: MapPlaceLabelMsg[] = towns
    .map((d) => {
      const share = maxWeight > 0 ? d.weight / maxWeight : 1;
      return {
        text: d.name!.trim(),
        lat: r5(d.lat),
        lon: r5(d.lon),
        minZoom: placeMinZoom(share),
        priority: PLACE_BASE + Math.round(share * 999),
      };
    })
    .sort((a, b) => b.priority - a.priority || a.text.localeCompare(b.text));
  return { places, roads: src.roads ? roadLabels(src.roads) : [] };
}

interface Anchor {
  lat: number;
  lon: number;
  angle: number;
  room: number;
}

function roadLabels(table: RoadTable): MapRoadLabelMsg[] {
  const byKey = new Map<string, { label: Omit<MapRoadLabelMsg, 'anchors'>; anchors: Anchor[] }>();
  const add = (kind: 'ref' | 'name', text: string, highway: string, anchors: Anchor[]) => {
    if (anchors.length === 0) return;
    const k = `${kind}|${highway}|${text}`;
    let e = byKey.get(k);
    if (!e) {
      const c = ROAD_CLASSES[highway] ?? OTHER_CLASS;
      e = {
        label: {
          text,
          kind,
          highway,
          minZoom: kind === 'ref' ? c.ref : c.name,
          priority: (kind === 'ref' ? REF_BASE : NAME_BASE) + c.rank * 10,
        },
        anchors: [],
      };
      byKey.set(k, e);
    }
    e.anchors.push(...anchors);
  };
  for (const w of table.ways) {
    if (w.points.length < 4) continue;
    const highway = w.highway.replace(/_link$/, '');
    const line = new Polyline(w.points);
    if (w.ref !== '') add('ref', w.ref, highway, line.anchors(REF_SPACING_M, 0));
    if (w.name !== '' && line.length >= NAME_MIN_WAY_M) add('name', w.name, highway, line.anchors(NAME_SPACING_M, 50));
  }
  const out: MapRoadLabelMsg[] = [];
  for (const { label, anchors } of byKey.values()) {
    anchors.sort((a, b) => b.room - a.room || a.lat - b.lat || a.lon - b.lon);
    const flat: number[] = [];
    for (const a of anchors) flat.push(r5(a.lat), r5(a.lon), a.angle, a.room);
    out.push({ ...label, anchors: flat });
  }
  return out.sort((a, b) => b.priority - a.priority || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/** A way's points in local metres (equirectangular, fine along one road), with lengths along it. */
class Polyline {
  private readonly x: number[] = [];
  private readonly y: number[] = [];
  /** Distance from the first point to point i, metres. */
  private readonly along: number[] = [0];
  readonly length: number;

  constructor(private readonly points: readonly number[]) {
    const k = Math.cos(((points[0] ?? 0) * Math.PI) / 180) * M_PER_DEG;
    for (let i = 0; i + 1 < points.length; i += 2) {
      this.x.push((points[i + 1] ?? 0) * k);
      this.y.push((points[i] ?? 0) * M_PER_DEG);
    }
    for (let i = 1; i < this.x.length; i++)
      this.along.push(
        (this.along[i - 1] ?? 0) +
          Math.hypot((this.x[i] ?? 0) - (this.x[i - 1] ?? 0), (this.y[i] ?? 0) - (this.y[i - 1] ?? 0)),
      );
    this.length = this.along[this.along.length - 1] ?? 0;
  }

  /**
   * Anchors at the middle of a way shorter than `spacing`, else at spacing/2, 3 spacing/2, ...;
   * each with the direction over `reach` metres either side (the whole way when 0 or shorter)
   * and its room: the way's length (a name fits anywhere along the way when it fits the way).
   */
  anchors(spacing: number, reach: number): Anchor[] {
    const L = this.length;
    if (L <= 0) return [];
    const at: number[] = [];
    if (L < spacing) at.push(L / 2);
    else for (let s = spacing / 2; s < L; s += spacing) at.push(s);
    const room = Math.round(L);
    return at.map((s) => {
      const d = reach > 0 ? Math.min(reach, room / 2) : L;
      const [x0, y0] = this.pointAt(Math.max(0, s - d));
      const [x1, y1] = this.pointAt(Math.min(L, s + d));
      const [lat, lon] = this.latLonAt(s);
      return { lat, lon, angle: screenAngle(x1 - x0, y1 - y0), room };
    });
  }

  private segmentAt(s: number): { i: number; t: number } {
    let i = 1;
    while (i < this.along.length - 1 && (this.along[i] ?? 0) < s) i++;
    const a = this.along[i - 1] ?? 0;
    const b = this.along[i] ?? a;
    return { i, t: b > a ? (s - a) / (b - a) : 0 };
  }

  private pointAt(s: number): [number, number] {
    const { i, t } = this.segmentAt(s);
    const lerp = (v: number[]) => (v[i - 1] ?? 0) + ((v[i] ?? 0) - (v[i - 1] ?? 0)) * t;
    return [lerp(this.x), lerp(this.y)];
  }

  private latLonAt(s: number): [number, number] {
    const { i, t } = this.segmentAt(s);
    const p = this.points;
    const lat0 = p[2 * (i - 1)] ?? 0;
    const lon0 = p[2 * (i - 1) + 1] ?? 0;
    return [lat0 + ((p[2 * i] ?? lat0) - lat0) * t, lon0 + ((p[2 * i + 1] ?? lon0) - lon0) * t];
  }
}

/**
 * The direction of (dx east, dy north) on a north-up screen, degrees clockwise from east, folded
 * into -90..90 so text along it reads left to right. Web Mercator is conformal: local angles hold.
 */
export function screenAngle(dx: number, dy: number): number {
  if (dx === 0 && dy === 0) return 0;
  let a = (Math.atan2(-dy, dx) * 180) / Math.PI;
  if (a > 90) a -= 180;
  if (a <= -90) a += 180;
  return Math.round(a);
}
