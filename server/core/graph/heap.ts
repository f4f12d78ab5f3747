/**
 * The one indexed binary min-heap of the graph searches (search.ts, landmarks.ts, multi-source.ts).
 * Items are small whole numbers (a vertex, or a label slot); `pos[item]` is the item's heap
 * position, so a search can lower a key in place (decrease-key) and the heap never holds more
 * than one entry an item. Typed arrays, no objects or closures per push: the searches' hot path.
 *
 * Ties: a key moves up only past a strictly larger one and down only past a strictly smaller
 * child (the right one when it is strictly smaller than the left), so equal keys leave in an
 * order fixed by the pushes alone. Every search relies on that: the same pushes, the same pops,
 * the same answers to the bit (the brute-force and golden tests check it).
 */
export class IndexedHeap {
  /** items[i]: the item at heap position i (i < size). */
  items: Uint32Array;
  /** keys[i]: the key of items[i], kept beside it so sifting reads one array. */
  keys: Float64Array;
  /** pos[item]: the item's heap position, -1 once popped. Valid only for items pushed since the owner's last clear. */
  pos: Int32Array;
  size = 0;

  /** `capacity` bounds both the entries held at once and the items (0..capacity-1). */
  constructor(capacity: number) {
    const n = Math.max(1, capacity);
    this.items = new Uint32Array(n);
    this.keys = new Float64Array(n);
    this.pos = new Int32Array(n);
  }

  get capacity(): number {
    return this.items.length;
  }

  /** Double the capacity (at least to `capacity`), keeping the entries. */
  grow(capacity: number): void {
    let n = this.items.length * 2;
    while (n < capacity) n *= 2;
    const items = new Uint32Array(n);
    items.set(this.items);
    const keys = new Float64Array(n);
    keys.set(this.keys);
    const pos = new Int32Array(n);
    pos.set(this.pos);
    this.items = items;
    this.keys = keys;
    this.pos = pos;
  }

  /** Empty the heap: O(1) (positions of items left in it are stale, as the owner's stamps say). */
  clear(): void {
    this.size = 0;
  }

  /** Add an item that is not in the heap. */
  push(item: number, key: number): void {
    this.up(item, this.size++, key);
  }

  /**
   * Place `item` with `key` at position i or above it: i is either a new last position (a push)
   * or the item's own position with its key now lower (decrease-key).
   */
  up(item: number, i: number, key: number): void {
    const items = this.items,
      keys = this.keys,
      pos = this.pos;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk <= key) break;
      const pv = items[parent]!;
      items[i] = pv;
      keys[i] = pk;
      pos[pv] = i;
      i = parent;
    }
    items[i] = item;
    keys[i] = key;
    pos[item] = i;
  }

  /** Remove the smallest entry (read it first at items[0], keys[0]); its position becomes -1. */
  pop(): void {
    const items = this.items,
      keys = this.keys,
      pos = this.pos;
    const top = items[0]!;
    pos[top] = -1;
    const n = --this.size;
    if (n === 0) return;
    const v = items[n]!;
    const d = keys[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ck = keys[c]!;
      const r = c + 1;
      if (r < n) {
        const rk = keys[r]!;
        if (rk < ck) {
          c = r;
          ck = rk;
        }
      }
      if (ck >= d) break;
      const cv = items[c]!;
      items[i] = cv;
      keys[i] = ck;
      pos[cv] = i;
      i = c;
    }
    items[i] = v;
    keys[i] = d;
    pos[v] = i;
  }
}
