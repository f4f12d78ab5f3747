/**
 * Response standards: per agency and capability, the share of demand the nth resource must reach
 * within a time (`targets`). Each standard's capability must be offered to its agency.
 */
import { joinPath, type Checker, type Json } from '../../../proto/checker.ts';
import { eachObject, IdSet } from './check.ts';
import type { OfferedBy } from './resources.ts';
import { AGENCIES } from './types.ts';

/** Returns the standard ids, or undefined when the scenario has no standards list. */
export function checkStandards(c: Checker, r: Json, offeredBy: OfferedBy): IdSet | undefined {
  const ids = new IdSet(c);
  const standards = c.arr(r, 'standards', '');
  eachObject(c, standards, 'standards', (s, p) => {
    ids.add(c.str(s, 'id', p), p);
    c.str(s, 'name', p);
    const agency = c.oneOf(s, 'agency', p, AGENCIES);
    const cap = c.str(s, 'capability', p);
    if (cap !== undefined && agency !== undefined && offeredBy !== undefined && !offeredBy(cap, agency)) {
      c.fail(joinPath(p, 'capability'), `no ${agency} resource offers capability ${JSON.stringify(cap)}`);
    }
    const nths = new Set<number>();
    const tp = joinPath(p, 'targets');
    eachObject(c, c.arr(s, 'targets', p, { nonEmpty: true }), tp, (t, q) => {
      const nth = c.num(t, 'nth', q, { min: 1, integer: true, what: 'nth' });
      if (nth !== undefined) {
        if (nths.has(nth)) c.fail(joinPath(q, 'nth'), `duplicate target for nth ${nth}`);
        nths.add(nth);
      }
      c.num(t, 'withinS', q, { min: 0, minOpen: true, what: 'seconds' });
      c.num(t, 'share', q, { min: 0, minOpen: true, max: 1, what: 'share' });
    });
  });
  return standards === undefined ? undefined : ids;
}
