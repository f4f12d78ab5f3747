/**
 * Finding nats-server (server/shell/cluster/nats-server-binary.ts) for `npm run cluster` and the
 * cluster tests: Debian installs it in /usr/sbin, off a normal user's PATH, where `npm run
 * cluster` once spawned plain `nats-server` and died with ENOENT. Literal paths, a fake file system;
 * and no cluster test may hide that failure in a before hook.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { natsServerBinary } from '../server/shell/cluster/nats-server-binary.ts';

const only = (path: string) => (p: string) => p === path;

test("Debian's /usr/sbin/nats-server is found with a user's PATH that lacks /usr/sbin", () => {
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/games' };
  assert.is(natsServerBinary(env, only('/usr/sbin/nats-server')), '/usr/sbin/nats-server');
});

test('the PATH comes first, and JCR_NATS_SERVER names it outright', () => {
  const exists = (p: string) => p === '/opt/nats/nats-server' || p === '/usr/sbin/nats-server';
  assert.is(natsServerBinary({ PATH: '/opt/nats:/usr/bin' }, exists), '/opt/nats/nats-server');
  assert.is(natsServerBinary({ JCR_NATS_SERVER: '/x/nats', PATH: '/opt/nats' }, only('/x/nats')), '/x/nats');
});

test('a missing nats-server is a failure that names the package', () => {
  assert.throws(
    () => natsServerBinary({ PATH: '/usr/bin' }, () => false),
    (e: Error) => e.message === 'nats-server is missing: install the Debian package nats-server (.ci/run does)',
  );
  assert.throws(
    () => natsServerBinary({ JCR_NATS_SERVER: '/nope' }, () => false),
    (e: Error) => e.message === 'nats-server is missing: JCR_NATS_SERVER=/nope does not exist',
  );
});

test('no cluster test starts its cluster in a before hook, where uvu would drop that failure', () => {
  // uvu swallows a before hook's error and prints only "(0 / 2)": reconnect.test.ts did, so
  // without nats-server it failed with no reason. A cluster starts inside a test instead.
  const dir = 'test/cluster';
  const hooked = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => /\.before(\.each)?\s*\(/.test(readFileSync(join(dir, f), 'utf8')));
  assert.equal(hooked, []);
});

test.run();
