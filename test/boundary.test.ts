import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import {
  checkClientSource,
  checkClientTree,
  checkCoreSource,
  checkCoreTree,
  checkProtoTree,
} from './support/boundary.ts';

const CORE = resolve('server/core');
const file = (name: string) => resolve(CORE, name);

test('the real core imports no shell, I/O or wire module', () => {
  const violations = checkCoreTree('server/core');
  assert.equal(violations, [], violations.map((v) => `${v.file}:${v.line} ${v.what}`).join('\n'));
});

test('a core file importing the shell is caught', () => {
  const v = checkCoreSource(file('fleet/x.ts'), `import { Store } from '../../shell/store/store.ts';\n`, CORE);
  assert.equal(v, [
    { file: file('fleet/x.ts'), line: 1, what: 'imports ../../shell/store/store.ts, outside the core' },
  ]);
});

test('each forbidden package and node I/O module is caught, with and without node: prefix', () => {
  const src = [
    `import { WebSocketServer } from 'ws';`,
    `import express from 'express';`,
    `import Database from 'better-sqlite3';`,
    `import protobuf from 'protobufjs/minimal.js';`,
    `import { readFileSync } from 'node:fs';`,
    `import * as net from 'net';`,
    `const w = await import('node:worker_threads');`,
    `export { x } from '../../client/app.ts';`,
  ].join('\n');
  const v = checkCoreSource(file('a.ts'), src, CORE);
  assert.equal(
    v.map((x) => x.line),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
});

test('reading the wall clock or Math.random in the core is caught; comments are not', () => {
  const src = `// Date.now() is fine in a comment\nconst t = Date.now();\nconst r = Math.random();\nconst d = new Date();\nconst ok = new Date(t);\n`;
  const v = checkCoreSource(file('b.ts'), src, CORE);
  assert.equal(
    v.map((x) => x.line),
    [2, 3, 4],
  );
});

test('core-internal and pure package imports pass', () => {
  const src = `import RBush from 'rbush';\nimport type { Scenario } from '../scenario/types.ts';\nimport { x } from './y.ts';\n`;
  assert.equal(checkCoreSource(file('fleet/c.ts'), src, CORE), []);
});

test('the core may import the shared proto/ modules, and those import nothing', () => {
  const src = `import { Checker } from '../../../proto/checker.ts';\n`;
  assert.equal(checkCoreSource(file('scenario/c.ts'), src, CORE), []);
  const violations = checkProtoTree('proto');
  assert.equal(violations, [], violations.map((v) => `${v.file}:${v.line} ${v.what}`).join('\n'));
});

test('a core file importing beside proto/ is caught', () => {
  const src = `import { x } from '../../../proto/sub/y.ts';\n`;
  assert.equal(checkCoreSource(file('scenario/d.ts'), src, CORE), [
    { file: file('scenario/d.ts'), line: 1, what: 'imports ../../../proto/sub/y.ts, outside the core' },
  ]);
});

test('the client imports nothing from server/', () => {
  const violations = checkClientTree('client', 'server');
  assert.equal(violations, [], violations.map((v) => `${v.file}:${v.line} ${v.what}`).join('\n'));
});

test('a client file importing the server is caught, type-only and re-exports too; proto/ passes', () => {
  const SERVER = resolve('server');
  const f = resolve('client/state/x.ts');
  const src = [
    `import type { CopFilter } from '../../server/core/cop/frames.ts';`,
    `import { AGENCIES } from '../../proto/wire.ts';`,
    `export { x } from '../../server/shell/y.ts';`,
    `const m = await import('../../server/core/z.ts');`,
    `import { y } from './y.ts';`,
  ].join('\n');
  assert.equal(checkClientSource(f, src, SERVER), [
    { file: f, line: 1, what: 'imports ../../server/core/cop/frames.ts, from the server' },
    { file: f, line: 3, what: 'imports ../../server/shell/y.ts, from the server' },
    { file: f, line: 4, what: 'imports ../../server/core/z.ts, from the server' },
  ]);
});

test.run();
