/**
 * Validates XML documents against docs/mait.xsd with `xmllint --noout --schema` (Debian
 * libxml2-utils; .ci/run installs it), all documents in one run. Returns xmllint's exit status and
 * its report, one line per document ("… validates" or the faults).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function xmllint(docs: readonly string[], schema = 'docs/mait.xsd'): { status: number; report: string } {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-mait-'));
  try {
    const files = docs.map((d, i) => {
      const f = join(dir, `m${i}.xml`);
      writeFileSync(f, d);
      return f;
    });
    const r = spawnSync('xmllint', ['--noout', '--schema', schema, ...files], { encoding: 'utf8' });
    if (r.error) throw r.error;
    return { status: r.status ?? -1, report: (r.stdout + r.stderr).split(dir + '/').join('') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
