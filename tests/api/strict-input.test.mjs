// Strict input (issue 13, parts 3 and 5; docs/api.md "Strict JSON" and "Strict numbers"),
// generated from the route table that `gatehouse routes --json` prints:
//   - every route that takes a JSON body, public and own-auth ones included, refuses each class
//     of bad JSON (a raw control character, \u0000 in a value or a name, an unpaired surrogate,
//     invalid UTF-8, a duplicate name) with 400 validation_failed naming the member;
//   - every route with an id in its path answers 404 for an id that is not a plain decimal
//     integer within range;
//   - every numeric query parameter and every list's limit and cursor refuse such numbers with
//     400 validation_failed naming the parameter;
// all as a platform administrator, and nothing is stored (the tables' checksums and the audit log
// do not move). Then the explicit cases: a password cut at a NUL, a duplicate login, integers
// in bodies.

import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';

import { api, gatehouse, problemOf, sql, DEV_PASSWORD } from './lib.mjs';

const LOGIN = '/api/v1/auth/login';

const out = await gatehouse(['routes', '--json']);
assert.equal(out.code, 0, `gatehouse routes --json: ${out.stderr}`);
const ROUTES = JSON.parse(out.stdout).filter((r) => r.auth !== 'debug');

// Values for the path parameters that are not ids: enough for the route to match.
const NAMED = { name: 'users.read', kind: 'password', token: 'not-a-token', slug: 'acme', action: 'read', component_key: 'x' };
const isId = (p) => p === 'id' || p.endsWith('_id');
const params = (pattern) => [...pattern.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
/** The pattern with each parameter filled: ids with 1 unless over says otherwise. */
const fill = (pattern, over = {}) =>
    pattern.replace(/\{([a-z_]+)\}/g, (_, p) => (p in over ? over[p] : isId(p) ? '1' : NAMED[p] ?? 'x'));

// What a strict parser refuses, as they appear in a path segment or a query value (already
// percent-encoded where a raw byte would not survive the URL).
const BAD_NUMBERS = ['%2B3', '%203', '3%20', '1abc', '1.9', '1.5', '-1', '0x10', '1e3', '01', '9223372036854775808', '99999999999999999999'];

const b64 = (s) => Buffer.from(s).toString('base64url');
const BAD_CURSORS = ['garbage!', 'x', b64('id:+3'), b64('id: 3'), b64('id:1e3'), b64('id:1.5'), b64('id:-1'), b64('id:0x10'), b64('id:99999999999999999999'), b64('id:')];

// The classes of bad JSON, each with the field the problem must name.
const ESC_NUL = '\\u0000';
const BAD_JSON = [
    { name: 'a raw control character in a string', raw: Buffer.from('{"probe":"a\x01b"}'), field: 'probe' },
    { name: 'a raw tab in a nested string', raw: Buffer.from('{"probe":{"inner":["ok","a\tb"]}}'), field: 'probe.inner[1]' },
    { name: 'an escaped NUL in a string', raw: Buffer.from(`{"probe":"a${ESC_NUL}b"}`), field: 'probe' },
    { name: 'an escaped control character in a string', raw: Buffer.from('{"probe":"a\\u0001b"}'), field: 'probe' },
    { name: 'a DEL in a string', raw: Buffer.from('{"probe":"a\x7fb"}'), field: 'probe' },
    { name: 'an escaped NUL in a name', raw: Buffer.from(`{"pro${ESC_NUL}be":"x"}`), field: 'pro\ufffdbe' },
    { name: 'an unpaired high surrogate', raw: Buffer.from('{"probe":"\\ud800"}'), field: 'probe' },
    { name: 'an unpaired low surrogate', raw: Buffer.from('{"probe":"x\\udc00"}'), field: 'probe' },
    { name: 'invalid UTF-8 in a string', raw: Buffer.concat([Buffer.from('{"probe":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), field: 'probe' },
    { name: 'invalid UTF-8 in a name', raw: Buffer.concat([Buffer.from('{"pro'), Buffer.from([0xc3, 0x28]), Buffer.from('":1}')]), field: 'pro\ufffd(' },
    { name: 'a duplicate name', raw: Buffer.from('{"probe":1,"probe":2}'), field: 'probe' },
    { name: 'a duplicate name in a nested object', raw: Buffer.from('{"probe":{"a":1,"\\u0061":2}}'), field: 'probe.a' },
];

// Numeric query parameters of the routes (besides limit and cursor), with the smallest value
// they take.
const QUERY_NUMBERS = {
    'GET /api/v1/users': ['organization_id', 'team'],
    'GET /api/v1/roles': ['organization_id'],
    'GET /api/v1/teams': ['organization_id'],
    'GET /api/v1/invitations': ['organization_id'],
    'GET /api/v1/audit-events': ['actor', 'organization_id'],
    'GET /api/v1/ui-components': ['parent_id'],
    'GET /api/v1/users/{id}/roles': ['organization_id'],
    'PUT /api/v1/users/{id}/roles': ['organization_id'],
    'POST /api/v1/users/{id}/roles': ['organization_id'],
    'DELETE /api/v1/users/{id}/roles/{role_id}': ['organization_id'],
};

let token;

/** Every table's checksum and the audit log's size: what "nothing stored" compares. */
async function snapshot() {
    const tables = (await sql('SHOW TABLES')).map((r) => r[0]).filter((t) => !['refresh_tokens', 'schema_migrations'].includes(t));
    const sums = await sql(`CHECKSUM TABLE ${tables.join(', ')}`);
    return Object.fromEntries(sums.map((r) => [r[0], r[1]]));
}

/** A describe() whose tests are framed by a snapshot and a check that nothing was stored. */
function unchanged(name, body) {
    describe(name, () => {
        let before_;
        test('snapshot', async () => {
            before_ = await snapshot();
        });
        body();
        test('nothing was stored', async () => {
            assert.deepEqual(await snapshot(), before_);
        });
    });
}

function expectProblem(res, status, code, field, what) {
    assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
    const p = problemOf(res);
    assert.equal(p.code, code, `${what}: ${res.text.slice(0, 300)}`);
    if (field !== undefined) {
        assert.equal(p.field, field, `${what}: field ${JSON.stringify(p.field)}, want ${JSON.stringify(field)}`);
        assert.deepEqual(p.errors?.[0]?.field, field, `${what}: errors[0].field`);
    }
    return p;
}

before(async () => {
    const res = await api('POST', LOGIN, { body: { login: 'admin', password: DEV_PASSWORD } });
    assert.equal(res.status, 200, `admin login: ${res.text}`);
    token = res.json.access_token;
});

describe('the route table', () => {
    test('routes --json lists the body routes, the public and own-auth ones among them', () => {
        const body = ROUTES.filter((r) => r.body);
        assert.ok(body.length >= 30, `only ${body.length} body routes`);
        for (const p of [LOGIN, '/api/v1/auth/refresh', '/api/v1/public/invitations/{token}/accept', '/api/v1/auth/password-reset', '/api/v1/auth/password-reset/confirm']) {
            const r = ROUTES.find((x) => x.pattern === p && x.method === 'POST');
            assert.ok(r?.body, `${p} is listed with a body`);
            assert.equal(r.auth, 'public');
        }
    });
});

unchanged('strict JSON on every route with a body', () => {
    for (const r of ROUTES.filter((x) => x.body)) {
        test(`${r.method} ${r.pattern}`, async () => {
            for (const c of BAD_JSON) {
                const res = await api(r.method, fill(r.pattern), { raw: c.raw, token, headers: { 'Content-Type': 'application/json' } });
                expectProblem(res, 400, 'validation_failed', c.field, `${r.method} ${r.pattern} with ${c.name}`);
            }
            // Syntax errors stay malformed_json.
            const res = await api(r.method, fill(r.pattern), { raw: '{"probe":01}', token, headers: { 'Content-Type': 'application/json' } });
            expectProblem(res, 400, 'malformed_json', undefined, `${r.method} ${r.pattern} with a leading zero`);
        });
    }
});

unchanged('strict numbers: ids in paths', () => {
    for (const r of ROUTES.filter((x) => params(x.pattern).some(isId))) {
        test(`${r.method} ${r.pattern}`, async () => {
            for (const p of params(r.pattern).filter(isId)) {
                for (const bad of [...BAD_NUMBERS, '0']) {
                    const opts = { token };
                    if (r.body) opts.body = {};
                    const res = await api(r.method, fill(r.pattern, { [p]: bad }), opts);
                    expectProblem(res, 404, 'not_found', undefined, `${r.method} ${fill(r.pattern, { [p]: bad })}`);
                }
            }
        });
    }
});

unchanged('strict numbers: query parameters', () => {
    for (const [key, names] of Object.entries(QUERY_NUMBERS)) {
        const [method, pattern] = key.split(' ');
        test(`${key}: ${names.join(', ')}`, async () => {
            assert.ok(ROUTES.some((x) => x.method === method && x.pattern === pattern), `${key} is a route`);
            for (const name of names) {
                for (const bad of [...BAD_NUMBERS, '']) {
                    const opts = { token };
                    if (ROUTES.find((x) => x.method === method && x.pattern === pattern).body) opts.body = { roles: [] };
                    const url = `${fill(pattern)}?${name}=${bad}`;
                    const res = await api(method, url, opts);
                    expectProblem(res, 400, 'validation_failed', name, `${method} ${url}`);
                }
            }
        });
    }

    // A list is a GET route answering {items, next_cursor} that honours ?limit=1. Every GET route
    // is probed; the paged lists found are checked, and counted by the last test.
    const lists = new Set();
    const getRoutes = ROUTES.filter((x) => x.method === 'GET' && x.auth === 'token');
    test(`GET routes: limit and cursor on each paged list (${getRoutes.length} routes probed)`, async () => {
        for (const r of getRoutes) await pagedList(r);
        assert.ok(lists.size >= 11, `paged lists found: ${[...lists].join(', ')}`);
    });
    async function pagedList(r) {
        {
            const one = await api('GET', `${fill(r.pattern)}?limit=1`, { token });
            if (one.status !== 200 || !Array.isArray(one.json?.items) || !('next_cursor' in one.json)) return;
            const zero = await api('GET', `${fill(r.pattern)}?limit=0`, { token });
            if (zero.status === 200) {
                assert.ok(one.json.next_cursor === null, `${r.pattern} ignores limit but pages`);
                return; // a short list that comes whole
            }
            lists.add(r.pattern);
            for (const bad of [...BAD_NUMBERS, '', '201']) {
                const res = await api('GET', `${fill(r.pattern)}?limit=${bad}`, { token });
                expectProblem(res, 400, 'validation_failed', 'limit', `GET ${r.pattern}?limit=${bad}`);
            }
            for (const bad of [...BAD_CURSORS, '%zz', 'a%00b']) {
                const res = await api('GET', `${fill(r.pattern)}?cursor=${bad}`, { token });
                expectProblem(res, 400, 'validation_failed', 'cursor', `GET ${r.pattern}?cursor=${bad}`);
            }
            if (one.json.next_cursor) {
                const next = await api('GET', `${fill(r.pattern)}?limit=1&cursor=${one.json.next_cursor}`, { token });
                assert.equal(next.status, 200, `GET ${r.pattern} with the cursor it issued: ${next.text.slice(0, 200)}`);
            }
        }
    }
});

describe('explicit cases', () => {
    test('a password with \\u0000 after the right one is refused, not cut at the NUL', async () => {
        for (const raw of [
            `{"login":"admin","password":"${DEV_PASSWORD}${ESC_NUL}"}`,
            `{"login":"admin","password":"${DEV_PASSWORD}${ESC_NUL}anything"}`,
            `{"login":"admin","password":"${DEV_PASSWORD}\u0000"}`,
            `{"login":"admin${ESC_NUL}x","password":"${DEV_PASSWORD}"}`,
        ]) {
            const res = await api('POST', LOGIN, { raw, headers: { 'Content-Type': 'application/json' } });
            const field = raw.includes(`admin${ESC_NUL}`) ? 'login' : 'password';
            expectProblem(res, 400, 'validation_failed', field, raw);
            assert.equal(res.json.access_token, undefined);
        }
    });

    test('{"login":"admin","login":"x"} is 400 naming login', async () => {
        const res = await api('POST', LOGIN, { raw: `{"login":"admin","login":"x","password":"${DEV_PASSWORD}"}`, headers: { 'Content-Type': 'application/json' } });
        expectProblem(res, 400, 'validation_failed', 'login', 'duplicate login');
        const again = await api('POST', LOGIN, { raw: `{"login":"x","password":"${DEV_PASSWORD}","login":"admin"}`, headers: { 'Content-Type': 'application/json' } });
        expectProblem(again, 400, 'validation_failed', 'login', 'duplicate login, the right one last');
    });

    test('a body integer with a fraction, an exponent or past 2^53 - 1 is refused, not converted', async () => {
        const before_ = await snapshot();
        for (const n of ['1.5', '1.0', '1e0', '1E2', '9007199254740993', '18446744073709551617', '1e400', '-1']) {
            const raw = `{"name":"strict-${Date.now()}","organization_id":${n}}`;
            const res = await api('POST', '/api/v1/teams', { raw, token, headers: { 'Content-Type': 'application/json' } });
            expectProblem(res, 400, 'validation_failed', 'organization_id', `POST /teams organization_id ${n}`);
        }
        for (const n of ['1.5', '2.0', '1e3', '9007199254740993']) {
            const raw = `{"settings":{"min_length":${n}}}`;
            const res = await api('PUT', '/api/v1/organizations/1/policies/password', { raw, token, headers: { 'Content-Type': 'application/json' } });
            expectProblem(res, 400, 'validation_failed', 'settings.min_length', `PUT policy min_length ${n}`);
        }
        const res = await api('POST', LOGIN, { raw: `{"login":"admin","password":"${DEV_PASSWORD}","organization":1.5}`, headers: { 'Content-Type': 'application/json' } });
        expectProblem(res, 400, 'validation_failed', 'organization', 'login organization 1.5');
        assert.deepEqual(await snapshot(), before_);
    });

    test('an organization given as an id, as a number or as text, still logs in', async () => {
        for (const organization of [1, '1', 'acme']) {
            const ok = await api('POST', LOGIN, { body: { login: 'admin', password: DEV_PASSWORD, organization } });
            assert.equal(ok.status, 200, `organization ${JSON.stringify(organization)}: ${ok.text}`);
        }
    });
});
