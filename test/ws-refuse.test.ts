import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { refuse } from '../server/shell/ws/upgrade.ts';

/** What refuse() writes to an upgrade socket, as one string. */
async function written(call: (socket: PassThrough) => void): Promise<string> {
  const socket = new PassThrough();
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => socket.on('end', resolve));
  call(socket);
  await ended;
  return Buffer.concat(chunks).toString('utf8');
}

test('a 401 names the endpoint realm and carries the JSON error body', async () => {
  const out = await written((s) => refuse(s, 'JCR_UNAUTHENTICATED', 'sign in', 'jcr-cop'));
  const body = '{"error":{"code":"JCR_UNAUTHENTICATED","message":"sign in"}}';
  assert.is(
    out,
    'HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: application/json\r\n' +
      `WWW-Authenticate: Bearer realm="jcr-cop"\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
});

test('a 429 has its reason phrase and no WWW-Authenticate', async () => {
  const out = await written((s) => refuse(s, 'JCR_RATE_LIMITED', 'too many', 'jcr-avl'));
  const body = '{"error":{"code":"JCR_RATE_LIMITED","message":"too many"}}';
  assert.is(
    out,
    'HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${body.length}\r\n\r\n${body}`,
  );
});

test.run();
