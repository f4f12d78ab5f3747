/**
 * `npm run demo:partners` end to end (issue 18 item 6): the two-room demo started on free ports
 * with its simulators, as a person would run it; Hertfordshire's fire dispatcher (the password the
 * demo prints) transfers an incident near the border and Bedfordshire's acknowledgement comes
 * back. The demo writes under var/demo-partners (git-ignored) and is stopped with SIGTERM.
 */
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from './support/ports.ts';

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

test('the two-room demo: a transfer from Hertfordshire is acknowledged by Bedfordshire', async () => {
  const [a, b] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/cli/demo-partners.ts', '--port-a', String(a), '--port-b', String(b), '--fresh'],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  // Listened for at once: a demo that ends early must end the test with its output, not leave
  // it waiting for an exit that has already happened.
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const t0 = Date.now();
  try {
    // Both rooms up: each prints its accounts, then where it listens.
    const up = () =>
      out.includes('[hertfordshire] Joint control room') && out.includes('[bedfordshire] Joint control room');
    for (let i = 0; i < 900 && !up() && child.exitCode === null && child.signalCode === null; i++)
      await new Promise((r) => setTimeout(r, 200));
    const password = /\[hertfordshire\]\s+fire\s+(\S+)\s+\(fire-dispatcher\)/.exec(out)?.[1];
    assert.ok(
      password,
      `demo not up after ${Date.now() - t0} ms (exit ${child.exitCode ?? child.signalCode ?? 'none'}):\n${out.slice(-4000)}`,
    );
    const herts = `http://127.0.0.1:${a}`;
    const login = await json(`${herts}/api/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'fire', password }),
    });
    assert.is(login.status, 200, JSON.stringify(login.body));
    const auth = { authorization: `Bearer ${String(login.body['token'])}` };
    const inc = await json(`${herts}/api/incidents`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        typeId: 'dwelling-fire',
        lat: 51.815,
        lon: -0.355,
        address: 'Harpenden',
        confirmOffRoad: true,
      }),
    });
    assert.is(inc.status, 201, JSON.stringify(inc.body));
    const sent = await json(`${herts}/api/incidents/${String(inc.body['id'])}/transfer`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ partnerId: 'bedfordshire' }),
    });
    assert.is(sent.status, 202, JSON.stringify(sent.body));
    // The partner's acknowledgement (received) comes back over signed XML.
    let seen: unknown[] = [];
    for (let i = 0; i < 300; i++) {
      const t = await json(`${herts}/api/transfers`, { headers: auth });
      seen = (t.body['transfers'] as Array<{ status: string; ackStage: string | null }>).map((x) => [
        x.status,
        x.ackStage,
      ]);
      if (JSON.stringify(seen) === JSON.stringify([['acknowledged', 'received']])) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(seen, [['acknowledged', 'received']], out.slice(-4000));
  } finally {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
});

test.run();
