/**
 * The one way this project reads untrusted input. A Checker walks an unknown value, names the
 * path of what it reads (`resources[12].station`, `methane.casualties`) and hands each problem to
 * a sink: the scenario collects every problem and lists them all, an HTTP route throws at the
 * first, and the client's reader ignores them and drops what does not fit. Every reader returns
 * the value when usable and undefined otherwise, so a collecting caller carries on past a fault.
 *
 * How a problem is worded belongs to the caller (a Wording): the scenario says `missing field`
 * beside the path, the HTTP API says `typeId is required`. Tests pin both, so the wording is data
 * here, not a second checker.
 *
 * Imports nothing: the server's core and shell and the client bundle all use this file.
 */

export type Json = Record<string, unknown>;

/** A plain object: not null, not an array. */
export function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a value is, for messages: `null`, `array`, `NaN`, or its typeof. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}

/** A scalar as written (strings quoted), anything else by its type name. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return typeName(v);
}

/** A path segment: `[3]` for an index, `.name` for identifier-like keys, `["odd key"]` otherwise. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const seg = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (seg.startsWith('"')) return `${path}[${seg}]`;
  return path === '' ? seg : `${path}.${seg}`;
}

export type Want = 'object' | 'array' | 'string' | 'number' | 'boolean';

export interface NumRule {
  min?: number;
  max?: number;
  /** The minimum itself is refused (`must be above`). */
  minOpen?: boolean;
  integer?: boolean;
  optional?: boolean;
  /** What the number is (`latitude`, `seconds`), for messages that name it. */
  what?: string;
}

export interface StrRule {
  optional?: boolean;
  /** Refuse a string of only white space. */
  nonBlank?: boolean;
  /** Most characters allowed. */
  max?: number;
}

export interface ListRule {
  optional?: boolean;
  nonEmpty?: boolean;
  /** Most items allowed. */
  max?: number;
  /** What the items are (`strings`), for messages that name them. */
  of?: string;
}

/** One problem, before it is put into words. */
export type Fault =
  | { kind: 'missing' }
  | { kind: 'type'; want: Want; got: unknown; of?: string | undefined }
  | { kind: 'empty' }
  | { kind: 'tooLong'; max: number }
  | { kind: 'tooMany'; max: number }
  | { kind: 'notInteger'; value: number; rule: NumRule }
  | { kind: 'range'; value: number; rule: NumRule; low: boolean }
  | { kind: 'oneOf'; allowed: readonly (string | number)[]; got: unknown };

export type Wording = (path: string, fault: Fault) => string;
/** Receives each problem: collects it, throws it, or drops it. */
export type Sink = (path: string, reason: string) => void;

export class Checker {
  /** A checker that reports nothing: readers narrow or return undefined (the client's parsing). */
  static quiet(): Checker {
    return new Checker(
      () => '',
      () => undefined,
    );
  }

  /** `strings` are the defaults of every string read (the HTTP API caps them at 1000 characters). */
  constructor(
    private readonly wording: Wording,
    private readonly sink: Sink,
    private readonly strings: StrRule = {},
  ) {}

  /** Report a problem in the caller's own words. */
  fail(path: string, reason: string): undefined {
    this.sink(path, reason);
    return undefined;
  }

  fault(path: string, f: Fault): undefined {
    return this.fail(path, this.wording(path, f));
  }

  /** False when absent (a fault unless optional). */
  private present(v: unknown, path: string, optional: boolean | undefined): boolean {
    if (v !== undefined) return true;
    if (optional !== true) this.fault(path, { kind: 'missing' });
    return false;
  }

  object(v: unknown, path: string, optional = false): Json | undefined {
    if (!this.present(v, path, optional)) return undefined;
    return isObj(v) ? v : this.fault(path, { kind: 'type', want: 'object', got: v });
  }

  array(v: unknown, path: string, rule: ListRule = {}): unknown[] | undefined {
    if (!this.present(v, path, rule.optional)) return undefined;
    if (!Array.isArray(v)) return this.fault(path, { kind: 'type', want: 'array', got: v, of: rule.of });
    if (rule.max !== undefined && v.length > rule.max) return this.fault(path, { kind: 'tooMany', max: rule.max });
    if (rule.nonEmpty === true && v.length === 0) this.fault(path, { kind: 'empty' });
    return v;
  }

  /** An array whose items each pass `item`; the items that fail are left out. */
  list<T>(
    v: unknown,
    path: string,
    rule: ListRule,
    item: (v: unknown, path: string) => T | undefined,
  ): T[] | undefined {
    const list = this.array(v, path, rule);
    if (list === undefined) return undefined;
    const out: T[] = [];
    list.forEach((x, i) => {
      const got = item(x, joinPath(path, i));
      if (got !== undefined) out.push(got);
    });
    return out;
  }

  string(v: unknown, path: string, rule: StrRule = {}): string | undefined {
    const r = { ...this.strings, ...rule };
    if (!this.present(v, path, r.optional)) return undefined;
    if (typeof v !== 'string') return this.fault(path, { kind: 'type', want: 'string', got: v });
    if (r.nonBlank === true && v.trim() === '') return this.fault(path, { kind: 'empty' });
    if (r.max !== undefined && v.length > r.max) return this.fault(path, { kind: 'tooLong', max: r.max });
    return v;
  }

  /** A finite number within [min, max] (the minimum excluded with `minOpen`). */
  number(v: unknown, path: string, rule: NumRule = {}): number | undefined {
    if (!this.present(v, path, rule.optional)) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fault(path, { kind: 'type', want: 'number', got: v });
    if (rule.integer === true && !Number.isInteger(v)) return this.fault(path, { kind: 'notInteger', value: v, rule });
    const { min, max } = rule;
    const low = min !== undefined && (rule.minOpen === true ? v <= min : v < min);
    if (low || (max !== undefined && v > max)) return this.fault(path, { kind: 'range', value: v, rule, low });
    return v;
  }

  boolean(v: unknown, path: string, optional = false): boolean | undefined {
    if (!this.present(v, path, optional)) return undefined;
    return typeof v === 'boolean' ? v : this.fault(path, { kind: 'type', want: 'boolean', got: v });
  }

  /** One of the allowed values, typed as such. */
  choice<T extends string | number>(v: unknown, path: string, allowed: readonly T[], optional = false): T | undefined {
    if (!this.present(v, path, optional)) return undefined;
    const hit = allowed.find((a) => a === v);
    return hit ?? this.fault(path, { kind: 'oneOf', allowed, got: v });
  }

  // The same readers for the field `key` of an object whose own path is `path`.

  obj(o: Json, key: string, path: string, optional = false): Json | undefined {
    return this.object(o[key], joinPath(path, key), optional);
  }

  arr(o: Json, key: string, path: string, rule: ListRule = {}): unknown[] | undefined {
    return this.array(o[key], joinPath(path, key), rule);
  }

  str(o: Json, key: string, path: string, rule: StrRule = {}): string | undefined {
    return this.string(o[key], joinPath(path, key), rule);
  }

  num(o: Json, key: string, path: string, rule: NumRule = {}): number | undefined {
    return this.number(o[key], joinPath(path, key), rule);
  }

  bool(o: Json, key: string, path: string, optional = false): boolean | undefined {
    return this.boolean(o[key], joinPath(path, key), optional);
  }

  oneOf<T extends string | number>(
    o: Json,
    key: string,
    path: string,
    allowed: readonly T[],
    optional = false,
  ): T | undefined {
    return this.choice(o[key], joinPath(path, key), allowed, optional);
  }
}

/**
 * A number written in plain decimal (`51.75`, `-0.3`, `1e-3`), else NaN. Number() alone also reads
 * `0x33`, `0b1`, `Infinity` and '' (as 0), which are not coordinates or counts anyone sends.
 */
export function decimal(text: string | undefined): number {
  return text !== undefined && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : NaN;
}
