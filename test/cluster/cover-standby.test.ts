/**
 * Cover on a hot standby (issue #21 item 2: the standby keeps cover live). A standby computes its
 * cover picture itself, from the log it follows (server/shell/cluster/live.ts), so after the
 * leader's events its GET /api/cover and GET /api/cover/moves must be the leader's: the same
 * figures, gap cells, active standby moves and recommended moves. On the crash scenario, with
 * three of its four pumps mobilised, the first pump within 10 min covers 10 of 20 demand and one
 * move is recommended (R3 to Wood Green, 50 % to 100 %); once the leader orders it, the standby
 * shows the move and 100 %, as the leader does. The figures are asserted literally, before the
 * move and after: a standby that did not apply the move's batch still shows 50 % and fails; one
 * that applied R3's status but dropped the order itself stays at event 4 with no move, and fails
 * too (checked by dropping cover.standbyOrdered in Engine.follow).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { login, sleep, type Instance } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

interface CoverJson {
  computedAtMs: number;
  eventSeq: number;
  surfaces: Array<{ key: string; computeMs: number }>;
  figures: Array<{ nth: number; coveredWeight: number; totalWeight: number; coveredShare: number }>;
  gaps: { features: Array<{ properties: { nth: number } }> };
  standby: unknown[];
}

async function get<T>(url: string, path: string, token: string): Promise<T> {
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as T;
  assert.is(res.status, 200, `${url}${path}: ${JSON.stringify(body)}`);
  return body;
}

async function post(url: string, path: string, token: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  assert.ok(res.status === 200 || res.status === 201, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** GET /api/cover once its picture is computed after event `seq`; throws naming what it shows otherwise. */
async function coverAt(inst: Instance, token: string, seq: number): Promise<CoverJson> {
  const until = Date.now() + 30_000;
  for (;;) {
    const c = await get<CoverJson>(inst.url, '/api/cover', token);
    if (c.eventSeq >= seq) return c;
    if (Date.now() > until)
      throw new Error(`${inst.name}'s cover is at event ${c.eventSeq}, not ${seq}: ${JSON.stringify(figures(c))}`);
    await sleep(100);
  }
}

/** Each standard's [nth, covered weight, total weight, covered share]. */
const figures = (c: CoverJson) => c.figures.map((f) => [f.nth, f.coveredWeight, f.totalWeight, f.coveredShare]);
/** What the two instances may differ in: when and how fast each computed its picture. */
const computed = (c: CoverJson) => ({
  ...c,
  computedAtMs: 0,
  surfaces: c.surfaces.map((s) => ({ ...s, computeMs: 0 })),
});

test("a standby move ordered on the leader shows on the standby's cover exactly as on the leader", async () => {
  const room = await startClusterRoom({ room: 'coverstandby', instances: 2 });
  try {
    const [leader, standby] = room.instances as [Instance, Instance];
    const [lt, st] = [await login(leader.url), await login(standby.url)];

    // Three of the four pumps away: the first pump within 10 min covers half the demand.
    let seq = 0;
    for (const id of ['R0', 'R1', 'R2'])
      seq = (await post(leader.url, `/api/resources/${id}/status`, lt, { status: 'MOBILISED' })).seq as number;
    assert.is(seq, 3);
    const before = await coverAt(standby, st, seq);
    assert.equal(
      figures(before),
      [
        [1, 10, 20, 0.5],
        [2, 0, 20, 0],
      ],
      "the standby's figures before the move",
    );
    assert.equal(before.standby, []);
    assert.equal(computed(before), computed(await coverAt(leader, lt, seq)), 'before the move: the same cover');
    const recommended = await get<{ moves: Array<Record<string, unknown>> }>(standby.url, '/api/cover/moves', st);
    assert.equal(
      recommended.moves.map((m) => [
        m.resourceId,
        (m.destination as { id: string }).id,
        m.gainWeight,
        figures({ figures: m.before } as CoverJson),
        figures({ figures: m.after } as CoverJson),
      ]),
      [
        [
          'R3',
          'F-WG',
          10,
          [
            [1, 10, 20, 0.5],
            [2, 0, 20, 0],
          ],
          [
            [1, 20, 20, 1],
            [2, 0, 20, 0],
          ],
        ],
      ],
      "the standby's recommended moves",
    );
    assert.equal(recommended, await get(leader.url, '/api/cover/moves', lt), 'the same recommended moves');

    // The leader orders it; the standby applies it from the log.
    const ordered = await post(leader.url, '/api/cover/moves', lt, { resourceId: 'R3', destinationId: 'F-WG' });
    assert.is(ordered.seq, 5, 'R3 AVAILABLE_MOBILE, then the move ordered');
    const move = ordered.move as { orderedAt: number };
    const after = await coverAt(standby, st, 5);
    assert.equal(
      figures(after),
      [
        [1, 20, 20, 1],
        [2, 0, 20, 0],
      ],
      "the standby's figures after the move",
    );
    assert.equal(after.standby, [
      {
        moveId: `SB-R3-${move.orderedAt}`,
        resourceId: 'R3',
        destination: { id: 'F-WG', kind: 'station', name: 'Wood Green', lat: 51.6005, lon: -0.111 },
        orderedAt: move.orderedAt,
        orderedBy: 'duty',
      },
    ]);
    assert.equal(
      after.gaps.features.map((f) => f.properties.nth),
      Array(15).fill(2),
      'no first-pump gap cell is left; the 15 second-pump cells stay',
    );
    assert.equal(computed(after), computed(await coverAt(leader, lt, 5)), 'after the move: the same cover');
    const none = await get<{ moves: unknown[] }>(standby.url, '/api/cover/moves', st);
    assert.equal(none.moves, [], 'R3 on its move is no longer a candidate');
    assert.equal(none, await get(leader.url, '/api/cover/moves', lt));
  } finally {
    await room.close();
  }
});

test.run();
