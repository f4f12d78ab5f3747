/**
 * The field rules of a MAIT message (docs/mait.xsd in code): checked on every message before it
 * is built and on every message read, so the room never sends what it would refuse and never
 * applies what the schema forbids. The first fault throws JCR_MAIT_INVALID with its path
 * (`content.location.lat`). Lexical forms (how a number or instant is written) are the codec's;
 * these are the ranges, lengths, patterns and list sizes.
 */
import {
  ACK_STAGES,
  CASUALTY_STATUSES,
  MAIT_KINDS,
  NOT_XML_TEXT,
  UPRN_PATTERN,
  type MaitIncidentContent,
  type MaitLocation,
  type MaitMessage,
} from '../../../proto/mait.ts';
import { JcrError } from '../errors.ts';

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const CODE = /^[A-Za-z0-9._-]{1,64}$/;
const GRID = /^[HJNOST][A-HJ-Z] (\d \d|\d{2} \d{2}|\d{3} \d{3}|\d{4} \d{4}|\d{5} \d{5})$/;

/** Instants from 2000 to the end of 9999: four-digit years, as the schema's Instant writes them. */
export const MIN_INSTANT_MS = Date.UTC(2000, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const LIMITS = {
  shortText: 200,
  longText: 4000,
  services: 10,
  casualties: 100,
  timeline: 200,
  offered: 50,
  count: 100_000,
  askCount: 100,
  etaS: 86_400,
} as const;

function bad(path: string, what: string): never {
  throw new JcrError('JCR_MAIT_INVALID', `${path} ${what}`, { path });
}

function id(v: string, path: string): void {
  if (!ID.test(v)) bad(path, 'must be 1 to 64 letters, digits, dot, underscore, colon or hyphen');
}

function code(v: string, path: string): void {
  if (!CODE.test(v)) bad(path, 'must be 1 to 64 letters, digits, dot, underscore or hyphen');
}

function text(v: string, path: string, max: number, nonBlank = false): void {
  if (NOT_XML_TEXT.test(v)) bad(path, 'holds a character XML cannot carry (a control character or carriage return)');
  let n = 0;
  for (const _ of v) if (++n > max) bad(path, `is longer than ${max} characters`);
  // The schema's \S: anything but space, tab, newline and carriage return.
  if (nonBlank && !/[^ \t\n\r]/.test(v)) bad(path, 'must not be empty');
}

function int(v: number, path: string, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max) bad(path, `must be a whole number from ${min} to ${max}`);
}

function num(v: number, path: string, min: number, max: number): void {
  if (!Number.isFinite(v) || v < min || v > max) bad(path, `must be a number from ${min} to ${max}`);
}

function instant(v: number, path: string): void {
  int(v, path, MIN_INSTANT_MS, MAX_INSTANT_MS);
}

function oneOf(v: string, allowed: readonly string[], path: string): void {
  if (!allowed.includes(v)) bad(path, `must be one of ${allowed.join(', ')}`);
}

function list(v: readonly unknown[], path: string, max: number): void {
  if (v.length > max) bad(path, `has more than ${max} items`);
}

export function checkLocation(l: MaitLocation, path: string): void {
  num(l.lat, `${path}.lat`, -90, 90);
  num(l.lon, `${path}.lon`, -180, 180);
  if (l.gridRef !== null && !GRID.test(l.gridRef)) bad(`${path}.gridRef`, 'must read like "TL 2416 2434"');
  if (l.uprn !== null && !UPRN_PATTERN.test(l.uprn)) bad(`${path}.uprn`, 'must be 1 to 12 digits');
  text(l.address, `${path}.address`, LIMITS.longText);
}

function checkContent(c: MaitIncidentContent, path: string): void {
  code(c.type, `${path}.type`);
  text(c.typeText, `${path}.typeText`, LIMITS.shortText);
  int(c.priority, `${path}.priority`, 1, 3);
  checkLocation(c.location, `${path}.location`);
  const m = c.methane;
  const mp = `${path}.methane`;
  for (const k of ['exactLocation', 'type', 'hazards', 'access'] as const) text(m[k], `${mp}.${k}`, LIMITS.longText);
  if (m.casualties !== null) int(m.casualties, `${mp}.casualties`, 0, LIMITS.count);
  for (const k of ['servicesPresent', 'servicesRequired'] as const) {
    list(m[k], `${mp}.${k}`, LIMITS.services);
    m[k].forEach((s, i) => code(s, `${mp}.${k}[${i}]`));
  }
  list(c.casualties, `${path}.casualties`, LIMITS.casualties);
  c.casualties.forEach((g, i) => {
    int(g.count, `${path}.casualties[${i}].count`, 0, LIMITS.count);
    oneOf(g.status, CASUALTY_STATUSES, `${path}.casualties[${i}].status`);
    text(g.description, `${path}.casualties[${i}].description`, LIMITS.longText);
  });
  text(c.callerAccount, `${path}.callerAccount`, LIMITS.longText);
  list(c.timeline, `${path}.timeline`, LIMITS.timeline);
  c.timeline.forEach((e, i) => {
    id(e.id, `${path}.timeline[${i}].id`);
    instant(e.at, `${path}.timeline[${i}].at`);
    text(e.author, `${path}.timeline[${i}].author`, LIMITS.shortText);
    text(e.text, `${path}.timeline[${i}].text`, LIMITS.longText);
  });
}

/** Throws JCR_MAIT_INVALID at the first field the schema would refuse. */
export function checkMait(m: MaitMessage): void {
  oneOf(m.kind, MAIT_KINDS, 'kind');
  id(m.messageId, 'messageId');
  id(m.from, 'from');
  id(m.to, 'to');
  id(m.incident.room, 'incident.room');
  id(m.incident.id, 'incident.id');
  int(m.seq, 'seq', 1, Number.MAX_SAFE_INTEGER);
  instant(m.sentAt, 'sentAt');
  switch (m.kind) {
    case 'Create':
    case 'Update':
      return checkContent(m.content, 'content');
    case 'Close':
      text(m.reason, 'reason', LIMITS.longText);
      return instant(m.closedAt, 'closedAt');
    case 'Acknowledge':
      id(m.ackOf, 'ackOf');
      return oneOf(m.stage, ACK_STAGES, 'stage');
    case 'Accept':
      id(m.ackOf, 'ackOf');
      id(m.partnerIncidentId, 'partnerIncidentId');
      return text(m.note, 'note', LIMITS.longText);
    case 'Reject':
      id(m.ackOf, 'ackOf');
      return text(m.reason, 'reason', LIMITS.longText, true);
    case 'AssistanceRequest':
      id(m.requestId, 'requestId');
      code(m.capability, 'capability');
      int(m.count, 'count', 1, LIMITS.askCount);
      checkLocation(m.location, 'location');
      code(m.type, 'type');
      return text(m.note, 'note', LIMITS.longText);
    case 'AssistanceResponse':
      id(m.requestId, 'requestId');
      list(m.offered, 'offered', LIMITS.offered);
      m.offered.forEach((r, i) => {
        id(r.resourceId, `offered[${i}].resourceId`);
        text(r.callsign, `offered[${i}].callsign`, LIMITS.shortText);
        code(r.capability, `offered[${i}].capability`);
        int(r.etaS, `offered[${i}].etaS`, 0, LIMITS.etaS);
      });
      return text(m.note, 'note', LIMITS.longText);
    case 'ResourcePosition':
      id(m.resourceId, 'resourceId');
      text(m.callsign, 'callsign', LIMITS.shortText);
      num(m.lat, 'lat', -90, 90);
      num(m.lon, 'lon', -180, 180);
      instant(m.fixAt, 'fixAt');
      if (m.agency !== null) code(m.agency, 'agency');
      return code(m.status, 'status');
  }
}
