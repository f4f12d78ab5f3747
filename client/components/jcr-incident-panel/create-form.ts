/**
 * The template of <jcr-incident-panel>'s create form: type, the location field (a place search
 * over the gazetteer), the point (latitude and longitude, filled by a place taken or a map click),
 * where that point meets the road network, the caller's account and the UPRN if known, and, after a refusal for want of a road, the question
 * whether to create it off the network all the same. The panel owns the state and the handlers.
 */
import { html, nothing } from 'lit';
import type { AppContext } from '../../context.ts';
import { agencyLabel } from '../../format.ts';
import { snapWords, type RoadSnap } from '../../state/places.ts';
import type { PlaceChooseDetail } from '../jcr-place-search/jcr-place-search.ts';
import type { PlaceLookup } from '../jcr-place-search/place-search-controller.ts';
import '../jcr-place-search/jcr-place-search.ts';

/** Where the form's point meets the road network, as far as the gazetteer says (./create-controller.ts). */
export type SnapPreview =
  | { state: 'loading'; lat: number; lon: number }
  | { state: 'on-road'; lat: number; lon: number; road: RoadSnap; words: string }
  | { state: 'off-road'; lat: number; lon: number; words: string }
  | { state: 'unknown'; lat: number; lon: number; why: string };

export interface CreateFormView {
  ctx: AppContext;
  busy: boolean;
  lookup: PlaceLookup;
  preview: SnapPreview | null;
  /** The server refused this very point for want of a road within `maxSnapM` (null: not said). */
  refusedOffRoad: { maxSnapM: number | null } | null;
  onSubmit(e: SubmitEvent): void;
  onChoose(e: CustomEvent<PlaceChooseDetail>): void;
  onClear(): void;
  /** Latitude or longitude typed by hand. */
  onPointTyped(e: Event): void;
}

function snapLine(p: SnapPreview | null) {
  if (!p) return nothing;
  switch (p.state) {
    case 'loading':
      return html`<p class="snap" data-snap="loading">Finding the nearest road…</p>`;
    case 'on-road':
      return html`<p class="snap" data-snap="on-road" data-snap-m=${String(p.road.distanceM)}>
        Snaps to the road: ${snapWords(p.road.distanceM)}, at ${p.road.lat.toFixed(5)},
        ${p.road.lon.toFixed(5)}${p.words ? html` · ${p.words}` : nothing}
      </p>`;
    case 'off-road':
      return html`<p class="snap warn" data-snap="off-road">
        No drivable road near this point${p.words ? html` (${p.words})` : nothing}: creating it will ask you to confirm,
        and no resource can be proposed.
      </p>`;
    case 'unknown':
      return html`<p class="snap" data-snap="unknown">Could not check the road network here: ${p.why}</p>`;
  }
}

/** One coordinate of the point, to five decimals: latitude within ±90, longitude within ±180. */
function coordinate(
  label: string,
  name: 'lat' | 'lon',
  limit: number,
  value: number | undefined,
  onChange: (e: Event) => void,
) {
  return html`<label
    >${label}
    <input
      name=${name}
      type="number"
      step="any"
      min=${-limit}
      max=${limit}
      required
      .value=${value === undefined ? '' : value.toFixed(5)}
      @change=${onChange}
  /></label>`;
}

export function createForm(v: CreateFormView) {
  const s = v.ctx.store;
  const p = s.selection.point;
  const types = s.scenario?.incidentTypes ?? [];
  const refused = v.refusedOffRoad;
  return html`<form @submit=${v.onSubmit} aria-label="New incident">
    <fieldset>
      <legend>New incident (N)</legend>
      ${s.capabilities.incidents ? nothing : html`<p class="note" data-pending="incidents">This server has no incident service yet: creating an incident will be refused.</p>`}
      <label
        >Type
        <select name="typeId" required>
          ${types.map((t) => html`<option value=${t.id}>P${t.priority} ${t.name} (${agencyLabel(t.leadAgency)})</option>`)}
        </select>
      </label>
      <jcr-place-search
        name="address"
        .lookup=${v.lookup}
        @jcr-place-choose=${v.onChoose}
        @jcr-place-clear=${v.onClear}
      ></jcr-place-search>
      <div class="row">
        ${coordinate('Latitude', 'lat', 90, p?.lat, v.onPointTyped)}
        ${coordinate('Longitude', 'lon', 180, p?.lon, v.onPointTyped)}
      </div>
      <p class="note">Search above, click the map, or focus the map and press Enter to use its centre.</p>
      ${snapLine(v.preview)}
      <label
        >Caller's account
        <textarea
          name="callerAccount"
          rows="3"
          maxlength="4000"
          placeholder="What the caller says, in their words"
        ></textarea>
      </label>
      <label
        >UPRN (if known)
        <input name="uprn" inputmode="numeric" pattern="[0-9]{1,12}" maxlength="12" title="1 to 12 digits" />
      </label>
      ${
        refused
          ? html`<div class="offroad" role="alert" data-offroad="refused">
              <p>
                <strong>No road within ${refused.maxSnapM === null ? 'reach' : `${refused.maxSnapM} m`}</strong> of this
                point: nothing was created. Move the point onto a road, or create it off the road network: it will
                record "no road within ${refused.maxSnapM ?? '…'} m" and no resource can be proposed.
              </p>
              <button type="submit" name="confirmOffRoad" value="1" ?disabled=${v.busy}>
                Create off the road network
              </button>
            </div>`
          : nothing
      }
      <button class="primary" type="submit" ?disabled=${v.busy}>Create incident</button>
    </fieldset>
  </form>`;
}
