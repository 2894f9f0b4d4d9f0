// Labels of the task list in English, Norwegian (bokmål) and Swedish. The language is the user's
// choice in the header, else the user's locale from the server, else the browser's.
'use strict';

window.ElvaI18n = (() => {
  const labels = {
    en: {
      language: 'Language', logout: 'Log out', loginTitle: 'Log in', username: 'User name', password: 'Password',
      loginButton: 'Log in', loginFailed: 'Wrong user name or password.', filterAll: 'All', filterMine: 'My tasks',
      filterGroup: 'Group tasks', refresh: 'Refresh', back: '← Back to the list', process: 'Process', businessKey: 'Case',
      due: 'Due', assignee: 'Assigned to', instructions: 'What to do', claim: 'Claim', unclaim: 'Give back',
      complete: 'Complete', overdue: 'Overdue', noDue: 'No due date', unassigned: 'Not assigned', you: 'you',
      noTasks: 'No tasks. Well done!', loading: 'Loading…', taskCount: (n) => (n === 1 ? '1 task' : `${n} tasks`),
      completed: (name) => `“${name}” is completed.`, required: (label) => `${label} is required.`,
      min: (label, v) => `${label} must be at least ${v}.`, max: (label, v) => `${label} must be at most ${v}.`,
      pattern: (label) => `${label} does not have the expected format.`, minLength: (label, v) => `${label} needs at least ${v} characters.`,
      maxLength: (label, v) => `${label} takes at most ${v} characters.`, notNumber: (label) => `${label} must be a number.`,
      fixFields: 'Some fields need attention.', sessionEnded: 'Your session has ended. Please log in again.',
      choose: 'Choose…', priority: 'Priority', high: 'High', dueIn: (d) => `due ${d}`, networkError: 'The server cannot be reached. Try again.',
      theCase: 'The case', earlierSteps: 'Earlier steps', stepBy: (name, who, when) => `${name}: ${who}, ${when}`, yes: 'Yes', no: 'No',
      viewTasks: 'Tasks', viewStart: 'Start a request', viewRequests: 'My requests', send: 'Send',
      noStartable: 'There is nothing you can start here.', startableCount: (n) => (n === 1 ? '1 kind of request' : `${n} kinds of request`),
      sent: (name) => `“${name}” is sent.`, noRequests: 'You have not started any requests.', requestCount: (n) => (n === 1 ? '1 request' : `${n} requests`),
      started: (d) => `started ${d}`, ended: (d) => `ended ${d}`, statusActive: 'In progress', statusCompleted: 'Done', statusTerminated: 'Stopped',
      withHolder: (name, who) => `${name}: with ${who}`, withGroup: (name, groups) => `${name}: waiting for ${groups}`, inSystem: 'Being handled by the system',
      withdraw: 'Withdraw', withdrawn: 'The request is withdrawn.', confirmWithdraw: 'Withdraw this request?',
      notEmail: (label) => `${label} must be an e-mail address.`, notPhone: (label) => `${label} must be a phone number.`,
      notDate: (label) => `${label} must be a date.`, notTime: (label) => `${label} must be a time.`, notDateTime: (label) => `${label} must be a date and time.`,
      notChoice: (label) => `${label}: choose one of the options offered.`,
      notAllowed: 'You may not do that here.', notFound: 'This is no longer there: done, withdrawn or moved on.',
      changedMeanwhile: 'Someone else changed this just now. The list is updated; look again.', busy: 'The server is busy. Try again in a moment.',
      serverError: (id) => `Something went wrong on the server. If it happens again, tell your administrator${id ? ` (reference ${id})` : ''}.`,
      notWithdrawable: 'This request can no longer be withdrawn: it has come too far.', badTimeZone: 'That is not a time zone. Write it like Europe/Stockholm.',
      viewMail: 'Mail', mailHow: 'How do you want to hear of your tasks?', modeEach: 'A mail for each new task, and a reminder before it is due',
      modeDigest: 'One mail a day with all my open tasks', modeNone: 'No mails', digestAt: 'Daily mail at', quietHours: 'Quiet hours: no mails between',
      timeZone: 'Time zone', save: 'Save', saved: 'Your mail settings are saved.',
    },
    nb: {
      language: 'Språk', logout: 'Logg ut', loginTitle: 'Logg inn', username: 'Brukernavn', password: 'Passord',
      loginButton: 'Logg inn', loginFailed: 'Feil brukernavn eller passord.', filterAll: 'Alle', filterMine: 'Mine oppgaver',
      filterGroup: 'Gruppeoppgaver', refresh: 'Oppdater', back: '← Tilbake til listen', process: 'Prosess', businessKey: 'Sak',
      due: 'Frist', assignee: 'Tildelt', instructions: 'Hva du skal gjøre', claim: 'Ta oppgaven', unclaim: 'Gi tilbake',
      complete: 'Fullfør', overdue: 'Forfalt', noDue: 'Ingen frist', unassigned: 'Ikke tildelt', you: 'deg',
      noTasks: 'Ingen oppgaver. Bra jobba!', loading: 'Laster…', taskCount: (n) => (n === 1 ? '1 oppgave' : `${n} oppgaver`),
      completed: (name) => `«${name}» er fullført.`, required: (label) => `${label} må fylles ut.`,
      min: (label, v) => `${label} må være minst ${v}.`, max: (label, v) => `${label} kan være høyst ${v}.`,
      pattern: (label) => `${label} har ikke riktig format.`, minLength: (label, v) => `${label} må ha minst ${v} tegn.`,
      maxLength: (label, v) => `${label} kan ha høyst ${v} tegn.`, notNumber: (label) => `${label} må være et tall.`,
      fixFields: 'Noen felt må rettes.', sessionEnded: 'Økten er utløpt. Logg inn igjen.',
      choose: 'Velg…', priority: 'Prioritet', high: 'Høy', dueIn: (d) => `frist ${d}`, networkError: 'Får ikke kontakt med serveren. Prøv igjen.',
      theCase: 'Saken', earlierSteps: 'Tidligere steg', stepBy: (name, who, when) => `${name}: ${who}, ${when}`, yes: 'Ja', no: 'Nei',
      viewTasks: 'Oppgaver', viewStart: 'Start en sak', viewRequests: 'Mine saker', send: 'Send',
      noStartable: 'Det er ingenting du kan starte her.', startableCount: (n) => (n === 1 ? '1 type sak' : `${n} typer saker`),
      sent: (name) => `«${name}» er sendt.`, noRequests: 'Du har ikke startet noen saker.', requestCount: (n) => (n === 1 ? '1 sak' : `${n} saker`),
      started: (d) => `startet ${d}`, ended: (d) => `avsluttet ${d}`, statusActive: 'Under behandling', statusCompleted: 'Ferdig', statusTerminated: 'Stoppet',
      withHolder: (name, who) => `${name}: hos ${who}`, withGroup: (name, groups) => `${name}: venter på ${groups}`, inSystem: 'Behandles av systemet',
      withdraw: 'Trekk tilbake', withdrawn: 'Saken er trukket tilbake.', confirmWithdraw: 'Trekke tilbake denne saken?',
      notEmail: (label) => `${label} må være en e-postadresse.`, notPhone: (label) => `${label} må være et telefonnummer.`,
      notDate: (label) => `${label} må være en dato.`, notTime: (label) => `${label} må være et klokkeslett.`, notDateTime: (label) => `${label} må være dato og klokkeslett.`,
      notChoice: (label) => `${label}: velg et av alternativene.`,
      notAllowed: 'Det har du ikke lov til her.', notFound: 'Dette finnes ikke lenger: fullført, trukket tilbake eller gått videre.',
      changedMeanwhile: 'Noen andre endret dette akkurat nå. Listen er oppdatert; se igjen.', busy: 'Serveren er opptatt. Prøv igjen om litt.',
      serverError: (id) => `Noe gikk galt på serveren. Skjer det igjen, si fra til administratoren${id ? ` (referanse ${id})` : ''}.`,
      notWithdrawable: 'Denne saken kan ikke lenger trekkes tilbake: den har kommet for langt.', badTimeZone: 'Det er ikke en tidssone. Skriv den som Europe/Oslo.',
      viewMail: 'E-post', mailHow: 'Hvordan vil du få vite om oppgavene dine?', modeEach: 'En e-post for hver ny oppgave, og en påminnelse før fristen',
      modeDigest: 'Én e-post om dagen med alle de åpne oppgavene mine', modeNone: 'Ingen e-post', digestAt: 'Daglig e-post kl.', quietHours: 'Stille timer: ingen e-post mellom',
      timeZone: 'Tidssone', save: 'Lagre', saved: 'E-postinnstillingene dine er lagret.',
    },
    sv: {
      language: 'Språk', logout: 'Logga ut', loginTitle: 'Logga in', username: 'Användarnamn', password: 'Lösenord',
      loginButton: 'Logga in', loginFailed: 'Fel användarnamn eller lösenord.', filterAll: 'Alla', filterMine: 'Mina uppgifter',
      filterGroup: 'Gruppens uppgifter', refresh: 'Uppdatera', back: '← Tillbaka till listan', process: 'Process', businessKey: 'Ärende',
      due: 'Förfaller', assignee: 'Tilldelad', instructions: 'Vad du ska göra', claim: 'Ta uppgiften', unclaim: 'Lämna tillbaka',
      complete: 'Slutför', overdue: 'Försenad', noDue: 'Inget förfallodatum', unassigned: 'Inte tilldelad', you: 'dig',
      noTasks: 'Inga uppgifter. Bra jobbat!', loading: 'Laddar…', taskCount: (n) => (n === 1 ? '1 uppgift' : `${n} uppgifter`),
      completed: (name) => `”${name}” är slutförd.`, required: (label) => `${label} måste fyllas i.`,
      min: (label, v) => `${label} måste vara minst ${v}.`, max: (label, v) => `${label} får vara högst ${v}.`,
      pattern: (label) => `${label} har inte rätt format.`, minLength: (label, v) => `${label} behöver minst ${v} tecken.`,
      maxLength: (label, v) => `${label} får ha högst ${v} tecken.`, notNumber: (label) => `${label} måste vara ett tal.`,
      fixFields: 'Några fält behöver rättas.', sessionEnded: 'Sessionen har gått ut. Logga in igen.',
      choose: 'Välj…', priority: 'Prioritet', high: 'Hög', dueIn: (d) => `förfaller ${d}`, networkError: 'Servern svarar inte. Försök igen.',
      theCase: 'Ärendet', earlierSteps: 'Tidigare steg', stepBy: (name, who, when) => `${name}: ${who}, ${when}`, yes: 'Ja', no: 'Nej',
      viewTasks: 'Uppgifter', viewStart: 'Starta ett ärende', viewRequests: 'Mina ärenden', send: 'Skicka',
      noStartable: 'Det finns inget du kan starta här.', startableCount: (n) => (n === 1 ? '1 slags ärende' : `${n} slags ärenden`),
      sent: (name) => `”${name}” är skickad.`, noRequests: 'Du har inte startat några ärenden.', requestCount: (n) => (n === 1 ? '1 ärende' : `${n} ärenden`),
      started: (d) => `startat ${d}`, ended: (d) => `avslutat ${d}`, statusActive: 'Pågår', statusCompleted: 'Klart', statusTerminated: 'Avbrutet',
      withHolder: (name, who) => `${name}: hos ${who}`, withGroup: (name, groups) => `${name}: väntar på ${groups}`, inSystem: 'Hanteras av systemet',
      withdraw: 'Dra tillbaka', withdrawn: 'Ärendet är tillbakadraget.', confirmWithdraw: 'Dra tillbaka det här ärendet?',
      notEmail: (label) => `${label} måste vara en e-postadress.`, notPhone: (label) => `${label} måste vara ett telefonnummer.`,
      notDate: (label) => `${label} måste vara ett datum.`, notTime: (label) => `${label} måste vara ett klockslag.`, notDateTime: (label) => `${label} måste vara datum och klockslag.`,
      notChoice: (label) => `${label}: välj ett av alternativen.`,
      notAllowed: 'Det får du inte göra här.', notFound: 'Det här finns inte längre: slutfört, tillbakadraget eller har gått vidare.',
      changedMeanwhile: 'Någon annan ändrade det här alldeles nyss. Listan är uppdaterad; titta igen.', busy: 'Servern är upptagen. Försök igen om en stund.',
      serverError: (id) => `Något gick fel på servern. Om det händer igen, säg till administratören${id ? ` (referens ${id})` : ''}.`,
      notWithdrawable: 'Ärendet kan inte längre dras tillbaka: det har kommit för långt.', badTimeZone: 'Det är ingen tidszon. Skriv den som Europe/Stockholm.',
      viewMail: 'E-post', mailHow: 'Hur vill du få veta om dina uppgifter?', modeEach: 'Ett mejl för varje ny uppgift, och en påminnelse innan den förfaller',
      modeDigest: 'Ett mejl om dagen med alla mina öppna uppgifter', modeNone: 'Inga mejl', digestAt: 'Dagligt mejl kl.', quietHours: 'Tysta timmar: inga mejl mellan',
      timeZone: 'Tidszon', save: 'Spara', saved: 'Dina e-postinställningar är sparade.',
    },
  };
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
    locale() { return { en: 'en-GB', nb: 'nb-NO', sv: 'sv-SE' }[lang]; },
  };
})();
