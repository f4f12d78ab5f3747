/**
 * Cancelling a standby move from the cover panel, in headless Chromium against a real server with
 * the live cover service (the Cambridge world, shared setup test/support/cover-screen.ts): the duty
 * officer, from the keyboard, cancels a move in progress; the panel POSTs
 * /api/cover/moves/:resourceId/cancel, the move leaves the panel and the server's GET /api/cover
 * `standby` list, and the resource stays AVAILABLE_MOBILE. No confirmation: focus goes to the
 * Undo button, which re-applies the same move (POST /api/cover/moves), and it is in progress again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { screenshot } from '../support/browser.ts';
import { openCoverScreen, settledStandby, showCoverPanel, type CoverScreen } from '../support/cover-screen.ts';
import { api } from '../support/server.ts';

let screen: CoverScreen;

interface MovesJson {
  moves: { resourceId: string; callSign: string; destination: { id: string; name: string } }[];
}

test.before(async () => {
  screen = await openCoverScreen('duty-officer');
});

test.after(async () => {
  await screen?.close();
});

test('the duty officer cancels a standby move from the keyboard, then undoes it by re-applying', async () => {
  const { server, page, errors, token } = screen;
  // A move in progress, ordered over the API as another duty officer's screen would.
  const moves = (await api(server, 'GET', '/api/cover/moves', { token })).body as MovesJson;
  const m = moves.moves[0];
  assert.ok(m, 'the server suggests a move');
  const ordered = await api(server, 'POST', '/api/cover/moves', {
    token,
    body: { resourceId: m.resourceId, destinationId: m.destination.id },
  });
  assert.is(ordered.status, 201);
  await showCoverPanel(page, server);
  const item = page.locator(`jcr-cover-panel ul.standby li[data-resource-id=${m.resourceId}]`);
  await item.waitFor();
  assert.equal(
    (await settledStandby(page, server)).map((x) => [x.resourceId, x.destination.id]),
    [[m.resourceId, m.destination.id]],
  );

  // Cancel: a button per move, named for the resource and where it goes, pressed with Enter.
  const cancel = item.getByRole('button', { name: `Cancel standby move: ${m.callSign} to ${m.destination.name}` });
  assert.is(await cancel.isEnabled(), true);
  const posted = page.waitForRequest(
    (r) => r.method() === 'POST' && new URL(r.url()).pathname === `/api/cover/moves/${m.resourceId}/cancel`,
  );
  await cancel.focus();
  await page.keyboard.press('Enter');
  await posted;
  await page
    .locator('jcr-cover-panel [role=status]')
    .filter({ hasText: `Standby move cancelled: ${m.callSign} to ${m.destination.name}.` })
    .waitFor();
  // Gone from the panel, from the server's room and from its cover picture; still available mobile.
  await item.waitFor({ state: 'detached' });
  assert.is(server.engine.room.standby.get(m.resourceId), undefined);
  assert.equal(await settledStandby(page, server), []);
  assert.is(server.engine.room.fleet.require(m.resourceId).status, 2); // AVAILABLE_MOBILE
  assert.is(await page.locator('jcr-cover-panel [data-empty=standby]').textContent(), 'None.');
  await screenshot(page, 'cover-standby-cancelled');

  // Undo: focus is on it (the cancelled row is gone); Enter re-applies the same move.
  const undo = page.getByRole('button', { name: `Undo: re-apply standby move ${m.callSign} to ${m.destination.name}` });
  await page.waitForFunction(
    () => document.querySelector('jcr-cover-panel')?.shadowRoot?.activeElement?.getAttribute('data-action') === 'undo',
  );
  const reapplied = page.waitForRequest(
    (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/cover/moves',
  );
  await page.keyboard.press('Enter');
  assert.equal((await reapplied).postDataJSON(), { resourceId: m.resourceId, destinationId: m.destination.id });
  await page
    .locator('jcr-cover-panel [role=status]')
    .filter({ hasText: `Standby move applied: ${m.callSign} to ${m.destination.name}.` })
    .waitFor();
  await item.waitFor();
  assert.is(await undo.count(), 0);
  assert.is(server.engine.room.standby.get(m.resourceId)?.destination.id, m.destination.id);
  assert.equal(
    (await settledStandby(page, server)).map((x) => [x.resourceId, x.destination.id]),
    [[m.resourceId, m.destination.id]],
  );
  assert.equal(errors, []);
});

test('cancelling a move that already ended says why (JCR_COVER_NO_STANDBY) and drops it from the list', async () => {
  const { server, page, token } = screen;
  const m = server.engine.room.standby.active()[0];
  assert.ok(m, 'the move re-applied above');
  const cancel = page.locator(
    `jcr-cover-panel ul.standby li[data-resource-id=${m.resourceId}] button[data-action=cancel]`,
  );
  await cancel.waitFor();
  // Ended elsewhere after the screen last saw it: the move is ended over the API while the
  // screen's own cancel request is in flight (held at the route), so the row is still there to
  // click and the server answers 404 with its code. Ending it before the click would race the
  // panel's refresh, which drops the row at once (GET /api/cover lists the live order book).
  const path = `/api/cover/moves/${m.resourceId}/cancel`;
  let endedStatus = 0;
  const isCancel = (u: URL) => u.pathname === path;
  await page.route(isCancel, async (route) => {
    endedStatus = (await api(server, 'POST', path, { token })).status;
    await route.continue();
  });
  const answer = page.waitForResponse((r) => new URL(r.url()).pathname === path);
  await cancel.click();
  assert.is((await answer).status(), 404);
  assert.is(endedStatus, 200);
  await page.unroute(isCancel);
  await page
    .locator('jcr-cover-panel [role=status]')
    .filter({ hasText: 'Standby move not cancelled:' })
    .filter({ hasText: '[JCR_COVER_NO_STANDBY]' })
    .waitFor();
  // No undo offered for what this screen did not cancel, and the ended move is no longer listed.
  assert.is(await page.locator('jcr-cover-panel button[data-action=undo]').count(), 0);
  await page.locator(`jcr-cover-panel ul.standby li[data-resource-id=${m.resourceId}]`).waitFor({ state: 'detached' });
  assert.equal(await settledStandby(page, server), []);
});

test.run();
