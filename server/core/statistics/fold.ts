/**
 * The statistics fold: the event log, read in order, folded through a private Room (the room's
 * own rules: attendances, arrivals, which incident a resource holds) into the facts the report
 * needs: each resource's committed time inside the range, the overrides decided inside it, and
 * at the end every incident as the log leaves it (calls, arrivals, joint requests).
 *
 * It keeps no copy of a Fleet or IncidentBook rule: a resource is committed while the room's
 * fleet says it holds an incident, read before and after each status event is replayed.
 * Pure: the events and the instants come in (the shell streams them from the store).
 */
import type { OverrideRow } from '../../../proto/statistics.ts';
import type { JcrEvent } from '../events.ts';
import type { Incident } from '../incidents/types.ts';
import { Room } from '../room.ts';
import type { Scenario } from '../scenario/types.ts';

export interface StatisticsRange {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
  /** The instant the figures are as of: min(toMs, now). */
  asOfMs: number;
}

export interface Utilisation {
  committedMs: number;
  commitments: number;
}

/** What the fold leaves for the report (./report.ts). */
export interface StatisticsFacts {
  range: StatisticsRange;
  eventSeq: number;
  /** Every incident as the log leaves it, in creation order. */
  incidents: Incident[];
  /** Per resource id: committed time inside [fromMs, asOfMs) and commitments started there. */
  utilisation: Map<string, Utilisation>;
  /** Decisions (one-click accepts and overrides) taken inside the range. */
  decisions: Array<{ incidentId: string; overridden: boolean }>;
  /** Overrides inside the range: mobilise decisions and request answers that chose other units. */
  overrides: OverrideRow[];
}

export class StatisticsFold {
  private readonly room: Room;
  private readonly range: StatisticsRange;
  /** Resource id → when its current commitment started (absent: not committed). */
  private readonly since = new Map<string, number>();
  private readonly utilisation = new Map<string, Utilisation>();
  private readonly decisions: StatisticsFacts['decisions'] = [];
  private readonly overrides: OverrideRow[] = [];

  constructor(scenario: Scenario, range: StatisticsRange) {
    this.range = range;
    this.room = new Room(scenario, { clock: () => range.asOfMs });
    for (const r of scenario.resources) this.utilisation.set(r.id, { committedMs: 0, commitments: 0 });
  }

  /** Fold the next event of the log (in seq order). Events after asOfMs are ignored. */
  add(e: JcrEvent): void {
    if (e.at > this.range.asOfMs) return;
    // A status event changes at most its resource's commitment: read the incident the fleet says it
    // holds before and after (the room's own rule applied it). No change record: its incident
    // snapshots (a deep copy per event) are what a listener needs, not this fold.
    const id = e.type === 'resource.status' ? e.data.resourceId : undefined;
    const before = id === undefined ? undefined : this.room.fleet.get(id)?.incidentId;
    this.room.replay(e);
    if (id !== undefined) {
      const after = this.room.fleet.get(id)?.incidentId;
      if (before === undefined && after !== undefined) {
        this.since.set(id, e.at);
        if (this.inRange(e.at)) this.use(id).commitments++;
      } else if (before !== undefined && after === undefined) this.close(id, e.at);
      // Sent straight on to another incident: still committed, one more commitment.
      else if (before !== undefined && after !== undefined && before !== after && this.inRange(e.at))
        this.use(id).commitments++;
    }
    if (this.inRange(e.at)) this.collect(e);
  }

  private inRange(t: number): boolean {
    return t >= this.range.fromMs && t < this.range.toMs;
  }

  private use(resourceId: string): Utilisation {
    let u = this.utilisation.get(resourceId);
    if (!u) this.utilisation.set(resourceId, (u = { committedMs: 0, commitments: 0 }));
    return u;
  }

  /** End a commitment at `t`, adding the part inside [fromMs, asOfMs). */
  private close(resourceId: string, t: number): void {
    const start = this.since.get(resourceId);
    if (start === undefined) return;
    this.since.delete(resourceId);
    const from = Math.max(start, this.range.fromMs);
    const to = Math.min(t, this.range.asOfMs);
    if (to > from) this.use(resourceId).committedMs += to - from;
  }

  private collect(e: JcrEvent): void {
    if (e.type === 'incident.decision') {
      const d = e.data;
      const overridden = d.decision === 'overridden';
      this.decisions.push({ incidentId: d.incidentId, overridden });
      if (overridden)
        this.overrides.push({
          atMs: e.at,
          incidentId: d.incidentId,
          kind: 'mobilise',
          agency: d.actingAgency,
          actor: e.actor,
          proposed: [...d.proposed],
          chosen: [...d.chosen],
          reason: d.reason ?? '',
        });
    } else if (e.type === 'incident.assistanceAccepted') {
      const d = e.data;
      // An answer with a reason chose other units than the request suggested.
      if (d.reason)
        this.overrides.push({
          atMs: e.at,
          incidentId: d.incidentId,
          kind: 'request',
          agency: d.agency,
          actor: e.actor,
          proposed: [...(d.suggested ?? [])],
          chosen: [...(d.chosen ?? [])],
          reason: d.reason,
        });
    }
  }

  /** The facts once the log is read: open commitments run to asOfMs. */
  finish(): StatisticsFacts {
    for (const id of [...this.since.keys()]) this.close(id, this.range.asOfMs);
    return {
      range: this.range,
      eventSeq: this.room.lastSeq,
      incidents: [...this.room.incidents.all()],
      utilisation: this.utilisation,
      decisions: this.decisions,
      overrides: this.overrides,
    };
  }
}
