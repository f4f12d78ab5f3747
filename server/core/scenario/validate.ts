/**
 * Scenario validation: pure, no I/O. Checks every field's presence, type, enum and range, that
 * ids are unique and that every reference resolves, collects ALL mistakes, and refuses the
 * scenario with one JcrError('JCR_SCENARIO_INVALID') whose message has one line per mistake:
 *
 *   scenario.json: resources[12].station: unknown station "HFRS-XX"
 *
 * docs/scenario.md lists the rules.
 */
import { JcrError } from '../errors.ts';
import { AGENCIES, CREWINGS } from './types.ts';
import type { Agency, Scenario } from './types.ts';

export interface ScenarioProblem {
  path: string;
  reason: string;
}

const PRIORITIES = [1, 2, 3] as const;
const MODES = ['road', 'air'] as const;
const FORMATS = ['osm-pbf', 'osm-xml', 'geojson'] as const;
/** The message lists at most this many lines; details.errors always has them all. */
const MAX_LINES = 200;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return typeName(v);
}

/** A path segment: `.name` for identifier-like keys, `["odd key"]` otherwise. */
function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const seg = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (seg.startsWith('"')) return `${path}[${seg}]`;
  return path === '' ? seg : `${path}.${seg}`;
}

/** Collects problems while walking the raw value; each check returns the value when usable. */
class Checker {
  readonly problems: ScenarioProblem[] = [];

  fail(path: string, reason: string): void {
    this.problems.push({ path: path === '' ? '(root)' : path, reason });
  }

  obj(o: Obj, key: string, path: string, optional = false): Obj | undefined {
    const p = join(path, key);
    const v = o[key];
    if (v === undefined) {
      if (!optional) this.fail(p, 'missing field');
      return undefined;
    }
    if (!isObj(v)) {
      this.fail(p, `expected object, got ${typeName(v)}`);
      return undefined;
    }
    return v;
  }

  arr(o: Obj, key: string, path: string, optional = false): unknown[] | undefined {
    const p = join(path, key);
    const v = o[key];
    if (v === undefined) {
      if (!optional) this.fail(p, 'missing field');
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.fail(p, `expected array, got ${typeName(v)}`);
      return undefined;
    }
    return v;
  }

  str(o: Obj, key: string, path: string, optional = false): string | undefined {
    const p = join(path, key);
    const v = o[key];
    if (v === undefined) {
      if (!optional) this.fail(p, 'missing field');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.fail(p, `expected string, got ${typeName(v)}`);
      return undefined;
    }
    if (v.trim() === '') {
      this.fail(p, 'must not be empty');
      return undefined;
    }
    return v;
  }

  bool(o: Obj, key: string, path: string): boolean | undefined {
    const p = join(path, key);
    const v = o[key];
    if (v === undefined) {
      this.fail(p, 'missing field');
      return undefined;
    }
    if (typeof v !== 'boolean') {
      this.fail(p, `expected boolean, got ${typeName(v)}`);
      return undefined;
    }
    return v;
  }

  /** A finite number within [min, max] (either end open when `open` says so). */
  num(
    o: Obj,
    key: string,
    path: string,
    range: { min?: number; max?: number; minOpen?: boolean; integer?: boolean; optional?: boolean; what?: string } = {},
  ): number | undefined {
    const p = join(path, key);
    const v = o[key];
    if (v === undefined) {
      if (range.optional !== true) this.fail(p, 'missing field');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(p, `expected number, got ${typeName(v)}`);
      return undefined;
    }
    const what = range.what ?? 'value';
    if (range.integer === true && !Number.isInteger(v)) {
      this.fail(p, `${what} ${v} must be a whole number`);
      return undefined;
    }
    const { min, max } = range;
    const low = min !== undefined && (range.minOpen === true ? v <= min : v < min);
    const high = max !== undefined && v > max;
    if (low || high) {
      let want: string;
      if (min !== undefined && max !== undefined && range.minOpen !== true) want = `${min}..${max}`;
      else if (min !== undefined && max !== undefined) want = `must be above ${min} and at most ${max}`;
      else if (min !== undefined) want = range.minOpen === true ? `must be above ${min}` : `must be at least ${min}`;
      else want = `must be at most ${String(max)}`;
      this.fail(p, `${what} ${v} out of range ${want.startsWith('must') ? `(${want})` : want}`);
      return undefined;
    }
    return v;
  }

  oneOf<T extends string | number>(
    o: Obj,
    key: string,
    path: string,
    allowed: readonly T[],
    optional = false,
  ): T | undefined {
    const p = join(path, key);
    const v = o[key];
    if (v === undefined) {
      if (!optional) this.fail(p, 'missing field');
      return undefined;
    }
    const hit = allowed.find((a) => a === v);
    if (hit === undefined) {
      this.fail(p, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${show(v)}`);
      return undefined;
    }
    return hit;
  }

  strList(
    o: Obj,
    key: string,
    path: string,
    opts: { optional?: boolean; nonEmpty?: boolean } = {},
  ): string[] | undefined {
    const list = this.arr(o, key, path, opts.optional === true);
    if (list === undefined) return undefined;
    const p = join(path, key);
    if (opts.nonEmpty === true && list.length === 0) this.fail(p, 'must not be empty');
    const out: string[] = [];
    list.forEach((v, i) => {
      if (typeof v !== 'string' || v.trim() === '')
        this.fail(join(p, i), typeof v === 'string' ? 'must not be empty' : `expected string, got ${typeName(v)}`);
      else out.push(v);
    });
    return out;
  }

  agencyList(
    o: Obj,
    key: string,
    path: string,
    opts: { optional?: boolean; nonEmpty?: boolean } = {},
  ): Agency[] | undefined {
    const list = this.arr(o, key, path, opts.optional === true);
    if (list === undefined) return undefined;
    const p = join(path, key);
    if (opts.nonEmpty === true && list.length === 0) this.fail(p, 'must not be empty');
    const out: Agency[] = [];
    list.forEach((v, i) => {
      const a = AGENCIES.find((x) => x === v);
      if (a === undefined)
        this.fail(join(p, i), `expected one of ${AGENCIES.map((x) => JSON.stringify(x)).join(', ')}, got ${show(v)}`);
      else out.push(a);
    });
    return out;
  }

  /** Latitude and longitude fields `lat`, `lon` in range. */
  latLon(o: Obj, path: string): { lat: number; lon: number } | undefined {
    const lat = this.num(o, 'lat', path, { min: -90, max: 90, what: 'latitude' });
    const lon = this.num(o, 'lon', path, { min: -180, max: 180, what: 'longitude' });
    return lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
  }
}

/** Tracks ids in one namespace and reports the second and later uses of an id. */
class IdSet {
  private readonly first = new Map<string, string>();

  constructor(private readonly c: Checker) {}

  add(id: string | undefined, path: string): void {
    if (id === undefined) return;
    const prev = this.first.get(id);
    if (prev !== undefined) this.c.fail(join(path, 'id'), `duplicate id ${JSON.stringify(id)} (first used at ${prev})`);
    else this.first.set(id, path);
  }

  has(id: string): boolean {
    return this.first.has(id);
  }
}

interface Bounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

function checkInside(
  c: Checker,
  ll: { lat: number; lon: number } | undefined,
  bounds: Bounds | undefined,
  path: string,
): void {
  if (ll === undefined || bounds === undefined) return;
  if (ll.lat < bounds.south || ll.lat > bounds.north || ll.lon < bounds.west || ll.lon > bounds.east) {
    c.fail(path, `position ${ll.lat},${ll.lon} is outside the scenario bounds`);
  }
}

function checkBounds(c: Checker, root: Obj): Bounds | undefined {
  const b = c.obj(root, 'bounds', '');
  if (b === undefined) return undefined;
  const south = c.num(b, 'south', 'bounds', { min: -90, max: 90, what: 'latitude' });
  const north = c.num(b, 'north', 'bounds', { min: -90, max: 90, what: 'latitude' });
  const west = c.num(b, 'west', 'bounds', { min: -180, max: 180, what: 'longitude' });
  const east = c.num(b, 'east', 'bounds', { min: -180, max: 180, what: 'longitude' });
  if (south === undefined || north === undefined || west === undefined || east === undefined) return undefined;
  let ok = true;
  if (south >= north) {
    c.fail('bounds', `south ${south} must be below north ${north}`);
    ok = false;
  }
  if (west >= east) {
    c.fail('bounds', `west ${west} must be below east ${east}`);
    ok = false;
  }
  return ok ? { south, west, north, east } : undefined;
}

/** Demand points, inline (`demand`) or the contents of a demand file (then `path` is ''). */
function checkDemandList(c: Checker, list: unknown, path: string, bounds: Bounds | undefined): void {
  if (!Array.isArray(list)) {
    c.fail(path, `expected array, got ${typeName(list)}`);
    return;
  }
  const ids = new IdSet(c);
  list.forEach((d, i) => {
    const p = join(path, i);
    if (!isObj(d)) {
      c.fail(p, `expected object, got ${typeName(d)}`);
      return;
    }
    ids.add(c.str(d, 'id', p), p);
    const ll = c.latLon(d, p);
    checkInside(c, ll, bounds, p);
    c.num(d, 'weight', p, { min: 0, minOpen: true, what: 'weight' });
    c.str(d, 'name', p, true);
  });
}

function collectProblems(raw: unknown): ScenarioProblem[] {
  const c = new Checker();
  if (!isObj(raw)) {
    c.fail('', `expected a JSON object, got ${typeName(raw)}`);
    return c.problems;
  }
  const r = raw;
  c.str(r, 'id', '');
  c.str(r, 'name', '');
  c.str(r, 'description', '', true);
  const tz = c.str(r, 'timezone', '');
  if (tz !== undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    } catch {
      c.fail('timezone', `unknown time zone ${JSON.stringify(tz)}`);
    }
  }
  const bounds = checkBounds(c, r);

  // Crewing: all four kinds, each with a turnout time.
  const crewing = c.obj(r, 'crewing', '');
  if (crewing !== undefined) {
    for (const k of CREWINGS) {
      const cr = c.obj(crewing, k, 'crewing');
      if (cr !== undefined) c.num(cr, 'turnoutS', join('crewing', k), { min: 0, what: 'seconds' });
    }
    for (const k of Object.keys(crewing)) {
      if (!CREWINGS.some((x) => x === k))
        c.fail(
          join('crewing', k),
          `unknown crewing; expected one of ${CREWINGS.map((x) => JSON.stringify(x)).join(', ')}`,
        );
    }
  }

  // Stations and posts share one id namespace.
  const places = new IdSet(c);
  const stationIds = new Set<string>();
  const stations = c.arr(r, 'stations', '');
  stations?.forEach((s, i) => {
    const p = join('stations', i);
    if (!isObj(s)) return c.fail(p, `expected object, got ${typeName(s)}`);
    const id = c.str(s, 'id', p);
    places.add(id, p);
    if (id !== undefined) stationIds.add(id);
    c.str(s, 'name', p);
    c.oneOf(s, 'agency', p, AGENCIES);
    checkInside(c, c.latLon(s, p), bounds, p);
    c.str(s, 'address', p, true);
  });
  const posts = c.arr(r, 'posts', '');
  posts?.forEach((s, i) => {
    const p = join('posts', i);
    if (!isObj(s)) return c.fail(p, `expected object, got ${typeName(s)}`);
    places.add(c.str(s, 'id', p), p);
    c.str(s, 'name', p);
    c.agencyList(s, 'agencies', p, { nonEmpty: true });
    checkInside(c, c.latLon(s, p), bounds, p);
  });

  // Speed profiles, keyed by vehicle class.
  const profileKeys = new Set<string>();
  const profiles = c.obj(r, 'speedProfiles', '');
  if (profiles !== undefined) {
    if (Object.keys(profiles).length === 0) c.fail('speedProfiles', 'must not be empty');
    for (const [k, v] of Object.entries(profiles)) {
      const p = join('speedProfiles', k);
      profileKeys.add(k);
      if (!isObj(v)) {
        c.fail(p, `expected object, got ${typeName(v)}`);
        continue;
      }
      const mode = c.oneOf(v, 'mode', p, MODES);
      if (mode === 'road') {
        const hw = c.obj(v, 'highwayKmh', p);
        if (hw !== undefined) {
          const hp = join(p, 'highwayKmh');
          for (const cls of Object.keys(hw)) c.num(hw, cls, hp, { min: 0, minOpen: true, max: 300, what: 'speed' });
          if (hw['default'] === undefined)
            c.fail(join(hp, 'default'), 'missing field (the speed for highway classes not listed)');
        }
        c.num(v, 'maxspeedFactor', p, { min: 0, minOpen: true, max: 3, optional: true, what: 'factor' });
      } else if (mode === 'air') {
        c.num(v, 'airspeedKmh', p, { min: 0, minOpen: true, max: 1000, what: 'speed' });
      }
    }
  }

  // Resources.
  const resourceIds = new IdSet(c);
  const callSigns = new Map<string, string>();
  const trackers = new Map<string, string>();
  /** capability -> agencies that may use a resource offering it (owner plus sharedWith). */
  const offered = new Map<string, Set<Agency>>();
  const resources = c.arr(r, 'resources', '');
  resources?.forEach((res, i) => {
    const p = join('resources', i);
    if (!isObj(res)) return c.fail(p, `expected object, got ${typeName(res)}`);
    resourceIds.add(c.str(res, 'id', p), p);
    const cs = c.str(res, 'callSign', p);
    if (cs !== undefined) {
      const prev = callSigns.get(cs);
      if (prev !== undefined)
        c.fail(join(p, 'callSign'), `duplicate call sign ${JSON.stringify(cs)} (first used at ${prev})`);
      else callSigns.set(cs, p);
    }
    const agency = c.oneOf(res, 'agency', p, AGENCIES);
    c.str(res, 'type', p);
    const caps = c.strList(res, 'capabilities', p, { nonEmpty: true });
    const st = c.str(res, 'station', p);
    if (st !== undefined && !stationIds.has(st)) {
      c.fail(
        join(p, 'station'),
        places.has(st) ? `${JSON.stringify(st)} is a post, not a station` : `unknown station ${JSON.stringify(st)}`,
      );
    }
    c.oneOf(res, 'crewing', p, CREWINGS);
    const vc = c.str(res, 'vehicleClass', p);
    if (vc !== undefined && profiles !== undefined && !profileKeys.has(vc))
      c.fail(join(p, 'vehicleClass'), `unknown vehicle class ${JSON.stringify(vc)} (not in speedProfiles)`);
    c.num(res, 'turnoutS', p, { min: 0, optional: true, what: 'seconds' });
    const trk = c.strList(res, 'trackers', p, { optional: true });
    trk?.forEach((t, j) => {
      const prev = trackers.get(t);
      if (prev !== undefined)
        c.fail(join(join(p, 'trackers'), j), `tracker ${JSON.stringify(t)} already reports for ${prev}`);
      else trackers.set(t, p);
    });
    const shared = c.agencyList(res, 'sharedWith', p, { optional: true });
    if (agency !== undefined && caps !== undefined) {
      for (const cap of caps) {
        let set = offered.get(cap);
        if (set === undefined) offered.set(cap, (set = new Set()));
        set.add(agency);
        for (const a of shared ?? []) set.add(a);
      }
    }
  });

  const offeredBy = (cap: string, agency: Agency | undefined): boolean => {
    const set = offered.get(cap);
    return set !== undefined && (agency === undefined || set.has(agency));
  };

  // Response standards.
  const standardIds = new IdSet(c);
  const standards = c.arr(r, 'standards', '');
  standards?.forEach((s, i) => {
    const p = join('standards', i);
    if (!isObj(s)) return c.fail(p, `expected object, got ${typeName(s)}`);
    standardIds.add(c.str(s, 'id', p), p);
    c.str(s, 'name', p);
    const agency = c.oneOf(s, 'agency', p, AGENCIES);
    const cap = c.str(s, 'capability', p);
    if (cap !== undefined && agency !== undefined && resources !== undefined && !offeredBy(cap, agency)) {
      c.fail(join(p, 'capability'), `no ${agency} resource offers capability ${JSON.stringify(cap)}`);
    }
    const targets = c.arr(s, 'targets', p);
    if (targets !== undefined && targets.length === 0) c.fail(join(p, 'targets'), 'must not be empty');
    const nths = new Set<number>();
    targets?.forEach((t, j) => {
      const tp = join(join(p, 'targets'), j);
      if (!isObj(t)) return c.fail(tp, `expected object, got ${typeName(t)}`);
      const nth = c.num(t, 'nth', tp, { min: 1, integer: true, what: 'nth' });
      if (nth !== undefined) {
        if (nths.has(nth)) c.fail(join(tp, 'nth'), `duplicate target for nth ${nth}`);
        nths.add(nth);
      }
      c.num(t, 'withinS', tp, { min: 0, minOpen: true, what: 'seconds' });
      c.num(t, 'share', tp, { min: 0, minOpen: true, max: 1, what: 'share' });
    });
  });

  // Incident types.
  const typeIds = new IdSet(c);
  const types = c.arr(r, 'incidentTypes', '');
  types?.forEach((t, i) => {
    const p = join('incidentTypes', i);
    if (!isObj(t)) return c.fail(p, `expected object, got ${typeName(t)}`);
    typeIds.add(c.str(t, 'id', p), p);
    c.str(t, 'name', p);
    c.oneOf(t, 'leadAgency', p, AGENCIES);
    c.oneOf(t, 'priority', p, PRIORITIES);
    const lines = c.arr(t, 'attendance', p);
    if (lines !== undefined && lines.length === 0) c.fail(join(p, 'attendance'), 'must not be empty');
    const lineCaps = new Set<string>();
    lines?.forEach((l, j) => {
      const lp = join(join(p, 'attendance'), j);
      if (!isObj(l)) return c.fail(lp, `expected object, got ${typeName(l)}`);
      const cap = c.str(l, 'capability', lp);
      c.num(l, 'count', lp, { min: 1, max: 50, integer: true, what: 'count' });
      const agency = c.oneOf(l, 'agency', lp, AGENCIES, true);
      if (cap !== undefined) {
        lineCaps.add(cap);
        if (resources !== undefined && !offeredBy(cap, agency)) {
          c.fail(
            join(lp, 'capability'),
            `no ${agency === undefined ? '' : `${agency} `}resource offers capability ${JSON.stringify(cap)}`,
          );
        }
      }
    });
    const stds = c.strList(t, 'standards', p);
    stds?.forEach((s, j) => {
      if (standards !== undefined && !standardIds.has(s))
        c.fail(join(join(p, 'standards'), j), `unknown standard ${JSON.stringify(s)}`);
    });
    const co = c.strList(t, 'coResponse', p, { optional: true });
    co?.forEach((cap, j) => {
      if (lines !== undefined && !lineCaps.has(cap))
        c.fail(join(join(p, 'coResponse'), j), `capability ${JSON.stringify(cap)} is not in this type's attendance`);
    });
  });

  // Network.
  const net = c.obj(r, 'network', '');
  if (net !== undefined) {
    c.str(net, 'file', 'network');
    c.oneOf(net, 'format', 'network', FORMATS);
    c.bool(net, 'synthetic', 'network');
    c.str(net, 'attribution', 'network');
  }

  // Demand: inline, or named by demandFile (which the shell has read into `demand`).
  if (r['demand'] === undefined) c.fail('demand', 'missing field (give demand points inline or name a demandFile)');
  else checkDemandList(c, r['demand'], 'demand', bounds);
  c.str(r, 'demandFile', '', true);

  const rules = c.obj(r, 'rules', '');
  if (rules !== undefined) c.bool(rules, 'coResponderRequiresCover', 'rules');

  return c.problems;
}

/** The error the validator and the loader throw: one line per problem, `${file}: ${path}: ${reason}`. */
export function scenarioError(file: string, problems: readonly ScenarioProblem[]): JcrError {
  const lines = problems.slice(0, MAX_LINES).map((p) => `${file}: ${p.path}: ${p.reason}`);
  if (problems.length > MAX_LINES)
    lines.push(`${file}: (root): ${problems.length - MAX_LINES} more problems not shown`);
  return new JcrError('JCR_SCENARIO_INVALID', lines.join('\n'), {
    path: problems[0]?.path,
    details: { file, errors: problems.map((p) => ({ path: p.path, reason: p.reason })) },
  });
}

/** All problems of a raw scenario value, in document order; empty when it is valid. */
export function scenarioProblems(raw: unknown): ScenarioProblem[] {
  return collectProblems(raw);
}

/**
 * Problems of a demand file's contents (a JSON array of demand points), paths relative to that
 * file; positions are checked against the scenario's bounds when those are valid.
 */
export function demandProblems(raw: unknown, scenarioRaw: unknown): ScenarioProblem[] {
  const bounds = isObj(scenarioRaw) ? checkBounds(new Checker(), scenarioRaw) : undefined;
  const c = new Checker();
  checkDemandList(c, raw, '', bounds);
  return c.problems;
}

/**
 * Validate a parsed scenario file. `file` names it in error lines. Returns the scenario typed;
 * throws JcrError('JCR_SCENARIO_INVALID') listing every problem otherwise.
 */
export function validateScenario(raw: unknown, file: string): Scenario {
  const problems = collectProblems(raw);
  if (problems.length > 0) throw scenarioError(file, problems);
  return raw as Scenario;
}
