import { JcrError } from '../../core/errors.ts';

/**
 * Small readers for untrusted request bodies and query strings. Each names the field it refuses,
 * so a client sees `{code: 'JCR_VALIDATION', path: 'status', message: ...}` rather than a 500.
 */
export type Body = Record<string, unknown>;

export function asObject(v: unknown, path = 'body'): Body {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new JcrError('JCR_VALIDATION', `${path} must be a JSON object`, { path });
  return v as Body;
}

export function str(b: Body, key: string, opts: { optional?: false; max?: number }): string;
export function str(b: Body, key: string, opts: { optional: true; max?: number }): string | undefined;
export function str(b: Body, key: string, opts: { optional?: boolean; max?: number } = {}): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw new JcrError('JCR_VALIDATION', `${key} is required`, { path: key });
  }
  if (typeof v !== 'string') throw new JcrError('JCR_VALIDATION', `${key} must be a string`, { path: key });
  const max = opts.max ?? 1000;
  if (v.length > max) throw new JcrError('JCR_VALIDATION', `${key} must be at most ${max} characters`, { path: key });
  return v;
}

export function num(
  b: Body,
  key: string,
  opts: { optional?: false; min?: number; max?: number; integer?: boolean },
): number;
export function num(
  b: Body,
  key: string,
  opts: { optional: true; min?: number; max?: number; integer?: boolean },
): number | undefined;
export function num(
  b: Body,
  key: string,
  opts: { optional?: boolean; min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw new JcrError('JCR_VALIDATION', `${key} is required`, { path: key });
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new JcrError('JCR_VALIDATION', `${key} must be a finite number`, { path: key });
  if (opts.integer && !Number.isInteger(v))
    throw new JcrError('JCR_VALIDATION', `${key} must be an integer`, { path: key });
  if (opts.min !== undefined && v < opts.min)
    throw new JcrError('JCR_VALIDATION', `${key} must be >= ${opts.min}`, { path: key });
  if (opts.max !== undefined && v > opts.max)
    throw new JcrError('JCR_VALIDATION', `${key} must be <= ${opts.max}`, { path: key });
  return v;
}

export function oneOf<T extends string>(b: Body, key: string, allowed: readonly T[], optional = false): T | undefined {
  const v = b[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new JcrError('JCR_VALIDATION', `${key} must be one of ${allowed.join(', ')}`, { path: key });
  }
  return v as T;
}

/** Parse "lat,lon" from a query string. */
export function latLonParam(v: unknown, key: string): { lat: number; lon: number } {
  if (typeof v !== 'string') throw new JcrError('JCR_VALIDATION', `${key} must be "lat,lon"`, { path: key });
  const parts = v.split(',');
  const lat = Number(parts[0]);
  const lon = Number(parts[1]);
  if (
    parts.length !== 2 ||
    parts[0] === '' ||
    parts[1] === '' ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lon) ||
    Math.abs(lat) > 90 ||
    Math.abs(lon) > 180
  ) {
    throw new JcrError('JCR_VALIDATION', `${key} must be "lat,lon" with lat in -90..90 and lon in -180..180`, {
      path: key,
    });
  }
  return { lat, lon };
}
