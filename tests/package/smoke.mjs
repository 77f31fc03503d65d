// The package's smoke test (tests/package/run): a few API calls through nginx in front of the
// installed server, as a first production user would make them.  One line per check, "ok - ..."
// or "not ok - ...", counted by the caller.  Arguments: BASE_URL LOGIN; the password on stdin.
import fs from 'node:fs';

const [base, login] = process.argv.slice(2);
const password = fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '');
let failures = 0;

function check(name, cond, detail = '') {
    console.log(`${cond ? 'ok' : 'not ok'} - ${name}${cond || !detail ? '' : ` (${detail})`}`);
    if (!cond) failures++;
}

async function call(method, path, { token, body, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const res = await fetch(base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, text, json };
}

const r = await call('POST', '/api/v1/auth/login', { body: { login, password } });
check('login through nginx answers 200 with an access token', r.status === 200 && typeof r.json?.access_token === 'string',
    `${r.status} ${r.text.slice(0, 200)}`);
const token = r.json?.access_token;

const me = await call('GET', '/api/v1/me', { token });
check('GET /api/v1/me names the administrator', me.status === 200 && JSON.stringify(me.json).includes(`"${login}"`),
    `${me.status} ${me.text.slice(0, 200)}`);
check('GET /api/v1/me: its organization is the one setup created', JSON.stringify(me.json).includes('"acme"'),
    me.text.slice(0, 300));
// fetch joins repeated headers with ", ": one header is exactly "nosniff".
check('X-Content-Type-Options is sent once on an API answer', me.headers.get('x-content-type-options') === 'nosniff',
    `got ${JSON.stringify(me.headers.get('x-content-type-options'))}`);

const chk = await call('GET', '/api/v1/auth/check', { token, headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' } });
check('auth/check (the check pool) lets the token through', chk.status >= 200 && chk.status < 300 && chk.headers.get('x-auth-user-id') !== null,
    `${chk.status} ${chk.text.slice(0, 200)}`);
const anon = await call('GET', '/api/v1/auth/check', { headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' } });
check('auth/check without a token answers 401', anon.status === 401, `${anon.status}`);

const out = await call('POST', '/api/v1/auth/logout', { token });
check('logout answers 2xx', out.status >= 200 && out.status < 300, `${out.status} ${out.text.slice(0, 200)}`);
const after = await call('GET', '/api/v1/me', { token });
check('the token is refused after logout', after.status === 401, `${after.status} ${after.text.slice(0, 200)}`);

const idx = await call('GET', '/');
check('the console index is served from /usr/share/gatehouse/www', idx.status === 200 && /<html/i.test(idx.text),
    `${idx.status}`);
check('X-Content-Type-Options is sent once on a console file', idx.headers.get('x-content-type-options') === 'nosniff',
    `got ${JSON.stringify(idx.headers.get('x-content-type-options'))}`);

process.exit(failures ? 1 : 0);
