/**
 * Two watchers over live state, pure (the shell wires them to AVL positions and to the event log):
 *   - arrival detection: a MOBILISED resource within ARRIVAL_RADIUS_M of its incident and slower
 *     than ARRIVAL_MAX_SPEED_MPS has arrived (the shell issues AT_SCENE with origin 'avl');
 *   - "a quicker resource has become available": for an attendance still en route, an available
 *     resource that would arrive at least QUICKER_MARGIN_S sooner than an en-route one.
 */
import type { CoverImpact } from '../cover/impact.ts';
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { ResourceStatus } from '../fleet/status.ts';
import { haversineM } from '../geo.ts';
import type { Scenario } from '../scenario/types.ts';
import type { IncidentBook } from './book.ts';
import type { JourneyTimes } from './journeys.ts';
import { fits } from './candidates.ts';
import { DEFAULT_MAX_S, recommend } from './recommend.ts';
import type { Incident, QuickerFlag } from './types.ts';

export const ARRIVAL_RADIUS_M = 100;
export const ARRIVAL_MAX_SPEED_MPS = 3;
export const QUICKER_MARGIN_S = 60;

/** Resources among `ids` that have just arrived at their incident: [resourceId, incidentId]. */
export function detectArrivals(
  fleet: Fleet,
  book: IncidentBook,
  ids: readonly string[],
  radiusM = ARRIVAL_RADIUS_M,
  maxSpeed = ARRIVAL_MAX_SPEED_MPS,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const id of ids) {
    const r = fleet.get(id);
    if (!r || r.status !== ResourceStatus.MOBILISED || r.incidentId === undefined) continue;
    const inc = book.get(r.incidentId);
    if (!inc || inc.status === 'closed') continue;
    if (r.speedMps < maxSpeed && haversineM(r.lat, r.lon, inc.lat, inc.lon) <= radiusM) out.push([id, inc.id]);
  }
  return out;
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
