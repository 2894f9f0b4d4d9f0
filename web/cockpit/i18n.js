// Labels of the cockpit in English, Norwegian (bokmål) and Swedish, chosen as in the task list:
// the choice in the header, else the user's locale from the server, else the browser's.
'use strict';

window.ElvaI18n = (() => {
  const labels = {
    en: {
      hiddenValue: (c) => `hidden (${c}): administrators see it, and each read is recorded`, class_personal: 'personal data', class_sensitive: 'sensitive data',
      dashboards: 'Dashboards', dashboard: 'Dashboard', byUnit: 'Per organisational unit', perWeek: 'Started and completed per week', legendStarted: 'started', legendCompleted: 'completed', deadlineTitle: 'Deadline', dueAt: 'Due', stepTimes: 'Time per step', completedCount: 'Completed', waitTitle: 'Waiting before user tasks', tasksCount: 'Tasks', waitingNow: 'Waiting now', overdueTitle: 'Overdue tasks, by who holds them', holder: 'Held by', oldestDue: 'Oldest due', unit: 'Unit', late: 'late', atRisk: 'at risk', figLead90: 'lead time p90', figMet: 'met the deadline', periodOf: (a, b) => `From ${a} until ${b}`, deadlineSays: (d, met, n, late, risk) => `${d} from the start: ${met} of ${n} completed in time; running now ${late} late and ${risk} at risk (past 80% of it).`,
      migrateTitle: 'Move running instances to another version', fromVersion: 'From version', toVersion: 'To version', checkPlan: 'Check', reason: 'Reason (kept in each case\'s history)', migrate: 'Migrate', planSummary: (n, from, to) => `${n} running on version ${from}; moving them to version ${to}:`, outcomes: { migrates: 'can move', 'needs-mapping': 'need a mapping', refused: 'refused', 'already-migrated': 'already moved', migrated: 'moved' }, unmappedWhy: (e, why) => `${e}: ${why}`, migrated: (n, v) => `${n} instances moved to version ${v}.`, confirmMigrate: (n, v) => `Move ${n} instances to version ${v}?`, needReason: 'Give a reason: it goes into the history of every case.', modifyTitle: 'Move the case', modifyIntro: 'Cancel where it waits and start it elsewhere, as one change. The reason goes into its history.', cancelAt: 'Cancel at', startBefore: 'Start before', move: 'Move', nothing: '(nothing)', moved: 'The case is moved.', nothingToMigrate: 'No other version has running instances.',
      periodFrom: 'From', periodTo: 'Until (excluded)',
      network: 'Network', networkTitle: 'The organisation as a network', networkIntro: 'Who passes work to whom in the cases: a hand-off is the next action in a case taken by another unit. Units with fewer than 5 people are never shown as persons.', allOfThem: 'All', persons: 'Persons (units of 5 or more)', show: 'Show', noHandoffs: 'No actions by people in this period.', handoffs: 'Hand-offs', fromUnit: 'From', toUnit: 'To', times: 'Times', crossing: 'Time to cross (median)', together: 'Working on the same cases', units: 'Units', cases: 'Cases', actionsOf: (n, p) => `${n} actions by ${p} ${p === 1 ? 'person' : 'people'}`,
      cockpit: 'Cockpit', language: 'Language', logout: 'Log out', loginTitle: 'Log in to the cockpit', username: 'User name',
      password: 'Password', loginButton: 'Log in', loginFailed: 'Wrong user name or password.', sessionEnded: 'Your session has ended. Please log in again.',
      deniedTitle: 'Not for this account', denied: 'The cockpit is for process developers and administrators. Your tasks are in the task list.',
      toTasklist: 'Go to the task list', processes: 'Processes', noProcesses: 'No process is deployed yet.', process: 'Process', version: 'Version',
      running: 'Running', incidents: 'Incidents', allProcesses: '← All processes', legendTokens: 'running here', legendIncidents: 'incidents',
      heatmap: 'Heatmap: median time per step (90 days)', noDiagram: 'This process file has no diagram (no BPMN DI). The table shows where its instances are.',
      elements: 'Where the instances are', element: 'Step', medianTime: 'Median time', findInstances: 'Find instances', businessKey: 'Case (business key)',
      state: 'State', any: 'Any', stateActive: 'Running', stateIncident: 'With an incident', stateCompleted: 'Completed', stateTerminated: 'Cancelled',
      atElement: 'Waiting at', variable: 'Variable', equals: 'equals', value: 'Value', startedFrom: 'Started from', startedTo: 'Started before', search: 'Search',
      instance: 'Instance', started: 'Started', noInstances: 'No instance matches.', more: 'Show more', backToProcess: '← The process',
      cancel: 'Cancel the instance', whereNow: 'Where it is', variables: 'Variables', name: 'Name', timeline: 'Timeline', when: 'When', what: 'What',
      who: 'Who', noIncidents: 'No open incident.', retry: 'Retry', retried: 'The step runs again.', cancelled: 'The instance is cancelled.',
      confirmCancel: (id) => `Cancel instance ${id}? Its open tasks and waiting steps end, and this cannot be undone.`,
      versionsOf: (v, n) => (n === 1 ? `${v}` : `${v} (of ${n})`), latest: (v) => `${v} (latest)`,
      figStarted: 'started (90 days)', figCompleted: 'completed', figRunning: 'running now', figLead: 'median lead time', figOverdue: 'tasks overdue',
      since: 'Since', ended: 'Ended', versionOf: 'Version', incidentSince: (d) => `since ${d}`, waiting: 'waiting', shown: (n, total) => `${n} of ${total} entries shown.`,
      kind: { started: 'started', activated: 'reached', completed: 'completed', terminated: 'ended early', incident: 'incident',
        'incident resolved': 'incident resolved', variables: 'variables set', 'variables removed': 'variables removed', command: 'command',
        operator: 'operator action', migrated: 'migrated', 'instance completed': 'instance completed', 'instance terminated': 'instance cancelled',
        'message published': 'message sent', 'signal published': 'signal sent' },
      notAllowed: 'You may not do that here.', notFound: 'This is no longer there.', changedMeanwhile: 'It changed just now; the page is updated.',
      networkError: 'The server cannot be reached. Try again.', busy: 'The server is busy. Try again in a moment.',
      serverError: (id) => `Something went wrong on the server${id ? ` (reference ${id})` : ''}.`,
    },
    nb: {
      hiddenValue: (c) => `skjult (${c}): administratorer ser det, og hver lesing logges`, class_personal: 'personopplysninger', class_sensitive: 'sensitive opplysninger',
      dashboards: 'Dashbord', dashboard: 'Dashbord', byUnit: 'Per organisasjonsenhet', perWeek: 'Startet og fullført per uke', legendStarted: 'startet', legendCompleted: 'fullført', deadlineTitle: 'Frist', dueAt: 'Frist', stepTimes: 'Tid per steg', completedCount: 'Fullført', waitTitle: 'Venting før brukeroppgaver', tasksCount: 'Oppgaver', waitingNow: 'Venter nå', overdueTitle: 'Oppgaver på overtid, etter hvem som har dem', holder: 'Hos', oldestDue: 'Eldste frist', unit: 'Enhet', late: 'for sent', atRisk: 'i faresonen', figLead90: 'gjennomløpstid p90', figMet: 'innenfor fristen', periodOf: (a, b) => `Fra ${a} til ${b}`, deadlineSays: (d, met, n, late, risk) => `${d} fra start: ${met} av ${n} fullført i tide; nå ${late} for sent og ${risk} i faresonen (over 80 % av fristen).`,
      migrateTitle: 'Flytt pågående instanser til en annen versjon', fromVersion: 'Fra versjon', toVersion: 'Til versjon', checkPlan: 'Kontroller', reason: 'Begrunnelse (lagres i historikken til hver sak)', migrate: 'Migrer', planSummary: (n, from, to) => `${n} pågår på versjon ${from}; flyttes til versjon ${to}:`, outcomes: { migrates: 'kan flyttes', 'needs-mapping': 'trenger kobling', refused: 'avvist', 'already-migrated': 'allerede flyttet', migrated: 'flyttet' }, unmappedWhy: (e, why) => `${e}: ${why}`, migrated: (n, v) => `${n} instanser flyttet til versjon ${v}.`, confirmMigrate: (n, v) => `Flytte ${n} instanser til versjon ${v}?`, needReason: 'Oppgi en begrunnelse: den lagres i historikken til hver sak.', modifyTitle: 'Flytt saken', modifyIntro: 'Avbryt der den venter og start den et annet sted, som én endring. Begrunnelsen lagres i historikken.', cancelAt: 'Avbryt ved', startBefore: 'Start før', move: 'Flytt', nothing: '(ingenting)', moved: 'Saken er flyttet.', nothingToMigrate: 'Ingen annen versjon har pågående instanser.',
      periodFrom: 'Fra', periodTo: 'Til (ikke med)',
      network: 'Nettverk', networkTitle: 'Organisasjonen som nettverk', networkIntro: 'Hvem som gir arbeid videre til hvem i sakene: en overlevering er neste handling i en sak tatt av en annen enhet. Enheter med færre enn 5 personer vises aldri som personer.', allOfThem: 'Alle', persons: 'Personer (enheter med 5 eller flere)', show: 'Vis', noHandoffs: 'Ingen handlinger av personer i perioden.', handoffs: 'Overleveringer', fromUnit: 'Fra', toUnit: 'Til', times: 'Ganger', crossing: 'Tid over grensen (median)', together: 'Arbeider i de samme sakene', units: 'Enheter', cases: 'Saker', actionsOf: (n, p) => `${n} handlinger av ${p} ${p === 1 ? 'person' : 'personer'}`,
      cockpit: 'Cockpit', language: 'Språk', logout: 'Logg ut', loginTitle: 'Logg inn i cockpiten', username: 'Brukernavn',
      password: 'Passord', loginButton: 'Logg inn', loginFailed: 'Feil brukernavn eller passord.', sessionEnded: 'Økten er avsluttet. Logg inn igjen.',
      deniedTitle: 'Ikke for denne kontoen', denied: 'Cockpiten er for prosessutviklere og administratorer. Oppgavene dine er i oppgavelisten.',
      toTasklist: 'Gå til oppgavelisten', processes: 'Prosesser', noProcesses: 'Ingen prosess er tatt i bruk ennå.', process: 'Prosess', version: 'Versjon',
      running: 'Pågår', incidents: 'Hendelser', allProcesses: '← Alle prosesser', legendTokens: 'pågår her', legendIncidents: 'hendelser',
      heatmap: 'Varmekart: mediantid per steg (90 dager)', noDiagram: 'Prosessfilen har ikke noe diagram (ingen BPMN DI). Tabellen viser hvor instansene er.',
      elements: 'Hvor instansene er', element: 'Steg', medianTime: 'Mediantid', findInstances: 'Finn instanser', businessKey: 'Sak (forretningsnøkkel)',
      state: 'Status', any: 'Alle', stateActive: 'Pågår', stateIncident: 'Med hendelse', stateCompleted: 'Fullført', stateTerminated: 'Avbrutt',
      atElement: 'Venter ved', variable: 'Variabel', equals: 'er lik', value: 'Verdi', startedFrom: 'Startet fra', startedTo: 'Startet før', search: 'Søk',
      instance: 'Instans', started: 'Startet', noInstances: 'Ingen instans passer.', more: 'Vis flere', backToProcess: '← Prosessen',
      cancel: 'Avbryt instansen', whereNow: 'Hvor den er', variables: 'Variabler', name: 'Navn', timeline: 'Tidslinje', when: 'Når', what: 'Hva',
      who: 'Hvem', noIncidents: 'Ingen åpen hendelse.', retry: 'Prøv igjen', retried: 'Steget kjøres igjen.', cancelled: 'Instansen er avbrutt.',
      confirmCancel: (id) => `Avbryte instans ${id}? Åpne oppgaver og ventende steg avsluttes, og det kan ikke angres.`,
      versionsOf: (v, n) => (n === 1 ? `${v}` : `${v} (av ${n})`), latest: (v) => `${v} (nyeste)`,
      figStarted: 'startet (90 dager)', figCompleted: 'fullført', figRunning: 'pågår nå', figLead: 'median gjennomløpstid', figOverdue: 'oppgaver på overtid',
      since: 'Siden', ended: 'Avsluttet', versionOf: 'Versjon', incidentSince: (d) => `siden ${d}`, waiting: 'venter', shown: (n, total) => `${n} av ${total} oppføringer vises.`,
      kind: { started: 'startet', activated: 'nådd', completed: 'fullført', terminated: 'avsluttet tidlig', incident: 'hendelse',
        'incident resolved': 'hendelse løst', variables: 'variabler satt', 'variables removed': 'variabler fjernet', command: 'kommando',
        operator: 'operatørhandling', migrated: 'migrert', 'instance completed': 'instans fullført', 'instance terminated': 'instans avbrutt',
        'message published': 'melding sendt', 'signal published': 'signal sendt' },
      notAllowed: 'Du kan ikke gjøre det her.', notFound: 'Dette finnes ikke lenger.', changedMeanwhile: 'Det ble endret akkurat nå; siden er oppdatert.',
      networkError: 'Tjeneren svarer ikke. Prøv igjen.', busy: 'Tjeneren er opptatt. Prøv igjen om litt.',
      serverError: (id) => `Noe gikk galt på tjeneren${id ? ` (referanse ${id})` : ''}.`,
    },
    sv: {
      hiddenValue: (c) => `dolt (${c}): administratörer ser det, och varje läsning loggas`, class_personal: 'personuppgifter', class_sensitive: 'känsliga uppgifter',
      dashboards: 'Instrumentpaneler', dashboard: 'Instrumentpanel', byUnit: 'Per organisationsenhet', perWeek: 'Startade och avslutade per vecka', legendStarted: 'startade', legendCompleted: 'avslutade', deadlineTitle: 'Tidsgräns', dueAt: 'Förfaller', stepTimes: 'Tid per steg', completedCount: 'Avslutade', waitTitle: 'Väntan före användaruppgifter', tasksCount: 'Uppgifter', waitingNow: 'Väntar nu', overdueTitle: 'Försenade uppgifter, efter vem som har dem', holder: 'Hos', oldestDue: 'Äldsta förfallodag', unit: 'Enhet', late: 'sen', atRisk: 'i riskzonen', figLead90: 'ledtid p90', figMet: 'inom tidsgränsen', periodOf: (a, b) => `Från ${a} till ${b}`, deadlineSays: (d, met, n, late, risk) => `${d} från start: ${met} av ${n} avslutade i tid; nu ${late} sena och ${risk} i riskzonen (över 80 % av tiden).`,
      migrateTitle: 'Flytta pågående instanser till en annan version', fromVersion: 'Från version', toVersion: 'Till version', checkPlan: 'Kontrollera', reason: 'Motivering (sparas i varje ärendes historik)', migrate: 'Migrera', planSummary: (n, from, to) => `${n} pågår på version ${from}; flyttas till version ${to}:`, outcomes: { migrates: 'kan flyttas', 'needs-mapping': 'behöver mappning', refused: 'avvisad', 'already-migrated': 'redan flyttad', migrated: 'flyttad' }, unmappedWhy: (e, why) => `${e}: ${why}`, migrated: (n, v) => `${n} instanser flyttade till version ${v}.`, confirmMigrate: (n, v) => `Flytta ${n} instanser till version ${v}?`, needReason: 'Ange en motivering: den sparas i varje ärendes historik.', modifyTitle: 'Flytta ärendet', modifyIntro: 'Avbryt där det väntar och starta det någon annanstans, som en ändring. Motiveringen sparas i historiken.', cancelAt: 'Avbryt vid', startBefore: 'Starta före', move: 'Flytta', nothing: '(inget)', moved: 'Ärendet är flyttat.', nothingToMigrate: 'Ingen annan version har pågående instanser.',
      periodFrom: 'Från', periodTo: 'Till (ej med)',
      network: 'Nätverk', networkTitle: 'Organisationen som nätverk', networkIntro: 'Vem som lämnar arbete vidare till vem i ärendena: en överlämning är nästa handling i ett ärende av en annan enhet. Enheter med färre än 5 personer visas aldrig som personer.', allOfThem: 'Alla', persons: 'Personer (enheter med 5 eller fler)', show: 'Visa', noHandoffs: 'Inga handlingar av personer under perioden.', handoffs: 'Överlämningar', fromUnit: 'Från', toUnit: 'Till', times: 'Gånger', crossing: 'Tid över gränsen (median)', together: 'Arbetar i samma ärenden', units: 'Enheter', cases: 'Ärenden', actionsOf: (n, p) => `${n} handlingar av ${p} ${p === 1 ? 'person' : 'personer'}`,
      cockpit: 'Cockpit', language: 'Språk', logout: 'Logga ut', loginTitle: 'Logga in i cockpiten', username: 'Användarnamn',
      password: 'Lösenord', loginButton: 'Logga in', loginFailed: 'Fel användarnamn eller lösenord.', sessionEnded: 'Sessionen har upphört. Logga in igen.',
      deniedTitle: 'Inte för det här kontot', denied: 'Cockpiten är för processutvecklare och administratörer. Dina uppgifter finns i uppgiftslistan.',
      toTasklist: 'Gå till uppgiftslistan', processes: 'Processer', noProcesses: 'Ingen process är driftsatt ännu.', process: 'Process', version: 'Version',
      running: 'Pågår', incidents: 'Incidenter', allProcesses: '← Alla processer', legendTokens: 'pågår här', legendIncidents: 'incidenter',
      heatmap: 'Värmekarta: mediantid per steg (90 dagar)', noDiagram: 'Processfilen har inget diagram (ingen BPMN DI). Tabellen visar var instanserna är.',
      elements: 'Var instanserna är', element: 'Steg', medianTime: 'Mediantid', findInstances: 'Sök instanser', businessKey: 'Ärende (affärsnyckel)',
      state: 'Status', any: 'Alla', stateActive: 'Pågår', stateIncident: 'Med incident', stateCompleted: 'Avslutad', stateTerminated: 'Avbruten',
      atElement: 'Väntar vid', variable: 'Variabel', equals: 'är lika med', value: 'Värde', startedFrom: 'Startad från', startedTo: 'Startad före', search: 'Sök',
      instance: 'Instans', started: 'Startad', noInstances: 'Ingen instans matchar.', more: 'Visa fler', backToProcess: '← Processen',
      cancel: 'Avbryt instansen', whereNow: 'Var den är', variables: 'Variabler', name: 'Namn', timeline: 'Tidslinje', when: 'När', what: 'Vad',
      who: 'Vem', noIncidents: 'Ingen öppen incident.', retry: 'Försök igen', retried: 'Steget körs igen.', cancelled: 'Instansen är avbruten.',
      confirmCancel: (id) => `Avbryta instans ${id}? Öppna uppgifter och väntande steg avslutas, och det går inte att ångra.`,
      versionsOf: (v, n) => (n === 1 ? `${v}` : `${v} (av ${n})`), latest: (v) => `${v} (senaste)`,
      figStarted: 'startade (90 dagar)', figCompleted: 'avslutade', figRunning: 'pågår nu', figLead: 'median ledtid', figOverdue: 'försenade uppgifter',
      since: 'Sedan', ended: 'Avslutad', versionOf: 'Version', incidentSince: (d) => `sedan ${d}`, waiting: 'väntar', shown: (n, total) => `${n} av ${total} poster visas.`,
      kind: { started: 'startad', activated: 'nådd', completed: 'klar', terminated: 'avslutad i förtid', incident: 'incident',
        'incident resolved': 'incident löst', variables: 'variabler satta', 'variables removed': 'variabler borttagna', command: 'kommando',
        operator: 'operatörsåtgärd', migrated: 'migrerad', 'instance completed': 'instans klar', 'instance terminated': 'instans avbruten',
        'message published': 'meddelande skickat', 'signal published': 'signal skickad' },
      notAllowed: 'Du får inte göra det här.', notFound: 'Det finns inte längre.', changedMeanwhile: 'Det ändrades nyss; sidan är uppdaterad.',
      networkError: 'Servern svarar inte. Försök igen.', busy: 'Servern är upptagen. Försök igen om en stund.',
      serverError: (id) => `Något gick fel på servern${id ? ` (referens ${id})` : ''}.`,
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
    kind(k) { return labels[lang].kind[k] ?? labels.en.kind[k] ?? k; },
    outcome(k) { return labels[lang].outcomes[k] ?? labels.en.outcomes[k] ?? k; },
    locale() { return { en: 'en-GB', nb: 'nb-NO', sv: 'sv-SE' }[lang]; },
  };
})();
