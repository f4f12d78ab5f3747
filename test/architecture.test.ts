import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import {
  allowedLongFiles,
  importCycles,
  importGraph,
  lineCount,
  longFiles,
  readSources,
} from './support/architecture.ts';

/** Issue 14: a file is a noun a newcomer can guess; about 400 lines means split. */
const LIMIT = 400;
const ROOT = resolve('.');
const CONVENTIONS = readFileSync('docs/CONVENTIONS.md', 'utf8');

test('no source file outside test/ and bench/ is over 400 lines, but those CONVENTIONS.md allows', () => {
  const allowed = allowedLongFiles(CONVENTIONS);
  const long = longFiles(ROOT, LIMIT).filter((f) => !allowed.has(f.file));
  assert.equal(
    long,
    [],
    `split these by concept, or name a generated or data file under **Long files** in docs/CONVENTIONS.md with why:\n` +
      long.map((f) => `${f.file}: ${f.lines} lines`).join('\n'),
  );
});

test('every long file CONVENTIONS.md allows exists and says why', () => {
  for (const [file, why] of allowedLongFiles(CONVENTIONS)) {
    assert.ok(existsSync(file), `${file} is allowed to be long but does not exist`);
    assert.ok(why.length > 0, `${file} is allowed to be long without a reason`);
  }
});

test('the allow-list is the items under the Long files entry, and only those', () => {
  const doc = [
    '- **Tests**: literal data.',
    '  - `not/this.ts`: under another entry',
    '- **Long files**: at most 400 lines, except:',
    '  - `sim/data/streets.ts`: generated from OSM by sim/cli.ts',
    '  - `client/x.css`: the one stylesheet',
    '- **Commits**: small.',
    '  - `nor/this.ts`: under the next entry',
  ].join('\n');
  assert.equal(
    [...allowedLongFiles(doc)],
    [
      ['sim/data/streets.ts', 'generated from OSM by sim/cli.ts'],
      ['client/x.css', 'the one stylesheet'],
    ],
  );
  assert.equal([...allowedLongFiles('- **Commits**: small.\n')], []);
});

test('lines are counted as wc -l counts them', () => {
  assert.is(lineCount(''), 0);
  assert.is(lineCount('a\n'), 1);
  assert.is(lineCount('a\nb'), 2);
  assert.is(lineCount('a\n\nb\n'), 3);
});

test('no import cycle among the modules of server/, client/, proto/ and sim/', () => {
  const cycles = importCycles(importGraph(readSources(ROOT, ['server', 'client', 'proto', 'sim'])));
  assert.equal(
    cycles.map((c) => c.map((f) => relative(ROOT, f))),
    [],
    'move what both sides need to the noun it belongs to',
  );
});

test('a cycle through a type-only import or a re-export, and a self-import, are caught; a chain is not', () => {
  const src = new Map([
    ['/r/core/room.ts', `import { StandbyBook } from './cover/standby.ts';\n`],
    ['/r/core/cover/standby.ts', `import type { CommandContext } from '../room.ts';\n`],
    ['/r/core/a.ts', `export { b } from './b.ts';\n`],
    ['/r/core/b.ts', `import {\n  a,\n  type A,\n} from "./a.ts";\n`],
    ['/r/core/self.ts', `import './self.ts';\n`],
    ['/r/core/chain1.ts', `import { x } from './chain2.ts';\n// import { y } from './chain3.ts';\n`],
    ['/r/core/chain2.ts', `import { y } from './chain3.ts';\nimport { z } from 'rbush';\n`],
    ['/r/core/chain3.ts', `/* import { x } from './chain1.ts'; */\nexport const y = 1;\n`],
  ]);
  assert.equal(importCycles(importGraph(src)), [
    ['/r/core/a.ts', '/r/core/b.ts'],
    ['/r/core/cover/standby.ts', '/r/core/room.ts'],
    ['/r/core/self.ts'],
  ]);
});

test.run();
