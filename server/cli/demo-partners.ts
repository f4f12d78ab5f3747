/**
 * Two control rooms that are each other's partner (issue 18 item 6): Hertfordshire and
 * Bedfordshire (built once with the England scenario builder into var/demo-partners/), each its
 * own server with the fleet simulator, on two ports, with fresh partners files and fresh secrets
 * per direction on every start. A transfer can be watched end to end: "Transfer to partner" on a
 * Hertfordshire incident near Luton, Accept in Bedfordshire's inbox, both timelines.
 *
 *   npm run demo:partners [-- --port-a 8080 --port-b 8081 --fresh]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { partnerPair, type PairRoom } from '../../sim/scenarios/partners/pair.ts';
import { CliExit, readArgs, runCli, usageError } from '../shell/cli.ts';

const USAGE = `usage: npm run demo:partners [-- options]
Starts Hertfordshire and Bedfordshire as two partner control rooms, each with its simulated
fleet, so an incident can be transferred from one to the other (docs/mait.md).

  --port-a N   Hertfordshire's port (default 8080)
  --port-b N   Bedfordshire's port (default 8081)
  --fresh      forget both rooms' databases (incidents, transfers, outboxes) first
  -h, --help   this text`;

const DIR = 'var/demo-partners';
const HERTS = 'sim/scenarios/hertfordshire/scenario.json';
const BEDS_DIR = join(DIR, 'bedfordshire');
const BEDS = join(BEDS_DIR, 'scenario.json');

function port(v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw usageError(`--port-a and --port-b must be 1..65535, not ${v}`);
  return n;
}

function typeIds(file: string): string[] {
  const s = JSON.parse(readFileSync(file, 'utf8')) as { incidentTypes: Array<{ id: string }> };
  return s.incidentTypes.map((t) => t.id);
}

/** Run a step to completion, its output shown; a failure ends the demo. */
function step(what: string, args: string[]): void {
  process.stdout.write(`demo: ${what}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new CliExit(1, `error: ${what} failed (exit ${r.status ?? r.signal})`);
}

/** One room's server with its simulator; its lines prefixed with the room's id. */
function room(id: string, scenario: string, partners: string, p: number): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/main.ts',
      '--sim',
      '--scenario',
      scenario,
      '--partners',
      partners,
      '--port',
      String(p),
      '--db',
      join(DIR, `${id}.sqlite`),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const prefix = (out: NodeJS.WriteStream) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') out.write(`[${id}] ${line}\n`);
  };
  child.stdout?.on('data', prefix(process.stdout));
  child.stderr?.on('data', prefix(process.stderr));
  return child;
}

runCli(async () => {
  const { values } = readArgs({
    usage: USAGE,
    options: { 'port-a': { type: 'string' }, 'port-b': { type: 'string' }, fresh: { type: 'boolean' } },
    positionals: false,
  });
  const portA = port(values['port-a'], 8080);
  const portB = port(values['port-b'], 8081);
  if (portA === portB) throw usageError('--port-a and --port-b must differ: two rooms, two ports');
  mkdirSync(DIR, { recursive: true });
  if (values.fresh === true)
    for (const id of ['hertfordshire', 'bedfordshire'])
      for (const ext of ['', '-wal', '-shm']) rmSync(join(DIR, `${id}.sqlite${ext}`), { force: true });
  if (!existsSync(BEDS))
    step('building the Bedfordshire scenario', [
      'server/cli/scenario.ts',
      'build',
      '--service',
      'Bedfordshire',
      '--out',
      BEDS_DIR,
    ]);
  step('building the client', ['client/build.ts']);

  const areas = JSON.parse(readFileSync('sim/scenarios/partners/areas.json', 'utf8')) as Record<
    string,
    Array<[number, number]>
  >;
  const a: PairRoom = {
    id: 'hertfordshire',
    name: 'Hertfordshire',
    baseUrl: `http://127.0.0.1:${portA}`,
    area: areas['hertfordshire']!,
    typeIds: typeIds(HERTS),
  };
  const b: PairRoom = {
    id: 'bedfordshire',
    name: 'Bedfordshire',
    baseUrl: `http://127.0.0.1:${portB}`,
    area: areas['bedfordshire']!,
    typeIds: typeIds(BEDS),
  };
  // Fresh secrets each start: nothing to keep, and none in the repository.
  const [filesA, filesB] = partnerPair(a, b, () => randomBytes(32).toString('base64url'));
  const partnersA = join(DIR, 'hertfordshire-partners.json');
  const partnersB = join(DIR, 'bedfordshire-partners.json');
  writeFileSync(partnersA, JSON.stringify(filesA, null, 2), { mode: 0o600 });
  writeFileSync(partnersB, JSON.stringify(filesB, null, 2), { mode: 0o600 });

  const children = [room('hertfordshire', HERTS, partnersA, portA), room('bedfordshire', BEDS, partnersB, portB)];
  process.stdout.write(
    `demo: Hertfordshire at http://localhost:${portA}, Bedfordshire at http://localhost:${portB}\n` +
      'demo: each room prints its sign-in accounts; transfer an incident near Luton from one to the other.\n',
  );
  let stopping = false;
  const stop = () => {
    stopping = true;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The demo ends when either room does: a room alone is not the demo. A room that ended by
  // itself (a port in use, a bad file) ends the demo with a failure, not exit 0.
  const failed = await new Promise<string | null>((done) => {
    children.forEach((c, i) =>
      c.on('exit', (code, signal) => {
        const own = stopping;
        stop();
        // Exit 0 is a room shut down by a signal (Ctrl+C reaches the whole process group).
        done(
          own || code === 0 ? null : `${i === 0 ? 'hertfordshire' : 'bedfordshire'} stopped (exit ${code ?? signal})`,
        );
      }),
    );
  });
  if (failed !== null) throw new CliExit(1, `error: ${failed}`);
});
