/**
 * A COP gateway's pages carry the instances' very security headers (issue #21, § The screens'
 * one URL): one builder, http/security.ts pageSecurity, from the same web settings. Before, the
 * gateway sent the bare policy, so a room with an online basemap had its tiles blocked by the
 * CSP at the gateway's URL, and an https room got no Strict-Transport-Security there.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KV } from '@nats-io/kv';
import { fakeClock } from '../server/core/clock.ts';
import { screensApp } from '../server/shell/gateway/screens.ts';
import { createLogger } from '../server/shell/log.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const WEB = {
  publicUrl: 'https://room.example',
  tiles: { url: 'https://{s}.tiles.example/{z}/{x}/{y}.png', attribution: '© Example' },
};
const SECURITY = [
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'permissions-policy',
  'strict-transport-security',
];

async function securityOf(url: string): Promise<Record<string, string | null>> {
  const res = await fetch(url + '/');
  await res.arrayBuffer();
  return Object.fromEntries(SECURITY.map((h) => [h, res.headers.get(h)]));
}

test('the gateway pages carry the instance headers, basemap host and HSTS included', async () => {
  const room = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock(Date.UTC(2026, 0, 1, 9)).now,
    log: 'silent',
    web: WEB,
  });
  // Pages never touch the lease (only forwarded /api calls read it).
  const lease = {} as unknown as KV;
  const gateway = createServer(screensApp(lease, createLogger('silent'), () => ({}), WEB));
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
  try {
    const direct = await securityOf(room.url);
    const viaGateway = await securityOf(`http://127.0.0.1:${(gateway.address() as AddressInfo).port}`);
    assert.ok(direct['content-security-policy']?.includes("img-src 'self' data: blob: https://a.tiles.example"));
    assert.is(direct['strict-transport-security'], 'max-age=31536000');
    assert.equal(viaGateway, direct);
  } finally {
    gateway.close();
    await room.close();
  }
});

test.run();
