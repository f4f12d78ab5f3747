/**
 * The resource board's view model (client/components/jcr-resource-board/board-model.ts): rows
 * grouped by agency and station in order; a status change touches exactly its row and station
 * (their versions), nothing else, without grouping again; a change to what places a row (its
 * station, a new resource, the filter) groups again; a status filter moves rows in and out.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BoardModel, type BoardFilter, type BoardInputs } from '../client/components/jcr-resource-board/board-model.ts';
import type { ClientResource } from '../client/state/types.ts';

const res = (
  id: string,
  callSign: string,
  agency: ClientResource['agency'],
  station: string,
  status: ClientResource['status'] = 'AVAILABLE_AT_STATION',
  fixTimeMs = 1000,
): ClientResource => ({
  id,
  callSign,
  agency,
  type: agency === 'fire' ? 'pump' : agency === 'police' ? 'response-car' : 'ambulance',
  capabilities: agency === 'fire' ? ['pump'] : [],
  station,
  status,
  lat: 52,
  lon: 0.1,
  headingDeg: 0,
  speedMps: 0,
  fixTimeMs,
  incidentId: null,
});

const NAMES = new Map([
  ['F-CEN', 'Cambridge Central'],
  ['F-ARB', 'Arbury'],
  ['A-CEN', 'Cambridge ambulance station'],
]);
const ALL: BoardFilter = { text: '', agency: '', status: '' };

function world(): Map<string, ClientResource> {
  const list = [
    res('CEN2', 'CB-P2', 'fire', 'F-CEN'),
    res('CEN1', 'CB-P1', 'fire', 'F-CEN'),
    res('ARB1', 'AR-P1', 'fire', 'F-ARB', 'AVAILABLE_AT_STATION', 0),
    res('AMB1', 'EE-A1', 'ambulance', 'A-CEN', 'MOBILISED'),
  ];
  return new Map(list.map((r) => [r.id, r]));
}

function inputs(
  resources: Map<string, ClientResource>,
  filter: BoardFilter = ALL,
  selectedId: string | null = null,
  names = NAMES,
): BoardInputs {
  // Stale: never reported (fixTimeMs 0), as the store's isStale says for "now" = 1000.
  return { resources, filter, stationNames: names, selectedId, isStale: (r) => r.fixTimeMs <= 0 };
}

function layout(m: BoardModel): string[] {
  return m.groups.flatMap((g) =>
    g.stations.map(
      (s) =>
        `${g.agency}/${s.name} ${s.available}/${s.rows.length}: ${s.rows.map((r) => `${r.resource.callSign}=${r.status}${r.stale ? '~' : ''}${r.selected ? '*' : ''}`).join(' ')}`,
    ),
  );
}

function versions(m: BoardModel): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of m.groups)
    for (const s of g.stations) {
      out.set(`station:${s.id}`, s.version);
      for (const r of s.rows) out.set(r.id, r.version);
    }
  return out;
}

function changedKeys(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...b.keys()].filter((k) => a.get(k) !== b.get(k)).sort();
}

/**
 * A model shown the world once; then `change` made to the world (in place, as the store does) and
 * the model updated, with `selectedId` selected: what update() answered and which versions moved.
 */
function updateAfter(
  change: (w: Map<string, ClientResource>) => void,
  selectedId: string | null = null,
): { m: BoardModel; changed: boolean; touched: string[] } {
  const w = world();
  const m = new BoardModel();
  m.update(inputs(w));
  const v0 = versions(m);
  change(w);
  const changed = m.update(inputs(w, ALL, selectedId));
  return { m, changed, touched: changedKeys(v0, versions(m)) };
}

test('groups by agency then station name, rows by call sign; availability counted per station', () => {
  const m = new BoardModel();
  assert.is(m.update(inputs(world())), true);
  assert.equal(layout(m), [
    'fire/Arbury 1/1: AR-P1=AVAILABLE_AT_STATION~',
    'fire/Cambridge Central 2/2: CB-P1=AVAILABLE_AT_STATION CB-P2=AVAILABLE_AT_STATION',
    'ambulance/Cambridge ambulance station 0/1: EE-A1=MOBILISED',
  ]);
  assert.is(m.shown, 4);
  assert.is(m.regroups, 1);
  assert.equal(
    m.groups.map((g) => [g.agency, g.count]),
    [
      ['fire', 3],
      ['ambulance', 1],
    ],
  );
});

test('nothing changed: no change reported, no version moves', () => {
  const { m, changed, touched } = updateAfter(() => {});
  assert.is(changed, false);
  assert.equal(touched, []);
  assert.is(m.regroups, 1);
});

test('a status change touches exactly its row and its station, and the station count', () => {
  const { m, changed, touched } = updateAfter((w) => {
    w.get('CEN2')!.status = 'MOBILISED'; // in place, as ClientStore.upsertResources does
  });
  assert.is(changed, true);
  assert.equal(touched, ['CEN2', 'station:F-CEN']);
  assert.is(m.regroups, 1);
  assert.equal(layout(m)[1], 'fire/Cambridge Central 1/2: CB-P1=AVAILABLE_AT_STATION CB-P2=MOBILISED');
});

test('a record replaced by an equal new one with a new status (a REST or COP snapshot) is the same row', () => {
  const { m, changed, touched } = updateAfter((w) => {
    w.set('AMB1', res('AMB1', 'EE-A1', 'ambulance', 'A-CEN', 'AT_SCENE'));
    w.set('CEN1', res('CEN1', 'CB-P1', 'fire', 'F-CEN'));
  });
  assert.is(changed, true);
  assert.equal(touched, ['AMB1', 'station:A-CEN']);
  assert.is(m.regroups, 1);
  assert.equal(layout(m)[2], 'ambulance/Cambridge ambulance station 0/1: EE-A1=AT_SCENE');
});

test('selection and the stale marking are row changes too', () => {
  const { m, changed, touched } = updateAfter((w) => {
    w.get('ARB1')!.fixTimeMs = 2000;
  }, 'CEN1');
  assert.is(changed, true);
  assert.equal(touched, ['ARB1', 'CEN1', 'station:F-ARB', 'station:F-CEN']);
  assert.equal(layout(m).slice(0, 2), [
    'fire/Arbury 1/1: AR-P1=AVAILABLE_AT_STATION',
    'fire/Cambridge Central 2/2: CB-P1=AVAILABLE_AT_STATION* CB-P2=AVAILABLE_AT_STATION',
  ]);
});

test('a new resource, a station move, new station names or a new filter group again, with new versions', () => {
  const w = world();
  const m = new BoardModel();
  m.update(inputs(w));
  const before = Math.max(...versions(m).values());
  w.set('CEN3', res('CEN3', 'CB-P0', 'fire', 'F-CEN'));
  assert.is(m.update(inputs(w)), true);
  assert.is(m.regroups, 2);
  assert.equal(
    layout(m)[1],
    'fire/Cambridge Central 3/3: CB-P0=AVAILABLE_AT_STATION CB-P1=AVAILABLE_AT_STATION CB-P2=AVAILABLE_AT_STATION',
  );
  // Every version is new: a guard holding an old number re-renders the rebuilt view.
  assert.ok([...versions(m).values()].every((v) => v > before));
  w.get('CEN1')!.station = 'F-ARB';
  m.update(inputs(w));
  assert.is(m.regroups, 3);
  assert.equal(layout(m)[0], 'fire/Arbury 2/2: AR-P1=AVAILABLE_AT_STATION~ CB-P1=AVAILABLE_AT_STATION');
  m.update(inputs(w, { text: 'ee-', agency: '', status: '' }));
  assert.is(m.regroups, 4);
  assert.equal(layout(m), ['ambulance/Cambridge ambulance station 0/1: EE-A1=MOBILISED']);
  m.update(inputs(w, { text: 'ee-', agency: '', status: '' }, null, new Map([['A-CEN', 'Ambulance HQ']])));
  assert.is(m.regroups, 5);
  assert.equal(layout(m), ['ambulance/Ambulance HQ 0/1: EE-A1=MOBILISED']);
});

test('with a status filter, a status change moves the row out of the view (and in again)', () => {
  const w = world();
  const m = new BoardModel();
  const f: BoardFilter = { text: '', agency: 'fire', status: 'AVAILABLE_AT_STATION' };
  m.update(inputs(w, f));
  assert.is(m.shown, 3);
  w.get('CEN2')!.status = 'MOBILISED';
  assert.is(m.update(inputs(w, f)), true);
  assert.equal(layout(m), [
    'fire/Arbury 1/1: AR-P1=AVAILABLE_AT_STATION~',
    'fire/Cambridge Central 1/1: CB-P1=AVAILABLE_AT_STATION',
  ]);
  assert.is(m.shown, 2);
  w.get('CEN2')!.status = 'AVAILABLE_AT_STATION';
  m.update(inputs(w, f));
  assert.is(m.shown, 3);
  // A change to a row filtered out by agency is no change to the view.
  w.get('AMB1')!.status = 'AT_SCENE';
  assert.is(m.update(inputs(w, f)), false);
});

test.run();
