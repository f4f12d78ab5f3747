/**
 * The scenario's alert rules (`alerts`, optional; server/core/alerts/rules.ts has the defaults):
 * kinds turned off, waiting times per priority and per incident type, the joint request wait.
 */
import { joinPath, type Checker, type Json } from '../../../proto/checker.ts';
import { ALERT_KINDS } from '../../../proto/alert-kinds.ts';

const SECONDS = { min: 0, max: 86_400, what: 'seconds' };

export function checkAlertRules(c: Checker, r: Json, typeIds: ReadonlySet<string>): void {
  const a = c.obj(r, 'alerts', '', true);
  if (a === undefined) return;
  c.list(a['off'], 'alerts.off', { optional: true }, (v, p) => c.choice(v, p, ALERT_KINDS));
  const byPriority = c.obj(a, 'unassignedAfterS', 'alerts', true);
  if (byPriority !== undefined) {
    for (const k of Object.keys(byPriority)) {
      if (k !== '1' && k !== '2' && k !== '3')
        c.fail(joinPath('alerts.unassignedAfterS', k), 'expected a priority "1", "2" or "3"');
      else c.num(byPriority, k, 'alerts.unassignedAfterS', SECONDS);
    }
  }
  const byType = c.obj(a, 'unassignedAfterSByType', 'alerts', true);
  if (byType !== undefined) {
    for (const k of Object.keys(byType)) {
      if (!typeIds.has(k)) c.fail(joinPath('alerts.unassignedAfterSByType', k), `unknown incident type "${k}"`);
      else c.num(byType, k, 'alerts.unassignedAfterSByType', SECONDS);
    }
  }
  c.num(a, 'jointRequestAfterS', 'alerts', { ...SECONDS, optional: true });
}
