/**
 * Boxes already placed on the map, in a uniform grid of square cells, so that "does this label's
 * box overlap any placed one?" looks at a few cells instead of every box. Labels are placed
 * greedily, best first (./label-placement.ts, ./resources-layer.ts): a few hundred boxes per
 * placement, so a grid of small arrays, cleared and refilled each time, is all it needs.
 *
 * Boxes are [x0, y0, x1, y1] in one pixel space (the map's layer points); two boxes that only
 * touch along an edge do not overlap.
 */
export class CollisionGrid {
  private readonly cells = new Map<number, number[]>();
  /** Placed boxes, four numbers each. */
  private readonly boxes: number[] = [];

  constructor(private readonly cellPx = 64) {}

  get size(): number {
    return this.boxes.length / 4;
  }

  clear(): void {
    this.cells.clear();
    this.boxes.length = 0;
  }

  /** Does [x0, y0, x1, y1] overlap no placed box? */
  fits(x0: number, y0: number, x1: number, y1: number): boolean {
    const c = this.cellPx;
    const cx1 = Math.floor(x1 / c);
    const cy1 = Math.floor(y1 / c);
    for (let cx = Math.floor(x0 / c); cx <= cx1; cx++)
      for (let cy = Math.floor(y0 / c); cy <= cy1; cy++) {
        const list = this.cells.get(key(cx, cy));
        if (!list) continue;
        for (const i of list) {
          const b = this.boxes;
          if (x0 < b[i + 2]! && b[i]! < x1 && y0 < b[i + 3]! && b[i + 1]! < y1) return false;
        }
      }
    return true;
  }

  /** Place a box whether or not it overlaps (an obstacle). */
  insert(x0: number, y0: number, x1: number, y1: number): void {
    const i = this.boxes.length;
    this.boxes.push(x0, y0, x1, y1);
    const c = this.cellPx;
    const cx1 = Math.floor(x1 / c);
    const cy1 = Math.floor(y1 / c);
    for (let cx = Math.floor(x0 / c); cx <= cx1; cx++)
      for (let cy = Math.floor(y0 / c); cy <= cy1; cy++) {
        const k = key(cx, cy);
        const list = this.cells.get(k);
        if (list) list.push(i);
        else this.cells.set(k, [i]);
      }
  }

  /** Place the box if it fits; say whether it did. */
  tryInsert(x0: number, y0: number, x1: number, y1: number): boolean {
    if (!this.fits(x0, y0, x1, y1)) return false;
    this.insert(x0, y0, x1, y1);
    return true;
  }
}

/** One number per cell: cell coordinates stay within ±2^20 (64 px cells: ±67 M px). */
function key(cx: number, cy: number): number {
  return (cx + 0x100000) * 0x200000 + (cy + 0x100000);
}
