/**
 * Narrow the cover answers (GET /api/cover, GET/POST /api/cover/moves, the COP's cover figures)
 * into the client's types. Lenient as ./parse.ts: what does not fit is dropped or defaulted.
 */
import { isObj } from '../../proto/checker.ts';
import { arr, collect, num, str, type Obj } from './read.ts';
import type {
  CoverFigure,
  CoverGapCell,
  CoverMoveSuggestion,
  CoverSummary,
  StandbyDestination,
  StandbyMove,
} from './types.ts';

const COVER_LIMIT = 5000;
const isLatLon = (lat: unknown, lon: unknown): boolean =>
  typeof lat === 'number' &&
  typeof lon === 'number' &&
  Number.isFinite(lat) &&
  Number.isFinite(lon) &&
  Math.abs(lat) <= 90 &&
  Math.abs(lon) <= 180;
const share01 = (v: number | undefined): number | undefined => (v !== undefined && v >= 0 && v <= 1 ? v : undefined);

/**
 * One cover figure: the full TargetFigure of GET /api/cover and /api/cover/moves, or the COP's
 * smaller summary (no standardName or share). A figure without its share, target or label is dropped.
 */
export function parseCoverFigure(o: Obj): CoverFigure | undefined {
  const surface = str(o, 'surface');
  const standardId = str(o, 'standardId');
  const nth = num(o, 'nth');
  const withinS = num(o, 'withinS');
  const coveredShare = share01(num(o, 'coveredShare'));
  const label = str(o, 'label');
  const meets = o['meetsStandard'];
  if (
    surface === undefined ||
    standardId === undefined ||
    nth === undefined ||
    !Number.isInteger(nth) ||
    nth < 1 ||
    withinS === undefined ||
    withinS < 0
  )
    return undefined;
  if (coveredShare === undefined || label === undefined || typeof meets !== 'boolean') return undefined;
  return {
    surface,
    standardId,
    standardName: str(o, 'standardName', '') ?? '',
    nth,
    withinS,
    coveredShare,
    target: share01(num(o, 'share')) ?? null,
    meetsStandard: meets,
    label: label.slice(0, 300),
  };
}

function parseDestination(v: unknown): StandbyDestination | undefined {
  if (!isObj(v)) return undefined;
  const id = str(v, 'id');
  const kind = v['kind'];
  if (id === undefined || (kind !== 'station' && kind !== 'post') || !isLatLon(v['lat'], v['lon'])) return undefined;
  return { id, kind, name: str(v, 'name', id) ?? id, lat: v['lat'] as number, lon: v['lon'] as number };
}

/** One gap feature: a GeoJSON Polygon (outer ring, [lon, lat] positions) with the target it misses. */
function parseGapFeature(f: Obj): CoverGapCell | undefined {
  const g = f['geometry'];
  const p = f['properties'];
  if (!isObj(g) || g['type'] !== 'Polygon' || !isObj(p)) return undefined;
  const rings = g['coordinates'];
  const outer: unknown = Array.isArray(rings) ? rings[0] : undefined;
  if (!Array.isArray(outer) || outer.length < 4 || outer.length > 1000) return undefined;
  const ring: [number, number][] = [];
  for (const pos of outer) {
    if (!Array.isArray(pos) || !isLatLon(pos[1], pos[0])) return undefined;
    ring.push([pos[1] as number, pos[0] as number]);
  }
  const surface = str(p, 'surface');
  const nth = num(p, 'nth');
  const withinS = num(p, 'withinS');
  if (surface === undefined || nth === undefined || withinS === undefined) return undefined;
  return { surface, nth, withinS, ring, medianS: num(p, 'medianS') ?? null };
}

/** A standby move in progress: an entry of GET /api/cover `standby`, or POST /api/cover/moves `move`. */
export function parseStandbyMove(o: Obj): StandbyMove | undefined {
  const moveId = str(o, 'moveId');
  const resourceId = str(o, 'resourceId');
  const destination = parseDestination(o['destination']);
  if (moveId === undefined || resourceId === undefined || !destination) return undefined;
  return {
    moveId,
    resourceId,
    destination,
    orderedAt: num(o, 'orderedAt', 0) ?? 0,
    orderedBy: str(o, 'orderedBy', '') ?? '',
  };
}

/** GET /api/cover → figures per standard target, gap cells (GeoJSON polygons), standby moves in progress. */
export function parseCover(body: unknown): CoverSummary | undefined {
  if (!isObj(body)) return undefined;
  const figures = collect(arr(body, 'figures').slice(0, COVER_LIMIT), parseCoverFigure);
  const fc = body['gaps'];
  const gaps =
    isObj(fc) && fc['type'] === 'FeatureCollection'
      ? collect(arr(fc, 'features').slice(0, COVER_LIMIT), parseGapFeature)
      : [];
  const standby = collect(arr(body, 'standby').slice(0, COVER_LIMIT), parseStandbyMove);
  return {
    computedAtMs: num(body, 'computedAtMs', 0) ?? 0,
    eventSeq: num(body, 'eventSeq', 0) ?? 0,
    figures,
    gaps,
    standby,
  };
}

/** GET /api/cover/moves → { moves }: recommended standby moves, best first. */
export function parseCoverMoves(body: unknown): CoverMoveSuggestion[] {
  const list = isObj(body) ? arr(body, 'moves') : [];
  return collect(list.slice(0, 100), (o): CoverMoveSuggestion | undefined => {
    const resourceId = str(o, 'resourceId');
    const surface = str(o, 'surface');
    const destination = parseDestination(o['destination']);
    const netShare = num(o, 'netShare');
    if (
      resourceId === undefined ||
      surface === undefined ||
      !destination ||
      netShare === undefined ||
      netShare < -1 ||
      netShare > 1
    )
      return undefined;
    const t = o['travelS'];
    return {
      resourceId,
      callSign: str(o, 'callSign', resourceId) ?? resourceId,
      surface,
      destination,
      travelS: typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : null,
      netShare,
      before: collect(arr(o, 'before'), parseCoverFigure),
      after: collect(arr(o, 'after'), parseCoverFigure),
    };
  });
}
