/** The cover position refresh interval from the command line or the environment (server/shell/config.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isJcrError } from '../server/core/errors.ts';
import { parseConfig } from '../server/shell/config.ts';

test('cover refresh: 10 s by default; env, and the flag over the env; a bad value is a validation error naming the flag', () => {
  assert.is(parseConfig([], {}).coverRefreshS, 10);
  assert.is(parseConfig([], { JCR_COVER_REFRESH_S: '30' }).coverRefreshS, 30);
  assert.is(parseConfig(['--cover-refresh-s', '2.5'], { JCR_COVER_REFRESH_S: '30' }).coverRefreshS, 2.5);
  for (const bad of ['0', '-1', 'soon']) {
    try {
      parseConfig([`--cover-refresh-s=${bad}`], {});
      assert.unreachable(bad);
    } catch (e) {
      assert.ok(isJcrError(e), bad);
      assert.equal([e.code, e.path], ['JCR_VALIDATION', 'cover-refresh-s'], bad);
    }
  }
});

test.run();
