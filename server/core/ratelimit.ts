import type { Clock } from './clock.ts';

/**
 * Keyed token buckets: `capacity` tokens per key, refilled at `perSecond`. Bounded in memory:
 * at most `maxKeys` buckets; when full, buckets that have refilled completely (and so carry no
 * information) are dropped first, then the oldest.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    readonly capacity: number,
    readonly perSecond: number,
    readonly maxKeys = 10_000,
  ) {}

  /** Take `n` tokens for `key`; false, and nothing taken, if there are not enough. */
  take(key: string, n = 1): boolean {
    const now = this.clock();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      b = { tokens: this.capacity, at: now };
      this.buckets.set(key, b);
    } else if (now > b.at) {
      // Only forward time refills: a clock stepped backwards must not drain or overfill a bucket.
      b.tokens = Math.min(this.capacity, b.tokens + ((now - b.at) / 1000) * this.perSecond);
      b.at = now;
    }
    if (b.tokens < n) return false;
    b.tokens -= n;
    return true;
  }

  /** Give back `n` tokens taken for `key` (an attempt that turned out not to count), up to capacity. */
  give(key: string, n = 1): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.capacity, b.tokens + n);
  }

  /** Seconds until `key` has `n` tokens again (for Retry-After). */
  retryAfterS(key: string, n = 1): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    const now = this.clock();
    const tokens = Math.min(this.capacity, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    return tokens >= n ? 0 : Math.ceil((n - tokens) / this.perSecond);
  }

  /** A bucket as it stands (cluster mode shares failed sign-ins between instances), if any. */
  peek(key: string): { tokens: number; at: number } | undefined {
    const b = this.buckets.get(key);
    return b && { tokens: b.tokens, at: b.at };
  }

  /** Set a bucket to a shared copy (its tokens bounded by this limiter's capacity). */
  restore(key: string, state: { tokens: number; at: number }): void {
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) this.evict(this.clock());
    this.buckets.set(key, { tokens: Math.max(0, Math.min(this.capacity, state.tokens)), at: state.at });
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.capacity) this.buckets.delete(k);
    }
    while (this.buckets.size >= this.maxKeys) {
      const first = this.buckets.keys().next();
      if (first.done) break;
      this.buckets.delete(first.value);
    }
  }
}
