/**
 * Disk caches are written whole, under a temporary name per thread (server/shell/network/
 * cache-file.ts): sim/compare's worker threads load the same world at once, and with one
 * temporary name per process two threads building a cold cache wrote into the same file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cacheTmpPath, writeCacheFile } from '../server/shell/network/cache-file.ts';
import { startTsWorker } from '../server/shell/ts-worker.ts';

test('two threads of one process write a cache under different temporary names', async () => {
  const file = '/cache/graph-osm-abc-v3.bin';
  const worker = startTsWorker(new URL('./fixtures/cache-tmp-thread.ts', import.meta.url), file);
  const inWorker = await new Promise<string>((res, rej) => {
    worker.once('message', res);
    worker.once('error', rej);
  });
  await worker.terminate();
  const here = cacheTmpPath(file);
  assert.ok(here.startsWith(`${file}.${process.pid}-`) && here.endsWith('.tmp'), here);
  assert.ok(inWorker.startsWith(`${file}.${process.pid}-`) && inWorker.endsWith('.tmp'), inWorker);
  assert.is.not(inWorker, here);
});

test('a cache is written whole and leaves no temporary file; a refused write answers false', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-cache-'));
  try {
    const file = join(dir, 'sub', 'roads.json');
    assert.is(writeCacheFile(join(dir, 'sub'), file, '{"v":1}'), true);
    assert.is(readFileSync(file, 'utf8'), '{"v":1}');
    assert.equal(readdirSync(join(dir, 'sub')), ['roads.json']);
    // A directory where the cache file should be: the rename fails, the caller goes on.
    assert.is(writeCacheFile(dir, join(dir, 'sub'), 'x'), false);
    assert.equal(readdirSync(dir), ['sub'], 'nor a temporary file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
