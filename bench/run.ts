/**
 * `npm run bench -- NAME [args]` runs bench/NAME.ts. Each benchmark seeds its data, warms up,
 * prints a human-readable report, and ends with one line holding a single JSON object of its key
 * figures (the line bench/RESULTS.md and CI tooling read). `npm run bench -- --help` lists them;
 * `npm run bench -- NAME --help` prints that benchmark's header.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CliExit, readArgs, runCli, usageError } from '../server/shell/cli.ts';

// Benchmarks are the bench/*.ts files, less this runner, `_` helpers and type declarations.
const available = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const USAGE = `usage: npm run bench -- NAME [args]   (NAME --help for its arguments)
  benchmarks: ${available.join(', ')}
  -h, --help  this text`;

/** A benchmark's usage: its header comment, without the comment markers. */
function benchUsage(name: string): string {
  const header = /^\/\*\*([\s\S]*?)\*\//.exec(readFileSync(join('bench', `${name}.ts`), 'utf8'))?.[1] ?? '';
  const lines = header.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
  return lines.join('\n').trim() || `usage: npm run bench -- ${name}`;
}

runCli(() => {
  const argv = process.argv.slice(2);
  // The runner's own options come before the name; everything after it belongs to the benchmark.
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const name = at < 0 ? undefined : argv[at];
  const rest = at < 0 ? [] : argv.slice(at + 1);
  readArgs({ usage: USAGE, options: {}, positionals: false }, at < 0 ? argv : argv.slice(0, at));
  if (name === undefined) throw usageError(`a benchmark name is needed: one of ${available.join(', ')}`);
  if (!available.includes(name)) throw usageError(`no benchmark "${name}": one of ${available.join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) throw new CliExit(0, benchUsage(name));
  const file = join('bench', `${name}.ts`);
  const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...rest], { stdio: 'inherit' });
  child.on('close', (code) => process.exit(code ?? 1));
});
