/**
 * <jcr-place-search>: a location field that searches the gazetteer (GET /api/places) as the
 * dispatcher types: towns, stations, roads, junctions, postcodes, grid references, coordinates.
 * Keyboard first: Down and Up move through the answers, Enter takes the highlighted one (or the
 * first), Escape clears the field; a pointer click takes one too. An ARIA combobox over a
 * listbox. Free text that matches nothing stays as typed: it is still the address words.
 *
 * Form-associated: inside a <form> its text is the form value of its `name` (the create form's
 * `address`). State lives in ./place-search-controller.ts.
 *
 * Events (bubbling, composed):
 *  - `jcr-place-choose` detail {place}: an answer was taken.
 *  - `jcr-place-clear` detail {}: Escape emptied the field.
 */
import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Api } from '../../state/api.ts';
import { parsePlaces, type PlaceAnswer } from '../../state/places.ts';
import type { PlaceKind } from '../../../proto/places.ts';
import { PlaceSearchController, type PlaceLookup, type SearchStatus } from './place-search-controller.ts';
import { placeSearchStyles } from './styles.ts';

export interface PlaceChooseDetail {
  place: PlaceAnswer;
}
export type PlaceClearDetail = Record<string, never>;

/** The gazetteer over the REST API. */
export function apiLookup(api: Pick<Api, 'places'>): PlaceLookup {
  return async (q, limit, signal) => {
    const r = await api.places(q, limit, signal);
    if (r.ok) return { ok: true, places: parsePlaces(r.body, limit) };
    return { ok: false, aborted: r.code === 'ABORTED', message: `${r.message} [${r.code}]` };
  };
}

const KIND_WORD: Record<PlaceKind, string> = {
  place: 'town',
  station: 'station',
  post: 'standby post',
  road: 'road',
  junction: 'junction',
  postcode: 'postcode',
  gridref: 'grid reference',
  coordinates: 'coordinates',
};

let nextId = 0;

export class JcrPlaceSearch extends LitElement {
  static formAssociated = true;
  static override properties = {
    lookup: { attribute: false },
    label: { type: String },
    name: { type: String, reflect: true },
    disabled: { type: Boolean },
  };
  /** Where answers come from (apiLookup(ctx.api) on the screen). */
  lookup: PlaceLookup = async () => ({ ok: true, places: [] });
  label = 'Address or location';
  name = '';
  disabled = false;
  readonly search = new PlaceSearchController(this, () => this.lookup);
  private readonly internals: ElementInternals;
  /** Ids unique per element: the listbox and options are referred to by the input. */
  private readonly uid = `ps${nextId++}`;

  static override styles = placeSearchStyles;

  constructor() {
    super();
    this.internals = this.attachInternals();
  }

  /** The text in the field. */
  get value(): string {
    return this.search.query;
  }
  set value(v: string) {
    this.search.clear();
    this.search.query = v;
  }

  override focus(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  }

  /** Called by the owning form on reset. */
  formResetCallback(): void {
    this.search.clear();
  }

  protected override updated(): void {
    this.internals.setFormValue(this.search.query);
  }

  private take(i?: number): void {
    const place = this.search.choose(i);
    if (!place) return;
    this.dispatchEvent(
      new CustomEvent<PlaceChooseDetail>('jcr-place-choose', { detail: { place }, bubbles: true, composed: true }),
    );
  }

  private onKey(e: KeyboardEvent): void {
    const s = this.search;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (s.move(e.key === 'ArrowDown' ? 1 : -1)) e.preventDefault();
        return;
      case 'Enter':
        if (s.current || (s.open && s.results.length > 0)) {
          this.take(s.current ? s.highlight : 0);
          e.preventDefault();
          e.stopPropagation();
        }
        return;
      case 'Escape':
        // Something to clear: Escape acts here, not on the screen's selection.
        if (s.query !== '' || s.open) {
          s.clear();
          e.preventDefault();
          e.stopPropagation();
          this.dispatchEvent(
            new CustomEvent<PlaceClearDetail>('jcr-place-clear', { detail: {}, bubbles: true, composed: true }),
          );
        }
        return;
      case 'Tab':
        s.close();
        return;
    }
  }

  private statusText(st: SearchStatus): string {
    const s = this.search;
    switch (st) {
      case 'searching':
        return 'Searching…';
      case 'found':
        return `${s.results.length} place${s.results.length === 1 ? '' : 's'} found: arrows to choose, Enter to take.`;
      case 'none':
        return 'No place found: the words stay as the address.';
      case 'failed':
        return `Search failed: ${s.error}`;
      default:
        return '';
    }
  }

  override render() {
    const s = this.search;
    const id = this.uid;
    const active = s.highlight >= 0 && s.open ? `${id}-opt-${s.highlight}` : undefined;
    const open = s.open && s.results.length > 0;
    return html`<label for="${id}-input">${this.label}</label>
      <div class="box">
        <input
          id="${id}-input"
          type="text"
          role="combobox"
          autocomplete="off"
          spellcheck="false"
          maxlength=${s.maxChars}
          aria-autocomplete="list"
          aria-expanded=${open ? 'true' : 'false'}
          aria-controls="${id}-list"
          aria-activedescendant=${active ?? nothing}
          aria-describedby="${id}-hint"
          ?disabled=${this.disabled}
          .value=${live(s.query)}
          @input=${(e: Event) => s.input((e.target as HTMLInputElement).value)}
          @keydown=${this.onKey}
          @blur=${() => s.close()}
        />
        <ul id="${id}-list" role="listbox" aria-label="Places found" data-query=${s.answered} ?hidden=${!open}>
          ${s.results.map(
            (p, i) =>
              html`<li
                id="${id}-opt-${i}"
                role="option"
                aria-selected=${i === s.highlight ? 'true' : 'false'}
                data-kind=${p.kind}
                @mousedown=${(e: Event) => e.preventDefault()}
                @mousemove=${() => s.point(i)}
                @click=${() => this.take(i)}
              >
                <span class="label">${p.label}</span> <span class="kind">${KIND_WORD[p.kind]}</span>
                ${p.detail ? html`<span class="detail">${p.detail}</span>` : nothing}
              </li>`,
          )}
        </ul>
      </div>
      <p id="${id}-hint" class="hint">Town, road, postcode, grid reference or coordinates. Esc clears.</p>
      <p class="status" role="status" aria-live="polite">${this.statusText(s.status)}</p>`;
  }
}
customElements.define('jcr-place-search', JcrPlaceSearch);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-place-search': JcrPlaceSearch;
  }
  interface HTMLElementEventMap {
    'jcr-place-choose': CustomEvent<PlaceChooseDetail>;
    'jcr-place-clear': CustomEvent<PlaceClearDetail>;
  }
}
