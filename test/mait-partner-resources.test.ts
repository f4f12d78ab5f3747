/**
 * Partners' resources on our map (issue 18 item 4): a partner's resource attending an incident
 * we transferred reaches us as a ResourcePosition (with its agency) and GET
 * /api/partner-resources lists it with the partner's name, how old its fix is and whether it is
 * stale by our fleet's rule; a later position replaces it, and closing the incident removes it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attend, transferAccepted } from './support/mait-attend.ts';
import { serverPair, type ServerPair } from './support/mait-servers.ts';
import { api, tokenFor } from './support/server.ts';

let pair: ServerPair | undefined;
test.after.each(async () => {
  await pair?.close();
  pair = undefined;
});

test('a partner resource attending our incident is listed with its partner, agency, status and staleness', async () => {
  pair = await serverPair();
  const { herts, beds, clock, settle } = pair;
  const tokens = {
    herts: await tokenFor(herts, 'fire-dispatcher', 'hanna'),
    beds: await tokenFor(beds, 'fire-dispatcher', 'bert'),
  };
  const { ours, theirs } = await transferAccepted(
    herts,
    beds,
    tokens,
    { lat: 51.9, lon: -0.3, address: '5 Border Lane' },
    settle,
  );
  const t0 = clock.now();
  await attend(beds, tokens.beds, theirs, 'WGC1', { lat: 51.85, lon: -0.25, fixAt: t0 });
  await settle();
  const list = await api(herts, 'GET', '/api/partner-resources', { token: tokens.herts });
  assert.is(list.status, 200, JSON.stringify(list.body));
  const fixAgeMs = clock.now() - t0;
  assert.equal(list.body, {
    staleAfterMs: 120_000,
    resources: [
      {
        partnerId: 'beds',
        resourceId: 'WGC1',
        callsign: 'WG-P1',
        lat: 51.85,
        lon: -0.25,
        fixAt: t0,
        status: 'MOBILISED',
        agency: 'fire',
        incidentId: ours,
        partnerName: 'Bedfordshire',
        fixAgeMs,
        stale: fixAgeMs > 120_000,
      },
    ],
  });

  // Three minutes on with no new position: the same entry, now stale.
  clock.advance(180_000);
  const later = (await api(herts, 'GET', '/api/partner-resources', { token: tokens.herts })).body as {
    resources: Array<{ stale: boolean; fixAgeMs: number }>;
  };
  assert.equal(
    later.resources.map((r) => [r.stale, r.fixAgeMs]),
    [[true, fixAgeMs + 180_000]],
  );

  // A new fix moves it and it is current again.
  await attend(beds, tokens.beds, theirs, 'WGC1', { lat: 51.86, lon: -0.26, fixAt: clock.now() });
  await settle();
  const moved = (await api(herts, 'GET', '/api/partner-resources', { token: tokens.herts })).body as {
    resources: Array<{ lat: number; lon: number; stale: boolean }>;
  };
  assert.equal(
    moved.resources.map((r) => [r.lat, r.lon, r.stale]),
    [[51.86, -0.26, false]],
  );

  // The wall sees it too; police, who do not see a fire incident, do not.
  const wall = await tokenFor(herts, 'wall-viewer', 'wally');
  const police = await tokenFor(herts, 'police-dispatcher', 'pete');
  const seen = async (token: string) =>
    ((await api(herts, 'GET', '/api/partner-resources', { token })).body as { resources: unknown[] }).resources.length;
  assert.equal([await seen(wall), await seen(police)], [1, 0]);
});

test.run();
