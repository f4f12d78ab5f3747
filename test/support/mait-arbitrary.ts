/**
 * fast-check arbitraries for MAIT messages (proto/mait.ts): every kind, every field within the
 * schema's limits, text with markup characters, new lines, tabs and characters beyond the BMP.
 */
import fc from 'fast-check';
import { ACK_STAGES, CASUALTY_STATUSES, type MaitMessage } from '../../proto/mait.ts';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../server/core/mait/check.ts';

const id = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const code = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const instant = fc.integer({ min: MIN_INSTANT_MS, max: MAX_INSTANT_MS });
const char = fc.oneof(
  fc.constantFrom('<', '>', '&', '"', "'", ']]>', '\n', '\t', ' ', 'é', '🚒', '&amp;'),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
);
const text = (max: number) =>
  fc
    .array(char, { maxLength: 12 })
    .map((xs) => xs.join(''))
    .filter((s) => !/[\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]/.test(s) && [...s].length <= max);
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const lon = fc.double({ min: -180, max: 180, noNaN: true });
const location = fc.record({
  lat,
  lon,
  gridRef: fc.option(fc.stringMatching(/^[HJNOST][A-HJ-Z] (\d \d|\d{2} \d{2}|\d{3} \d{3}|\d{4} \d{4}|\d{5} \d{5})$/), {
    nil: null,
  }),
  uprn: fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: null }),
  address: text(4000),
});
const content = fc.record({
  type: code,
  typeText: text(200),
  priority: fc.constantFrom(1 as const, 2 as const, 3 as const),
  location,
  methane: fc.record({
    majorIncident: fc.boolean(),
    exactLocation: text(4000),
    type: text(4000),
    hazards: text(4000),
    access: text(4000),
    casualties: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
    servicesPresent: fc.array(code, { maxLength: 3 }),
    servicesRequired: fc.array(code, { maxLength: 3 }),
  }),
  casualties: fc.array(
    fc.record({
      count: fc.integer({ min: 0, max: 100_000 }),
      status: fc.constantFrom(...CASUALTY_STATUSES),
      description: text(4000),
    }),
    { maxLength: 3 },
  ),
  callerAccount: text(4000),
  timeline: fc.array(fc.record({ id, at: instant, author: text(200), text: text(4000) }), { maxLength: 3 }),
});
const header = fc.record({
  messageId: id,
  from: id,
  to: id,
  incident: fc.record({ room: id, id }),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  sentAt: instant,
});

export const maitMessage: fc.Arbitrary<MaitMessage> = fc.oneof(
  fc.record({ h: header, content }).map(({ h, content }) => ({ ...h, kind: 'Create' as const, content })),
  fc.record({ h: header, content }).map(({ h, content }) => ({ ...h, kind: 'Update' as const, content })),
  fc
    .record({ h: header, reason: text(4000), closedAt: instant })
    .map(({ h, ...r }) => ({ ...h, kind: 'Close' as const, ...r })),
  fc
    .record({ h: header, ackOf: id, stage: fc.constantFrom(...ACK_STAGES) })
    .map(({ h, ...r }) => ({ ...h, kind: 'Acknowledge' as const, ...r })),
  fc
    .record({ h: header, ackOf: id, partnerIncidentId: id, note: text(4000) })
    .map(({ h, ...r }) => ({ ...h, kind: 'Accept' as const, ...r })),
  fc
    .record({ h: header, ackOf: id, reason: text(4000).filter((s) => /[^ \t\n\r]/.test(s)) })
    .map(({ h, ...r }) => ({ ...h, kind: 'Reject' as const, ...r })),
  fc
    .record({
      h: header,
      requestId: id,
      capability: code,
      count: fc.integer({ min: 1, max: 100 }),
      location,
      type: code,
      note: text(4000),
    })
    .map(({ h, ...r }) => ({ ...h, kind: 'AssistanceRequest' as const, ...r })),
  fc
    .record({
      h: header,
      requestId: id,
      offered: fc.array(
        fc.record({ resourceId: id, callsign: text(200), capability: code, etaS: fc.integer({ min: 0, max: 86_400 }) }),
        { maxLength: 3 },
      ),
      note: text(4000),
    })
    .map(({ h, ...r }) => ({ ...h, kind: 'AssistanceResponse' as const, ...r })),
  fc
    .record({
      h: header,
      resourceId: id,
      callsign: text(200),
      lat,
      lon,
      fixAt: instant,
      status: code,
      agency: fc.option(code, { nil: null }),
    })
    .map(({ h, ...r }) => ({ ...h, kind: 'ResourcePosition' as const, ...r })),
);
