/**
 * The simulator's own mobilisation policies, used by headless runs (record, compare) and by the
 * demo when the server has no recommendation endpoint. Both fill the incident type's
 * predetermined attendance line by line with the quickest matching resources by predicted
 * journey time (JourneyPlanner.candidatesToTarget: turnout + drive):
 *
 * - dynamic: every deployable resource (at station, available on the move, returning) counts
 *   from where it is now (its live AVL position); a crew at its station adds its turnout.
 * - static: home-station mobilisation: only resources standing at their station count, ranked by
 *   the journey time from that station (what a fixed station-order table gives).
 *
 * Pure: the fleet simulator's state and the planner come in as arguments.
 */
import type { JourneyPlanner, Candidate } from '../../server/core/graph/planner.ts';
import { ResourceStatus } from '../../server/core/fleet/status.ts';
import type { IncidentType, ResourceDef } from '../../server/core/scenario/types.ts';
import type { FleetSim, Vehicle } from '../fleet/fleet-sim.ts';

export type DispatchMode = 'dynamic' | 'static';

export interface Choice {
  resourceIds: string[];
  /** Predicted seconds (turnout + drive) by resource id. */
  etaS: Map<string, number>;
  /** Attendance slots nobody could fill. */
  unfilled: number;
}

function fits(def: ResourceDef, capability: string, agency: string | undefined): boolean {
  if (!def.capabilities.includes(capability)) return false;
  if (agency === undefined) return true;
  return def.agency === agency || (def.sharedWith?.includes(agency as ResourceDef['agency']) ?? false);
}

function eligible(v: Vehicle, mode: DispatchMode): boolean {
  if (mode === 'static') return v.status === ResourceStatus.AVAILABLE_AT_STATION && v.phase === 'idle';
  return (
    v.status === ResourceStatus.AVAILABLE_AT_STATION ||
    v.status === ResourceStatus.AVAILABLE_MOBILE ||
    v.status === ResourceStatus.RETURNING
  );
}

export function chooseAttendance(
  type: IncidentType,
  at: { lat: number; lon: number },
  fleet: FleetSim,
  planner: JourneyPlanner,
  mode: DispatchMode,
  now: number,
  maxS = 3600,
): Choice {
  const wanted = new Set(type.attendance.map((l) => l.capability));
  const candidates: Candidate[] = [];
  for (const v of fleet.vehicles.values()) {
    if (!eligible(v, mode)) continue;
    if (!v.def.capabilities.some((c) => wanted.has(c))) continue;
    const atStation = v.phase === 'idle' && v.status === ResourceStatus.AVAILABLE_AT_STATION;
    const p = mode === 'static' ? v.home : fleet.positionAt(v, now);
    const c: Candidate = {
      id: v.id,
      profile: v.def.vehicleClass,
      lat: p.lat,
      lon: p.lon,
      turnoutS: atStation ? v.turnoutS : 0,
    };
    candidates.push(c);
  }
  let ranked: Array<{ id: string; seconds: number }> = [];
  try {
    ranked = planner.candidatesToTarget(planner.snap(at.lat, at.lon), candidates, { maxS });
  } catch {
    ranked = [];
  }
  const chosen: string[] = [];
  const etaS = new Map<string, number>();
  let unfilled = 0;
  const taken = new Set<string>();
  for (const line of type.attendance) {
    let need = line.count;
    for (const r of ranked) {
      if (need === 0) break;
      if (taken.has(r.id)) continue;
      const v = fleet.vehicles.get(r.id)!;
      if (!fits(v.def, line.capability, line.agency)) continue;
      taken.add(r.id);
      chosen.push(r.id);
      etaS.set(r.id, r.seconds);
      need--;
    }
    unfilled += need;
  }
  return { resourceIds: chosen, etaS, unfilled };
}
