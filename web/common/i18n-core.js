// The language machinery the task list and the cockpit share: English, Norwegian (bokmål) and
// Swedish labels, the language picked from a list of candidates (the user's choice, their locale
// from the server, the browser's; "no" and "nn" read as bokmål), `data-t` elements relabelled,
// and t(key, ...args) with English as the fallback. Each page passes its own labels.
'use strict';

window.ElvaI18nCore = (labels) => {
  const supported = Object.keys(labels);
  let lang = 'en';

  function pick(candidates) {
    for (const c of candidates) {
      if (!c) continue;
      const base = String(c).toLowerCase().split(/[-_]/)[0];
      if (supported.includes(base)) return base;
      if (base === 'no' || base === 'nn') return 'nb';
    }
    return 'en';
  }

  return {
    supported,
    get lang() { return lang; },
    set(candidates) {
      lang = pick(candidates);
      document.documentElement.lang = lang;
      for (const el of document.querySelectorAll('[data-t]')) {
        const v = labels[lang][el.dataset.t];
        if (typeof v === 'string') el.textContent = v;
      }
      return lang;
    },
    t(key, ...args) {
      const v = labels[lang][key] ?? labels.en[key] ?? key;
      return typeof v === 'function' ? v(...args) : v;
    },
    // A label map of the page (labels.LANG[group]) by key, English as the fallback.
    from(group, key) { return labels[lang][group]?.[key] ?? labels.en[group]?.[key] ?? key; },
    locale() { return { en: 'en-GB', nb: 'nb-NO', sv: 'sv-SE' }[lang]; },
  };
};
