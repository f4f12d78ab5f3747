/**
 * Issue 20, realistic demand: the hourly profiles the incident generator thins by come from
 * sim/incidents/time-of-day.json. The fire profile meets the Home Office's published shares of
 * fires by hour (Fire Statistics England 2014/15); the ambulance and police profiles are marked
 * hand-drawn with the reason; each averages 1; a file that breaks a published share, does not
 * add up to 100 or lacks an agency is refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dayFactor } from '../sim/incidents/generator.ts';
import { profilesOf, TIME_OF_DAY } from '../sim/incidents/time-of-day.ts';

const round = (x: number) => Math.round(x * 1e9) / 1e9;
const sum = (xs: readonly number[], from = 0, to = xs.length) => round(xs.slice(from, to).reduce((a, b) => a + b, 0));
const file = JSON.parse(readFileSync('sim/incidents/time-of-day.json', 'utf8'));

test('each shipped profile averages 1 over the day', () => {
  for (const agency of ['fire', 'ambulance', 'police'] as const) {
    assert.is(TIME_OF_DAY[agency].length, 24);
    assert.is(sum(TIME_OF_DAY[agency]), 24, agency);
  }
});

test('fire meets the Home Office shares: 46% 16-22 h, 9% 19-20 h, 13% 00-06 h', () => {
  const fire = TIME_OF_DAY.fire;
  // factor = share x 24 / 100
  assert.is(round(fire[19]!), 2.16);
  assert.is(sum(fire, 16, 22), 11.04);
  assert.is(sum(fire, 0, 6), 3.12);
  // "These six hours were the six individual hours where the highest proportion of fires took place."
  const top6 = [...fire.keys()].sort((a, b) => fire[b]! - fire[a]!).slice(0, 6);
  assert.equal(
    top6.sort((a, b) => a - b),
    [16, 17, 18, 19, 20, 21],
  );
  assert.is(Math.max(...fire), fire[19]);
  assert.is(dayFactor('fire', 19.75), fire[19]);
  assert.is(file.profiles.fire.basis, 'published-blocks');
  assert.match(file.profiles.fire.source, /Fire Statistics England, 2014\/15, Statistical Bulletin 08\/16/);
});

test('ambulance and police are the hand-drawn shapes, marked so with the reason', () => {
  assert.is(round(TIME_OF_DAY.ambulance[11]!), 1.4208); // 5.92% x 24 / 100
  assert.is(round(TIME_OF_DAY.police[0]!), 1.14); // 4.75% x 24 / 100
  for (const agency of ['ambulance', 'police']) {
    assert.is(file.profiles[agency].basis, 'hand-drawn');
    assert.match(file.profiles[agency].why, /No published hour-of-day figures/);
  }
});

test('a file that breaks a published share, does not add up or lacks an agency is refused', () => {
  const flat = [...Array.from({ length: 20 }, () => 4), 5, 5, 5, 5]; // 80 + 20
  const ok = {
    profiles: { fire: { percentByHour: flat }, ambulance: { percentByHour: flat }, police: { percentByHour: flat } },
  };
  assert.equal(profilesOf(ok).police, [...Array.from({ length: 20 }, () => 0.96), 1.2, 1.2, 1.2, 1.2]);
  const published = [{ fromHour: 19, toHour: 20, percent: 9 }];
  assert.throws(
    () => profilesOf({ profiles: { ...ok.profiles, fire: { percentByHour: flat, published } } }),
    /fire 19-20 h is 4%, published 9%/,
  );
  const short = [...flat.slice(1), 0]; // 96
  assert.throws(
    () => profilesOf({ profiles: { ...ok.profiles, ambulance: { percentByHour: short } } }),
    /ambulance shares add up to 96, not 100/,
  );
  assert.throws(() => profilesOf({ profiles: { fire: ok.profiles.fire } }), /ambulance needs 24 non-negative shares/);
  assert.throws(() => profilesOf(null), /no profiles/);
});

test.run();
