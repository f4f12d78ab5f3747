import type { CopCoverSummaryMsg } from '../../core/cop/frames.ts';
import type { CoverSnapshot } from '../cover/service.ts';

/**
 * The COP's cover record from the cover service's picture: one figure per surface and standard
 * target, the gap cell and standby move counts, no geometry (the screens fetch that from
 * GET /api/cover when the counts tell them it changed).
 */
export function coverSummaryMsg(s: CoverSnapshot): CopCoverSummaryMsg {
  const figures: CopCoverSummaryMsg['figures'] = [];
  let gapCells = 0;
  for (const x of s.surfaces) {
    for (const f of x.figures) {
      figures.push({
        surface: f.surface,
        standardId: f.standardId,
        standardName: f.standardName,
        nth: f.nth,
        withinS: Math.round(f.withinS),
        coveredShare: f.coveredShare,
        targetShare: f.share,
        meetsStandard: f.meetsStandard,
        label: f.label,
      });
    }
    for (const g of x.gaps) gapCells += g.cells.length;
  }
  return {
    computedAtMs: Math.round(s.computedAtMs),
    eventSeq: s.eventSeq,
    figures,
    gapCells,
    standbyMoves: s.standby.length,
  };
}

/** What /ws/cop needs of the cover service (server/shell/cover/service.ts CoverService). */
export interface CoverFeed {
  latest(): CoverSnapshot | null;
  onChange(listener: () => void): () => void;
}
