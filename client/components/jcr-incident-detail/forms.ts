/**
 * Forms of <jcr-incident-detail>: the METHANE report, a note to the shared timeline, and the
 * close (lead agency or duty officer; the duty officer may force it with a reason while another
 * agency is still committed). Templates and the pure reading of the METHANE form.
 */
import { html, nothing } from 'lit';
import { agencyLabel } from '../../format.ts';
import type { Methane } from '../../state/joint-types.ts';
import { AGENCIES, isAgency, type Agency } from '../../state/types.ts';

/** Pure: the METHANE fields of a submitted form (casualties blank = not known). */
export function readMethane(fd: FormData): Methane {
  const text = (k: string) => String(fd.get(k) ?? '').trim();
  const n = text('casualties');
  const c = n === '' ? null : Number(n);
  return {
    majorIncident: fd.get('majorIncident') === 'on',
    exactLocation: text('exactLocation'),
    type: text('type'),
    hazards: text('hazards'),
    access: text('access'),
    casualties: c !== null && Number.isInteger(c) && c >= 0 ? c : null,
    servicesPresent: fd.getAll('servicesPresent').filter(isAgency),
    servicesRequired: fd.getAll('servicesRequired').filter(isAgency),
  };
}

export function methaneForm(m: Methane, busy: boolean, onSubmit: (e: Event) => void) {
  const services = (name: 'servicesPresent' | 'servicesRequired', have: readonly Agency[]) =>
    AGENCIES.map(
      (a) =>
        html`<label class="inline"
          ><input type="checkbox" name=${name} value=${a} ?checked=${have.includes(a)} /> ${agencyLabel(a)}</label
        >`,
    );
  return html`<details class="methane">
    <summary>METHANE report${m.majorIncident ? html` — <strong>major incident declared</strong>` : nothing}</summary>
    <form aria-label="METHANE report" @submit=${onSubmit}>
      <label class="inline"
        ><input type="checkbox" name="majorIncident" ?checked=${m.majorIncident} /> M — Major incident declared</label
      >
      <label>E — Exact location <input name="exactLocation" maxlength="2000" .value=${m.exactLocation} /></label>
      <label>T — Type of incident <input name="type" maxlength="2000" .value=${m.type} /></label>
      <label>H — Hazards <input name="hazards" maxlength="2000" .value=${m.hazards} /></label>
      <label>A — Access <input name="access" maxlength="2000" .value=${m.access} /></label>
      <label
        >N — Number of casualties
        <input
          name="casualties"
          type="number"
          min="0"
          step="1"
          .value=${m.casualties === null ? '' : String(m.casualties)}
      /></label>
      <fieldset>
        <legend>E — Emergency services present</legend>
        ${services('servicesPresent', m.servicesPresent)}
      </fieldset>
      <fieldset>
        <legend>E — Emergency services required</legend>
        ${services('servicesRequired', m.servicesRequired)}
      </fieldset>
      <button type="submit" ?disabled=${busy}>Record METHANE</button>
    </form>
  </details>`;
}

export function noteForm(busy: boolean, onSubmit: (e: Event) => void) {
  return html`<form class="note-form" aria-label="Add a note" @submit=${onSubmit}>
    <label>Note to the shared timeline <input name="text" maxlength="4000" required /></label>
    <button type="submit" ?disabled=${busy}>Add note</button>
  </form>`;
}

/**
 * Close: shown to the lead agency and the duty officer. `blockers` names the other agencies'
 * units still committed (the server refuses the close until they stand down); the duty officer
 * may force it with a reason.
 */
export function closeForm(blockers: readonly string[], mayForce: boolean, busy: boolean, onSubmit: (e: Event) => void) {
  return html`<form class="close" aria-label="Close incident" @submit=${onSubmit}>
    ${
      blockers.length
        ? html`<p class="warn" data-close-blocked>
            Still committed by another agency: ${blockers.join(', ')}. They stand down before the incident closes.
          </p>`
        : nothing
    }
    <label>Closing reason <input name="reason" maxlength="2000" /></label>
    ${mayForce && blockers.length ? html`<label class="inline"><input type="checkbox" name="force" /> Force the close (duty officer; give a reason)</label>` : nothing}
    <button type="submit" ?disabled=${busy}>Close incident</button>
  </form>`;
}
