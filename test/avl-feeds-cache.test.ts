/**
 * The leader checks the feed of every batch an AVL gateway relays from memory
 * (FeedRegistry.authenticateHashCached, server/shell/avl/feeds.ts): a feed revoked here, or
 * revoked or re-keyed through the cluster's accounts mirror (adopt), is refused from the next
 * lookup, never served from the cache.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FeedRegistry, sha256Hex } from '../server/shell/avl/feeds.ts';
import { Store } from '../server/shell/store/store.ts';

const clock = () => 1_767_258_000_000;

test('a revoked feed is refused at the next cached lookup', () => {
  const store = Store.open(':memory:');
  const feeds = new FeedRegistry(store.db, clock);
  const hash = sha256Hex(feeds.add('gw1', 'fire'));
  assert.equal(feeds.authenticateHashCached(hash), { id: 'gw1', agency: 'fire' });
  assert.equal(feeds.authenticateHashCached(hash), { id: 'gw1', agency: 'fire' });
  assert.ok(feeds.revoke('gw1'));
  assert.is(feeds.authenticateHashCached(hash), undefined);
  assert.is(feeds.authenticateHashCached('f'.repeat(64)), undefined, 'an unknown hash');
  store.close();
});

test('a revocation or a new token adopted from the accounts mirror holds from the next lookup', () => {
  const store = Store.open(':memory:');
  const feeds = new FeedRegistry(store.db, clock);
  const hash = sha256Hex(feeds.add('phones', null));
  assert.equal(feeds.authenticateHashCached(hash), { id: 'phones', agency: null });
  const stored = feeds.stored()[0]!;
  const rekeyed = { ...stored, tokenSha256: 'e'.repeat(64) };
  feeds.adopt(rekeyed);
  assert.is(feeds.authenticateHashCached(hash), undefined, 'the old token');
  assert.equal(feeds.authenticateHashCached('e'.repeat(64)), { id: 'phones', agency: null });
  feeds.adopt({ ...rekeyed, revokedAt: clock() });
  assert.is(feeds.authenticateHashCached('e'.repeat(64)), undefined, 'revoked through the cluster');
  store.close();
});

test.run();
