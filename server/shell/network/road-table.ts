import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extractRoadTable, ROAD_TABLE_VERSION, type RoadTable } from '../../core/places/roads.ts';
import { writeCacheFile } from './cache-file.ts';
import { formatOf, parseNetwork, type LoadOptions, type NetworkFormat } from './load.ts';

/**
 * The road table (names, refs, postcodes and junctions of the drivable roads; see
 * server/core/places/roads.ts) of a network file, through a JSON disk cache keyed like the
 * graph's: by the file's SHA-256 and the table version. A cache miss parses the file again
 * (the routing graph keeps no names), once per network file.
 */
export function loadRoadTable(path: string, format: NetworkFormat = formatOf(path), opts: LoadOptions = {}): RoadTable {
  const cacheDir = opts.cacheDir === undefined ? 'var/cache' : opts.cacheDir;
  const raw = readFileSync(path);
  const hash = createHash('sha256').update(raw).digest('hex');
  const cacheFile =
    cacheDir === null ? null : join(cacheDir, `roads-${format}-${hash.slice(0, 40)}-v${ROAD_TABLE_VERSION}.json`);
  if (cacheFile && existsSync(cacheFile)) {
    try {
      const t = JSON.parse(readFileSync(cacheFile, 'utf8')) as RoadTable;
      if (t.version === ROAD_TABLE_VERSION && Array.isArray(t.ways) && Array.isArray(t.junctions)) return t;
    } catch {
      // a torn or foreign cache is rebuilt below
    }
  }
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  const table = extractRoadTable(parseNetwork(bytes, format, path));
  // A read-only disk only costs the next start a re-parse.
  if (cacheFile && cacheDir !== null) writeCacheFile(cacheDir, cacheFile, JSON.stringify(table));
  return table;
}
