import { WebSocket } from 'ws';
import { fakeClock, type FakeClock } from '../../server/core/clock.ts';
import type { AvlLimits } from '../../server/core/avl/limits.ts';
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { decodeAck, encodeBatch, type AvlAckOut } from '../../server/shell/avl/codec.ts';
import { manualTimer, type ManualTimer } from './timers.ts';
import { createLogger } from '../../server/shell/log.ts';
import { startServer, type RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';

export const DEV_TOKEN = 'dev-token-for-tests-0123456789';
/** 2026-01-01T09:00:00Z, the fake clock's start. */
export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

export interface AvlTestServer {
  server: RunningServer;
  clock: FakeClock;
  timer: ManualTimer;
  wsUrl: string;
  close(): Promise<void>;
}

/** A server on the mini scenario (or `opts.scenario`) with its fake clock at T0 (or `opts.startMs`). */
export async function startAvlServer(
  limits: Partial<AvlLimits> = {},
  opts: { startMs?: number; scenario?: Scenario } = {},
): Promise<AvlTestServer> {
  const clock = fakeClock(opts.startMs ?? T0);
  const timer = manualTimer();
  const server = await startServer({
    scenario: opts.scenario ?? miniScenario(),
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: createLogger('silent'),
    timers: timer,
    avl: { token: DEV_TOKEN, limits },
  });
  return { server, clock, timer, wsUrl: server.url.replace('http', 'ws') + '/ws/avl', close: () => server.close() };
}

/** A report with every field set (protobufjs encodes what is set). */
export function report(
  resourceId: string,
  lat: number,
  lon: number,
  fixTimeMs: number,
  extra: Partial<AvlReportIn> = {},
): AvlReportIn {
  return { resourceId, lat, lon, speedMps: 10, headingDeg: 90, fixTimeMs, accuracyM: 5, status: 0, ...extra };
}

export interface AvlClient {
  ws: WebSocket;
  /** Send a batch and resolve with its ack. */
  send(seq: number, reports: ReadonlyArray<Partial<AvlReportIn>>): Promise<AvlAckOut>;
  sendRaw(bytes: Uint8Array | string): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Open an authenticated AVL connection (Bearer header by default, or ?token=). */
export function connect(
  url: string,
  token: string,
  how: 'bearer' | 'query' = 'bearer',
  opts: { autoPong?: boolean } = {},
): Promise<AvlClient> {
  const ws =
    how === 'bearer'
      ? new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, autoPong: opts.autoPong ?? true })
      : new WebSocket(`${url}?token=${encodeURIComponent(token)}`, { autoPong: opts.autoPong ?? true });
  const waiting = new Map<number, (a: AvlAckOut) => void>();
  const closed = new Promise<{ code: number; reason: string }>((res) =>
    ws.on('close', (code, reason) => res({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => {
    const ack = decodeAck(data as Buffer);
    const w = waiting.get(ack.seq);
    if (w) {
      waiting.delete(ack.seq);
      w(ack);
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        send(seq, reports) {
          return new Promise((res, rej) => {
            waiting.set(seq, res);
            ws.send(encodeBatch({ seq, reports }), (e) => e && rej(e));
            void closed.then(() => rej(new Error(`closed before ack ${seq}`)));
          });
        },
        sendRaw(bytes) {
          ws.send(bytes, { binary: typeof bytes !== 'string' });
        },
        closed,
        close: () => ws.close(),
      }),
    );
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.once('error', reject);
  });
}

/** Try to open a connection that should be refused; resolve with the HTTP status and JSON body. */
export function refusedUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => reject(new Error('connection was accepted')));
    ws.once('error', () => {});
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
  });
}
