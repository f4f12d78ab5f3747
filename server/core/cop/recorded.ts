import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { inBox, resourceMsg, type CopResourceMsg, type NormalFilter } from './frames.ts';
import type { Touched } from './ring.ts';

/**
 * The fleet as the leader's COP records show it, for a journal that follows them (a standby, a
 * COP gateway: cluster mode). Such a replica's fleet takes each fix from the live bucket as it
 * comes, which is often before the record the leader cut before that fix (a record is published
 * only once the log holds its events). A snapshot labelled seq N built from that fleet could show
 * a resource where only record N+2 puts it, and record N+1 would then move it back on the
 * screen. So a following journal's snapshot shows each resource as the last record it took that
 * touched it (the leader's own view at that cut: position, fix time, status), and the replica's
 * state only for a resource no record has touched since it began to follow.
 */
export class RecordedFleet {
  private readonly byRef = new Map<number, Touched>();

  /** A record's touched resources, in seq order. */
  take(touched: readonly Touched[]): void {
    for (const t of touched) this.byRef.set(t.ref, t);
  }

  /** Following begins (again): nothing recorded yet. */
  clear(): void {
    this.byRef.clear();
  }

  /**
   * The resources a snapshot under `f` shows, by ref: `recorded` (following) as the records put
   * them, else the fleet as it stands (the R-tree answers the viewport).
   */
  resources(f: NormalFilter, fleet: Fleet, refOf: ReadonlyMap<string, number>, recorded: boolean): CopResourceMsg[] {
    const out: CopResourceMsg[] = [];
    const visible = (r: LiveResource) => f.agencies === null || f.agencies.has(r.def.agency);
    if (!recorded) {
      for (const r of f.box ? fleet.within(f.box) : fleet.all()) {
        const ref = refOf.get(r.def.id);
        if (ref !== undefined && visible(r)) out.push(resourceMsg(ref, r));
      }
    } else
      for (const r of fleet.all()) {
        const ref = refOf.get(r.def.id);
        if (ref === undefined || !visible(r)) continue;
        const t = this.byRef.get(ref);
        if (f.box && !inBox(f.box, t ? t.lon : r.lon, t ? t.lat : r.lat)) continue;
        out.push(t ? t.view : resourceMsg(ref, r));
      }
    return out.sort((a, b) => a.ref - b.ref);
  }
}
