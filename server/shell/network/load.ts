import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { JcrError } from '../../core/errors.ts';
import { buildGraph, GRAPH_BUILD_VERSION, type RawNetwork, type RoadGraph } from '../../core/graph/build.ts';
import type { NetworkRef } from '../../core/scenario/types.ts';
import { deserializeGraph, serializeGraph } from './cache.ts';
import { writeCacheFile } from './cache-file.ts';
import { parseGeoJsonNetwork } from './geojson.ts';
import { parseOsmPbf } from './pbf.ts';
import { parseOsmXml } from './xml.ts';

/**
 * Load a road network file into a RoadGraph, through a disk cache keyed by the SHA-256 of the
 * file's bytes (and the build version): the first load parses and builds (seconds for a county),
 * a restart re-opens the cached graph (tens of milliseconds). `.gz` files are gunzipped first.
 */
export type NetworkFormat = NetworkRef['format'];

export interface LoadOptions {
  /** Cache directory (default var/cache); null = no cache. */
  cacheDir?: string | null;
}

export interface LoadedNetwork {
  graph: RoadGraph;
  fromCache: boolean;
  /** SHA-256 of the source file, hex. */
  hash: string;
  cacheFile: string | null;
  ms: number;
}

export function parseNetwork(bytes: Uint8Array, format: NetworkFormat, source: string): RawNetwork {
  switch (format) {
    case 'osm-pbf':
      return parseOsmPbf(bytes, source);
    case 'osm-xml':
      return parseOsmXml(bytes, source);
    case 'geojson':
      return parseGeoJsonNetwork(new TextDecoder().decode(bytes), source);
    default:
      throw new JcrError('JCR_NETWORK_INVALID', `unknown network format "${String(format)}"`);
  }
}

/** Guess the format from the file name: .osm.pbf/.pbf, .osm/.xml, .geojson/.json (optionally .gz). */
export function formatOf(path: string): NetworkFormat {
  const p = path.replace(/\.gz$/, '').toLowerCase();
  if (p.endsWith('.pbf')) return 'osm-pbf';
  if (p.endsWith('.osm') || p.endsWith('.xml')) return 'osm-xml';
  if (p.endsWith('.geojson') || p.endsWith('.json')) return 'geojson';
  throw new JcrError('JCR_NETWORK_INVALID', `cannot tell the network format of ${path}`);
}

export function loadNetwork(
  path: string,
  format: NetworkFormat = formatOf(path),
  opts: LoadOptions = {},
): LoadedNetwork {
  const t0 = performance.now();
  const cacheDir = opts.cacheDir === undefined ? 'var/cache' : opts.cacheDir;
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new JcrError(
      'JCR_NETWORK_INVALID',
      `cannot read network file ${path}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const hash = createHash('sha256').update(raw).digest('hex');
  const key = `${format}:${hash}:v${GRAPH_BUILD_VERSION}`;
  const cacheFile =
    cacheDir === null ? null : join(cacheDir, `graph-${format}-${hash.slice(0, 40)}-v${GRAPH_BUILD_VERSION}.bin`);
  if (cacheFile && existsSync(cacheFile)) {
    try {
      const graph = deserializeGraph(readFileSync(cacheFile), key);
      return { graph, fromCache: true, hash, cacheFile, ms: performance.now() - t0 };
    } catch {
      // an unusable cache (other version, torn write) is rebuilt below
    }
  }
  let bytes: Uint8Array = raw;
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw new JcrError(
        'JCR_NETWORK_INVALID',
        `${path}: not valid gzip (${e instanceof Error ? e.message : String(e)})`,
      );
    }
  }
  const graph = buildGraph(parseNetwork(bytes, format, path));
  // A read-only disk only costs the next start a rebuild.
  if (cacheFile && cacheDir !== null) writeCacheFile(cacheDir, cacheFile, serializeGraph(graph, key));
  return { graph, fromCache: false, hash, cacheFile, ms: performance.now() - t0 };
}
