/**
 * The OpenAPI path and schema of GET /api/statistics (issue 17 item 4, docs/statistics.md). The
 * shape is proto/statistics.ts's StatisticsReport; the CSV tables are its STATISTICS_TABLES.
 */
import { STATISTICS_TABLES } from '../../../proto/statistics.ts';
import { type Json, agency, errors, ids, json, obj, op, ref } from './openapi-parts.ts';

const num: Json = { type: 'number' };
const int: Json = { type: 'integer' };
const str: Json = { type: 'string' };
const nullableNumber: Json = { type: ['number', 'null'] };
const arr = (items: Json): Json => ({ type: 'array', items });
const all = (o: Record<string, Json>): Json => obj(o, Object.keys(o));
const counts = { total: int, fire: int, police: int, ambulance: int };

const responseDay = all({
  date: { type: 'string', description: 'YYYY-MM-DD (local), or "all" for the whole range.' },
  counted: int,
  within: int,
  overdue: int,
  pending: int,
  share: nullableNumber,
  medianS: nullableNumber,
  p90S: nullableNumber,
  cumulative: { ...arr(nullableNumber), description: 'Share reached within each minute of `minutes`.' },
});

export const STATISTICS_PATHS: Json = {
  '/api/statistics': {
    get: op(
      "Statistics from the event log for incidents called in [from, to): response-time distribution per standard target day by day (cumulative share against minutes after the call, with the target), incidents by local hour and day of week, utilisation per resource and station (share of time committed), joint requests and how long they took to answer, overrides and their reasons. Counts are service-wide; the request and override rows are those of incidents the caller's agency took part in. `format=csv&table=ID` answers one table as CSV. Bad from/to: 400 JCR_STATISTICS_RANGE with `path`. See docs/statistics.md.",
      {
        parameters: [
          {
            name: 'from',
            in: 'query',
            description:
              "YYYY-MM-DD (local midnight in the scenario's time zone) or an ISO 8601 instant with a zone; default: local midnight six days before to's day.",
            schema: str,
          },
          {
            name: 'to',
            in: 'query',
            description: 'Exclusive, same forms; default now. At most 31 local days after from.',
            schema: str,
          },
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv'] } },
          {
            name: 'table',
            in: 'query',
            description: 'With format=csv: the table.',
            schema: { type: 'string', enum: [...STATISTICS_TABLES] },
          },
        ],
        responses: {
          '200': {
            description: 'OK',
            content: {
              'application/json': { schema: ref('StatisticsReport') },
              'text/csv': { schema: { type: 'string', description: 'RFC 4180, CRLF, a header row first.' } },
            },
          },
          ...errors(400, 401, 503),
        },
      },
    ),
  },
};

export const STATISTICS_SCHEMAS: Record<string, Json> = {
  StatisticsReport: all({
    fromMs: num,
    toMs: { type: 'number', description: 'Exclusive.' },
    asOfMs: { type: 'number', description: 'min(to, now): overdue and still committed are judged then.' },
    eventSeq: int,
    timezone: str,
    days: arr(all({ date: str, fromMs: num, toMs: num })),
    response: arr(
      all({
        standardId: str,
        standardName: str,
        agency,
        capability: str,
        nth: int,
        withinS: num,
        targetShare: num,
        minutes: arr(int),
        days: arr(responseDay),
        total: responseDay,
      }),
    ),
    incidents: all({
      total: int,
      byHour: arr(all({ hour: int, ...counts })),
      byWeekday: arr(all({ weekday: str, ...counts })),
    }),
    utilisation: all({
      spanMs: num,
      resources: arr(
        all({
          resourceId: str,
          callSign: str,
          agency,
          stationId: str,
          committedMs: num,
          share: num,
          commitments: int,
        }),
      ),
      stations: arr(all({ stationId: str, stationName: str, resources: int, committedMs: num, share: num })),
    }),
    requests: all({
      rows: arr(
        all({
          incidentId: str,
          requestId: str,
          fromAgency: agency,
          toAgency: agency,
          requestedAtMs: num,
          answeredAtMs: nullableNumber,
          status: { type: 'string', enum: ['pending', 'accepted', 'declined', 'advised', 'withdrawn'] },
          answerS: nullableNumber,
        }),
      ),
      pairs: arr(
        all({
          fromAgency: agency,
          toAgency: agency,
          count: int,
          accepted: int,
          declined: int,
          advised: int,
          pending: int,
          medianAnswerS: nullableNumber,
          p90AnswerS: nullableNumber,
          maxAnswerS: nullableNumber,
        }),
      ),
    }),
    overrides: all({
      decisions: int,
      overridden: int,
      rows: arr(
        all({
          atMs: num,
          incidentId: str,
          kind: { type: 'string', enum: ['mobilise', 'request'] },
          agency: { type: ['string', 'null'], enum: ['fire', 'police', 'ambulance', null] },
          actor: str,
          proposed: ids,
          chosen: ids,
          reason: str,
        }),
      ),
      reasons: arr(all({ reason: str, count: int })),
    }),
  }),
};
