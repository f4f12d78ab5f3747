/**
 * Two control room servers on port 0 that are each other's partner (issue 18): 'herts' and
 * 'beds', both over the mini scenario, on one fake clock and hand-fired timers, delivering to
 * each other over real HTTP with signed XML. Each partners file names the other's real port
 * once both listen.
 */
import type { MaitMessage, MaitPartners } from '../../proto/mait.ts';
import { fakeClock, type FakeClock } from '../../server/core/clock.ts';
import type { Test } from 'uvu';
import { StraightLineJourneyTimes, type JourneyTimes } from '../../server/core/incidents/journeys.ts';
import type { Mobilisation } from '../../server/shell/incidents/mobilisation.ts';
import { buildMait } from '../../server/shell/mait/codec.ts';
import { signMait } from '../../server/shell/mait/signing.ts';
import { startServer, type RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { manualTimer, type ManualTimer } from './timers.ts';

export const HERTS_TO_BEDS = 'herts-to-beds-0123456789abcdef0123456789';
export const BEDS_TO_HERTS = 'beds-to-herts-0123456789abcdef0123456789';
const TYPES = [
  { ours: 'dwelling-fire', theirs: 'dwelling-fire' },
  { ours: 'cardiac-arrest', theirs: 'cardiac-arrest' },
];

/** Each room's partners file: the other room, its area a box over the north of the mini scenario. */
export function partnersOf(id: 'herts' | 'beds'): MaitPartners {
  const other = id === 'herts' ? 'beds' : 'herts';
  return {
    room: { id, name: id === 'herts' ? 'Hertfordshire' : 'Bedfordshire' },
    partners: [
      {
        id: other,
        name: other === 'herts' ? 'Hertfordshire' : 'Bedfordshire',
        baseUrl: 'http://127.0.0.1:9',
        area:
          other === 'beds'
            ? [
                [-0.7, 51.85],
                [-0.2, 51.85],
                [-0.2, 52.3],
                [-0.7, 52.3],
              ]
            : [
                [-0.75, 51.6],
                [0.2, 51.6],
                [0.2, 51.85],
                [-0.75, 51.85],
              ],
        types: TYPES,
        secrets:
          id === 'herts'
            ? { outbound: HERTS_TO_BEDS, inbound: BEDS_TO_HERTS }
            : { outbound: BEDS_TO_HERTS, inbound: HERTS_TO_BEDS },
      },
    ],
  };
}

export interface ServerPair {
  herts: RunningServer;
  beds: RunningServer;
  clock: FakeClock;
  timers: ManualTimer;
  /** Let both couriers send until neither has a message in flight or waiting. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function serverPair(
  opts: { hertsDb?: string; bedsDb?: string; journeys?: JourneyTimes; bedsMobilisation?: Mobilisation } = {},
): Promise<ServerPair> {
  const clock = fakeClock(Date.UTC(2026, 11, 2, 20, 0, 0));
  const timers = manualTimer();
  const start = (id: 'herts' | 'beds', db: string) =>
    startServer({
      scenario: miniScenario(),
      db,
      port: 0,
      clock: clock.now,
      timers,
      log: 'silent',
      mait: { partners: partnersOf(id) },
      // Journey times, for recommendations and offers (cross-border assistance).
      ...(opts.journeys ? { roads: { mobilisation: { journeys: opts.journeys, cover: null } } } : {}),
      ...(id === 'beds' && opts.bedsMobilisation ? { roads: { mobilisation: opts.bedsMobilisation } } : {}),
    });
  const herts = await start('herts', opts.hertsDb ?? ':memory:');
  const beds = await start('beds', opts.bedsDb ?? ':memory:');
  herts.mait!.partners.partners[0]!.baseUrl = beds.url;
  beds.mait!.partners.partners[0]!.baseUrl = herts.url;
  return {
    herts,
    beds,
    clock,
    timers,
    async settle() {
      for (let i = 0; i < 50; i++) {
        await herts.mait!.courier.settled();
        await beds.mait!.courier.settled();
        if (herts.mait!.outbox.pendingCount() + beds.mait!.outbox.pendingCount() === 0) return;
        clock.advance(60_000);
        timers.fire();
      }
    },
    async close() {
      await herts.close();
      await beds.close();
    },
  };
}

/** POST a message to a server's MAIT door as `from` would, signed with `secret` (default: the right one). */
export async function postMait(
  to: Pick<RunningServer, 'url'>,
  body: string,
  opts: { from?: string; secret?: string; now: number },
): Promise<{ status: number; code: string | undefined; outcome: string | undefined }> {
  const from = opts.from ?? 'beds';
  const secret = opts.secret ?? (from === 'beds' ? BEDS_TO_HERTS : HERTS_TO_BEDS);
  const res = await fetch(`${to.url}/mait/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', ...signMait(body, from, secret, opts.now) },
    body,
  });
  const json = (await res.json()) as { error?: { code?: string }; outcome?: string };
  return { status: res.status, code: json.error?.code, outcome: json.outcome };
}

/** A Create or Update from 'beds' to 'herts' about beds' incident B-7, as signed XML. */
export function bedsMessage(seq: number, type = 'dwelling-fire'): string {
  const header = {
    messageId: `beds:beds:B-7:${seq}`,
    from: 'beds',
    to: 'herts',
    incident: { room: 'beds', id: 'B-7' },
    seq,
    sentAt: Date.UTC(2026, 11, 2, 20, 0, 0),
  };
  const content = {
    type,
    typeText: `House fire v${seq}`,
    priority: 1 as const,
    location: { lat: 51.9, lon: -0.3, gridRef: null, uprn: null, address: '2 Mill Lane' },
    methane: {
      majorIncident: false,
      exactLocation: '',
      type: 'House fire',
      hazards: '',
      access: '',
      casualties: null,
      servicesPresent: [],
      servicesRequired: ['fire'],
    },
    casualties: [],
    callerAccount: 'Smoke from the roof',
    timeline: [],
  };
  const m: MaitMessage = seq === 1 ? { ...header, kind: 'Create', content } : { ...header, kind: 'Update', content };
  return buildMait(m);
}

/** Journey times at 36 km/h as the crow flies (drones by air), for recommendations and offers. */
export const STRAIGHT_LINE = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, [
  'drone',
]);

/** Opens a pair for the test that calls it; `suite` closes it after that test, pass or fail. */
export function pairPerTest(suite: Test): (opts?: Parameters<typeof serverPair>[0]) => Promise<ServerPair> {
  let pair: ServerPair | undefined;
  suite.after.each(async () => {
    await pair?.close();
    pair = undefined;
  });
  return async (opts) => (pair = await serverPair(opts));
}
