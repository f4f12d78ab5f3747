/**
 * The attendance-line forms of <jcr-incident-detail> (issue 22 item 3): add a line (capability,
 * count and optionally the agency asked, with a reason: a boat for a missing person by a canal)
 * or change the count of one, and remove a line with a reason. Shown to the lead agency and the
 * duty officer (the server's rule, docs/incidents.md "Lines"); the recommendation then covers it.
 * Templates and the pure reading of the forms; the element sends the events.
 */
import { html } from 'lit';
import { agencyLabel } from '../../format.ts';
import type { IncidentLine, LineChange } from '../../state/lines.ts';
import { AGENCIES, isAgency } from '../../state/types.ts';

/** Pure: the line a submitted "add a line" form asks for, or why it cannot be sent. */
export function readLineChange(fd: FormData): LineChange | string {
  const capability = String(fd.get('capability') ?? '').trim();
  const count = Number(fd.get('count'));
  const agency = fd.get('agency');
  const reason = String(fd.get('reason') ?? '').trim();
  if (!capability) return 'Choose a capability.';
  if (!Number.isInteger(count) || count < 1 || count > 50) return 'The count is a whole number from 1 to 50.';
  if (!reason) return 'A line change needs a reason.';
  return { capability, count, agency: isAgency(agency) ? agency : null, reason };
}

/** Words for a line: "1 × boat (fire), 1 outstanding". */
export function lineWords(l: IncidentLine): string {
  return `${l.count} × ${l.capability}${l.agency ? ` (${agencyLabel(l.agency)})` : ''}${l.outstanding > 0 ? `, ${l.outstanding} outstanding` : ''}`;
}

export function linesForm(
  lines: readonly IncidentLine[],
  capabilities: readonly string[],
  busy: boolean,
  onSet: (e: Event) => void,
  onRemove: (e: Event) => void,
) {
  return html`<details class="lines" data-lines-form>
    <summary>Attendance lines: add or remove</summary>
    <ul aria-label="Attendance lines">
      ${lines.map((l) => html`<li data-line=${l.lineId} data-source=${l.source}>${lineWords(l)}</li>`)}
    </ul>
    <form aria-label="Add a line" @submit=${onSet}>
      <label
        >Capability
        <select name="capability" required>
          ${capabilities.map((c) => html`<option value=${c}>${c}</option>`)}
        </select></label
      >
      <label>Count <input name="count" type="number" min="1" max="50" step="1" value="1" required /></label>
      <label
        >Asked of
        <select name="agency">
          <option value="">Any agency that has it</option>
          ${AGENCIES.map((a) => html`<option value=${a}>${agencyLabel(a)}</option>`)}
        </select></label
      >
      <label>Reason for the line <input name="reason" maxlength="2000" required /></label>
      <button type="submit" ?disabled=${busy}>Add line</button>
    </form>
    <form aria-label="Remove a line" @submit=${onRemove}>
      <label
        >Line
        <select name="lineId" required>
          ${lines.map((l) => html`<option value=${l.lineId}>${lineWords(l)}</option>`)}
        </select></label
      >
      <label>Reason for removing it <input name="reason" maxlength="2000" required /></label>
      <button type="submit" ?disabled=${busy || lines.length === 0}>Remove line</button>
    </form>
  </details>`;
}
