/**
 * What one request changed (cluster mode): the event batches it appended and the positions
 * messages it published, as the marks their publish pipelines planned for them
 * (cluster/publish-pipeline.ts), gathered while its work runs. An AsyncLocalStorage carries the record,
 * so what an async route appends after an await still counts to it. When its leader stops before
 * the cluster log confirms what the request waits on, the request is answered by its own changes
 * only (PublishPipeline.pending): JCR_OUTCOME_UNKNOWN if one of them went to JetStream, else
 * JCR_NOT_LEADER (it changed nothing), whatever another request had in flight.
 *
 * Work queued to run later on another stack must keep its caller's record (BusyQueue binds each
 * waiting attempt), or its changes would count to whichever request's record that stack has,
 * and its own request would be told "nothing changed" for a change the log may hold.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<OwnChanges>();

export class OwnChanges {
  /** Per writer to JetStream (a publish pipeline): the marks it planned for this request, (after, upTo]. */
  private readonly marks = new Map<object, Array<readonly [number, number]>>();

  /** `writer` planned the marks (after, upTo] while this request's work ran. */
  add(writer: object, after: number, upTo: number): void {
    const list = this.marks.get(writer);
    if (list) list.push([after, upTo]);
    else this.marks.set(writer, [[after, upTo]]);
  }

  /** The marks `writer` planned for this request. */
  of(writer: object): ReadonlyArray<readonly [number, number]> {
    return this.marks.get(writer) ?? [];
  }

  /** Run `fn` (and what it awaits) with this record gathering its changes. */
  run<T>(fn: () => T): T {
    return current.run(this, fn);
  }
}

/** The record of the request whose work is running, if any. */
export function ownChanges(): OwnChanges | undefined {
  return current.getStore();
}
