/**
 * Cover surfaces: one (agency, capability) pair named by a response standard, with k = the largest
 * `nth` its standards ask for (2 for "second appliance") and a search bound from its largest
 * standard time. Its sources are the available resources able to meet it, each where it starts
 * from by the recommender's rule (../fleet/start.ts): at its station with its crewing turnout, or
 * at its fix with none (on the road, or booked at station with a fresh fix far from it).
 */
import { isDeployable, ResourceStatus } from '../fleet/status.ts';
import type { LiveResource } from '../fleet/fleet.ts';
import { startFrom } from '../fleet/start.ts';
import type { Agency, ResourceDef, Scenario } from '../scenario/types.ts';

export interface SurfaceTarget {
  standardId: string;
  standardName: string;
  nth: number;
  withinS: number;
  /** Share of demand the standard asks to be met, 0..1. */
  share: number;
}

export interface SurfaceDef {
  /** `${agency}:${capability}` */
  key: string;
  agency: Agency;
  capability: string;
  k: number;
  boundS: number;
  targets: SurfaceTarget[];
}

/** One available resource as a cover source. */
export interface CoverSource {
  resourceId: string;
  profile: string;
  lat: number;
  lon: number;
  /** Turnout before the drive: crewing turnout at a station, 0 when mobile. */
  offsetS: number;
  /** Booked available at a station: its position repeats, so its tree is always worth caching. */
  atStation?: boolean;
}

/**
 * What sources() reads of a resource: its definition, status, last position and whether that is a
 * fresh fix (../fleet/start.ts hasFreshFix, judged where the live fleet is; absent: no fresh fix).
 */
export type SourceResource = Pick<LiveResource, 'def' | 'status' | 'lat' | 'lon'> & { freshFix?: boolean };

/**
 * The scenario's surfaces, in the order their standards first name them. A surface's search bound
 * is `factor` times its largest standard time (never less than the time), at most `maxBoundS`.
 */
export function defineSurfaces(scenario: Scenario, factor: number, maxBoundS: number): SurfaceDef[] {
  const byKey = new Map<string, SurfaceDef>();
  for (const st of scenario.standards) {
    const key = `${st.agency}:${st.capability}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { key, agency: st.agency, capability: st.capability, k: 1, boundS: 0, targets: [] }));
    for (const t of st.targets) {
      s.targets.push({ standardId: st.id, standardName: st.name, nth: t.nth, withinS: t.withinS, share: t.share });
      s.k = Math.max(s.k, t.nth);
      s.boundS = Math.max(s.boundS, Math.min(maxBoundS, Math.max(t.withinS * factor, t.withinS)));
    }
  }
  return [...byKey.values()];
}

/** Can this resource meet the surface (its capability, its agency or shared with it)? */
export function eligible(def: ResourceDef, s: SurfaceDef): boolean {
  return (
    def.capabilities.includes(s.capability) && (def.agency === s.agency || (def.sharedWith ?? []).includes(s.agency))
  );
}

/**
 * Cover sources of a surface: available resources where they start from, sorted by id. `skip`
 * may leave out a mobile one (never one at a station).
 */
export function coverSources(
  s: SurfaceDef,
  scenario: Scenario,
  resources: Iterable<SourceResource>,
  exclude?: ReadonlySet<string>,
  skip?: (r: SourceResource) => boolean,
): CoverSource[] {
  const out: CoverSource[] = [];
  for (const r of resources) {
    if (!isDeployable(r.status) || !eligible(r.def, s) || exclude?.has(r.def.id)) continue;
    if (skip && r.status !== ResourceStatus.AVAILABLE_AT_STATION && skip(r)) continue;
    const start = startFrom(scenario, r, r.freshFix === true);
    out.push({
      resourceId: r.def.id,
      profile: r.def.vehicleClass,
      lat: start.lat,
      lon: start.lon,
      offsetS: start.turnoutS,
      atStation: start.from === 'station',
    });
  }
  out.sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
  return out;
}
