/**
 * <jcr-request-inbox>: the joint requests addressed to the signed-in agency, oldest first. Each
 * shows the incident, who asked and for what, with the units the requester's recommendation
 * suggested already ticked; the addressee accepts them as they are, ticks its own choice (a
 * different choice needs a reason), declines with a reason, or answers with advice and no
 * deployment ("hear and treat"). Keyboard first: every request is a form, Tab moves through it,
 * Enter accepts.
 *
 * What partner rooms sent (issue 18: transfers and requests for assistance) comes first, in
 * <jcr-transfer-inbox>.
 *
 * Properties: `ctx`, `items`, `transfers`, `busy`, `message`, `unavailable`.
 * Events (bubbling, composed): `jcr-request-answer` detail RequestAnswerDetail;
 * `jcr-request-open` detail {incidentId} (show the incident); and, from <jcr-transfer-inbox>,
 * `jcr-transfer-answer`.
 */
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AppContext } from '../../context.ts';
import { agencyLabel, formatClock } from '../../format.ts';
import { inboxStyles } from '../inbox-styles.ts';
import { STATUS_LABEL } from '../../map/symbols.ts';
import { suggestedUnits } from '../../state/joint-parse.ts';
import type { InboxItem } from '../../state/joint-types.ts';
import { actingOf } from '../../state/permissions.ts';
import type { ClientResource } from '../../state/types.ts';
import { symbolSvg } from '../symbol-svg.ts';
import type { ClientTransfer } from '../../state/transfers.ts';
import '../jcr-transfer-inbox/jcr-transfer-inbox.ts';

export interface RequestAnswerDetail {
  incidentId: string;
  requestId: string;
  answer: 'accept' | 'decline' | 'advise';
  /** accept: null takes the suggestion as it is; else the units ticked. */
  resourceIds: string[] | null;
  /** The reason (a different choice, or a decline) or the advice. */
  text: string;
}

export interface RequestOpenDetail {
  incidentId: string;
}

const DEPLOYABLE = new Set(['AVAILABLE_AT_STATION', 'AVAILABLE_MOBILE', 'RETURNING']);

function distKm(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const k = Math.PI / 180;
  const x = (bLon - aLon) * k * Math.cos(((aLat + bLat) / 2) * k);
  const y = (bLat - aLat) * k;
  return Math.sqrt(x * x + y * y) * 6371;
}

/** Pure: true when the ticked units are exactly the suggestion (order aside). */
export function isSuggestion(ticked: readonly string[], suggested: readonly string[]): boolean {
  return ticked.length === suggested.length && ticked.every((id) => suggested.includes(id));
}

export class JcrRequestInbox extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    items: { attribute: false },
    transfers: { attribute: false },
    busy: { type: Boolean },
    message: { type: String },
    unavailable: { type: Boolean },
  };
  ctx!: AppContext;
  items: InboxItem[] = [];
  transfers: ClientTransfer[] = [];
  busy = false;
  message = '';
  unavailable = false;

  static override styles = [
    inboxStyles,
    css`
      li {
        border: 2px solid var(--jcr-fg, #111);
      }
      label {
        display: flex;
        gap: 0.3em;
        align-items: center;
      }
      .note {
        font-style: italic;
      }
    `,
  ];

  /** Our deployable units the signed-in agency answers for (all for the duty officer). */
  private ownDeployable(): ClientResource[] {
    const own = actingOf(this.ctx.user?.role);
    return [...this.ctx.store.resources.values()]
      .filter((r) => (own === 'all' || own === r.agency) && DEPLOYABLE.has(r.status))
      .sort((a, b) => a.callSign.localeCompare(b.callSign));
  }

  /** The units offered for a request: the suggestion first, then own deployable units, nearest first. */
  private choices(item: InboxItem): ClientResource[] {
    const s = this.ctx.store;
    const suggested = suggestedUnits(item);
    const own = actingOf(this.ctx.user?.role);
    const inc = s.incidents.get(item.incidentId);
    const at = inc ?? null;
    const out: ClientResource[] = [];
    for (const id of suggested) {
      const r = s.resources.get(id);
      if (r) out.push(r);
    }
    const more = [...s.resources.values()]
      .filter(
        (r) =>
          !suggested.includes(r.id) &&
          r.agency === item.toAgency &&
          (own === 'all' || own === r.agency) &&
          DEPLOYABLE.has(r.status),
      )
      .sort((a, b) => (at ? distKm(a.lat, a.lon, at.lat, at.lon) - distKm(b.lat, b.lon, at.lat, at.lon) : 0))
      .slice(0, 6);
    return [...out, ...more];
  }

  private answer(e: Event, item: InboxItem, answer: RequestAnswerDetail['answer']): void {
    e.preventDefault();
    const form = (e.target as HTMLElement).closest('form');
    if (!form) return;
    const fd = new FormData(form);
    const ticked = fd.getAll('resourceId').map(String);
    const text = String(fd.get('text') ?? '').trim();
    const suggested = suggestedUnits(item);
    const same = isSuggestion(ticked, suggested);
    if (answer !== 'accept' && !text) {
      this.message =
        answer === 'decline' ? 'A decline needs a reason.' : 'Write the advice given (for example, hear and treat).';
      return;
    }
    if (answer === 'accept' && !same && suggested.length > 0 && !text) {
      this.message = 'Your choice differs from the suggestion: give a reason.';
      return;
    }
    this.dispatchEvent(
      new CustomEvent<RequestAnswerDetail>('jcr-request-answer', {
        detail: {
          incidentId: item.incidentId,
          requestId: item.requestId,
          answer,
          resourceIds: answer === 'accept' && !(same && suggested.length > 0) ? ticked : null,
          text,
        },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private open(incidentId: string): void {
    this.dispatchEvent(
      new CustomEvent<RequestOpenDetail>('jcr-request-open', { detail: { incidentId }, bubbles: true, composed: true }),
    );
  }

  private item(item: InboxItem) {
    const s = this.ctx.store;
    const suggested = suggestedUnits(item);
    const name = (id: string) => s.resources.get(id)?.callSign ?? id;
    return html`<li data-request-id=${item.requestId} data-incident-id=${item.incidentId}>
      <form
        aria-label=${`Request ${item.requestId} from ${agencyLabel(item.fromAgency)}`}
        @submit=${(e: Event) => this.answer(e, item, 'accept')}
      >
        <h3>P${item.priority} ${item.typeName || item.incidentId} <small>${item.incidentId}</small></h3>
        <p>
          ${agencyLabel(item.fromAgency)} asks ${agencyLabel(item.toAgency)} at ${formatClock(item.requestedAtMs)}
          ${item.requestedBy ? html`(${item.requestedBy})` : nothing}${item.address ? html` · ${item.address}` : nothing}
        </p>
        ${item.note ? html`<p>“${item.note}”</p>` : nothing}
        ${
          item.lines.length
            ? html`<p>
                Asked for:
                ${item.lines.map((l) => `${l.count} × ${l.capability}${l.suggested.length ? ` (suggested ${l.suggested.map(name).join(', ')})` : ''}`).join('; ')}
              </p>`
            : nothing
        }
        <fieldset>
          <legend>Units to send${suggested.length ? ' (the suggestion is ticked)' : ''}</legend>
          ${this.choices(item).map(
            (r) =>
              html`<label
                ><input type="checkbox" name="resourceId" value=${r.id} ?checked=${suggested.includes(r.id)} />
                ${symbolSvg(r.agency, r.status, false)} ${r.callSign} ${r.type} — ${STATUS_LABEL[r.status]}</label
              >`,
          )}
        </fieldset>
        <label
          >Reason or advice
          <textarea name="text" rows="2" maxlength="2000"></textarea>
        </label>
        <div class="row">
          <button class="primary" type="submit" ?disabled=${this.busy}>Accept</button>
          <button type="button" ?disabled=${this.busy} @click=${(e: Event) => this.answer(e, item, 'decline')}>
            Decline
          </button>
          <button type="button" ?disabled=${this.busy} @click=${(e: Event) => this.answer(e, item, 'advise')}>
            Advice, no deployment
          </button>
          <button type="button" @click=${() => this.open(item.incidentId)}>Show incident</button>
        </div>
      </form>
    </li>`;
  }

  override render() {
    return html`<p class="msg" role="status" aria-live="polite">${this.message}</p>
      <jcr-transfer-inbox
        .transfers=${this.transfers}
        .units=${this.transfers.length ? this.ownDeployable() : []}
        ?busy=${this.busy}
      ></jcr-transfer-inbox>
      ${
        this.unavailable
          ? html`<p class="note" data-inbox="unavailable">This server has no request inbox yet.</p>`
          : this.items.length === 0
            ? this.transfers.length
              ? nothing
              : html`<p class="note" data-inbox="empty">No requests waiting.</p>`
            : html`<ol aria-label="Requests waiting">
                ${repeat(
                  this.items,
                  (i) => i.requestId,
                  (i) => this.item(i),
                )}
              </ol>`
      }`;
  }
}
customElements.define('jcr-request-inbox', JcrRequestInbox);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-request-inbox': JcrRequestInbox;
  }
}
