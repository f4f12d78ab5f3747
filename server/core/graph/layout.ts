/**
 * The array layout of the road graph, used while building it: growable typed arrays for the edge
 * list, the reverse star (in-edges by head), and the Hilbert index that orders vertices so that
 * neighbours sit near each other in memory.
 */

/** Growable typed arrays for the edge list (no per-edge objects: a county has ~10^6 edges). */
export class Grow {
  from = new Uint32Array(1024);
  to = new Uint32Array(1024);
  len = new Float64Array(1024);
  hw = new Uint8Array(1024);
  max = new Float32Array(1024);
  twin = new Int32Array(1024);
  n = 0;
  push(from: number, to: number, len: number, hw: number, max: number, twin: number): void {
    if (this.n === this.from.length) {
      const cap = this.n * 2;
      const g = <T extends Uint32Array | Float64Array | Uint8Array | Float32Array | Int32Array>(
        a: T,
        make: (n: number) => T,
      ): T => {
        const b = make(cap);
        b.set(a);
        return b;
      };
      this.from = g(this.from, (c) => new Uint32Array(c));
      this.to = g(this.to, (c) => new Uint32Array(c));
      this.len = g(this.len, (c) => new Float64Array(c));
      this.hw = g(this.hw, (c) => new Uint8Array(c));
      this.max = g(this.max, (c) => new Float32Array(c));
      this.twin = g(this.twin, (c) => new Int32Array(c));
    }
    const i = this.n++;
    this.from[i] = from;
    this.to[i] = to;
    this.len[i] = len;
    this.hw[i] = hw;
    this.max[i] = max;
    this.twin[i] = twin;
  }
}

/** In-edges grouped by head vertex (CSR): firstIn per vertex, inEdge the forward edge ids. */
export function reverseStar(
  n: number,
  m: number,
  head: Uint32Array,
  tail: Uint32Array,
): { firstIn: Uint32Array; inEdge: Uint32Array } {
  const firstIn = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) firstIn[head[e]! + 1]!++;
  for (let i = 0; i < n; i++) firstIn[i + 1]! += firstIn[i]!;
  const fill = firstIn.slice(0, n);
  const inEdge = new Uint32Array(m);
  for (let e = 0; e < m; e++) inEdge[fill[head[e]!]!++] = e;
  return { firstIn, inEdge };
}

/** Hilbert curve index of (x, y) on a 2^16 grid (the fast bit-twiddling form used by Flatbush). */
export function hilbert(x: number, y: number): number {
  let a = x ^ y;
  let b = 0xffff ^ a;
  let c = 0xffff ^ (x | y);
  let d = x & (y ^ 0xffff);
  let A = a | (b >> 1);
  let B = (a >> 1) ^ a;
  let C = (c >> 1) ^ (b & (d >> 1)) ^ c;
  let D = (a & (c >> 1)) ^ (d >> 1) ^ d;
  a = A;
  b = B;
  c = C;
  d = D;
  A = (a & (a >> 2)) ^ (b & (b >> 2));
  B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
  C ^= (a & (c >> 2)) ^ (b & (d >> 2));
  D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));
  a = A;
  b = B;
  c = C;
  d = D;
  A = (a & (a >> 4)) ^ (b & (b >> 4));
  B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
  C ^= (a & (c >> 4)) ^ (b & (d >> 4));
  D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));
  a = A;
  b = B;
  c = C;
  d = D;
  C ^= (a & (c >> 8)) ^ (b & (d >> 8));
  D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));
  a = C ^ (C >> 1);
  b = D ^ (D >> 1);
  let i0 = x ^ y;
  let i1 = b | (0xffff ^ (i0 | a));
  i0 = (i0 | (i0 << 8)) & 0x00ff00ff;
  i0 = (i0 | (i0 << 4)) & 0x0f0f0f0f;
  i0 = (i0 | (i0 << 2)) & 0x33333333;
  i0 = (i0 | (i0 << 1)) & 0x55555555;
  i1 = (i1 | (i1 << 8)) & 0x00ff00ff;
  i1 = (i1 | (i1 << 4)) & 0x0f0f0f0f;
  i1 = (i1 | (i1 << 2)) & 0x33333333;
  i1 = (i1 | (i1 << 1)) & 0x55555555;
  return ((i1 << 1) | i0) >>> 0;
}
