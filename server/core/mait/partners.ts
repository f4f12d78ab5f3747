/**
 * Partner control rooms (issue 18, docs/mait.md § Partners): validating the partners file with
 * the scenario's dialect of the one Checker (every problem listed, JCR_MAIT_PARTNERS_INVALID),
 * which partner's area holds a point or how far a point lies outside one, and the incident type
 * mapping each way.
 */
import type { MaitPartner, MaitPartners } from '../../../proto/mait.ts';
import { isObj, type Checker, type Json } from '../../../proto/checker.ts';
import { JcrError } from '../errors.ts';
import { IdSet, scenarioChecker, type ScenarioProblem } from '../scenario/check.ts';

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const CODE = /^[A-Za-z0-9._-]{1,64}$/;
/** A shared secret shorter than this is refused: 32 characters is 192 bits of base64. */
export const MIN_SECRET_CHARS = 32;
const MAX_AREA_POINTS = 10_000;

function checkId(c: Checker, v: string | undefined, path: string, re = ID): void {
  if (v !== undefined && !re.test(v)) c.fail(path, `${JSON.stringify(v)} must be 1 to 64 letters, digits or . _ : -`);
}

function checkArea(c: Checker, p: Json, path: string): void {
  c.list(p['area'], `${path}.area`, { max: MAX_AREA_POINTS }, (pt, at) => {
    if (!Array.isArray(pt) || pt.length !== 2) return c.fail(at, 'expected [lon, lat]');
    c.number(pt[0], `${at}[0]`, { min: -180, max: 180, what: 'longitude' });
    c.number(pt[1], `${at}[1]`, { min: -90, max: 90, what: 'latitude' });
    return undefined;
  });
  const area = p['area'];
  if (Array.isArray(area) && area.length < 3) c.fail(`${path}.area`, 'a polygon needs at least 3 points');
}

function checkUrl(c: Checker, v: string | undefined, path: string): void {
  if (v === undefined) return;
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.search !== '' || u.hash !== '')
    c.fail(path, `${JSON.stringify(v)} must be an http or https URL without query or fragment`);
}

function checkPartner(c: Checker, raw: unknown, path: string, typeIds: ReadonlySet<string>, ids: IdSet): void {
  const p = c.object(raw, path);
  if (!p) return;
  const id = c.str(p, 'id', path);
  checkId(c, id, `${path}.id`);
  ids.add(id, path);
  c.str(p, 'name', path, { max: 200 });
  checkUrl(c, c.str(p, 'baseUrl', path, { max: 2000 }), `${path}.baseUrl`);
  checkArea(c, p, path);
  const theirs = new IdSet(c, 'partner type', 'theirs');
  const ourTypes = new IdSet(c, 'mapping of our type', 'ours');
  c.list(p['types'], `${path}.types`, { nonEmpty: true, max: 1000 }, (t, at) => {
    const m = c.object(t, at);
    if (!m) return undefined;
    const ours = c.str(m, 'ours', at);
    if (ours !== undefined && !typeIds.has(ours)) c.fail(`${at}.ours`, `unknown incident type ${JSON.stringify(ours)}`);
    ourTypes.add(ours, at);
    const their = c.str(m, 'theirs', at);
    checkId(c, their, `${at}.theirs`, CODE);
    theirs.add(their, at);
    return undefined;
  });
  const s = c.obj(p, 'secrets', path);
  if (s) {
    for (const k of ['outbound', 'inbound'] as const) {
      const v = c.str(s, k, `${path}.secrets`, { max: 1000 });
      if (v !== undefined && v.length < MIN_SECRET_CHARS)
        c.fail(`${path}.secrets.${k}`, `must be at least ${MIN_SECRET_CHARS} characters`);
    }
    if (s['outbound'] === s['inbound'] && typeof s['inbound'] === 'string')
      c.fail(`${path}.secrets`, 'outbound and inbound must differ: one secret per direction');
  }
}

/** Every problem of a raw partners file, in document order; empty when it is valid. */
export function partnersProblems(raw: unknown, typeIds: ReadonlySet<string>): ScenarioProblem[] {
  const { c, problems } = scenarioChecker();
  const r = c.object(raw, '');
  if (!r) return problems;
  const room = c.obj(r, 'room', '');
  const ids = new IdSet(c, 'room id');
  if (room) {
    const id = c.str(room, 'id', 'room');
    checkId(c, id, 'room.id');
    ids.add(id, 'room');
    c.str(room, 'name', 'room', { max: 200 });
  }
  c.list(r['partners'], 'partners', { max: 100 }, (p, at) => checkPartner(c, p, at, typeIds, ids));
  return problems;
}

/** The partners file typed, or JCR_MAIT_PARTNERS_INVALID with one line per problem. */
export function validatePartners(raw: unknown, file: string, typeIds: ReadonlySet<string>): MaitPartners {
  const problems = partnersProblems(raw, typeIds);
  if (problems.length > 0) {
    const lines = problems.slice(0, 50).map((p) => `${file}: ${p.path}: ${p.reason}`);
    throw new JcrError('JCR_MAIT_PARTNERS_INVALID', lines.join('\n'), {
      path: problems[0]!.path,
      details: { file, errors: problems },
    });
  }
  if (!isObj(raw)) throw new JcrError('JCR_MAIT_PARTNERS_INVALID', `${file}: not an object`);
  return raw as unknown as MaitPartners;
}

// ---- areas ----

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQ = 111_320;

/** The area's points in metres east and north of (lat, lon): flat-earth, good to well under 1% at county scale. */
function local(area: ReadonlyArray<readonly [number, number]>, lat: number, lon: number): Array<[number, number]> {
  const k = Math.cos((lat * Math.PI) / 180) * M_PER_DEG_LON_EQ;
  return area.map(([x, y]) => [(x - lon) * k, (y - lat) * M_PER_DEG_LAT]);
}

/** True when (lat, lon) lies inside the partner's area (even-odd rule; the ring may be open or closed). */
export function inArea(partner: Pick<MaitPartner, 'area'>, lat: number, lon: number): boolean {
  const a = partner.area;
  let inside = false;
  for (let i = 0, j = a.length - 1; i < a.length; j = i++) {
    const [xi, yi] = a[i]!;
    const [xj, yj] = a[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Metres from (lat, lon) to the partner's area: 0 inside, else to its nearest edge. */
export function metresFromArea(partner: Pick<MaitPartner, 'area'>, lat: number, lon: number): number {
  if (inArea(partner, lat, lon)) return 0;
  const p = local(partner.area, lat, lon);
  let best = Infinity;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
    const [ax, ay] = p[j]!;
    const [bx, by] = p[i]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}

/** The partners whose areas hold (lat, lon) first, then the rest by distance: "offer the partner whose area holds the location first". */
export function partnersByDistance(
  partners: readonly MaitPartner[],
  lat: number,
  lon: number,
): Array<{ partner: MaitPartner; metres: number }> {
  return partners
    .map((partner) => ({ partner, metres: metresFromArea(partner, lat, lon) }))
    .sort((a, b) => a.metres - b.metres || a.partner.id.localeCompare(b.partner.id));
}

// ---- types ----

/** The partner's code for our type `ours`; JCR_MAIT_UNMAPPED_TYPE when the file maps none. */
export function typeToPartner(partner: MaitPartner, ours: string): string {
  const m = partner.types.find((t) => t.ours === ours);
  if (!m) {
    throw new JcrError(
      'JCR_MAIT_UNMAPPED_TYPE',
      `incident type ${JSON.stringify(ours)} has no mapping to ${partner.name}'s types in the partners file`,
      { path: 'typeId', details: { partner: partner.id, type: ours } },
    );
  }
  return m.theirs;
}

/** Our type for the partner's code `theirs`, or undefined when the file maps none. */
export function typeFromPartner(partner: MaitPartner, theirs: string): string | undefined {
  return partner.types.find((t) => t.theirs === theirs)?.ours;
}
