/**
 * REST-polling feed: the fallback that keeps the screens live until the COP WebSocket
 * (/ws/cop, client/cop/) is available. It loads the scenario once, then polls the fleet (and the
 * incident and cover endpoints when the server has them) and writes full pictures into the store.
 *
 * Connection state: `live` after each answered poll; `stale` when nothing has been heard for
 * `staleAfterMs` while a request is still outstanding; `reconnecting` when requests fail, retried
 * with capped exponential backoff. A poll after a failure fetches the full picture, which is how
 * the screen resumes after a dropped connection.
 */
import type { Api, ApiResult } from './api.ts';
import { parseFeatures, parseIncidents, parseResources, parseScenario } from './parse.ts';
import { parseCover } from './parse-cover.ts';
import type { TimerHandle, Timers } from '../../proto/timer.ts';
import type { ClientStore } from './store.ts';

export interface Feed {
  start(): void;
  stop(): void;
}

export interface RestFeedOptions {
  intervalMs?: number;
  staleAfterMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
  /** Timers for polling, backoff and the watchdog; the platform's by default. */
  timers?: Timers;
}

export class RestFeed implements Feed {
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private readonly timers: Timers;
  private timer: TimerHandle = null;
  private watchdog: TimerHandle = null;
  private failures = 0;
  private running = false;
  private probed = false;

  constructor(
    private readonly store: ClientStore,
    private readonly api: Api,
    opts: RestFeedOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.staleAfterMs = opts.staleAfterMs ?? 5000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? globalThis;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.store.setConnection('connecting', 'loading the scenario');
    this.loop();
    this.watch();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    if (this.watchdog !== null) this.timers.clearTimeout(this.watchdog);
    this.timer = this.watchdog = null;
  }

  private watch(): void {
    this.watchdog = this.timers.setTimeout(() => {
      if (!this.running) return;
      const quiet = this.now() - this.store.lastMessageAtMs;
      if (this.store.connection === 'live' && quiet > this.staleAfterMs)
        this.store.setConnection('stale', `no update for ${Math.round(quiet / 1000)} s`);
      this.store.tick();
      this.watch();
    }, 1000);
  }

  private loop(): void {
    void this.pollOnce().then((ok) => {
      if (!this.running) return;
      const delay = ok
        ? this.intervalMs
        : Math.min(this.maxBackoffMs, this.intervalMs * 2 ** Math.min(this.failures, 6));
      this.timer = this.timers.setTimeout(() => this.loop(), delay);
    });
  }

  /** One round: scenario (until loaded), capability probe (once), fleet, incidents, cover. */
  async pollOnce(): Promise<boolean> {
    const s = this.store;
    if (!s.scenario) {
      const r = await this.api.scenario();
      if (!this.answered(r)) return false;
      const sc = parseScenario(r.body);
      if (sc) s.setScenario(sc);
    }
    const res = await this.api.resources();
    if (!this.answered(res)) return false;
    const { seq, resources } = parseResources(res.body);
    s.replaceResources(resources, seq);

    if (!this.probed) {
      const cfg = await this.api.uiConfig();
      if (!this.answered(cfg)) return false;
      s.setCapabilities(parseFeatures(cfg.body));
      this.probed = true;
    }
    if (s.capabilities.incidents) {
      const inc = await this.api.incidents();
      if (inc.ok)
        s.replaceIncidents(
          parseIncidents(inc.body, new Map((s.scenario?.incidentTypes ?? []).map((t) => [t.id, t.name]))),
        );
    }
    if (s.capabilities.cover) {
      const cov = await this.api.cover();
      if (cov.ok) s.setCover(parseCover(cov.body) ?? null);
    }
    return true;
  }

  private answered(r: ApiResult): r is Extract<ApiResult, { ok: true }> {
    if (r.ok) {
      this.failures = 0;
      this.store.heard(this.now());
      this.store.setConnection('live', 'polling the REST API');
      return true;
    }
    this.failures++;
    this.store.setConnection('reconnecting', `${r.message} (attempt ${this.failures})`);
    return false;
  }
}
