// The employee task list: log in, see my tasks and my groups' tasks by due date (overdue marked),
// open one (process, case, instructions, form), claim it, complete it; the list refreshes. Talks
// to the REST API of the same server (docs/api.md); the session token lives in sessionStorage.
'use strict';

(() => {
  const i18n = window.ElvaI18n;
  const forms = window.ElvaForms;
  const { t } = i18n;
  const $ = (id) => document.getElementById(id);
  // Under /t/{tenant}/tasklist/ the page talks to that tenant's API.
  const base = (/^\/t\/[a-z0-9-]+/.exec(location.pathname) || [''])[0];
  const store = (key) => `elva${base.replace(/\//g, '.')}.${key}`;
  const state = { token: sessionStorage.getItem(store('token')), me: null, filter: localStorage.getItem('elva.filter') || 'all', tasks: [], open: null, view: 'tasks', startable: [], requests: [], starting: null };

  // --- API -----------------------------------------------------------------------------------
  // `message` is for the employee, in the page's language, chosen by what happened; the server's
  // own words (`detail`, English) only where the page has none of its own.
  class ApiError extends Error {
    constructor(status, problem) {
      super(ApiError.say(status, problem || {}));
      this.status = status;
      this.problem = problem || {};
      this.detail = this.problem.detail || `HTTP ${status}`;
    }

    static say(status, p) {
      if (status === 0) return t('networkError');
      if (status === 400 || status === 422) return p.errors?.length ? t('fixFields') : p.detail || `HTTP ${status}`;
      if (status === 403) return t('notAllowed');
      if (status === 404) return t('notFound');
      if (status === 409 || status === 412) return t('changedMeanwhile');
      if (status === 413 || status === 429 || status === 503) return t('busy');
      if (status >= 500) return t('serverError', p.correlationId || '');
      return p.detail || `HTTP ${status}`;
    }
  }

  async function api(method, path, body) {
    // Process content (task names, instructions, forms) comes in the language the page shows.
    const headers = { accept: 'application/json', 'accept-language': i18n.lang };
    if (state.token) headers.authorization = `Bearer ${state.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, {});
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (res.status === 401 && state.token) {
      logout(t('sessionEnded'));
      throw new ApiError(401, json);
    }
    if (!res.ok) throw new ApiError(res.status, json);
    return json;
  }

  // --- Views ---------------------------------------------------------------------------------
  function show(view) {
    $('login-view').hidden = view !== 'login';
    $('tasks-view').hidden = view !== 'tasks';
    $('who').hidden = $('logout').hidden = view !== 'tasks';
  }

  function toast(message) {
    const el = $('toast');
    el.textContent = message;
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
  }

  function formatDate(iso) {
    if (!iso) return t('noDue');
    const d = new Date(iso);
    return d.toLocaleString(i18n.locale(), { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  }

  function setLanguage(candidates) {
    const before = i18n.lang;
    const lang = i18n.set(candidates);
    $('lang').value = lang;
    if (state.me) renderList();
    if (state.open) renderDetail(state.open);
    if (state.me && state.view === 'start') renderStartable();
    if (state.me && state.view === 'requests') renderRequests();
    if (state.starting) renderStart(state.starting);
    // The server translates process content: read it again in the new language.
    if (state.me && lang !== before) reload();
  }

  function reload() {
    refresh();
    if (state.open) open(state.open.id);
    if (state.view === 'start') loadStartable();
    if (state.starting) openStart(state.starting.process);
    if (state.view === 'requests') loadRequests();
  }

  // --- Login ---------------------------------------------------------------------------------
  async function login(event) {
    event.preventDefault();
    const error = $('login-error');
    error.hidden = true;
    try {
      const s = await api('POST', '/api/login', { username: $('username').value.trim(), password: $('password').value });
      state.token = s.token;
      sessionStorage.setItem(store('token'), s.token);
      $('password').value = '';
      await enter(s.user);
    } catch (e) {
      error.textContent = e.status === 401 ? t('loginFailed') : e.message;
      error.hidden = false;
    }
  }

  function logout(message) {
    if (state.token && !message) {
      const ended = api('POST', '/api/logout').catch(() => {});
      ended.then(() => window.ElvaSso.leave());
    }
    state.token = null;
    state.me = null;
    state.open = null;
    sessionStorage.removeItem(store('token'));
    show('login');
    if (message) {
      $('login-error').textContent = message;
      $('login-error').hidden = false;
    }
    $('username').focus();
  }

  async function enter(me) {
    state.me = me;
    $('who').textContent = me.name || me.id;
    setLanguage([localStorage.getItem('elva.lang'), me.locale, ...navigator.languages]);
    show('tasks');
    await refresh();
    route();
  }

  // --- The list ------------------------------------------------------------------------------
  async function refresh() {
    $('list-status').textContent = t('loading');
    try {
      const page = await api('GET', '/api/tasks?sort=due&limit=200');
      state.tasks = page.items;
      renderList();
    } catch (e) {
      $('list-status').textContent = e.message;
    }
  }

  function visibleTasks() {
    const me = state.me.id;
    if (state.filter === 'mine') return state.tasks.filter((x) => x.assignee === me);
    if (state.filter === 'group') return state.tasks.filter((x) => !x.assignee);
    return state.tasks;
  }

  function renderList() {
    for (const b of document.querySelectorAll('[data-filter]')) b.setAttribute('aria-selected', String(b.dataset.filter === state.filter));
    const tasks = visibleTasks();
    $('list-status').textContent = tasks.length ? t('taskCount', tasks.length) : t('noTasks');
    const list = $('task-list');
    list.replaceChildren();
    for (const task of tasks) {
      const li = document.createElement('li');
      li.className = 'task' + (task.overdue ? ' overdue' : '') + (state.open && state.open.id === task.id ? ' selected' : '');
      li.dataset.id = task.id;
      const a = document.createElement('a');
      a.href = `#task/${task.id}`;
      const name = document.createElement('strong');
      name.textContent = task.name;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = [task.process.name || task.process.id, task.businessKey].filter(Boolean).join(' · ');
      const due = document.createElement('span');
      due.className = 'due';
      due.textContent = task.due ? t('dueIn', formatDate(task.due)) : t('noDue');
      a.append(name, meta, due);
      if (task.overdue) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = t('overdue');
        a.append(badge);
      }
      if (task.priority > 50) {
        const p = document.createElement('span');
        p.className = 'badge prio';
        p.textContent = t('high');
        p.title = `${t('priority')} ${task.priority}`;
        a.append(p);
      }
      if (task.assignee === state.me.id) li.classList.add('mine');
      li.append(a);
      list.append(li);
    }
  }

  // --- One task ------------------------------------------------------------------------------
  async function open(id) {
    try {
      const task = await api('GET', `/api/tasks/${id}`);
      state.open = task;
      renderDetail(task);
      renderList();
      $('tasks-view').classList.add('has-detail');
      $('detail').hidden = false;
      $('d-name').focus?.();
    } catch (e) {
      toast(e.message);
      closeDetail();
    }
  }

  function renderDetail(task) {
    $('d-name').textContent = task.name;
    $('d-process').textContent = task.process.name || task.process.id;
    $('d-key').textContent = task.businessKey || '—';
    $('d-due').textContent = task.due ? formatDate(task.due) + (task.overdue ? ` (${t('overdue')})` : '') : t('noDue');
    $('d-due').classList.toggle('overdue', task.overdue);
    $('d-assignee').textContent = !task.assignee ? t('unassigned') : task.assignee === state.me.id ? `${task.assignee} (${t('you')})` : task.assignee;
    $('d-doc-wrap').hidden = !task.documentation;
    $('d-doc').textContent = task.documentation || '';
    renderCase(task);
    $('claim').hidden = task.assignee === state.me.id;
    $('unclaim').hidden = task.assignee !== state.me.id;
    const fields = $('fields');
    if (task.form && task.form.schema) forms.render(fields, task.form.schema, task.variables || {});
    else fields.replaceChildren();
    $('form-error').hidden = true;
  }

  // What the process developer declared the worker needs to see (elva:summary), and who did
  // the earlier steps of the case, when.
  function caseValue(v) {
    if (v === null || v === undefined || v === '') return '—';
    if (v === true) return t('yes');
    if (v === false) return t('no');
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(v)) {
      const d = new Date(v.length === 10 ? `${v}T12:00:00Z` : v);
      if (!Number.isNaN(d.getTime())) {
        return v.length === 10 ? d.toLocaleDateString(i18n.locale(), { day: 'numeric', month: 'long', year: 'numeric' }) : formatDate(v);
      }
    }
    if (Array.isArray(v)) return v.map(caseValue).join(', ');
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function renderCase(task) {
    const summary = task.summary || [];
    const dl = $('d-case');
    dl.replaceChildren();
    for (const f of summary) {
      const dt = document.createElement('dt');
      dt.textContent = f.label;
      const dd = document.createElement('dd');
      dd.textContent = caseValue(f.value);
      dl.append(dt, dd);
    }
    $('d-case-wrap').hidden = summary.length === 0;
    const steps = task.steps || [];
    const ol = $('d-steps');
    ol.replaceChildren();
    for (const s of steps) {
      const li = document.createElement('li');
      li.textContent = t('stepBy', s.name, s.by, formatDate(s.at));
      ol.append(li);
    }
    $('d-steps-wrap').hidden = steps.length === 0;
  }

  function closeDetail(keepHash) {
    state.open = null;
    $('detail').hidden = true;
    $('tasks-view').classList.remove('has-detail');
    if (location.hash && !keepHash) history.replaceState(null, '', location.pathname);
    renderList();
  }

  async function claim(give_back) {
    const task = state.open;
    try {
      await api('POST', `/api/tasks/${task.id}/${give_back ? 'unclaim' : 'claim'}`);
      // Read it again: the whole task, with its case and form in the reader's language.
      await open(task.id);
      await refresh();
    } catch (e) {
      toast(e.message);
    }
  }

  async function complete(event) {
    event.preventDefault();
    const task = state.open;
    const schema = task.form && task.form.schema;
    const formError = $('form-error');
    formError.hidden = true;
    let data = {};
    if (schema) {
      const read = forms.read($('fields'), schema);
      if (Object.keys(read.errors).length) {
        forms.showErrors($('fields'), read.errors, () => {});
        formError.textContent = t('fixFields');
        formError.hidden = false;
        return;
      }
      data = read.data;
    }
    $('complete').disabled = true;
    try {
      await api('POST', `/api/tasks/${task.id}/complete`, { variables: data });
      toast(t('completed', task.name));
      closeDetail();
      await refresh();
    } catch (e) {
      const fieldErrors = forms.serverErrors(schema, e.problem);
      forms.showErrors($('fields'), fieldErrors, (rest) => {
        formError.textContent = [e.problem.errors?.length ? t('fixFields') : e.message, ...rest].join(' ');
        formError.hidden = false;
      });
      if (e.status === 409 || e.status === 404) await refresh();
    } finally {
      $('complete').disabled = false;
    }
  }

  // --- Start a request and follow it --------------------------------------------------------
  function setView(view) {
    state.view = view;
    $('tasks-pane').hidden = view !== 'tasks';
    $('start-pane').hidden = view !== 'start';
    $('requests-pane').hidden = view !== 'requests';
    $('mail-pane').hidden = view !== 'mail';
    for (const a of document.querySelectorAll('[data-view]')) {
      if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (view !== 'tasks' && state.open) closeDetail(true);
    if (view !== 'start' && state.starting) closeStart(true);
  }

  async function loadStartable() {
    $('start-status').textContent = t('loading');
    try {
      state.startable = (await api('GET', '/api/startable')).items;
      renderStartable();
    } catch (e) {
      $('start-status').textContent = e.message;
    }
  }

  function renderStartable() {
    const items = state.startable;
    $('start-status').textContent = items.length ? t('startableCount', items.length) : t('noStartable');
    const list = $('start-list');
    list.replaceChildren();
    for (const p of items) {
      const li = document.createElement('li');
      li.className = 'task' + (state.starting && state.starting.process === p.process ? ' selected' : '');
      const a = document.createElement('a');
      a.href = `#start/${encodeURIComponent(p.process)}`;
      const name = document.createElement('strong');
      name.textContent = p.name;
      a.append(name);
      if (p.documentation) {
        const doc = document.createElement('span');
        doc.className = 'meta';
        doc.textContent = p.documentation.split('\n')[0];
        a.append(doc);
      }
      li.append(a);
      list.append(li);
    }
  }

  async function openStart(process) {
    try {
      const p = await api('GET', `/api/startable/${encodeURIComponent(process)}`);
      state.starting = p;
      renderStart(p);
      $('tasks-view').classList.add('has-detail');
      $('start-detail').hidden = false;
      if (!state.startable.length) await loadStartable();
      else renderStartable();
    } catch (e) {
      toast(e.message);
      closeStart();
    }
  }

  function renderStart(p) {
    $('s-name').textContent = p.name;
    $('s-doc-wrap').hidden = !p.documentation;
    $('s-doc').textContent = p.documentation || '';
    if (p.form && p.form.schema) forms.render($('s-fields'), p.form.schema, {});
    else $('s-fields').replaceChildren();
    $('s-error').hidden = true;
  }

  function closeStart(keepHash) {
    state.starting = null;
    $('start-detail').hidden = true;
    $('tasks-view').classList.remove('has-detail');
    if (!keepHash && location.hash.startsWith('#start/')) history.replaceState(null, '', '#start');
    if (state.view === 'start') renderStartable();
  }

  async function sendStart(event) {
    event.preventDefault();
    const p = state.starting;
    const schema = p.form && p.form.schema;
    const formError = $('s-error');
    formError.hidden = true;
    let data = {};
    if (schema) {
      const read = forms.read($('s-fields'), schema);
      if (Object.keys(read.errors).length) {
        forms.showErrors($('s-fields'), read.errors, () => {});
        formError.textContent = t('fixFields');
        formError.hidden = false;
        return;
      }
      data = read.data;
    }
    $('send').disabled = true;
    try {
      await api('POST', '/api/instances', { process: p.process, variables: data });
      toast(t('sent', p.name));
      closeStart(true);
      location.hash = '#requests';
    } catch (e) {
      const fieldErrors = forms.serverErrors(schema, e.problem);
      forms.showErrors($('s-fields'), fieldErrors, (rest) => {
        formError.textContent = [e.problem.errors?.length ? t('fixFields') : e.message, ...rest].join(' ');
        formError.hidden = false;
      });
    } finally {
      $('send').disabled = false;
    }
  }

  async function loadRequests() {
    $('requests-status').textContent = t('loading');
    try {
      state.requests = (await api('GET', '/api/requests')).items;
      renderRequests();
    } catch (e) {
      $('requests-status').textContent = e.message;
    }
  }

  function renderRequests() {
    const items = state.requests;
    $('requests-status').textContent = items.length ? t('requestCount', items.length) : t('noRequests');
    const list = $('request-list');
    list.replaceChildren();
    const line = (cls, text) => {
      const el = document.createElement('span');
      el.className = cls;
      el.textContent = text;
      return el;
    };
    for (const r of items) {
      const li = document.createElement('li');
      li.className = `task ${r.status}`;
      li.dataset.id = r.id;
      const box = document.createElement('div');
      const name = document.createElement('strong');
      name.textContent = r.process.name;
      box.append(name);
      box.append(line('meta', [r.businessKey, t('started', formatDate(r.startedAt))].filter(Boolean).join(' · ')));
      const status = { active: 'statusActive', completed: 'statusCompleted', terminated: 'statusTerminated' }[r.status];
      box.append(line('status', t(status || 'statusActive') + (r.endedAt ? ` · ${t('ended', formatDate(r.endedAt))}` : '')));
      for (const step of r.current) {
        const holder = step.assignee
          ? t('withHolder', step.name, step.assignee)
          : t('withGroup', step.name, step.candidateGroups.join(', ') || '—');
        box.append(line('step', holder + (step.due ? ` · ${t('dueIn', formatDate(step.due))}` : '')));
      }
      if (r.status === 'active' && !r.current.length) box.append(line('step', t('inSystem')));
      if (r.withdrawable) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'withdraw';
        b.textContent = t('withdraw');
        b.addEventListener('click', () => withdraw(r));
        box.append(b);
      }
      li.append(box);
      list.append(li);
    }
  }

  async function withdraw(r) {
    if (!window.confirm(t('confirmWithdraw'))) return;
    try {
      await api('POST', `/api/requests/${r.id}/withdraw`);
      toast(t('withdrawn'));
    } catch (e) {
      toast(e.status === 409 ? t('notWithdrawable') : e.message);
    }
    await loadRequests();
  }

  // --- How I hear of my tasks (GET/PUT /api/me/prompts) ----------------------------------------
  async function loadMail() {
    $('mail-error').hidden = true;
    try {
      const s = await api('GET', '/api/me/prompts');
      for (const r of document.querySelectorAll('#mail-form [name=mode]')) r.checked = r.value === s.mode;
      $('digest-at').value = s.digestAt || '';
      const quiet = s.quietHours || '';
      $('quiet-on').checked = Boolean(quiet);
      [$('quiet-from').value, $('quiet-to').value] = quiet ? quiet.split('-') : ['', ''];
      // The device's time zone is the best guess for someone who has chosen none.
      $('time-zone').value = s.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || '';
      state.quietTouched = false;
    } catch (e) {
      $('mail-error').textContent = e.message;
      $('mail-error').hidden = false;
    }
  }

  async function saveMail(ev) {
    ev.preventDefault();
    $('mail-error').hidden = true;
    const mode = document.querySelector('#mail-form [name=mode]:checked');
    const body = { mode: mode ? mode.value : 'each', digestAt: $('digest-at').value || null, timeZone: $('time-zone').value.trim() };
    // Quiet hours left untouched stay as they are (the server's, when the user chose none).
    if (state.quietTouched) {
      const from = $('quiet-from').value, to = $('quiet-to').value;
      body.quietHours = $('quiet-on').checked && from && to ? `${from}-${to}` : '';
    }
    $('mail-save').disabled = true;
    try {
      await api('PUT', '/api/me/prompts', body);
      toast(t('saved'));
      await loadMail();
    } catch (e) {
      $('mail-error').textContent = (e.problem.errors || []).some((x) => x.field === 'timeZone') ? t('badTimeZone') : e.message;
      $('mail-error').hidden = false;
    } finally {
      $('mail-save').disabled = false;
    }
  }

  function route() {
    // #task/ID; mails sent before 2026-12 linked #/tasks/ID, which still opens the task.
    const m = /^#(?:task|\/tasks)\/(\d+)$/.exec(location.hash);
    const start = /^#start(?:\/(.+))?$/.exec(location.hash);
    if (start) {
      setView('start');
      if (start[1]) openStart(decodeURIComponent(start[1]));
      else {
        if (state.starting) closeStart(true);
        loadStartable();
      }
      return;
    }
    if (location.hash === '#mail') {
      setView('mail');
      loadMail();
      return;
    }
    if (location.hash === '#requests') {
      setView('requests');
      loadRequests();
      return;
    }
    setView('tasks');
    if (m) open(m[1]);
    else if (state.open) closeDetail();
  }

  // --- Wiring --------------------------------------------------------------------------------
  document.addEventListener('DOMContentLoaded', async () => {
    setLanguage([localStorage.getItem('elva.lang'), ...navigator.languages]);
    $('lang').addEventListener('change', () => {
      localStorage.setItem('elva.lang', $('lang').value);
      setLanguage([$('lang').value]);
    });
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', () => logout());
    $('refresh').addEventListener('click', refresh);
    $('back').addEventListener('click', () => closeDetail());
    $('claim').addEventListener('click', () => claim(false));
    $('unclaim').addEventListener('click', () => claim(true));
    $('task-form').addEventListener('submit', complete);
    $('start-form').addEventListener('submit', sendStart);
    $('start-back').addEventListener('click', () => closeStart());
    $('mail-form').addEventListener('submit', saveMail);
    for (const id of ['quiet-on', 'quiet-from', 'quiet-to']) $(id).addEventListener('input', () => { state.quietTouched = true; });
    for (const b of document.querySelectorAll('[data-filter]')) {
      b.addEventListener('click', () => {
        state.filter = b.dataset.filter;
        localStorage.setItem('elva.filter', state.filter);
        renderList();
      });
    }
    window.addEventListener('hashchange', () => { if (state.me) route(); });
    // The list refreshes by itself every 30 s and when the page becomes visible again.
    setInterval(() => {
      if (!state.me || document.hidden) return;
      if (state.view === 'requests') loadRequests();
      else refresh();
    }, 30000);
    document.addEventListener('visibilitychange', () => { if (state.me && !document.hidden) refresh(); });
    const handed = window.ElvaSso.take(store('token'));
    if (handed?.token) state.token = handed.token;
    window.ElvaSso.offer(base, $('sso-login'), `${base}/tasklist/`);
    if (handed?.error) {
      $('login-error').textContent = `${t('ssoFailed')} ${handed.error}`;
      $('login-error').hidden = false;
    }
    if (state.token) {
      try {
        await enter(await api('GET', '/api/me'));
        return;
      } catch {
        state.token = null;
        sessionStorage.removeItem(store('token'));
      }
    }
    show('login');
    $('username').focus();
  });
})();
