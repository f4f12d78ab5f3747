/**
 * A scenario for any English fire and rescue service (docs/scenario.md § Your own county):
 *   npm run scenario -- build --service NAME [--osm FILE.osm.pbf] --out DIR
 *   npm run scenario -- --list
 * The building is sim/scenarios/england/build.ts; this reads the inputs, writes scenario.json,
 * demand.json, network.geojson.gz and NOTICE.md into DIR, and prints what it built.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { isJcrError } from '../core/errors.ts';
import { fromGrid, parseGridRef } from '../core/places/os-grid.ts';
import { CliExit, readArgs, runCli, usageError } from '../shell/cli.ts';
import { formatOf, parseNetwork } from '../shell/network/load.ts';
import {
  BuildError,
  buildServiceScenario,
  DEMAND_FILE,
  type SiteInput,
  type Town,
} from '../../sim/scenarios/england/build.ts';
import { readStationRows, serviceList } from '../../sim/scenarios/england/services.ts';

const USAGE = `usage: npm run scenario -- build --service NAME [--osm FILE] --out DIR [options]
       npm run scenario -- --list
Builds a scenario for an English fire and rescue service from the Home Office fire stations list
(2018): its stations, a default fleet, the Hertfordshire incident types and standards, demand,
and a road network. Run it with: npm start -- --scenario DIR/scenario.json

  --service NAME    the service, as --list names it ("Bedfordshire", "London")
  --out DIR         where to write scenario.json, demand.json, network.geojson.gz, NOTICE.md
  --osm FILE        a real road network: an OSM extract (.osm.pbf, .osm, .geojson, optionally .gz),
                    clipped to the stations plus the margin; without it, a clearly labelled
                    synthetic network generated around the stations
  --partial         keep only the stations the extract covers, instead of refusing
  --police FILE     police sites, a JSON array of {name, lat, lon} (or gridRef, or easting and northing)
  --ambulance FILE  ambulance sites, the same form
  --towns FILE      towns, a JSON array of {name, lat, lon, population}: demand and station size;
                    without it, demand is uniform over the area
  --margin-km N     the area beyond the outermost stations (default 5)
  --access-km N     with --osm: join a station up to N km beyond the 500 m snapping allowance of
                    the extract's roads by a straight synthetic access road (default 0, at most 5)
  --list            print the 44 services and their station counts
  -h, --help        this text`;

/** Bad input: one line on stderr, exit 2. */
const bad = (message: string): CliExit => new CliExit(2, `error: ${message}`);

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw bad(`cannot read ${what} file ${file} (${e instanceof Error && 'code' in e ? String(e.code) : String(e)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw bad(`${file} is not valid JSON (${e instanceof Error ? e.message.split('\n')[0]! : String(e)})`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A position as lat and lon, an OS grid reference, or an easting and northing. */
function positionOf(o: Record<string, unknown>, where: string): { lat: number; lon: number } {
  if (num(o['lat']) && num(o['lon']) && Math.abs(o['lat']) <= 90 && Math.abs(o['lon']) <= 180)
    return { lat: o['lat'], lon: o['lon'] };
  if (typeof o['gridRef'] === 'string') {
    const g = parseGridRef(o['gridRef']);
    if (g === null) throw bad(`${where}: gridRef "${o['gridRef']}" is not an OS grid reference`);
    return fromGrid(g.easting, g.northing);
  }
  if (num(o['easting']) && num(o['northing'])) return fromGrid(o['easting'], o['northing']);
  throw bad(`${where}: needs lat and lon, a gridRef, or easting and northing`);
}

function readSites(file: string, what: string): SiteInput[] {
  const raw = readJsonFile(file, what);
  if (!Array.isArray(raw)) throw bad(`${file}: expected a JSON array of ${what} sites`);
  return raw.map((o: unknown, i) => {
    const where = `${basename(file)}[${i}]`;
    if (!isObj(o) || typeof o['name'] !== 'string' || o['name'].trim() === '')
      throw bad(`${where}: expected an object with a name`);
    const p = positionOf(o, where);
    return { name: o['name'], ...p, ...(typeof o['address'] === 'string' ? { address: o['address'] } : {}) };
  });
}

function readTowns(file: string): Town[] {
  const raw = readJsonFile(file, 'towns');
  if (!Array.isArray(raw)) throw bad(`${file}: expected a JSON array of towns`);
  return raw.map((o: unknown, i) => {
    const where = `${basename(file)}[${i}]`;
    if (!isObj(o) || typeof o['name'] !== 'string') throw bad(`${where}: expected an object with a name`);
    if (!num(o['population']) || o['population'] <= 0) throw bad(`${where}: population must be a number above 0`);
    return { name: o['name'], ...positionOf(o, where), population: o['population'] };
  });
}

function readOsm(file: string): { raw: ReturnType<typeof parseNetwork>; file: string } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw bad(`cannot read --osm file ${file} (${e instanceof Error && 'code' in e ? String(e.code) : String(e)})`);
  }
  if (file.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw bad(`${file} is not valid gzip (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  try {
    return { raw: parseNetwork(bytes, formatOf(file), basename(file)), file: basename(file) };
  } catch (e) {
    if (isJcrError(e)) throw bad(`${e.code}: ${e.message.split('\n')[0]!}`);
    throw e;
  }
}

function notice(networkSynthetic: boolean, osmFile: string | undefined): string {
  return `# Notice

Built by \`npm run scenario -- build\` (joint control room).

- Fire stations: contains public sector information licensed under the Open Government Licence
  v3.0 (Home Office fire stations dataset, published 8 February 2018),
  <https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>.
- Fleet, crewing and call signs: the builder's default rule (docs/scenario.md, Your own county),
  not any service's establishment.
${
  networkSynthetic
    ? '- Road network: SYNTHETIC, generated around the stations; not survey data and not for operational use.\n'
    : `- Road network: OpenStreetMap data from ${osmFile ?? 'the extract'}, clipped. © OpenStreetMap contributors, available under the
  Open Database Licence (ODbL) 1.0, <https://opendatacommons.org/licenses/odbl/1-0/>. Anything that ships
  network.geojson.gz, or a database derived from it, must carry this attribution and notice.\n`
}`;
}

function main(): void {
  const { values, positionals } = readArgs({
    usage: USAGE,
    options: {
      service: { type: 'string' },
      out: { type: 'string' },
      osm: { type: 'string' },
      partial: { type: 'boolean' },
      police: { type: 'string' },
      ambulance: { type: 'string' },
      towns: { type: 'string' },
      'margin-km': { type: 'string' },
      'access-km': { type: 'string' },
      list: { type: 'boolean' },
    },
  });
  const rows = readStationRows();
  if (values.list) {
    if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'build'))
      throw usageError(`unexpected arguments with --list: ${positionals.join(' ')}`);
    for (const s of serviceList(rows)) process.stdout.write(`${s.name}\t${s.stations} stations\n`);
    return;
  }
  if (positionals[0] !== 'build' || positionals.length !== 1)
    throw usageError(
      positionals.length === 0
        ? 'a command is needed: build, or --list'
        : `unknown command or arguments: ${positionals.join(' ')}`,
    );
  if (values.service === undefined) throw usageError('build needs --service NAME (--list names them)');
  if (values.out === undefined) throw usageError('build needs --out DIR');
  let marginM: number | undefined;
  if (values['margin-km'] !== undefined) {
    const km = Number(values['margin-km']);
    if (!Number.isFinite(km) || km < 0 || km > 100)
      throw usageError(`--margin-km must be 0..100, got "${values['margin-km']}"`);
    marginM = km * 1000;
  }
  let accessM: number | undefined;
  if (values['access-km'] !== undefined) {
    const km = Number(values['access-km']);
    if (!Number.isFinite(km) || km < 0 || km > 5)
      throw usageError(`--access-km must be 0..5, got "${values['access-km']}"`);
    if (values.osm === undefined) throw usageError('--access-km needs --osm');
    accessM = km * 1000;
  }
  let built;
  try {
    built = buildServiceScenario({
      rows,
      service: values.service,
      ...(values.osm !== undefined ? { osm: readOsm(values.osm) } : {}),
      ...(values.police !== undefined ? { police: readSites(values.police, 'police') } : {}),
      ...(values.ambulance !== undefined ? { ambulance: readSites(values.ambulance, 'ambulance') } : {}),
      ...(values.towns !== undefined ? { towns: readTowns(values.towns) } : {}),
      ...(values.partial ? { partial: true } : {}),
      ...(marginM !== undefined ? { marginM } : {}),
      ...(accessM !== undefined ? { accessM } : {}),
    });
  } catch (e) {
    if (e instanceof BuildError) throw bad(e.message);
    throw e;
  }
  const dir = values.out;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(built.scenario, null, 2) + '\n');
  writeFileSync(join(dir, DEMAND_FILE), JSON.stringify(built.demand, null, 2) + '\n');
  writeFileSync(join(dir, built.networkFile), gzipSync(built.networkText));
  writeFileSync(join(dir, 'NOTICE.md'), notice(built.scenario.network.synthetic, values.osm && basename(values.osm)));
  for (const line of built.summary) process.stdout.write(line + '\n');
  process.stdout.write(
    `wrote ${join(dir, 'scenario.json')}; run it with: npm start -- --scenario ${join(dir, 'scenario.json')}\n`,
  );
}

runCli(main);
