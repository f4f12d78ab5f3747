/**
 * The alert book: every alert raised, by id and by cause, with who acknowledged it, and the
 * active ones by incident (the COP sends an incident's alerts with each of its changes). `decide`
 * checks alert commands (a cause already raised makes no event; so does a second acknowledgement
 * by the same user); `apply` folds the alert events. Room calls both.
 */
import { sees, type Acting } from '../auth/incident-access.ts';
import type { CommandContext } from '../events.ts';
import { JcrError } from '../errors.ts';
import type { JcrEvent, NewEvent } from '../events.ts';
import type { IncidentBook } from '../incidents/book.ts';
import type { AlertMsg } from '../../../proto/wire.ts';
import type { Alert, AlertCommand } from './types.ts';

export class AlertBook {
  private readonly byId = new Map<string, Alert>();
  private readonly byCause = new Map<string, Alert>();
  private readonly activeIds = new Set<string>();
  /** Incident id → its active alerts' ids, in the order raised. */
  private readonly activeByIncident = new Map<string, Set<string>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Alert | undefined {
    return this.byId.get(id);
  }

  /** The alert raised for `cause`, if any ever was. */
  byCauseKey(cause: string): Alert | undefined {
    return this.byCause.get(cause);
  }

  /** Alerts not cleared, oldest first. */
  active(): Alert[] {
    return [...this.activeIds].map((id) => this.byId.get(id)!);
  }

  /** The active alerts of incident `incidentId`, oldest first: active() filtered by incident. */
  activeFor(incidentId: string): Alert[] {
    const ids = this.activeByIncident.get(incidentId);
    return ids ? [...ids].map((id) => this.byId.get(id)!) : [];
  }

  all(): IterableIterator<Alert> {
    return this.byId.values();
  }

  /** May `who` see the alert? An incident's alert: whoever sees the incident; else its agencies. */
  visible(a: Alert, who: Acting, incidents: IncidentBook): boolean {
    if (who === 'all' || who === null) return true;
    if (a.incidentId !== undefined) {
      const inc = incidents.get(a.incidentId);
      return inc ? sees(who, inc) : a.agencies.includes(who);
    }
    return a.agencies.includes(who);
  }

  decide(cmd: AlertCommand, ctx: CommandContext, at: number, incidents: IncidentBook): NewEvent[] {
    const base = { at, origin: ctx.origin, actor: ctx.actor };
    switch (cmd.type) {
      case 'alert.raise': {
        if (this.byCause.has(cmd.cause)) return [];
        const { type: _type, ...raise } = cmd;
        return [{ ...base, type: 'alert.raised', data: { alertId: `AL-${this.size + 1}`, ...raise } }];
      }
      case 'alert.clear': {
        const a = this.byId.get(cmd.alertId);
        if (!a || a.clearedAt !== null) return [];
        const data = { alertId: a.id, reason: cmd.reason };
        return [{ ...base, type: 'alert.cleared', data: a.incidentId ? { ...data, incidentId: a.incidentId } : data }];
      }
      case 'alert.ack': {
        const a = this.byId.get(cmd.alertId);
        if (!a || !this.visible(a, cmd.acting, incidents))
          throw new JcrError('JCR_NOT_FOUND', `unknown alert "${cmd.alertId}"`, { path: 'alertId' });
        if (a.acks.has(ctx.actor)) return [];
        const data = { alertId: a.id };
        return [
          { ...base, type: 'alert.acknowledged', data: a.incidentId ? { ...data, incidentId: a.incidentId } : data },
        ];
      }
    }
  }

  apply(e: JcrEvent): void {
    switch (e.type) {
      case 'alert.raised': {
        const { alertId, ...raise } = e.data;
        const a: Alert = {
          ...raise,
          agencies: [...raise.agencies],
          id: alertId,
          raisedAt: e.at,
          seq: e.seq,
          clearedAt: null,
          clearReason: null,
          acks: new Map(),
        };
        this.byId.set(a.id, a);
        this.byCause.set(a.cause, a);
        this.activeIds.add(a.id);
        if (a.incidentId !== undefined) {
          const ids = this.activeByIncident.get(a.incidentId);
          if (ids) ids.add(a.id);
          else this.activeByIncident.set(a.incidentId, new Set([a.id]));
        }
        return;
      }
      case 'alert.cleared': {
        const a = this.byId.get(e.data.alertId);
        if (!a) return;
        a.clearedAt = e.at;
        a.clearReason = e.data.reason;
        this.activeIds.delete(a.id);
        if (a.incidentId !== undefined) {
          const ids = this.activeByIncident.get(a.incidentId);
          ids?.delete(a.id);
          if (ids?.size === 0) this.activeByIncident.delete(a.incidentId);
        }
        return;
      }
      case 'alert.acknowledged': {
        const a = this.byId.get(e.data.alertId);
        if (a && !a.acks.has(e.actor)) a.acks.set(e.actor, e.at);
        return;
      }
      default:
        return;
    }
  }
}

/** The alert as the COP and GET /api/alerts carry it (proto/wire.ts AlertMsg). */
export function alertMsg(a: Alert): AlertMsg {
  return {
    id: a.id,
    kind: a.kind,
    cause: a.cause,
    incidentId: a.incidentId ?? '',
    resourceId: a.resourceId ?? '',
    agencies: [...a.agencies],
    priority: a.priority,
    text: a.text,
    raisedAtMs: Math.round(a.raisedAt),
    clearedAtMs: a.clearedAt === null ? 0 : Math.round(a.clearedAt),
    eventSeq: a.seq,
  };
}
