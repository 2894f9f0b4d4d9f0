// Single sign-on in the browser, shared by the task list and the cockpit (docs/operations.md
// #single-sign-on-openid-connect). After the provider's login, Elva's /auth/callback sends the
// browser back with `#elva-session=TOKEN` (or `#elva-sso-error=REASON`): take() keeps the token
// like a password login's and removes it from the address bar and the history. offer() shows the
// "log in with your organisation account" link when the server has the browser login.
'use strict';

window.ElvaSso = (() => {
  // -> {token} | {error} | null. A token is kept in sessionStorage under `key` (where the app
  // keeps a password login's), and the provider's logout is remembered for later.
  function take(key) {
    const m = /^#elva-(session|sso-error)=([^&]*)$/.exec(location.hash);
    if (!m) return null;
    history.replaceState(null, '', location.pathname + location.search);
    if (m[1] === 'session' && /^[A-Za-z0-9_-]+$/.test(m[2])) {
      sessionStorage.setItem(key, m[2]);
      remember();
      return { token: m[2] };
    }
    return { error: decodeURIComponent(m[2].replace(/\+/g, ' ')) };
  }

  // Where to log out at the provider afterwards ('' without single sign-on).
  let logoutAt = '';

  async function offer(base, link, returnPath) {
    try {
      const r = await fetch(`${base}/api/login-options`);
      const options = await r.json();
      const sso = options.singleSignOn;
      if (!sso) return;
      link.href = `${sso.login}?return=${encodeURIComponent(returnPath)}`;
      link.hidden = false;
      logoutAt = sso.logout;
    } catch {
      // Without the options the password form still works.
    }
  }

  // After Elva's own logout: the provider's too, when the login came from there.
  function leave() {
    if (logoutAt && sessionStorage.getItem('elva.sso') === '1') {
      sessionStorage.removeItem('elva.sso');
      location.assign(logoutAt);
    }
  }

  function remember() { sessionStorage.setItem('elva.sso', '1'); }

  return { take, offer, leave };
})();
