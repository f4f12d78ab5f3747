/**
 * Build the control room screens: esbuild bundles client/main.ts (Lit, Leaflet and all) into
 * client/dist/app.js and its CSS (Leaflet's included) into client/dist/app.css, copies index.html
 * and Leaflet's marker images. No CDN: everything the page needs is served by the server.
 *
 *   node --import tsx client/build.ts          # production build (minified, with a source map)
 *   buildClient({ outdir })                    # from tests and the bench
 */
import { build, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * protobufjs/minimal takes long.js for 64-bit integers when it can require it, and long.js
 * compiles a WebAssembly module as it loads: a CSP violation on every screen (script-src 'self'
 * allows no WebAssembly compilation, and should not). The COP has no 64-bit integer field (times
 * are doubles: proto/cop.proto, test/cop-wire-types.test.ts), so the browser gets no Long at all:
 * 'long' resolves to a module exporting null, which protobufjs takes as "long.js not installed".
 */
const noLong: Plugin = {
  name: 'no-long',
  setup(b) {
    b.onResolve({ filter: /^long$/ }, () => ({ path: 'long', namespace: 'no-long' }));
    b.onLoad({ filter: /.*/, namespace: 'no-long' }, () => ({ contents: 'module.exports = null;', loader: 'js' }));
  },
};

export interface BuildOptions {
  /** Output directory; client/dist by default (what the server serves). */
  outdir?: string;
  /** Entry point; client/main.ts by default (the bench builds its own page). */
  entry?: string;
  minify?: boolean;
}

export async function buildClient(opts: BuildOptions = {}): Promise<{ outdir: string; bytes: number }> {
  const outdir = resolve(opts.outdir ?? join(HERE, 'dist'));
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { app: opts.entry ?? join(HERE, 'main.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    platform: 'browser',
    minify: opts.minify ?? true,
    sourcemap: true,
    metafile: true,
    legalComments: 'linked',
    loader: { '.png': 'file', '.svg': 'file' },
    assetNames: 'assets/[name]-[hash]',
    tsconfig: resolve(HERE, '../tsconfig.json'),
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [noLong],
  });
  copyFileSync(join(HERE, 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(HERE, 'favicon.svg'), join(outdir, 'favicon.svg'));
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { outdir, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const { outdir, bytes } = await buildClient();
  process.stdout.write(`client built: ${outdir} (${Math.round(bytes / 1024)} KiB) in ${Date.now() - t0} ms\n`);
}
