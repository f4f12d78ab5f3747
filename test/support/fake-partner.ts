/**
 * A fake partner room 'beds' for cluster MAIT tests: an HTTP door that records every message
 * posted to it and answers 200, 503 while "down", or 422 for messages it refuses for good.
 */
import { createServer, type Server } from 'node:http';
import { parseMait } from '../../server/shell/mait/codec.ts';

/** The fake partner: every POST's message id, and those it answered 200. */
export interface FakeBeds {
  url: string;
  down: boolean;
  /** Messages it refuses for their content (422), every time. */
  refuse: Set<string>;
  posted: string[];
  taken: string[];
  server: Server;
}

/** `down`: answer 503 to everything until the test sets it false. */
export async function fakeBeds(down = false): Promise<FakeBeds> {
  const beds: FakeBeds = { url: '', down, refuse: new Set(), posted: [], taken: [], server: createServer() };
  beds.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = parseMait(Buffer.concat(chunks).toString('utf8'));
      beds.posted.push(m.messageId);
      res.setHeader('content-type', 'application/json');
      if (beds.down) {
        res.statusCode = 503;
        res.end('{"error":{"code":"JCR_STORE_BUSY","message":"down"}}');
        return;
      }
      if (beds.refuse.has(m.messageId)) {
        res.statusCode = 422;
        res.end('{"error":{"code":"JCR_MAIT_UNKNOWN_TYPE","message":"refused"}}');
        return;
      }
      beds.taken.push(m.messageId);
      res.end(JSON.stringify({ messageId: m.messageId, outcome: 'applied' }));
    });
  });
  await new Promise<void>((r) => beds.server.listen(0, '127.0.0.1', r));
  beds.url = `http://127.0.0.1:${(beds.server.address() as { port: number }).port}`;
  return beds;
}
