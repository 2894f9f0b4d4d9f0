// A small HR system speaking SCIM 2.0 (RFC 7643/7644), built on the scimmy library: Users with
// the enterprise extension (employee number, organisation, department, manager) and Groups (the
// organisation's units). Elva's `hr` connector provisions into it; the test suite and `elva demo`
// run it as the HR system.
//
//   node examples/hr-scim-server/server.mjs [--port 8086] [--seed org.json] [--token TOKEN]
//
// Prints "listening on PORT" once ready. Endpoints under /scim/v2: Users, Groups (GET list with
// filter/startIndex/count, GET one, POST, PUT, PATCH, DELETE), ServiceProviderConfig. With
// --token, requests need "Authorization: Bearer TOKEN". For tests only: POST /_faults
// {"status": 500, "count": 2, "delayMs": 0} makes the next requests fail (status -1: drop the
// connection, -2: malformed JSON) or stall; {"late": true, "delayMs": 3000, "count": 1} carries
// the next request out but answers late. GET /_log lists the requests seen.
import http from "node:http";
import fs from "node:fs";
import SCIMMY from "scimmy";

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const port = Number(opt("--port", "8086"));
const token = opt("--token", process.env.HR_SCIM_TOKEN || "");
const base = "/scim/v2";

const users = new Map();
const groups = new Map();
let nextId = 1;
const newId = () => `hr-${String(nextId++).padStart(5, "0")}`;
const stamp = (old) => { const now = new Date().toISOString(); return {created: old?.meta?.created ?? now, lastModified: now}; };
const scimError = (status, scimType, detail) => new SCIMMY.Types.Error(status, scimType, detail);

SCIMMY.Resources.declare(SCIMMY.Resources.User).extend(SCIMMY.Schemas.EnterpriseUser)
  .ingress((resource, instance) => {
    const data = JSON.parse(JSON.stringify(instance));
    for (const u of users.values()) {
      if (u.id !== resource.id && u.userName.toLowerCase() === String(data.userName).toLowerCase()) {
        throw scimError(409, "uniqueness", `userName ${data.userName} is taken (user ${u.id})`);
      }
    }
    const id = resource.id ?? newId();
    if (resource.id && !users.has(id)) throw scimError(404, null, `there is no user ${id}`);
    const stored = {...data, id, meta: {resourceType: "User", ...stamp(users.get(id))}};
    users.set(id, stored);
    return stored;
  })
  .egress((resource) => {
    if (resource.id) {
      const u = users.get(resource.id);
      if (!u) throw scimError(404, null, `there is no user ${resource.id}`);
      return u;
    }
    const all = [...users.values()];
    return resource.filter ? resource.filter.match(all) : all;
  })
  .degress((resource) => {
    if (!users.delete(resource.id)) throw scimError(404, null, `there is no user ${resource.id}`);
  });

SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress((resource, instance) => {
    const data = JSON.parse(JSON.stringify(instance));
    for (const g of groups.values()) {
      if (g.id !== resource.id && g.displayName === data.displayName) throw scimError(409, "uniqueness", `group ${data.displayName} exists (${g.id})`);
    }
    for (const m of data.members ?? []) {
      if (!users.has(m.value)) throw scimError(400, "invalidValue", `member ${m.value} is not a user`);
    }
    const id = resource.id ?? newId();
    const stored = {...data, members: data.members ?? [], id, meta: {resourceType: "Group", ...stamp(groups.get(id))}};
    groups.set(id, stored);
    return stored;
  })
  .egress((resource) => {
    if (resource.id) {
      const g = groups.get(resource.id);
      if (!g) throw scimError(404, null, `there is no group ${resource.id}`);
      return g;
    }
    const all = [...groups.values()];
    return resource.filter ? resource.filter.match(all) : all;
  })
  .degress((resource) => {
    if (!groups.delete(resource.id)) throw scimError(404, null, `there is no group ${resource.id}`);
  });

SCIMMY.Config.set({patch: true, filter: {supported: true, maxResults: 1000}, bulk: false, changePassword: false, sort: false, etag: false});

// Seed: {"groups": ["IT", ...], "users": [{userName, givenName, familyName, email, employeeNumber,
// department, manager (employee number), title, groups: [...]}]}
async function seed(file) {
  const org = JSON.parse(fs.readFileSync(file, "utf8"));
  const byNumber = new Map();
  for (const u of org.users ?? []) {
    const manager = u.manager ? byNumber.get(u.manager) : undefined;
    const created = await new SCIMMY.Resources.User().write({
      schemas: [SCIMMY.Schemas.User.definition.id, SCIMMY.Schemas.EnterpriseUser.definition.id],
      userName: u.userName, externalId: u.employeeNumber, displayName: `${u.givenName} ${u.familyName}`,
      name: {givenName: u.givenName, familyName: u.familyName}, title: u.title,
      emails: u.email ? [{value: u.email, type: "work", primary: true}] : undefined, active: u.active ?? true,
      [SCIMMY.Schemas.EnterpriseUser.definition.id]: {employeeNumber: u.employeeNumber, organization: org.organization,
        department: u.department, ...(manager ? {manager: {value: manager}} : {})},
    });
    byNumber.set(u.employeeNumber, created.id);
  }
  for (const name of org.groups ?? []) {
    const members = (org.users ?? []).filter((u) => (u.groups ?? []).includes(name)).map((u) => ({value: byNumber.get(u.employeeNumber)}));
    await new SCIMMY.Resources.Group().write({schemas: [SCIMMY.Schemas.Group.definition.id], displayName: name, members});
  }
}
if (opt("--seed")) await seed(opt("--seed"));

const faults = {status: 0, count: 0, delayMs: 0};
const log = [];

function send(res, status, body) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, body === undefined ? {} : {"Content-Type": "application/scim+json"});
  res.end(text);
}

async function handle(req, res, body) {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/_faults" && req.method === "POST") { Object.assign(faults, {status: 0, count: 0, delayMs: 0, late: false}, JSON.parse(body || "{}")); return send(res, 204); }
  if (url.pathname === "/_log") return send(res, 200, log);
  if (url.pathname === "/_health") return send(res, 200, {users: users.size, groups: groups.size});
  log.push({method: req.method, path: url.pathname, query: url.search, idempotencyKey: req.headers["idempotency-key"] ?? null});
  if (faults.count > 0 && faults.late) {
    // The request is carried out, but its answer comes late (after the client gave up).
    faults.count--;
    const real = res.end.bind(res);
    res.end = (...a) => { setTimeout(() => real(...a), faults.delayMs); return res; };
  } else if (faults.count > 0) {
    faults.count--;
    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (faults.status === -1) { req.socket.destroy(); return; }
    if (faults.status === -2) { res.writeHead(200, {"Content-Type": "application/scim+json"}); return res.end("{\"schemas\": [oops"); }
    if (faults.status) return send(res, faults.status, {schemas: [SCIMMY.Messages.Error.id], status: String(faults.status), detail: "injected fault"});
  }
  if (token && req.headers.authorization !== `Bearer ${token}`) {
    return send(res, 401, {schemas: [SCIMMY.Messages.Error.id], status: "401", detail: "a bearer token is required"});
  }
  if (!url.pathname.startsWith(base)) return send(res, 404, {schemas: [SCIMMY.Messages.Error.id], status: "404", detail: "not a SCIM endpoint"});
  const [, kind, id] = url.pathname.slice(base.length).split("/");
  if (kind === "ServiceProviderConfig") return send(res, 200, await new SCIMMY.Resources.ServiceProviderConfig().read());
  const Resource = kind === "Users" ? SCIMMY.Resources.User : kind === "Groups" ? SCIMMY.Resources.Group : null;
  if (!Resource) return send(res, 404, {schemas: [SCIMMY.Messages.Error.id], status: "404", detail: `no resource type ${kind}`});
  const q = Object.fromEntries(url.searchParams);
  if (q.startIndex) q.startIndex = Number(q.startIndex);
  if (q.count) q.count = Number(q.count);
  const data = body ? JSON.parse(body) : undefined;
  switch (req.method) {
    case "GET": return send(res, 200, await new Resource(id, q).read());
    case "POST": if (id) break; return send(res, 201, await new Resource(undefined, q).write(data));
    case "PUT": if (!id) break; return send(res, 200, await new Resource(id, q).write(data));
    case "PATCH": if (!id) break; { const r = await new Resource(id, q).patch(data); return r ? send(res, 200, r) : send(res, 204); }
    case "DELETE": if (!id) break; await new Resource(id).dispose(); return send(res, 204);
  }
  return send(res, 405, {schemas: [SCIMMY.Messages.Error.id], status: "405", detail: `${req.method} is not allowed here`});
}

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => { body += c; });
  req.on("end", () => {
    handle(req, res, body).catch((e) => {
      const err = new SCIMMY.Messages.Error(e instanceof SyntaxError ? {status: 400, scimType: "invalidSyntax", detail: e.message} : e);
      send(res, Number(err.status) || 500, err);
    });
  });
});
server.listen(port, "127.0.0.1", () => console.log(`listening on ${server.address().port}`));
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => server.close(() => process.exit(0)));
