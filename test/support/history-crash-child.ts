/**
 * Child process for test/avl-history-thread.test.ts: `history-crash-child.ts FILE ROWS BATCHES`,
 * a ThreadedHistoryWriter on the database file FILE, driven by a manual timer. For each batch b = 1..BATCHES it pushes ROWS rows (resource
 * `B{b}`, fix times b*1000+i) and then hands it off (retrying while the writer is busy with the
 * previous one), printing `handed b` once it is handed over. After the last batch it pushes one more batch into the buffer without a tick,
 * prints `buffered`, and waits to be killed with SIGKILL.
 */
import { fakeClock } from '../../server/core/clock.ts';
import { ThreadedHistoryWriter } from '../../server/shell/avl/history-thread.ts';
import { manualTimer } from './timers.ts';
import { Store } from '../../server/shell/store/store.ts';

const file = process.argv[2] as string;
const ROWS = Number(process.argv[3]);
const BATCHES = Number(process.argv[4]);
const store = Store.open(file);
const clock = fakeClock(1_767_258_000_000);
const timer = manualTimer();
const h = new ThreadedHistoryWriter(
  store.db,
  clock.now,
  { tickMs: 250, retentionMs: 3_600_000, maxPending: 100_000, file },
  timer,
);
await h.ready;
const push = (b: number) => {
  for (let i = 0; i < ROWS; i++)
    h.push(
      {
        resourceId: `B${b}`,
        lat: 51.7,
        lon: -0.2,
        speedMps: 1,
        headingDeg: 0,
        fixTimeMs: b * 1000 + i,
        accuracyM: 5,
        status: 0,
      },
      `B${b}`,
      true,
      'f',
      clock.now(),
    );
};
for (let b = 1; b <= BATCHES; b++) {
  push(b);
  // A hand-off is put off while the previous batch is being written (the event loop never waits):
  // retry, as the next tick would, until this batch is handed over.
  while (h.flush() === 0) await new Promise((r) => setTimeout(r, 1));
  process.stdout.write(`handed ${b}\n`);
}
push(BATCHES + 1);
process.stdout.write('buffered\n');
setInterval(() => {}, 1_000); // stay alive until killed
