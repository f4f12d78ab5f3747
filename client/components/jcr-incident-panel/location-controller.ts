/**
 * Fetches where the selected incident is (GET /api/incidents/:id, its `location`) when the store
 * does not know yet: the COP carries no location words, so an incident created on another screen
 * arrives without them. Once per incident and point; the store keeps the answer while the
 * incident stays put (client/state/store.ts).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../../context.ts';
import { parseIncident } from '../../state/parse.ts';

/** At most this many incidents remembered as asked (a long shift selects many). */
const MAX_ASKED = 500;

export class LocationController implements ReactiveController {
  private readonly asked = new Set<string>();

  constructor(
    host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostUpdate(): void {
    const c = this.ctx();
    const id = c.store.selection.incidentId;
    const inc = id ? c.store.incidents.get(id) : undefined;
    if (!inc || inc.location) return;
    const key = `${inc.id}@${inc.lat},${inc.lon}`;
    if (this.asked.has(key)) return;
    if (this.asked.size >= MAX_ASKED) this.asked.clear();
    this.asked.add(key);
    void this.fetch(inc.id);
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
