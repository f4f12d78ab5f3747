/**
 * The create form's location state, as a controller of <jcr-incident-panel>: the place taken in
 * the location field, and where the form's point meets the road network. Whenever the point
 * changes (a map click, a place taken, coordinates typed) it asks the gazetteer about that point
 * (GET /api/places with the coordinates, one request at a time, a stale one aborted) and keeps
 * the snapped point, its distance and the words for the place ("A602, near Stevenage · TL 2416
 * 2434"), or that no drivable road is near. The panel renders it; the server still decides.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../../context.ts';
import { parsePlaces, type PlaceAnswer, type RoadSnap } from '../../state/places.ts';

export type SnapPreview =
  | { state: 'loading'; lat: number; lon: number }
  | { state: 'on-road'; lat: number; lon: number; road: RoadSnap; words: string }
  | { state: 'off-road'; lat: number; lon: number; words: string }
  | { state: 'unknown'; lat: number; lon: number; why: string };

export class CreateController implements ReactiveController {
  /** The place taken in the location field (null: none, or the point moved off it since). */
  chosen: PlaceAnswer | null = null;
  preview: SnapPreview | null = null;
  private inflight: AbortController | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.inflight?.abort();
    this.inflight = null;
    this.preview = null;
  }

  /** Before each render: follow the form's point. */
  hostUpdate(): void {
    const p = this.ctx().store.selection.point;
    if (!p) {
      this.inflight?.abort();
      this.inflight = null;
      this.preview = null;
      return;
    }
    if (this.preview && this.preview.lat === p.lat && this.preview.lon === p.lon) return;
    this.preview = { state: 'loading', lat: p.lat, lon: p.lon };
    void this.look(p.lat, p.lon);
  }

  private async look(lat: number, lon: number): Promise<void> {
    this.inflight?.abort();
    const ctl = new AbortController();
    this.inflight = ctl;
    const r = await this.ctx().api.places(`${lat.toFixed(6)}, ${lon.toFixed(6)}`, 1, ctl.signal);
    if (ctl.signal.aborted || this.preview?.lat !== lat || this.preview.lon !== lon) return;
    this.inflight = null;
    const first = r.ok ? parsePlaces(r.body, 1)[0] : undefined;
    if (!r.ok) this.preview = { state: 'unknown', lat, lon, why: `${r.message} [${r.code}]` };
    else if (!first) this.preview = { state: 'unknown', lat, lon, why: 'the server did not place this point' };
    else if (first.road) this.preview = { state: 'on-road', lat, lon, road: first.road, words: first.detail };
    else this.preview = { state: 'off-road', lat, lon, words: first.detail };
    this.host.requestUpdate();
  }
}
