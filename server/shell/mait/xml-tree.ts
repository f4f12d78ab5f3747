/**
 * Untrusted XML to a small element tree, for the MAIT codec (./codec.ts). saxes (already the OSM
 * reader's parser) is a strict XML 1.0 + namespaces parser: anything not well-formed is an error,
 * and it expands no entity but the five predefined ones and character references. On top of that
 * a DOCTYPE is refused outright (no DTD, so no entity definitions, no XXE, no billion laughs), as
 * are a body over MAIT_MAX_BYTES, nesting deeper than MAX_DEPTH and more than MAX_ELEMENTS
 * elements. Every such refusal is JCR_MAIT_MALFORMED; the caller checks the fields.
 */
import { SaxesParser } from 'saxes';
import { MAIT_MAX_BYTES } from '../../../proto/mait.ts';
import { JcrError } from '../../core/errors.ts';

export const MAIT_NS = 'urn:jcr:mait:1';
/** Our deepest element is Mait/Create/content/timeline/entry/text (6); room to spare. */
export const MAX_DEPTH = 12;
export const MAX_ELEMENTS = 5000;

export interface XmlElement {
  /** Local name; every element must be in MAIT_NS. */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (text and CDATA), joined. */
  text: string;
}

function malformed(message: string): never {
  throw new JcrError('JCR_MAIT_MALFORMED', message);
}

/** Parse `body` (UTF-8 text) into its root element, or throw JCR_MAIT_MALFORMED. */
export function readXmlTree(body: string): XmlElement {
  if (Buffer.byteLength(body, 'utf8') > MAIT_MAX_BYTES) {
    throw new JcrError('JCR_PAYLOAD_TOO_LARGE', `a MAIT message is at most ${MAIT_MAX_BYTES} bytes`);
  }
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  parser.on('error', (err) => malformed(`not well-formed XML: ${err.message}`));
  parser.on('doctype', () => malformed('a DOCTYPE is not allowed in a MAIT message'));
  parser.on('opentag', (tag) => {
    if (tag.uri !== MAIT_NS) malformed(`element <${tag.name}> is not in the namespace ${MAIT_NS}`);
    if (++count > MAX_ELEMENTS) malformed(`more than ${MAX_ELEMENTS} elements`);
    if (stack.length >= MAX_DEPTH) malformed(`elements nested deeper than ${MAX_DEPTH}`);
    const attributes: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      // Namespace declarations are the parser's business; any other namespaced attribute is foreign.
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (a.uri !== '') malformed(`attribute ${a.name} of <${tag.local}> is not allowed`);
      attributes[a.local] = a.value;
    }
    const el: XmlElement = { name: tag.local, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.write(body).close();
  if (!root) malformed('no root element');
  return root;
}
