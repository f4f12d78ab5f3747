/**
 * Issue 15 item 14: every command line answers --help with its usage and exit 0, and a bad option
 * with one line and exit 2 (never a stack). Each CLI runs as its own process, as an operator runs it.
 */
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CliExit, readCommand } from '../server/shell/cli.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(file: string, args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      env: { ...process.env, JCR_DB: ':memory:' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const CLIS = {
  sim: 'sim/cli.ts',
  bench: 'bench/run.ts',
  users: 'server/cli/users.ts',
  feeds: 'server/cli/feeds.ts',
  serve: 'server/main.ts',
  scenario: 'server/cli/scenario.ts',
  calibrate: 'server/cli/calibrate.ts',
  'demo:partners': 'server/cli/demo-partners.ts',
} as const;

/** One line on stderr, nothing on stdout, exit 2. */
function assertUsageError(r: Run, what: string): void {
  assert.is(r.code, 2, `${what}: exit code (stderr: ${r.stderr})`);
  assert.is(r.stdout, '', what);
  assert.is(r.stderr.trimEnd().split('\n').length, 1, `${what}: one line, got ${r.stderr}`);
  assert.not.match(r.stderr, /\n\s+at /, what);
}

test('item 14: every CLI answers --help with its usage on stdout and exit 0', async () => {
  const runs = await Promise.all(
    [
      ['sim', ['--help'], 'usage: npm run sim -- COMMAND'],
      ['sim', ['record', '--help'], 'usage: npm run sim -- record --out FILE'],
      ['sim', ['replay', '--help'], 'usage: npm run sim -- replay FILE --url URL'],
      ['sim', ['-h'], 'usage: npm run sim -- COMMAND'],
      ['bench', ['--help'], 'usage: npm run bench -- NAME'],
      ['bench', ['ingest', '--help'], '`npm run bench -- ingest'],
      ['users', ['--help'], 'usage: npm run users -- COMMAND'],
      ['feeds', ['--help'], 'usage: npm run feeds -- COMMAND'],
      ['serve', ['--help'], 'usage: npm run serve -- [options]'],
      ['scenario', ['--help'], 'usage: npm run scenario -- build --service NAME'],
      ['scenario', ['build', '--help'], 'usage: npm run scenario -- build --service NAME'],
      ['calibrate', ['--help'], 'usage: npm run calibrate -- [--db FILE]'],
      ['demo:partners', ['--help'], 'usage: npm run demo:partners [-- options]'],
    ].map(async ([name, args, first]) => ({
      what: `${name as string} ${(args as string[]).join(' ')}`,
      first: first as string,
      r: await cli(CLIS[name as keyof typeof CLIS], args as string[]),
    })),
  );
  for (const { what, first, r } of runs) {
    assert.is(r.code, 0, `${what}: exit code (stderr: ${r.stderr})`);
    assert.is(r.stderr, '', what);
    assert.ok(r.stdout.startsWith(first), `${what}: ${r.stdout}`);
  }
  // The benchmark list is the benchmarks, not the type declaration beside them.
  const bench = runs.find((x) => x.what === 'bench --help')!.r.stdout;
  assert.match(
    bench,
    'benchmarks: calibration, client, cluster, cover, fanout, http, ingest, journey, places, recommend, relay, transfer\n',
  );
  assert.not.match(bench, 'autocannon');
});

test('item 14: every CLI answers a bad option with one line on stderr and exit 2', async () => {
  const cases: [keyof typeof CLIS, string[], string][] = [
    ['sim', ['--bogus'], "Unknown option '--bogus'"],
    ['sim', ['record', '--bogus'], "Unknown option '--bogus'"],
    ['sim', ['replay', 'x.jsonl', '--url'], "Option '--url <value>' argument missing"],
    ['sim', ['fly'], 'unknown command "fly"'],
    ['sim', [], 'a command is needed'],
    ['bench', ['--bogus'], "Unknown option '--bogus'"],
    ['bench', ['autocannon.d'], 'no benchmark "autocannon.d"'],
    ['users', ['list', '--bogus'], "Unknown option '--bogus'"],
    ['users', ['add', 'ann', '--role', 'king'], '--role must be one of'],
    ['feeds', ['list', '--bogus'], "Unknown option '--bogus'"],
    ['feeds', ['drop', 'x'], 'unknown command or arguments: drop x'],
    ['serve', ['--bogus'], "Unknown option '--bogus'"],
    ['serve', ['--port', 'eighty'], 'error JCR_VALIDATION: port must be 0..65535'],
    ['scenario', ['build', '--bogus'], "Unknown option '--bogus'"],
    ['calibrate', ['--bogus'], "Unknown option '--bogus'"],
    ['calibrate', ['--hours', 'many'], '--hours must be a positive number'],
    ['scenario', ['fly'], 'unknown command or arguments: fly'],
    ['scenario', ['build', '--out', 'x'], 'build needs --service NAME'],
    [
      'scenario',
      ['build', '--service', 'Bedfordshire', '--out', 'x', '--margin-km', 'far'],
      '--margin-km must be 0..100',
    ],
    ['demo:partners', ['--bogus'], "Unknown option '--bogus'"],
    ['demo:partners', ['--port-a', 'eighty'], '--port-a and --port-b must be 1..65535, not eighty'],
    ['demo:partners', ['--port-a', '8081'], '--port-a and --port-b must differ'],
  ];
  const runs = await Promise.all(cases.map(async ([name, args]) => cli(CLIS[name], args)));
  cases.forEach(([name, args, line], i) => {
    const what = `${name} ${args.join(' ')}`;
    assertUsageError(runs[i]!, what);
    assert.ok(runs[i]!.stderr.startsWith(line), `${what}: ${runs[i]!.stderr}`);
  });
});

test('readCommand takes a command with its NAME or none, and names the commands otherwise', () => {
  const FEEDS = { add: 'name', list: 'none', revoke: 'name' } as const;
  const read = (words: string[]) => {
    try {
      return readCommand(words, FEEDS);
    } catch (e) {
      return e instanceof CliExit ? [e.code, e.text] : e;
    }
  };
  assert.equal(read(['add', 'avl-1']), { cmd: 'add', name: 'avl-1' });
  assert.equal(read(['list']), { cmd: 'list', name: undefined });
  assert.equal(read(['revoke', 'avl-1']), { cmd: 'revoke', name: 'avl-1' });
  assert.equal(read([]), [2, 'a command is needed: add, list or revoke  (--help for usage)']);
  assert.equal(read(['add']), [2, 'unknown command or arguments: add  (--help for usage)']);
  assert.equal(read(['list', 'x']), [2, 'unknown command or arguments: list x  (--help for usage)']);
  assert.equal(read(['drop', 'x']), [2, 'unknown command or arguments: drop x  (--help for usage)']);
  assert.equal(read(['toString']), [2, 'unknown command or arguments: toString  (--help for usage)']);
});

test.run();
