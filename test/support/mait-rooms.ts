/**
 * Two control rooms wired to each other without HTTP, for the delivery tests of issue 18: each an
 * Engine over the mini scenario with the room's reactor (the MAIT policy among its policies) and
 * a MaitService whose transport hands the message straight to the other room's inbox (the wire
 * body is JSON here; the HTTP tests carry the XML). `down` makes every attempt fail.
 */
import type { MaitMessage } from '../../proto/mait.ts';
import { fakeClock, type FakeClock } from '../../server/core/clock.ts';
import { isJcrError } from '../../server/core/errors.ts';
import { Engine } from '../../server/shell/engine.ts';
import { createLogger } from '../../server/shell/log.ts';
import { MaitService } from '../../server/shell/mait/service.ts';
import { startReactor } from '../../server/shell/reactor.ts';
import { Store } from '../../server/shell/store/store.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { manualTimer, type ManualTimer } from './timers.ts';

export interface TestRoom {
  id: string;
  engine: Engine;
  mait: MaitService;
  /** Every message this room's inbox was handed, with what became of it. */
  got: Array<{ messageId: string; kind: string; seq: number; outcome: string }>;
}

export interface RoomPair {
  a: TestRoom;
  b: TestRoom;
  clock: FakeClock;
  timers: ManualTimer;
  net: { down: boolean };
  /** Let both couriers send until neither has anything in flight. */
  settle(): Promise<void>;
}

/** Our types are the partner's too (the mini scenario on both sides). */
const sameType = (_p: string, ours: string) => ours;

export function roomPair(dbs: { a?: string; b?: string } = {}): RoomPair {
  const clock = fakeClock();
  const timers = manualTimer();
  const net = { down: false };
  const log = createLogger('silent');
  const rooms = new Map<string, TestRoom>();
  const make = (id: string, db: string): TestRoom => {
    const engine = Engine.boot(miniScenario(), Store.open(db), clock.now, { maitRoomId: id });
    startReactor(engine, { log, mait: { theirType: sameType } });
    const got: TestRoom['got'] = [];
    const mait = new MaitService({
      engine,
      clock: clock.now,
      timers,
      log,
      partners: { room: { id, name: id }, partners: [] },
      encode: (m) => JSON.stringify(m),
      transport: async (row) => {
        await null; // like HTTP: the partner hears it later, never inside the sender's own change
        if (net.down) return { ok: false, error: 'connect ECONNREFUSED' };
        const to = rooms.get(row.partnerId);
        if (!to) return { ok: false, error: 'no such room' };
        const m = JSON.parse(row.body) as MaitMessage;
        try {
          const outcome = to.mait.inbox.receive(id, m);
          to.got.push({ messageId: m.messageId, kind: m.kind, seq: m.seq, outcome });
          return { ok: true };
        } catch (e) {
          return { ok: false, error: isJcrError(e) ? e.code : String(e) };
        }
      },
    });
    mait.start(); // send as a server does from its start (MaitService.start)
    const room = { id, engine, mait, got };
    rooms.set(id, room);
    return room;
  };
  const a = make('herts', dbs.a ?? ':memory:');
  const b = make('beds', dbs.b ?? ':memory:');
  return {
    a,
    b,
    clock,
    timers,
    net,
    async settle() {
      for (let i = 0; i < 20; i++) {
        await a.mait.courier.settled();
        await b.mait.courier.settled();
        if (a.mait.outbox.pendingCount() + b.mait.outbox.pendingCount() === 0) return;
        if (net.down) return;
        clock.advance(60_000);
        timers.fire();
      }
    },
  };
}
