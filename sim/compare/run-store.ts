/**
 * Finished runs of the outcome report kept on disk (`compare --runs-dir DIR`), one JSON file per
 * (demand, seed, mode), so a long comparison can be stopped and resumed, or reported on the seeds
 * it has finished: a run already in DIR is read, not run again. Each file names the window and
 * world it was run in; a file from another window or world is refused, never mixed in.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mode, ModeRun, RunStore } from './compare.ts';

/** What a run depends on besides its demand, seed and mode. */
export interface RunWorld {
  scenario: string;
  startMs: number;
  durationMs: number;
  /** The true-traffic seed, or null at the planner's speeds. */
  trueTraffic: number | null;
  /** A recording's stream instead of generated ones (its file name), or null. */
  stream: string | null;
}

interface RunFile extends RunWorld {
  format: 'jcr-outcome-run';
  demand: number;
  seed: number;
  mode: Mode;
  run: Omit<ModeRun, 'responses'> & { responses: Record<string, Array<number | null>> };
}

export function dirRunStore(dir: string, world: RunWorld): RunStore {
  mkdirSync(dir, { recursive: true });
  const file = (demand: number, seed: number, mode: Mode) => join(dir, `d${demand}-s${seed}-${mode}.json`);
  return {
    get(demand, seed, mode) {
      const f = file(demand, seed, mode);
      if (!existsSync(f)) return undefined;
      const j = JSON.parse(readFileSync(f, 'utf8')) as RunFile;
      const same = (Object.keys(world) as Array<keyof RunWorld>).every((k) => j[k] === world[k]);
      if (j.format !== 'jcr-outcome-run' || !same || j.demand !== demand || j.seed !== seed || j.mode !== mode)
        throw new Error(`${f} is a run of another window or world: use another --runs-dir`);
      const responses = new Map(
        Object.entries(j.run.responses).map(([k, xs]) => [k, xs.map((x) => (x === null ? Infinity : x))]),
      );
      return { ...j.run, responses };
    },
    put(demand, seed, mode, run) {
      const body: RunFile = {
        format: 'jcr-outcome-run',
        ...world,
        demand,
        seed,
        mode,
        run: { ...run, responses: Object.fromEntries(run.responses) }, // Infinity serialises as null
      };
      const f = file(demand, seed, mode);
      writeFileSync(f + '.tmp', JSON.stringify(body) + '\n');
      renameSync(f + '.tmp', f); // a run stopped mid-write leaves no half file
    },
  };
}
