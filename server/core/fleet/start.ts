/**
 * Where a resource starts a journey from: the one rule (docs/incidents.md, "Where a candidate
 * starts") that the recommender's times, turnouts and labels (server/core/incidents/timing.ts)
 * and the cover model's sources (server/core/cover/surfaces.ts) both follow (issue 15 item 13).
 */
import { haversineM } from '../geo.ts';
import { turnoutS } from '../graph/speed.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Fleet, LiveResource } from './fleet.ts';
import { ResourceStatus } from './status.ts';

/**
 * How far a fresh AVL fix may be from the home station of a resource AVAILABLE_AT_STATION for it
 * still to count as at its station, metres (a station yard and a GPS error). docs/incidents.md.
 */
export const AT_STATION_RADIUS_M = 250;

/** Where a resource starts from: the one rule its time, turnout and label follow. */
export interface Start {
  from: 'station' | 'mobile' | 'returning';
  lat: number;
  lon: number;
  turnoutS: number;
  /** The vehicle is on the road: its heading may pick the road it is on. */
  moving: boolean;
}

/** What the rule reads of a resource: its definition, status and last position (and speed, if known). */
export type StartResource = Pick<LiveResource, 'def' | 'status' | 'lat' | 'lon'> & { speedMps?: number };

const stationCache = new WeakMap<Scenario, Map<string, { lat: number; lon: number }>>();
function homeOf(scenario: Scenario, r: StartResource): { lat: number; lon: number } | undefined {
  let m = stationCache.get(scenario);
  if (!m) stationCache.set(scenario, (m = new Map(scenario.stations.map((s) => [s.id, s]))));
  return m.get(r.def.station);
}

/**
 * The station a resource booked at station is at: the one within AT_STATION_RADIUS_M of its
 * position (its home station first; another after a standby move there), else its home station.
 */
function stationOf(scenario: Scenario, r: StartResource): { lat: number; lon: number } | undefined {
  const home = homeOf(scenario, r);
  if (home && haversineM(r.lat, r.lon, home.lat, home.lon) <= AT_STATION_RADIUS_M) return home;
  for (const s of scenario.stations) if (haversineM(r.lat, r.lon, s.lat, s.lon) <= AT_STATION_RADIUS_M) return s;
  return home;
}

/** Has the resource an AVL fix that is not stale (Fleet.isStale, the room's staleness rule)? */
export function hasFreshFix(fleet: Fleet, r: LiveResource, now: number): boolean {
  return r.fixTimeMs > 0 && !fleet.isStale(r, now);
}

/**
 * The rule: a resource AVAILABLE_AT_STATION is at its station (the one its position is within
 * AT_STATION_RADIUS_M of, as after a standby move to another station; else its home station),
 * timed from the station's position with its crewing's turnout, unless a fresh fix (`freshFix`: not stale) puts it more than
 * AT_STATION_RADIUS_M from the station: then the vehicle is on the road with its crew, so it is
 * timed from the fix with no turnout and shown as `mobile`. Every other deployable resource is
 * timed from its last fix with no turnout.
 */
export function startFrom(scenario: Scenario, r: StartResource, freshFix: boolean): Start {
  if (r.status === ResourceStatus.AVAILABLE_AT_STATION) {
    const st = stationOf(scenario, r);
    const away = st !== undefined && freshFix && haversineM(r.lat, r.lon, st.lat, st.lon) > AT_STATION_RADIUS_M;
    if (!away) {
      const at = st ?? r;
      return { from: 'station', lat: at.lat, lon: at.lon, turnoutS: turnoutS(r.def, scenario.crewing), moving: false };
    }
  }
  return {
    from: r.status === ResourceStatus.RETURNING ? 'returning' : 'mobile',
    lat: r.lat,
    lon: r.lon,
    turnoutS: 0,
    moving: (r.speedMps ?? 0) > 1,
  };
}

/** The rule for a live resource of `fleet` at `now`. */
export function startOf(scenario: Scenario, fleet: Fleet, r: LiveResource, now: number): Start {
  return startFrom(scenario, r, hasFreshFix(fleet, r, now));
}
