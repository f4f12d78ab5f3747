import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The shape rules of issue 14 as checkers test/architecture.test.ts runs over the tree: no
 * import cycle among the source modules, and no source file outside test/ and bench/ over the
 * line limit unless docs/CONVENTIONS.md names it with why.
 */

/** Folders that are not source (built, vendored, recorded), skipped wherever they appear. */
const SKIP = new Set(['node_modules', '.git', 'dist', 'var', 'artifacts', 'out', 'fixtures']);
/** What counts as source for the line limit: code, styles, pages and schemas; not data or prose. */
const SOURCE = /\.(ts|js|mjs|cjs|css|html|proto)$/;

/** Every file below `dir` (absolute paths, sorted), skipping SKIP folders and `except` (absolute). */
export function filesBelow(dir: string, except: readonly string[] = []): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (SKIP.has(name) || except.includes(p)) continue;
    if (statSync(p).isDirectory()) out.push(...filesBelow(p, except));
    else out.push(p);
  }
  return out;
}

// Static imports and re-exports with a relative specifier; `import('./x.ts')` is loaded later and
// cannot close a cycle at load time, but a type-only import can still tie two nouns together, so
// it counts.
const RELATIVE_IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** The import graph of `sources` (absolute path -> text): each file's relative imports among them. */
export function importGraph(sources: ReadonlyMap<string, string>): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const [file, text] of sources) {
    const to: string[] = [];
    for (const m of stripComments(text).matchAll(RELATIVE_IMPORT)) {
      const target = resolve(dirname(file), m[1]!);
      if (sources.has(target) && !to.includes(target)) to.push(target);
    }
    g.set(file, to);
  }
  return g;
}

/**
 * The import cycles of a graph: its strongly connected components of more than one file (or a
 * file importing itself), each as its files in a cycle order starting from the first by name.
 */
export function importCycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's SCC, iterative so a deep import chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  let next = 0;
  for (const root of [...g.keys()].sort()) {
    if (index.has(root)) continue;
    const work: Array<{ v: string; i: number }> = [{ v: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const edges = g.get(top.v) ?? [];
      if (top.i < edges.length) {
        const w = edges[top.i++]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) !== index.get(top.v)) continue;
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== top.v);
      if (scc.length > 1 || (g.get(top.v) ?? []).includes(top.v)) sccs.push(scc.sort());
    }
  }
  return sccs.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** The .ts files below each of `dirs` (relative to `root`) with their text, for importGraph. */
export function readSources(root: string, dirs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of dirs)
    for (const f of filesBelow(resolve(root, d))) if (f.endsWith('.ts')) out.set(f, readFileSync(f, 'utf8'));
  return out;
}

/** Lines of a text as `wc -l` would count them with a final newline. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Source files (relative to `root`) outside test/ and bench/ with more than `limit` lines. */
export function longFiles(root: string, limit: number): Array<{ file: string; lines: number }> {
  const out: Array<{ file: string; lines: number }> = [];
  for (const f of filesBelow(root, [join(root, 'test'), join(root, 'bench')])) {
    const rel = relative(root, f);
    if (!SOURCE.test(rel) && rel !== '.ci/run') continue;
    const lines = lineCount(readFileSync(f, 'utf8'));
    if (lines > limit) out.push({ file: rel, lines });
  }
  return out;
}

/**
 * The long files docs/CONVENTIONS.md allows: the items `` - `path`: why `` nested under its
 * "**Long files**" entry. Each must say why (a generated or data file).
 */
export function allowedLongFiles(conventions: string): Map<string, string> {
  const out = new Map<string, string>();
  const start = conventions.indexOf('- **Long files**');
  if (start < 0) return out;
  const rest = conventions.slice(start + 1);
  const end = rest.search(/\n- \*\*/);
  const entry = end < 0 ? rest : rest.slice(0, end);
  for (const m of entry.matchAll(/^\s+- `([^`]+)`:\s*(.*)$/gm)) out.set(m[1]!, m[2]!.trim());
  return out;
}
