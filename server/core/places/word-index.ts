/**
 * The gazetteer's vocabulary: every distinct word of every name, sorted, so that a prefix is a
 * range found by binary search; each word's postings (the entries that hold it, in entry order,
 * which is best-prior first); and two typo indexes of deletion keys (two words within k edits,
 * substitutions, insertions, deletions or swaps of two neighbours, both reduce to one string by
 * deleting at most k letters from each), every candidate verified by edit distance:
 * - one edit: every word and each way of deleting one of its letters, a map from that string;
 * - two edits: every way of deleting up to two letters of each word of six letters or more, kept
 *   as a 32-bit hash beside the word id in one sorted Float64Array (no strings: about fifty keys a
 *   word), searched by binary search.
 * A query word costs a few dozen look-ups, whatever the size of the vocabulary. Typed arrays and
 * scratch kept between queries: a national index holds a few hundred thousand words, and the
 * lookup allocates almost nothing (issue 16: p99 under 5 ms).
 */
import { editDistance } from './normalize.ts';

export class WordIndex {
  readonly words: readonly string[];
  /** Postings of word w: post[first[w] .. first[w + 1] - 1], ascending entry ids. */
  readonly first: Uint32Array;
  readonly post: Uint32Array;
  /** Word lengths (at most 255). */
  private readonly len: Uint8Array;
  /** One-edit keys: the words holding key k are delWords[delFirst[k] .. delFirst[k + 1] - 1]. */
  private readonly delKey = new Map<string, number>();
  private readonly delFirst: Uint32Array;
  private readonly delWords: Uint32Array;
  /** Two-edit keys, ascending: hash(key) * 2^idBits + word id (see TWO_EDIT_MIN_LENGTH). */
  private readonly twoKeys: Float64Array;
  private readonly idBits: number;
  private readonly hashShift: number;
  // Scratch for typos(): a count per word, the words touched, and the answers.
  private readonly count: Uint16Array;
  private readonly touched: Uint32Array;
  /** typos() answers: word ids and their edit distances, typoCount of them. */
  readonly typoWord: Uint32Array;
  readonly typoDist: Uint8Array;

  /** `entryWords[e]` lists entry e's word strings. Entry ids must already be in rank order. */
  constructor(entryWords: ReadonlyArray<readonly string[]>) {
    const set = new Set<string>();
    for (const ws of entryWords) for (const w of ws) set.add(w);
    const words = [...set].sort();
    this.words = words;
    const id = new Map(words.map((w, i) => [w, i]));
    const first = new Uint32Array(words.length + 1);
    const ids = entryWords.map((ws) => [...new Set(ws.map((w) => id.get(w)!))]);
    for (const ws of ids) for (const w of ws) first[w + 1]!++;
    for (let i = 0; i < words.length; i++) first[i + 1]! += first[i]!;
    const fill = first.slice(0, words.length);
    const post = new Uint32Array(first[words.length]!);
    ids.forEach((ws, e) => {
      for (const w of ws) post[fill[w]!++] = e;
    });
    this.first = first;
    this.post = post;
    this.len = Uint8Array.from(words, (w) => Math.min(255, w.length));
    // One-edit keys, as lists first, then packed.
    const keyLists: number[][] = [];
    words.forEach((w, i) => {
      for (const k of oneDeletions(w)) {
        let slot = this.delKey.get(k);
        if (slot === undefined) this.delKey.set(k, (slot = keyLists.push([]) - 1));
        const l = keyLists[slot]!;
        if (l[l.length - 1] !== i) l.push(i);
      }
    });
    this.delFirst = new Uint32Array(keyLists.length + 1);
    keyLists.forEach((l, k) => (this.delFirst[k + 1] = this.delFirst[k]! + l.length));
    this.delWords = new Uint32Array(this.delFirst[keyLists.length]!);
    keyLists.forEach((l, k) => this.delWords.set(l, this.delFirst[k]!));
    // Two-edit keys: a word's hashes with up to two letters deleted, beside its id.
    this.idBits = Math.max(1, Math.ceil(Math.log2(words.length + 1)));
    this.hashShift = Math.max(0, this.idBits - 21); // hash bits + id bits <= 53: exact in a double
    const keys: number[] = [];
    const scale = 2 ** this.idBits;
    words.forEach((w, i) => {
      if (w.length < TWO_EDIT_MIN_LENGTH) return;
      forEachDeletion(w, 2, (h) => keys.push((h >>> this.hashShift) * scale + i));
    });
    this.twoKeys = Float64Array.from(keys).sort();
    this.count = new Uint16Array(words.length);
    this.touched = new Uint32Array(words.length);
    this.typoWord = new Uint32Array(words.length);
    this.typoDist = new Uint8Array(words.length);
  }

  /** The id of an exact word, or -1. */
  find(w: string): number {
    const i = this.lowerBound(w);
    return i < this.words.length && this.words[i] === w ? i : -1;
  }

  /** Word ids [lo, hi) that start with `p`. */
  prefixRange(p: string): [number, number] {
    const lo = this.lowerBound(p);
    const hi = this.lowerBound(p + '\uffff');
    return [lo, hi];
  }

  /**
   * Words within `max` (1 or 2) edits of `w` (not `w` itself; for 2, of six letters or more):
   * their ids and distances are typoWord[0 .. n - 1] and typoDist[0 .. n - 1], n returned.
   * Valid until the next call.
   */
  typos(w: string, max: 1 | 2): number {
    const n = max === 1 ? this.oneEditCandidates(w) : this.twoEditCandidates(w);
    let found = 0;
    for (let k = 0; k < n; k++) {
      const x = this.touched[k]!;
      this.count[x] = 0;
      const cand = this.words[x]!;
      if (cand === w) continue;
      const d = editDistance(w, cand, max);
      if (d <= max) {
        this.typoWord[found] = x;
        this.typoDist[found++] = d;
      }
    }
    return found;
  }

  /** Words sharing a one-deletion key with `w` (a superset of those one edit away), into touched. */
  private oneEditCandidates(w: string): number {
    let n = 0;
    for (let i = -1; i < w.length; i++) {
      // i = -1: the word itself; else the word without its i-th letter (a run deletes alike once).
      if (i > 0 && w.charCodeAt(i) === w.charCodeAt(i - 1)) continue;
      const slot = this.delKey.get(i < 0 ? w : w.slice(0, i) + w.slice(i + 1));
      if (slot === undefined) continue;
      for (let k = this.delFirst[slot]!, end = this.delFirst[slot + 1]!; k < end; k++) {
        const x = this.delWords[k]!;
        if (this.count[x] === 0) {
          this.count[x] = 1;
          this.touched[n++] = x;
        }
      }
    }
    return n;
  }

  /** Words sharing a two-deletion key with `w` (a superset of those two edits away), into touched. */
  private twoEditCandidates(w: string): number {
    let n = 0;
    const scale = 2 ** this.idBits;
    const keys = this.twoKeys;
    const lo = w.length - 2,
      hi = w.length + 2;
    forEachDeletion(w, 2, (h) => {
      const base = (h >>> this.hashShift) * scale;
      for (let k = lowerBound(keys, base); k < keys.length && keys[k]! < base + scale; k++) {
        const x = keys[k]! - base;
        const len = this.len[x]!;
        if (len < lo || len > hi || this.count[x] !== 0) continue;
        this.count[x] = 1;
        this.touched[n++] = x;
      }
    });
    return n;
  }

  private lowerBound(s: string): number {
    let lo = 0,
      hi = this.words.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.words[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Words of fewer letters are never two edits from a query word of eight or more. */
const TWO_EDIT_MIN_LENGTH = 6;

/** The first index of the ascending array whose value is at least x. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Call `fn` with the 32-bit FNV-1a hash of `w` with each set of at most `max` (1 or 2) letter
 * positions deleted (a run of one letter deletes alike: its first only). No strings are made.
 */
function forEachDeletion(w: string, max: 1 | 2, fn: (hash: number) => void): void {
  const n = w.length;
  const hash = (skipA: number, skipB: number) => {
    let h = 0x811c9dc5;
    for (let k = 0; k < n; k++) {
      if (k === skipA || k === skipB) continue;
      h = Math.imul(h ^ w.charCodeAt(k), 0x01000193);
    }
    return h >>> 0;
  };
  fn(hash(-1, -1));
  for (let i = 0; i < n; i++) {
    if (i > 0 && w.charCodeAt(i) === w.charCodeAt(i - 1)) continue;
    fn(hash(i, -1));
    if (max === 2)
      for (let j = i + 1; j < n; j++) {
        if (j > i + 1 && w.charCodeAt(j) === w.charCodeAt(j - 1)) continue;
        fn(hash(i, j));
      }
  }
}

/** A word and each distinct way of deleting one of its letters. */
function oneDeletions(w: string): string[] {
  const out = [w];
  for (let i = 0; i < w.length; i++) {
    if (i > 0 && w.charCodeAt(i) === w.charCodeAt(i - 1)) continue;
    out.push(w.slice(0, i) + w.slice(i + 1));
  }
  return out;
}
