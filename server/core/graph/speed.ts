/**
 * The speed model: every number that turns metres into predicted seconds lives here, so it can
 * later be calibrated from AVL history in one place (see `calibration`). docs/journey-time.md
 * documents the table and the rules.
 *
 * Road speed of an edge for a profile (vehicle class), km/h:
 *   1. base = the profile's highwayKmh[class]
 *           ?? for a `*_link`, LINK_FACTOR x the profile's speed for the parent class
 *           ?? the profile's highwayKmh.default
 *           ?? DEFAULT_HIGHWAY_KMH[class] ?? DEFAULT_HIGHWAY_KMH.default
 *   2. if the road has a posted maxspeed: min(base, maxspeed x maxspeedFactor) (factor default 1;
 *      blue-light vehicles may be given a factor > 1)
 *   3. x calibration[profile][class] (default 1), x the road's own factor (roads[geometry],
 *      default 1), then clamped to at least MIN_KMH.
 * Air mode (drones): straight line at airspeedKmh, no network.
 * Turnout: a resource at its station adds its own turnoutS, else its crewing's turnoutS.
 */
import { JcrError } from '../errors.ts';
import type { Crewing, ResourceDef, SpeedProfile } from '../scenario/types.ts';

/** Default speeds in km/h by OSM highway class, used when a profile does not name the class. */
export const DEFAULT_HIGHWAY_KMH: Readonly<Record<string, number>> = {
  motorway: 100,
  motorway_link: 60,
  trunk: 85,
  trunk_link: 55,
  primary: 65,
  primary_link: 45,
  secondary: 55,
  secondary_link: 40,
  tertiary: 45,
  tertiary_link: 35,
  unclassified: 40,
  residential: 30,
  living_street: 15,
  service: 20,
  road: 30,
  default: 30,
};

/** A slip road's speed as a share of its parent class's speed, when the profile names only the parent. */
export const LINK_FACTOR = 0.75;
/** No edge is slower than this (guards against a zero or negative speed in a scenario). */
export const MIN_KMH = 5;
/** Drone speed when an air profile names none, km/h. */
export const DEFAULT_AIRSPEED_KMH = 60;

/** Multipliers by profile, then by highway class ('default' for all others): fitted from AVL later. */
export type Calibration = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface SpeedModelOptions {
  calibration?: Calibration;
  /**
   * A speed multiplier per road (geometry index of the graph), over every road profile, after the
   * class factor and before the MIN_KMH floor: what one road is faster or slower than its class
   * (server/core/calibration/). Absent, or 1 at an index: no change.
   */
  roads?: ArrayLike<number>;
}

export class SpeedModel {
  readonly profiles: Readonly<Record<string, SpeedProfile>>;
  private readonly calibration: Calibration;
  private readonly roads: ArrayLike<number> | undefined;

  constructor(profiles: Readonly<Record<string, SpeedProfile>>, opts: SpeedModelOptions = {}) {
    this.profiles = profiles;
    this.calibration = opts.calibration ?? {};
    this.roads = opts.roads;
  }

  /** The multiplier of one road (geometry), 1 when none was given. */
  roadFactor(geom: number): number {
    const f = this.roads?.[geom];
    return f === undefined || !(f > 0) ? 1 : f;
  }

  /** Whether any road has its own multiplier (roadWeights skips the lookup otherwise). */
  get hasRoadFactors(): boolean {
    return this.roads !== undefined;
  }

  get profileNames(): string[] {
    return Object.keys(this.profiles);
  }

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.profiles, name);
  }

  /** The profile, or JCR_VALIDATION naming the unknown profile. */
  profile(name: string): SpeedProfile {
    if (!this.has(name))
      throw new JcrError('JCR_VALIDATION', `unknown speed profile "${name}" (known: ${this.profileNames.join(', ')})`, {
        path: 'profile',
      });
    return this.profiles[name]!;
  }

  isAir(name: string): boolean {
    return this.profile(name).mode === 'air';
  }

  /** Road speed in km/h of a highway class with a posted limit (0 = none) for a profile. */
  roadKmh(name: string, highway: string, maxspeedKmh: number): number {
    const p = this.profile(name);
    const table = p.highwayKmh ?? {};
    let base = table[highway];
    if (base === undefined && highway.endsWith('_link')) {
      const parent = table[highway.slice(0, -5)];
      if (parent !== undefined) base = parent * LINK_FACTOR;
    }
    base ??= table.default ?? DEFAULT_HIGHWAY_KMH[highway] ?? DEFAULT_HIGHWAY_KMH.default!;
    if (maxspeedKmh > 0) base = Math.min(base, maxspeedKmh * (p.maxspeedFactor ?? 1));
    const cal = this.calibration[name];
    if (cal) base *= cal[highway] ?? cal.default ?? 1;
    return Math.max(MIN_KMH, base);
  }

  /** Seconds to drive `metres` on a road of this class and limit. */
  roadSeconds(name: string, highway: string, maxspeedKmh: number, metres: number): number {
    return (metres * 3.6) / this.roadKmh(name, highway, maxspeedKmh);
  }

  airKmh(name: string): number {
    const p = this.profile(name);
    return Math.max(MIN_KMH, (p.airspeedKmh ?? DEFAULT_AIRSPEED_KMH) * (this.calibration[name]?.default ?? 1));
  }

  /** Straight-line flying time for an air profile. */
  airSeconds(name: string, metres: number): number {
    return (metres * 3.6) / this.airKmh(name);
  }
}

/** Seconds from the call to wheels rolling, for a resource that is at its station. */
export function turnoutS(
  resource: Pick<ResourceDef, 'crewing' | 'turnoutS'>,
  crewing: Readonly<Record<Crewing, { turnoutS: number }>>,
): number {
  return resource.turnoutS ?? crewing[resource.crewing]?.turnoutS ?? 0;
}
