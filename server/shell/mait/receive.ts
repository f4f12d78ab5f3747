/**
 * The front door for a message from a partner room, in the order that exposes least: size, sender
 * known, signature and replay window, UTF-8, XML and every field, addressing, and the incident
 * type known here. Each refusal is a JcrError with a stable code (docs/mait.md § Errors) and
 * nothing has been applied; what passes goes on to the inbox (dedup and sequence).
 */
import {
  MAIT_HEADERS,
  MAIT_MAX_BYTES,
  type MaitMessage,
  type MaitPartner,
  type MaitPartners,
} from '../../../proto/mait.ts';
import { JcrError } from '../../core/errors.ts';
import { parseMait } from './codec.ts';
import { verifyMait } from './signing.ts';

export interface IncomingMait {
  /** The raw body bytes, as signed. */
  body: Uint8Array;
  /** Request headers, names in lower case (node's `req.headers`). */
  headers: Record<string, string | string[] | undefined>;
}

export interface ReceiveContext {
  partners: MaitPartners;
  now: number;
  /** Whether `typeId` is one of this room's incident types. */
  isKnownType: (typeId: string) => boolean;
}

export interface Received {
  partner: MaitPartner;
  message: MaitMessage;
}

function header(h: IncomingMait['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? undefined : v;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The message, checked through; throws the first refusal's JcrError. */
export function receiveMait(input: IncomingMait, ctx: ReceiveContext): Received {
  if (input.body.byteLength > MAIT_MAX_BYTES) {
    throw new JcrError('JCR_PAYLOAD_TOO_LARGE', `a MAIT message is at most ${MAIT_MAX_BYTES} bytes`);
  }
  const from = header(input.headers, MAIT_HEADERS.from);
  const partner = ctx.partners.partners.find((p) => p.id === from);
  if (!partner) {
    throw new JcrError('JCR_MAIT_UNKNOWN_PARTNER', `${JSON.stringify(from ?? '')} is not a partner room of this room`, {
      path: MAIT_HEADERS.from,
    });
  }
  verifyMait(
    input.body,
    header(input.headers, MAIT_HEADERS.timestamp),
    header(input.headers, MAIT_HEADERS.signature),
    partner.secrets.inbound,
    ctx.now,
  );
  let text: string;
  try {
    text = utf8.decode(input.body);
  } catch {
    throw new JcrError('JCR_MAIT_MALFORMED', 'the body is not UTF-8');
  }
  const message = parseMait(text);
  if (message.from !== partner.id) {
    throw new JcrError(
      'JCR_MAIT_UNKNOWN_PARTNER',
      `the message says it is from ${message.from}, signed by ${partner.id}`,
      {
        path: 'from',
      },
    );
  }
  if (message.to !== ctx.partners.room.id) {
    throw new JcrError('JCR_MAIT_UNKNOWN_PARTNER', `the message is addressed to ${message.to}, not this room`, {
      path: 'to',
    });
  }
  const type =
    message.kind === 'Create' || message.kind === 'Update'
      ? { value: message.content.type, path: 'content.type' }
      : message.kind === 'AssistanceRequest'
        ? { value: message.type, path: 'type' }
        : undefined;
  if (type && !ctx.isKnownType(type.value)) {
    throw new JcrError(
      'JCR_MAIT_UNKNOWN_TYPE',
      `incident type ${JSON.stringify(type.value)} is not one of this room's`,
      {
        path: type.path,
        details: { partner: partner.id, type: type.value },
      },
    );
  }
  return { partner, message };
}
