import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../server/core/clock.ts';
import { AvlIngest, type AvlReportIn, type IngestSink } from '../server/core/avl/ingest.ts';
import { AVL_LIMITS } from '../server/core/avl/limits.ts';
import { Room } from '../server/core/room.ts';
import { PointIndex, type BBox } from '../server/core/spatial/point-index.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

/**
 * Property test: after thousands of seeded random moves, inserts and removals, the rbush index
 * agrees exactly with the live positions, checked by search boxes against brute-force filtering
 * and by the tree's full contents.
 */
const inBox = (b: BBox, lon: number, lat: number) => lon >= b.minX && lon <= b.maxX && lat >= b.minY && lat <= b.maxY;

function randomBox(rnd: () => number): BBox {
  const lon = -0.6 + rnd() * 0.6;
  const lat = 51.55 + rnd() * 0.45;
  const w = rnd() * 0.2;
  const h = rnd() * 0.2;
  return { minX: lon, minY: lat, maxX: lon + w, maxY: lat + h };
}

for (const slack of [0, 0.001, 0.002])
  test(`PointIndex (slack ${slack}°) agrees with brute force: 5,000 points × 20 rounds of moves, inserts and removals`, () => {
    const rnd = seededRandom(20260101);
    const idx = new PointIndex(slack);
    const truth = new Map<string, [number, number]>();
    let nextId = 0;
    const add = () => {
      const id = `R${nextId++}`;
      const p: [number, number] = [-0.6 + rnd() * 0.6, 51.55 + rnd() * 0.45];
      truth.set(id, p);
      idx.set(id, p[0], p[1]);
    };
    for (let i = 0; i < 5000; i++) add();
    for (let round = 0; round < 20; round++) {
      const ids = [...truth.keys()];
      for (const id of ids) {
        const u = rnd();
        if (u < 0.6) {
          // A small move (a vehicle driving) or, sometimes, a jump; sometimes exactly the same point.
          const p = truth.get(id) as [number, number];
          const q: [number, number] =
            u < 0.05
              ? [...p]
              : u < 0.5
                ? [p[0] + (rnd() - 0.5) * 0.002, p[1] + (rnd() - 0.5) * 0.002]
                : [-0.6 + rnd() * 0.6, 51.55 + rnd() * 0.45];
          truth.set(id, q);
          idx.set(id, q[0], q[1]);
        } else if (u < 0.63) {
          truth.delete(id);
          assert.ok(idx.delete(id));
        }
      }
      while (truth.size < 5000) add();
      // Compare: size, every point, the tree's own contents, and 200 random boxes.
      assert.is(idx.size, truth.size);
      for (const [id, p] of truth) assert.equal(idx.get(id), p);
      const tree = idx.treeContents();
      assert.is(tree.length, truth.size, `round ${round}: tree holds ${tree.length} live items`);
      assert.ok(
        idx.treeItems <= 2 * truth.size + 1,
        `round ${round}: dead items are bounded (${idx.treeItems} in the tree)`,
      );
      for (const it of tree) assert.equal(truth.get(it.id), [it.lon, it.lat]);
      for (let k = 0; k < 200; k++) {
        const box = randomBox(rnd);
        const got = idx.search(box).sort();
        const want = [...truth]
          .filter(([, p]) => inBox(box, p[0], p[1]))
          .map(([id]) => id)
          .sort();
        assert.equal(got, want, `round ${round} box ${k}`);
      }
    }
    assert.not.ok(idx.delete('never-there'));
    assert.ok(idx.rebuilds > 0, `moves out of boxes and removals led to bulk rebuilds (${idx.rebuilds})`);
    if (slack > 0) assert.ok(idx.treeUpdates < 5000 + 20 * 5000 * 0.6, `slack saves tree updates (${idx.treeUpdates})`);
  });

test('Fleet index agrees with live state after seeded random AVL batches (accepted and rejected)', () => {
  const rnd = seededRandom(7);
  const room = new Room(miniScenario(), { clock: () => 1_767_258_000_000 });
  const ingest = new AvlIngest(room, AVL_LIMITS);
  const sink: IngestSink = { commitStatuses: () => {}, history: () => {} };
  const ids = ['HAT1', 'HAT2', 'WGC1', 'PC1', 'DRONE1', 'AMB1', 'NOPE'];
  let t = 1_767_250_000_000;
  for (let b = 0; b < 500; b++) {
    t += 1000;
    const reports: AvlReportIn[] = [];
    for (let i = 0; i < 20; i++) {
      const id = ids[Math.floor(rnd() * ids.length)] as string;
      const cur = room.fleet.get(id);
      const jump = rnd() < 0.1 ? 0.5 : 0.0005; // some jumps are impossible speeds
      reports.push({
        resourceId: id,
        lat: (cur?.lat ?? 51.7) + (rnd() - 0.5) * jump,
        lon: (cur?.lon ?? -0.2) + (rnd() - 0.5) * jump,
        speedMps: 5,
        headingDeg: 0,
        fixTimeMs: t - Math.floor(rnd() * 3000),
        accuracyM: 5,
        status: 0,
      });
    }
    ingest.ingestBatch(reports, { id: 'test', agency: null }, 1_767_258_000_000, sink);
    for (const r of room.fleet.all()) assert.equal(room.fleet.index.get(r.def.id), [r.lon, r.lat]);
    const box = randomBox(rnd);
    const want = [...room.fleet.all()]
      .filter((r) => inBox(box, r.lon, r.lat))
      .map((r) => r.def.id)
      .sort();
    assert.equal(
      room.fleet
        .within(box)
        .map((r) => r.def.id)
        .sort(),
      want,
    );
  }
  assert.is(room.fleet.index.treeContents().length, room.fleet.size);
});

test.run();
