/**
 * `npm run bench -- transfer`: two control rooms on loopback exchanging MAIT messages (issue 18).
 *
 * 'herts' and 'beds', both over the mini scenario (test/fixtures), in this process on the real
 * clock and timers, each the other's partner, signed XML over HTTP. Acknowledgement latency:
 * one transfer at a time, seeded incident positions in the partner's area, the time from the
 * Create queued (the operator's "sent") to beds' Acknowledge (received) applied at herts; 20
 * warm-up then N measured. Throughput: M Updates queued at once over the transferred incidents
 * (notes), time until herts' outbox has drained, one message in flight per partner.
 *
 * The last line is one JSON object: { transfers, ack_p50_ms, ack_p99_ms, messages, messages_per_s }.
 *   npm run bench -- transfer [--transfers N] [--messages M] [--seed S]
 */
import type { MaitPartners } from '../proto/mait.ts';
import { seededRandom } from '../server/core/clock.ts';
import { incidentContent } from '../server/core/mait/content.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from '../test/fixtures/mini-scenario.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => Number(args[args.indexOf(`--${name}`) + 1] ?? 0) || dflt;
const N = arg('transfers', 300);
const M = arg('messages', 2000);
const SEED = arg('seed', 18);
const WARMUP = 20;
const rnd = seededRandom(SEED);

const A = 'bench-herts-to-beds-0123456789abcdef01234567';
const B = 'bench-beds-to-herts-0123456789abcdef01234567';
const types = [{ ours: 'dwelling-fire', theirs: 'dwelling-fire' }];
const box = (s: number, n: number): Array<[number, number]> => [
  [-0.7, s],
  [0.2, s],
  [0.2, n],
  [-0.7, n],
];
const partners = (
  id: string,
  other: string,
  out: string,
  inn: string,
  area: Array<[number, number]>,
): MaitPartners => ({
  room: { id, name: id },
  partners: [
    { id: other, name: other, baseUrl: 'http://127.0.0.1:9', area, types, secrets: { outbound: out, inbound: inn } },
  ],
});

const herts = await startServer({
  scenario: miniScenario(),
  db: ':memory:',
  port: 0,
  log: 'error',
  mait: { partners: partners('herts', 'beds', A, B, box(51.85, 52.3)) },
});
const beds = await startServer({
  scenario: miniScenario(),
  db: ':memory:',
  port: 0,
  log: 'error',
  mait: { partners: partners('beds', 'herts', B, A, box(51.6, 51.85)) },
});
herts.mait!.partners.partners[0]!.baseUrl = beds.url;
beds.mait!.partners.partners[0]!.baseUrl = herts.url;
const op = { origin: 'operator', actor: 'bench' } as const;

// Resolves when beds' acknowledgement (received) of our incident's Create is applied here.
const waiting = new Map<string, () => void>();
herts.engine.onEvents((events) => {
  for (const e of events) {
    if (e.type !== 'mait.received' || e.data.message.kind !== 'Acknowledge') continue;
    waiting.get(e.data.message.incident.id)?.();
  }
});

const incidents: string[] = [];
async function oneTransfer(): Promise<number> {
  const lat = 51.86 + rnd() * 0.08;
  const lon = -0.45 + rnd() * 0.3;
  const [created] = herts.engine.execute(
    { type: 'incident.create', typeId: 'dwelling-fire', lat, lon, address: `${Math.floor(rnd() * 200)} Bench Road` },
    op,
  );
  const id = (created!.data as { incidentId: string }).incidentId;
  incidents.push(id);
  const inc = herts.engine.room.incidents.get(id)!;
  const acked = new Promise<void>((r) => waiting.set(id, r));
  const t0 = performance.now();
  herts.engine.execute(
    {
      type: 'mait.send',
      partnerId: 'beds',
      incidentId: id,
      draft: {
        kind: 'Create',
        incident: { room: 'herts', id },
        content: incidentContent(inc, herts.engine.room.scenario, 'dwelling-fire', []),
      },
    },
    op,
  );
  await acked;
  waiting.delete(id);
  return performance.now() - t0;
}

for (let i = 0; i < WARMUP; i++) await oneTransfer();
const ack: number[] = [];
for (let i = 0; i < N; i++) ack.push(await oneTransfer());
ack.sort((a, b) => a - b);
const pct = (p: number) => ack[Math.min(ack.length - 1, Math.floor((p / 100) * ack.length))]!;

// Throughput: M notes on the transferred incidents, each an Update to beds.
const before = beds.engine.room.lastSeq;
const t0 = performance.now();
for (let i = 0; i < M; i++)
  herts.engine.execute(
    { type: 'operator.note', incidentId: incidents[i % incidents.length]!, text: `bench note ${i}` },
    op,
  );
const queuedMs = performance.now() - t0;
while (herts.mait!.outbox.pendingCount('beds') > 0) await new Promise((r) => setTimeout(r, 5));
const seconds = (performance.now() - t0) / 1000;
const applied = [...beds.engine.store.events(before)].filter((e) => e.type === 'mait.received').length;

console.log(
  `acknowledgement, ${N} transfers after ${WARMUP} warm-up: p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${ack[ack.length - 1]!.toFixed(2)} ms`,
);
console.log(
  `throughput: ${M} Updates queued in ${queuedMs.toFixed(0)} ms, delivered and applied (${applied}) in ${seconds.toFixed(2)} s`,
);
await herts.close();
await beds.close();
console.log(
  JSON.stringify({
    transfers: N,
    ack_p50_ms: Number(pct(50).toFixed(2)),
    ack_p99_ms: Number(pct(99).toFixed(2)),
    messages: M,
    messages_per_s: Math.round(M / seconds),
  }),
);
