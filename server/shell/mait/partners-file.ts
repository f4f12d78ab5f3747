/**
 * Reads a room's partners file (docs/mait.md § The partners file) and validates it against the
 * scenario's incident types. Every failure, an unreadable file and bad JSON included, is
 * JCR_MAIT_PARTNERS_INVALID with lines `${file}: ${path}: ${reason}`.
 */
import { readFileSync } from 'node:fs';
import type { MaitPartners } from '../../../proto/mait.ts';
import { JcrError } from '../../core/errors.ts';
import { validatePartners } from '../../core/mait/partners.ts';

export function loadPartners(file: string, typeIds: ReadonlySet<string>): MaitPartners {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as unknown;
  } catch (e) {
    const why = e instanceof Error && 'code' in e ? String(e.code) : e instanceof Error ? e.message : String(e);
    throw new JcrError('JCR_MAIT_PARTNERS_INVALID', `${file}: (root): cannot read the partners file (${why})`);
  }
  return validatePartners(raw, file, typeIds);
}
