// The municipal process library (processes/) as other tools see it: `elva validate` is clean;
// bpmnlint's recommended rules find nothing; every flow element has a diagram shape or edge
// (bpmn-moddle) and no two shapes overlap; and each file opens in bpmn.io's viewer (bpmn-js in
// Debian's chromium) without import warnings, screenshots in build/test-artefacts/processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const elva = process.argv[2];
const artefacts = process.argv[3] ?? join(repo, 'build', 'test-artefacts', 'processes');
const dir = join(repo, 'processes');
const files = readdirSync(dir).filter((f) => f.endsWith('.bpmn')).sort();
const executable = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(existsSync);
let browser;

before(async () => {
  if (!executable) {
    if (process.env.CI === 'true') { console.error('FAIL: chromium is not installed (scripts/install-deps installs it)'); process.exit(1); }
    console.error('*** SKIPPED (browser part): no chromium; run scripts/install-deps ***');
    return;
  }
  browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});
after(async () => { await browser?.close(); });

test('the library is all there and elva validate finds nothing', () => {
  for (const id of ['personnel-hire', 'personnel-leave', 'personnel-move', 'org-change', 'deviation', 'plan-approval',
    'side-job-inventory', 'side-job-declaration', 'summer-job-lottery', 'excavation-permit']) {
    assert.ok(files.includes(`${id}.bpmn`), `${id}.bpmn is missing`);
  }
  const r = spawnSync(elva, ['validate', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const line of r.stdout.trim().split('\n').slice(0, -1)) assert.match(line, /valid \(0 errors, 0 warnings\)$/, line);
});

test('bpmnlint (recommended rules) finds no errors and no warnings', async () => {
  const { Linter } = require('bpmnlint');
  const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
  for (const f of files) {
    // One linter per file: some rules keep what they saw (sequence flows by id) between runs.
    const linter = new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver() });
    const moddle = new BpmnModdle();  // one per file: ids are per file
    const { rootElement, warnings } = await moddle.fromXML(readFileSync(join(dir, f), 'utf8'));
    assert.deepEqual(warnings.map((w) => w.message), [], `${f}: bpmn-moddle warnings`);
    const reports = await linter.lint(rootElement);
    const found = Object.entries(reports).flatMap(([rule, list]) => list.map((r) => `${rule}: ${r.id} ${r.message}`));
    assert.deepEqual(found, [], `${f}: bpmnlint`);
  }
});

test('every flow element has a shape or an edge, and no two shapes overlap', async () => {
  for (const f of files) {
    const moddle = new BpmnModdle();
    const { rootElement } = await moddle.fromXML(readFileSync(join(dir, f), 'utf8'));
    const drawn = new Map();
    for (const d of rootElement.diagrams) {
      for (const el of d.plane.planeElement) drawn.set(el.bpmnElement.id, el);
    }
    const walk = (container) => {
      for (const el of container.flowElements ?? []) {
        assert.ok(drawn.has(el.id), `${f}: ${el.$type} '${el.id}' has no shape or edge`);
        if (el.$type === 'bpmn:SubProcess') walk(el);
      }
    };
    for (const p of rootElement.rootElements.filter((e) => e.$type === 'bpmn:Process')) walk(p);
    for (const d of rootElement.diagrams) {
      const boxes = d.plane.planeElement.filter((e) => e.bounds && e.bpmnElement.$type !== 'bpmn:BoundaryEvent').map((e) => [e.bpmnElement.id, e.bounds]);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, A] = boxes[i];
          const [b, B] = boxes[j];
          const overlap = A.x < B.x + B.width && B.x < A.x + A.width && A.y < B.y + B.height && B.y < A.y + A.height;
          assert.ok(!overlap, `${f}: '${a}' and '${b}' overlap`);
        }
      }
    }
  }
});

test('each file opens in bpmn.io (bpmn-js) without warnings', async (t) => {
  if (!browser) return t.skip('no chromium');
  mkdirSync(artefacts, { recursive: true });
  const viewer = readFileSync(require.resolve('bpmn-js/dist/bpmn-viewer.production.min.js'), 'utf8');
  const css = ['diagram-js.css', 'bpmn-js.css', 'bpmn-font/css/bpmn.css'].map((c) => readFileSync(require.resolve(`bpmn-js/dist/assets/${c}`), 'utf8')).join('\n');
  const page = await browser.newPage({ viewport: { width: 1800, height: 900 } });
  await page.setContent(`<html><head><style>${css} html,body,#canvas{margin:0;width:100%;height:100%}</style></head><body><div id="canvas"></div></body></html>`);
  await page.addScriptTag({ content: viewer });
  for (const f of files) {
    const result = await page.evaluate(async (xml) => {
      document.getElementById('canvas').innerHTML = '';
      window.v?.destroy();
      window.v = new BpmnJS({ container: '#canvas' });
      const { warnings } = await window.v.importXML(xml);
      window.v.get('canvas').zoom('fit-viewport');
      return { warnings: warnings.map((w) => w.message), shapes: window.v.get('elementRegistry').getAll().length };
    }, readFileSync(join(dir, f), 'utf8'));
    assert.deepEqual(result.warnings, [], `${f}: bpmn-js import warnings`);
    assert.ok(result.shapes > 5, `${f}: drew ${result.shapes} elements`);
    await page.screenshot({ path: join(artefacts, f.replace('.bpmn', '.png')) });
  }
});
