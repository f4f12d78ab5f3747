import RBush from 'rbush';

/**
 * Our own wrapper over rbush for moving points. rbush's remove() finds an item by its *current*
 * bounding box, so an item whose coordinates are changed in place can never be removed again and
 * the tree silently drifts from live state. Every move here is: remove with the old box, change,
 * re-insert. Callers never see the rbush items, so they cannot mutate them behind our back.
 */
export interface BBox {
  minX: number; // west (lon)
  minY: number; // south (lat)
  maxX: number; // east
  maxY: number; // north
}

interface Item extends BBox {
  id: string;
}

export class PointIndex {
  private readonly tree = new RBush<Item>(16);
  private readonly items = new Map<string, Item>();

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
      if (old.minX === lon && old.minY === lat) return;
      this.tree.remove(old); // identity match: `old` still holds the box it was inserted with
    }
    const item: Item = { id, minX: lon, minY: lat, maxX: lon, maxY: lat };
    this.items.set(id, item);
    this.tree.insert(item);
  }

  delete(id: string): boolean {
    const old = this.items.get(id);
    if (!old) return false;
    this.tree.remove(old);
    this.items.delete(id);
    return true;
  }

  /** The position the index holds for id, as [lon, lat]. */
  get(id: string): [number, number] | undefined {
    const it = this.items.get(id);
    return it ? [it.minX, it.minY] : undefined;
  }

  /** Ids of points inside the box (edges inclusive). */
  search(box: BBox): string[] {
    return this.tree.search(box).map((it) => it.id);
  }

  /** Every item the tree holds, for consistency checks. */
  treeContents(): Array<{ id: string; lon: number; lat: number }> {
    return this.tree.all().map((it) => ({ id: it.id, lon: it.minX, lat: it.minY }));
  }

  clear(): void {
    this.tree.clear();
    this.items.clear();
  }
}
