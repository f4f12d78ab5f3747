/**
 * Incident types: lead agency, priority, the attendance (capabilities and counts the fleet must
 * offer), the standards that apply, and co-responding capabilities drawn from the attendance.
 */
import { joinPath, type Checker, type Json } from '../../../proto/checker.ts';
import { eachObject, IdSet, strList } from './check.ts';
import type { OfferedBy } from './resources.ts';
import { AGENCIES } from './types.ts';

const PRIORITIES = [1, 2, 3] as const;

export function checkIncidentTypes(c: Checker, r: Json, offeredBy: OfferedBy, standardIds: IdSet | undefined): void {
  const typeIds = new IdSet(c);
  eachObject(c, c.arr(r, 'incidentTypes', ''), 'incidentTypes', (t, p) => {
    typeIds.add(c.str(t, 'id', p), p);
    c.str(t, 'name', p);
    c.oneOf(t, 'leadAgency', p, AGENCIES);
    c.oneOf(t, 'priority', p, PRIORITIES);
    const lines = c.arr(t, 'attendance', p, { nonEmpty: true });
    const lineCaps = new Set<string>();
    eachObject(c, lines, joinPath(p, 'attendance'), (l, lp) => {
      const cap = c.str(l, 'capability', lp);
      c.num(l, 'count', lp, { min: 1, max: 50, integer: true, what: 'count' });
      const agency = c.oneOf(l, 'agency', lp, AGENCIES, true);
      if (cap === undefined) return;
      // One line per capability need (docs/scenario.md): a second line would be counted twice.
      if (lineCaps.has(cap))
        c.fail(
          joinPath(lp, 'capability'),
          `capability ${JSON.stringify(cap)} has a line already: one line per capability`,
        );
      lineCaps.add(cap);
      if (offeredBy !== undefined && !offeredBy(cap, agency)) {
        c.fail(
          joinPath(lp, 'capability'),
          `no ${agency === undefined ? '' : `${agency} `}resource offers capability ${JSON.stringify(cap)}`,
        );
      }
    });
    strList(c, t, 'standards', p)?.forEach((s, j) => {
      if (standardIds !== undefined && !standardIds.has(s))
        c.fail(joinPath(joinPath(p, 'standards'), j), `unknown standard ${JSON.stringify(s)}`);
    });
    strList(c, t, 'coResponse', p, { optional: true })?.forEach((cap, j) => {
      if (lines !== undefined && !lineCaps.has(cap))
        c.fail(
          joinPath(joinPath(p, 'coResponse'), j),
          `capability ${JSON.stringify(cap)} is not in this type's attendance`,
        );
    });
  });
}
