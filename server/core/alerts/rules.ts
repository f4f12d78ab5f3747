/**
 * The alert rules a service tunes in its scenario (`alerts`, docs/scenario.md), with their
 * defaults: which kinds are off, how long an incident may wait for its first unit (per priority,
 * and per incident type over that), how long a joint request may wait for its answer.
 */
import type { AlertKind } from '../../../proto/alert-kinds.ts';
import type { Scenario } from '../scenario/types.ts';

/** The scenario's `alerts` field (every member optional). */
export interface AlertRulesConfig {
  /** Kinds turned off (default none). */
  off?: AlertKind[];
  /** Seconds an incident may wait for its first unit, per priority ("1", "2", "3"). */
  unassignedAfterS?: Partial<Record<'1' | '2' | '3', number>>;
  /** ... and per incident type id, over the priority's. */
  unassignedAfterSByType?: Record<string, number>;
  /** Seconds a joint request may wait for its answer before it alerts (0 = at once). */
  jointRequestAfterS?: number;
}

export const DEFAULT_UNASSIGNED_AFTER_S = { '1': 120, '2': 300, '3': 900 } as const;
export const DEFAULT_JOINT_REQUEST_AFTER_S = 60;

export interface AlertRules {
  on(kind: AlertKind): boolean;
  /** Seconds an incident of this type and priority may wait for its first unit. */
  unassignedAfterS(typeId: string, priority: number): number;
  jointRequestAfterS: number;
}

export function alertRules(s: Pick<Scenario, 'alerts'>): AlertRules {
  const c = s.alerts ?? {};
  const off = new Set(c.off ?? []);
  const byPriority = { ...DEFAULT_UNASSIGNED_AFTER_S, ...(c.unassignedAfterS ?? {}) };
  return {
    on: (k) => !off.has(k),
    unassignedAfterS: (typeId, priority) =>
      c.unassignedAfterSByType?.[typeId] ??
      byPriority[String(priority) as '1' | '2' | '3'] ??
      DEFAULT_UNASSIGNED_AFTER_S['3'],
    jointRequestAfterS: c.jointRequestAfterS ?? DEFAULT_JOINT_REQUEST_AFTER_S,
  };
}
