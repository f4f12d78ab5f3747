/**
 * Cover gaps for the map: a grid of cells (cellM metres) over the scenario's bounds, and per
 * surface target the cells whose median routing-node time is beyond the target's standard.
 */
import type { RoadGraph } from '../graph/build.ts';
import type { Scenario } from '../scenario/types.ts';
import type { SurfaceDef } from './surfaces.ts';
import { nodeLat, nodeLon } from './tree-cache.ts';

export interface GapCell {
  row: number;
  col: number;
  south: number;
  west: number;
  north: number;
  east: number;
  /** Median and worst node time in the cell for this target; null = beyond the search bound. */
  medianS: number | null;
  worstS: number | null;
  nodes: number;
}

export interface TargetGaps {
  surface: string;
  nth: number;
  withinS: number;
  cells: GapCell[];
}

export interface Grid {
  rows: number;
  cols: number;
  dLat: number;
  dLon: number;
  south: number;
  west: number;
}

export class GapGrid {
  readonly grid: Grid;
  /** Nodes by cell (CSR): cellNodes[cellStart[c] .. cellStart[c+1]-1]. */
  private readonly cellStart: Uint32Array;
  private readonly cellNodes: Uint32Array;

  constructor(g: RoadGraph, b: Scenario['bounds'], cellM: number) {
    const midLat = (b.south + b.north) / 2;
    const dLat = cellM / 111_195;
    const dLon = cellM / (111_195 * Math.cos((midLat * Math.PI) / 180));
    const rows = Math.max(1, Math.ceil((b.north - b.south) / dLat));
    const cols = Math.max(1, Math.ceil((b.east - b.west) / dLon));
    this.grid = { rows, cols, dLat, dLon, south: b.south, west: b.west };
    const cellOf = new Int32Array(g.nodeCount);
    const count = new Uint32Array(rows * cols + 1);
    for (let v = 0; v < g.nodeCount; v++) {
      const r = Math.floor((nodeLat(g, v) - b.south) / dLat);
      const c = Math.floor((nodeLon(g, v) - b.west) / dLon);
      const cell = r >= 0 && r < rows && c >= 0 && c < cols ? r * cols + c : -1;
      cellOf[v] = cell;
      if (cell >= 0) count[cell + 1]!++;
    }
    for (let i = 0; i < rows * cols; i++) count[i + 1]! += count[i]!;
    this.cellStart = count;
    this.cellNodes = new Uint32Array(count[rows * cols]!);
    const fill = count.slice(0, rows * cols);
    for (let v = 0; v < g.nodeCount; v++) if (cellOf[v]! >= 0) this.cellNodes[fill[cellOf[v]!]!++] = v;
  }

  /**
   * Cells whose median node time for a target is beyond its standard, one list per distinct
   * (nth, withinS) of the surface. nodeTimes[j][v] is the (j+1)-th best time at node v.
   */
  gaps(surface: SurfaceDef, nodeTimes: readonly Float32Array[]): TargetGaps[] {
    const out: TargetGaps[] = [];
    const seen = new Set<string>();
    const { rows, cols, dLat, dLon, south, west } = this.grid;
    let scratch = new Float64Array(64);
    for (const t of surface.targets) {
      const key = `${t.nth}|${t.withinS}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const times = nodeTimes[t.nth - 1]!;
      const cells: GapCell[] = [];
      for (let c = 0; c < rows * cols; c++) {
        const lo = this.cellStart[c]!,
          hi = this.cellStart[c + 1]!;
        const m = hi - lo;
        if (m === 0) continue;
        if (scratch.length < m) scratch = new Float64Array(m * 2);
        const buf = scratch.subarray(0, m);
        for (let i = 0; i < m; i++) buf[i] = times[this.cellNodes[lo + i]!]!;
        buf.sort();
        const median = m % 2 === 1 ? buf[(m - 1) / 2]! : (buf[m / 2 - 1]! + buf[m / 2]!) / 2;
        if (!(median > t.withinS)) continue;
        const worst = buf[m - 1]!;
        const row = Math.floor(c / cols),
          col = c % cols;
        cells.push({
          row,
          col,
          south: south + row * dLat,
          west: west + col * dLon,
          north: south + (row + 1) * dLat,
          east: west + (col + 1) * dLon,
          medianS: Number.isFinite(median) ? Math.round(median) : null,
          worstS: Number.isFinite(worst) ? Math.round(worst) : null,
          nodes: m,
        });
      }
      out.push({ surface: surface.key, nth: t.nth, withinS: t.withinS, cells });
    }
    return out;
  }
}
