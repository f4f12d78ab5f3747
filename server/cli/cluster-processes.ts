/**
 * The processes `npm run cluster` runs (server/cli/cluster.ts), and the order they stop in.
 * Ctrl+C stops them in stages: the simulator and the gateways first, then the instances (the
 * leader drains and deletes its lease key, which needs NATS up), then the NATS nodes. Each stage
 * is sent SIGTERM and waited for, at most `graceMs`; what is left then is SIGKILLed and waited
 * for before the next stage. Once stopping, nothing more starts: a start that was still waiting
 * (the simulator waits for the primary to lead) is refused. The launcher starts each process in a
 * process group of its own, so a terminal's Ctrl+C reaches the launcher only, not every process
 * at once, and SIGKILLs what is left if it exits any other way.
 */
import type { Timers } from '../../proto/timer.ts';

/** Stop order: the first stage stops first. */
export const STOP_STAGES = ['front', 'instance', 'nats'] as const;
export type StopStage = (typeof STOP_STAGES)[number];

/** What the group needs of a child process: node's ChildProcess has it, tests pass fakes. */
export interface Child {
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  kill(signal: 'SIGTERM' | 'SIGKILL'): boolean;
  once(event: 'exit', listener: () => void): unknown;
}

const running = (c: Child) => c.exitCode === null && c.signalCode === null;

export class ClusterProcesses<C extends Child> {
  private readonly children: Array<{ name: string; stage: StopStage; child: C }> = [];
  private stopped: Promise<void> | null = null;

  constructor(private readonly o: { timers: Timers; graceMs: number; log: (line: string) => void }) {}

  get stopping(): boolean {
    return this.stopped !== null;
  }

  /** Start a process (`start` spawns it) that stops in `stage`; once stopping, nothing: null. */
  run(name: string, stage: StopStage, start: () => C): C | null {
    if (this.stopping) return null;
    const child = start();
    this.children.push({ name, stage, child });
    return child;
  }

  /** SIGKILL whatever still runs, at once: the launcher is exiting without an ordered stop (it failed). */
  killNow(): void {
    for (const { child } of this.children) if (running(child)) child.kill('SIGKILL');
  }

  /** Stop every stage in order; resolves when all have exited. Called again: the same stop. */
  stop(): Promise<void> {
    return (this.stopped ??= this.stopInOrder());
  }

  private async stopInOrder(): Promise<void> {
    for (const stage of STOP_STAGES) {
      const alive = this.children.filter((c) => c.stage === stage && running(c.child));
      if (alive.length === 0) continue;
      // Listen before the signal: an exit must not slip between kill and once.
      const exited = Promise.all(
        alive.map(({ child }) => new Promise<void>((r) => (running(child) ? child.once('exit', r) : r()))),
      );
      this.o.log(`stopping ${alive.map((c) => c.name).join(', ')}`);
      for (const { child } of alive) child.kill('SIGTERM');
      let timer: unknown;
      const late = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => (timer = this.o.timers.setTimeout(() => r(true), this.o.graceMs))),
      ]);
      this.o.timers.clearTimeout(timer);
      if (!late) continue;
      const left = alive.filter((c) => running(c.child));
      this.o.log(`${left.map((c) => c.name).join(', ')} still running after ${this.o.graceMs} ms: SIGKILL`);
      for (const { child } of left) child.kill('SIGKILL');
      await exited;
    }
  }
}
