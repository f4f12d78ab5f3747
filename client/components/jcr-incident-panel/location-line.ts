/**
 * Where the selected incident is, for <jcr-incident-panel>: its road, town and grid reference
 * ("A602, near Stevenage · TL 2416 2434") and how it meets the road network ("on the road",
 * "12 m from the road", "off the road network: no road within 500 m").
 */
import { html, nothing } from 'lit';
import { snapWords } from '../../state/places.ts';
import type { Incident } from '../../state/types.ts';

export function locationLine(inc: Incident) {
  const loc = inc.location;
  if (!loc) return nothing;
  const road = loc.snapped
    ? snapWords(loc.snapped.distanceM)
    : loc.offRoad
      ? `off the road network: ${loc.offRoad}`
      : '';
  return html`<p class="where" data-location>
    <strong>${loc.text}</strong>${road ? html` <span class="note" data-road>(${road})</span>` : nothing}
  </p>`;
}
