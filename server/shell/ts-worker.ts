/**
 * A worker thread running a .ts module (the cover worker, the map-matching worker): Node 20 does
 * not apply `--import tsx` to a worker's entry, so a one-line bootstrap registers tsx in the
 * worker and then imports the module.
 */
import { Worker } from 'node:worker_threads';

export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
