// Differential test: every case of tests/expr/feel_cases.json through the reference FEEL
// interpreter feelin (npm). A case where feelin's result differs from Elva's expected one must
// say why in "feelinDiffers" (also listed in docs/feel.md); an unexplained difference fails.
// A case marked feelinDiffers that feelin now gets right fails too, so the notes stay true.
// usage: node feelin_compare.mjs CASES.json
import fs from 'node:fs';
import { evaluate } from 'feelin';

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

function normalize(v) {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === 'object') {
    if (typeof v.toISO === 'function') return String(v.toISO());  // luxon-based temporals
    if (v.constructor && v.constructor !== Object) return String(v);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  }
  return v;
}

function same(a, b) {
  // Numbers compare exactly: 0.1 + 0.2 must be 0.3, not 0.30000000000000004.
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a); const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return a === b;
}

let passed = 0; let failed = 0; let explained = 0;
for (const c of cases) {
  const text = c.expr.replace(/^\s*=/, '');
  let got;
  try {
    got = normalize(evaluate(text, c.vars || {}).value);
  } catch (err) {
    got = `error: ${err.message}`;
  }
  const agrees = same(got, c.expected);
  if (agrees && !c.feelinDiffers) { passed++; continue; }
  if (!agrees && c.feelinDiffers) { explained++; passed++; continue; }
  failed++;
  if (agrees) console.log(`STALE NOTE ${c.expr}: feelin now agrees; remove feelinDiffers`);
  else console.log(`DIFF ${c.expr}\n  elva expects ${JSON.stringify(c.expected)}\n  feelin gives ${JSON.stringify(got)}`);
}
console.log(`${cases.length} cases; ${explained} explained departures`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
