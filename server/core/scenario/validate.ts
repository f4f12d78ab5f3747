/**
 * Scenario validation: pure, no I/O. Checks every field's presence, type, enum and range, that
 * ids are unique and that every reference resolves, collects ALL mistakes, and refuses the
 * scenario with one JcrError('JCR_SCENARIO_INVALID') whose message has one line per mistake:
 *
 *   scenario.json: resources[12].station: unknown station "HFRS-XX"
 *
 * The parts live beside this file by concept (places, resources, standards, incident types), all
 * reading through the one Checker (proto/checker.ts) in the scenario's wording (check.ts).
 * docs/scenario.md lists the rules.
 */
import { isObj, typeName } from '../../../proto/checker.ts';
import { JcrError } from '../errors.ts';
import { scenarioChecker, type ScenarioProblem } from './check.ts';
import { checkIncidentTypes } from './incident-types.ts';
import { checkBounds, checkDemandList, checkPlaces } from './places.ts';
import { checkCrewing, checkResources, checkSpeedProfiles } from './resources.ts';
import { checkAlertRules } from './alert-rules.ts';
import { checkShifts } from './shifts.ts';
import { checkStandards } from './standards.ts';
import type { Scenario } from './types.ts';

export type { ScenarioProblem } from './check.ts';

const FORMATS = ['osm-pbf', 'osm-xml', 'geojson'] as const;
/** The message lists at most this many lines; details.errors always has them all. */
const MAX_LINES = 200;

function collectProblems(raw: unknown): ScenarioProblem[] {
  const { c, problems } = scenarioChecker();
  if (!isObj(raw)) {
    c.fail('', `expected a JSON object, got ${typeName(raw)}`);
    return problems;
  }
  const r = raw;
  c.str(r, 'id', '');
  c.str(r, 'name', '');
  c.str(r, 'description', '', { optional: true });
  const tz = c.str(r, 'timezone', '');
  if (tz !== undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    } catch {
      c.fail('timezone', `unknown time zone ${JSON.stringify(tz)}`);
    }
  }
  const bounds = checkBounds(c, r);
  checkCrewing(c, r);
  const places = checkPlaces(c, r, bounds);
  const vehicleClasses = checkSpeedProfiles(c, r);
  const offeredBy = checkResources(c, r, places, vehicleClasses);
  const standardIds = checkStandards(c, r, offeredBy);
  checkIncidentTypes(c, r, offeredBy, standardIds);

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
  c.str(r, 'demandFile', '', { optional: true });

  const rules = c.obj(r, 'rules', '');
  if (rules !== undefined) {
    c.bool(rules, 'coResponderRequiresCover', 'rules');
    c.num(rules, 'coResponderMarginS', 'rules', { optional: true, min: 0, max: 3600, what: 'seconds' });
  }

  checkShifts(c, r);
  const typeIds = new Set<string>();
  const types = r['incidentTypes'];
  if (Array.isArray(types)) for (const t of types) if (isObj(t) && typeof t['id'] === 'string') typeIds.add(t['id']);
  checkAlertRules(c, r, typeIds);

  return problems;
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
  const bounds = isObj(scenarioRaw) ? checkBounds(scenarioChecker().c, scenarioRaw) : undefined;
  const { c, problems } = scenarioChecker();
  checkDemandList(c, raw, '', bounds);
  return problems;
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
