/**
 * Text as the gazetteer compares it: lower case, accents and apostrophes dropped, a bracketed
 * suffix joined on ("A1(M)" -> "a1m", "Bishop's" -> "bishops"), every other run of punctuation a
 * word break. And the bounded edit distance that lets "stevanage" find "stevenage".
 */

/**
 * Street-name abbreviations a query may use for the full word OSM names carry ("Durnsford Rd"
 * finds "Durnsford Road"). The query word still matches as itself too ("dr" is also the start of
 * "drayton").
 */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  rd: 'road',
  ave: 'avenue',
  av: 'avenue',
  ln: 'lane',
  cl: 'close',
  cres: 'crescent',
  dr: 'drive',
  gdns: 'gardens',
  sq: 'square',
  pl: 'place',
  hwy: 'highway',
};

/** Normalised words of a name or query. */
export function words(text: string): string[] {
  // Most text is ASCII, which decomposition leaves as it is: skip it (a query's hot path).
  const ascii = /^[\x00-\x7f]*$/.test(text);
  const s = (ascii ? text : text.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''))
    .toLowerCase()
    .replace(/['\u2019`]/g, '')
    .replace(/\(([a-z0-9]+)\)/g, '$1');
  return s.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
}

/** A name's comparison key: its words joined by one space. */
export function key(text: string): string {
  return words(text).join(' ');
}

const row0 = new Int32Array(64);
const row1 = new Int32Array(64);
const row2 = new Int32Array(64);

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions) between a and b,
 * or max + 1 once it must exceed max (rows stop early). Words are short: up to 63 characters.
 */
export function editDistance(a: string, b: string, max: number): number {
  const n = a.length,
    m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (n > 63 || m > 63) return a === b ? 0 : max + 1;
  let prev2 = row0,
    prev = row1,
    cur = row2;
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb)
        d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}
