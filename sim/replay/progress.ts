/**
 * Replay progress: a one-line bar redrawn in place on a TTY, otherwise a plain line every few
 * seconds (CI logs). Pure formatting plus a tiny writer; the clock comes in as an argument.
 */
export interface ProgressState {
  done: number;
  total: number;
  /** Items per wall second since the start. */
  rate: number;
  /** How far the replay is behind its schedule, wall ms (0 = on time). */
  lagMs: number;
  /** Recording time reached, ms since its start. */
  virtualMs: number;
}

export function formatProgress(p: ProgressState, width = 30): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(frac * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const vt = formatClock(p.virtualMs);
  return `[${bar}] ${p.done}/${p.total} ${(frac * 100).toFixed(0).padStart(3)}%  ${p.rate.toFixed(0)} lines/s  lag ${p.lagMs.toFixed(0)} ms  t=${vt}`;
}

export function formatClock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export interface ProgressSink {
  update(p: ProgressState): void;
  end(): void;
}

/** Write progress to a stream: redraw on a TTY (at most every 100 ms), else a line every `everyMs`. */
export function progressWriter(
  out: { write(s: string): unknown; isTTY?: boolean },
  now: () => number,
  everyMs = 5000,
): ProgressSink {
  let last = -Infinity;
  let drawn = false;
  return {
    update(p) {
      const t = now();
      const gap = out.isTTY ? 100 : everyMs;
      if (t - last < gap && p.done < p.total) return;
      last = t;
      if (out.isTTY) {
        out.write('\r' + formatProgress(p) + '\x1b[K');
        drawn = true;
      } else out.write(formatProgress(p) + '\n');
    },
    end() {
      if (drawn) out.write('\n');
    },
  };
}

export const silentProgress: ProgressSink = { update() {}, end() {} };
