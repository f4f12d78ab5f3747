/**
 * <jcr-transfer-inbox>: what partner control rooms sent us and wait for an answer on (issue 18),
 * first in the Requests tab. Two kinds, each a form:
 *
 * - a **transfer** (the partner passes an incident whole): what it says of the incident, then
 *   **Considering** (the partner hears a person has it: MAIT's "considering" acknowledgement),
 *   **Accept** (our incident is opened from it) or **Reject** (a reason, which the partner is told);
 * - a **request for assistance** (the partner asks for resources near its incident): capability,
 *   count, place and its note, then **Considering**, **Offer our quickest, or those ticked** (our
 *   quickest deployable resources of that capability, or the units ticked, go back with their
 *   ETAs; nothing is mobilised) or
 *   **Decline** (a reason, which the partner is told).
 *
 * Properties: `transfers` (incoming, pending), `busy`, `units` (ours the agency may offer). Events (bubbling, composed):
 * `jcr-transfer-answer` detail TransferAnswerDetail; the controller sends it.
 */
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { STATUS_LABEL } from '../../map/symbols.ts';
import type { ClientTransfer } from '../../state/transfers.ts';
import type { ClientResource } from '../../state/types.ts';
import { symbolSvg } from '../symbol-svg.ts';
import { inboxStyles } from '../inbox-styles.ts';

export interface TransferAnswerDetail {
  transferId: string;
  /** consider: Acknowledge (considering); accept: a transfer taken on; offer: our quickest offered; reject: with a reason. */
  answer: 'consider' | 'accept' | 'offer' | 'reject';
  /** accept and offer: a note for the partner; reject: the reason (required). */
  text: string;
  /** offer: the units ticked instead of our quickest (none ticked: the quickest). */
  resourceIds: string[];
}

export class JcrTransferInbox extends LitElement {
  static override properties = {
    transfers: { attribute: false },
    busy: { type: Boolean },
    units: { attribute: false },
    message: { state: true },
  };
  transfers: ClientTransfer[] = [];
  /** Our deployable units the signed-in agency may offer (a request lists those of its capability). */
  units: ClientResource[] = [];
  busy = false;
  private message = '';

  static override styles = [
    inboxStyles,
    css`
      li {
        border: 2px dashed #6a3d9a;
      }
      p {
        margin: 0.2em 0;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 0.2em;
      }
      label.unit {
        flex-direction: row;
        align-items: center;
      }
      .ack {
        font-style: italic;
      }
      .account {
        white-space: pre-line;
      }
    `,
  ];

  private answer(e: Event, t: ClientTransfer, answer: TransferAnswerDetail['answer']): void {
    e.preventDefault();
    const form = (e.target as HTMLElement).closest('form');
    const fd = form ? new FormData(form) : null;
    const text = String(fd?.get('text') ?? '').trim();
    const resourceIds = answer === 'offer' && fd ? fd.getAll('resourceId').map(String) : [];
    if (answer === 'reject' && !text) {
      this.message = `A ${t.kind === 'assistance' ? 'decline' : 'rejection'} needs a reason: ${t.partnerName} is told it.`;
      return;
    }
    this.message = '';
    this.dispatchEvent(
      new CustomEvent<TransferAnswerDetail>('jcr-transfer-answer', {
        detail: { transferId: t.id, answer, text, resourceIds },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private item(t: ClientTransfer) {
    const a = t.assistance;
    const assistance = t.kind === 'assistance' && a !== null;
    const considering = t.ackStage === 'considering';
    const where = [t.address, t.gridRef, t.uprn && `UPRN ${t.uprn}`].filter(Boolean).join(' · ');
    return html`<li data-transfer-id=${t.id} data-kind=${t.kind}>
      <form
        aria-label=${assistance ? `Request for assistance ${t.id} from ${t.partnerName}` : `Transfer ${t.id} from ${t.partnerName}`}
        @submit=${(e: Event) => this.answer(e, t, assistance ? 'offer' : 'accept')}
      >
        ${
          assistance
            ? html`<h3>${t.partnerName} asks for ${a.count} × ${a.capability} <small>${t.id}</small></h3>`
            : html`<h3>
                ${t.priority !== null ? `P${t.priority} ` : ''}${t.typeText || 'Incident'}
                <small>transfer from ${t.partnerName}</small>
              </h3>`
        }
        ${where ? html`<p>${where}</p>` : nothing} ${assistance && a.note ? html`<p>“${a.note}”</p>` : nothing}
        ${!assistance && t.callerAccount ? html`<p class="account" data-caller>“${t.callerAccount}”</p>` : nothing}
        ${assistance ? this.unitChoice(a.capability) : nothing}
        <p class="ack" data-ack=${considering ? 'considering' : 'received'}>
          ${considering ? `${t.partnerName} has been told you are considering it.` : `${t.partnerName} has been told it arrived.`}
        </p>
        <label
          >Note or reason
          <textarea name="text" rows="2" maxlength="2000"></textarea>
        </label>
        <div class="row">
          <button
            type="button"
            ?disabled=${this.busy || considering}
            @click=${(e: Event) => this.answer(e, t, 'consider')}
          >
            Considering
          </button>
          <button class="primary" type="submit" ?disabled=${this.busy}>
            ${assistance ? 'Offer our quickest, or those ticked' : 'Accept'}
          </button>
          <button type="button" ?disabled=${this.busy} @click=${(e: Event) => this.answer(e, t, 'reject')}>
            ${assistance ? 'Decline' : 'Reject'}
          </button>
        </div>
      </form>
    </li>`;
  }

  /** Our deployable units with the capability asked, to offer instead of the quickest. */
  private unitChoice(capability: string) {
    const mine = this.units.filter((r) => r.capabilities.includes(capability)).slice(0, 8);
    if (mine.length === 0) return nothing;
    return html`<fieldset>
      <legend>Or offer these</legend>
      ${mine.map(
        (r) =>
          html`<label class="unit"
            ><input type="checkbox" name="resourceId" value=${r.id} /> ${symbolSvg(r.agency, r.status, false)}
            ${r.callSign} ${r.type} — ${STATUS_LABEL[r.status]}</label
          >`,
      )}
    </fieldset>`;
  }

  override render() {
    if (this.transfers.length === 0) return nothing;
    return html`${this.message ? html`<p role="alert">${this.message}</p>` : nothing}
      <ol aria-label="From partner rooms">
        ${repeat(
          this.transfers,
          (t) => t.id,
          (t) => this.item(t),
        )}
      </ol>`;
  }
}
customElements.define('jcr-transfer-inbox', JcrTransferInbox);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-transfer-inbox': JcrTransferInbox;
  }
}
