import { JcrError } from '../../core/errors.ts';
import type { RawNetwork, RawWay } from '../../core/graph/build.ts';

/**
 * Collects OSM nodes and highway ways as an importer reads them (in any order), then resolves way
 * node ids to node indices. Coordinates are rounded to 1e-7 degrees, OSM's own precision, so
 * the same data read from XML and from PBF gives bit-identical coordinates.
 */
export class RawCollector {
  private ids = new Float64Array(4096);
  private lats = new Float64Array(4096);
  private lons = new Float64Array(4096);
  private n = 0;
  private readonly index = new Map<number, number>();
  private readonly ways: Array<{ id: number; refs: number[]; tags: Record<string, string> }> = [];
  /** Ways read that are not highways at all (not kept). */
  otherWays = 0;

  /** Add a node; lat/lon in degrees. */
  node(id: number, lat: number, lon: number): void {
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      throw new JcrError('JCR_NETWORK_INVALID', `node ${id} has an invalid position ${lat},${lon}`);
    }
    if (this.index.has(id)) return; // duplicates: first wins
    if (this.n === this.ids.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.ids = grow(this.ids);
      this.lats = grow(this.lats);
      this.lons = grow(this.lons);
    }
    this.index.set(id, this.n);
    this.ids[this.n] = id;
    this.lats[this.n] = round7(lat);
    this.lons[this.n] = round7(lon);
    this.n++;
  }

  /** Add a way; only highway ways are kept. */
  way(id: number, refs: number[], tags: Record<string, string>): void {
    if (tags.highway === undefined) {
      this.otherWays++;
      return;
    }
    this.ways.push({ id, refs, tags });
  }

  get nodeCount(): number {
    return this.n;
  }

  get wayCount(): number {
    return this.ways.length;
  }

  /** Resolve refs; a highway way naming a node the file does not hold is refused. */
  finish(source: string): RawNetwork {
    const ways: RawWay[] = [];
    for (const w of this.ways) {
      const refs = new Uint32Array(w.refs.length);
      for (let i = 0; i < w.refs.length; i++) {
        const idx = this.index.get(w.refs[i]!);
        if (idx === undefined) {
          throw new JcrError(
            'JCR_NETWORK_INVALID',
            `${source}: way ${w.id} refers to node ${w.refs[i]}, which the file does not contain (dangling node reference)`,
            {
              details: { way: w.id, node: w.refs[i] },
            },
          );
        }
        refs[i] = idx;
      }
      ways.push({ id: w.id, refs, tags: w.tags });
    }
    return {
      nodeId: this.ids.slice(0, this.n),
      lat: this.lats.slice(0, this.n),
      lon: this.lons.slice(0, this.n),
      ways,
    };
  }
}

export function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}
