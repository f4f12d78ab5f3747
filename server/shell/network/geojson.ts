import { JcrError } from '../../core/errors.ts';
import type { RawNetwork, RawWay } from '../../core/graph/build.ts';
import { round7 } from './raw.ts';

/**
 * GeoJSON FeatureCollection of LineString (or MultiLineString) features whose properties are OSM
 * tags (highway, oneway, junction, maxspeed, access, ...) to a RawNetwork. Ways meet where they
 * share a vertex: identical coordinates (to 1e-7 degrees) become one node. Other geometry types
 * (an area's Polygon, Points) are skipped. A file with no LineString at all is refused.
 */
export function parseGeoJsonNetwork(text: string, source = 'GeoJSON'): RawNetwork {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new JcrError(
      'JCR_NETWORK_INVALID',
      `${source}: not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (!isObj(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw new JcrError('JCR_NETWORK_INVALID', `${source}: not a GeoJSON FeatureCollection`);
  }
  const index = new Map<string, number>();
  const lat: number[] = [];
  const lon: number[] = [];
  const ways: RawWay[] = [];
  const nodeOf = (c: unknown, where: string): number => {
    if (!Array.isArray(c) || c.length < 2 || typeof c[0] !== 'number' || typeof c[1] !== 'number') {
      throw new JcrError('JCR_NETWORK_INVALID', `${source}: ${where} has a coordinate that is not [lon, lat]`);
    }
    const x = round7(c[0]),
      y = round7(c[1]);
    if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(y) > 90 || Math.abs(x) > 180) {
      throw new JcrError(
        'JCR_NETWORK_INVALID',
        `${source}: ${where} has an invalid coordinate ${String(c[0])},${String(c[1])}`,
      );
    }
    const key = `${x},${y}`;
    let i = index.get(key);
    if (i === undefined) {
      i = lat.length;
      index.set(key, i);
      lat.push(y);
      lon.push(x);
    }
    return i;
  };
  let lines = 0;
  doc.features.forEach((f: unknown, fi: number) => {
    if (!isObj(f) || !isObj(f.geometry)) return;
    const gtype = f.geometry.type;
    const parts: unknown[] =
      gtype === 'LineString'
        ? [f.geometry.coordinates]
        : gtype === 'MultiLineString' && Array.isArray(f.geometry.coordinates)
          ? f.geometry.coordinates
          : [];
    if (parts.length === 0) return;
    const tags: Record<string, string> = {};
    if (isObj(f.properties)) {
      for (const [k, v] of Object.entries(f.properties)) {
        if (typeof v === 'string') tags[k] = v;
        else if (typeof v === 'number' || typeof v === 'boolean') tags[k] = String(v);
      }
    }
    const id = wayIdOf(f.id ?? tags['@id'], fi);
    for (const part of parts) {
      if (!Array.isArray(part))
        throw new JcrError(
          'JCR_NETWORK_INVALID',
          `${source}: feature ${fi} has LineString coordinates that are not an array`,
        );
      lines++;
      const refs = part.map((c, ci) => nodeOf(c, `feature ${fi} coordinate ${ci}`));
      ways.push({ id, refs, tags });
    }
  });
  if (lines === 0)
    throw new JcrError(
      'JCR_NETWORK_INVALID',
      `${source}: no LineString features (${doc.features.length} features read)`,
    );
  const n = lat.length;
  const nodeId = new Float64Array(n);
  for (let i = 0; i < n; i++) nodeId[i] = i + 1;
  return { nodeId, lat: Float64Array.from(lat), lon: Float64Array.from(lon), ways };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function wayIdOf(v: unknown, fallback: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const m = /(\d+)$/.exec(v);
    if (m) return Number(m[1]);
  }
  return fallback;
}
