/**
 * The incident panel's cover impact: for every candidate, proposed first, what sending it does to
 * each standard target's cover, to one decimal ("HT-P1: 1st appliance within 10 min: 99.5% →
 * 99.0%"). Whole percent hid real drops ("99% → 99%"). A template only.
 */
import { html } from 'lit';
import { formatShare1 } from '../../format-standards.ts';
import type { CoverImpact } from '../../state/types.ts';

export function coverImpactList(impacts: readonly CoverImpact[]) {
  return html`<h4>Cover impact</h4>
    ${
      impacts.length === 0
        ? html`<p class="note">No cover impact given.</p>`
        : html`<ul>
            ${[...impacts]
              .sort((a, b) => Number(b.proposed) - Number(a.proposed))
              .map(
                (c) =>
                  html`<li data-impact=${`${c.resourceId}|${c.key}`} data-proposed=${c.proposed ? 'true' : 'false'}>
                    ${c.label}${c.proposed ? '' : ' (if sent instead)'}: ${formatShare1(c.beforeShare)} →
                    <strong>${formatShare1(c.afterShare)}</strong>
                  </li>`,
              )}
          </ul>`
    }`;
}
