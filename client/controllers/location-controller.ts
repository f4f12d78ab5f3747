/**
 * Fetches where incidents are (GET /api/incidents/:id, its `location`: road, town, grid reference,
 * how it meets the road network) when the store does not know yet: the COP carries no location
 * words, so an incident created on another screen arrives without them. The host says which
 * incidents it shows (the panel its selected one, the queue the open ones); each is asked once
 * per point, one request at a time. The store keeps the answer while the incident stays put
 * (client/state/store.ts).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../context.ts';
import { parseIncident } from '../state/parse.ts';
import type { Incident } from '../state/types.ts';

/** At most this many incidents remembered as asked (a long shift shows many). */
const MAX_ASKED = 2000;

export class LocationController implements ReactiveController {
  private readonly asked = new Set<string>();
  private readonly queue: string[] = [];
  private running = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
    /** The incidents the host shows (a few: the first ones of a long list). */
    private readonly shown: () => readonly Incident[],
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.queue.length = 0;
  }

  hostUpdate(): void {
    for (const inc of this.shown()) {
      if (inc.location) continue;
      const key = `${inc.id}@${inc.lat},${inc.lon}`;
      if (this.asked.has(key)) continue;
      if (this.asked.size >= MAX_ASKED) this.asked.clear();
      this.asked.add(key);
      this.queue.push(inc.id);
    }
    if (!this.running && this.queue.length > 0) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let id = this.queue.shift(); id !== undefined; id = this.queue.shift()) await this.fetch(id);
    } finally {
      this.running = false;
    }
  }

  private async fetch(id: string): Promise<void> {
    const c = this.ctx();
    const r = await c.api.incident(id);
    if (!r.ok || typeof r.body !== 'object' || r.body === null || Array.isArray(r.body)) return;
    const names = new Map((c.store.scenario?.incidentTypes ?? []).map((t) => [t.id, t.name]));
    const fresh = parseIncident(r.body as Record<string, unknown>, names);
    const now = c.store.incidents.get(id);
    // Only the location is taken: the live record (COP) may be newer than this answer.
    if (fresh?.location && now && Math.abs(now.lat - fresh.lat) < 1e-6 && Math.abs(now.lon - fresh.lon) < 1e-6)
      c.store.upsertIncident({ ...now, location: fresh.location });
  }
}
