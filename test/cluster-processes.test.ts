/**
 * How `npm run cluster` stops (server/cli/cluster-processes.ts), on fake processes and a manual
 * timer. Before, Ctrl+C SIGTERMed the NATS nodes with the instances, so the leader's drain and
 * lease release raced NATS going away, and a Ctrl+C during the wait for the primary to lead still
 * started the simulator after it. Now: the simulator and gateways, then the instances, then NATS,
 * each stage waited for (SIGKILL after the grace), and nothing starts once stopping.
 */
import { EventEmitter } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClusterProcesses, type Child } from '../server/cli/cluster-processes.ts';
import { manualTimer } from './support/timers.ts';

/** A process that records its signals in `signals` and exits when `exit()` is called. */
class FakeChild extends EventEmitter implements Child {
  exitCode: number | null = null;
  signalCode: string | null = null;
  constructor(
    readonly name: string,
    private readonly signals: string[],
  ) {
    super();
  }
  kill(signal: 'SIGTERM' | 'SIGKILL'): boolean {
    this.signals.push(`${this.name} ${signal}`);
    if (signal === 'SIGKILL') setImmediate(() => this.exit(null, 'SIGKILL'));
    return true;
  }
  exit(code: number | null = 0, signal: string | null = null): void {
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }
}

const turn = () => new Promise((r) => setImmediate(r));

function cluster() {
  const signals: string[] = [];
  const log: string[] = [];
  const timers = manualTimer();
  const processes = new ClusterProcesses<FakeChild>({ timers, graceMs: 8000, log: (l) => log.push(l) });
  const start = (name: string, stage: 'front' | 'instance' | 'nats') =>
    processes.run(name, stage, () => new FakeChild(name, signals)) as FakeChild;
  // Started as the launcher does: NATS first, the simulator last.
  const all = {
    nats0: start('nats0', 'nats'),
    nats1: start('nats1', 'nats'),
    primary: start('primary', 'instance'),
    standby: start('standby', 'instance'),
    avl1: start('avl-gateway-1', 'front'),
    sim: start('simulator', 'front'),
  };
  return { signals, log, timers, processes, ...all };
}

test('stops the simulator and gateways, then the instances, then NATS, each stage once exited', async () => {
  const c = cluster();
  let done = false;
  void c.processes.stop().then(() => (done = true));
  await turn();
  assert.equal(c.signals, ['avl-gateway-1 SIGTERM', 'simulator SIGTERM']);
  c.avl1.exit();
  await turn();
  assert.equal(c.signals.length, 2, 'the instances wait for the simulator too');
  c.sim.exit();
  await turn();
  assert.equal(c.signals.slice(2), ['primary SIGTERM', 'standby SIGTERM']);
  c.primary.exit();
  c.standby.exit();
  await turn();
  assert.equal(c.signals.slice(4), ['nats0 SIGTERM', 'nats1 SIGTERM'], 'NATS only once the instances are gone');
  assert.not.ok(done);
  c.nats0.exit();
  c.nats1.exit();
  await turn();
  assert.ok(done);
  assert.is(c.signals.length, 6, 'no SIGKILL: every stage exited within its grace');
  assert.equal(c.log, ['stopping avl-gateway-1, simulator', 'stopping primary, standby', 'stopping nats0, nats1']);
});

test('a stage still running after its grace is SIGKILLed, and only then the next stage is stopped', async () => {
  const c = cluster();
  let done = false;
  void c.processes.stop().then(() => (done = true));
  c.avl1.exit();
  c.sim.exit();
  await turn();
  c.primary.exit(); // the standby ignores its SIGTERM
  await turn();
  assert.equal(c.signals.slice(2), ['primary SIGTERM', 'standby SIGTERM']);
  c.timers.fire(); // the first stage's grace was cleared; this one's runs out
  await turn();
  await turn();
  assert.equal(c.signals.slice(4), ['standby SIGKILL', 'nats0 SIGTERM', 'nats1 SIGTERM']);
  assert.equal(c.log.slice(1, 3), ['stopping primary, standby', 'standby still running after 8000 ms: SIGKILL']);
  c.timers.fire(); // neither NATS node answers either
  await turn();
  await turn();
  assert.equal(c.signals.slice(7), ['nats0 SIGKILL', 'nats1 SIGKILL']);
  assert.ok(done);
});

test('nothing starts once stopping: a start still waiting (the simulator) is refused', async () => {
  const c = cluster();
  c.processes.stop();
  let started = 0;
  const late = c.processes.run('simulator', 'front', () => {
    started++;
    return new FakeChild('late simulator', c.signals);
  });
  assert.is(late, null);
  assert.is(started, 0);
  assert.ok(c.processes.stopping);
  assert.is(c.processes.stop(), c.processes.stop(), 'a second Ctrl+C is the same stop');
});

test('processes that already exited are not signalled', async () => {
  const c = cluster();
  c.sim.exit(1);
  c.standby.exit(null, 'SIGKILL');
  void c.processes.stop();
  c.avl1.exit();
  await turn();
  c.primary.exit();
  await turn();
  assert.equal(c.signals, ['avl-gateway-1 SIGTERM', 'primary SIGTERM', 'nats0 SIGTERM', 'nats1 SIGTERM']);
});

test('exiting without a stop SIGKILLs whatever still runs', () => {
  const c = cluster();
  c.nats1.exit();
  c.processes.killNow();
  assert.equal(c.signals, [
    'nats0 SIGKILL',
    'primary SIGKILL',
    'standby SIGKILL',
    'avl-gateway-1 SIGKILL',
    'simulator SIGKILL',
  ]);
});

test.run();
