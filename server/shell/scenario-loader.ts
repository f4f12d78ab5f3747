/**
 * Reads a scenario file (and the files it names), validates it with the pure core validator
 * and resolves the road network file. Every failure is a JcrError('JCR_SCENARIO_INVALID')
 * whose message lines read `${file}: ${path}: ${reason}`; never a stack trace.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { demandProblems, scenarioError, validateScenario } from '../core/scenario/validate.ts';
import type { ScenarioProblem } from '../core/scenario/validate.ts';
import type { Scenario } from '../core/scenario/types.ts';

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: pos - start + 1 };
}

/** Read and parse one JSON file; a missing file or a syntax error becomes a one-line problem. */
function readJson(file: string, shownAs: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : '';
    const reason =
      code === 'ENOENT'
        ? `file not found ${JSON.stringify(file)}`
        : code === 'EISDIR'
          ? `is a directory, not a file ${JSON.stringify(file)}`
          : `cannot read ${JSON.stringify(file)} (${code || String(e)})`;
    throw scenarioError(shownAs, [{ path, reason }]);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /at position (\d+)/.exec(msg);
    // V8 words the reason differently between versions; keep its words but drop the position text.
    const why = msg.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    const where = m?.[1] !== undefined ? lineCol(text, Number(m[1])) : undefined;
    const reason =
      where !== undefined
        ? `invalid JSON at line ${where.line} column ${where.column}: ${why}`
        : `invalid JSON: ${why}`;
    throw scenarioError(shownAs, [{ path: '(json)', reason }]);
  }
}

/**
 * Load a scenario: `path` as given (it names the file in error lines). The returned scenario's
 * network.file is an absolute path; a demandFile's points are read into `demand`.
 */
export function loadScenario(path: string): Scenario {
  const abs = resolve(path);
  const dir = dirname(abs);
  const raw = readJson(abs, path, '(file)');

  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const obj = raw as Record<string, unknown>;
    const demandFile = obj['demandFile'];
    if (demandFile !== undefined) {
      if (typeof demandFile !== 'string' || demandFile.trim() === '') {
        validateScenario(raw, path); // reports the wrong type with every other problem
      } else if (obj['demand'] !== undefined) {
        throw scenarioError(path, [
          { path: 'demandFile', reason: 'give demand points inline or in a demandFile, not both' },
        ]);
      } else {
        const demandAbs = isAbsolute(demandFile) ? demandFile : resolve(dir, demandFile);
        let demand: unknown;
        try {
          demand = readJson(demandAbs, demandFile, '(file)');
        } catch (e) {
          // A missing demand file is the scenario's mistake: name the field that points to it.
          const missing = !existsSync(demandAbs);
          if (missing)
            throw scenarioError(path, [{ path: 'demandFile', reason: `file not found ${JSON.stringify(demandAbs)}` }]);
          throw e;
        }
        const problems: ScenarioProblem[] = demandProblems(demand, raw);
        if (problems.length > 0) throw scenarioError(demandFile, problems);
        obj['demand'] = demand;
      }
    }
  }

  const scenario = validateScenario(raw, path);
  const netAbs = isAbsolute(scenario.network.file) ? scenario.network.file : resolve(dir, scenario.network.file);
  let isFile = false;
  try {
    isFile = statSync(netAbs).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile)
    throw scenarioError(path, [{ path: 'network.file', reason: `file not found ${JSON.stringify(netAbs)}` }]);
  return { ...scenario, network: { ...scenario.network, file: netAbs } };
}
