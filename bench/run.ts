/**
 * `npm run bench -- NAME [args]` runs bench/NAME.ts. Each benchmark seeds its data, warms up,
 * prints a human-readable report, and ends with one line holding a single JSON object of its key
 * figures (the line bench/RESULTS.md and CI tooling read).
 */
import { existsSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const [name, ...rest] = process.argv.slice(2);
const available = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME   (one of: ${available.join(', ') || 'none yet'})\n`);
  process.exit(2);
}
const file = join('bench', `${name}.ts`);
if (!existsSync(file)) process.exit(2);
const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...rest], { stdio: 'inherit' });
child.on('close', (code) => process.exit(code ?? 1));
