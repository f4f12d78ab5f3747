/**
 * Closing an incident withdraws its joint requests still waiting. Before, a request pending when
 * the lead closed stayed pending for good: GET /api/requests kept it in the asked agency's inbox,
 * answering it was refused (409, closed), the statistics counted it as never answered, and the
 * asked agency went on seeing the closed incident as one it takes part in. Now the close folds
 * each pending request to `withdrawn`, on replay too. Mini scenario, fake clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, tokenFor, withDbFile, withMiniServer } from './support/server.ts';

const inbox = async (server: RunningServer, token: string, q: string) =>
  (
    (await api(server, 'GET', `/api/requests${q}`, { token })).body as {
      requests: { requestId: string; status: string }[];
    }
  ).requests.map((r) => [r.requestId, r.status]);

test('a request pending when its incident closes is withdrawn, and stays so after a restart', async () => {
  await withDbFile(async (db) => {
    await withMiniServer({ db }, async (server) => {
      const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
      const police = await tokenFor(server, 'police-dispatcher', 'pd');
      const c = await api(server, 'POST', '/api/incidents', {
        token: fire,
        body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: '1 High St' },
      });
      assert.is(c.status, 201);
      const asked = await api(server, 'POST', '/api/incidents/INC-1/assistance', {
        token: fire,
        body: { toAgency: 'police', note: 'traffic' },
      });
      assert.is(asked.status, 201);
      assert.equal(await inbox(server, police, ''), [['INC-1-R1', 'pending']]);
      const closed = await api(server, 'POST', '/api/incidents/INC-1/close', {
        token: fire,
        body: { reason: 'false alarm' },
      });
      assert.is(closed.status, 200, JSON.stringify(closed.body));
      assert.equal(await inbox(server, police, ''), []);
      assert.equal(await inbox(server, fire, '?direction=from&status=all'), [['INC-1-R1', 'withdrawn']]);
      // Police was only asked: the closed incident is not one it took part in.
      const seen = await api(server, 'GET', '/api/incidents/INC-1', { token: police });
      assert.equal([seen.status, errorCode(seen.body)], [404, 'JCR_NOT_FOUND']);
      const stats = (await api(server, 'GET', '/api/statistics?from=2026-01-01&to=2026-01-02', { token: fire }))
        .body as {
        requests: { rows: { requestId: string; status: string; answerS: number | null }[] };
      };
      assert.equal(
        stats.requests.rows.map((r) => [r.requestId, r.status, r.answerS]),
        [['INC-1-R1', 'withdrawn', null]],
      );
    });
    await withMiniServer({ db }, async (server) => {
      const fire = await tokenFor(server, 'fire-dispatcher', 'fd2');
      assert.equal(await inbox(server, fire, '?direction=from&status=all'), [['INC-1-R1', 'withdrawn']]);
    });
  });
});

test.run();
