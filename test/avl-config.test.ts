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

test.run();
