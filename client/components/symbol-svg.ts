/** The resource symbol as inline SVG for the panels (the map draws the same parts on a canvas). */
import { svg, type SVGTemplateResult } from 'lit';
import { AGENCY_PATH, symbolParts } from '../map/symbols.ts';
import type { Agency, StatusName } from '../state/types.ts';

export function symbolSvg(agency: Agency, status: StatusName, stale: boolean, size = 18): SVGTemplateResult {
  const p = symbolParts(agency, status, stale);
  const d = AGENCY_PATH[agency];
  // The same id for the same symbol: a re-render of an unchanged row then changes no attribute
  // (a fresh id per call made Lit rewrite every row of the board). Duplicates within one shadow
  // root are identical clip paths, so whichever url(#id) finds is right.
  const clip = `jcr-half-${agency}`;
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

/**
 * A horizontal bar as SVG (no style attributes: the page runs under style-src 'self', which
 * blocks inline styles). `fraction` 0..1 is the bar, `marker` 0..1 a dashed target line;
 * `hatched` draws the bar striped (outside the standard / below target).
 */
export function barSvg(fraction: number, marker: number | null, hatched: boolean): SVGTemplateResult {
  const w = Math.max(0, Math.min(100, fraction * 100));
  const m = marker === null ? null : Math.max(0, Math.min(100, marker * 100));
  return svg`<svg class="barsvg" viewBox="0 0 100 10" preserveAspectRatio="none" width="100%" height="12" aria-hidden="true" focusable="false">
    <rect x="0" y="0" width="100" height="10" fill="#ffffff" stroke="#555555" stroke-width="0.6" vector-effect="non-scaling-stroke"></rect>
    <rect x="0" y="0" width=${w} height="10" fill=${hatched ? '#D55E00' : '#333333'}></rect>
    ${hatched ? svg`<path d=${`M0,5H${w}`} stroke="#ffffff" stroke-width="2" stroke-dasharray="3 3"></path>` : null}
    ${m === null ? null : svg`<path d=${`M${m},-2V12`} stroke="#000000" stroke-width="2" stroke-dasharray="2 1.5" vector-effect="non-scaling-stroke"></path>`}
  </svg>`;
}
