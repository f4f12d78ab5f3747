/**
 * The start every cluster test repeats: a temp directory, one nats-server with JetStream, a
 * duty officer seeded in each instance's database, instance 0 started and leading, the others
 * started as standbys (test/support/cluster.ts for the pieces). `close()` SIGKILLs whatever the
 * room holds then (instances the test restarted, gateways it tracked) and removes the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, seedUser, startInstance, startNats, waitRole, type Instance, type Proc } from './cluster.ts';

export interface ClusterRoom {
  dir: string;
  /** The NATS URL, as --nats takes it. */
  nats: string;
  room: string;
  /** Instance 0 leads; the rest are standbys. Replace an entry when a test restarts one. */
  instances: Instance[];
  /** Databases and ports by instance index (a restarted instance keeps both). */
  dbs: string[];
  ports: number[];
  /** Start instance `i` again (after a kill) on its database and port, as a standby or not. */
  restart(i: number, standby: boolean): Promise<Instance>;
  /** Kill this process too at close. */
  track(p: Proc | { proc: Proc['proc']; exited: Proc['exited'] }): void;
  close(): Promise<void>;
}

export async function startClusterRoom(o: {
  room: string;
  /** How many instances (1: a leader only; 2: a leader and a standby). */
  instances: number;
  /** The scenario file every instance runs (default SCENARIO, test/support/cluster.ts). */
  scenario?: string;
  /** Extra flags for every instance (server/main.ts). */
  args?: readonly string[];
  /** Added to instance `index`'s environment (a test-only hook). */
  env?: (index: number) => NodeJS.ProcessEnv | undefined;
  /** Called with each database before its instance starts (feeds, users). */
  prepare?: (db: string, index: number) => void | Promise<void>;
}): Promise<ClusterRoom> {
  const dir = mkdtempSync(join(tmpdir(), `jcr-${o.room}-`));
  const tracked: Array<{ proc: Proc['proc']; exited: Proc['exited'] }> = [];
  const instances: Instance[] = [];
  let nats = '';
  const dbs: string[] = [];
  const ports: number[] = [];
  const start = (i: number, standby: boolean) =>
    startInstance(`instance ${i}`, {
      db: dbs[i] as string,
      port: ports[i] as number,
      nats,
      room: o.room,
      standby,
      ...(o.scenario ? { scenario: o.scenario } : {}),
      ...(o.args ? { args: o.args } : {}),
      ...(o.env?.(i) ? { env: o.env(i) } : {}),
    });
  const room: ClusterRoom = {
    dir,
    get nats() {
      return nats;
    },
    room: o.room,
    instances,
    dbs,
    ports,
    async restart(i, standby) {
      const inst = await start(i, standby);
      instances[i] = inst;
      return inst;
    },
    track: (p) => void tracked.push(p),
    async close() {
      const all = [...instances, ...tracked];
      for (const p of all) p.proc.kill('SIGKILL');
      await Promise.all(all.map((p) => p.exited));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const n = await startNats(join(dir, 'nats'));
    nats = n.url;
    tracked.push(n.nats);
    for (let i = 0; i < o.instances; i++) {
      dbs.push(join(dir, `${i}.sqlite`));
      ports.push(await freePort());
      await seedUser(dbs[i] as string);
      await o.prepare?.(dbs[i] as string, i);
      instances.push(await start(i, i > 0));
      if (i === 0) await waitRole(instances[0]?.url as string, 'leader', 20_000);
    }
    for (const inst of instances.slice(1)) await waitRole(inst.url, 'standby', 20_000);
  } catch (e) {
    await room.close();
    throw e;
  }
  return room;
}
