/**
 * MAIT in cluster mode (issue 18 with issue 21): partner messages survive the leader's death on
 * both sides. Room 'herts' runs as a leader and a standby on one nats-server; partner 'beds' is a
 * fake HTTP door that records every message posted to it and answers 200, or 503 while "down".
 * - A message queued and delivered by the leader is delivered on the standby too (its
 *   `mait.delivered` is in the log), so the new leader does not send it again.
 * - The standby sends nothing: its outbox holds the leader's undelivered message, never tried.
 * - A partner's message the leader answered 200 is on the new leader after a SIGKILL at once.
 * - A message the old leader queued and could not deliver (beds down) is delivered by the new
 *   leader, once.
 * - A message beds refuses for good (422) is a dead letter on the leader, on the standby from the
 *   log, and on the new leader, which does not send it again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { login, sleep, until, waitRole, type Instance } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';
import { fakeBeds } from '../support/fake-partner.ts';
import { bedsMessage, partnersOf, postMait } from '../support/mait-servers.ts';

async function call(url: string, token: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Our transfer of `incidentId` as `url` shows it. */
async function transferOf(url: string, token: string, incidentId: string): Promise<Record<string, unknown>> {
  const { transfers } = (await call(url, token, `/api/transfers?incidentId=${incidentId}`)) as {
    transfers: Array<Record<string, unknown>>;
  };
  return transfers[0] ?? {};
}

const count = (ids: readonly string[], id: string) => ids.filter((x) => x === id).length;

test('partner messages in a cluster: acked ones survive the leader, queued ones go once, standby silent', async () => {
  const beds = await fakeBeds();
  const dir = mkdtempSync(join(tmpdir(), 'jcr-mait-cluster-'));
  const partners = partnersOf('herts');
  const bedsLink = partners.partners[0]!;
  bedsLink.baseUrl = beds.url;
  bedsLink.types = [{ ours: 'dwelling-fire', theirs: 'dwelling-fire' }];
  const file = join(dir, 'partners.json');
  writeFileSync(file, JSON.stringify(partners));
  const room = await startClusterRoom({ room: 'mait', instances: 2, args: ['--partners', file] }).catch((e) => {
    beds.server.close(); // else its listening socket keeps this process, and the failed test, alive
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  try {
    const [a, b] = room.instances as [Instance, Instance];
    const ta = await login(a.url);
    const tb = await login(b.url);
    const transfer = async () => {
      const inc = (await call(a.url, ta, '/api/incidents', {
        typeId: 'dwelling-fire',
        lat: 51.61,
        lon: -0.12,
      })) as { id: string };
      await call(a.url, ta, `/api/incidents/${inc.id}/transfer`, { partnerId: 'beds' });
      return { incident: inc.id, messageId: `herts:herts:${inc.id}:1` };
    };

    // Delivered by the leader: the standby learns it from the log.
    const first = await transfer();
    await until('beds takes the first transfer', () => beds.taken.includes(first.messageId));
    await until(
      'the standby shows the first transfer delivered',
      async () => (await transferOf(b.url, tb, first.incident)).status === 'delivered',
    );

    // Refused for good: a dead letter on the leader (5 refusals, ~15 s), and from the log on the standby.
    const refused = `herts:herts:INC-${Number(first.incident.split('-')[1]) + 1}:1`;
    beds.refuse.add(refused);
    const third = await transfer();
    assert.is(third.messageId, refused);
    const deadOn = async (url: string, token: string) =>
      (
        (await call(url, token, '/api/partner-links/dead-letters')) as { deadLetters: Array<Record<string, unknown>> }
      ).deadLetters.map((d) => ({ id: d.messageId, refusals: d.refusals, error: d.lastError }));
    const dead = [{ id: refused, refusals: 5, error: 'HTTP 422 JCR_MAIT_UNKNOWN_TYPE' }];
    await until('the leader makes it a dead letter', async () => (await deadOn(a.url, ta)).length === 1, 40_000);
    await until('the standby shows the dead letter', async () => (await deadOn(b.url, tb)).length === 1);
    assert.equal(await deadOn(b.url, tb), dead);

    // Beds is down: the leader tries the second, the standby holds it and sends nothing.
    beds.down = true;
    const second = await transfer();
    // Twice (a second after the first): time for a standby that sends to have sent too.
    await until('the leader tries the second transfer twice', () => count(beds.posted, second.messageId) >= 2);
    const { partners: links } = (await call(b.url, tb, '/api/partner-links')) as {
      partners: Array<{ id: string; queued: number; head: { messageId: string; attempts: number } | null }>;
    };
    assert.equal(
      links.map((l) => ({ id: l.id, queued: l.queued, head: l.head?.messageId, attempts: l.head?.attempts })),
      [{ id: 'beds', queued: 1, head: second.messageId, attempts: 0 }],
    );

    // A partner's message answered 200 by the leader, which dies the moment it has answered.
    assert.equal(await postMait(a, bedsMessage(1), { now: Date.now() }), {
      status: 200,
      code: undefined,
      outcome: 'applied',
    });
    a.proc.kill('SIGKILL');
    await a.exited;
    beds.down = false;
    await waitRole(b.url, 'leader', 10_000);

    const { transfers } = (await call(b.url, tb, '/api/transfers?direction=in')) as {
      transfers: Array<{ ref: unknown; status: string; openedBy: string }>;
    };
    assert.equal(
      transfers.map((t) => ({ ref: t.ref, status: t.status, openedBy: t.openedBy })),
      [{ ref: { room: 'beds', id: 'B-7' }, status: 'pending', openedBy: 'beds:beds:B-7:1' }],
    );

    // The new leader delivers what the old one could not, and only that.
    await until(
      'the new leader delivers the second transfer',
      async () => (await transferOf(b.url, tb, second.incident)).status === 'delivered',
    );
    // Beds may also have the Acknowledge of B-7 the old leader's reactor queued (if the log took
    // it before the kill): each message once, by id.
    assert.equal(
      beds.taken.filter((id) => id.startsWith('herts:herts:')).sort(),
      [first.messageId, second.messageId].sort(),
    );
    assert.is(new Set(beds.taken).size, beds.taken.length, 'each message taken once, by id');
    assert.is(count(beds.posted, first.messageId), 1, 'the delivered one is never sent again');
    assert.equal(await deadOn(b.url, tb), dead, "the new leader holds the old one's dead letter");
    assert.is(count(beds.posted, refused), 5, 'and does not send it again');
  } finally {
    await room.close();
    beds.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
