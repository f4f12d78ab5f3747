/**
 * The state of <jcr-place-search>: what is typed, the answers, which one is highlighted, and the
 * one search in flight. Typing waits `debounceMs` before it asks; a newer keystroke cancels the
 * wait and aborts the request in flight, and an answer to an older query is dropped even if it
 * arrives. Queries are bounded (at most `maxChars`, at most `limit` answers). Pure of the DOM:
 * the lookup and the timers come in, so tests drive it by hand.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Timers, TimerHandle } from '../../../proto/timer.ts';
import type { PlaceAnswer } from '../../state/places.ts';

export type LookupResult = { ok: true; places: PlaceAnswer[] } | { ok: false; aborted: boolean; message: string };
/** Ask the gazetteer; `signal` aborts a stale request. */
export type PlaceLookup = (q: string, limit: number, signal: AbortSignal) => Promise<LookupResult>;

export interface PlaceSearchOptions {
  debounceMs?: number;
  /** Fewer characters than this (trimmed) ask nothing. */
  minChars?: number;
  maxChars?: number;
  limit?: number;
  timers?: Timers;
}

/** idle: nothing asked; waiting/searching: a search is due or in flight; then found, none or failed. */
export type SearchStatus = 'idle' | 'waiting' | 'searching' | 'found' | 'none' | 'failed';

export class PlaceSearchController implements ReactiveController {
  query = '';
  results: readonly PlaceAnswer[] = [];
  /** The (trimmed) query the results answer ('' for none). */
  answered = '';
  /** Index of the highlighted answer, -1 for none. */
  highlight = -1;
  /** The list of answers is shown. */
  open = false;
  status: SearchStatus = 'idle';
  /** Why the last search failed, in words. */
  error = '';
  /** Searches actually sent (for tests). */
  sent = 0;
  readonly debounceMs: number;
  readonly minChars: number;
  readonly maxChars: number;
  readonly limit: number;
  private readonly timers: Timers;
  private timer: TimerHandle | null = null;
  private inflight: AbortController | null = null;
  /** Bumped by every keystroke, choice and clear: an answer for an older generation is stale. */
  private generation = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly lookup: () => PlaceLookup,
    opts: PlaceSearchOptions = {},
  ) {
    this.debounceMs = opts.debounceMs ?? 150;
    this.minChars = opts.minChars ?? 2;
    this.maxChars = opts.maxChars ?? 200;
    this.limit = opts.limit ?? 8;
    this.timers = opts.timers ?? globalThis;
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.cancel();
  }

  /** The highlighted answer, if any. */
  get current(): PlaceAnswer | undefined {
    return this.highlight >= 0 ? this.results[this.highlight] : undefined;
  }

  /** The text changed: search it after the pause (or drop the answers if too short). */
  input(text: string): void {
    this.cancel();
    this.query = text.slice(0, this.maxChars);
    this.highlight = -1;
    this.error = '';
    const q = this.query.trim();
    if (q.length < this.minChars || !/[\p{L}\p{N}]/u.test(q)) {
      this.results = [];
      this.answered = '';
      this.open = false;
      this.status = 'idle';
    } else {
      this.status = 'waiting';
      const gen = this.generation;
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        void this.search(q, gen);
      }, this.debounceMs);
    }
    this.host.requestUpdate();
  }

  private async search(q: string, gen: number): Promise<void> {
    const ctl = new AbortController();
    this.inflight = ctl;
    this.status = 'searching';
    this.sent++;
    this.host.requestUpdate();
    const r = await this.lookup()(q, this.limit, ctl.signal);
    if (gen !== this.generation) return; // a newer keystroke, a choice or a clear came first
    this.inflight = null;
    this.answered = q;
    if (r.ok) {
      this.results = r.places.slice(0, this.limit);
      this.status = this.results.length > 0 ? 'found' : 'none';
      this.open = true;
    } else {
      this.results = [];
      this.status = 'failed';
      this.error = r.message;
      this.open = false;
    }
    this.highlight = -1;
    this.host.requestUpdate();
  }

  /** Arrow keys: move the highlight by `delta`, wrapping; opens the list. False when there is nothing to move over. */
  move(delta: 1 | -1): boolean {
    const n = this.results.length;
    if (n === 0) return false;
    this.open = true;
    if (this.highlight < 0) this.highlight = delta > 0 ? 0 : n - 1;
    else this.highlight = (this.highlight + delta + n) % n;
    this.host.requestUpdate();
    return true;
  }

  /** Highlight one answer (the pointer over it). */
  point(i: number): void {
    if (i < 0 || i >= this.results.length || i === this.highlight) return;
    this.highlight = i;
    this.host.requestUpdate();
  }

  /** Take the answer at `i` (default: the highlighted one): its label becomes the text. */
  choose(i = this.highlight): PlaceAnswer | undefined {
    const p = i >= 0 ? this.results[i] : undefined;
    if (!p) return undefined;
    this.cancel();
    this.query = p.label;
    this.results = [];
    this.answered = '';
    this.highlight = -1;
    this.open = false;
    this.status = 'idle';
    this.host.requestUpdate();
    return p;
  }

  /** Hide the list, keeping the text and answers (focus left, Tab). */
  close(): void {
    if (!this.open && this.highlight < 0) return;
    this.open = false;
    this.highlight = -1;
    this.host.requestUpdate();
  }

  /** Escape: empty text, no answers, nothing pending. */
  clear(): void {
    this.cancel();
    this.query = '';
    this.results = [];
    this.answered = '';
    this.highlight = -1;
    this.open = false;
    this.status = 'idle';
    this.error = '';
    this.host.requestUpdate();
  }

  /** Drop the pending wait and abort the request in flight; their answers will be ignored. */
  private cancel(): void {
    this.generation++;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.inflight?.abort();
    this.inflight = null;
  }
}
