/**
 * `npm run bench -- relay [--rounds N]`: what one batch an AVL gateway relays to the leader costs
 * in CPU on each side (issue #21), the JSON batch of before and the protobuf one
 * (server/shell/cluster/relay-batch.ts) side by side in one process, and the leader's feed check
 * per batch uncached and cached (FeedRegistry.authenticateHashCached). A batch is 100 reports of
 * one resource, as in `npm run bench -- cluster`. Each figure: CPU µs per batch (process.cpuUsage
 * over ITERATIONS after a warm-up), median of --rounds. The feed check runs after another SQLite
 * connection commits 100 rows, as the position-history writer does between batches. Last line:
 * one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AvlReportIn } from '../server/core/avl/ingest.ts';
import { AvlBatchReader } from '../server/shell/avl/batch-reader.ts';
import { FeedRegistry, sha256Hex } from '../server/shell/avl/feeds.ts';
import { encodeRelayedBatch, readRelayedBatch } from '../server/shell/cluster/relay-batch.ts';
import { Store } from '../server/shell/store/store.ts';

const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf('--rounds') + 1] ?? 0) || 5;
const ITERATIONS = 5000;
const IDS = ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7'];
const t0 = Date.now() - 3_600_000;
const reports: AvlReportIn[] = Array.from({ length: 100 }, (_, k) => ({
  resourceId: 'R0',
  lat: 51.6005 + k * 1e-6,
  lon: -0.111,
  speedMps: 12.5,
  headingDeg: 90,
  fixTimeMs: t0 + k,
  accuracyM: 5,
  status: 0,
}));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** CPU µs per call of `f` (the `between` work not counted), median of ROUNDS. */
function cpuUs(f: () => unknown, between?: () => void): number {
  for (let i = 0; i < 500; i++) f();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let us = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      between?.();
      const from = process.cpuUsage();
      f();
      const u = process.cpuUsage(from);
      us += u.user + u.system;
    }
    rounds.push(us / ITERATIONS);
  }
  return Number(median(rounds).toFixed(2));
}

const dir = mkdtempSync(join(tmpdir(), 'jcr-bench-relay-'));
try {
  const file = join(dir, 'room.sqlite');
  const store = Store.open(file);
  const feeds = new FeedRegistry(store.db, Date.now);
  const hash = sha256Hex(feeds.add('bench-r0', null));

  // Before: the JSON body the gateway sent and the leader parsed (as the NATS message's json()).
  const jsonBody = new TextEncoder().encode(JSON.stringify({ t: hash, r: reports, n: reports.length }));
  const decoder = new TextDecoder();
  const binBody = encodeRelayedBatch(hash, reports.length, reports);
  const reader = new AvlBatchReader(IDS, 101);
  const same = readRelayedBatch(reader, binBody, 100);
  if (JSON.stringify(same.reports) !== JSON.stringify(reports)) throw new Error('protobuf relay changed a report');

  const encodeJson = cpuUs(() => JSON.stringify({ t: hash, r: reports.map((r) => ({ ...r })), n: reports.length }));
  const encodeBin = cpuUs(() => encodeRelayedBatch(hash, reports.length, reports));
  const decodeJson = cpuUs(() => JSON.parse(decoder.decode(jsonBody)));
  const decodeBin = cpuUs(() => readRelayedBatch(reader, binBody, 100));

  // Another connection commits between batches, as the history writer thread does.
  const other = new Database(file);
  other.exec('CREATE TABLE bench_rows (a INTEGER, b TEXT)');
  const insert = other.prepare('INSERT INTO bench_rows VALUES (?, ?)');
  const commit = other.transaction(() => {
    for (let k = 0; k < 100; k++) insert.run(k, 'x'.repeat(40));
  });
  const feedSql = cpuUs(() => feeds.authenticateHash(hash), commit);
  const feedCached = cpuUs(() => feeds.authenticateHashCached(hash), commit);
  other.close();
  store.close();

  console.log(`relayed batch of 100 reports: JSON ${jsonBody.length} bytes, protobuf ${binBody.length} bytes`);
  console.log(`gateway encode, CPU µs a batch: JSON ${encodeJson}, protobuf ${encodeBin}`);
  console.log(`leader decode, CPU µs a batch: JSON ${decodeJson}, protobuf ${decodeBin}`);
  console.log(`leader feed check, CPU µs a batch: SQLite ${feedSql}, cached ${feedCached}`);
  console.log(
    JSON.stringify({
      json_bytes: jsonBody.length,
      protobuf_bytes: binBody.length,
      gateway_encode_json_us: encodeJson,
      gateway_encode_protobuf_us: encodeBin,
      leader_decode_json_us: decodeJson,
      leader_decode_protobuf_us: decodeBin,
      leader_feed_check_sql_us: feedSql,
      leader_feed_check_cached_us: feedCached,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
