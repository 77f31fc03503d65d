// What differs with Apache in front (tests/apache/run starts it; GH_URL is Apache, in the mode
// GH_APACHE_MODE: fcgid or proxy-fcgi): the security headers, each once, on Gatehouse's answers,
// the console's files and Apache's own errors; the console and theme assets as static files;
// the body limits (Gatehouse's 413 problem between body_limit and LimitRequestBody, Apache's 413
// above); the FastCGI authorizer in front of an upstream (a POST with a body, forged identity
// headers); /metrics from loopback. Every test name starts with "apache: " (the runner's filter).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

import { api, sql, URL_BASE, UPSTREAM_URL, STACK_DIR, REPO } from '../api/lib.mjs';
import { mustLogin, bumpAuthz, uniq, show } from '../api/authlib.mjs';

const MODE = process.env.GH_APACHE_MODE ?? 'unknown';
const FCGID = MODE.startsWith('fcgid');
const RUN = `ap-${uniq()}`;

const SECURITY = {
    'strict-transport-security': 'max-age=63072000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** GET/POST with the raw header list (fetch joins repeated headers; this keeps them apart). */
function raw(method, url, { headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method, headers }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
                const list = {};
                for (let i = 0; i < res.rawHeaders.length; i += 2) {
                    const k = res.rawHeaders[i].toLowerCase();
                    (list[k] ??= []).push(res.rawHeaders[i + 1]);
                }
                resolve({ status: res.statusCode, list, text: Buffer.concat(chunks).toString('utf8') });
            });
        });
        req.on('error', reject);
        if (body !== undefined) req.write(body);
        req.end();
    });
}

function onceEach(r, what) {
    for (const [name, value] of Object.entries(SECURITY)) {
        assert.deepEqual(r.list[name], [value], `${what}: ${name} once, got ${JSON.stringify(r.list[name])}`);
    }
    assert.deepEqual(r.list.server, ['Apache'], `${what}: Server without versions (ServerTokens Prod)`);
    const csp = r.list['content-security-policy'] ?? [];
    assert.equal(csp.length, 1, `${what}: one Content-Security-Policy, got ${csp.length}`);
    assert.match(csp[0], /frame-ancestors 'none'/);
}

let bob;
let mapping;
before(async () => {
    bob = await mustLogin('bob');
});
after(async () => {
    if (mapping) {
        await sql(`DELETE FROM permission_api_endpoints WHERE id = ${mapping}`);
        await bumpAuthz();
    }
});

test(`apache: security headers once each: Gatehouse's answers, its problems, static files, Apache's errors (${MODE})`, async () => {
    onceEach(await raw('GET', `${URL_BASE}/healthz`), 'GET /healthz');
    const me = await raw('GET', `${URL_BASE}/api/v1/me`, { headers: { Authorization: `Bearer ${bob.token}` } });
    assert.equal(me.status, 200, me.text);
    onceEach(me, 'GET /api/v1/me');
    const p = await raw('GET', `${URL_BASE}/api/v1/me`);
    assert.equal(p.status, 401);
    assert.match(p.list['content-type'][0], /^application\/problem\+json/);
    onceEach(p, '401 problem from Gatehouse');
    assert.deepEqual(p.list['cache-control'], ['no-store'], 'one Cache-Control on a problem from Gatehouse');
    assert.deepEqual(p.list['content-type'], ['application/problem+json'], 'one Content-Type on a problem from Gatehouse');
    onceEach(await raw('GET', `${URL_BASE}/`), 'the console (/)');
    const nf = await raw('GET', `${URL_BASE}/no-such-file-${RUN}.html`);
    assert.equal(nf.status, 404);
    onceEach(nf, "Apache's own 404");
});

/** An error Apache made itself, in Gatehouse's problem shape (ErrorDocument), not cached. */
function apacheProblem(r, status, code, what) {
    assert.equal(r.status, status, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.deepEqual(r.list['content-type'], ['application/problem+json'], what);
    assert.deepEqual(r.list['cache-control'], ['no-store'], what);
    const p = JSON.parse(r.text);
    assert.equal(p.status, status, what);
    assert.equal(p.code, code, what);
    assert.equal(p.type, `https://gatehouse.dev/problems/${code}`, what);
    assert.equal(typeof p.title, 'string', what);
}

/** Sends bytes as they are on a new connection; resolves with status, headers and body. */
function rawSocket(bytes) {
    const u = new URL(URL_BASE);
    return new Promise((resolve, reject) => {
        const sock = net.connect(Number(u.port), u.hostname, () => sock.end(bytes));
        const chunks = [];
        sock.on('data', (c) => chunks.push(c));
        sock.on('error', reject);
        sock.on('close', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const [head, ...body] = text.split('\r\n\r\n');
            const lines = head.split('\r\n');
            const list = {};
            for (const l of lines.slice(1)) {
                const i = l.indexOf(':');
                (list[l.slice(0, i).toLowerCase()] ??= []).push(l.slice(i + 1).trim());
            }
            resolve({ status: Number(lines[0].split(' ')[1]), list, text: body.join('\r\n\r\n') });
        });
    });
}

test(`apache: Apache's own errors are problems: 404, 405, 400 (${MODE})`, async () => {
    apacheProblem(await raw('GET', `${URL_BASE}/no-such-file-${RUN}.html`), 404, 'not_found', 'a missing file');
    apacheProblem(await raw('DELETE', `${URL_BASE}/index.html`), 405, 'method_not_allowed', 'DELETE of a static file');
    apacheProblem(await rawSocket('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n'), 400, 'bad_request', 'a malformed header');
});

test(`apache: the console's files are served with their types and caching (${MODE})`, async () => {
    const index = await raw('GET', `${URL_BASE}/`);
    assert.equal(index.status, 200);
    assert.match(index.list['content-type'][0], /^text\/html/);
    assert.equal(index.text, fs.readFileSync(path.join(REPO, 'www', 'index.html'), 'utf8'));
    assert.deepEqual(index.list['cache-control'], ['no-cache']);
    const refs = [...index.text.matchAll(/(?:src|href)="\/?([^"?#]+\.(js|css))"/g)].map((m) => m[1]);
    assert.ok(refs.some((r) => r.endsWith('.js')) && refs.some((r) => r.endsWith('.css')), `index.html refers to js and css: ${refs}`);
    for (const ref of refs) {
        const r = await raw('GET', `${URL_BASE}/${ref}`);
        assert.equal(r.status, 200, ref);
        assert.match(r.list['content-type'][0], ref.endsWith('.js') ? /javascript/ : /^text\/css/, ref);
        assert.equal(r.text, fs.readFileSync(path.join(REPO, 'www', ref), 'utf8'), ref);
        assert.deepEqual(r.list['cache-control'], ['max-age=86400'], ref);
    }
});

test(`apache: theme assets from the themes directory, cached 30 days (${MODE})`, async () => {
    const dir = path.join(STACK_DIR, 'themes', RUN);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n';
    fs.writeFileSync(path.join(dir, 'logo.svg'), svg, { mode: 0o644 });
    try {
        const r = await raw('GET', `${URL_BASE}/assets/themes/${RUN}/logo.svg`);
        assert.equal(r.status, 200, r.text.slice(0, 200));
        assert.match(r.list['content-type'][0], /^image\/svg\+xml/);
        assert.equal(r.text, svg);
        assert.deepEqual(r.list['cache-control'], ['max-age=2592000']);
        onceEach(r, 'a theme asset');
        const listing = await raw('GET', `${URL_BASE}/assets/themes/${RUN}/`);
        assert.ok([403, 404].includes(listing.status), `no directory listing: ${listing.status}`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test(`apache: a body between body_limit and LimitRequestBody gets Gatehouse's 413 problem; above, Apache's 413 (${MODE})`, async () => {
    for (const size of [70000, 200000, 1000000]) {
        const body = JSON.stringify({ login: 'admin', password: 'x'.repeat(size) });
        const r = await raw('POST', `${URL_BASE}/api/v1/auth/login`, {
            headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
            body,
        });
        assert.equal(r.status, 413, `${size} bytes: ${r.status} ${r.text.slice(0, 200)}`);
        assert.match(r.list['content-type'][0], /^application\/problem\+json/, `${size} bytes`);
        assert.equal(JSON.parse(r.text).code, 'body_too_large', `${size} bytes`);
    }
    const big = 'x'.repeat(1048577);
    const r = await raw('POST', `${URL_BASE}/api/v1/auth/login`, {
        headers: { 'Content-Type': 'application/json', 'Content-Length': big.length },
        body: big,
    }).catch((e) => ({ status: 0, error: e.message }));
    if (FCGID) {
        // mod_fcgid passes the request on without its body when LimitRequestBody refuses it:
        // Gatehouse then says the body is missing (docs/running.md).
        assert.equal(r.status, 400, `over LimitRequestBody: ${r.status} ${r.text?.slice(0, 200)}`);
        assert.equal(JSON.parse(r.text).code, 'body_required');
    } else {
        // Apache refuses it itself (and may close before reading it all: a reset is fine too).
        assert.ok(r.status === 413 || r.status === 0, `over LimitRequestBody: ${r.status}`);
        if (r.status === 413) apacheProblem(r, 413, 'body_too_large', 'over LimitRequestBody');
    }
});

test(`apache: the FastCGI authorizer passes a POST with a body and replaces forged identity headers (${MODE})`, async () => {
    const base = UPSTREAM_URL.replace(/\/+$/, '');
    const prefix = new URL(base).pathname;
    await sql(
        `INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
         SELECT id, '${prefix}/${RUN}/**', 'POST', 'apache test ${RUN}' FROM permissions WHERE name = 'self.read'`,
    );
    mapping = Number((await sql(`SELECT id FROM permission_api_endpoints WHERE description = 'apache test ${RUN}'`))[0][0]);
    await bumpAuthz();
    const body = JSON.stringify({ hello: 'x'.repeat(5000) });
    const res = await api('POST', `${base}/${RUN}/x`, {
        token: bob.token,
        raw: body,
        headers: { 'Content-Type': 'application/json', 'X-Auth-User-Id': '999', 'X-Auth-Roles': 'platform_admin' },
    });
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.upstream, 'echo');
    assert.equal(res.json.method, 'POST');
    assert.notEqual(res.json.x_auth_user_id, '999');
    assert.match(res.json.x_auth_user_id, /^[0-9]+$/);
    assert.ok(!String(res.json.x_auth_roles).includes('platform_admin'), res.json.x_auth_roles);
    // Refused without a token, and the upstream never sees the request.
    const no = await api('POST', `${base}/${RUN}/x`, { raw: body, headers: { 'Content-Type': 'application/json' } });
    assert.equal(no.status, 401, show(no));
    assert.doesNotMatch(no.text, /"upstream":"echo"/);
    // Logged out: the same token is refused from then on.
    const s = await mustLogin('bob');
    const post = (token) => api('POST', `${base}/${RUN}/x`, { token, raw: body, headers: { 'Content-Type': 'application/json' } });
    assert.equal((await post(s.token)).status, 200);
    assert.equal((await api('POST', '/api/v1/auth/logout', { token: s.token })).status, 204);
    const out = await post(s.token);
    assert.equal(out.status, 401, show(out));
    assert.doesNotMatch(out.text, /"upstream":"echo"/);
});

test(`apache: a refusal of the authorizer: Gatehouse's 403 problem (proxy-fcgi), Apache's 401 problem (fcgid) (${MODE})`, async () => {
    const base = UPSTREAM_URL.replace(/\/+$/, '');
    // No mapping for this path: Gatehouse refuses with 403 forbidden (deny by default).
    const res = await api('GET', `${base}/${RUN}-unmapped/x`, { token: bob.token });
    assert.doesNotMatch(res.text, /"upstream":"echo"/);
    if (FCGID) {
        assert.equal(res.status, 401, show(res));
        // Apache's own 401 (ErrorDocument): the generic problem, not Gatehouse's 403.
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.json?.code, 'unauthorized', show(res));
        const errlog = fs.readFileSync(path.join(process.env.GH_APACHE_DIR, 'log', 'error.log'), 'utf8');
        assert.match(errlog, new RegExp(`Access check to access ${base.replace(/^http:\/\/[^/]+/, '')}/${RUN}-unmapped/x failed, reason: script returned status 403`));
    } else {
        assert.equal(res.status, 403, show(res));
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.json?.code, 'forbidden', show(res));
    }
    onceEach(await raw('GET', `${base}/${RUN}-unmapped/x`, { headers: { Authorization: `Bearer ${bob.token}` } }), 'a refusal of the authorizer');
    const passed = await raw('GET', `${base}/${RUN}-unmapped/x`);
    assert.equal(passed.status, 401);
    onceEach(passed, 'a 401 of the authorizer');
});

test(`apache: mod_fcgid's Gatehouse processes run as the expected user (${MODE})`, { skip: !FCGID }, async () => {
    const want = process.env.GH_APACHE_FCGID_USER;
    const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${want}:`));
    assert.ok(line, `user ${want}`);
    const uid = Number(line.split(':')[2]);
    const dir = process.env.GH_APACHE_DIR;
    const uids = [];
    for (const pid of fs.readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d))) {
        let cmd;
        try {
            cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        } catch {
            continue;
        }
        if (cmd[1] === 'worker' && cmd[2] === '-c' && String(cmd[3]).startsWith(`${dir}/`)) {
            uids.push(Number(/^Uid:\s+([0-9]+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]));
        }
    }
    assert.ok(uids.length > 0, 'mod_fcgid started Gatehouse processes');
    assert.deepEqual([...new Set(uids)], [uid], `uids ${uids} (want ${want} = ${uid})`);
});

test(`apache: /metrics answers from loopback (${MODE})`, async () => {
    const r = await raw('GET', `${URL_BASE}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.text, /gatehouse_/);
});
