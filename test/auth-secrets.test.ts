/**
 * Issue 15 item 12: session tokens stay out of URLs (/ws/cop takes no session in ?token=),
 * /metrics needs a duty officer or the metrics token (loopback alone is not enough: behind a
 * same-host proxy it is everyone), and secrets can come from files or stdin instead of argv.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { fakeClock } from '../server/core/clock.ts';
import { parseConfig } from '../server/shell/config.ts';
import { Users } from '../server/shell/auth/users.ts';
import type { RunningServer } from '../server/shell/server.ts';
import { Store } from '../server/shell/store/store.ts';
import { api, errorCode, miniServer, tokenFor } from './support/server.ts';

const COP_TOKEN = 'cop-screen-token-0123456789';
const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

async function boot(): Promise<RunningServer> {
  return miniServer({ clock: fakeClock().now, cop: { token: COP_TOKEN }, web: { metricsToken: METRICS_TOKEN } });
}

async function upgrade(server: RunningServer, query: string, headers: Record<string, string> = {}): Promise<string> {
  const ws = new WebSocket(`${server.url.replace('http:', 'ws:')}/ws/cop${query}`, { headers });
  const outcome = await Promise.race([
    once(ws, 'open').then(() => '101'),
    once(ws, 'unexpected-response').then(([, res]) => {
      (res as IncomingMessage).resume();
      return String((res as IncomingMessage).statusCode);
    }),
  ]);
  ws.terminate();
  return outcome;
}

test('item 12: /ws/cop takes no session token in ?token=, only the COP token', async () => {
  const server = await boot();
  try {
    const wall = await tokenFor(server, 'wall-viewer');
    assert.equal(
      [
        await upgrade(server, `?token=${wall}`),
        await upgrade(server, '', { authorization: `Bearer ${wall}` }),
        await upgrade(server, `?token=${COP_TOKEN}`),
      ],
      ['401', '101', '101'],
    );
  } finally {
    await server.close();
  }
});

test('item 12: /metrics needs a duty officer or the metrics token; loopback alone is refused', async () => {
  const server = await boot();
  try {
    const get = (headers: Record<string, string> = {}) => api(server, 'GET', '/metrics', { headers });
    const anon = await get();
    assert.equal([anon.status, errorCode(anon.body)], [401, 'JCR_UNAUTHENTICATED']);
    const wrong = await get({ authorization: 'Bearer not-the-metrics-token' });
    assert.equal([wrong.status, errorCode(wrong.body)], [401, 'JCR_UNAUTHENTICATED']);
    const dispatcher = await get({ authorization: `Bearer ${await tokenFor(server, 'fire-dispatcher')}` });
    assert.equal([dispatcher.status, errorCode(dispatcher.body)], [403, 'JCR_FORBIDDEN']);
    const duty = await get({ authorization: `Bearer ${await tokenFor(server, 'duty-officer')}` });
    assert.is(duty.status, 200);
    const scraper = await get({ authorization: `Bearer ${METRICS_TOKEN}` });
    assert.is(scraper.status, 200);
    assert.match(String(scraper.body), 'jcr_cop_clients 0\n');
  } finally {
    await server.close();
  }
});

test('item 12: token files keep the AVL, COP and metrics tokens out of ps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-secrets-'));
  try {
    const file = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const avl = file('avl', 'avl-secret-from-file\n');
    const cop = file('cop', 'cop-secret-from-file');
    const metrics = file('metrics', 'metrics-secret-from-file\r\n');
    const c = parseConfig(['--avl-token-file', avl, '--cop-token-file', cop, '--metrics-token-file', metrics], {});
    assert.equal(
      [c.avlToken, c.copToken, c.metricsToken],
      ['avl-secret-from-file', 'cop-secret-from-file', 'metrics-secret-from-file'],
    );
    const e = parseConfig([], { JCR_AVL_TOKEN_FILE: avl, JCR_COP_TOKEN_FILE: cop, JCR_METRICS_TOKEN_FILE: metrics });
    assert.equal(
      [e.avlToken, e.copToken, e.metricsToken],
      ['avl-secret-from-file', 'cop-secret-from-file', 'metrics-secret-from-file'],
    );
    assert.is(parseConfig(['--metrics-token', 'plain'], {}).metricsToken, 'plain');
    const refused = (argv: string[]) => {
      try {
        parseConfig(argv, {});
        return 'accepted';
      } catch (err) {
        return `${(err as { code?: string }).code} ${(err as { path?: string }).path}`;
      }
    };
    assert.equal(
      [
        refused(['--cop-token', 'x', '--cop-token-file', cop]),
        refused(['--avl-token-file', join(dir, 'missing')]),
        refused(['--metrics-token-file', file('empty', '\n')]),
        refused(['--cop-token-file', file('two', 'a\nb\n')]),
      ],
      [
        'JCR_VALIDATION cop-token',
        'JCR_VALIDATION avl-token-file',
        'JCR_VALIDATION metrics-token-file',
        'JCR_VALIDATION cop-token-file',
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('item 12: users add and passwd --password-stdin read the password from stdin, not argv', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-users-'));
  const db = join(dir, 'users.sqlite');
  const users = (args: string[], input: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/users.ts', ...args, '--db', db], {
      input,
      encoding: 'utf8',
    });
  try {
    const add = users(['add', 'ana', '--role', 'duty-officer', '--password-stdin'], 'first-secret-pass\n');
    assert.equal([add.status, add.stdout, add.stderr], [0, 'created ana (duty-officer)\n', '']);
    const check = async (password: string) => {
      const store = Store.open(db);
      try {
        return Boolean(await new Users(store, Date.now).verify('ana', password));
      } finally {
        store.close();
      }
    };
    assert.is(await check('first-secret-pass'), true);
    const passwd = users(['passwd', 'ana', '--password-stdin'], 'second-secret-pass');
    assert.equal([passwd.status, passwd.stdout], [0, 'password changed for ana\n']);
    assert.equal([await check('first-secret-pass'), await check('second-secret-pass')], [false, true]);
    const both = users(['passwd', 'ana', '--password', 'x', '--password-stdin'], 'y');
    assert.is(both.status, 2);
    const empty = users(['passwd', 'ana', '--password-stdin'], '\n');
    assert.is(empty.status, 2);
    assert.is(await check('second-secret-pass'), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
