/**
 * What a room asked for assistance by a partner can offer (issue 18 item 5): its deployable
 * resources of the asked capability, each with the ETA the recommender would give it (turnout by
 * the one start rule, then the drive to the place), the quickest `count` of them, at most an hour
 * away. A place beyond our own road network (the partner's side of the border, where our map may
 * stop) still gets an ETA, estimated: turnout, then DETOUR_FACTOR times the straight line at half
 * the profile's top speed (JourneyTimes.maxSpeedMps). The offer is an AssistanceResponse: the asking room lists these "via partner" after its
 * own resources; nothing is mobilised until a dispatcher here sends one.
 */
import type { MaitOfferedResource } from '../../../proto/mait.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { haversineM } from '../geo.ts';
import { startOf } from '../fleet/start.ts';
import { isDeployable } from '../fleet/status.ts';
import type { JourneyTimes } from '../incidents/journeys.ts';
import type { Agency, Scenario } from '../scenario/types.ts';

/** An offer farther than this is no help across a border. */
export const MAX_OFFER_ETA_S = 3600;
/** Road metres per straight-line metre, for a place off our road network. */
export const DETOUR_FACTOR = 1.3;

export interface OfferAsk {
  lat: number;
  lon: number;
  capability: string;
  count: number;
  /** Only this agency's resources (a single agency's dispatcher offers its own); all when absent. */
  agency?: Agency;
  /** Only these resources (the dispatcher's choice); the quickest when absent. */
  resourceIds?: readonly string[];
}

export function offerFor(
  scenario: Scenario,
  fleet: Fleet,
  journeys: JourneyTimes,
  ask: OfferAsk,
  now: number,
): MaitOfferedResource[] {
  const chosen = ask.resourceIds ? new Set(ask.resourceIds) : null;
  const targets = new Map<string, (lat: number, lon: number, headingDeg?: number) => number>();
  const out: MaitOfferedResource[] = [];
  /** Per profile: is the place itself off our network (so no route from anywhere reaches it)? */
  const offNetwork = new Map<string, boolean>();
  for (const r of fleet.all()) {
    if (chosen ? !chosen.has(r.def.id) : !r.def.capabilities.includes(ask.capability)) continue;
    if (!isDeployable(r.status) || (ask.agency !== undefined && r.def.agency !== ask.agency)) continue;
    const profile = r.def.vehicleClass;
    let to = targets.get(profile);
    if (!to) targets.set(profile, (to = journeys.toTarget(ask.lat, ask.lon, profile, MAX_OFFER_ETA_S)));
    const s = startOf(scenario, fleet, r, now);
    let driveS = to(s.lat, s.lon);
    if (!Number.isFinite(driveS) && !offNetwork.has(profile))
      offNetwork.set(profile, !Number.isFinite(to(ask.lat, ask.lon)));
    if (!Number.isFinite(driveS) && offNetwork.get(profile) === true)
      driveS = (DETOUR_FACTOR * haversineM(s.lat, s.lon, ask.lat, ask.lon)) / (journeys.maxSpeedMps(profile) / 2);
    const etaS = Math.round(s.turnoutS + driveS);
    if (!Number.isFinite(etaS) || etaS > MAX_OFFER_ETA_S) continue;
    const capability = r.def.capabilities.includes(ask.capability)
      ? ask.capability
      : (r.def.capabilities[0] ?? r.def.type);
    out.push({ resourceId: r.def.id, callsign: r.def.callSign, capability, etaS });
  }
  out.sort((a, b) => a.etaS - b.etaS || a.resourceId.localeCompare(b.resourceId));
  return chosen ? out : out.slice(0, ask.count);
}
