/**
 * The resource board's view model, kept between renders so a burst of status changes costs only
 * the rows that changed. Pure (no DOM): the board calls `update()` once per store notification and
 * renders stations and rows through Lit's `guard` on their `version`, which changes only when
 * something the row shows changed (status, stale marking, selection). Grouping and sorting, the
 * costly part, are redone only when the rows in the view change: a resource added or removed, its
 * agency, station, call sign or type changed, the filter or the station names changed (or, with a
 * status filter set, a status change that moves a row in or out of the view).
 */
import { AGENCIES, type Agency, type ClientResource, type StatusName } from '../../state/types.ts';

export interface BoardFilter {
  text: string;
  agency: Agency | '';
  status: StatusName | '';
}

/** Pure: does a resource pass the filter? (`stationName` for matching by station.) */
export function matchesFilter(r: ClientResource, f: BoardFilter, stationName: string): boolean {
  if (f.agency && r.agency !== f.agency) return false;
  if (f.status && r.status !== f.status) return false;
  const q = f.text.trim().toLowerCase();
  if (!q) return true;
  return (
    r.callSign.toLowerCase().includes(q) ||
    r.id.toLowerCase().includes(q) ||
    r.type.toLowerCase().includes(q) ||
    stationName.toLowerCase().includes(q) ||
    r.capabilities.some((c) => c.toLowerCase().includes(q))
  );
}

export interface BoardGroup {
  agency: Agency;
  stations: { id: string; name: string; resources: ClientResource[] }[];
  count: number;
}

/** Pure: group resources by agency then station (stations by name, resources by call sign). */
export function groupResources(
  list: Iterable<ClientResource>,
  stationNames: ReadonlyMap<string, string>,
): BoardGroup[] {
  const by = new Map<Agency, Map<string, ClientResource[]>>();
  for (const r of list) {
    let a = by.get(r.agency);
    if (!a) by.set(r.agency, (a = new Map()));
    let st = a.get(r.station);
    if (!st) a.set(r.station, (st = []));
    st.push(r);
  }
  const out: BoardGroup[] = [];
  for (const agency of AGENCIES) {
    const a = by.get(agency);
    if (!a) continue;
    const stations = [...a.entries()]
      .map(([id, resources]) => ({
        id,
        name: stationNames.get(id) ?? id,
        resources: resources.sort((x, y) => x.callSign.localeCompare(y.callSign)),
      }))
      .sort((x, y) => x.name.localeCompare(y.name));
    out.push({ agency, stations, count: stations.reduce((n, s) => n + s.resources.length, 0) });
  }
  return out;
}

/** One row as last rendered. `version` changes whenever what the row shows changed. */
export interface RowView {
  readonly id: string;
  resource: ClientResource;
  status: StatusName;
  stale: boolean;
  selected: boolean;
  version: number;
}

export interface StationView {
  readonly id: string;
  readonly name: string;
  readonly rows: RowView[];
  /** Rows available at station or mobile. */
  available: number;
  version: number;
}

export interface GroupView {
  readonly agency: Agency;
  readonly stations: StationView[];
  readonly count: number;
}

export interface BoardInputs {
  resources: ReadonlyMap<string, ClientResource>;
  filter: BoardFilter;
  stationNames: ReadonlyMap<string, string>;
  selectedId: string | null;
  isStale: (r: ClientResource) => boolean;
}

/** What a row's place in the view depends on (regroup when any of it changes). */
interface Placed {
  agency: Agency;
  station: string;
  callSign: string;
  type: string;
  capabilities: readonly string[];
  status: StatusName;
  /** Passed the filter at the last grouping. */
  shown: boolean;
}

export class BoardModel {
  groups: GroupView[] = [];
  /** Rows in the view (the filter's matches). */
  shown = 0;
  /** How many times the rows were grouped and sorted again (tests, the bench). */
  regroups = 0;
  private readonly rows = new Map<string, RowView>();
  private readonly stationOf = new Map<string, StationView>();
  private placed = new Map<string, Placed>();
  private filterKey = '';
  private names: ReadonlyMap<string, string> | null = null;
  /** One counter for every version, so a view built by a regroup never reuses an old number. */
  private clock = 0;

  /**
   * Bring the view up to date with `inputs`. Returns true when anything the board shows changed
   * (then the board renders; versions tell which stations and rows to re-render).
   */
  update(inputs: BoardInputs): boolean {
    if (this.needsRegroup(inputs)) {
      this.regroup(inputs);
      return true;
    }
    let changed = false;
    for (const r of inputs.resources.values()) {
      const row = this.rows.get(r.id);
      if (!row) continue; // filtered out
      // A feed may replace a resource's record with an equal new one: render from the latest.
      row.resource = r;
      const stale = inputs.isStale(r);
      const selected = r.id === inputs.selectedId;
      if (r.status === row.status && stale === row.stale && selected === row.selected) continue;
      const st = this.stationOf.get(row.id);
      if (st && isAvailable(r.status) !== isAvailable(row.status)) st.available += isAvailable(r.status) ? 1 : -1;
      row.status = r.status;
      row.stale = stale;
      row.selected = selected;
      row.version = ++this.clock;
      if (st) st.version = this.clock;
      changed = true;
    }
    return changed;
  }

  /** Any change to which rows are shown, or where? Checked field by field: no allocation. */
  private needsRegroup(inputs: BoardInputs): boolean {
    const f = inputs.filter;
    const key = `${f.agency}|${f.status}|${f.text.trim().toLowerCase()}`;
    if (key !== this.filterKey || inputs.stationNames !== this.names || inputs.resources.size !== this.placed.size)
      return true;
    for (const r of inputs.resources.values()) {
      const p = this.placed.get(r.id);
      if (
        !p ||
        p.agency !== r.agency ||
        p.station !== r.station ||
        p.callSign !== r.callSign ||
        p.type !== r.type ||
        !sameList(p.capabilities, r.capabilities) ||
        // With a status filter a status change may move the row in or out of the view.
        (f.status !== '' &&
          p.status !== r.status &&
          matchesFilter(r, f, inputs.stationNames.get(r.station) ?? r.station) !== p.shown)
      ) {
        return true;
      }
    }
    return false;
  }

  private regroup(inputs: BoardInputs): void {
    const f = inputs.filter;
    this.regroups++;
    this.filterKey = `${f.agency}|${f.status}|${f.text.trim().toLowerCase()}`;
    this.names = inputs.stationNames;
    this.placed = new Map();
    const list: ClientResource[] = [];
    for (const r of inputs.resources.values()) {
      const shown = matchesFilter(r, f, inputs.stationNames.get(r.station) ?? r.station);
      if (shown) list.push(r);
      this.placed.set(r.id, {
        agency: r.agency,
        station: r.station,
        callSign: r.callSign,
        type: r.type,
        capabilities: r.capabilities,
        status: r.status,
        shown,
      });
    }
    this.shown = list.length;
    this.rows.clear();
    this.stationOf.clear();
    const version = ++this.clock;
    this.groups = groupResources(list, inputs.stationNames).map((g) => ({
      agency: g.agency,
      count: g.count,
      stations: g.stations.map((s) => {
        const rows = s.resources.map((r): RowView => ({
          id: r.id,
          resource: r,
          status: r.status,
          stale: inputs.isStale(r),
          selected: r.id === inputs.selectedId,
          version,
        }));
        const st: StationView = {
          id: s.id,
          name: s.name,
          rows,
          available: rows.filter((x) => isAvailable(x.status)).length,
          version,
        };
        for (const row of rows) {
          this.rows.set(row.id, row);
          this.stationOf.set(row.id, st);
        }
        return st;
      }),
    }));
  }
}

/** Feeds build a new capabilities array per record: compare the contents. */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isAvailable(s: StatusName): boolean {
  return s === 'AVAILABLE_AT_STATION' || s === 'AVAILABLE_MOBILE';
}
