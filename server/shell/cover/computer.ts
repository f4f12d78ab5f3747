/**
 * Where the cover service's computations run: `WorkerComputer` (the server: a worker thread,
 * ./worker.ts, so a recompute never blocks ingest or fan-out) or `InlineComputer` (the same
 * CoverCalc on the calling thread, for unit tests and tools). Both take requests in order and
 * answer with promises; each request carries the availability changes since the last one.
 */
import { Worker } from 'node:worker_threads';
import { ERRORS, JcrError, type ErrorCode } from '../../core/errors.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import type { CoverOptions } from '../../core/cover/model.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import type { Logger } from '../log.ts';
import { answer, type PlannerBase } from './answer.ts';
import { CoverCalc, type AvailabilityChange } from './calc.ts';
import type { CoverAnswers, CoverAsk, CoverReply, CoverRequest, WorkerInit } from './protocol.ts';
import { shareGraph, type SharedGraph } from './shared-graph.ts';
import { startTsWorker } from '../ts-worker.ts';

export interface CoverComputer {
  request<A extends CoverAsk>(changes: AvailabilityChange[], ask: A): Promise<CoverAnswers[A['kind']]>;
  /** Called when the computer lost its copy of the fleet (worker restarted): send every resource again. */
  onReset(listener: () => void): void;
  /** Restarts after a crash so far. */
  readonly restarts: number;
  close(): Promise<void>;
}

/** The worker stopped with this request unanswered; it is being restarted (callers may retry). */
export class CoverWorkerLost extends JcrError {
  constructor(message: string) {
    super('JCR_NOT_READY', message);
  }
}

export class InlineComputer implements CoverComputer {
  readonly calc: CoverCalc;
  readonly restarts = 0;
  private readonly base: PlannerBase;

  constructor(planner: JourneyPlanner, scenario: Scenario, model: CoverOptions = {}) {
    this.calc = new CoverCalc(planner, scenario, model);
    this.base = {
      graph: planner.graph,
      speedProfiles: planner.speed.profiles,
      maxSnapM: planner.maxSnapM,
      offRoadKmh: planner.offRoadKmh,
    };
  }

  request<A extends CoverAsk>(changes: AvailabilityChange[], ask: A): Promise<CoverAnswers[A['kind']]> {
    try {
      this.calc.apply(changes);
      return Promise.resolve(answer(this.calc, ask, this.base) as CoverAnswers[A['kind']]);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  onReset(): void {
    // an in-process calc never loses its state
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface WorkerComputerOptions {
  planner: JourneyPlanner;
  scenario: Scenario;
  model?: CoverOptions;
  log?: Logger | undefined;
  /** The graph in shared memory; made from planner.graph when not given. */
  shared?: SharedGraph;
  /** First restart delay after a crash, doubled per further crash without an answer in between, at most 30 s (default 250). */
  restartDelayMs?: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * The cover worker's main-thread half: starts it with the shared graph, matches answers to
 * requests, and restarts it after a crash (logged; unanswered requests fail with
 * CoverWorkerLost; reset listeners resend the fleet). The worker is unref'd while idle so it
 * never keeps a process alive, and ref'd while a request waits so an await on it cannot be cut
 * short by the process exiting.
 */
export class WorkerComputer implements CoverComputer {
  private readonly init: WorkerInit;
  private readonly log: Logger | undefined;
  private readonly restartDelayMs: number;
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  /** Requests made while no worker runs (between a crash and its restart). */
  private queue: CoverRequest[] = [];
  private readonly resetListeners: Array<() => void> = [];
  private nextId = 1;
  private crashesInARow = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Worker starts and crashes so far (metrics, tests). */
  readonly stats = { starts: 0, crashes: 0 };

  get restarts(): number {
    return Math.max(0, this.stats.starts - 1);
  }

  constructor(opts: WorkerComputerOptions) {
    const p = opts.planner;
    this.init = {
      graph: opts.shared ?? shareGraph(p.graph),
      scenario: opts.scenario,
      speedProfiles: { ...p.speed.profiles },
      maxSnapM: p.maxSnapM,
      offRoadKmh: p.offRoadKmh,
      model: opts.model ?? {},
      speeds: null,
    };
    this.log = opts.log;
    this.restartDelayMs = opts.restartDelayMs ?? 250;
    this.start();
  }

  private start(): void {
    this.restartTimer = null;
    if (this.closed) return;
    const w = startTsWorker(new URL('./worker.ts', import.meta.url), this.init);
    this.worker = w;
    this.stats.starts++;
    w.unref();
    w.on('message', (m: CoverReply) => this.answer(m));
    w.on('error', (e) => this.log?.error('cover worker failed', { err: e.stack ?? e.message }));
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.worker = null;
      if (!this.closed) this.crashed(code);
    });
    const queued = this.queue;
    this.queue = [];
    for (const r of queued) this.post(r);
  }

  private crashed(code: number): void {
    this.stats.crashes++;
    this.crashesInARow++;
    const delay = Math.min(30_000, this.restartDelayMs * 2 ** (this.crashesInARow - 1));
    this.log?.error('cover worker stopped; restarting, the last cover picture is kept meanwhile', {
      exitCode: code,
      unanswered: this.pending.size + this.queue.length,
      restartInMs: delay,
    });
    // The new worker starts with no fleet: listeners resend it with their next request.
    for (const l of this.resetListeners) l();
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const p of lost) p.reject(new CoverWorkerLost('the cover worker stopped before answering; it is restarting'));
    this.restartTimer = setTimeout(() => this.start(), delay);
    this.restartTimer.unref();
  }

  private answer(m: CoverReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker?.unref();
    this.crashesInARow = 0;
    if (m.ok) p.resolve(m.value);
    else {
      const code = m.error.code;
      p.reject(
        code !== undefined && code in ERRORS
          ? new JcrError(code as ErrorCode, m.error.message)
          : new JcrError('JCR_INTERNAL', `cover computation failed: ${m.error.message}`),
      );
    }
  }

  private post(r: CoverRequest): void {
    const w = this.worker;
    if (!w) {
      this.queue.push(r);
      this.restartTimer?.ref(); // a caller waits on the restart now: keep the process up for it
      return;
    }
    w.ref();
    w.postMessage(r);
  }

  request<A extends CoverAsk>(changes: AvailabilityChange[], ask: A): Promise<CoverAnswers[A['kind']]> {
    if (this.closed) return Promise.reject(new JcrError('JCR_NOT_READY', 'the cover service is closed'));
    // a restarted worker starts with the speeds last asked for
    if (ask.kind === 'speeds') this.init.speeds = (ask as Extract<CoverAsk, { kind: 'speeds' }>).speeds;
    const id = this.nextId++;
    return new Promise<CoverAnswers[A['kind']]>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as CoverAnswers[A['kind']]), reject });
      this.post({ id, changes, ask });
    });
  }

  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  /** Stop the running worker as a crash would (tests of the restart path). */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const w = this.worker;
    this.worker = null;
    const lost = [...this.pending.values()];
    this.pending.clear();
    this.queue = [];
    for (const p of lost) p.reject(new JcrError('JCR_NOT_READY', 'the cover service is closed'));
    if (w) await w.terminate();
  }
}
