/**
 * The client's lenient readers of the server's JSON: a field of the wrong type reads as missing
 * (or its default), a list entry that is not an object is skipped. Used by ./parse.ts and
 * ./parse-cover.ts.
 */
import { Checker, isObj, type Json } from '../../proto/checker.ts';

export type Obj = Json;
/** The client reads leniently: the one Checker, told to report nothing; what does not fit is dropped or defaulted. */
export const read = Checker.quiet();
export const num = (o: Obj, k: string, dflt?: number): number | undefined =>
  read.number(o[k], k, { optional: true }) ?? dflt;
export const str = (o: Obj, k: string, dflt?: string): string | undefined =>
  read.string(o[k], k, { optional: true }) ?? dflt;
export const arr = (o: Obj, k: string): unknown[] => read.array(o[k], k, { optional: true }) ?? [];
export function collect<T>(list: unknown[], f: (o: Obj) => T | undefined): T[] {
  const out: T[] = [];
  for (const x of list) {
    if (!isObj(x)) continue;
    const v = f(x);
    if (v !== undefined) out.push(v);
  }
  return out;
}
