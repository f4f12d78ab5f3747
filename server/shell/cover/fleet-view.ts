/**
 * What the cover computer (worker) has been told of the fleet: each resource's status and
 * position as last sent, and as of the last recompute of every surface it serves (the position the
 * published picture has it at, which the position refresh compares with).
 */
import type { CoverModel } from '../../core/cover/model.ts';
import { hasFreshFix } from '../../core/fleet/start.ts';
import { isDeployable, type ResourceStatus } from '../../core/fleet/status.ts';
import type { Engine } from '../engine.ts';
import type { AvailabilityChange } from './calc.ts';

export interface Told {
  status: ResourceStatus;
  lat: number;
  lon: number;
  freshFix: boolean;
}

export class FleetView {
  /** What the computer was last told about each resource. */
  private readonly sent = new Map<string, Told>();
  /**
   * Per resource, what the computer had been told when every surface the resource serves was
   * last recomputed: the position the published picture reflects. A moves or what-if request,
   * or a recompute of other surfaces, also tells the computer new positions (updating `sent`)
   * without recomputing this resource's surfaces, so the position refresh compares with this.
   */
  private readonly pictured = new Map<string, Told>();

  constructor(
    private readonly engine: Engine,
    private readonly model: CoverModel,
  ) {}

  /** The computer lost its state (a restarted worker): tell it everything again. */
  reset(): void {
    this.sent.clear();
  }

  /**
   * Availability changes since the computer was last told (status, and position and whether it is
   * a fresh fix while deployable: where a resource starts from follows them, core/fleet/start.ts).
   */
  changes(): AvailabilityChange[] {
    const out: AvailabilityChange[] = [];
    const room = this.engine.room;
    const now = room.clock();
    for (const r of room.fleet.all()) {
      const prev = this.sent.get(r.def.id);
      const freshFix = isDeployable(r.status) && hasFreshFix(room.fleet, r, now);
      if (
        prev &&
        prev.status === r.status &&
        (!isDeployable(r.status) ||
          (Object.is(prev.lat, r.lat) && Object.is(prev.lon, r.lon) && prev.freshFix === freshFix))
      )
        continue;
      out.push({ resourceId: r.def.id, status: r.status, lat: r.lat, lon: r.lon, freshFix });
      this.sent.set(r.def.id, { status: r.status, lat: r.lat, lon: r.lon, freshFix });
    }
    return out;
  }

  /** After a compute request for `surfaces`: resources all of whose surfaces it recomputes are pictured as sent. */
  notePictured(surfaces: readonly string[]): void {
    const computing = new Set(surfaces);
    const fleet = this.engine.room.fleet;
    for (const [id, seen] of this.sent) {
      if (this.pictured.get(id) === seen) continue; // entries are replaced, never mutated
      const r = fleet.get(id);
      if (r && this.model.surfacesOf(r.def).every((s) => computing.has(s.key))) this.pictured.set(id, seen);
    }
  }

  /** Where the published picture has this resource; undefined if it was never in a compute request. */
  picturedAt(id: string): Told | undefined {
    return this.pictured.get(id);
  }
}
