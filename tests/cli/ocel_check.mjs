// Checks an OCEL 2.0 JSON log against tests/data/ocel/ocel-2.0-json.schema.json (ajv, the same
// JSON Schema validator the API tests use) and the references inside it: every event's type is
// an event type, every object's type an object type, every relationship names an object, and
// each attribute is declared by its type. Prints the log's counts as JSON.
// usage: node ocel_check.mjs LOG SCHEMA
import { readFileSync } from 'node:fs';
import Ajv from 'ajv/dist/2020.js';

const [file, schemaFile] = process.argv.slice(2);
const log = JSON.parse(readFileSync(file, 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
const fail = (what) => { console.error(`ocel_check: ${what}`); process.exit(1); };
if (!validate(log)) fail(ajv.errorsText(validate.errors));
const eventTypes = new Map(log.eventTypes.map((t) => [t.name, new Set(t.attributes.map((a) => a.name))]));
const objectTypes = new Map(log.objectTypes.map((t) => [t.name, new Set(t.attributes.map((a) => a.name))]));
const objects = new Set(log.objects.map((o) => o.id));
for (const o of log.objects) {
  if (!objectTypes.has(o.type)) fail(`object ${o.id}: unknown type ${o.type}`);
  for (const a of o.attributes || []) if (!objectTypes.get(o.type).has(a.name)) fail(`object ${o.id}: undeclared ${a.name}`);
}
for (const e of log.events) {
  if (!eventTypes.has(e.type)) fail(`event ${e.id}: unknown type ${e.type}`);
  for (const a of e.attributes || []) if (!eventTypes.get(e.type).has(a.name)) fail(`event ${e.id}: undeclared ${a.name}`);
  for (const r of e.relationships || []) if (!objects.has(r.objectId)) fail(`event ${e.id}: no object ${r.objectId}`);
}
console.log(JSON.stringify({ events: log.events.length, objects: log.objects.length, cases: log.objects.filter((o) => o.type === 'case').length }));
