/**
 * The gazetteer's typo index (server/core/places/word-index.ts) against brute force: on a seeded
 * vocabulary of 3,000 made-up words, for queries made by one or two random edits (substitution,
 * insertion, deletion, swap of neighbours) of a vocabulary word and for random strings, typos(w, k)
 * returns exactly the words within k edits of w (not w itself; for two edits, words of six
 * letters or more), each with its distance.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../server/core/clock.ts';
import { editDistance } from '../server/core/places/normalize.ts';
import { WordIndex } from '../server/core/places/word-index.ts';

const rnd = seededRandom(1617);
const LETTERS = 'abcdeilmnorstuw';
const letter = () => LETTERS[Math.floor(rnd() * LETTERS.length)]!;
const made = (n: number) => Array.from({ length: n }, letter).join('');
const vocabulary = [...new Set(Array.from({ length: 3_000 }, () => made(3 + Math.floor(rnd() * 10))))];
const index = new WordIndex(vocabulary.map((w) => [w]));

function edit(w: string): string {
  const i = Math.floor(rnd() * w.length);
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return w.slice(0, i) + letter() + w.slice(i + 1);
    case 1:
      return w.slice(0, i) + letter() + w.slice(i);
    case 2:
      return w.length > 1 ? w.slice(0, i) + w.slice(i + 1) : w;
    default:
      return i + 1 < w.length ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : w;
  }
}

function found(w: string, k: 1 | 2): string[] {
  const n = index.typos(w, k);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${index.words[index.typoWord[i]!]} ${index.typoDist[i]}`);
  return out.sort();
}

function brute(w: string, k: 1 | 2): string[] {
  return index.words
    .filter((x) => x !== w && (k === 1 || x.length >= 6))
    .map((x) => [x, editDistance(w, x, k)] as const)
    .filter(([, d]) => d <= k)
    .map(([x, d]) => `${x} ${d}`)
    .sort();
}

test('one edit: exactly the words one substitution, insertion, deletion or swap away', () => {
  let some = 0;
  for (let q = 0; q < 400; q++) {
    const w = q % 4 === 3 ? made(4 + Math.floor(rnd() * 6)) : edit(vocabulary[Math.floor(rnd() * vocabulary.length)]!);
    const want = brute(w, 1);
    assert.equal(found(w, 1), want, w);
    some += want.length;
  }
  assert.ok(some > 200, `${some} words found in all`);
});

test('two edits: exactly the words of six letters or more within two edits', () => {
  let some = 0;
  for (let q = 0; q < 400; q++) {
    const base = vocabulary.filter((x) => x.length >= 8);
    const w = q % 4 === 3 ? made(8 + Math.floor(rnd() * 5)) : edit(edit(base[Math.floor(rnd() * base.length)]!));
    const want = brute(w, 2);
    assert.equal(found(w, 2), want, w);
    some += want.length;
  }
  assert.ok(some > 200, `${some} words found in all`);
});

test('literal: "stevanage", "setvenage" and "stevenaeg" are one, two and one edits from stevenage', () => {
  const small = new WordIndex([['stevenage'], ['stevenson'], ['steven'], ['ware'], ['watford']]);
  const at = (w: string, k: 1 | 2) => {
    const n = small.typos(w, k);
    return Array.from({ length: n }, (_, i) => [small.words[small.typoWord[i]!], small.typoDist[i]]);
  };
  assert.equal(at('stevanage', 2), [['stevenage', 1]]);
  assert.equal(at('setvanage', 2), [['stevenage', 2]]);
  assert.equal(at('stevenaeg', 1), [['stevenage', 1]]);
  assert.equal(at('wrae', 1), [['ware', 1]]);
  assert.equal(at('wtaford', 1), [['watford', 1]]);
  assert.equal(at('stevenage', 2), []);
});

test.run();
