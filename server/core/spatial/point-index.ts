import RBush from 'rbush';

/**
 * Our own wrapper over rbush for moving points. rbush's remove() finds an item by its *current*
 * bounding box, so an item whose box is changed in place can never be removed again and the tree
 * silently drifts from live state. Here the box an item was inserted with is never mutated while it
 * is in the tree: every tree update is remove (with that box) → new item → insert.
 *
 * Moves are cheap: each point is stored with a small slack box around it (`slackDeg` each way),
 * and its exact position in separate fields. A move that stays inside the slack box only updates
 * the exact position; the tree is touched (remove → insert, box re-centred) only when the point
 * leaves its box. Searches ask the tree for candidate boxes and then test the exact positions, so
 * answers are exact: the index always agrees with live state (test/point-index.test.ts checks this
 * against brute force). A vehicle at 25 m/s reporting at 1 Hz touches the tree every ~6-9 s rather
 * than every fix.
 *
 * Leaving a box does not remove the old item from the tree (rbush's remove searches the tree for
 * it: it was the dearest part of an AVL fix). The old item is marked dead, searches skip dead
 * items, and once the dead outnumber the live the tree is rebuilt from the live items with one
 * bulk load (a few ms for 5,000 points, which also leaves a better-packed tree than incremental
 * inserts). The tree thus holds at most twice the live points.
 */
export interface BBox {
  minX: number; // west (lon)
  minY: number; // south (lat)
  maxX: number; // east
  maxY: number; // north
}

interface Item extends BBox {
  id: string;
  /** Exact position; always inside [minX, maxX] × [minY, maxY]. */
  lon: number;
  lat: number;
  /** Replaced or deleted: still in the tree until the next rebuild, never returned. */
  dead: boolean;
}

/** Default slack: 0.002° each way (~220 m of latitude, ~140 m of longitude at 51°N). */
export const DEFAULT_SLACK_DEG = 0.002;

export class PointIndex {
  private readonly tree = new RBush<Item>(16);
  private readonly items = new Map<string, Item>();
  private readonly slack: number;
  /** Tree inserts done (a point placed or re-centred), for tests and benchmarks. */
  treeUpdates = 0;
  /** Bulk rebuilds done (dropping dead items), for tests and benchmarks. */
  rebuilds = 0;
  /** Dead items still in the tree. */
  private dead = 0;

  constructor(slackDeg = DEFAULT_SLACK_DEG) {
    this.slack = slackDeg;
  }

  get size(): number {
    return this.items.size;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** Insert or move a point. */
  set(id: string, lon: number, lat: number): void {
    const old = this.items.get(id);
    if (old) {
      if (lon >= old.minX && lon <= old.maxX && lat >= old.minY && lat <= old.maxY) {
        old.lon = lon; // inside its box: rbush never reads these fields
        old.lat = lat;
        return;
      }
      old.dead = true; // its box stays as inserted, so the tree stays sound until the rebuild
      this.dead++;
    }
    const s = this.slack;
    const item: Item = { id, lon, lat, minX: lon - s, minY: lat - s, maxX: lon + s, maxY: lat + s, dead: false };
    this.items.set(id, item);
    this.tree.insert(item);
    this.treeUpdates++;
    this.rebuildIfMostlyDead();
  }

  delete(id: string): boolean {
    const old = this.items.get(id);
    if (!old) return false;
    old.dead = true;
    this.dead++;
    this.items.delete(id);
    this.rebuildIfMostlyDead();
    return true;
  }

  /** Items in the tree, dead ones included (at most twice the live points, plus a few). */
  get treeItems(): number {
    return this.items.size + this.dead;
  }

  private rebuildIfMostlyDead(): void {
    if (this.dead <= Math.max(this.items.size, 64)) return;
    this.tree.clear();
    this.tree.load(Array.from(this.items.values()));
    this.dead = 0;
    this.rebuilds++;
  }

  /** The position the index holds for id, as [lon, lat]. */
  get(id: string): [number, number] | undefined {
    const it = this.items.get(id);
    return it ? [it.lon, it.lat] : undefined;
  }

  /** Ids of points inside the box (edges inclusive), exactly. */
  search(box: BBox): string[] {
    const out: string[] = [];
    for (const it of this.tree.search(box)) {
      if (!it.dead && it.lon >= box.minX && it.lon <= box.maxX && it.lat >= box.minY && it.lat <= box.maxY)
        out.push(it.id);
    }
    return out;
  }

  /** Every live item the tree holds (exact positions), for consistency checks. */
  treeContents(): Array<{ id: string; lon: number; lat: number }> {
    const all = this.tree.all();
    if (all.length !== this.treeItems) throw new Error(`tree holds ${all.length} items, expected ${this.treeItems}`);
    const out: Array<{ id: string; lon: number; lat: number }> = [];
    for (const it of all) {
      if (!(it.lon >= it.minX && it.lon <= it.maxX && it.lat >= it.minY && it.lat <= it.maxY))
        throw new Error(`index item ${it.id} outside its box`);
      if (!it.dead) out.push({ id: it.id, lon: it.lon, lat: it.lat });
    }
    return out;
  }

  clear(): void {
    this.tree.clear();
    this.items.clear();
    this.dead = 0;
  }
}
