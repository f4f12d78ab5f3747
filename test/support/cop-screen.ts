/**
 * A screen on a real /ws/cop socket for the cluster tests: every frame decoded with the browser's
 * codec and applied to a CopPicture, each apply result and delta seq kept, so a test can say the
 * screen saw one snapshot and then only deltas that follow on (no 'gap', nothing 'stale').
 */
import { once } from 'node:events';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { CopPicture, type ApplyResult } from '../../client/cop/cop-client-core.ts';
import { decodeServerFrame, encodeClientFrame } from '../../client/cop/codec.ts';
import type { CopSnapshotMsg } from '../../proto/wire.ts';

export class CopScreen {
  readonly results: ApplyResult[] = [];
  readonly seqs: number[] = [];
  /** Every snapshot received, as decoded. */
  readonly snapshots: CopSnapshotMsg[] = [];
  ws!: WebSocket;
  constructor(readonly picture = new CopPicture()) {}

  /** Connect to `url` (an http base) with a COP token, and subscribe (or resume, if the picture holds a seq). */
  async open(url: string, token: string): Promise<void> {
    this.ws = new WebSocket(`${url.replace('http', 'ws')}/ws/cop?token=${token}`);
    this.ws.on('message', (data: Buffer) => {
      const m = decodeServerFrame(data);
      this.results.push(this.picture.apply(m));
      if (m.delta) this.seqs.push(m.delta.seq);
      if (m.snapshot) this.snapshots.push(m.snapshot);
    });
    await once(this.ws, 'open');
    this.ws.send(encodeClientFrame(this.picture.subscribeMessage()));
  }

  async close(): Promise<void> {
    this.ws.close();
    await once(this.ws, 'close');
  }

  /** Poll (changing nothing) until the picture shows `what`. */
  async until(what: string, ok: () => boolean): Promise<void> {
    for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(ok(), `the screen never saw ${what}: ${JSON.stringify(this.results)}`);
  }

  /** One snapshot first, then only deltas, each seq one after the last. */
  assertNoGap(what: string): void {
    assert.equal(
      this.results.filter((r) => r !== 'delta'),
      ['snapshot'],
      `${what}: one snapshot, then only deltas that follow on`,
    );
    assert.is(this.results[0], 'snapshot');
    this.seqs.forEach((s, i) => i > 0 && assert.is(s, (this.seqs[i - 1] as number) + 1, `${what}: delta ${i}`));
  }
}
