/**
 * The alert policy (issue 17 item 3, docs/alerts.md): raises an alert when its cause appears and
 * clears it when the cause has gone, as commands (origin 'system', actor 'alerts') that go through
 * decide → durable append → apply like any other change, so alerts are in the log and survive a
 * restart. A cause raises one alert, ever (the book refuses a second raise of the same cause key).
 *
 * | kind | raised | cause key | cleared |
 * |---|---|---|---|
 * | new-p1 | an incident is created as, or raised to, priority 1 | incident | a unit is sent, or it closes |
 * | unassigned | no unit sent after the type's wait (rules) | incident | a unit is sent, or it closes |
 * | joint-request | a request pending for the rules' wait | request | answered, or the incident closes |
 * | quicker | a quicker-resource flag | incident, en route, quicker | the flag is dropped |
 * | avl-stale | a committed unit's last fix older than the stale time | unit, incident, episode | a fresh fix, or not committed |
 * | cover-below | a cover figure misses its target | surface, standard, nth, episode | the figure meets it again |
 *
 * Episodes: a unit may go stale and recover several times, cover may drop and recover; each drop
 * is a new cause (numbered), and a drop is never raised twice. Time-based kinds are checked on the
 * reactor's tick; the rest on the batch that causes them. Pure: reads the room and the clock.
 */
import type { CopCoverFigureMsg } from '../../../proto/wire.ts';
import { takingPart } from '../auth/incident-access.ts';
import type { AlertBook } from '../alerts/book.ts';
import { alertRules, type AlertRules } from '../alerts/rules.ts';
import type { Alert, AlertRaise } from '../alerts/types.ts';
import { holdsIncident } from '../fleet/status.ts';
import type { Incident } from '../incidents/types.ts';
import type { Agency, Scenario } from '../scenario/types.ts';
import type { Policy, Reaction, RoomView } from './policy.ts';

export interface AlertDeps {
  /** The latest cover figures (null: none computed, or no road network). */
  coverFigures?: (() => readonly CopCoverFigureMsg[] | null) | undefined;
}

const SYSTEM = { origin: 'system', actor: 'alerts' } as const;

function minutes(s: number): string {
  const m = Math.round(s / 60);
  return m < 1 ? `${Math.round(s)} s` : `${m} min`;
}

function where(scenario: Scenario, inc: Incident): string {
  const type = scenario.incidentTypes.find((t) => t.id === inc.typeId)?.name ?? inc.typeId;
  return `${type}, ${inc.address || inc.id}`;
}

function raise(r: AlertRaise): Reaction {
  return { cmd: { type: 'alert.raise', ...r }, ctx: SYSTEM };
}

function clear(a: Alert, reason: string): Reaction {
  return { cmd: { type: 'alert.clear', alertId: a.id, reason }, ctx: SYSTEM };
}

/** The next episode's cause key for `subject`: the first not yet raised. */
function episode(book: AlertBook, subject: string): string {
  for (let n = 1; ; n++) {
    const key = `${subject}#${n}`;
    if (!book.byCauseKey(key)) return key;
  }
}

/** Is an alert of `subject` (any episode) active? */
function activeFor(active: readonly Alert[], subject: string): boolean {
  return active.some((a) => a.cause.startsWith(`${subject}#`));
}

export function alertPolicy(deps: AlertDeps = {}): Policy {
  let rules: AlertRules | undefined;
  return (trigger, room) => {
    if (trigger.kind === 'positions') return [];
    rules ??= alertRules(room.scenario);
    const now = room.clock();
    const out: Reaction[] = [];
    const active = room.alerts.active();
    clears(room, active, deps, out);
    if (trigger.kind === 'events') {
      for (const c of trigger.record.changes) {
        for (const ch of c.incidents) {
          const inc = ch.after;
          if (inc.status === 'closed') continue;
          if (rules.on('new-p1') && inc.priority === 1 && (ch.before === null || ch.before.priority !== 1))
            if (inc.attendances.length === 0)
              out.push(
                raise({
                  kind: 'new-p1',
                  cause: `new-p1:${inc.id}`,
                  incidentId: inc.id,
                  agencies: takingPart(inc),
                  priority: inc.priority,
                  text: `New priority 1: ${where(room.scenario, inc)}`,
                }),
              );
          if (rules.on('quicker') && c.event.type === 'incident.quickerAvailable')
            for (const f of c.event.data.flags)
              out.push(
                raise({
                  kind: 'quicker',
                  cause: `quicker:${inc.id}:${f.enRouteId}:${f.quickerId}`,
                  incidentId: inc.id,
                  resourceId: f.quickerId,
                  agencies: takingPart(inc),
                  priority: inc.priority,
                  text: `${f.quickerId} would arrive ${minutes(f.enRouteEtaS - f.quickerEtaS)} sooner than ${f.enRouteId}: ${where(room.scenario, inc)}`,
                }),
              );
        }
      }
    }
    // What time alone brings (and a joint request with no wait, at once).
    for (const inc of room.incidents.all()) {
      if (inc.status === 'closed') continue;
      if (trigger.kind === 'tick' && rules.on('unassigned') && inc.attendances.length === 0) {
        const waitS = rules.unassignedAfterS(inc.typeId, inc.priority);
        if (now - inc.createdAt >= waitS * 1000)
          out.push(
            raise({
              kind: 'unassigned',
              cause: `unassigned:${inc.id}`,
              incidentId: inc.id,
              agencies: takingPart(inc),
              priority: inc.priority,
              text: `No unit sent after ${minutes((now - inc.createdAt) / 1000)}: ${where(room.scenario, inc)}`,
            }),
          );
      }
      if (rules.on('joint-request'))
        for (const rq of inc.requests) {
          if (rq.status !== 'pending' || now - rq.requestedAt < rules.jointRequestAfterS * 1000) continue;
          out.push(
            raise({
              kind: 'joint-request',
              cause: `joint-request:${rq.requestId}`,
              incidentId: inc.id,
              agencies: takingPart(inc),
              priority: inc.priority,
              text: `${rq.fromAgency} asked ${rq.toAgency} for assistance ${minutes((now - rq.requestedAt) / 1000)} ago: ${where(room.scenario, inc)}`,
            }),
          );
        }
    }
    if (trigger.kind === 'tick') {
      if (rules.on('avl-stale')) staleUnits(room, active, now, out);
      if (rules.on('cover-below')) coverBelow(room, active, deps, out);
    }
    // A cause already raised makes no event (the book says so): skip the round trip.
    return out.filter((r) => r.cmd.type !== 'alert.raise' || !room.alerts.byCauseKey(r.cmd.cause));
  };
}

/** Committed units whose AVL has gone stale (they reported once; a unit with no AVL never alerts). */
function staleUnits(room: RoomView, active: readonly Alert[], now: number, out: Reaction[]): void {
  for (const r of room.fleet.all()) {
    if (!holdsIncident(r.status) || r.incidentId === undefined || r.fixTimeMs <= 0) continue;
    if (!room.fleet.isStale(r, now)) continue;
    const inc = room.incidents.get(r.incidentId);
    if (!inc || inc.status === 'closed') continue;
    const subject = `avl-stale:${r.def.id}:${inc.id}`;
    if (activeFor(active, subject)) continue;
    out.push(
      raise({
        kind: 'avl-stale',
        cause: episode(room.alerts, subject),
        incidentId: inc.id,
        resourceId: r.def.id,
        agencies: takingPart(inc),
        priority: inc.priority,
        text: `${r.def.callSign} committed to ${where(room.scenario, inc)}: no AVL fix for ${minutes((now - r.fixTimeMs) / 1000)}`,
      }),
    );
  }
}

function coverSubject(f: CopCoverFigureMsg): string {
  return `cover-below:${f.surface}:${f.standardId}:${f.nth}`;
}

function coverBelow(room: RoomView, active: readonly Alert[], deps: AlertDeps, out: Reaction[]): void {
  for (const f of deps.coverFigures?.() ?? []) {
    if (f.meetsStandard || activeFor(active, coverSubject(f))) continue;
    const agency = f.surface.split(':')[0] as Agency;
    out.push(
      raise({
        kind: 'cover-below',
        cause: episode(room.alerts, coverSubject(f)),
        agencies: [agency],
        priority: 0,
        text: `Cover below target: ${f.label || `${f.standardName} (${f.nth})`}, ${(f.coveredShare * 100).toFixed(1)}% against ${(f.targetShare * 100).toFixed(1)}%`,
      }),
    );
  }
}

/** Clear each active alert whose cause has gone. */
function clears(room: RoomView, active: readonly Alert[], deps: AlertDeps, out: Reaction[]): void {
  let figures: readonly CopCoverFigureMsg[] | null | undefined;
  const now = room.clock();
  for (const a of active) {
    const inc = a.incidentId !== undefined ? room.incidents.get(a.incidentId) : undefined;
    if (a.incidentId !== undefined && (!inc || inc.status === 'closed')) {
      out.push(clear(a, 'incident closed'));
      continue;
    }
    switch (a.kind) {
      case 'new-p1':
      case 'unassigned':
        if (inc && inc.attendances.length > 0) out.push(clear(a, 'a unit was sent'));
        break;
      case 'joint-request': {
        const id = a.cause.slice('joint-request:'.length);
        if (inc && !inc.requests.some((r) => r.requestId === id && r.status === 'pending'))
          out.push(clear(a, 'answered'));
        break;
      }
      case 'quicker': {
        const [, , enRoute, quicker] = a.cause.split(':');
        if (inc && !inc.quicker.some((f) => f.enRouteId === enRoute && f.quickerId === quicker))
          out.push(clear(a, 'no longer quicker'));
        break;
      }
      case 'avl-stale': {
        const r = a.resourceId !== undefined ? room.fleet.get(a.resourceId) : undefined;
        if (!r || r.incidentId !== a.incidentId || !holdsIncident(r.status)) out.push(clear(a, 'no longer committed'));
        else if (!room.fleet.isStale(r, now)) out.push(clear(a, 'AVL fix received'));
        break;
      }
      case 'cover-below': {
        figures ??= deps.coverFigures?.() ?? null;
        const f = figures?.find((x) => a.cause.startsWith(`${coverSubject(x)}#`));
        if (figures && (!f || f.meetsStandard)) out.push(clear(a, 'cover back within target'));
        break;
      }
    }
  }
}
