/**
 * test/support/ports.ts: ports for programs the tests start by number come from below the OS's
 * ephemeral range, so no outgoing connection can take one before the program listens.
 */
import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ephemeralRange, freePort } from './support/ports.ts';

test('the ephemeral range is read from the kernel text, with Linux defaults otherwise', () => {
  assert.equal(ephemeralRange('32768\t60999\n'), [32768, 60999]);
  assert.equal(ephemeralRange('49152 65535'), [49152, 65535]);
  assert.equal(ephemeralRange('nonsense'), [32768, 60999]);
  assert.equal(ephemeralRange('5000 4000'), [32768, 60999]);
});

test('free ports lie below the ephemeral range, differ, and can be listened on', async () => {
  const [lo] = ephemeralRange();
  const ports: number[] = [];
  for (let i = 0; i < 30; i++) ports.push(await freePort());
  assert.is(new Set(ports).size, 30);
  for (const p of ports) assert.ok(p >= 20_000 && p < lo, `${p} outside [20000, ${lo})`);
  const s = createServer();
  await new Promise<void>((r) => s.listen(ports[0], '127.0.0.1', () => r()));
  await new Promise<void>((r) => s.close(() => r()));
});

test.run();
