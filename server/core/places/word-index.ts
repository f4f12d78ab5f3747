/**
 * The gazetteer's vocabulary: every distinct word of every name, sorted, so that a prefix is a
 * range found by binary search; each word's postings (the entries that hold it, in entry order,
 * which is best-prior first); and a trigram index over the words for typos, verified by edit
 * distance. Typed arrays throughout: a national index holds a few hundred thousand words.
 */
import { editDistance } from './normalize.ts';

export class WordIndex {
  readonly words: readonly string[];
  /** Postings of word w: post[first[w] .. first[w + 1] - 1], ascending entry ids. */
  readonly first: Uint32Array;
  readonly post: Uint32Array;
  private readonly grams = new Map<string, Uint32Array>();
  private readonly count: Uint16Array;
  private readonly touched: Uint32Array;

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
    const lists = new Map<string, number[]>();
    words.forEach((w, i) => {
      if (w.length < 3) return;
      for (const g of trigrams(w)) {
        let l = lists.get(g);
        if (!l) lists.set(g, (l = []));
        if (l[l.length - 1] !== i) l.push(i);
      }
    });
    for (const [g, l] of lists) this.grams.set(g, Uint32Array.from(l));
    this.count = new Uint16Array(words.length);
    this.touched = new Uint32Array(words.length);
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

  /** Words within `max` edits of `w` (not `w` itself), with their distances. */
  typos(w: string, max: number, out: Array<{ word: number; d: number }>): void {
    const gs = trigrams(w);
    const need = Math.max(1, gs.length - 3 * max);
    let n = 0;
    for (const g of gs) {
      const l = this.grams.get(g);
      if (!l) continue;
      for (let k = 0; k < l.length; k++) {
        const x = l[k]!;
        if (this.count[x] === 0) this.touched[n++] = x;
        this.count[x]!++;
      }
    }
    for (let k = 0; k < n; k++) {
      const x = this.touched[k]!;
      if (this.count[x]! >= need) {
        const cand = this.words[x]!;
        if (cand !== w) {
          const d = editDistance(w, cand, max);
          if (d <= max) out.push({ word: x, d });
        }
      }
      this.count[x] = 0;
    }
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

/** Trigrams of a word padded with one boundary mark each side ("$st", "ste", ..., "ge$"). */
function trigrams(w: string): string[] {
  const s = `$${w}$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= s.length; i++) out.push(s.slice(i, i + 3));
  return out;
}
