/**
 * The scenario's dialect of the one Checker (proto/checker.ts): it collects every problem, words
 * each as `missing field` or `expected string, got number` beside its path, and shows the root as
 * `(root)`. Also the pieces several parts of the scenario share: id namespaces, positions inside
 * the bounds, and lists of strings or agencies.
 */
import { Checker, joinPath, show, typeName, type Fault, type Json, type ListRule } from '../../../proto/checker.ts';
import { AGENCIES } from './types.ts';
import type { Agency } from './types.ts';

export interface ScenarioProblem {
  path: string;
  reason: string;
}

export interface Bounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

const quote = (xs: readonly (string | number)[]): string => xs.map((x) => JSON.stringify(x)).join(', ');

function range(f: Extract<Fault, { kind: 'range' }>): string {
  const { min, max, minOpen } = f.rule;
  let want: string;
  if (min !== undefined && max !== undefined && minOpen !== true) want = `${min}..${max}`;
  else if (min !== undefined && max !== undefined) want = `must be above ${min} and at most ${max}`;
  else if (min !== undefined) want = minOpen === true ? `must be above ${min}` : `must be at least ${min}`;
  else want = `must be at most ${String(max)}`;
  return `${f.rule.what ?? 'value'} ${f.value} out of range ${want.startsWith('must') ? `(${want})` : want}`;
}

function word(_path: string, f: Fault): string {
  switch (f.kind) {
    case 'missing':
      return 'missing field';
    case 'type':
      return `expected ${f.want}, got ${typeName(f.got)}`;
    case 'empty':
      return 'must not be empty';
    case 'tooLong':
      return `must be at most ${f.max} characters`;
    case 'tooMany':
      return `must hold at most ${f.max} items`;
    case 'notInteger':
      return `${f.rule.what ?? 'value'} ${f.value} must be a whole number`;
    case 'range':
      return range(f);
    case 'oneOf':
      return `expected one of ${quote(f.allowed)}, got ${show(f.got)}`;
  }
}

/** A collecting checker and the problems it collects, in the order met. */
export function scenarioChecker(): { c: Checker; problems: ScenarioProblem[] } {
  const problems: ScenarioProblem[] = [];
  const c = new Checker(word, (path, reason) => problems.push({ path: path === '' ? '(root)' : path, reason }), {
    nonBlank: true,
  });
  return { c, problems };
}

/** Tracks ids in one namespace and reports the second and later uses of an id. */
export class IdSet {
  private readonly first = new Map<string, string>();

  constructor(
    private readonly c: Checker,
    private readonly what = 'id',
    private readonly key = 'id',
  ) {}

  add(id: string | undefined, path: string): void {
    if (id === undefined) return;
    const prev = this.first.get(id);
    if (prev !== undefined)
      this.c.fail(joinPath(path, this.key), `duplicate ${this.what} ${JSON.stringify(id)} (first used at ${prev})`);
    else this.first.set(id, path);
  }

  has(id: string): boolean {
    return this.first.has(id);
  }
}

/** Latitude and longitude fields `lat`, `lon` in range. */
export function latLon(c: Checker, o: Json, path: string): { lat: number; lon: number } | undefined {
  const lat = c.num(o, 'lat', path, { min: -90, max: 90, what: 'latitude' });
  const lon = c.num(o, 'lon', path, { min: -180, max: 180, what: 'longitude' });
  return lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
}

export function checkInside(
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

/** A list of non-blank strings. */
export function strList(c: Checker, o: Json, key: string, path: string, rule: ListRule = {}): string[] | undefined {
  return c.list(o[key], joinPath(path, key), rule, (v, p) => c.string(v, p));
}

/** A list of agencies. */
export function agencyList(c: Checker, o: Json, key: string, path: string, rule: ListRule = {}): Agency[] | undefined {
  return c.list(o[key], joinPath(path, key), rule, (v, p) => c.choice(v, p, AGENCIES));
}

/** Each item of an array that is an object, with its path; the others are reported. */
export function eachObject(
  c: Checker,
  list: unknown[] | undefined,
  path: string,
  f: (o: Json, p: string) => void,
): void {
  list?.forEach((v, i) => {
    const p = joinPath(path, i);
    const o = c.object(v, p);
    if (o !== undefined) f(o, p);
  });
}
