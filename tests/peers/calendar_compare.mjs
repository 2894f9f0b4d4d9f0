// Differential test: Elva's working-day calendars (`elva calendar --format json`) against the npm
// package date-holidays, every year 2000-2100, for Sweden and Norway. date-holidays' "public"
// and "bank" days (the eves: midsommarafton, julafton, nyårsafton; Julaften, Nyttårsaften) must
// be exactly Elva's days off, except the departures listed below with the law that decides them
// (docs/calendar.md). A listed departure that no longer differs fails too, so the list stays
// true. usage: node calendar_compare.mjs ELVA
import { execFileSync } from 'node:child_process';
import Holidays from 'date-holidays';

const elva = process.argv[2];
// Lag (2004:1325): annandag pingst stopped being a Swedish holiday in 2005, when the national
// day (6 June) became one. date-holidays drops annandag pingst for every year.
const departures = {
  SE: new Set(['2000-06-12', '2001-06-04', '2002-05-20', '2003-06-09', '2004-05-31']),
  NO: new Set(),
};

let failures = 0;
for (const country of ['SE', 'NO']) {
  const out = execFileSync(elva, ['calendar', '--rules', country, '--from', '2000', '--to', '2100',
    '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ELVA_CONFIG: '' } });
  const ours = new Set(JSON.parse(out).daysOff.map((d) => d.date));
  const theirs = new Set();
  const hd = new Holidays(country);
  for (let year = 2000; year <= 2100; ++year) {
    for (const h of hd.getHolidays(year)) {
      if (h.type === 'public' || h.type === 'bank') theirs.add(h.date.slice(0, 10));
    }
  }
  let compared = 0;
  for (const d of new Set([...ours, ...theirs])) {
    ++compared;
    const differs = ours.has(d) !== theirs.has(d);
    if (differs && !departures[country].has(d)) {
      ++failures;
      console.log(`${country} ${d}: ${ours.has(d) ? 'Elva has it off, date-holidays does not' : 'date-holidays has it off, Elva does not'}`);
    }
    if (!differs && departures[country].has(d)) {
      ++failures;
      console.log(`${country} ${d}: listed as a departure, but both now agree`);
    }
  }
  console.log(`${country}: ${compared} days off compared for 2000-2100`);
  if (compared < 1000) { ++failures; console.log(`${country}: too few days compared`); }
}
if (failures) {
  console.log(`${failures} unexplained differences`);
  process.exit(1);
}
console.log('calendars agree with date-holidays, departures explained');
