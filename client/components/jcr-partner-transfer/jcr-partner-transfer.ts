/**
 * <jcr-partner-transfer>: "Transfer to partner" on an incident (issue 18). A choice of partner
 * rooms, the one whose area holds the incident first (marked "area holds it"), a Send button,
 * and each transfer of the incident with its status (queued, delivered, acknowledged, accepted,
 * rejected with the reason), requests for assistance with their answer and what was offered.
 * Hidden when the server has no partner rooms.
 *
 * Properties: `ctx`, `incidentId`, `canSend`. No events: the controller sends the command.
 */
import { LitElement, css, html, nothing } from 'lit';
import type { AppContext } from '../../context.ts';
import { TransferController } from '../../controllers/transfer-controller.ts';
import { offeredWords, transferWords, type ClientTransfer } from '../../state/transfers.ts';

/** One transfer of the incident in words: a transfer's direction and status, or a request for assistance and its answer. */
function transferLine(t: ClientTransfer, partner: string): string {
  const a = t.assistance;
  if (t.kind === 'assistance' && a) {
    const offered = a.offered.length ? `: ${offeredWords(a.offered)}` : '';
    const ask = t.direction === 'out' ? `Asked ${partner} for` : `${partner} asked for`;
    return `${ask} ${a.count} × ${a.capability}: ${transferWords(t)}${offered}`;
  }
  return `${t.direction === 'out' ? `To ${partner}` : `From ${partner}`}: ${transferWords(t)}`;
}

export class JcrPartnerTransfer extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    incidentId: { type: String },
    canSend: { type: Boolean },
  };
  ctx!: AppContext;
  incidentId = '';
  canSend = false;
  private readonly state = new TransferController(this, () => this.ctx);

  static override styles = css`
    :host {
      display: block;
    }
    select,
    button {
      font: inherit;
    }
    ul {
      margin: 0.2em 0;
      padding-left: 1.2em;
    }
  `;

  override willUpdate(): void {
    if (this.incidentId) this.state.show(this.incidentId);
  }

  private onSend(e: Event): void {
    e.preventDefault();
    const partnerId = String(new FormData(e.target as HTMLFormElement).get('partnerId') ?? '');
    if (partnerId) void this.state.send(partnerId);
  }

  override render() {
    const { partners, transfers, message, busy } = this.state;
    if (partners.length === 0 && transfers.length === 0) return nothing;
    const name = (id: string) => partners.find((p) => p.id === id)?.name ?? id;
    return html`<section aria-label="Transfer to partner" data-transfer-for=${this.incidentId}>
      <h3>Transfer to partner</h3>
      ${
        this.canSend && partners.length
          ? html`<form @submit=${(e: Event) => this.onSend(e)}>
              <label
                >Partner room
                <select name="partnerId">
                  ${partners.map(
                    (p) =>
                      html`<option value=${p.id} ?disabled=${!p.mapsType}>
                        ${p.name}${p.holds ? ' (area holds it)' : ''}${p.mapsType ? '' : ' (type not mapped)'}
                      </option>`,
                  )}
                </select></label
              >
              <button type="submit" ?disabled=${busy}>Transfer to partner</button>
            </form>`
          : nothing
      }
      <p role="status" aria-live="polite">${message}</p>
      ${
        transfers.length
          ? html`<ul>
              ${transfers.map(
                (t) =>
                  html`<li data-transfer-id=${t.id} data-status=${t.status}>
                    ${transferLine(t, t.partnerName || name(t.partnerId))}
                  </li>`,
              )}
            </ul>`
          : nothing
      }
    </section>`;
  }
}
customElements.define('jcr-partner-transfer', JcrPartnerTransfer);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-partner-transfer': JcrPartnerTransfer;
  }
}
