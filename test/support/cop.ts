import { CopPicture, type ApplyResult } from '../../client/cop/cop-client-core.ts';
import { decodeServerFrame } from '../../client/cop/codec.ts';
import type { CopSocket } from '../../server/core/cop/hub.ts';

/**
 * A fake COP socket: records what the hub sends and lets a test decide how much is "unsent".
 * With `slow` set, every frame sent adds its size to bufferedAmount and nothing drains until the
 * test calls drain(): a client that has stopped reading, without any timing.
 */
export class FakeSocket implements CopSocket {
  bufferedAmount = 0;
  slow = false;
  readonly sent: Uint8Array[] = [];
  pings = 0;
  closed: { code: number; reason: string } | null = null;
  terminated = false;
  /** The client-side picture built from everything this socket received, decoded as a browser would. */
  readonly picture: CopPicture;
  readonly results: ApplyResult[] = [];

  /** Pass the picture of an earlier connection to model a screen that reconnects. */
  constructor(picture: CopPicture = new CopPicture()) {
    this.picture = picture;
  }

  send(frame: Uint8Array): void {
    if (this.closed || this.terminated) throw new Error('send on a closed fake socket');
    this.sent.push(frame);
    if (this.slow) {
      this.unread.push(frame);
      this.bufferedAmount += frame.byteLength;
    } else this.results.push(this.picture.apply(decodeServerFrame(frame)));
  }

  /** The slow client reads everything that piled up (and stays slow unless told otherwise). */
  drain(): void {
    for (const f of this.unread) this.results.push(this.picture.apply(decodeServerFrame(f)));
    this.unread.length = 0;
    this.bufferedAmount = 0;
  }

  private readonly unread: Uint8Array[] = [];

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }

  terminate(): void {
    this.terminated = true;
  }

  ping(): void {
    this.pings++;
  }

  /** Decoded frames sent so far. */
  frames() {
    return this.sent.map((f) => decodeServerFrame(f));
  }
}
