/**
 * `npm run bench -- http [--seconds N] [--connections N]`: autocannon against the main REST reads
 * of a real server (Hertfordshire scenario, :memory: database, every resource with a fix): GET
 * /api/resources, /api/scenario, /api/incidents and the recommendation endpoint when they exist
 * (issue 5; skipped with a note while they answer 404). Signed in as a duty officer (bearer).
 * Ends with one JSON line of requests/s and latency percentiles per endpoint.
 */
import autocannon from 'autocannon';
import { arch, cpus, platform } from 'node:os';
import { parseArgs } from 'node:util';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import { startServer } from '../server/shell/server.ts';
import { createLogger } from '../server/shell/log.ts';
import { AvlClient } from '../sim/net/clients.ts';
import { loadScenarioNetwork } from '../server/shell/network/scenario-network.ts';
import { mobilisationFromPlanner } from '../server/shell/incidents/mobilisation.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, connections: { type: 'string' } } });
const SECONDS = Number(values.seconds ?? 5);
const CONNECTIONS = Number(values.connections ?? 10);
const TOKEN = 'bench-http-token-0123456789abcdef';

const SCENARIO = 'sim/scenarios/hertfordshire/scenario.json';
const scenario = loadScenario(SCENARIO);
// The road network makes recommendations real (journey times over the Hertfordshire graph), as in main.ts.
const { graph, planner } = loadScenarioNetwork(SCENARIO, scenario, createLogger('silent'));
const server = await startServer({
  scenario,
  db: ':memory:',
  port: 0,
  log: createLogger('silent'),
  avl: { token: TOKEN },
  roads: { graph, planner, mobilisation: mobilisationFromPlanner(planner, scenario) },
});
await server.users.create('bench', 'bench-password-123456', 'duty-officer');
const { token } = server.users.startSession('bench');
const auth = { authorization: `Bearer ${token}` };

// Every resource gets a fix, so /api/resources carries realistic live fields.
const avl = await AvlClient.connect(server.url, TOKEN);
const now = Date.now();
const stations = new Map(scenario.stations.map((s) => [s.id, s]));
await avl.send(
  scenario.resources.map((r) => ({
    resourceId: r.id,
    lat: stations.get(r.station)!.lat,
    lon: stations.get(r.station)!.lon,
    speedMps: 0,
    headingDeg: 0,
    fixTimeMs: now - 1000,
    accuracyM: 5,
    status: 0,
  })),
);
avl.close();

const targets: Array<{ name: string; method: 'GET' | 'POST'; path: string }> = [
  { name: 'GET /api/resources', method: 'GET', path: '/api/resources' },
  { name: 'GET /api/scenario', method: 'GET', path: '/api/scenario' },
];
const notes: string[] = [];
const probe = await fetch(server.url + '/api/incidents', { headers: auth });
if (probe.status === 200) {
  targets.push({ name: 'GET /api/incidents', method: 'GET', path: '/api/incidents' });
  const created = await fetch(server.url + '/api/incidents', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ typeId: 'dwelling-fire', lat: 51.7526, lon: -0.4692 }),
  });
  const body = (await created.json()) as { id?: string; incidentId?: string; incident?: { id?: string } };
  const id = body.id ?? body.incidentId ?? body.incident?.id;
  if (id && (await fetch(`${server.url}/api/incidents/${id}/recommendation`, { headers: auth })).status === 200) {
    targets.push({
      name: 'GET /api/incidents/:id/recommendation',
      method: 'GET',
      path: `/api/incidents/${id}/recommendation`,
    });
  } else notes.push('recommendation endpoint not available');
} else notes.push(`/api/incidents answered ${probe.status}: incidents and recommendation not benchmarked`);

// warm-up
await autocannon({ url: server.url + '/api/resources', connections: 2, duration: 1, headers: auth });

const results: Record<string, { reqPerS: number; p50Ms: number; p99Ms: number; errors: number; non2xx: number }> = {};
for (const t of targets) {
  const r = await autocannon({
    url: server.url + t.path,
    method: t.method,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: auth,
  });
  results[t.name] = {
    reqPerS: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  };
  process.stdout.write(
    `${t.name.padEnd(42)} ${String(Math.round(r.requests.average)).padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non-2xx ${r.non2xx}\n`,
  );
}
for (const n of notes) process.stdout.write(`note: ${n}\n`);
await server.close();
process.stdout.write(
  JSON.stringify({
    bench: 'http',
    seconds: SECONDS,
    connections: CONNECTIONS,
    node: process.version,
    machine: `${platform()}-${arch()} ${cpus()[0]?.model ?? ''} x${cpus().length}`,
    results,
    notes,
  }) + '\n',
);
