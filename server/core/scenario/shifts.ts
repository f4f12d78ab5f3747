/**
 * The room's shifts (optional; default DEFAULT_SHIFTS in ./types.ts): each an id, a name and a
 * daily local start "HH:MM"; starts are distinct, and each shift runs until the next one starts.
 */
import { joinPath, type Checker, type Json } from '../../../proto/checker.ts';
import { parseHhMm } from '../performance/zone.ts';
import { eachObject, IdSet } from './check.ts';

export function checkShifts(c: Checker, r: Json): void {
  const shifts = c.arr(r, 'shifts', '', { optional: true, nonEmpty: true, max: 24 });
  const ids = new IdSet(c);
  const starts = new Map<number, string>();
  eachObject(c, shifts, 'shifts', (s, p) => {
    ids.add(c.str(s, 'id', p), p);
    c.str(s, 'name', p);
    const start = c.str(s, 'start', p);
    if (start === undefined) return;
    const min = parseHhMm(start);
    if (min === undefined)
      c.fail(joinPath(p, 'start'), `expected a 24-hour time "HH:MM", got ${JSON.stringify(start)}`);
    else if (starts.has(min)) c.fail(joinPath(p, 'start'), `another shift starts at ${start} (${starts.get(min)})`);
    else starts.set(min, p);
  });
}
