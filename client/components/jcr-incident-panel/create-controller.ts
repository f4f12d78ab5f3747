/**
 * The create form of <jcr-incident-panel>, as a controller: the place taken in the location
 * field, where the form's point meets the road network, and the form's handlers. Whenever the
 * point changes (a map click, a place taken, coordinates typed) it asks the gazetteer about that
 * point (GET /api/places with the coordinates, one request at a time, a stale one aborted) and
 * keeps the snapped point, its distance and the words for the place ("A602, near Stevenage · TL
 * 2416 2434"), or that no drivable road is near; the snapped point goes in the store's selection
 * for the map to draw. The template is ./create-form.ts; the server
 * still decides, and a JCR_OFF_ROAD refusal comes back through the host's `offRoad`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../../context.ts';
import { newCreateKey, type CreateOutcome } from '../../state/commands.ts';
import { parsePlaces, pointOfPlace, type PlaceAnswer } from '../../state/places.ts';
import { apiLookup, type JcrPlaceSearch, type PlaceChooseDetail } from '../jcr-place-search/jcr-place-search.ts';
import type { PlaceLookup } from '../jcr-place-search/place-search-controller.ts';
import { createForm, type SnapPreview } from './create-form.ts';

export interface IncidentCreateDetail {
  typeId: string;
  lat: number;
  lon: number;
  address: string;
  /** The caller's account as typed ('' = none). */
  callerAccount: string;
  /** The property's UPRN when known ('' = not known). */
  uprn: string;
  /** The dispatcher confirmed creating it with no drivable road within the allowance. */
  confirmOffRoad?: boolean;
  /** The form's idempotency key: the same for every submit of one filled-in form. */
  idempotencyKey: string;
}

/** What the controller needs of the panel. */
export interface CreateHost extends ReactiveControllerHost, HTMLElement {
  readonly ctx: AppContext;
  readonly busy: boolean;
  /** The app's last create refused for want of a road, else null. */
  readonly offRoad: Extract<CreateOutcome, { kind: 'off-road' }> | null;
  /** The panel's message line. */
  message: string;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export class CreateController implements ReactiveController {
  /** The place taken in the location field (null: none, or cleared since). */
  chosen: PlaceAnswer | null = null;
  preview: SnapPreview | null = null;
  private inflight: AbortController | null = null;
  private lookup: PlaceLookup | null = null;
  private hadPoint = false;
  /**
   * The form's idempotency key, made at its first submit and sent again with every later submit
   * of it: a dispatcher who presses Create again after "not confirmed" (the server may have made
   * the incident) is answered the incident made, not given a second. A new form, a new key: it
   * goes when the form is cleared (its point goes: the create succeeded, or Escape).
   */
  private key: string | null = null;

  constructor(private readonly host: CreateHost) {
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
    const p = this.host.ctx.store.selection.point;
    // The point went (created, or Escape on the screen): the location field starts afresh.
    if (this.hadPoint && !p) {
      this.chosen = null;
      this.key = null;
      const f = this.host.renderRoot.querySelector<JcrPlaceSearch>('jcr-place-search');
      if (f) f.value = '';
      for (const el of this.host.renderRoot.querySelectorAll<HTMLTextAreaElement | HTMLInputElement>(
        'textarea[name="callerAccount"], input[name="uprn"]',
      ))
        el.value = '';
    }
    this.hadPoint = p !== null;
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
    const r = await this.host.ctx.api.places(`${lat.toFixed(6)}, ${lon.toFixed(6)}`, 1, ctl.signal);
    if (ctl.signal.aborted || this.preview?.lat !== lat || this.preview.lon !== lon) return;
    this.inflight = null;
    const first = r.ok ? parsePlaces(r.body, 1)[0] : undefined;
    if (!r.ok) this.preview = { state: 'unknown', lat, lon, why: `${r.message} [${r.code}]` };
    else if (!first) this.preview = { state: 'unknown', lat, lon, why: 'the server did not place this point' };
    else if (first.road) this.preview = { state: 'on-road', lat, lon, road: first.road, words: first.detail };
    else this.preview = { state: 'off-road', lat, lon, words: first.detail };
    // The map draws where the point meets the road (client/map/snap-layer.ts).
    if (first) this.host.ctx.store.select({ pointRoad: { lat, lon, road: first.road } });
    this.host.requestUpdate();
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const fd = new FormData(e.target as HTMLFormElement);
    const typeId = String(fd.get('typeId') ?? '');
    const lat = Number(fd.get('lat'));
    const lon = Number(fd.get('lon'));
    const blank = String(fd.get('lat') ?? '') === '' || String(fd.get('lon') ?? '') === '';
    if (!typeId || blank || !Number.isFinite(lat) || !Number.isFinite(lon)) {
      this.host.message =
        'Choose a type and give a location (search a place, click the map, or type latitude and longitude).';
      return;
    }
    const confirmOffRoad = e.submitter?.getAttribute('name') === 'confirmOffRoad';
    const address = String(fd.get('address') ?? '').trim();
    const callerAccount = String(fd.get('callerAccount') ?? '').trim();
    const uprn = String(fd.get('uprn') ?? '').trim();
    this.key ??= newCreateKey();
    const idempotencyKey = this.key;
    this.host.dispatchEvent(
      new CustomEvent<IncidentCreateDetail>('jcr-incident-create', {
        detail: {
          typeId,
          lat,
          lon,
          address,
          callerAccount,
          uprn,
          ...(confirmOffRoad ? { confirmOffRoad } : {}),
          idempotencyKey,
        },
        bubbles: true,
        composed: true,
      }),
    );
  }

  /** A place taken in the location field: its point (on the road for a name) goes on the form and the map. */
  private onChoose(e: CustomEvent<PlaceChooseDetail>): void {
    this.chosen = e.detail.place;
    this.host.ctx.store.select({ point: pointOfPlace(e.detail.place) });
  }

  /** Escape in the location field: the point it put there goes too (a map click stays). */
  private onClear(): void {
    const chosen = this.chosen;
    const p = this.host.ctx.store.selection.point;
    this.chosen = null;
    if (chosen && p) {
      const q = pointOfPlace(chosen);
      if (q.lat === p.lat && q.lon === p.lon) this.host.ctx.store.select({ point: null });
    }
  }

  /** Coordinates typed by hand become the form's point, shown on the map and checked against the roads. */
  private onPointTyped(e: Event): void {
    const form = (e.target as HTMLInputElement).form;
    if (!form) return;
    const fd = new FormData(form);
    if (String(fd.get('lat') ?? '') === '' || String(fd.get('lon') ?? '') === '') return;
    const lat = Number(fd.get('lat'));
    const lon = Number(fd.get('lon'));
    if (Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180)
      this.host.ctx.store.select({ point: { lat, lon } });
  }

  /** The refusal applies while the form still holds the refused point. */
  private refusedHere(): { maxSnapM: number | null } | null {
    const r = this.host.offRoad;
    const p = this.host.ctx.store.selection.point;
    if (!r || !p || Math.abs(r.lat - p.lat) > 1e-5 || Math.abs(r.lon - p.lon) > 1e-5) return null;
    return { maxSnapM: r.maxSnapM };
  }

  render() {
    this.lookup ??= apiLookup(this.host.ctx.api);
    return createForm({
      ctx: this.host.ctx,
      busy: this.host.busy,
      lookup: this.lookup,
      preview: this.preview,
      refusedOffRoad: this.refusedHere(),
      onSubmit: (e) => this.onSubmit(e),
      onChoose: (e) => this.onChoose(e),
      onClear: () => this.onClear(),
      onPointTyped: (e) => this.onPointTyped(e),
    });
  }
}
