/** The resource symbol as inline SVG for the panels (the map draws the same parts on a canvas). */
import { svg, type SVGTemplateResult } from 'lit';
import { AGENCY_PATH, symbolParts } from '../map/symbols.ts';
import type { Agency, StatusName } from '../state/types.ts';

let clipSeq = 0;

export function symbolSvg(agency: Agency, status: StatusName, stale: boolean, size = 18): SVGTemplateResult {
  const p = symbolParts(agency, status, stale);
  const d = AGENCY_PATH[agency];
  const clip = `jcr-half-${++clipSeq}`;
  return svg`<svg class="sym" width=${size} height=${size} viewBox="-12 -12 24 24" aria-hidden="true" focusable="false">
    ${p.ring ? svg`<path d=${d} fill="none" stroke="#000" stroke-width="5" stroke-linejoin="round"></path>` : null}
    ${
      p.halfFill
        ? svg`<clipPath id=${clip}><rect x="-10" y="0" width="20" height="10"></rect></clipPath>
            <path d=${d} fill="#fff"></path><path d=${d} fill=${p.fill} clip-path=${`url(#${clip})`}></path>`
        : svg`<path d=${d} fill=${p.fill}></path>`
    }
    <path d=${d} fill="none" stroke=${p.ring ? '#fff' : p.stroke} stroke-width=${p.strokeWidth} stroke-dasharray=${p.dashed ? '2.5 2' : 'none'} stroke-linejoin="round"></path>
    ${p.marks.map((m) => svg`<path d=${m.d} fill=${m.fill ?? 'none'} stroke=${m.stroke ?? 'none'} stroke-width=${m.width ?? 0} stroke-linecap="round"></path>`)}
  </svg>`;
}
