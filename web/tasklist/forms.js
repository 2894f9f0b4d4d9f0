// Renders a Camunda Forms (form-js) schema as plain HTML inputs, reads the values back as the
// JSON the server checks (numbers as numbers, checkboxes as booleans, dates as YYYY-MM-DD), and
// shows field errors, its own and the server's (problem+json `errors`). The subset matches what
// the engine validates (docs/forms.md): textfield, textarea, number, checkbox, select, radio,
// checklist and taglist (as checkboxes), datetime, text; required, min, max, minLength,
// maxLength, pattern.
'use strict';

window.ElvaForms = (() => {
  const { t } = window.ElvaI18n;
  const inputTypes = new Set(['textfield', 'textarea', 'number', 'checkbox', 'select', 'radio', 'datetime', 'checklist', 'taglist']);

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c) e.append(c);
    return e;
  }

  function labelOf(c) { return c.label || c.dateLabel || c.key; }

  // One field: a wrapper with label, input(s), description and an error line.
  function field(c, value) {
    const id = `f-${c.key}`;
    const v = c.validate || {};
    const wrap = el('div', { class: `field field-${c.type}`, 'data-key': c.key });
    const error = el('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
    const common = { id, name: c.key, required: v.required, 'aria-describedby': `${id}-error`, readonly: c.readonly, disabled: c.disabled };
    let input;
    switch (c.type) {
      case 'textarea':
        input = el('textarea', { ...common, rows: 3, minlength: v.minLength, maxlength: v.maxLength });
        input.value = value ?? '';
        break;
      case 'number':
        input = el('input', { ...common, type: 'number', inputmode: 'decimal', min: v.min, max: v.max, step: c.decimalDigits ? 'any' : (c.increment || 'any') });
        input.value = value ?? '';
        break;
      case 'checkbox':
        input = el('input', { ...common, type: 'checkbox' });
        input.checked = value === true;
        return el('div', { class: 'field field-checkbox', 'data-key': c.key },
          el('label', { for: id }, input, el('span', { text: labelOf(c) })), error);
      case 'select':
        input = el('select', common, el('option', { value: '', text: t('choose') }));
        for (const o of c.values || []) input.append(el('option', { value: String(o.value), text: o.label ?? String(o.value) }));
        input.value = value === undefined || value === null ? '' : String(value);
        break;
      case 'radio': {
        const group = el('fieldset', { class: `field field-radio`, 'data-key': c.key }, el('legend', { text: labelOf(c) }));
        (c.values || []).forEach((o, i) => {
          const r = el('input', { type: 'radio', name: c.key, id: `${id}-${i}`, value: String(o.value), required: v.required });
          r.checked = value !== undefined && String(value) === String(o.value);
          group.append(el('label', { for: `${id}-${i}`, class: 'radio' }, r, el('span', { text: o.label ?? String(o.value) })));
        });
        group.append(error);
        return group;
      }
      case 'checklist':
      case 'taglist': {
        const chosen = Array.isArray(value) ? value.map(String) : [];
        const group = el('fieldset', { class: 'field field-radio', 'data-key': c.key }, el('legend', { text: labelOf(c) + (v.required ? ' *' : '') }));
        (c.values || []).forEach((o, i) => {
          const box = el('input', { type: 'checkbox', name: c.key, id: `${id}-${i}`, value: String(o.value) });
          box.checked = chosen.includes(String(o.value));
          group.append(el('label', { for: `${id}-${i}`, class: 'radio' }, box, el('span', { text: o.label ?? String(o.value) })));
        });
        group.append(error);
        return group;
      }
      case 'datetime': {
        const kind = c.subtype === 'datetime' ? 'datetime-local' : c.subtype === 'time' ? 'time' : 'date';
        input = el('input', { ...common, type: kind });
        input.value = value ?? '';
        break;
      }
      default:
        input = el('input', { ...common, type: 'text', minlength: v.minLength, maxlength: v.maxLength, pattern: v.pattern });
        input.value = value ?? '';
    }
    wrap.append(el('label', { for: id, text: labelOf(c) + (v.required ? ' *' : '') }), input);
    if (c.description) wrap.append(el('p', { class: 'hint', text: c.description }));
    wrap.append(error);
    return wrap;
  }

  // A form's text (form-js writes Markdown): "# heading" lines become headings, other lines
  // paragraphs. Built with textContent only, never as HTML.
  function textBlock(text) {
    const box = el('div', { class: 'form-text' });
    let para = [];
    const flush = () => { if (para.length) box.append(el('p', { text: para.join(' ') })); para = []; };
    for (const line of text.split('\n')) {
      const heading = /^#{1,6}\s+(.*)$/.exec(line.trim());
      if (heading) { flush(); box.append(el('h4', { text: heading[1] })); }
      else if (!line.trim()) flush();
      else para.push(line.trim());
    }
    flush();
    return box;
  }

  // {{employee.name}} in a form's text: the variable at that path (text as is, nothing for a
  // missing value, other values as JSON). Anything else between the braces stays as written.
  function fill(text, values) {
    return text.replace(/\{\{\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\}\}/g, (whole, path) => {
      let v = values;
      for (const part of path.split('.')) v = v !== null && typeof v === 'object' && Object.hasOwn(v, part) ? v[part] : undefined;
      if (v === undefined || v === null) return '';
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }

  function components(schema) {
    // Groups (form-js "group") nest components; flatten them for this subset.
    const out = [];
    const walk = (list) => { for (const c of list || []) { if (c.components) walk(c.components); else out.push(c); } };
    walk(schema.components);
    return out;
  }

  return {
    // Fills `container` with the form; `values` pre-fills fields from the task's variables.
    render(container, schema, values = {}) {
      container.replaceChildren();
      for (const c of components(schema)) {
        if (c.type === 'text') container.append(textBlock(fill(c.text || '', values)));
        else if (inputTypes.has(c.type) && c.key) container.append(field(c, values[c.key]));
      }
    },

    // The values to send, and the errors found here (key -> message).
    read(container, schema) {
      const data = {};
      const errors = {};
      for (const c of components(schema)) {
        if (!inputTypes.has(c.type) || !c.key || c.readonly || c.disabled) continue;
        const v = c.validate || {};
        const label = labelOf(c);
        let value;
        if (c.type === 'checkbox') {
          value = container.querySelector(`#f-${CSS.escape(c.key)}`).checked;
        } else if (c.type === 'checklist' || c.type === 'taglist') {
          const boxes = [...container.querySelectorAll(`input[name="${CSS.escape(c.key)}"]:checked`)];
          value = boxes.map((b) => (c.values || []).find((o) => String(o.value) === b.value)?.value ?? b.value);
          if (!value.length) value = v.required ? '' : [];
        } else if (c.type === 'radio') {
          const checked = container.querySelector(`input[name="${CSS.escape(c.key)}"]:checked`);
          value = checked ? checked.value : '';
        } else {
          value = container.querySelector(`#f-${CSS.escape(c.key)}`).value.trim();
        }
        if (c.type === 'select' || c.type === 'radio') {
          const match = (c.values || []).find((o) => String(o.value) === value);
          if (match) value = match.value;
        }
        if (value === '' || value === undefined) {
          if (v.required) errors[c.key] = t('required', label);
          continue;
        }
        if (c.type === 'number') {
          const n = Number(value);
          if (!Number.isFinite(n)) { errors[c.key] = t('notNumber', label); continue; }
          value = n;
          if (v.min !== undefined && n < v.min) errors[c.key] = t('min', label, v.min);
          if (v.max !== undefined && n > v.max) errors[c.key] = t('max', label, v.max);
        } else if (typeof value === 'string') {
          if (v.minLength !== undefined && value.length < v.minLength) errors[c.key] = t('minLength', label, v.minLength);
          if (v.maxLength !== undefined && value.length > v.maxLength) errors[c.key] = t('maxLength', label, v.maxLength);
          if (v.pattern && !new RegExp(v.pattern).test(value)) errors[c.key] = t('pattern', label);
        }
        data[c.key] = value;
      }
      return { data, errors };
    },

    // The server's refusal of a form (problem+json errors[]) as key -> message, each said in the
    // user's language from the rule it broke (code, limit) and the field's label on the page;
    // a rule the page does not know keeps the server's words.
    serverErrors(schema, problem) {
      const labels = Object.fromEntries(components(schema || {}).filter((c) => c.key).map((c) => [c.key, labelOf(c)]));
      const say = {
        required: 'required', number: 'notNumber', min: 'min', max: 'max', minLength: 'minLength', maxLength: 'maxLength',
        pattern: 'pattern', email: 'notEmail', phone: 'notPhone', date: 'notDate', time: 'notTime', datetime: 'notDateTime',
        choice: 'notChoice', list: 'notChoice',
      };
      const out = {};
      for (const e of problem.errors || []) {
        const key = say[e.code];
        const label = labels[e.field];
        out[e.field] = key && label !== undefined ? t(key, label, e.limit) : e.message;
      }
      return out;
    },

    // Shows errors (key -> message); keys without a field go to `other`.
    showErrors(container, errors, other) {
      for (const p of container.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
      for (const f of container.querySelectorAll('.field')) f.classList.remove('invalid');
      const rest = [];
      let first = null;
      for (const [key, message] of Object.entries(errors)) {
        const f = container.querySelector(`.field[data-key="${CSS.escape(key)}"]`);
        if (!f) { rest.push(message); continue; }
        f.classList.add('invalid');
        const p = f.querySelector('.field-error');
        p.textContent = message;
        p.hidden = false;
        first ??= f.querySelector('input, select, textarea');
      }
      if (first) first.focus();
      other(rest);
    },
  };
})();
