/**
 * The simulated fleet of test/cluster/failover.test.ts: the crash world (SCENARIO) with four more
 * pumps, S0-S3, that the live simulator (sim/live/bridge.ts, as `npm run sim -- run` and
 * `npm run cluster` run it) drives on the wall clock, in this process. Its AVL goes over /ws/avl
 * through an AVL gateway (resending a batch whose socket closed, as it does after any loss), and
 * its REST reads follow whichever instance leads. It plays only S0-S3: R0-R7 are the scripted
 * load's (failover-load.ts), so neither changes what the other's exact checks expect. The duty
 * officer orders S0-S3 standby moves each round (failover-load.ts), which the simulator drives.
 * Each batch the room answered is kept, through the simulator's own ack hook (LiveOptions.onAck).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';
import type { ResourceDef, Scenario } from '../../server/core/scenario/types.ts';
import { startLive, type LiveHandle } from '../../sim/live/bridge.ts';
import { loadWorld } from '../../sim/world.ts';
import { AVL_TOKEN, PASSWORD, SCENARIO, login } from './cluster.ts';

/** The simulator's pumps and their home stations (the two fire stations, 2.8 km apart). */
export const FLEET_HOMES: Readonly<Record<string, string>> = { S0: 'F-WG', S1: 'F-WG', S2: 'F-FB', S3: 'F-FB' };

/** Write the failover world into `dir`: SCENARIO with S0-S3 added. Returns its path. */
export function fleetScenario(dir: string): string {
  const s = JSON.parse(readFileSync(SCENARIO, 'utf8')) as Scenario;
  const pumps: ResourceDef[] = Object.entries(FLEET_HOMES).map(([id, station]) => ({
    id,
    callSign: `SIM-${id}`,
    agency: 'fire',
    type: 'pump',
    capabilities: ['pump'],
    station,
    // No turnout: a standby move sets off at once.
    crewing: 'mobile',
    vehicleClass: 'fire',
  }));
  const file = join(dir, 'scenario.json');
  const network = { ...s.network, file: resolve(dirname(SCENARIO), s.network.file) };
  writeFileSync(file, JSON.stringify({ ...s, resources: [...s.resources, ...pumps], network }));
  return file;
}

/** What the simulator's acks said of its reports. */
export interface FleetAcks {
  /** Each report the room acknowledged holding: accepted, or JCR_AVL_DUPLICATE (stored before), in ack order. */
  held: AvlReportIn[];
  /**
   * Any other refusal, as `code resourceId@fixTimeMs`: the simulator's reports are all valid, and
   * one resent after an unknown outcome is a duplicate, never out of order.
   */
  refused: string[];
  /** The held reports answered JCR_AVL_DUPLICATE. */
  duplicates: Set<AvlReportIn>;
  batches: number;
}

export interface Fleet {
  live: LiveHandle;
  acks: FleetAcks;
  /** The simulator's own log lines. */
  log: string[];
}

/** Start the simulator on `scenario` (fleetScenario) against the instances at `urls`, AVL through `gateway`. */
export async function startFleet(scenario: string, urls: readonly string[], gateway: string): Promise<Fleet> {
  const world = loadWorld(scenario);
  const mine = world.scenario.resources.filter((r) => r.id in FLEET_HOMES);
  const acks: FleetAcks = { held: [], duplicates: new Set(), refused: [], batches: 0 };
  const log: string[] = [];
  const live = await startLive({
    baseUrl: urls,
    avlUrls: [gateway],
    avlToken: AVL_TOKEN,
    apiToken: await login(urls[0] as string),
    credentials: { username: 'duty', password: PASSWORD },
    world: { ...world, scenario: { ...world.scenario, resources: mine } },
    seed: 21,
    incidents: false,
    tickMs: 250,
    pollMs: 500,
    cadence: { movingMs: 500, parkedMs: 1000 },
    log: (msg, fields) => log.push(`${msg} ${JSON.stringify(fields ?? {})}`),
    onAck(reports, ack) {
      acks.batches++;
      const refusals = new Map(ack.rejected.map((r) => [r.index, r]));
      reports.forEach((r, i) => {
        const no = refusals.get(i);
        if (no === undefined) acks.held.push(r);
        else if (no.code === 'JCR_AVL_DUPLICATE') {
          acks.held.push(r);
          acks.duplicates.add(r);
        } else acks.refused.push(`${no.code} ${r.resourceId}@${r.fixTimeMs} status ${r.status}: ${no.message}`);
      });
    },
  });
  return { live, acks, log };
}
