/**
 * Templates of <jcr-incident-detail>: who takes part, each agency's lines and units with their
 * times and booking buttons, the caller's account, the joint requests, the quicker-resource flags and the timeline.
 * Templates only: the element passes the state and the callbacks in.
 */
import { html, nothing } from 'lit';
import { agencyLabel, formatClock, formatDuration } from '../../format.ts';
import { STATUS_LABEL } from '../../map/symbols.ts';
import type { IncidentDetail, QuickerFlag, TimelineEntry } from '../../state/joint-types.ts';
import { mayOnIncident, takingPart } from '../../state/permissions.ts';
import type { Agency, AttendanceLine, ClientResource, IncidentAttendance } from '../../state/types.ts';
import type { Booking } from '../../state/joint-commands.ts';
import { symbolSvg } from '../symbol-svg.ts';

export interface SectionDeps {
  role: string | undefined;
  busy: boolean;
  resource(id: string): ClientResource | undefined;
  /** The incident's lines (with what is outstanding when the server counted it). */
  lines: ReadonlyArray<AttendanceLine & { outstanding?: number }>;
  book(resourceId: string, booking: Booking): void;
  swap(flag: QuickerFlag): void;
}

/** Why an agency takes part, in words. */
function relationWords(d: IncidentDetail, a: Agency): string {
  const inc = d.incident;
  if (inc.leadAgency === a) return 'lead';
  if (inc.supportingAgencies.includes(a)) return 'supporting';
  const rq = d.requests.find((r) => r.toAgency === a && (r.status === 'pending' || r.status === 'accepted'));
  if (rq) return rq.status === 'pending' ? 'asked, not yet answered' : 'asked, accepted';
  return 'resources committed';
}

function unitRow(inc: IncidentDetail['incident'], at: IncidentAttendance, deps: SectionDeps) {
  const r = deps.resource(at.resourceId);
  const name = r?.callSign ?? at.resourceId;
  const open = at.leftAtMs === null;
  const may = (c: 'arrive' | 'leave' | 'standDown') => open && mayOnIncident(deps.role, inc, c, at.agency);
  const enRoute = open && at.arrivedAtMs === null;
  return html`<tr data-resource-id=${at.resourceId} data-open=${open ? 'true' : 'false'}>
    <th scope="row">${r ? symbolSvg(r.agency, r.status, false) : nothing} ${name}</th>
    <td>${at.line ?? '—'}</td>
    <td>${r && open ? STATUS_LABEL[r.status] : open ? '—' : 'Left'}</td>
    <td>${formatClock(at.mobilisedAtMs)}</td>
    <td>${formatClock(at.arrivedAtMs)}</td>
    <td>${formatClock(at.leftAtMs)}</td>
    <td class="acts">
      ${enRoute && may('arrive') ? html`<button type="button" ?disabled=${deps.busy} aria-label=${`Book ${name} arrived`} @click=${() => deps.book(at.resourceId, 'arrived')}>Arrived</button>` : nothing}
      ${open && at.arrivedAtMs !== null && may('leave') ? html`<button type="button" ?disabled=${deps.busy} aria-label=${`Book ${name} left`} @click=${() => deps.book(at.resourceId, 'left')}>Left</button>` : nothing}
      ${may('standDown') ? html`<button type="button" ?disabled=${deps.busy} aria-label=${`Stand down ${name}`} @click=${() => deps.book(at.resourceId, 'stand-down')}>Stand down</button>` : nothing}
    </td>
  </tr>`;
}

/** Each agency that takes part: its relation, lines and units. */
export function agenciesSection(d: IncidentDetail, deps: SectionDeps) {
  const inc = d.incident;
  const agencies = takingPart(inc);
  for (const a of inc.attendances) if (!agencies.includes(a.agency)) agencies.push(a.agency);
  return html`<section aria-label="Agencies taking part" class="agencies">
    <p>
      <strong>Lead:</strong> ${inc.leadAgency ? agencyLabel(inc.leadAgency) : '—'} ·
      <strong>Taking part:</strong>
      <span data-taking-part>${takingPart(inc).map(agencyLabel).join(', ')}</span>
    </p>
    ${agencies.map((a) => {
      const lines = deps.lines.filter((l) => l.agency === a || (l.agency === null && a === inc.leadAgency));
      const units = inc.attendances.filter((x) => x.agency === a);
      return html`<section class="agency" data-agency=${a} aria-label=${`${agencyLabel(a)} at this incident`}>
        <h4>${agencyLabel(a)} <small>(${relationWords(d, a)})</small></h4>
        ${lines.length ? html`<p data-lines>Lines: ${lines.map((l) => `${l.count} × ${l.capability}${l.outstanding ? ` (${l.outstanding} outstanding)` : ''}`).join(', ')}</p>` : nothing}
        ${
          units.length
            ? html`<table>
                <thead>
                  <tr>
                    <th scope="col">Unit</th>
                    <th scope="col">Line</th>
                    <th scope="col">Status</th>
                    <th scope="col">Mobilised</th>
                    <th scope="col">Arrived</th>
                    <th scope="col">Left</th>
                    <th scope="col"><span class="sr">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${units.map((at) => unitRow(inc, at, deps))}
                </tbody>
              </table>`
            : html`<p class="note">No units sent.</p>`
        }
      </section>`;
    })}
  </section>`;
}

/** The joint requests of the incident and their answers. */
/** What the caller said (new lines kept) and the property's UPRN, when the incident has either. */
export function callerSection(d: IncidentDetail) {
  if (d.callerAccount === '' && d.uprn === null) return nothing;
  return html`<section class="caller" aria-label="Caller's account" data-caller>
    <h4>Caller's account</h4>
    ${d.callerAccount ? html`<p class="account">${d.callerAccount}</p>` : html`<p class="note">None recorded.</p>`}
    ${d.uprn !== null ? html`<p data-uprn=${d.uprn}>UPRN ${d.uprn}</p>` : nothing}
  </section>`;
}

export function requestsSection(d: IncidentDetail, name: (id: string) => string) {
  if (d.requests.length === 0) return nothing;
  return html`<section aria-label="Joint requests">
    <h4>Requests between agencies</h4>
    <ul>
      ${d.requests.map(
        (r) =>
          html`<li data-request-id=${r.requestId} data-status=${r.status}>
            ${agencyLabel(r.fromAgency)} → ${agencyLabel(r.toAgency)}: <strong>${r.status}</strong>
            ${r.lines.length ? html` · ${r.lines.map((l) => `${l.count} × ${l.capability}`).join(', ')}` : nothing}
            ${r.mobilised.length ? html` · sent ${r.mobilised.map(name).join(', ')}` : nothing}
            ${r.answer ? html` · “${r.answer}”` : nothing}
          </li>`,
      )}
    </ul>
  </section>`;
}

/** "A quicker resource has become available", with the one-step swap when the role may make it. */
export function quickerSection(d: IncidentDetail, deps: SectionDeps) {
  if (d.quicker.length === 0) return nothing;
  const name = (id: string) => deps.resource(id)?.callSign ?? id;
  return html`<section aria-label="Quicker resource available" class="quicker" role="alert">
    ${d.quicker.map((f) => {
      const qa = deps.resource(f.quickerId)?.agency;
      const ea = deps.resource(f.enRouteId)?.agency;
      const may =
        mayOnIncident(deps.role, d.incident, 'mobilise', qa) && mayOnIncident(deps.role, d.incident, 'standDown', ea);
      return html`<p data-quicker=${f.quickerId}>
        <strong>Quicker resource available:</strong> ${name(f.quickerId)} (ETA ${formatDuration(f.quickerEtaS)}) could
        replace ${name(f.enRouteId)} (ETA ${formatDuration(f.enRouteEtaS)}) for ${f.capability}.
        ${may ? html`<button type="button" ?disabled=${deps.busy} @click=${() => deps.swap(f)}>Swap: send ${name(f.quickerId)}, stand down ${name(f.enRouteId)}</button>` : nothing}
      </p>`;
    })}
  </section>`;
}

/** The audit timeline, oldest first. */
export function timelineSection(entries: readonly TimelineEntry[]) {
  return html`<section aria-label="Timeline" class="timeline">
    <h4>Timeline</h4>
    ${
      entries.length === 0
        ? html`<p class="note">Nothing recorded yet.</p>`
        : html`<ol data-timeline>
            ${entries.map(
              (e) =>
                html`<li data-seq=${e.seq} data-type=${e.type}>
                  <time>${formatClock(e.atMs)}</time>
                  <span class="who"
                    >${e.actor}${e.agency ? ` (${agencyLabel(e.agency)})` : ''}${e.origin && e.origin !== 'operator' ? ` · ${e.origin}` : ''}</span
                  >
                  <span class="what">${e.text}</span>
                </li>`,
            )}
          </ol>`
    }
  </section>`;
}
