/**
 * The quicker-resource policy: whenever a resource status event leaves a resource deployable,
 * check every open incident with an attendance still en route for an available resource that
 * would arrive at least QUICKER_MARGIN_S sooner than an en-route one, and flag it
 * (incident.flagQuicker, origin 'system'). Pairs already flagged are not repeated.
 */
import type { CoverImpact } from '../cover/impact.ts';
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { isDeployable, ResourceStatus } from '../fleet/status.ts';
import type { Scenario } from '../scenario/types.ts';
import type { JourneyTimes } from '../incidents/journeys.ts';
import { fits } from '../incidents/candidates.ts';
import { DEFAULT_MAX_S, recommend } from '../incidents/recommend.ts';
import type { Incident, QuickerFlag } from '../incidents/types.ts';
import type { Policy, Reaction } from './policy.ts';

export const QUICKER_MARGIN_S = 60;

/** What the policy needs to time journeys and weigh cover (the shell's Mobilisation). */
export interface QuickerDeps {
  journeys: JourneyTimes;
  /**
   * The journey times in force at `now` and the calibration that makes them (null: the prior),
   * recorded on each flag; absent: `journeys`, the prior's.
   */
  timing?(now: number): { journeys: JourneyTimes; calibration: { version: number; band: string } | null };
  /** Cover impact against the current fleet; null (or answering null) = cover not evaluated. */
  cover: ((fleet: Fleet, now: number) => CoverImpact | null) | null;
}

export function quickerPolicy(deps: QuickerDeps): Policy {
  return (trigger, room) => {
    if (trigger.kind !== 'events') return [];
    const freed = trigger.record.changes.some(
      (c) => c.event.type === 'resource.status' && c.resources.some((r) => isDeployable(r.after.status)),
    );
    if (!freed) return [];
    const now = room.clock();
    const cover = deps.cover ? deps.cover(room.fleet, now) : null;
    const { journeys, calibration } = deps.timing ? deps.timing(now) : { journeys: deps.journeys, calibration: null };
    const out: Reaction[] = [];
    for (const inc of room.incidents.all()) {
      if (inc.status === 'closed') continue;
      const flags = quickerFlags(room.scenario, room.fleet, inc, now, journeys, cover);
      if (flags.length > 0)
        out.push({
          cmd: {
            type: 'incident.flagQuicker',
            incidentId: inc.id,
            // which calibration timed them (absent: the prior), into the durable record
            flags: calibration ? flags.map((f) => ({ ...f, calibration })) : flags,
          },
          ctx: { origin: 'system', actor: 'system' },
        });
    }
    return out;
  };
}

/** New quicker-resource flags for one incident (pairs already flagged are not repeated). */
export function quickerFlags(
  scenario: Scenario,
  fleet: Fleet,
  inc: Incident,
  now: number,
  journeys: JourneyTimes,
  cover: CoverImpact | null = null,
  marginS = QUICKER_MARGIN_S,
): Array<Omit<QuickerFlag, 'at' | 'seq'>> {
  if (inc.status === 'closed') return [];
  const enRoute: LiveResource[] = [];
  for (const a of inc.attendances) {
    if (a.leftAt !== null || a.arrivedAt !== null) continue;
    const r = fleet.get(a.resourceId);
    if (r && r.status === ResourceStatus.MOBILISED && r.incidentId === inc.id) enRoute.push(r);
  }
  if (enRoute.length === 0) return [];
  const type = scenario.incidentTypes.find((t) => t.id === inc.typeId);
  if (!type) return [];
  // Remaining time of each en-route resource: drive from where it is now (no turnout).
  const fields = new Map<string, ReturnType<JourneyTimes['toTarget']>>();
  const remaining = new Map<string, number>();
  for (const r of enRoute) {
    let f = fields.get(r.def.vehicleClass);
    if (!f)
      fields.set(r.def.vehicleClass, (f = journeys.toTarget(inc.lat, inc.lon, r.def.vehicleClass, DEFAULT_MAX_S)));
    remaining.set(r.def.id, f(r.lat, r.lon, r.speedMps > 1 ? r.headingDeg : undefined));
  }
  // The slowest en-route resource is the one a quicker resource should replace first.
  enRoute.sort((a, b) => remaining.get(b.def.id)! - remaining.get(a.def.id)! || (a.def.id < b.def.id ? -1 : 1));
  // The best available resources per line, as if nobody were attending (a fresh incident id).
  const rec = recommend({
    scenario,
    fleet,
    incident: { id: `${inc.id}#quicker`, typeId: inc.typeId, lat: inc.lat, lon: inc.lon, leadAgency: inc.leadAgency },
    now,
    journeys,
    cover,
    options: { extraCandidates: 0 },
  });
  const out: Array<Omit<QuickerFlag, 'at' | 'seq'>> = [];
  const used = new Set<string>();
  rec.lines.forEach((line, i) => {
    if (line.offered) return;
    const spec = type.attendance[i]!;
    for (const e of enRoute) {
      if (!fits(spec, e) || used.has(e.def.id)) continue;
      const eta = remaining.get(e.def.id)!;
      const q = line.candidates.find((c) => c.withheld === null && !used.has(c.resourceId));
      if (!q || !(q.etaS + marginS < eta)) continue;
      used.add(e.def.id);
      used.add(q.resourceId);
      if (inc.quicker.some((f) => f.enRouteId === e.def.id && f.quickerId === q.resourceId)) continue;
      out.push({
        capability: spec.capability,
        enRouteId: e.def.id,
        enRouteEtaS: Number.isFinite(eta) ? Math.round(eta) : -1,
        quickerId: q.resourceId,
        quickerEtaS: q.etaS,
      });
    }
  });
  return out;
}
