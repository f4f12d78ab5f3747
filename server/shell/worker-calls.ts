/**
 * Requests to a worker thread answered in order, each `{ id, ok, value | error }` back: the
 * main-thread half shared by the map-matching worker and the band-trees worker
 * (server/shell/calibration/). The worker is unref'd while idle, so it never holds a process
 * open, and ref'd while a request waits; a crash fails the requests waiting and every later one
 * (the owner starts a new one if it wants).
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from './ts-worker.ts';

/** A worker's answer to one request. */
export type WorkerReply<T> = { id: number; ok: true; value: T } | { id: number; ok: false; error: string };

export class WorkerCalls<Req, Res> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: Res) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private dead: Error | null = null;

  /** `what` names the worker in errors ("map matching"). */
  constructor(
    entry: URL,
    workerData: unknown,
    private readonly what: string,
  ) {
    this.worker = startTsWorker(entry, workerData);
    this.worker.unref();
    this.worker.on('message', (m: WorkerReply<Res>) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`${this.what} failed: ${m.error}`));
    });
    this.worker.on('exit', (code) => this.fail(new Error(`the ${what} worker stopped (exit ${code})`)));
    this.worker.on('error', (e) => this.fail(e));
  }

  call(req: Req): Promise<Res> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, ...req });
    });
  }

  async close(): Promise<void> {
    this.dead ??= new Error(`the ${this.what} worker is closed`);
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** The worker's half: answer each `{ id, ...req }` with `work(req)`, or the error it threw. */
export function answerCalls<Req, Res>(
  port: {
    on(e: 'message', f: (m: Req & { id: number }) => void): unknown;
    postMessage(m: unknown, t?: ArrayBuffer[]): void;
  },
  work: (req: Req) => Res,
  transfer: (res: Res) => ArrayBuffer[] = () => [],
): void {
  port.on('message', (m) => {
    let reply: WorkerReply<Res>;
    let moved: ArrayBuffer[] = [];
    try {
      const value = work(m);
      reply = { id: m.id, ok: true, value };
      moved = transfer(value);
    } catch (e) {
      reply = { id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply, moved);
  });
}
