/** The cover panel's words, pure (no DOM) so tests call them with literal data. */
import { agencyLabel } from '../../format.ts';
import type { CoverGapCell } from '../../state/types.ts';

/** 0.9343 → "93.4%" (one decimal, as the server's labels). */
export function percent1(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** 1 → "1st", 2 → "2nd", 3 → "3rd", 4 → "4th". */
export function nthName(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

/** "fire:pump" → "Fire pump". */
export function surfaceName(surface: string): string {
  const [agency, capability] = surface.split(':');
  return `${agencyLabel(agency ?? '')}${capability ? ` ${capability}` : ''}`;
}

/** Short target name: "1st within 5 min". */
export function targetName(nth: number, withinS: number): string {
  const min = withinS / 60;
  return `${nthName(nth)} within ${Number.isInteger(min) ? min : min.toFixed(1)} min`;
}

export interface GapGroup {
  surface: string;
  nth: number;
  withinS: number;
  cells: number;
}

/** Gap cells grouped per surface and target, in the order they first appear. */
export function groupGaps(cells: readonly CoverGapCell[]): GapGroup[] {
  const out = new Map<string, GapGroup>();
  for (const c of cells) {
    const k = `${c.surface}|${c.nth}|${c.withinS}`;
    const g = out.get(k);
    if (g) g.cells++;
    else out.set(k, { surface: c.surface, nth: c.nth, withinS: c.withinS, cells: 1 });
  }
  return [...out.values()];
}
