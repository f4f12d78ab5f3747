/**
 * MAIT messages (proto/mait.ts) to and from the XML of docs/mait.xsd. Each message kind is
 * described once, as a list of fields in schema order (SPEC). Building walks the description
 * with fast-xml-builder, which escapes every text it writes (no string is pasted into markup);
 * reading walks the same description over the element tree of ./xml-tree.ts, refusing a missing, extra or misplaced element. Both then share the core's field
 * rules (checkMait): the room never builds what it would refuse to read.
 *
 * Refusals: not XML, a DOCTYPE, not a <Mait> → JCR_MAIT_MALFORMED; a field wrong in form, place
 * or range → JCR_MAIT_INVALID with the field's path (`content.location.lat`).
 */
import XMLBuilder from 'fast-xml-builder';
import { MAIT_KINDS, type MaitKind, type MaitMessage } from '../../../proto/mait.ts';
import { JcrError } from '../../core/errors.ts';
import { checkMait } from '../../core/mait/check.ts';
import { MAIT_NS, readXmlTree, type XmlElement } from './xml-tree.ts';

type Scalar = 'str' | 'int' | 'num' | 'bool' | 'instant';
type Type = Scalar | { opt: Scalar } | { list: string; of: Type } | { obj: Fields };
type Fields = ReadonlyArray<readonly [string, Type]>;

const LOCATION: Type = {
  obj: [
    ['lat', 'num'],
    ['lon', 'num'],
    ['gridRef', { opt: 'str' }],
    ['uprn', { opt: 'str' }],
    ['address', 'str'],
  ],
};
const METHANE: Type = {
  obj: [
    ['majorIncident', 'bool'],
    ['exactLocation', 'str'],
    ['type', 'str'],
    ['hazards', 'str'],
    ['access', 'str'],
    ['casualties', { opt: 'int' }],
    ['servicesPresent', { list: 'service', of: 'str' }],
    ['servicesRequired', { list: 'service', of: 'str' }],
  ],
};
const CONTENT: Type = {
  obj: [
    ['type', 'str'],
    ['typeText', 'str'],
    ['priority', 'int'],
    ['location', LOCATION],
    ['methane', METHANE],
    [
      'casualties',
      {
        list: 'casualty',
        of: {
          obj: [
            ['count', 'int'],
            ['status', 'str'],
            ['description', 'str'],
          ],
        },
      },
    ],
    ['callerAccount', 'str'],
    [
      'timeline',
      {
        list: 'entry',
        of: {
          obj: [
            ['id', 'str'],
            ['at', 'instant'],
            ['author', 'str'],
            ['text', 'str'],
          ],
        },
      },
    ],
  ],
};
const HEADER: Fields = [
  ['messageId', 'str'],
  ['from', 'str'],
  ['to', 'str'],
  [
    'incident',
    {
      obj: [
        ['room', 'str'],
        ['id', 'str'],
      ],
    },
  ],
  ['seq', 'int'],
  ['sentAt', 'instant'],
];

/** Each kind's fields after the header, in schema order. */
const SPEC: Record<MaitKind, Fields> = {
  Create: [['content', CONTENT]],
  Update: [['content', CONTENT]],
  Close: [
    ['reason', 'str'],
    ['closedAt', 'instant'],
  ],
  Acknowledge: [
    ['ackOf', 'str'],
    ['stage', 'str'],
  ],
  Accept: [
    ['ackOf', 'str'],
    ['partnerIncidentId', 'str'],
    ['note', 'str'],
  ],
  Reject: [
    ['ackOf', 'str'],
    ['reason', 'str'],
  ],
  AssistanceRequest: [
    ['requestId', 'str'],
    ['capability', 'str'],
    ['count', 'int'],
    ['location', LOCATION],
    ['type', 'str'],
    ['note', 'str'],
  ],
  AssistanceResponse: [
    ['requestId', 'str'],
    [
      'offered',
      {
        list: 'resource',
        of: {
          obj: [
            ['resourceId', 'str'],
            ['callsign', 'str'],
            ['capability', 'str'],
            ['etaS', 'int'],
          ],
        },
      },
    ],
    ['note', 'str'],
  ],
  ResourcePosition: [
    ['resourceId', 'str'],
    ['callsign', 'str'],
    ['lat', 'num'],
    ['lon', 'num'],
    ['fixAt', 'instant'],
    ['status', 'str'],
    ['agency', { opt: 'str' }],
  ],
};

// ---- building ----

/** fast-xml-builder's ordered form: one element is `{ name: children, ':@'?: attributes }`. */
type Node = { [name: string]: Node[] | string } | { '#text': string };

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: true,
});

function scalarText(v: unknown, t: Scalar): string {
  if (t === 'instant') return new Date(v as number).toISOString();
  return String(v);
}

const leaf = (name: string, text: string): Node => ({ [name]: text === '' ? [] : [{ '#text': text }] });

function buildValue(name: string, v: unknown, t: Type): Node[] {
  if (typeof t === 'string') return [leaf(name, scalarText(v, t))];
  if ('opt' in t) return v === null ? [] : [leaf(name, scalarText(v, t.opt))];
  if ('list' in t) return [{ [name]: (v as unknown[]).flatMap((item) => buildValue(t.list, item, t.of)) }];
  return [{ [name]: buildFields(v as Record<string, unknown>, t.obj) }];
}

function buildFields(v: Record<string, unknown>, fields: Fields): Node[] {
  return fields.flatMap(([name, t]) => buildValue(name, v[name], t));
}

/** The XML of `m`, after checking every field (JCR_MAIT_INVALID at the first fault). */
export function buildMait(m: MaitMessage): string {
  checkMait(m);
  const v = m as unknown as Record<string, unknown>;
  const body = { [m.kind]: [...buildFields(v, HEADER), ...buildFields(v, SPEC[m.kind])] };
  const root = { Mait: [body], ':@': { '@_xmlns': MAIT_NS, '@_version': '1' } };
  return XML_DECLARATION + builder.build([root]);
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

// ---- reading ----

function invalid(path: string, what: string): never {
  throw new JcrError('JCR_MAIT_INVALID', `${path} ${what}`, { path });
}

const INT = /^[+-]?\d{1,16}$/;
const DOUBLE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A scalar from its text. Strings keep every character; the others collapse white space as the schema does. */
function readScalar(el: XmlElement, t: Scalar, path: string): unknown {
  if (el.children.length > 0) invalid(path, `must be text, not <${el.children[0]!.name}>`);
  if (t === 'str') return el.text;
  const s = el.text.trim();
  switch (t) {
    case 'int':
      if (!INT.test(s)) invalid(path, `must be a whole number, not ${JSON.stringify(s)}`);
      return Number(s);
    case 'num':
      if (!DOUBLE.test(s)) invalid(path, `must be a decimal number, not ${JSON.stringify(s)}`);
      return Number(s);
    case 'bool':
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      return invalid(path, `must be true or false, not ${JSON.stringify(s)}`);
    case 'instant': {
      const ms = Date.parse(s);
      if (!INSTANT.test(s) || !Number.isFinite(ms) || new Date(ms).toISOString() !== s)
        invalid(path, `must be a UTC time like 2026-12-02T19:56:23.123Z, not ${JSON.stringify(s)}`);
      return ms;
    }
  }
}

/** Reads the children of `el` in order against `fields`; anything left over or out of place is refused. */
function readFields(el: XmlElement, fields: Fields, path: string): Record<string, unknown> {
  if (el.text.trim() !== '') invalid(path || el.name, 'holds text between its elements');
  const out: Record<string, unknown> = {};
  let i = 0;
  const at = (name: string) => (path === '' ? name : `${path}.${name}`);
  for (const [name, t] of fields) {
    const child = el.children[i];
    if (child?.name !== name) {
      if (typeof t === 'object' && 'opt' in t) {
        out[name] = null;
        continue;
      }
      invalid(at(name), child ? `is required before <${child.name}>` : 'is required');
    }
    i++;
    out[name] = readValue(child, t, at(name));
  }
  const extra = el.children[i];
  if (extra) invalid(at(extra.name), 'is not expected here');
  return out;
}

function readValue(el: XmlElement, t: Type, path: string): unknown {
  if (typeof t === 'string') return readScalar(el, t, path);
  if ('opt' in t) return readScalar(el, t.opt, path);
  if ('obj' in t) return readFields(el, t.obj, path);
  if (el.text.trim() !== '') invalid(path, 'holds text between its elements');
  return el.children.map((c, i) => {
    if (c.name !== t.list) invalid(`${path}[${i}]`, `must be <${t.list}>, not <${c.name}>`);
    return readValue(c, t.of, `${path}[${i}]`);
  });
}

/**
 * The message in `xml`, every field checked. Throws JCR_MAIT_MALFORMED (not XML, a DOCTYPE, not
 * <Mait>), JCR_PAYLOAD_TOO_LARGE or JCR_MAIT_INVALID. Whether the sender, addressee and type are
 * known is the receiver's next question (./receive.ts).
 */
export function parseMait(xml: string): MaitMessage {
  const root = readXmlTree(xml);
  if (root.name !== 'Mait') throw new JcrError('JCR_MAIT_MALFORMED', `the root element is <${root.name}>, not <Mait>`);
  if (root.attributes.version !== '1')
    invalid('version', `must be "1", not ${JSON.stringify(root.attributes.version)}`);
  if (root.text.trim() !== '' || root.children.length !== 1) invalid('kind', '<Mait> must hold exactly one message');
  const body = root.children[0]!;
  const kind = body.name as MaitKind;
  if (!MAIT_KINDS.includes(kind)) invalid('kind', `<${body.name}> is not a MAIT message kind`);
  const fields = readFields(body, [...HEADER, ...SPEC[kind]], '');
  const m = { kind, ...fields } as unknown as MaitMessage;
  checkMait(m);
  return m;
}
