/**
 * Readers for untrusted request bodies and query strings: the HTTP API's dialect of the one
 * Checker (proto/checker.ts). The first problem throws JcrError('JCR_VALIDATION') naming the
 * field, so a client sees `{code: 'JCR_VALIDATION', path: 'status', message: 'status is required'}`
 * rather than a 500. `base` names the object a field sits in (`methane`) for nested bodies.
 */
import { Checker, decimal, joinPath, type Fault } from '../../../proto/checker.ts';
import { JcrError } from '../../core/errors.ts';

export type Body = Record<string, unknown>;

/** Refuse the request: the field at `path` is wrong, as `message` says. */
export function refuse(path: string, message: string): never {
  throw new JcrError('JCR_VALIDATION', message, { path });
}

const TYPE_WORDS = {
  object: 'must be a JSON object',
  array: 'must be an array',
  string: 'must be a string',
  number: 'must be a finite number',
  boolean: 'must be true or false',
};

function word(path: string, f: Fault): string {
  switch (f.kind) {
    case 'missing':
      return `${path} is required`;
    case 'type':
      return `${path} ${TYPE_WORDS[f.want]}${f.of !== undefined ? ` of ${f.of}` : ''}`;
    case 'empty':
      return `${path} must not be empty`;
    case 'tooLong':
      return `${path} must be at most ${f.max} characters`;
    case 'tooMany':
      return `${path} may hold at most ${f.max} items`;
    case 'notInteger':
      return `${path} must be an integer`;
    case 'range':
      return f.low ? `${path} must be >= ${String(f.rule.min)}` : `${path} must be <= ${String(f.rule.max)}`;
    case 'oneOf':
      return `${path} must be one of ${f.allowed.join(', ')}`;
  }
}

/** Strings are at most 1000 characters unless a field says otherwise. */
const request = new Checker(word, refuse, { max: 1000 });

export function asObject(v: unknown, path = 'body'): Body {
  if (v === undefined) request.fault(path, { kind: 'type', want: 'object', got: v });
  return request.object(v, path) as Body;
}

type StrOpts = { max?: number; base?: string };
export function str(b: Body, key: string, opts: StrOpts & { optional?: false }): string;
export function str(b: Body, key: string, opts: StrOpts & { optional: true }): string | undefined;
export function str(b: Body, key: string, opts: StrOpts & { optional?: boolean } = {}): string | undefined {
  const { base = '', ...rule } = opts;
  // null reads as absent for strings and numbers
  return request.string(b[key] ?? undefined, joinPath(base, key), rule);
}

type NumOpts = { min?: number; max?: number; integer?: boolean; base?: string };
export function num(b: Body, key: string, opts: NumOpts & { optional?: false }): number;
export function num(b: Body, key: string, opts: NumOpts & { optional: true }): number | undefined;
export function num(b: Body, key: string, opts: NumOpts & { optional?: boolean } = {}): number | undefined {
  const { base = '', ...rule } = opts;
  return request.number(b[key] ?? undefined, joinPath(base, key), rule);
}

/** An optional true or false. */
export function bool(b: Body, key: string, base = ''): boolean | undefined {
  return request.boolean(b[key], joinPath(base, key), true);
}

/** One of `allowed`; absent is refused in the same words unless optional. */
export function oneOf<T extends string>(b: Body, key: string, allowed: readonly T[], optional = false): T | undefined {
  if (b[key] === undefined && !optional) request.fault(key, { kind: 'oneOf', allowed, got: undefined });
  return request.choice(b[key], key, allowed, true);
}

/** An optional array whose every item is one of `allowed`. */
export function listOf<T extends string>(b: Body, key: string, allowed: readonly T[], base = ''): T[] | undefined {
  const path = joinPath(base, key);
  return request.list(b[key], path, { optional: true, of: allowed.join(', ') }, (v, p) =>
    request.choice(v, p, allowed),
  );
}

/** An optional array of at most `max` ids (strings of 1..64 characters). */
export function idList(b: Body, key: string, max = 50): string[] | undefined {
  return request.list(b[key], key, { optional: true, max, of: 'strings' }, (v, p) =>
    typeof v === 'string' && v.length > 0 && v.length <= 64
      ? v
      : refuse(p, `${p} must be a string of 1..64 characters`),
  );
}

/** Refuse a field not in `known`; `what` names the kind of field in the message. */
export function noUnknown(b: Body, known: readonly string[], base = '', what = 'field'): void {
  for (const k of Object.keys(b))
    if (!known.includes(k)) refuse(base === '' ? k : `${base}.${k}`, `unknown ${what} (known: ${known.join(', ')})`);
}

/** Parse "lat,lon" from a query string. */
export function latLonParam(v: unknown, key: string): { lat: number; lon: number } {
  if (typeof v !== 'string') refuse(key, `${key} must be "lat,lon"`);
  const parts = v.split(',');
  const lat = decimal(parts[0]);
  const lon = decimal(parts[1]);
  if (
    parts.length !== 2 ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lon) ||
    Math.abs(lat) > 90 ||
    Math.abs(lon) > 180
  ) {
    refuse(key, `${key} must be "lat,lon" with lat in -90..90 and lon in -180..180`);
  }
  return { lat, lon };
}
