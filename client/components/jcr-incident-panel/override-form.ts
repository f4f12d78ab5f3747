/**
 * The template of <jcr-incident-panel>'s override form: choose resources by hand, with a reason.
 * With a recommendation, its timed candidates; without one, the nearest available resources in a
 * straight line (no journey times).
 */
import { html } from 'lit';
import { formatDuration } from '../../format.ts';
import { STATUS_LABEL } from '../../map/symbols.ts';
import { maySetStatus } from '../../state/permissions.ts';
import type { ClientStore } from '../../state/store.ts';
import type { ClientResource, Incident } from '../../state/types.ts';
import { symbolSvg } from '../symbol-svg.ts';

function distM(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const k = Math.PI / 180;
  const x = (bLon - aLon) * k * Math.cos(((aLat + bLat) / 2) * k);
  const y = (bLat - aLat) * k;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}

export function overrideForm(
  s: ClientStore,
  inc: Incident,
  busy: boolean,
  role: string | undefined,
  onSubmit: (e: Event) => void,
) {
  const rec = s.recommendations.get(inc.id);
  // Only what this role may mobilise (its own agency's; the duty officer, any).
  const own = (rec?.candidates ?? []).filter((c) => maySetStatus(role, c.agency));
  const timed = own.length > 0;
  const rows = timed
    ? own.map((c) => ({
        id: c.resourceId,
        agency: c.agency,
        text: `${c.callSign} (${c.capability}) — ETA ${formatDuration(c.etaS)}${c.proposed ? ', recommended' : ''}${c.withheld ? `, withheld: ${c.withheld}` : ''}`,
      }))
    : [...s.resources.values()]
        .filter(
          (r) =>
            (r.status === 'AVAILABLE_AT_STATION' || r.status === 'AVAILABLE_MOBILE' || r.status === 'RETURNING') &&
            maySetStatus(role, r.agency),
        )
        .sort((a, b) => distM(a.lat, a.lon, inc.lat, inc.lon) - distM(b.lat, b.lon, inc.lat, inc.lon))
        .slice(0, 20)
        .map((r: ClientResource) => ({
          id: r.id,
          agency: r.agency,
          text: `${r.callSign} ${r.type} — ${STATUS_LABEL[r.status]}, ${(distM(r.lat, r.lon, inc.lat, inc.lon) / 1000).toFixed(1)} km in a straight line`,
        }));
  return html`<form @submit=${(e: Event) => onSubmit(e)} aria-label="Override recommendation">
    <fieldset>
      <legend>
        Override: choose resources ${timed ? '(timed by the server)' : '(nearest in a straight line; no journey times)'}
      </legend>
      <div class="override-list">
        ${rows.map((r) => html`<label><input type="checkbox" name="resourceId" value=${r.id} /> ${symbolSvg(r.agency, 'AVAILABLE_AT_STATION', false)} ${r.text}</label>`)}
      </div>
      <label>Reason (required) <textarea name="reason" required rows="2" maxlength="500"></textarea></label>
      <button class="primary" type="submit" ?disabled=${busy}>Mobilise with override</button>
    </fieldset>
  </form>`;
}
