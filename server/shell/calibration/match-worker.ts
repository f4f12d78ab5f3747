/**
 * Map matching off the event loop: a worker thread (./match-thread.ts) over the graph in shared
 * memory. `match(trips)` answers with each trip's traversals; requests are answered in order.
 * The worker is unref'd while idle; a crash fails the requests waiting (the next calibration run
 * starts a new one).
 */
import type { Worker } from 'node:worker_threads';
import type { MatchOptions } from '../../core/calibration/matcher.ts';
import type { TripTrace, TripTraversals } from '../../core/calibration/trips.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import type { SpeedProfile } from '../../core/scenario/types.ts';
import { shareGraph, type SharedGraph } from '../cover/shared-graph.ts';
import { startTsWorker } from '../ts-worker.ts';
import type { MatchInit, MatchReply } from './match-protocol.ts';

export class MatchWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: TripTraversals[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private dead: Error | null = null;

  constructor(
    graph: RoadGraph | SharedGraph,
    speedProfiles: Readonly<Record<string, SpeedProfile>>,
    match: MatchOptions = {},
  ) {
    const shared = 'buffer' in graph ? graph : shareGraph(graph);
    const init: MatchInit = { graph: shared, speedProfiles: { ...speedProfiles }, match };
    this.worker = startTsWorker(new URL('./match-thread.ts', import.meta.url), init);
    this.worker.unref();
    this.worker.on('message', (m: MatchReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`map matching failed: ${m.error}`));
    });
    this.worker.on('exit', (code) => this.fail(new Error(`the map-matching worker stopped (exit ${code})`)));
    this.worker.on('error', (e) => this.fail(e));
  }

  match(trips: TripTrace[]): Promise<TripTraversals[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, trips });
    });
  }

  async close(): Promise<void> {
    this.dead ??= new Error('the map-matching worker is closed');
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
