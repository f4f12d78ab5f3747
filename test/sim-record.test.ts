import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isJcrError } from '../server/core/errors.ts';
import {
  fromRecReport,
  parseRecording,
  serialiseRecording,
  statusOnly,
  toRecReport,
  type Recording,
} from '../sim/record/format.ts';
import { formatClock, formatProgress, progressWriter } from '../sim/replay/progress.ts';
import { percentile } from '../sim/compare/compare.ts';

const START = Date.UTC(2026, 0, 5, 17, 0, 0);

const rec: Recording = {
  header: {
    type: 'header',
    format: 'jcr-recording',
    version: 2,
    scenario: 'mini',
    startMs: START,
    durationMs: 60_000,
    source: 'sim',
    seed: 1,
  },
  lines: [
    { type: 'avl', t: 1000, reports: [['HAT1', 51.7636, -0.2247, 0, 0, 900, 6, 0]] },
    {
      type: 'incident',
      t: 5000,
      ref: 'I1',
      typeId: 'dwelling-fire',
      priority: 1,
      lat: 51.77,
      lon: -0.22,
      address: 'near Hatfield',
    },
    { type: 'mobilise', t: 5000, ref: 'I1', resourceIds: ['HAT1'] },
    { type: 'standby', t: 6000, resourceId: 'AMB1', destinationId: 'DAP-A1M', lat: 51.78, lon: -0.215 },
    { type: 'standbyEnd', t: 40_000, resourceId: 'AMB1', reason: 'cancelled' },
    { type: 'close', t: 50_000, ref: 'I1' },
    { type: 'expect', t: 60_000, resources: [{ id: 'HAT1', status: 'MOBILISED', lat: 51.7636, lon: -0.2247 }] },
  ],
};

test('a recording survives serialise → parse unchanged, one JSON object per line', () => {
  const text = serialiseRecording(rec);
  assert.is(text.split('\n').length, 9); // header + 7 lines + trailing newline
  assert.equal(parseRecording(text), rec);
});

test('reports convert to and from the recorded form with a fix-time base', () => {
  const r = {
    resourceId: 'HAT1',
    lat: 51.7,
    lon: -0.2,
    speedMps: 12.5,
    headingDeg: 90,
    fixTimeMs: START + 4200,
    accuracyM: 6,
    status: 4,
  };
  const packed = toRecReport(r, START);
  assert.equal(packed, ['HAT1', 51.7, -0.2, 12.5, 90, 4200, 6, 4]);
  assert.equal(fromRecReport(packed, 1_000_000), { ...r, fixTimeMs: 1_004_200 });
});

function problem(text: string): string {
  try {
    parseRecording(text);
  } catch (e) {
    if (isJcrError(e)) return `${e.code} ${e.message}`;
    throw e;
  }
  return 'no error';
}

test('status only: position reports, empty batches and the expect line go, the rest stays in order', () => {
  const withStatus: Recording = {
    ...rec,
    lines: [
      ...rec.lines.slice(0, 4),
      {
        type: 'avl',
        t: 20_000,
        reports: [
          ['HAT1', 51.77, -0.22, 0, 0, 19_900, 6, 4],
          ['AMB1', 51.78, -0.215, 9, 90, 19_950, 6, 0],
        ],
      },
      ...rec.lines.slice(4),
    ],
  };
  const thin = statusOnly(withStatus);
  assert.is(thin.header.note, 'status messages only');
  assert.equal(
    thin.lines.map((l) => `${l.type}@${l.t}`),
    ['incident@5000', 'mobilise@5000', 'standby@6000', 'avl@20000', 'standbyEnd@40000', 'close@50000'],
  );
  assert.equal(thin.lines[3], { type: 'avl', t: 20_000, reports: [['HAT1', 51.77, -0.22, 0, 0, 19_900, 6, 4]] });
});

test('bad recordings are refused with the line and the reason', () => {
  const head = JSON.stringify(rec.header);
  assert.is(problem(''), 'JCR_VALIDATION recording is empty (no header)');
  assert.is(
    problem('{"type":"avl","t":0,"reports":[]}'),
    'JCR_VALIDATION recording line 1: the first line must be a jcr-recording header',
  );
  assert.is(problem(`${head}\nnot json`), 'JCR_VALIDATION recording line 2: not JSON');
  assert.is(
    problem(`${head}\n{"type":"close","t":5,"ref":"I1"}\n{"type":"close","t":4,"ref":"I1"}`),
    "JCR_VALIDATION recording line 3: t 4 is before the previous line's 5",
  );
  assert.is(
    problem(`${head}\n{"type":"avl","t":5,"reports":[["X",1,2]]}`),
    'JCR_VALIDATION recording line 2: each report must be [resourceId, lat, lon, speedMps, headingDeg, fixT, accuracyM, status]',
  );
  assert.is(
    problem(`${head}\n{"type":"teleport","t":5}`),
    'JCR_VALIDATION recording line 2: unknown line type "teleport"',
  );
  assert.is(
    problem(JSON.stringify({ ...rec.header, version: 3 })),
    'JCR_VALIDATION recording line 1: version 3 is not supported (this build reads 1 and 2)',
  );
  // version 2: a standby order names its destination; standbyEnd lines exist only from version 2
  const v1 = JSON.stringify({ ...rec.header, version: 1 });
  assert.is(
    problem(`${head}\n{"type":"standby","t":5,"resourceId":"AMB1","lat":51.78,"lon":-0.215}`),
    'JCR_VALIDATION recording line 2: destinationId must be a non-empty string',
  );
  assert.is(problem(`${v1}\n{"type":"standby","t":5,"resourceId":"AMB1","lat":51.78,"lon":-0.215}`), 'no error');
  assert.is(
    problem(`${v1}\n{"type":"standbyEnd","t":5,"resourceId":"AMB1","reason":"cancelled"}`),
    'JCR_VALIDATION recording line 2: standbyEnd lines need version 2',
  );
  assert.is(
    problem(`${head}\n{"type":"standbyEnd","t":5,"resourceId":"AMB1","reason":"lost"}`),
    'JCR_VALIDATION recording line 2: reason must be "arrived" or "cancelled"',
  );
});

test('progress line: done/total, rate, lag and recording time', () => {
  assert.is(
    formatProgress({ done: 50, total: 200, rate: 123.4, lagMs: 7.6, virtualMs: 3_723_000 }, 10),
    '[###-------] 50/200  25%  123 lines/s  lag 8 ms  t=01:02:03',
  );
  assert.is(formatClock(59_999), '00:00:59');
});

test('progress writer: a line per interval without a TTY, always the last one', () => {
  const out: string[] = [];
  let now = 0;
  const w = progressWriter({ write: (s: string) => out.push(s) }, () => now, 5000);
  const p = (done: number) => ({ done, total: 3, rate: 1, lagMs: 0, virtualMs: 0 });
  w.update(p(1));
  now = 1000;
  w.update(p(2)); // within the interval: skipped
  now = 2000;
  w.update(p(3)); // the last: always written
  w.end();
  assert.is(out.length, 2);
  assert.ok(out[1]!.startsWith('[##############################] 3/3 100%'));
});

test('nearest-rank percentiles', () => {
  const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal([percentile(xs, 0.5), percentile(xs, 0.9), percentile([5, Infinity], 0.9)], [5, 9, Infinity]);
});

test.run();
