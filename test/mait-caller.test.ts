/**
 * The caller's account and the UPRN (issue 18 item 2: "caller's account", "UPRN if known"). An
 * incident is created with both (new lines and XML's special characters kept); they are in its
 * created event, survive a restart, and go to the partner in the transfer's Create, which
 * validates against docs/mait.xsd under xmllint; the partner's inbox shows them and the incident
 * it opens on accepting holds them. Without them the Create carries an empty account and no
 * UPRN. Bad ones are refused with JCR_VALIDATION and nothing created.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { serverPair, type ServerPair } from './support/mait-servers.ts';
import { api, errorCode, tokenFor } from './support/server.ts';
import { xmllint } from './support/xmllint.ts';

const ACCOUNT = 'Neighbour sees smoke upstairs & hears shouting <"help">.\nTwo children may be inside.';

let pair: ServerPair | undefined;
let dir: string | undefined;
test.after.each(async () => {
  await pair?.close();
  pair = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface IncidentJson {
  id: string;
  callerAccount: string;
  uprn: string | null;
}

test("the caller's account and UPRN go with the incident to the partner, in XML that validates", async () => {
  dir = mkdtempSync(join(tmpdir(), 'jcr-caller-'));
  const hertsDb = join(dir, 'herts.db');
  pair = await serverPair({ hertsDb });
  const { herts, beds, settle } = pair;
  const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
  const b = await tokenFor(beds, 'fire-dispatcher', 'bert');
  const c = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: {
      typeId: 'dwelling-fire',
      lat: 51.9,
      lon: -0.3,
      address: '5 Border Lane',
      callerAccount: ACCOUNT.replace('\n', '\r\n'),
      uprn: '100080123456',
    },
  });
  assert.is(c.status, 201, JSON.stringify(c.body));
  const inc = c.body as IncidentJson;
  assert.equal([inc.callerAccount, inc.uprn], [ACCOUNT, '100080123456'], 'Windows line ends kept as plain ones');
  const plain = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.91, lon: -0.3 },
  });
  const none = plain.body as IncidentJson;
  assert.equal([none.callerAccount, none.uprn], ['', null]);

  // Durable in the created event.
  const log = (await api(herts, 'GET', `/api/incidents/${inc.id}/log`, { token: h })).body as {
    events: Array<{ type: string; data: { callerAccount?: string; uprn?: string } }>;
  };
  const created = log.events.find((e) => e.type === 'incident.created')!;
  assert.equal([created.data.callerAccount, created.data.uprn], [ACCOUNT, '100080123456']);

  for (const id of [inc.id, none.id])
    assert.is(
      (await api(herts, 'POST', `/api/incidents/${id}/transfer`, { token: h, body: { partnerId: 'beds' } })).status,
      202,
    );
  await settle();
  const creates = herts.mait!.outbox.all('beds').filter((r) => r.body.includes('<Create>'));
  assert.is(creates.length, 2);
  const lint = xmllint(creates.map((r) => r.body));
  assert.is(lint.status, 0, lint.report);
  assert.ok(creates[0]!.body.includes('<uprn>100080123456</uprn>'), creates[0]!.body);
  assert.ok(
    creates[0]!.body.includes(
      '<callerAccount>Neighbour sees smoke upstairs &amp; hears shouting &lt;&quot;help&quot;&gt;.\nTwo children may be inside.</callerAccount>',
    ),
    creates[0]!.body,
  );
  assert.not.ok(creates[1]!.body.includes('<uprn>'), 'no UPRN when not known');
  assert.ok(
    creates[1]!.body.includes('<callerAccount></callerAccount>') || creates[1]!.body.includes('<callerAccount/>'),
  );

  // The partner's side: the inbox, and the incident it opens on accepting.
  const inbound = (await api(beds, 'GET', '/api/transfers?direction=in', { token: b })).body as {
    transfers: Array<{ id: string; content: { callerAccount: string; location: { uprn: string | null } } }>;
  };
  assert.equal(
    inbound.transfers.map((t) => [t.content.callerAccount, t.content.location.uprn]),
    [
      [ACCOUNT, '100080123456'],
      ['', null],
    ],
  );
  const opened: Array<[string, string | null]> = [];
  for (const t of inbound.transfers) {
    const acc = await api(beds, 'POST', `/api/transfers/${t.id}/accept`, { token: b, body: {} });
    assert.is(acc.status, 200, JSON.stringify(acc.body));
    const theirs = (acc.body as { incidentId: string }).incidentId;
    const got = (await api(beds, 'GET', `/api/incidents/${theirs}`, { token: b })).body as IncidentJson;
    opened.push([got.callerAccount, got.uprn]);
  }
  assert.equal(opened, [
    [ACCOUNT, '100080123456'],
    ['', null],
  ]);

  // After a restart, replayed from the log.
  await pair.close();
  pair = undefined;
  const again = await startServer({
    scenario: miniScenario(),
    db: hertsDb,
    port: 0,
    clock: fakeClock(Date.UTC(2026, 11, 2, 21)).now,
    log: 'silent',
  });
  try {
    const t = await tokenFor(again, 'fire-dispatcher', 'hanna');
    const back = (await api(again, 'GET', `/api/incidents/${inc.id}`, { token: t })).body as IncidentJson;
    assert.equal([back.callerAccount, back.uprn], [ACCOUNT, '100080123456']);
  } finally {
    await again.close();
  }
});

test("a bad caller's account or UPRN is refused with JCR_VALIDATION and nothing is created", async () => {
  pair = await serverPair();
  const { herts } = pair;
  const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
  const refusals: string[] = [];
  for (const extra of [
    { uprn: 'ABC123' },
    { uprn: '1234567890123' },
    { uprn: '' },
    { uprn: 100080123456 },
    { callerAccount: 'bell\u0007' },
    { callerAccount: 'x'.repeat(4001) },
    { callerAccount: 42 },
  ]) {
    const r = await api(herts, 'POST', '/api/incidents', {
      token: h,
      body: { typeId: 'dwelling-fire', lat: 51.9, lon: -0.3, ...extra },
    });
    const e = (r.body as { error?: { path?: string } }).error;
    refusals.push(`${r.status} ${errorCode(r.body)} ${e?.path}`);
  }
  assert.equal(refusals, [
    '400 JCR_VALIDATION uprn',
    '400 JCR_VALIDATION uprn',
    '400 JCR_VALIDATION uprn',
    '400 JCR_VALIDATION uprn',
    '400 JCR_VALIDATION callerAccount',
    '400 JCR_VALIDATION callerAccount',
    '400 JCR_VALIDATION callerAccount',
  ]);
  const list = (await api(herts, 'GET', '/api/incidents', { token: h })).body as { incidents: unknown[] };
  assert.is(list.incidents.length, 0);
  // 4000 characters exactly is taken.
  const full = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.9, lon: -0.3, callerAccount: 'x'.repeat(4000) },
  });
  assert.is(full.status, 201, JSON.stringify(full.body));
});

test.run();
