/**
 * Child process for test/mait-crash.test.ts: `mait-crash-child.ts DB PARTNERS_JSON`, the
 * Hertfordshire room ('herts') over the mini scenario on the database file DB, with the partners
 * file PARTNERS_JSON, on port 0 and the real clock and timers. Prints one JSON line
 * `{"url", "token"}` (a fire dispatcher's bearer token) once listening, then serves until killed.
 */
import { readFileSync } from 'node:fs';
import type { MaitPartners } from '../../proto/mait.ts';
import { startServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';

const [db, partnersFile] = process.argv.slice(2) as [string, string];
const partners = JSON.parse(readFileSync(partnersFile, 'utf8')) as MaitPartners;
const server = await startServer({ scenario: miniScenario(), db, port: 0, log: 'error', mait: { partners } });
if (!server.users.get('hanna')) await server.users.create('hanna', 'crash-test-password-hanna', 'fire-dispatcher');
const token = server.users.startSession('hanna').token;
process.stdout.write(`${JSON.stringify({ url: server.url, token })}\n`);
