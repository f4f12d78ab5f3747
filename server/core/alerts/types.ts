/**
 * Alerts (issue 17 item 3, docs/alerts.md): the commands that raise, clear and acknowledge them
 * and the data of the events they leave in the log. The state is in ./book.ts, the rules a
 * scenario may tune in ./rules.ts, the policies that raise and clear them in
 * server/core/reactions/alerts.ts.
 */
import { ALERT_KINDS, type AlertKind } from '../../../proto/alert-kinds.ts';
import type { Acting } from '../auth/incident-access.ts';
import type { Agency } from '../scenario/types.ts';

export { ALERT_KINDS, type AlertKind };

/** What a raise names: the alert as it will be kept (its id comes from the book). */
export interface AlertRaise {
  kind: AlertKind;
  /** One alert per cause, ever: a second raise of the same cause makes no event. */
  cause: string;
  incidentId?: string;
  resourceId?: string;
  agencies: Agency[];
  priority: number;
  text: string;
}

export type AlertCommand =
  | ({ type: 'alert.raise' } & AlertRaise)
  | { type: 'alert.clear'; alertId: string; reason: string }
  /** The acting user (ctx.actor) acknowledges; `acting` is who they act as (visibility). */
  | { type: 'alert.ack'; alertId: string; acting: Acting };

export interface AlertRaisedData extends AlertRaise {
  alertId: string;
}

export interface AlertClearedData {
  alertId: string;
  reason: string;
  /** The alert's incident, for its timeline. */
  incidentId?: string;
}

export interface AlertAcknowledgedData {
  alertId: string;
  /** The alert's incident, so the acknowledgement is in its audit timeline. */
  incidentId?: string;
}

/** An alert as the book keeps it. */
export interface Alert extends AlertRaise {
  id: string;
  raisedAt: number;
  seq: number;
  clearedAt: number | null;
  clearReason: string | null;
  /** user name → when they acknowledged it. */
  acks: Map<string, number>;
}
