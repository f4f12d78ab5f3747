/**
 * The scenario's fleet: crewing kinds with their turnout times, speed profiles per vehicle class,
 * and the resources (unique ids, call signs and trackers; stations and vehicle classes that exist).
 * Also what capabilities the fleet offers to which agencies, which standards and incident types
 * are checked against.
 */
import { joinPath, type Checker, type Json } from '../../../proto/checker.ts';
import { agencyList, eachObject, IdSet, strList } from './check.ts';
import type { Places } from './places.ts';
import { AGENCIES, CREWINGS, type Agency } from './types.ts';

const MODES = ['road', 'air'] as const;

/** Crewing: all four kinds, each with a turnout time. */
export function checkCrewing(c: Checker, r: Json): void {
  const crewing = c.obj(r, 'crewing', '');
  if (crewing === undefined) return;
  for (const k of CREWINGS) {
    const cr = c.obj(crewing, k, 'crewing');
    if (cr !== undefined) c.num(cr, 'turnoutS', joinPath('crewing', k), { min: 0, what: 'seconds' });
  }
  for (const k of Object.keys(crewing)) {
    if (!CREWINGS.some((x) => x === k))
      c.fail(
        joinPath('crewing', k),
        `unknown crewing; expected one of ${CREWINGS.map((x) => JSON.stringify(x)).join(', ')}`,
      );
  }
}

/** Speed profiles, keyed by vehicle class; returns the classes, or undefined without profiles. */
export function checkSpeedProfiles(c: Checker, r: Json): Set<string> | undefined {
  const profiles = c.obj(r, 'speedProfiles', '');
  if (profiles === undefined) return undefined;
  if (Object.keys(profiles).length === 0) c.fail('speedProfiles', 'must not be empty');
  const keys = new Set<string>();
  for (const [k, v] of Object.entries(profiles)) {
    const p = joinPath('speedProfiles', k);
    keys.add(k);
    const o = c.object(v, p);
    if (o === undefined) continue;
    const mode = c.oneOf(o, 'mode', p, MODES);
    if (mode === 'road') {
      const hw = c.obj(o, 'highwayKmh', p);
      if (hw !== undefined) {
        const hp = joinPath(p, 'highwayKmh');
        for (const cls of Object.keys(hw)) c.num(hw, cls, hp, { min: 0, minOpen: true, max: 300, what: 'speed' });
        if (hw['default'] === undefined)
          c.fail(joinPath(hp, 'default'), 'missing field (the speed for highway classes not listed)');
      }
      c.num(o, 'maxspeedFactor', p, { min: 0, minOpen: true, max: 3, optional: true, what: 'factor' });
    } else if (mode === 'air') {
      c.num(o, 'airspeedKmh', p, { min: 0, minOpen: true, max: 1000, what: 'speed' });
    }
  }
  return keys;
}

/**
 * Whether a resource offers a capability to an agency (as owner or through sharedWith; any
 * agency when none is named). Undefined when the scenario has no resources list to ask.
 */
export type OfferedBy = ((cap: string, agency: Agency | undefined) => boolean) | undefined;

export function checkResources(c: Checker, r: Json, at: Places, vehicleClasses: Set<string> | undefined): OfferedBy {
  const resourceIds = new IdSet(c);
  const callSigns = new IdSet(c, 'call sign', 'callSign');
  const trackers = new Map<string, string>();
  /** capability -> agencies that may use a resource offering it (owner plus sharedWith). */
  const offered = new Map<string, Set<Agency>>();
  const resources = c.arr(r, 'resources', '');
  eachObject(c, resources, 'resources', (res, p) => {
    resourceIds.add(c.str(res, 'id', p), p);
    callSigns.add(c.str(res, 'callSign', p), p);
    const agency = c.oneOf(res, 'agency', p, AGENCIES);
    c.str(res, 'type', p);
    const caps = strList(c, res, 'capabilities', p, { nonEmpty: true });
    const st = c.str(res, 'station', p);
    if (st !== undefined && !at.stationIds.has(st)) {
      c.fail(
        joinPath(p, 'station'),
        at.places.has(st) ? `${JSON.stringify(st)} is a post, not a station` : `unknown station ${JSON.stringify(st)}`,
      );
    }
    c.oneOf(res, 'crewing', p, CREWINGS);
    const vc = c.str(res, 'vehicleClass', p);
    if (vc !== undefined && vehicleClasses !== undefined && !vehicleClasses.has(vc))
      c.fail(joinPath(p, 'vehicleClass'), `unknown vehicle class ${JSON.stringify(vc)} (not in speedProfiles)`);
    c.num(res, 'turnoutS', p, { min: 0, optional: true, what: 'seconds' });
    const trk = strList(c, res, 'trackers', p, { optional: true });
    trk?.forEach((t, j) => {
      const prev = trackers.get(t);
      if (prev !== undefined)
        c.fail(joinPath(joinPath(p, 'trackers'), j), `tracker ${JSON.stringify(t)} already reports for ${prev}`);
      else trackers.set(t, p);
    });
    const shared = agencyList(c, res, 'sharedWith', p, { optional: true });
    if (agency !== undefined && caps !== undefined) {
      for (const cap of caps) {
        let set = offered.get(cap);
        if (set === undefined) offered.set(cap, (set = new Set()));
        set.add(agency);
        for (const a of shared ?? []) set.add(a);
      }
    }
  });
  if (resources === undefined) return undefined;
  return (cap, agency) => {
    const set = offered.get(cap);
    return set !== undefined && (agency === undefined || set.has(agency));
  };
}
