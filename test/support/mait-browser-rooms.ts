/**
 * Two real partner rooms for browser tests (issue 18): 'herts' and 'beds' over the mini scenario,
 * each the other's partner, delivering signed XML over loopback on real timers (so the screens'
 * COP ticks and the couriers run by themselves) while sharing one fake clock the test moves.
 * With `journeys`, both can recommend and offer (cross-border assistance needs ETAs).
 */
import type { FakeClock } from '../../server/core/clock.ts';
import type { JourneyTimes } from '../../server/core/incidents/journeys.ts';
import { startServer, type RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { partnersOf } from './mait-servers.ts';

export interface BrowserRooms {
  herts: RunningServer;
  beds: RunningServer;
  /** Both couriers have delivered everything queued. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startRooms(clock: FakeClock, journeys?: JourneyTimes): Promise<BrowserRooms> {
  const start = (id: 'herts' | 'beds') =>
    startServer({
      scenario: miniScenario(),
      db: ':memory:',
      port: 0,
      log: 'silent',
      clock: clock.now,
      mait: { partners: partnersOf(id) },
      ...(journeys ? { roads: { mobilisation: { journeys, cover: null } } } : {}),
    });
  const herts = await start('herts');
  const beds = await start('beds');
  herts.mait!.partners.partners[0]!.baseUrl = beds.url;
  beds.mait!.partners.partners[0]!.baseUrl = herts.url;
  return {
    herts,
    beds,
    async settle() {
      for (;;) {
        await herts.mait!.courier.settled();
        await beds.mait!.courier.settled();
        if (herts.mait!.outbox.pendingCount() + beds.mait!.outbox.pendingCount() === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await herts.close();
      await beds.close();
    },
  };
}
