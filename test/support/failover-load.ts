/**
 * The load test/cluster/failover.test.ts puts on a clustered room's leader until it is killed: the
 * duty officer over REST (status changes, standby moves ordered and cancelled, and at the start a
 * standby move for each of the simulator's pumps: failover-fleet.ts), the fire dispatcher
 * (incidents created, mobilised and closed), each within the per-user write limit, and a scripted
 * AVL terminal for R0 through an AVL gateway (position fixes as it drives, a status change now and
 * then). It keeps what each acknowledgement says the log must hold. Every answer
 * must be a success (a 429 of the write limit is waited out and sent again: nothing was
 * appended): a refusal fails the test, never taken for the leader's death, which only a lost
 * connection (and the process gone) is.
 */
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';
import { decodeAck, encodeBatch } from '../../server/shell/avl/codec.ts';
import {
  ResourceStatus,
  STATUS_NAMES,
  statusFromName,
  type ResourceStatus as Status,
} from '../../server/core/fleet/status.ts';
import { WRITE_BURST, WRITE_PER_S } from '../../server/shell/http/auth.ts';
import { AVL_TOKEN, sleep, type Instance } from './cluster.ts';
import { FLEET_HOMES } from './failover-fleet.ts';

/** One event an acknowledgement says is in the log. */
export interface Want {
  type: string;
  /** The incident's id for incident events, else the resource's. */
  key: string;
  status?: Status;
  incidentId?: string;
  origin?: string;
  /** The position an AVL status report carried. */
  at?: { lat: number; lon: number };
}

/** An acknowledged change: the events of its one batch, in order. */
export interface Acked {
  what: string;
  /** The room's last seq its answer named (the batch is at or before it); 0: its events are unique, found by themselves. */
  seq: number;
  events: Want[];
}

/** An AVL report the gateway acknowledged, as sent. */
export type Fix = AvlReportIn;

export interface Work {
  acked: Acked[];
  avl: {
    /** Acknowledged status reports, in ack order (each a unique position). */
    statuses: Acked[];
    /** Every acknowledged report, status or position only, in ack order. */
    reports: Fix[];
    /** Every ack's result, with how many reports its batch had. */
    acks: Array<{ seq: number; reports: number; accepted: number; rejected: string[] }>;
  };
}

/** The operator's status cycle for R4-R7, and the AVL terminal's for R0: sent, arrived, leaving, home. */
const OPERATOR_NEXT: Partial<Record<Status, Status>> = {
  [ResourceStatus.AVAILABLE_AT_STATION]: ResourceStatus.MOBILISED,
  [ResourceStatus.MOBILISED]: ResourceStatus.RETURNING,
  [ResourceStatus.RETURNING]: ResourceStatus.AVAILABLE_AT_STATION,
};
const TERMINAL_NEXT: Partial<Record<Status, Status>> = {
  [ResourceStatus.AVAILABLE_AT_STATION]: ResourceStatus.MOBILISED,
  [ResourceStatus.MOBILISED]: ResourceStatus.AT_SCENE,
  [ResourceStatus.AT_SCENE]: ResourceStatus.RETURNING,
  [ResourceStatus.RETURNING]: ResourceStatus.AVAILABLE_AT_STATION,
};
/** The pumps mobilised to each incident. */
const CREW = ['R1', 'R2'];

/** R0's drive, across rounds: due north from its station, a step per report, each fix later than the last. */
const drive0 = { step: 0, lastFixMs: 0 };

type Json = Record<string, unknown>;

/**
 * The per-user write limit (server/shell/http/auth.ts) a desk keeps to, with a margin: the
 * server's bucket times each request when it arrives, so one that waited in a loaded server's
 * queue left it less time to refill than the desk counted.
 */
const BURST = WRITE_BURST / 2;
const PER_S = WRITE_PER_S * 0.8;

/** One operator's REST calls to the leader, paced within the per-user write limit. */
class Desk {
  dead = false;
  /** Refused for the pace (429) and sent again after Retry-After: nothing was appended. */
  static slowed = 0;
  private tokens = BURST;
  private at = Date.now();

  constructor(
    private readonly leader: Instance,
    private readonly token: string,
  ) {
    void leader.exited.then(() => (this.dead = true));
  }

  /** The answer, or null once the leader died under the call (the change stays unacknowledged). */
  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json | null> {
    for (;;) {
      if (method === 'POST') await this.pace();
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${this.leader.url}/api${path}`, {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        text = await res.text();
      } catch (e) {
        // Only the leader's death excuses a lost connection.
        await Promise.race([this.leader.exited, sleep(2000)]);
        if (this.leader.proc.exitCode === null && this.leader.proc.signalCode === null) throw e;
        this.dead = true;
        return null;
      }
      if (res.status === 429 && JSON.parse(text).error?.code === 'JCR_RATE_LIMITED') {
        Desk.slowed++;
        await sleep(Number(res.headers.get('retry-after')) * 1000);
        continue;
      }
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as Json;
    }
  }

  /** Wait for a token, as the server's bucket refills. */
  private async pace(): Promise<void> {
    const now = Date.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.at) * PER_S) / 1000);
    this.at = now;
    if (this.tokens < 1) {
      const wait = Math.ceil(((1 - this.tokens) * 1000) / PER_S);
      await sleep(wait);
      this.tokens += (wait * PER_S) / 1000;
      this.at += wait;
    }
    this.tokens -= 1;
  }
}

/** How many calls the server refused for the pace, and the desks sent again. */
export const slowed = () => Desk.slowed;

/** The operators' sign-ins: the duty officer's (statuses, standby moves) and the fire dispatcher's (incidents). */
export interface Desks {
  duty: string;
  fire: string;
}

/** Drive the leader until it dies; what was acknowledged goes into `work`. */
export async function drive(leader: Instance, gateway: string, tokens: Desks, rnd: () => number, work: Work) {
  const duty = new Desk(leader, tokens.duty);
  const fire = new Desk(leader, tokens.fire);
  await Promise.all([
    fleetMoves(duty, work.acked),
    dutyOfficer(duty, rnd, work.acked),
    fireDispatcher(fire, rnd, work.acked),
    terminal(duty, gateway, rnd, work.avl),
    leader.exited,
  ]);
}

/**
 * The duty officer orders each of the simulator's pumps a standby move to the other fire station,
 * which the simulator drives; each round's supersedes the last, so they drive on (never ordered
 * back to a station they are near: that move would end at their next fix, before the simulator saw it).
 */
async function fleetMoves(api: Desk, acked: Acked[]): Promise<void> {
  for (const [id, home] of Object.entries(FLEET_HOMES)) {
    const to = home === 'F-WG' ? 'F-FB' : 'F-WG';
    const move = await api.call('POST', '/cover/moves', { resourceId: id, destinationId: to });
    if (!move) return;
    const ordered = { type: 'cover.standbyOrdered', key: id };
    const mobile = { type: 'resource.status', key: id, status: ResourceStatus.AVAILABLE_MOBILE };
    acked.push({
      what: 'fleet move',
      seq: move.seq as number,
      events: move.events === 2 ? [mobile, ordered] : [ordered],
    });
  }
}

/** The duty officer: R4-R7 through their status cycle, and R3 ordered to stand by elsewhere and back. */
async function dutyOfficer(api: Desk, rnd: () => number, acked: Acked[]): Promise<void> {
  // Start from what the log holds: a change the last leader took but never acknowledged may be in it.
  const fleet = await api.call('GET', '/resources');
  if (!fleet) return;
  const resources = fleet.resources as Array<{ id: string; status: string }>;
  const status = new Map(resources.map((r) => [r.id, statusFromName(r.status) as Status]));
  while (!api.dead) {
    const id = `R${4 + Math.floor(rnd() * 4)}`;
    const to = OPERATOR_NEXT[status.get(id) as Status] as Status;
    const set = await api.call('POST', `/resources/${id}/status`, { status: STATUS_NAMES[to] });
    if (!set) return;
    status.set(id, to);
    acked.push({ what: 'status', seq: set.seq as number, events: [{ type: 'resource.status', key: id, status: to }] });

    const move = await api.call('POST', '/cover/moves', { resourceId: 'R3', destinationId: 'F-WG' });
    if (!move) return;
    const ordered = { type: 'cover.standbyOrdered', key: 'R3' };
    const mobile = { type: 'resource.status', key: 'R3', status: ResourceStatus.AVAILABLE_MOBILE };
    acked.push({ what: 'move', seq: move.seq as number, events: move.events === 2 ? [mobile, ordered] : [ordered] });
    const cancel = await api.call('POST', '/cover/moves/R3/cancel', {});
    if (!cancel) return;
    acked.push({ what: 'cancel', seq: cancel.seq as number, events: [{ type: 'cover.standbyEnded', key: 'R3' }] });
    await sleep(5 + rnd() * 20);
  }
}

/** The fire dispatcher: an incident opened, both pumps mobilised to it, closed; again. */
async function fireDispatcher(api: Desk, rnd: () => number, acked: Acked[]): Promise<void> {
  // Incidents the last leader left open (its kill came between a create and a close): close them.
  const fleet = await api.call('GET', '/resources');
  const open = await api.call('GET', '/incidents');
  if (!fleet || !open) return;
  const resources = fleet.resources as Array<{ id: string; incidentId: string | null }>;
  for (const inc of open.incidents as Array<{ id: string; attendances: Array<{ resourceId: string }> }>) {
    const attending = inc.attendances
      .map((a) => a.resourceId)
      .filter((id) => resources.some((r) => r.id === id && r.incidentId === inc.id));
    if (!(await close(api, inc.id, attending, acked))) return;
  }
  while (!api.dead) {
    const inc = await api.call('POST', '/incidents', { typeId: 'dwelling-fire', lat: 51.61, lon: -0.12 });
    if (!inc) return;
    const incidentId = inc.id as string;
    acked.push({ what: 'create', seq: 0, events: [{ type: 'incident.created', key: incidentId }] });

    // Both pumps, whatever the recommender proposes: one decision and a status per unit, one batch.
    const mob = await api.call('POST', `/incidents/${incidentId}/mobilise`, {
      resourceIds: CREW,
      reason: 'failover test: both pumps',
    });
    if (!mob) return;
    assert.equal((mob.decision as { chosen: string[] }).chosen, CREW, 'the mobilise answer names the units');
    acked.push({
      what: 'mobilise',
      seq: 0,
      events: [
        { type: 'incident.decision', key: incidentId },
        ...CREW.map((key) => ({ type: 'resource.status', key, status: ResourceStatus.MOBILISED, incidentId })),
      ],
    });

    if (!(await close(api, incidentId, CREW, acked))) return;
    await sleep(5 + rnd() * 20);
  }
}

/** Close an incident: its attending units return and it closes, one batch. False if the leader died. */
async function close(api: Desk, incidentId: string, attending: string[], acked: Acked[]): Promise<boolean> {
  const closed = await api.call('POST', `/incidents/${incidentId}/close`, { reason: 'failover test' });
  if (!closed) return false;
  acked.push({
    what: 'close',
    seq: 0,
    events: [
      ...attending.map((key) => ({ type: 'resource.status', key, status: ResourceStatus.RETURNING, incidentId })),
      { type: 'incident.closed', key: incidentId },
    ],
  });
  return true;
}

/** R0's AVL terminal: one to three reports a frame, most of them position only, each ack kept. */
async function terminal(api: Desk, gateway: string, rnd: () => number, avl: Work['avl']): Promise<void> {
  const fleet = await api.call('GET', '/resources');
  if (!fleet) return;
  const r0 = (fleet.resources as Array<{ id: string; status: string }>).find((r) => r.id === 'R0');
  let status = statusFromName(r0?.status ?? '') as Status;
  const ws = new WebSocket(`${gateway.replace('http', 'ws')}/ws/avl?token=${AVL_TOKEN}`);
  const sent = new Map<number, Fix[]>();
  ws.on('message', (data: Buffer) => {
    const ack = decodeAck(data);
    const reports = sent.get(ack.seq) ?? [];
    const rejected = ack.rejected.map((r) => r.code);
    avl.acks.push({ seq: ack.seq, reports: reports.length, accepted: ack.accepted, rejected });
    const refused = new Set(ack.rejected.map((r) => r.index));
    reports.forEach((f, i) => {
      if (refused.has(i)) return;
      avl.reports.push(f);
      if (f.status !== 0)
        avl.statuses.push({
          what: 'AVL status',
          seq: 0,
          events: [
            {
              type: 'resource.status',
              key: 'R0',
              status: f.status as Status,
              origin: 'avl',
              at: { lat: f.lat, lon: f.lon },
            },
          ],
        });
    });
  });
  const open = await new Promise<boolean>((r) => {
    ws.once('open', () => r(true));
    ws.once('error', () => r(false));
  });
  let seq = 1;
  while (open && !api.dead && ws.readyState === WebSocket.OPEN) {
    const reports: Fix[] = [];
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
      const change = rnd() < 0.25;
      if (change) status = TERMINAL_NEXT[status] as Status;
      drive0.step++;
      drive0.lastFixMs = Math.max(Date.now(), drive0.lastFixMs + 1);
      reports.push({
        resourceId: 'R0',
        lat: 51.6005 + drive0.step * 1e-6,
        lon: -0.111,
        fixTimeMs: drive0.lastFixMs,
        speedMps: 8,
        headingDeg: 0,
        accuracyM: 5,
        status: change ? status : 0,
      });
    }
    sent.set(seq, reports);
    ws.send(encodeBatch({ seq: seq++, reports }));
    await sleep(20 + rnd() * 30);
  }
  ws.terminate();
}
