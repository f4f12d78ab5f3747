/**
 * Writing a disk cache (the road graph, the road table) so no reader sees half a file: written
 * to a temporary name, then renamed over the cache. The temporary name carries the process and
 * the thread: worker threads of one process (sim/compare's threads each load the world) may
 * build the same cache at once, and with one name per process they wrote into the same file.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/** This thread's temporary name for `file`. */
export function cacheTmpPath(file: string): string {
  return `${file}.${process.pid}-${threadId}.tmp`;
}

/** Write `data` to `file` in `dir` whole or not at all; false if the disk refused (read-only). */
export function writeCacheFile(dir: string, file: string, data: string | Uint8Array): boolean {
  const tmp = cacheTmpPath(file);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}
