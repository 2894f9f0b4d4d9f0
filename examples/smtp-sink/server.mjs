// An SMTP sink for trying Elva's mail without sending real mail (built on the smtp-server npm
// library): it accepts every message and keeps it in memory; an HTTP endpoint lists them. The
// test suite and `elva demo` use it.
//
//   node examples/smtp-sink/server.mjs [--port 2525] [--http-port 2580] [--key K --cert C]
//        [--user U --password P] [--no-starttls]
//
// Prints "listening on SMTP_PORT" and "http on HTTP_PORT". With --key/--cert it offers STARTTLS
// with that certificate; with --user/--password it requires AUTH. Recipients starting with
// "nobody@" are refused (550), for tests. GET /messages on the HTTP port lists what arrived:
// [{from, to, subject, messageId, text, secure, user, receivedAt}]; GET / shows them as a page
// to read (newest first, links clickable, refreshed every 5 s).
import http from 'node:http';
import fs from 'node:fs';
import { SMTPServer } from 'smtp-server';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const user = opt('--user');
const password = opt('--password');
const messages = [];

// RFC 2047 encoded words (=?UTF-8?B?...?= / ?Q?) in a header; the space between two adjacent
// words is not part of the text (§6.2).
const decodeWords = (s) => s.replace(/(\?=)[ \t]+(?==\?)/g, '$1').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, cs, enc, text) =>
  enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8')
    : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));

function parse(raw) {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  const headers = {};
  for (const line of head.split('\r\n')) {
    const c = line.indexOf(':');
    if (c > 0) headers[line.slice(0, c).toLowerCase()] = decodeWords(line.slice(c + 1).trim());
  }
  if ((headers['content-transfer-encoding'] ?? '').toLowerCase() === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, body };
}

const options = {
  secure: false,
  authOptional: !user,
  disabledCommands: user ? [] : ['AUTH'],
  hideSTARTTLS: args.includes('--no-starttls'),
  logger: false,
  onAuth(auth, session, cb) {
    if (auth.username === user && auth.password === password) return cb(null, { user: auth.username });
    return cb(new Error('Invalid username or password'));
  },
  onRcptTo(address, session, cb) {
    if (address.address.startsWith('nobody@')) { const e = new Error(`No such mailbox ${address.address}`); e.responseCode = 550; return cb(e); }
    cb();
  },
  onData(stream, session, cb) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      const { headers, body } = parse(Buffer.concat(chunks).toString('utf8'));
      messages.push({ from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address),
        subject: headers.subject ?? '', messageId: headers['message-id'] ?? '', text: body, secure: session.secure, user: session.user ?? null,
        headers, receivedAt: new Date().toISOString() });
      cb();
    });
  },
};
if (opt('--key')) { options.key = fs.readFileSync(opt('--key')); options.cert = fs.readFileSync(opt('--cert')); }
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
// Plain text with its http(s) links made clickable.
const linked = (text) => escape(text).replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}">${u}</a>`);

function inbox() {
  const items = [...messages].reverse().map((m) => `
  <article>
    <h2>${escape(m.subject || '(no subject)')}</h2>
    <p class="meta">From ${escape(m.from)} to ${escape(m.to.join(', '))} · ${escape(new Date(m.receivedAt).toLocaleString('sv-SE'))}</p>
    <pre>${linked(m.text)}</pre>
  </article>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5"><title>Mail sink · ${messages.length}</title>
<style>body{font:16px/1.45 system-ui,sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem;color:#1d2330}
article{border:1px solid #d9dde4;border-radius:8px;padding:.75rem 1rem;margin:0 0 .75rem}h2{font-size:1.1rem;margin:0}
.meta{color:#5b6474;margin:.2rem 0 .5rem;font-size:.9rem}pre{white-space:pre-wrap;font:inherit;margin:0}</style></head>
<body><h1>Mail sink</h1><p class="meta">${messages.length} ${messages.length === 1 ? 'message' : 'messages'}, newest first. Nothing here was sent for real. As JSON: <a href="/messages">/messages</a></p>${items || '<p>No mail yet.</p>'}</body></html>`;
}

const smtp = new SMTPServer(options);
smtp.on('error', (e) => console.error('smtp-sink:', e.message));
smtp.listen(Number(opt('--port', '2525')), '127.0.0.1', () => {
  console.log(`listening on ${smtp.server.address().port}`);
  const web = http.createServer((req, res) => {
    if (req.method === 'DELETE') { messages.length = 0; res.writeHead(204); return res.end(); }
    if (req.url === '/' || req.url === '/inbox') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(inbox());
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(messages));
  });
  web.listen(Number(opt('--http-port', '2580')), '127.0.0.1', () => console.log(`http on ${web.address().port}`));
});
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(0));
