// The cockpit for process developers and administrators: the deployed processes with their
// running instances and incidents; one process's diagram (bpmn-js, bundled) with how many
// instances wait at each step, its incidents and a heatmap of the time spent per step; an
// instance search; one instance with where it is, its incidents (retry), variables and timeline,
// and cancel. Talks to the REST API of the same server (docs/api.md, docs/operations.md#cockpit);
// the session is the task list's (sessionStorage).
'use strict';

(() => {
  const i18n = window.ElvaI18n;
  const { t } = i18n;
  const $ = (id) => document.getElementById(id);
  // Under /t/{tenant}/cockpit/ the page talks to that tenant's API.
  const base = (/^\/t\/[a-z0-9-]+/.exec(location.pathname) || [''])[0];
  const store = (key) => `elva${base.replace(/\//g, '.')}.${key}`;
  const state = { token: sessionStorage.getItem(store('token')), me: null, viewers: {}, search: { offset: 0 }, names: {} };
  const PAGE = 50;

  // --- API -----------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, problem) {
      super(ApiError.say(status, problem || {}));
      this.status = status;
      this.problem = problem || {};
    }

    static say(status, p) {
      if (status === 0) return t('networkError');
      if (status === 400 || status === 422) return p.detail || `HTTP ${status}`;
      if (status === 403) return t('notAllowed');
      if (status === 404) return t('notFound');
      if (status === 409 || status === 412) return p.detail || t('changedMeanwhile');
      if (status === 429 || status === 503) return t('busy');
      if (status >= 500) return t('serverError', p.correlationId || '');
      return p.detail || `HTTP ${status}`;
    }
  }

  async function api(method, path, body, accept = 'application/json') {
    const headers = { accept, 'accept-language': i18n.lang };
    if (state.token) headers.authorization = `Bearer ${state.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, {});
    }
    const text = await res.text();
    const isJson = (res.headers.get('content-type') || '').includes('json');
    const data = isJson && text ? JSON.parse(text) : text;
    if (res.status === 401 && state.token) {
      logout(t('sessionEnded'));
      throw new ApiError(401, data);
    }
    if (!res.ok) throw new ApiError(res.status, isJson ? data : {});
    return data;
  }

  // --- Helpers -------------------------------------------------------------------------------
  function el(tag, props = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('data-') || k === 'href' || k === 'title' || k === 'aria-label') e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function formatDate(iso) {
    if (!iso) return '';
    return new Date(iso).toLocaleString(i18n.locale(), { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  // Seconds as the largest two units that say it: "3 d 4 h", "5 min 10 s".
  function formatDuration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    const s = Math.round(seconds);
    const units = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]];
    const parts = [];
    let rest = s;
    for (const [name, size] of units) {
      if (rest >= size || (name === 's' && parts.length === 0)) {
        parts.push(`${Math.floor(rest / size)} ${name}`);
        rest %= size;
      }
      if (parts.length === 2) break;
    }
    return parts.join(' ');
  }

  // A personal or sensitive value the reader may not see (docs/privacy.md#access-log).
  function isMasked(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.masked === 'string';
  }

  function toast(message) {
    const box = $('toast');
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.hidden = true; }, 5000);
  }

  function stateLabel(status) {
    return t({ active: 'stateActive', incident: 'stateIncident', completed: 'stateCompleted', terminated: 'stateTerminated' }[status] || status);
  }

  const views = ['login-view', 'denied-view', 'processes-view', 'process-view', 'instance-view', 'network-view', 'dashboards-view'];
  function show(view) {
    for (const v of views) $(v).hidden = v !== view;
    const inside = view !== 'login-view';
    $('who').hidden = $('logout').hidden = !inside;
    $('top-nav').hidden = !inside || view === 'denied-view';
    const tab = { 'network-view': '#network', 'dashboards-view': '#dashboards' }[view] || '#';
    for (const a of $('top-nav').querySelectorAll('a')) {
      if (a.getAttribute('href') === tab) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
  }

  // The element names and types of a BPMN file, read from its XML (for diagrams without DI too).
  function elementsOf(xml) {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    const out = {};
    const skip = new Set(['definitions', 'extensionElements', 'documentation', 'incoming', 'outgoing', 'collaboration',
      'participant', 'BPMNDiagram', 'BPMNPlane', 'BPMNShape', 'BPMNEdge', 'BPMNLabel', 'message', 'error', 'signal', 'escalation']);
    for (const node of doc.getElementsByTagName('*')) {
      const id = node.getAttribute('id');
      if (!id || skip.has(node.localName) || node.localName.endsWith('EventDefinition')) continue;
      if (node.namespaceURI !== 'http://www.omg.org/spec/BPMN/20100524/MODEL') continue;
      if (node.localName === 'sequenceFlow' || node.localName === 'messageFlow' || node.localName === 'association') continue;
      out[id] = { name: node.getAttribute('name') || id, type: node.localName };
    }
    return out;
  }

  // Draws `xml` into `container`; false when the file has no diagram. Overlays and markers are
  // added by `decorate(viewer)` (the element registry knows which ids are drawn).
  async function draw(container, xml, decorate) {
    const key = container.id;
    if (state.viewers[key]) state.viewers[key].destroy();
    container.replaceChildren();
    const viewer = new window.BpmnJS({ container });
    state.viewers[key] = viewer;
    try {
      await viewer.importXML(xml);
    } catch {
      container.hidden = true;
      return false;
    }
    const registry = viewer.get('elementRegistry');
    if (registry.getAll().length <= 1) {
      container.hidden = true;
      return false;
    }
    container.hidden = false;
    viewer.get('canvas').zoom('fit-viewport', 'auto');
    decorate(viewer);
    return true;
  }

  function badge(viewer, id, n, kind) {
    if (!n || !viewer.get('elementRegistry').get(id)) return;
    const span = el('span', { class: `count${kind === 'incident' ? ' incident' : ''}`, text: String(n), 'data-element': id, 'data-kind': kind,
      title: `${n} ${kind === 'incident' ? t('incidents') : t('running')}` });
    viewer.get('overlays').add(id, kind, { position: kind === 'incident' ? { bottom: 10, right: 10 } : { bottom: 10, left: -8 }, html: span });
  }

  // --- Processes -----------------------------------------------------------------------------
  async function showProcesses() {
    show('processes-view');
    const list = await api('GET', '/api/processes');
    const body = $('processes').querySelector('tbody');
    body.replaceChildren(...list.map((p) => el('tr', { 'data-process': p.process },
      el('td', {}, el('a', { href: `#process/${encodeURIComponent(p.process)}`, text: p.name || p.process }),
        p.name && p.name !== p.process ? el('div', { class: 'muted', text: p.process }) : null),
      el('td', { text: t('versionsOf', p.version, p.versions) }),
      el('td', { class: 'num', text: String(p.active) }),
      el('td', { class: `num${p.incidents ? ' bad' : ''}`, text: String(p.incidents) }))));
    $('processes-empty').hidden = list.length > 0;
    $('processes').hidden = list.length === 0;
  }

  // --- One process ---------------------------------------------------------------------------
  async function showProcess(processId, version) {
    show('process-view');
    const q = version ? `?version=${version}` : '';
    const [versions, xml, counts, stats] = await Promise.all([
      api('GET', `/api/definitions/${encodeURIComponent(processId)}/versions`),
      api('GET', `/api/definitions/${encodeURIComponent(processId)}/xml${q}`, undefined, 'application/xml'),
      api('GET', `/api/definitions/${encodeURIComponent(processId)}/elements${q}`),
      api('GET', `/api/stats/${encodeURIComponent(processId)}`).catch(() => null),
    ]);
    const shown = counts.version;
    state.process = { id: processId, version: shown, xml };
    const names = elementsOf(xml);
    state.names = names;
    const current = versions.versions.find((v) => v.version === shown);
    $('process-title').textContent = current?.name || processId;
    $('to-dashboard').href = `#dashboards/${encodeURIComponent(processId)}`;

    const select = $('version');
    select.replaceChildren(...versions.versions.slice().reverse().map((v) => el('option', {
      value: String(v.version), text: v.version === versions.latest ? t('latest', v.version) : String(v.version), selected: v.version === shown })));

    renderFigures(stats);
    const byElement = Object.fromEntries(counts.elements.map((e) => [e.element, e]));
    const steps = Object.fromEntries((stats?.steps || []).map((s) => [s.element, s]));
    const heat = heatClasses(steps);
    state.heat = heat;

    const drawn = await draw($('process-diagram'), xml, (viewer) => {
      for (const e of counts.elements) {
        badge(viewer, e.element, e.active, 'tokens');
        badge(viewer, e.element, e.incidents, 'incident');
      }
      applyHeat(viewer, $('heat').checked);
    });
    $('process-no-diagram').hidden = drawn;

    // The table: every step with something to show, in the file's order.
    const rows = Object.entries(names).filter(([id, n]) => n.type !== 'process' &&
      (byElement[id] || steps[id] || /task|event|subProcess|callActivity/i.test(n.type)));
    $('elements').querySelector('tbody').replaceChildren(...rows.map(([id, n]) => {
      const c = byElement[id] || { active: 0, incidents: 0 };
      return el('tr', { 'data-element': id },
        el('td', { text: n.name, title: id }),
        el('td', { class: 'num', text: String(c.active) }),
        el('td', { class: `num${c.incidents ? ' bad' : ''}`, text: String(c.incidents) }),
        el('td', { class: 'num', text: formatDuration(steps[id]?.leadTime?.p50) }));
    }));

    const elementSelect = $('q-element');
    const keep = elementSelect.value;
    elementSelect.replaceChildren(el('option', { value: '', text: t('any') }),
      ...rows.map(([id, n]) => el('option', { value: id, text: n.name })));
    elementSelect.value = keep && names[keep] ? keep : '';
    setUpMigration(versions);
    await runSearch(true);
  }

  // --- Migration (administrators): plan, dry run, then the run with a reason ------------------
  function setUpMigration(versions) {
    const admin = state.me.roles.includes('admin');
    const running = versions.versions.filter((v) => v.instances.active + v.instances.incident > 0);
    $('migrate-panel').hidden = !admin || versions.versions.length < 2;
    $('m-report').hidden = true;
    $('m-error').hidden = true;
    state.migrationMap = {};
    const option = (v) => el('option', { value: String(v.version), text: String(v.version) });
    $('m-from').replaceChildren(...running.map(option));
    $('m-to').replaceChildren(...versions.versions.slice().reverse().map(option));
    $('m-to').value = String(versions.latest);
    const other = running.find((v) => v.version !== versions.latest);
    if (other) $('m-from').value = String(other.version);
    $('m-check').disabled = running.length === 0;
    if (!running.length) {
      $('m-error').textContent = t('nothingToMigrate');
      $('m-error').hidden = false;
    }
  }

  async function checkMigration() {
    $('m-error').hidden = true;
    $('m-report').hidden = true;
    const request = { process: state.process.id, from: Number($('m-from').value), to: Number($('m-to').value) };
    // Mappings chosen for elements whose id changed (kept while the versions stay the same).
    const chosen = state.migrationMap || (state.migrationMap = {});
    for (const select of $('m-unmapped').querySelectorAll('select[data-from]')) if (select.value) chosen[select.dataset.from] = select.value;
    if (Object.keys(chosen).length) request.map = { ...chosen };
    try {
      const plan = await api('POST', '/api/migrations/plan', request);
      const dry = await api('POST', '/api/migrations/dry-run', { plan, instances: 'all' });
      state.migration = { plan, movable: dry.counts.migrates || 0 };
      const counts = Object.entries(dry.counts).map(([k, n]) => `${i18n.outcome(k)}: ${n}`).join(', ');
      $('m-summary').textContent = `${t('planSummary', plan.instances, plan.from, plan.to)} ${counts || '0'}`;
      // Each element without a counterpart gets a choice among the target version's elements of
      // a type it may become; "Check with these mappings" plans again with them.
      const xmlOf = (v) => api('GET', `/api/definitions/${encodeURIComponent(plan.process)}/xml?version=${v}`, undefined, 'application/xml');
      const [source, target] = (await Promise.all([xmlOf(plan.from), xmlOf(plan.to)])).map(elementsOf);
      const candidates = Object.entries(target).filter(([, n]) => n.type !== 'process' && !/^(lane|laneSet|textAnnotation|dataObject|dataObjectReference|dataStoreReference|group|sequenceFlow)$/.test(n.type));
      $('m-unmapped').replaceChildren(...plan.unmapped.map((u) => el('li', {},
        el('span', { text: t('unmappedWhy', source[u.element]?.name || u.element, u.why) }),
        el('label', {}, el('span', { text: ` ${t('mapTo')} ` }),
          el('select', { 'data-from': u.element },
            el('option', { value: '', text: t('noCounterpart') }),
            ...candidates.filter(([, n]) => n.type === u.type || !u.type).map(([id, n]) => el('option', { value: id, text: `${n.name} (${id})` })))))));
      const byHand = plan.mappings.filter((m) => m.by === 'map');
      $('m-mapped').textContent = [t('mappedBy', plan.mappings.length - byHand.length, byHand.length),
        ...byHand.map((m) => `${source[m.from]?.name || m.from} → ${target[m.to]?.name || m.to}`)].join(' ');
      $('m-recheck').hidden = plan.unmapped.length === 0;
      $('m-run').disabled = !state.migration.movable;
      $('m-report').hidden = false;
    } catch (e) {
      $('m-error').textContent = e.message;
      $('m-error').hidden = false;
    }
  }

  async function runMigration() {
    const reason = $('m-reason').value.trim();
    if (!reason) {
      $('m-error').textContent = t('needReason');
      $('m-error').hidden = false;
      return;
    }
    const { plan, movable } = state.migration;
    if (!window.confirm(t('confirmMigrate', movable, plan.to))) return;
    try {
      const r = await api('POST', '/api/migrations', { plan, instances: 'all', reason });
      toast(t('migrated', r.counts.migrated || 0, plan.to));
      $('m-reason').value = '';
    } catch (e) {
      toast(e.message);
    }
    await route();
  }

  function renderFigures(stats) {
    const box = $('figures');
    if (!stats) { box.replaceChildren(); return; }
    const fig = (value, label) => el('div', {}, el('b', { text: value }), el('span', { text: label }));
    const overdue = stats.overdue?.total ?? 0;
    box.replaceChildren(
      fig(String(stats.instances.started), t('figStarted')),
      fig(String(stats.instances.completed), t('figCompleted')),
      fig(String(stats.instances.running), t('figRunning')),
      fig(formatDuration(stats.instances.leadTime.p50), t('figLead')),
      fig(String(overdue), t('figOverdue')));
  }

  // Four warmer shades by the median time of each step, relative to the slowest.
  function heatClasses(steps) {
    const medians = Object.entries(steps).filter(([, s]) => s.leadTime?.p50 > 0);
    const max = Math.max(0, ...medians.map(([, s]) => s.leadTime.p50));
    const out = {};
    for (const [id, s] of medians) out[id] = `heat-${Math.max(1, Math.ceil((s.leadTime.p50 / max) * 4))}`;
    return out;
  }

  function applyHeat(viewer, on) {
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    for (const [id, cls] of Object.entries(state.heat || {})) {
      if (!registry.get(id)) continue;
      if (on) canvas.addMarker(id, cls); else canvas.removeMarker(id, cls);
    }
  }

  async function runSearch(fresh) {
    if (fresh) state.search.offset = 0;
    const params = new URLSearchParams({ process: state.process.id, limit: String(PAGE), offset: String(state.search.offset) });
    const add = (name, value) => { if (value) params.set(name, value); };
    add('businessKey', $('q-key').value.trim());
    add('status', $('q-status').value);
    add('element', $('q-element').value);
    const variable = $('q-variable').value.trim();
    if (variable) {
      params.set('variable', variable);
      params.set('value', $('q-value').value);
    }
    add('startedFrom', $('q-from').value);
    add('startedTo', $('q-to').value);
    $('search-error').hidden = true;
    let page;
    try {
      page = await api('GET', `/api/instances?${params}`);
    } catch (e) {
      $('search-error').textContent = e.message;
      $('search-error').hidden = false;
      return;
    }
    const body = $('instances').querySelector('tbody');
    const rows = page.items.map((i) => el('tr', { 'data-instance': String(i.id) },
      el('td', {}, el('a', { href: `#instance/${i.id}`, text: String(i.id) })),
      el('td', { text: i.businessKey || '' }),
      el('td', {}, el('span', { class: `state ${i.status}`, text: stateLabel(i.status) })),
      el('td', { text: String(i.version) }),
      el('td', { text: formatDate(i.startedAt) })));
    if (fresh) body.replaceChildren(...rows); else body.append(...rows);
    $('instances-empty').hidden = body.children.length > 0;
    $('more').hidden = page.items.length < PAGE;
  }

  // --- One instance --------------------------------------------------------------------------
  async function showInstance(id) {
    show('instance-view');
    const inst = await api('GET', `/api/instances/${id}?historyLimit=200`);
    const xml = await api('GET', `/api/definitions/${encodeURIComponent(inst.process)}/xml?version=${inst.version}`, undefined, 'application/xml');
    const names = elementsOf(xml);
    const nameOf = (e) => names[e]?.name || e;
    $('back-to-process').href = `#process/${encodeURIComponent(inst.process)}/${inst.version}`;
    $('instance-title').textContent = `${names[inst.process]?.name || inst.process} · ${inst.id}`;
    $('instance-state').textContent = stateLabel(inst.status);
    $('instance-state').className = `state ${inst.status}`;
    const admin = state.me.roles.includes('admin');
    $('cancel').hidden = !admin || (inst.status !== 'active' && inst.status !== 'incident');
    $('cancel').dataset.instance = String(inst.id);

    const facts = [[t('businessKey'), inst.businessKey || '–'], [t('versionOf'), String(inst.version)],
      [t('started'), formatDate(inst.startedAt)]];
    if (inst.endedAt) facts.push([t('ended'), formatDate(inst.endedAt)]);
    $('instance-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));

    const open = inst.incidents.filter((i) => !i.resolvedAt);
    const tokens = {};
    for (const a of inst.active) tokens[a.element] = (tokens[a.element] || 0) + 1;
    // Tokens that wait at a joining gateway for the others (no element instance holds them).
    const joins = inst.joins || [];
    for (const j of joins) for (const n of Object.values(j.arrived)) tokens[j.element] = (tokens[j.element] || 0) + n;
    const failing = {};
    for (const i of open) failing[i.element] = (failing[i.element] || 0) + 1;
    const drawn = await draw($('instance-diagram'), xml, (viewer) => {
      const canvas = viewer.get('canvas');
      const registry = viewer.get('elementRegistry');
      for (const [e, n] of Object.entries(tokens)) {
        if (registry.get(e)) canvas.addMarker(e, 'active');
        badge(viewer, e, n, 'tokens');
      }
      for (const [e, n] of Object.entries(failing)) {
        if (registry.get(e)) canvas.addMarker(e, 'failed');
        badge(viewer, e, n, 'incident');
      }
    });
    $('instance-no-diagram').hidden = drawn;

    $('incidents').replaceChildren(...open.map((i) => el('li', { 'data-incident': String(i.key) },
      el('strong', { text: nameOf(i.element) }),
      el('span', { class: 'msg', text: i.message }),
      el('span', { class: 'muted', text: t('incidentSince', formatDate(i.createdAt)) }),
      admin ? el('button', { type: 'button', class: 'retry', text: t('retry'), 'data-incident': String(i.key) }) : null)));
    $('no-incidents').hidden = open.length > 0;

    await showJobs(inst, nameOf, admin);

    const running = inst.status === 'active' || inst.status === 'incident';
    $('modify-panel').hidden = !admin || !running;
    $('x-error').hidden = true;
    $('modify-panel').dataset.instance = String(inst.id);
    const flowNodes = Object.entries(names).filter(([, n]) => n.type !== 'process' && !/^(boundaryEvent|startEvent|lane|laneSet|textAnnotation|dataObject|dataObjectReference|dataStoreReference|group)$/.test(n.type));
    const activeIds = [...new Set(inst.active.map((a) => a.element))];
    $('x-cancel').replaceChildren(el('option', { value: '', text: t('nothing') }), ...activeIds.map((e) => el('option', { value: e, text: nameOf(e) })));
    $('x-start').replaceChildren(el('option', { value: '', text: t('nothing') }), ...flowNodes.map(([id, n]) => el('option', { value: id, text: n.name })));
    $('where-now').hidden = $('active').hidden = inst.active.length + joins.length === 0;
    $('active').replaceChildren(...inst.active.map((a) => el('li', { text: `${nameOf(a.element)}${a.waiting ? ` (${t('waiting')})` : ''}` })),
      ...joins.map((j) => el('li', { text: `${nameOf(j.element)} (${t('waitingForOthers')})` })));

    $('variables').querySelector('tbody').replaceChildren(...Object.entries(inst.variables || {}).map(([k, v]) =>
      el('tr', {}, el('td', { text: k }), isMasked(v)
        ? el('td', { class: 'value muted', text: t('hiddenValue', t(`class_${v.masked}`)) })
        : el('td', { class: 'value', text: JSON.stringify(v, null, 1) }))));

    $('timeline').querySelector('tbody').replaceChildren(...inst.history.map((h) => el('tr', {},
      el('td', { text: formatDate(h.at) }),
      el('td', { text: i18n.kind(h.kind) }),
      el('td', { text: h.element ? nameOf(h.element) : '' }),
      el('td', { text: (h.actor || '').replace(/^user:/, '') }))));
    $('timeline-more').hidden = inst.historyTotal <= inst.history.length;
    $('timeline-more').textContent = t('shown', inst.history.length, inst.historyTotal);
  }

  // --- Jobs of an instance: run a stuck one again, or complete it by hand (administrators) -----
  async function showJobs(inst, nameOf, admin) {
    const jobs = (await api('GET', `/api/jobs?instance=${inst.id}`)).items;
    $('jobs').querySelector('tbody').replaceChildren(...jobs.map((j) => el('tr', { 'data-job': String(j.key) },
      el('td', { text: nameOf(j.element) }),
      el('td', { text: j.type }),
      el('td', { class: `num${j.retries ? '' : ' bad'}`, text: String(j.retries) }),
      el('td', { text: formatDate(j.due) }),
      el('td', { text: j.lockedBy ? (j.lockedByAccount || j.lockedBy) : '' }),
      el('td', {}, ...(admin ? [
        el('button', { type: 'button', class: 'job-retry', text: t('runAgain'), 'data-job': String(j.key) }),
        el('button', { type: 'button', class: 'job-complete', text: t('completeByHand'), 'data-job': String(j.key) })] : [])))));
    $('jobs').hidden = jobs.length === 0;
    $('no-jobs').hidden = jobs.length > 0;
    $('job-panel').hidden = !admin || jobs.length === 0;
    $('j-error').hidden = true;
  }

  async function jobAction(ev) {
    const button = ev.target.closest('button.job-retry, button.job-complete');
    if (!button) return;
    const reason = $('j-reason').value.trim();
    $('j-error').hidden = true;
    if (!reason) {
      $('j-error').textContent = t('needReason');
      $('j-error').hidden = false;
      return;
    }
    const key = button.dataset.job;
    try {
      if (button.classList.contains('job-retry')) {
        await api('PUT', `/api/jobs/${key}/retries`, { retries: 3, resolveIncident: true, reason });
        toast(t('jobRetried'));
      } else {
        let variables = {};
        const text = $('j-result').value.trim();
        if (text) {
          try { variables = JSON.parse(text); } catch { variables = null; }
          if (!variables || typeof variables !== 'object' || Array.isArray(variables)) {
            $('j-error').textContent = t('badJson');
            $('j-error').hidden = false;
            return;
          }
        }
        await api('POST', `/api/jobs/${key}/complete`, { variables, reason });
        toast(t('jobCompleted'));
      }
      $('j-reason').value = '';
      $('j-result').value = '';
    } catch (e) {
      $('j-error').textContent = e.message;
      $('j-error').hidden = false;
      return;
    }
    await route();
  }

  // --- Dashboards: a process's figures (GET /api/stats/{process}) -----------------------------
  async function fillProcessSelect(select) {
    if (select.dataset.filled) return;
    const list = await api('GET', '/api/processes');
    select.append(...list.map((p) => el('option', { value: p.process, text: p.name || p.process })));
    select.dataset.filled = '1';
  }

  async function showDashboard(processId) {
    show('dashboards-view');
    await fillProcessSelect($('d-process'));
    if (processId) $('d-process').value = processId;
    const chosen = $('d-process').value;
    if (!chosen) return;
    const params = new URLSearchParams();
    if ($('d-from').value) params.set('from', $('d-from').value);
    if ($('d-to').value) params.set('to', $('d-to').value);
    if ($('d-units').checked) params.set('by', 'unit');
    $('dashboard-error').hidden = true;
    let s;
    try {
      s = await api('GET', `/api/stats/${encodeURIComponent(chosen)}?${params}`);
    } catch (e) {
      $('dashboard-error').textContent = e.message;
      $('dashboard-error').hidden = false;
      $('dashboard').hidden = true;
      return;
    }
    $('dashboard').hidden = false;
    $('d-period').textContent = t('periodOf', formatDate(s.from), formatDate(s.to));
    const fig = (value, label, key) => el('div', { 'data-figure': key }, el('b', { text: value }), el('span', { text: label }));
    const tiles = [fig(String(s.instances.started), t('legendStarted'), 'started'), fig(String(s.instances.completed), t('figCompleted'), 'completed'),
      fig(String(s.instances.running), t('figRunning'), 'running'), fig(formatDuration(s.instances.leadTime.p50), t('figLead'), 'lead50'),
      fig(formatDuration(s.instances.leadTime.p90), t('figLead90'), 'lead90'), fig(String(s.overdue.total), t('figOverdue'), 'overdue')];
    if (s.deadline) tiles.push(fig(s.deadline.share === null ? '–' : `${Math.round(s.deadline.share * 100)} %`, t('figMet'), 'met'));
    $('d-figures').replaceChildren(...tiles);
    drawWeeks(s.throughput);
    $('d-deadline-section').hidden = !s.deadline;
    if (s.deadline) {
      const d = s.deadline;
      $('d-deadline').textContent = t('deadlineSays', d.duration, d.met, d.completed, d.late, d.atRisk);
      $('d-risk').querySelector('tbody').replaceChildren(...d.cases.map((c) => el('tr', {},
        el('td', {}, el('a', { href: `#instance/${c.instance}`, text: String(c.instance) })), el('td', { text: formatDate(c.dueAt) }),
        el('td', { class: c.late ? 'bad' : '', text: c.late ? t('late') : t('atRisk') }))));
    }
    $('d-steps').querySelector('tbody').replaceChildren(...s.steps.map((st) => el('tr', { 'data-element': st.element },
      el('td', { text: st.name || st.element, title: st.element }), el('td', { class: 'num', text: String(st.completed) }),
      el('td', { class: 'num', text: formatDuration(st.leadTime.p50) }), el('td', { class: 'num', text: formatDuration(st.leadTime.p90) }))));
    $('d-waits').querySelector('tbody').replaceChildren(...s.userTasks.map((u) => el('tr', { 'data-element': u.element },
      el('td', { text: u.name || u.element }), el('td', { class: 'num', text: String(u.tasks) }), el('td', { class: 'num', text: String(u.waitingNow) }),
      el('td', { class: 'num', text: formatDuration(u.wait.p50) }), el('td', { class: 'num', text: formatDuration(u.wait.p90) }))));
    $('d-overdue').querySelector('tbody').replaceChildren(...s.overdue.byHolder.map((h) => el('tr', {},
      el('td', { text: h.holder }), el('td', { class: 'num bad', text: String(h.tasks) }), el('td', { text: formatDate(h.oldestDue) }))));
    $('d-units-section').hidden = !s.units;
    if (s.units) {
      $('d-unit-table').querySelector('tbody').replaceChildren(...s.units.map((u) => el('tr', { 'data-unit': u.unit },
        el('td', { text: u.unit }), el('td', { class: 'num', text: String(u.started) }), el('td', { class: 'num', text: String(u.completed) }),
        el('td', { class: 'num', text: String(u.running) }), el('td', { class: 'num', text: formatDuration(u.leadTime.p50) }),
        el('td', { class: `num${u.overdue ? ' bad' : ''}`, text: String(u.overdue) }))));
    }
  }

  // Two bars per ISO week (started, completed), scaled to the busiest week.
  function drawWeeks(weeks) {
    const box = $('d-weeks');
    const W = 800, H = 200, pad = 18;
    const max = Math.max(1, ...weeks.map((w) => Math.max(w.started, w.completed)));
    const step = weeks.length ? (W - 2 * pad) / weeks.length : 0;
    const bar = Math.min(40, Math.max(1, step / 2 - 2));
    const parts = [];
    weeks.forEach((w, i) => {
      const x = pad + i * step;
      for (const [cls, n, dx] of [['s', w.started, 0], ['c', w.completed, bar + 1]]) {
        const h = ((H - 2 * pad) * n) / max;
        const r = svg('rect', { class: cls, x: x + dx, y: H - pad - h, width: bar, height: h, 'data-week': w.week });
        r.append(svg('title', {}, `${w.week}: ${n}`));
        parts.push(r);
      }
    });
    box.replaceChildren(...parts);
  }

  // --- The organisation as a network ---------------------------------------------------------
  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs = {}, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function showNetwork() {
    show('network-view');
    const admin = state.me.roles.includes('admin');
    $('n-people-label').hidden = !admin;
    await fillProcessSelect($('n-process'));
    const params = new URLSearchParams();
    if ($('n-process').value) params.set('process', $('n-process').value);
    if ($('n-from').value) params.set('from', $('n-from').value);
    if ($('n-to').value) params.set('to', $('n-to').value);
    if (admin && $('n-people').checked) params.set('people', 'true');
    $('network-error').hidden = true;
    let n;
    try {
      n = await api('GET', `/api/network?${params}`);
    } catch (e) {
      $('network-error').textContent = e.message;
      $('network-error').hidden = false;
      return;
    }
    drawNetwork(n);
    $('handoffs').querySelector('tbody').replaceChildren(...n.handoffs.map((h) => el('tr', { 'data-from': h.from, 'data-to': h.to },
      el('td', { text: h.from }), el('td', { text: h.to }), el('td', { class: 'num', text: String(h.count) }),
      el('td', { class: 'num', text: formatDuration(h.time.p50) }))));
    $('together').querySelector('tbody').replaceChildren(...n.together.map((p) => el('tr', {},
      el('td', { text: `${p.a} + ${p.b}` }), el('td', { class: 'num', text: String(p.cases) }))));
    $('network-empty').hidden = n.nodes.length > 0;
    $('network-graph').style.display = n.nodes.length ? '' : 'none';
  }

  // Nodes on a circle (the 40 busiest), sized by actions; an arrow per hand-off, as thick as it
  // is frequent, bent so that both directions between two nodes show.
  function drawNetwork(n) {
    const nodes = n.nodes.slice(0, 40);
    const W = 800, H = 520, cx = W / 2, cy = H / 2, R = Math.min(W, H) / 2 - 70;
    const maxActions = Math.max(1, ...nodes.map((x) => x.actions));
    const place = new Map(nodes.map((node, i) => {
      const a = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
      const r = 16 + 20 * Math.sqrt(node.actions / maxActions);
      return [node.id, { x: nodes.length === 1 ? cx : cx + R * Math.cos(a), y: nodes.length === 1 ? cy : cy + R * Math.sin(a), r, node }];
    }));
    const maxCount = Math.max(1, ...n.handoffs.map((h) => h.count));
    const edges = n.handoffs.filter((h) => place.has(h.from) && place.has(h.to)).map((h) => {
      const a = place.get(h.from), b = place.get(h.to);
      const dx = b.x - a.x, dy = b.y - a.y, d = Math.hypot(dx, dy) || 1;
      const ux = dx / d, uy = dy / d;
      const sx = a.x + ux * a.r, sy = a.y + uy * a.r, ex = b.x - ux * (b.r + 3), ey = b.y - uy * (b.r + 3);
      const mx = (sx + ex) / 2 - uy * 0.15 * d, my = (sy + ey) / 2 + ux * 0.15 * d;
      const g = svg('g', { class: 'handoff', 'data-from': h.from, 'data-to': h.to });
      g.append(svg('path', { class: 'edge', d: `M${sx},${sy} Q${mx},${my} ${ex},${ey}`, 'stroke-width': 1.5 + (6 * h.count) / maxCount, 'marker-end': 'url(#arrow)' }));
      g.append(svg('text', { x: mx, y: my, class: 'n', 'text-anchor': 'middle' }, String(h.count)));
      g.append(svg('title', {}, `${h.from} → ${h.to}: ${h.count}`));
      return g;
    });
    $('network-edges').replaceChildren(...edges);
    $('network-nodes').replaceChildren(...[...place.values()].map(({ x, y, r, node }) => {
      const g = svg('g', { class: `node ${node.kind}`, 'data-node': node.id });
      g.append(svg('circle', { cx: x, cy: y, r }));
      g.append(svg('text', { x, y: y + r + 16 }, node.id));
      g.append(svg('text', { x, y: y + 5, class: 'n' }, String(node.actions)));
      g.append(svg('title', {}, `${node.id}: ${t('actionsOf', node.actions, node.people)}`));
      return g;
    }));
  }

  // --- Navigation ----------------------------------------------------------------------------
  async function route() {
    if (!state.me) return;
    const parts = location.hash.replace(/^#/, '').split('/').map(decodeURIComponent);
    try {
      if (parts[0] === 'process' && parts[1]) await showProcess(parts[1], Number(parts[2]) || 0);
      else if (parts[0] === 'instance' && parts[1]) await showInstance(parts[1]);
      else if (parts[0] === 'network') await showNetwork();
      else if (parts[0] === 'dashboards') await showDashboard(parts[1] || '');
      else await showProcesses();
    } catch (e) {
      if (e.status !== 401) toast(e.message);
    }
  }

  async function enter(me) {
    state.me = me;
    if (!localStorage.getItem('elva.lang')) i18n.set([me.locale, ...navigator.languages]);
    $('lang').value = i18n.lang;
    $('who').textContent = me.name || me.id;
    if (!me.roles.includes('developer') && !me.roles.includes('admin')) {
      show('denied-view');
      return;
    }
    await route();
  }

  function logout(message) {
    if (state.token && !message) {
      const ended = api('POST', '/api/logout').catch(() => {});
      ended.then(() => window.ElvaSso.leave());
    }
    state.token = null;
    state.me = null;
    sessionStorage.removeItem(store('token'));
    show('login-view');
    $('login-error').textContent = message || '';
    $('login-error').hidden = !message;
    $('username').focus();
  }

  function wire() {
    $('login-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      $('login-error').hidden = true;
      try {
        const s = await api('POST', '/api/login', { username: $('username').value.trim(), password: $('password').value });
        state.token = s.token;
        sessionStorage.setItem(store('token'), s.token);
        $('password').value = '';
        await enter(await api('GET', '/api/me'));
      } catch (e) {
        $('login-error').textContent = e.status === 401 || e.status === 400 ? t('loginFailed') : e.message;
        $('login-error').hidden = false;
      }
    });
    $('logout').addEventListener('click', () => logout());
    $('lang').addEventListener('change', () => {
      i18n.set([$('lang').value]);
      localStorage.setItem('elva.lang', i18n.lang);
      route();
    });
    $('version').addEventListener('change', () => {
      location.hash = `#process/${encodeURIComponent(state.process.id)}/${$('version').value}`;
    });
    $('heat').addEventListener('change', () => {
      const viewer = state.viewers['process-diagram'];
      if (viewer) applyHeat(viewer, $('heat').checked);
    });
    $('search').addEventListener('submit', (ev) => { ev.preventDefault(); runSearch(true); });
    $('network-form').addEventListener('submit', (ev) => { ev.preventDefault(); showNetwork(); });
    $('dashboard-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const target = `#dashboards/${encodeURIComponent($('d-process').value)}`;
      if (location.hash === target) showDashboard($('d-process').value); else location.hash = target;
    });
    $('more').addEventListener('click', () => { state.search.offset += PAGE; runSearch(false); });
    $('incidents').addEventListener('click', async (ev) => {
      const button = ev.target.closest('button.retry');
      if (!button) return;
      button.disabled = true;
      try {
        await api('POST', `/api/incidents/${button.dataset.incident}/retry`);
        toast(t('retried'));
      } catch (e) {
        toast(e.message);
      }
      await route();
    });
    $('cancel').addEventListener('click', async () => {
      const id = $('cancel').dataset.instance;
      if (!window.confirm(t('confirmCancel', id))) return;
      try {
        await api('POST', `/api/instances/${id}/cancel`);
        toast(t('cancelled'));
      } catch (e) {
        toast(e.message);
      }
      await route();
    });
    $('m-check').addEventListener('click', checkMigration);
    const versionsChanged = () => { $('m-report').hidden = true; $('m-unmapped').replaceChildren(); state.migrationMap = {}; };
    $('m-from').addEventListener('change', versionsChanged);
    $('m-to').addEventListener('change', versionsChanged);
    $('m-run').addEventListener('click', runMigration);
    $('m-recheck').addEventListener('click', checkMigration);
    $('jobs').addEventListener('click', jobAction);
    $('x-run').addEventListener('click', async () => {
      const id = $('modify-panel').dataset.instance;
      const reason = $('x-reason').value.trim();
      const body = { cancel: $('x-cancel').value ? [$('x-cancel').value] : [], startBefore: $('x-start').value ? [$('x-start').value] : [], reason };
      $('x-error').hidden = true;
      if (!reason) {
        $('x-error').textContent = t('needReason');
        $('x-error').hidden = false;
        return;
      }
      try {
        await api('POST', `/api/instances/${id}/modification`, body);
        toast(t('moved'));
        $('x-reason').value = '';
        await route();
      } catch (e) {
        $('x-error').textContent = e.message;
        $('x-error').hidden = false;
      }
    });
    window.addEventListener('hashchange', route);
  }

  async function init() {
    i18n.set([localStorage.getItem('elva.lang'), ...navigator.languages]);
    $('lang').value = i18n.lang;
    wire();
    const handed = window.ElvaSso.take(store('token'));
    if (handed?.token) state.token = handed.token;
    window.ElvaSso.offer(base, $('sso-login'), `${base}/cockpit/`);
    if (handed?.error) { logout(`${t('ssoFailed')} ${handed.error}`); return; }
    if (!state.token) { logout(); return; }
    try {
      await enter(await api('GET', '/api/me'));
    } catch {
      logout();
    }
  }

  init();
})();
