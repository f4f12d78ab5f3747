/**
 * Partner rooms' resources on the COP (issue 18 item 4; proto/cop.proto CopPartnerResource): a
 * partner's ResourcePosition for a resource attending our incident is pushed to the screens that
 * see that incident, as a change of its own (marked as the partner's, with the partner's name),
 * instead of each screen polling GET /api/partner-resources. A snapshot carries them; another
 * agency's screen gets nothing; a Close of the partner's thread removes them. The hub encodes with
 * the server codec and the fake sockets decode with the browser codec into a CopPicture.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeClientFrame } from '../client/cop/codec.ts';
import { fakeClock } from '../server/core/clock.ts';
import { parseControl } from '../server/core/cop/frames.ts';
import { CopHub } from '../server/core/cop/hub.ts';
import { incidentContent } from '../server/core/mait/content.ts';
import type { MaitMessage } from '../proto/mait.ts';
import { Engine } from '../server/shell/engine.ts';
import { decodeClient, encodeServer } from '../server/shell/cop/codec.ts';
import { Store } from '../server/shell/store/store.ts';
import { FakeSocket } from './support/cop.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const op = { origin: 'operator' as const, actor: 'alice' };

function world() {
  const clock = fakeClock();
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), clock.now, { maitRoomId: 'herts' });
  const hub = new CopHub({
    room: engine.room,
    clock: clock.now,
    encode: encodeServer,
    epoch: 'epoch-1',
    partnerName: (id) => (id === 'beds' ? 'Bedfordshire' : ''),
  });
  engine.onChanges((record) => hub.onChanges(record));
  const join = (scope: string | null) => {
    const sock = new FakeSocket();
    const id = hub.connect(sock, { id: 'test', via: 'test', incidentScope: scope });
    hub.control(id, parseControl(decodeClient(encodeClientFrame(sock.picture.subscribeMessage()))));
    return sock;
  };
  /** A message from beds about our incident INC-1, applied as the inbox applies it. */
  let seq = 0;
  const fromBeds = (m: Record<string, unknown>) => {
    seq++;
    const message = {
      messageId: `beds-${seq}`,
      from: 'beds',
      to: 'herts',
      incident: { room: 'herts', id: 'INC-1' },
      seq,
      sentAt: clock.now(),
      ...m,
    } as MaitMessage;
    engine.execute({ type: 'mait.receive', partnerId: 'beds', message }, { origin: 'partner', actor: 'beds' });
  };
  return { clock, engine, hub, join, fromBeds };
}

test("a partner's resource position goes to the screens that see the incident it attends, and leaves with the thread", () => {
  const w = world();
  w.engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 }, op);
  const inc = w.engine.room.incidents.require('INC-1');
  // Our transfer of INC-1 to beds: the thread its resources report on.
  w.engine.execute(
    {
      type: 'mait.send',
      partnerId: 'beds',
      incidentId: 'INC-1',
      draft: {
        kind: 'Create',
        incident: { room: 'herts', id: 'INC-1' },
        content: incidentContent(inc, w.engine.room.scenario, 'dwelling-fire', []),
      },
    },
    op,
  );
  const fire = w.join('fire');
  const police = w.join('police');
  w.hub.tick(); // snapshots
  w.fromBeds({
    kind: 'ResourcePosition',
    resourceId: 'BF-P1',
    callsign: 'Luton P1',
    lat: 51.7712345,
    lon: -0.2254321,
    fixAt: w.clock.now() - 2000,
    status: 'MOBILISED',
    agency: 'fire',
  });
  w.hub.tick();
  const d = fire.frames()[1]?.delta;
  assert.equal(
    d?.changes.map((c) => c.partnerResource),
    [
      {
        partnerId: 'beds',
        partnerName: 'Bedfordshire',
        resourceId: 'BF-P1',
        callSign: 'Luton P1',
        agency: 'fire',
        status: 'MOBILISED',
        incidentId: 'INC-1',
        latE7: 517712345,
        lonE7: -2254321,
        fixTimeMs: w.clock.now() - 2000,
        removed: false,
      },
    ],
  );
  assert.equal([...fire.picture.partnerResources.keys()], ['beds|BF-P1']);
  // Police take no part in INC-1: nothing of it reaches them.
  const policeGot = () => police.frames().flatMap((f) => f.delta?.changes.filter((c) => c.partnerResource) ?? []);
  assert.equal(policeGot(), []);
  assert.equal([...police.picture.partnerResources.keys()], []);

  // A screen joining now gets it in its snapshot.
  const late = w.join('fire');
  w.hub.tick();
  assert.equal(
    late.frames()[0]?.snapshot?.partnerResources?.map((p) => [p.resourceId, p.latE7, p.lonE7, p.removed]),
    [['BF-P1', 517712345, -2254321, false]],
  );

  // A newer position replaces it; beds closing the thread removes it.
  w.fromBeds({
    kind: 'ResourcePosition',
    resourceId: 'BF-P1',
    callsign: 'Luton P1',
    lat: 51.772,
    lon: -0.226,
    fixAt: w.clock.now(),
    status: 'AT_SCENE',
    agency: 'fire',
  });
  w.hub.tick();
  assert.equal(
    [fire.picture.partnerResources.get('beds|BF-P1')?.status, fire.picture.partnerResources.get('beds|BF-P1')?.latE7],
    ['AT_SCENE', 517720000],
  );
  w.fromBeds({ kind: 'Close', reason: 'Stood down', closedAt: w.clock.now() });
  w.hub.tick();
  const last = fire.frames().at(-1)?.delta;
  assert.equal(
    last?.changes
      .filter((c) => c.partnerResource)
      .map((c) => [c.partnerResource?.resourceId, c.partnerResource?.removed]),
    [['BF-P1', true]],
  );
  assert.equal([...fire.picture.partnerResources.keys()], []);
  assert.equal([...late.picture.partnerResources.keys()], []);
  assert.equal(policeGot(), []);
  assert.equal(police.frames()[0]?.snapshot?.partnerResources, []);
});

test.run();
