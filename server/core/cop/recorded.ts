import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import type { Incident } from '../incidents/types.ts';
import {
  incidentAgencies,
  inBox,
  resourceMsg,
  seesIncident,
  type CopIncidentMsg,
  type CopResourceMsg,
  type NormalFilter,
} from './frames.ts';
import type { TickRecord, Touched } from './ring.ts';

/**
 * The picture as the leader's COP records show it, for a journal that follows them (a standby, a
 * COP gateway: cluster mode). Such a replica's fleet takes each fix from the live bucket as it
 * comes, which is often before the record the leader cut before that fix (a record is published
 * only once the log holds its events). A snapshot labelled seq N built from that fleet could show
 * a resource where only record N+2 puts it, and record N+1 would then move it back on the
 * screen. So a following journal's snapshot shows each resource as the last record it took that
 * touched it (the leader's own view at that cut: position, fix time, status), and the replica's
 * state only for a resource no record has touched since it began to follow. Incidents likewise:
 * the replica applies the log's events as they come, so it may hold an incident's next change
 * before the record that shows it; the snapshot shows each incident as the last record taken
 * that changed it (closed: not at all).
 */
export class RecordedPicture {
  private readonly byRef = new Map<number, Touched>();
  private readonly incidentById = new Map<
    string,
    { msg: CopIncidentMsg; agencies: readonly string[]; open: boolean }
  >();

  /** A record the journal took, in seq order. */
  take(record: Pick<TickRecord, 'touched' | 'changes'>): void {
    for (const t of record.touched) this.byRef.set(t.ref, t);
    for (const c of record.changes)
      if (c.kind === 'incident' && c.msg.incident)
        this.incidentById.set(c.msg.incident.incident.id, {
          msg: c.msg.incident.incident,
          agencies: c.after,
          open: c.open,
        });
  }

  /** Following begins (again): nothing recorded yet. */
  clear(): void {
    this.byRef.clear();
    this.incidentById.clear();
  }

  /**
   * The open incidents a snapshot under `f` shows, in the order `all` gives (created): following,
   * as the records put them where one did; `describe` gives the record of one as the room has it.
   */
  incidents(
    f: NormalFilter,
    all: Iterable<Readonly<Incident>>,
    describe: (inc: Readonly<Incident>) => CopIncidentMsg,
    recorded: boolean,
  ): CopIncidentMsg[] {
    const out: CopIncidentMsg[] = [];
    for (const inc of all) {
      const r = recorded ? this.incidentById.get(inc.id) : undefined;
      if (r) {
        if (r.open && seesIncident(f, r.agencies)) out.push(r.msg);
      } else if (inc.status !== 'closed' && seesIncident(f, incidentAgencies(inc))) out.push(describe(inc));
    }
    return out;
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
