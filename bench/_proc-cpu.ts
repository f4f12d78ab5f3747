/**
 * CPU time of child processes, read from /proc/<pid>/stat (utime + stime: every thread of the
 * process, the position-history worker and GC threads included), for benchmarks that divide a
 * process's CPU by the work it did. CPU time per unit of work is far less sensitive to a shared,
 * loaded machine than throughput: a process that waits for a core is not charged while it waits.
 * Resolution is one clock tick (10 ms on Linux), so measure over seconds, not milliseconds.
 */
import { readFileSync } from 'node:fs';

/** Ticks per second of utime/stime: Linux's USER_HZ, 100 on every architecture Node runs on. */
const TICKS_PER_S = 100;

/** A process's CPU time so far, in microseconds (all its threads, user and system). */
export function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3, the state.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]); // fields 14 (utime) and 15 (stime)
  return (ticks * 1e6) / TICKS_PER_S;
}

/** Named groups of processes; `take()` starts a window, its result ends it with each group's CPU µs. */
export type CpuGroups = Record<string, readonly number[]>;

export function cpuWindow(groups: CpuGroups): () => Record<string, number> {
  const sum = (pids: readonly number[]) => pids.reduce((s, pid) => s + processCpuUs(pid), 0);
  const from = Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, sum(pids)]));
  return () => Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, sum(pids) - (from[k] ?? 0)]));
}
