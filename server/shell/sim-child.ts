import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Logger } from './log.ts';
import type { RunningServer } from './server.ts';

/** The simulator's operator account: a duty officer (it mobilises every agency in demo mode). */
export const SIM_USER = 'simulator';

/** A fresh development AVL feed token for the simulator, when none is configured. */
export function simFeedToken(): string {
  return 'jcr_sim_' + randomBytes(24).toString('base64url');
}

/**
 * Start the fleet simulator (`sim/cli.ts run --demo`) as a child process, so its routing and
 * bookkeeping stay off the server's event loop. It connects back like any outside client: AVL
 * over /ws/avl with the feed token, REST with a session of the `simulator` duty-officer account.
 * Tokens go through the environment, not argv. Returns a stop function.
 */
export async function startSimChild(
  server: RunningServer,
  opts: { avlToken: string; scenario: string; log: Logger },
): Promise<() => void> {
  if (!server.users.get(SIM_USER))
    await server.users.create(SIM_USER, randomBytes(24).toString('base64url'), 'duty-officer', 'Fleet simulator');
  const { token } = server.users.startSession(SIM_USER);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'sim/cli.ts', 'run', '--demo', '--url', server.url, '--scenario', opts.scenario],
    {
      env: { ...process.env, JCR_AVL_TOKEN: opts.avlToken, JCR_API_TOKEN: token },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  opts.log.info('fleet simulator started', { pid: child.pid });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) opts.log.warn('fleet simulator exited', { code });
  });
  return () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
}
