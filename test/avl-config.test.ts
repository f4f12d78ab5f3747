import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfig } from '../server/shell/config.ts';
import { JcrError } from '../server/core/errors.ts';

test('AVL settings: --stale-after-s and --history-hours, env fallbacks, defaults, refusals', () => {
  const d = parseConfig([], {});
  assert.equal([d.avlStaleAfterS, d.avlHistoryHours], [120, 48]);
  const e = parseConfig([], { JCR_STALE_AFTER_S: '30', JCR_HISTORY_HOURS: '0.5' });
  assert.equal([e.avlStaleAfterS, e.avlHistoryHours], [30, 0.5]);
  const f = parseConfig(['--stale-after-s', '45', '--history-hours', '6'], { JCR_STALE_AFTER_S: '30' });
  assert.equal([f.avlStaleAfterS, f.avlHistoryHours], [45, 6]);
  try {
    parseConfig(['--stale-after-s', '0'], {});
    assert.unreachable();
  } catch (err) {
    assert.ok(err instanceof JcrError);
    assert.equal([err.code, err.path], ['JCR_VALIDATION', 'stale-after-s']);
  }
});

test('AVL feed rate: --feed-reports-per-s and --feed-burst-reports, env fallbacks, defaults, refusals', () => {
  const d = parseConfig([], {});
  assert.equal([d.feedReportsPerS, d.feedBurstReports], [20_000, 40_000]);
  const e = parseConfig([], { JCR_FEED_REPORTS_PER_S: '5', JCR_FEED_BURST_REPORTS: '7' });
  assert.equal([e.feedReportsPerS, e.feedBurstReports], [5, 7]);
  const f = parseConfig(['--feed-reports-per-s', '1000000', '--feed-burst-reports', '2000000'], {
    JCR_FEED_REPORTS_PER_S: '5',
  });
  assert.equal([f.feedReportsPerS, f.feedBurstReports], [1_000_000, 2_000_000]);
  try {
    parseConfig(['--feed-burst-reports', 'lots'], {});
    assert.unreachable();
  } catch (err) {
    assert.ok(err instanceof JcrError);
    assert.equal([err.code, err.path], ['JCR_VALIDATION', 'feed-burst-reports']);
  }
});

test.run();
