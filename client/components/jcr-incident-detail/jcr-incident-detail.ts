/**
 * <jcr-incident-detail>: the selected incident as every agency taking part shares it (issue 22):
 * the lead and the agencies taking part, each agency's lines and units with their mobilised,
 * arrived and left times and the buttons to book arrival and leaving or stand a unit down; the
 * joint requests and their answers; the "quicker resource available" flag with a one-step swap;
 * the METHANE report; a note; the live audit timeline; the attendance lines, which the lead
 * agency and the duty officer may add to or remove from with a reason; and the close (lead agency
 * or duty officer). Every control is shown only to a role that may use it (client/state/permissions.ts);
 * the server still decides and its refusals are shown with their codes.
 *
 * Properties: `ctx`, `detail`, `lines`, `timeline`, `busy`, `message`, `error` (the controller's
 * state, client/controllers/incident-detail-controller.ts).
 * Events (bubbling, composed): `jcr-attendance-book`, `jcr-incident-close`, `jcr-methane-record`,
 * `jcr-note-add`, `jcr-quicker-swap`, `jcr-line-set`, `jcr-line-remove`.
 */
import { LitElement, html, nothing } from 'lit';
import type { AppContext } from '../../context.ts';
import type { Booking } from '../../state/joint-commands.ts';
import type { IncidentDetail, Methane, QuickerFlag, TimelineEntry } from '../../state/joint-types.ts';
import { closeBlockers, mayOnIncident } from '../../state/permissions.ts';
import type { AttendanceLine } from '../../state/types.ts';
import { StoreController } from '../../controllers/store-controller.ts';
import type { IncidentLine, LineChange } from '../../state/lines.ts';
import { closeForm, methaneForm, noteForm, readMethane } from './forms.ts';
import { linesForm, readLineChange } from './lines-form.ts';
import { agenciesSection, callerSection, quickerSection, requestsSection, timelineSection } from './sections.ts';
import { incidentDetailStyles } from './styles.ts';
import '../jcr-partner-transfer/jcr-partner-transfer.ts';

export interface AttendanceBookDetail {
  incidentId: string;
  resourceId: string;
  booking: Booking;
}
export interface IncidentCloseDetail {
  incidentId: string;
  reason: string;
  force: boolean;
}
export interface MethaneRecordDetail {
  incidentId: string;
  methane: Methane;
}
export interface NoteAddDetail {
  incidentId: string;
  text: string;
}
export interface LineSetDetail {
  incidentId: string;
  change: LineChange;
}
export interface LineRemoveDetail {
  incidentId: string;
  lineId: string;
  reason: string;
}
export interface QuickerSwapDetail {
  incidentId: string;
  flag: QuickerFlag;
}

/** Pure: the type's lines with the dispatchers' changes applied (a null count removes a line). */
export function currentLines(
  typeLines: readonly AttendanceLine[],
  changes: IncidentDetail['lineChanges'],
): AttendanceLine[] {
  const out = typeLines.map((l) => ({ ...l }));
  for (const c of changes) {
    const i = out.findIndex((l) => l.capability === c.capability);
    if (c.count === null) {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0)
      out[i] = { capability: c.capability, count: c.count, agency: c.agency ?? out[i]?.agency ?? null };
    else out.push({ capability: c.capability, count: c.count, agency: c.agency });
  }
  return out;
}

export class JcrIncidentDetail extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    detail: { attribute: false },
    timeline: { attribute: false },
    lines: { attribute: false },
    busy: { type: Boolean },
    message: { type: String },
    error: { type: String },
  };
  ctx!: AppContext;
  detail: IncidentDetail | null = null;
  timeline: TimelineEntry[] = [];
  /** The incident's lines as the server counts them; null until read. */
  lines: IncidentLine[] | null = null;
  busy = false;
  message = '';
  error = '';

  static override styles = incidentDetailStyles;

  constructor() {
    super();
    // Unit statuses and call signs come from the live store.
    new StoreController(this, () => this.ctx.store, ['statuses', 'scenario']);
  }

  private emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }

  private onMethane(e: Event, incidentId: string): void {
    e.preventDefault();
    const methane = readMethane(new FormData(e.target as HTMLFormElement));
    this.emit<MethaneRecordDetail>('jcr-methane-record', { incidentId, methane });
  }

  private onNote(e: Event, incidentId: string): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const text = String(new FormData(form).get('text') ?? '').trim();
    if (!text) return;
    this.emit<NoteAddDetail>('jcr-note-add', { incidentId, text });
    form.reset();
  }

  private onLineSet(e: Event, incidentId: string): void {
    e.preventDefault();
    const change = readLineChange(new FormData(e.target as HTMLFormElement));
    if (typeof change === 'string') {
      this.message = change;
      return;
    }
    this.emit<LineSetDetail>('jcr-line-set', { incidentId, change });
  }

  private onLineRemove(e: Event, incidentId: string): void {
    e.preventDefault();
    const fd = new FormData(e.target as HTMLFormElement);
    const lineId = String(fd.get('lineId') ?? '');
    const reason = String(fd.get('reason') ?? '').trim();
    if (!lineId || !reason) {
      this.message = 'Choose a line and give a reason to remove it.';
      return;
    }
    this.emit<LineRemoveDetail>('jcr-line-remove', { incidentId, lineId, reason });
  }

  /** Every capability some resource offers, for the "add a line" form. */
  private capabilities(): string[] {
    const all = new Set<string>();
    for (const r of this.ctx.store.resources.values()) for (const c of r.capabilities) all.add(c);
    return [...all].sort();
  }

  private onClose(e: Event, incidentId: string): void {
    e.preventDefault();
    const fd = new FormData(e.target as HTMLFormElement);
    const reason = String(fd.get('reason') ?? '').trim();
    const force = fd.get('force') === 'on';
    if (force && !reason) {
      this.message = 'A forced close needs a reason.';
      return;
    }
    this.emit<IncidentCloseDetail>('jcr-incident-close', { incidentId, reason, force });
  }

  override render() {
    const d = this.detail;
    const s = this.ctx.store;
    const role = this.ctx.user?.role;
    const status = html`<p class="msg" role="status" aria-live="polite">${this.message}</p>
      ${this.error ? html`<p class="warn" role="alert">${this.error}</p>` : nothing}`;
    if (!d || d.incident.id !== s.selection.incidentId) return status;
    const inc = d.incident;
    const id = inc.id;
    const open = inc.state === 'OPEN';
    const type = s.scenario?.incidentTypes.find((t) => t.id === inc.typeId);
    const name = (rid: string) => s.resources.get(rid)?.callSign ?? rid;
    const deps = {
      role,
      busy: this.busy,
      resource: (rid: string) => s.resources.get(rid),
      lines: this.lines ?? currentLines(type?.attendance ?? [], d.lineChanges),
      book: (resourceId: string, booking: Booking) =>
        this.emit<AttendanceBookDetail>('jcr-attendance-book', { incidentId: id, resourceId, booking }),
      swap: (flag: QuickerFlag) => this.emit<QuickerSwapDetail>('jcr-quicker-swap', { incidentId: id, flag }),
    };
    const blockers = closeBlockers(inc).resourceIds.map(name);
    return html`${status}
      <section aria-label=${`Shared incident ${id}`} data-detail-for=${id} data-state=${inc.state}>
        ${open ? nothing : html`<p class="warn" data-closed>Closed${d.closeReason ? `: ${d.closeReason}` : ''}.</p>`}
        ${callerSection(d)} ${agenciesSection(d, deps)} ${requestsSection(d, name)}
        ${open ? quickerSection(d, deps) : nothing}
        ${open && mayOnIncident(role, inc, 'methane') ? methaneForm(d.methane, this.busy, (e) => this.onMethane(e, id)) : nothing}
        ${open && mayOnIncident(role, inc, 'note') ? noteForm(this.busy, (e) => this.onNote(e, id)) : nothing}
        ${
          open && this.lines && mayOnIncident(role, inc, 'update')
            ? linesForm(
                this.lines,
                this.capabilities(),
                this.busy,
                (e) => this.onLineSet(e, id),
                (e) => this.onLineRemove(e, id),
              )
            : nothing
        }
        <jcr-partner-transfer
          .ctx=${this.ctx}
          incidentId=${id}
          ?canSend=${open && mayOnIncident(role, inc, 'update')}
        ></jcr-partner-transfer>
        ${timelineSection(this.timeline)}
        ${
          open && mayOnIncident(role, inc, 'close')
            ? closeForm(blockers, mayOnIncident(role, inc, 'forceClose'), this.busy, (e) => this.onClose(e, id))
            : nothing
        }
      </section>`;
  }
}
customElements.define('jcr-incident-detail', JcrIncidentDetail);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-incident-detail': JcrIncidentDetail;
  }
}
