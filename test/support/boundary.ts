import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The pure-core rule, as a checker the boundary test runs over server/core. The core may import
 * only other core files and pure libraries (rbush, ...). It may not import I/O or wire libraries,
 * node's I/O modules, or anything outside server/core (the shell, the client, the simulator)
 * except the dependency-free shared modules in proto/ (proto/*.ts, which import nothing: see
 * checkProtoTree), and it may not read the wall clock or Math.random: those come in as arguments.
 */
export const FORBIDDEN_PACKAGES = ['ws', 'express', 'better-sqlite3', 'protobufjs', 'autocannon', 'lit', 'leaflet'];
export const FORBIDDEN_NODE = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'tls',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
  'os',
  'process',
  'zlib',
  'stream',
  'inspector',
  'v8',
  'vm',
  'perf_hooks',
  'module',
  'path',
  'url',
  'crypto',
];
const FORBIDDEN_CALLS: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'reads the wall clock (Date.now): take a Clock argument'],
  [/\bnew Date\s*\(\s*\)/, 'reads the wall clock (new Date()): take a Clock argument'],
  [/\bMath\.random\s*\(/, 'uses Math.random: take a Random argument'],
  [/\bprocess\.(env|argv|stdout|stderr|exit|hrtime)\b/, 'touches the process: configuration belongs to the shell'],
  [/\bperformance\.now\s*\(/, 'reads a timer (performance.now): take a Clock argument'],
];

export interface Violation {
  file: string;
  line: number;
  what: string;
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function stripComments(src: string): string {
  // Blank out comments but keep line numbers, so violations point at the right line.
  return src
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:])\/\/.*$/gm, (m, p1: string) => p1 + ' '.repeat(m.length - p1.length));
}

/** Check one core file's source. `file` is its path; `coreDir` the absolute path of server/core. */
export function checkCoreSource(file: string, source: string, coreDir: string): Violation[] {
  const out: Violation[] = [];
  const src = stripComments(source);
  const lineOf = (idx: number) => src.slice(0, idx).split('\n').length;
  for (const m of src.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec) continue;
    const lead = m[0].length - m[0].replace(/^[\s;]+/, '').length; // the match may start at the newline before
    const line = lineOf((m.index ?? 0) + lead);
    const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
    if (spec.startsWith('.') || spec.startsWith('/')) {
      const target = resolve(dirname(file), spec);
      const shared = dirname(target) === resolve(coreDir, '../../proto') && target.endsWith('.ts');
      if (target !== coreDir && !target.startsWith(coreDir + sep) && !shared)
        out.push({ file, line, what: `imports ${spec}, outside the core` });
    } else if (FORBIDDEN_NODE.includes(bare) || FORBIDDEN_NODE.includes(bare.split('/')[0] ?? '')) {
      out.push({ file, line, what: `imports node module ${spec}` });
    } else if (FORBIDDEN_PACKAGES.includes(spec.split('/')[0] ?? '')) {
      out.push({ file, line, what: `imports shell package ${spec}` });
    }
  }
  src.split('\n').forEach((text, i) => {
    for (const [re, what] of FORBIDDEN_CALLS) if (re.test(text)) out.push({ file, line: i + 1, what });
  });
  return out;
}

export function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

export function checkCoreTree(coreDir: string): Violation[] {
  const abs = resolve(coreDir);
  return listTs(abs).flatMap((f) =>
    checkCoreSource(f, readFileSync(f, 'utf8'), abs).map((v) => ({ ...v, file: relative(process.cwd(), v.file) })),
  );
}

/** The shared modules in proto/ (*.ts) import nothing at all, so the core and the client may use them. */
export function checkProtoTree(protoDir: string): Violation[] {
  const out: Violation[] = [];
  for (const f of listTs(resolve(protoDir))) {
    const src = stripComments(readFileSync(f, 'utf8'));
    for (const m of src.matchAll(IMPORT_RE)) {
      const line = src.slice(0, (m.index ?? 0) + m[0].length).split('\n').length;
      out.push({ file: relative(process.cwd(), f), line, what: `imports ${m[1] ?? m[2] ?? m[3] ?? ''}` });
    }
  }
  return out;
}

/**
 * The client bundle's rule: nothing under client/ imports from server/ (what both sides share is
 * in proto/*.ts). `file` is the importing file's path; `serverDir` the absolute path of server/.
 */
export function checkClientSource(file: string, source: string, serverDir: string): Violation[] {
  const out: Violation[] = [];
  const src = stripComments(source);
  for (const m of src.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec || !(spec.startsWith('.') || spec.startsWith('/'))) continue;
    const target = resolve(dirname(file), spec);
    if (target !== serverDir && !target.startsWith(serverDir + sep)) continue;
    const lead = m[0].length - m[0].replace(/^[\s;]+/, '').length;
    const line = src.slice(0, (m.index ?? 0) + lead).split('\n').length;
    out.push({ file, line, what: `imports ${spec}, from the server` });
  }
  return out;
}

export function checkClientTree(clientDir: string, serverDir: string): Violation[] {
  const server = resolve(serverDir);
  return listTs(resolve(clientDir)).flatMap((f) =>
    checkClientSource(f, readFileSync(f, 'utf8'), server).map((v) => ({ ...v, file: relative(process.cwd(), v.file) })),
  );
}
