/**
 * Issue 15 item 11: the server started on a damaged database (not a database, truncated, written by
 * a newer server, or with one corrupted page) exits with one line naming a JCR_ code, never a
 * stack. Each case runs the real server process, as an operator starts it.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Store } from '../server/shell/store/store.ts';

const SCENARIO = resolve('test/fixtures/crash/scenario.json');
const dir = mkdtempSync(join(tmpdir(), 'jcr-damaged-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A good database of a few hundred pages: 3,000 meta rows of 150 bytes each. */
function goodDb(): string {
  const path = join(dir, 'good.sqlite');
  const store = Store.open(path);
  store.db.transaction(() => {
    for (let i = 0; i < 3000; i++) store.setMeta(`filler-${i}`, 'x'.repeat(150));
  })();
  store.close();
  return path;
}

function serve(db: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/main.ts', '--scenario', SCENARIO, '--db', db, '--port', '0', '--log-level', 'error'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A server that did start is a failed case: stop it so the test ends.
    child.stdout.on('data', () => stdout.includes('Joint control room') && child.kill('SIGTERM'));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

test('item 11: a damaged database stops the start with one line and its JCR_ code', async () => {
  const good = goodDb();
  const size = statSync(good).size;
  assert.ok(size > 400_000, `good database is ${size} bytes`);
  const variant = (name: string, damage: (path: string) => void) => {
    const path = join(dir, `${name}.sqlite`);
    copyFileSync(good, path);
    damage(path);
    return path;
  };
  const cases: Array<[string, string, string]> = [
    [
      'not a database',
      variant('garbage', (p) => writeFileSync(p, 'this is not a database\n'.repeat(1000))),
      'error JCR_DB_CORRUPT: ',
    ],
    ['truncated', variant('truncated', (p) => truncateSync(p, Math.floor(size / 2))), 'error JCR_DB_CORRUPT: '],
    [
      'a corrupted page',
      variant('page', (p) => {
        // Page 40 of 4096 bytes lies inside the meta table's b-tree: scribble over its header.
        const fd = openSync(p, 'r+');
        writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, 39 * 4096);
      }),
      'error JCR_DB_CORRUPT: ',
    ],
    [
      'a newer schema',
      variant('newer', (p) => {
        const s = Store.open(p);
        s.db.pragma('user_version = 99');
        s.close();
      }),
      'error JCR_DB_TOO_NEW: ',
    ],
  ];
  const runs = await Promise.all(cases.map(([, path]) => serve(path)));
  cases.forEach(([what, , start], i) => {
    const r = runs[i]!;
    assert.is(r.code, 1, `${what}: exit code; stderr ${r.stderr}`);
    assert.is(r.stderr.trimEnd().split('\n').length, 1, `${what}: one line, got ${r.stderr}`);
    assert.ok(r.stderr.startsWith(start), `${what}: ${r.stderr}`);
    assert.not.match(r.stderr, /\n\s+at /, what);
  });
  // The good database still starts (so the cases above fail for their damage, not the set-up).
  const ok = await serve(good);
  assert.match(ok.stdout, 'Joint control room', ok.stderr);
});

test.run();
