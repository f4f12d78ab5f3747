/**
 * Move-up in the headless simulator: the two relocation policies of the outcome report, driving
 * FleetSim standby orders at decision moments (sim/headless.ts calls `step` after every call,
 * mobilisation and minute tick). The decisions are the pure core's
 * (server/core/cover/move-policy.ts, server/core/cover/dmexclp.ts); this file reads the fleet,
 * orders the moves and counts them (moves, minutes driven). docs/simulator.md § Move-up policies.
 */
import { dmexclpChoice } from '../../server/core/cover/dmexclp.ts';
import type { CoverModel, SurfaceDef } from '../../server/core/cover/model.ts';
import { decideCover, DEFAULT_COVER_POLICY, type CoverMovePolicy } from '../../server/core/cover/move-policy.ts';
import { findDestination, recommendMoves, standbyDestinations } from '../../server/core/cover/moves.ts';
import type { SourceResource } from '../../server/core/cover/surfaces.ts';
import { isDeployable, ResourceStatus } from '../../server/core/fleet/status.ts';
import { turnoutS } from '../../server/core/graph/speed.ts';
import type { Agency } from '../../server/core/scenario/types.ts';
import type { FleetSim, SimEvent, Vehicle } from '../fleet/fleet-sim.ts';

export interface MoveUpStats {
  /** Standby moves and returns home ordered. */
  moves: number;
  /** Seconds driven on them (to arrival, or to the mobilisation that cut one short). */
  driveS: number;
}

export interface MoveUp {
  /** One decision moment: the crews' events since the last, the resources just mobilised. */
  step(now: number, fleet: FleetSim, events: readonly SimEvent[], mobilised: readonly string[]): void;
  /** Close the books at the end of the run (moves still being driven count to `now`). */
  finish(now: number, events: readonly SimEvent[]): MoveUpStats;
}

/** Books the moves: per-unit order times (for the rate limit) and the driving they cost. */
abstract class MoveBook implements MoveUp {
  protected readonly movesAt = new Map<string, number[]>();
  private readonly driving = new Map<string, number>();
  private n = 0;
  protected readonly stats: MoveUpStats = { moves: 0, driveS: 0 };

  abstract step(now: number, fleet: FleetSim, events: readonly SimEvent[], mobilised: readonly string[]): void;

  protected observe(events: readonly SimEvent[], mobilised: readonly string[], now: number): void {
    for (const e of events) {
      const arrived = e.status === ResourceStatus.AVAILABLE_AT_STATION || e.status === ResourceStatus.AVAILABLE_MOBILE;
      if (arrived) this.stop(e.resourceId, e.t);
    }
    for (const id of mobilised) this.stop(id, now);
  }

  private stop(id: string, t: number): void {
    const from = this.driving.get(id);
    if (from === undefined) return;
    this.stats.driveS += (t - from) / 1000;
    this.driving.delete(id);
  }

  private book(id: string, now: number): void {
    this.stop(id, now);
    this.driving.set(id, now);
    this.stats.moves++;
    const list = this.movesAt.get(id) ?? [];
    list.push(now);
    this.movesAt.set(id, list);
  }

  protected standby(fleet: FleetSim, id: string, dest: { lat: number; lon: number; kind: string }, now: number) {
    this.book(id, now);
    fleet.order(
      id,
      { kind: 'standby', taskId: `MOVE-${++this.n}`, lat: dest.lat, lon: dest.lon, atStation: dest.kind === 'station' },
      now,
    );
  }

  protected home(fleet: FleetSim, id: string, now: number) {
    this.book(id, now);
    fleet.order(id, { kind: 'return' }, now);
  }

  finish(now: number, events: readonly SimEvent[]): MoveUpStats {
    this.observe(events, [], now);
    for (const id of [...this.driving.keys()]) this.stop(id, now);
    return { ...this.stats };
  }
}

/**
 * The fleet as the move-up policies read it: a unit returning home counts at its station, a unit
 * driving a standby move at its destination (as DMEXCLP counts them, and so every position is a
 * station or post whose search tree the cover model keeps); every other unit where it is.
 */
export function coverResources(fleet: FleetSim, now: number): SourceResource[] {
  return [...fleet.vehicles.values()].map((v) => {
    const at = (p: { lat: number; lon: number }, status: ResourceStatus) => ({
      def: v.def,
      status,
      lat: p.lat,
      lon: p.lon,
      freshFix: true,
    });
    if (v.phase === 'returning' && v.status === ResourceStatus.RETURNING)
      return at(v.home, ResourceStatus.AVAILABLE_AT_STATION);
    if (v.task?.kind === 'standby')
      return at(v.task, v.task.atStation ? ResourceStatus.AVAILABLE_AT_STATION : ResourceStatus.AVAILABLE_MOBILE);
    return at(fleet.positionAt(v, now), v.status);
  });
}

/** `dynamic+cover`: the cover engine's recommendations ordered by the move policy. */
export class CoverMoveUp extends MoveBook {
  /** Units standing away from home after a cover move. */
  private readonly away = new Set<string>();
  private readonly dirty = new Set<Agency>();

  constructor(
    private readonly model: CoverModel,
    private readonly policy: CoverMovePolicy = DEFAULT_COVER_POLICY,
  ) {
    super();
  }

  step(now: number, fleet: FleetSim, events: readonly SimEvent[], mobilised: readonly string[]): void {
    this.observe(events, mobilised, now);
    for (const id of mobilised) this.away.delete(id);
    // The picture (units counted at their destinations) changes when a unit is mobilised or leaves a scene.
    for (const e of events)
      if (e.status === ResourceStatus.RETURNING) this.dirty.add(fleet.vehicles.get(e.resourceId)!.def.agency);
    for (const id of mobilised) this.dirty.add(fleet.vehicles.get(id)!.def.agency);
    if (this.dirty.size === 0) return;
    const res = coverResources(fleet, now);
    for (const s of this.model.surfaces) {
      if (!this.dirty.has(s.agency)) continue;
      this.decide(s, now, fleet, res);
    }
    this.dirty.clear();
  }

  private decide(s: SurfaceDef, now: number, fleet: FleetSim, res: SourceResource[]): void {
    const m = this.model;
    const figures = m.compute(s, m.sources(s, res)).figures;
    const away = [...this.away]
      .filter((id) => m.eligible(fleet.vehicles.get(id)!.def, s))
      .sort()
      .map((id) => ({
        resourceId: id,
        figuresIfHome: () => {
          const v = fleet.vehicles.get(id)!;
          const moved = res.map((r) =>
            r.def.id === id ? { ...r, status: ResourceStatus.AVAILABLE_AT_STATION, ...v.home } : r,
          );
          return m.compute(s, m.sources(s, moved)).figures;
        },
      }));
    const action = decideCover(
      {
        now,
        figures,
        recommend: (limited) => recommendMoves(m, res, { surface: s.key, exclude: limited, limit: 5 }),
        away,
        movesAt: this.movesAt,
      },
      this.policy,
    );
    if (!action) return;
    if (action.kind === 'home') {
      this.away.delete(action.resourceId);
      this.home(fleet, action.resourceId, now);
      return;
    }
    const dest = findDestination(m, action.destinationId)!;
    const v = fleet.vehicles.get(action.resourceId)!;
    if (Math.abs(dest.lat - v.home.lat) < 1e-9 && Math.abs(dest.lon - v.home.lon) < 1e-9)
      this.away.delete(action.resourceId);
    else this.away.add(action.resourceId);
    this.standby(fleet, action.resourceId, dest, now);
  }
}

/**
 * `dynamic+dmexclp`: when an ambulance leaves a scene, DMEXCLP picks its base among its home and
 * the ambulance bases (stations hosting ambulances and ambulance posts), threshold = the
 * surface's shortest target (category 1, 8 min), q = the share of the surface's units busy now.
 */
export class DmexclpMoveUp extends MoveBook {
  constructor(
    private readonly model: CoverModel,
    private readonly agencies: readonly Agency[] = ['ambulance'],
  ) {
    super();
  }

  step(now: number, fleet: FleetSim, events: readonly SimEvent[], mobilised: readonly string[]): void {
    this.observe(events, mobilised, now);
    for (const e of events) {
      if (e.status !== ResourceStatus.RETURNING) continue; // left a scene (the FleetSim clears the task first)
      const v = fleet.vehicles.get(e.resourceId)!;
      if (v.status !== ResourceStatus.RETURNING || v.phase !== 'returning') continue; // already re-mobilised
      const s = this.model.surfaces.find((x) => this.agencies.includes(x.agency) && this.model.eligible(v.def, x));
      if (s) this.decide(s, v, fleet, now);
    }
  }

  /** Bases: the unit's home first, then every other station hosting a unit of the surface, then its posts, by id. */
  private bases(s: SurfaceDef, v: Vehicle, fleet: FleetSim) {
    const homes = new Set<string>();
    for (const u of fleet.vehicles.values()) if (this.model.eligible(u.def, s)) homes.add(u.def.station);
    const all = standbyDestinations(this.model)
      .filter((d) => (d.kind === 'station' ? homes.has(d.id) : d.agencies.includes(s.agency)))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const home = all.find((d) => d.id === v.def.station);
    return home ? [home, ...all.filter((d) => d !== home)] : all;
  }

  private decide(s: SurfaceDef, v: Vehicle, fleet: FleetSim, now: number): void {
    const m = this.model;
    const T = Math.min(...s.targets.map((t) => t.withinS));
    const times = (lat: number, lon: number, offS: number) => {
      const t = m.tree(v.def.vehicleClass, lat, lon, s.boundS);
      return t ? t.demand.map((x) => x + offS) : new Float64Array(m.demand.length).fill(Infinity);
    };
    const bases = this.bases(s, v, fleet);
    const off = turnoutS(v.def, m.scenario.crewing);
    const baseTimes = bases.map((b) => times(b.lat, b.lon, b.kind === 'station' ? off : 0));
    const idleTimes: Float64Array[] = [];
    let units = 0;
    let busy = 0;
    for (const u of fleet.vehicles.values()) {
      if (!m.eligible(u.def, s)) continue;
      units++;
      if (!isDeployable(u.status)) busy++;
      if (u === v || !isDeployable(u.status)) continue;
      const dest = u.task?.kind === 'standby' ? u.task : u.phase === 'returning' ? u.home : u.pos;
      const atStation =
        u.task?.kind !== 'standby'
          ? u.phase === 'returning' || u.status === ResourceStatus.AVAILABLE_AT_STATION
          : u.task.atStation === true;
      idleTimes.push(times(dest.lat, dest.lon, atStation ? turnoutS(u.def, m.scenario.crewing) : 0));
    }
    const choice = dmexclpChoice({
      weights: m.demand.map((d) => d.weight),
      baseTimes,
      idleTimes,
      thresholdS: T,
      busy: units > 0 ? busy / units : 0,
    });
    const base = bases[choice.base];
    if (!base || base.id === v.def.station) return; // home: FleetSim already drives it there
    this.standby(fleet, v.id, base, now);
  }
}
