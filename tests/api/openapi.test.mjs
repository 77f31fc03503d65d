// The OpenAPI document (issue 18, item 6): docs/openapi.yaml, generated into data/openapi.json,
// served at GET /api/v1/openapi.json. These tests keep it equal to the route table, to its
// source and to what the server answers, lint it with @redocly/cli, and show that the response
// check every API test goes through (openapilib.mjs) refuses what the document does not allow.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { api, gatehouse, rawRequest, REPO } from './lib.mjs';
import { checkResponse, matchPath, openapi, OPENAPI_JSON } from './openapilib.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function run(file, args, opts = {}) {
    return new Promise((resolve) => {
        execFile(file, args, { timeout: 180000, maxBuffer: 16 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
        });
    });
}

function operations(doc) {
    const out = [];
    for (const [p, item] of Object.entries(doc.paths)) {
        for (const m of METHODS) if (item[m]) out.push(`${m.toUpperCase()} ${p}`);
    }
    return out.sort();
}

test('every route of `gatehouse routes --json` is in the document with its method and path template, and nothing else', async () => {
    const r = await gatehouse(['routes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const routes = JSON.parse(r.stdout).map((x) => `${x.method} ${x.pattern}`).sort();
    const ops = operations(openapi().doc);
    const missing = routes.filter((x) => !ops.includes(x));
    const extra = ops.filter((x) => !routes.includes(x));
    assert.deepEqual(missing, [], 'routes missing from docs/openapi.yaml (add them: docs/api.md, "The OpenAPI document")');
    assert.deepEqual(extra, [], 'operations in docs/openapi.yaml that no route serves');
    assert.equal(ops.length, routes.length);
});

test('public routes, and only they, have no security requirement; the others need the bearer token', async () => {
    const routes = JSON.parse((await gatehouse(['routes', '--json'])).stdout);
    const { doc } = openapi();
    for (const r of routes) {
        const op = doc.paths[r.pattern][r.method.toLowerCase()];
        const open = Array.isArray(op.security) && op.security.length === 0;
        const isPublic = r.auth === 'public' || r.auth === 'debug';
        assert.equal(open, isPublic, `${r.method} ${r.pattern} (auth ${r.auth}): security ${JSON.stringify(op.security)}`);
        // A route that reads a JSON body documents it, and one that does not, does not; but the
        // OAuth endpoints' handlers read a form body themselves (no ROUTE_BODY): those document it
        // as application/x-www-form-urlencoded only.
        const types = Object.keys(op.requestBody?.content ?? {});
        if (r.body) assert.ok(op.requestBody, `${r.method} ${r.pattern}: requestBody vs the route's body flag`);
        else assert.ok(types.every((t) => t === 'application/x-www-form-urlencoded'),
            `${r.method} ${r.pattern}: a requestBody (${types}) on a route that reads no JSON body`);
        // Every operation lists its 4xx and 500 answers.
        assert.ok(Object.keys(op.responses).some((s) => s.startsWith('4')), `${r.method} ${r.pattern}: no 4xx`);
        assert.ok(op.responses['500'], `${r.method} ${r.pattern}: no 500`);
        if (!isPublic && r.auth !== 'own') assert.ok(op.responses['401'] && op.responses['403'], `${r.method} ${r.pattern}: 401 and 403`);
        // A body over body_limit is refused on every route, one that reads none included.
        assert.ok(op.responses['413'] && op.responses['414'] && op.responses['400'], `${r.method} ${r.pattern}: 400, 413, 414`);
        if (r.body) assert.ok(op.responses['415'], `${r.method} ${r.pattern}: 415`);
        // If-Match is a parameter exactly where a mismatch answers 412.
        const ifMatch = (op.parameters ?? []).some((x) => x.$ref === '#/components/parameters/IfMatch');
        assert.equal(ifMatch, !!op.responses['412'], `${r.method} ${r.pattern}: If-Match and 412`);
    }
});

test('data/openapi.json is what scripts/openapi makes of docs/openapi.yaml', () => {
    const yaml = YAML.parse(fs.readFileSync(path.join(REPO, 'docs', 'openapi.yaml'), 'utf8'), { uniqueKeys: true });
    const json = JSON.parse(fs.readFileSync(OPENAPI_JSON, 'utf8'));
    assert.deepEqual(json, yaml, 'run scripts/openapi');
    assert.equal(fs.readFileSync(OPENAPI_JSON, 'utf8'), JSON.stringify(yaml, null, 1) + '\n', 'run scripts/openapi');
});

test('GET /api/v1/openapi.json answers the file, public and cacheable, with a strong ETag and 304', async () => {
    const file = fs.readFileSync(OPENAPI_JSON, 'utf8');
    const r = await api('GET', '/api/v1/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.text, file, 'the served document is the file byte for byte (restart the stack after scripts/openapi)');
    assert.equal(r.headers.get('cache-control'), 'public, max-age=300');
    const etag = r.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    const again = await api('GET', '/api/v1/openapi.json', { headers: { 'If-None-Match': `"nope", W/${etag}` } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.headers.get('etag'), etag);
    assert.equal(again.headers.get('cache-control'), 'public, max-age=300');
    const stale = await api('GET', '/api/v1/openapi.json', { headers: { 'If-None-Match': '"0123"' } });
    assert.equal(stale.status, 200);
    const head = await api('HEAD', '/api/v1/openapi.json');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    // Every worker read the same file: the same tag whichever answers.
    const tags = new Set();
    for (let i = 0; i < 8; i++) tags.add((await rawRequest('GET', '/api/v1/openapi.json', { base: process.env.GH_DIRECT_URL })).headers.get('etag'));
    assert.deepEqual([...tags], [etag]);
});

test('`redocly lint` with the committed redocly.yaml finds no error', async () => {
    const bin = path.join(REPO, 'node_modules', '.bin', 'redocly');
    const r = await run(bin, ['lint', '--config', path.join(REPO, 'redocly.yaml'), path.join(REPO, 'docs', 'openapi.yaml')],
        { cwd: REPO, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' } });
    assert.equal(r.code, 0, `redocly lint failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /valid/);
});

// The check itself: fabricated answers the document does not allow are refused.
function fake(status, body, type = 'application/json', headers = {}) {
    const h = new Headers({ 'content-type': type, 'x-request-id': 'abc', 'x-content-type-options': 'nosniff',
        'cache-control': 'no-store', ...headers });
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return { status, headers: h, text, json: null };
}
const BASE = (process.env.GH_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const problem = (status, code, extra = {}) => ({
    type: `https://gatehouse.dev/problems/${code}`, title: 't', status, code, request_id: 'abc', ...extra,
});

test('the response check refuses an undocumented status, a wrong body, a wrong type, a missing header', () => {
    const ok = { status: 'ok' };
    checkResponse('GET', `${BASE}/healthz`, fake(200, ok));
    assert.throws(() => checkResponse('GET', `${BASE}/healthz`, fake(201, ok)), /status 201 is not documented/);
    assert.throws(() => checkResponse('GET', `${BASE}/healthz`, fake(200, { status: 'ok', extra: 1 })), /does not match/);
    assert.throws(() => checkResponse('GET', `${BASE}/healthz`, fake(200, { status: 'ok' }, 'text/html')), /content type 'text\/html'/);
    // A problem whose code does not belong to its status, or to the operation.
    assert.throws(() => checkResponse('GET', `${BASE}/api/v1/me`, fake(401, problem(401, 'forbidden'), 'application/problem+json',
        { 'www-authenticate': 'Bearer realm="gatehouse"' })), /does not match/);
    assert.throws(() => checkResponse('GET', `${BASE}/api/v1/me`, fake(403, problem(403, 'system_role'), 'application/problem+json')), /does not match/);
    checkResponse('GET', `${BASE}/api/v1/me`, fake(403, problem(403, 'forbidden'), 'application/problem+json'));
    // A token 401 must say WWW-Authenticate.
    assert.throws(() => checkResponse('GET', `${BASE}/api/v1/me`, fake(401, problem(401, 'token_expired'), 'application/problem+json')),
        /WWW-Authenticate is required/);
    // A problem body's status is the HTTP status; its type ends with its code.
    assert.throws(() => checkResponse('GET', `${BASE}/api/v1/nope`, fake(404, problem(400, 'bad_path'), 'application/problem+json')), /status/);
    assert.throws(() => checkResponse('GET', `${BASE}/api/v1/nope`,
        fake(404, { ...problem(404, 'not_found'), type: 'https://gatehouse.dev/problems/x' }, 'application/problem+json')), /type/);
    // No path of the document: only a problem may answer.
    assert.throws(() => checkResponse('GET', `${BASE}/api/v1/nope`, fake(200, ok)), /no path in the document/);
    // Every Gatehouse answer carries X-Request-Id.
    const noRid = fake(200, ok);
    noRid.headers.delete('x-request-id');
    assert.throws(() => checkResponse('GET', `${BASE}/healthz`, noRid), /X-Request-Id/);
    // Header values: a documented header's schema, no-store where the document says nothing,
    // nosniff everywhere.
    const role = { id: 1, name: 'r', description: null, organization_id: 1, scope: 'organization', is_system: false,
        permissions: [], created_at: '2026-12-07T20:00:00.000000Z', updated_at: '2026-12-07T20:00:00.000000Z' };
    checkResponse('GET', `${BASE}/api/v1/roles/1`, fake(200, role, 'application/json', { etag: `"${'a'.repeat(32)}"` }));
    assert.throws(() => checkResponse('GET', `${BASE}/api/v1/roles/1`, fake(200, role, 'application/json', { etag: 'W/"x"' })), /header ETag/);
    assert.throws(() => checkResponse('GET', `${BASE}/api/v1/roles/1`, fake(200, role)), /header ETag is required/);
    assert.throws(() => checkResponse('GET', `${BASE}/healthz`, fake(200, ok, 'application/json', { 'cache-control': 'max-age=60' })), /no-store/);
    assert.throws(() => checkResponse('GET', `${BASE}/.well-known/jwks.json`, fake(200, { keys: [] }, 'application/jwk-set+json',
        { 'cache-control': 'no-store' })), /Cache-Control/);
    assert.throws(() => checkResponse('GET', `${BASE}/healthz`, fake(200, ok, 'application/json', { 'x-content-type-options': '' })), /nosniff/);
    // A 204 has no body.
    assert.throws(() => checkResponse('POST', `${BASE}/api/v1/auth/logout`, fake(204, '{}')), /a body where none is allowed/);
    // nginx's gateway problems are not an operation's answers, but they are problems.
    checkResponse('GET', `${BASE}/api/v1/me`, fake(502, problem(502, 'upstream_unavailable'), 'application/problem+json'));
    assert.throws(() => checkResponse('GET', `${BASE}/api/v1/me`, fake(502, '<html>', 'text/html')), /status 502 is not documented/);
    // Paths outside Gatehouse (the console, the protected upstream) are not checked.
    checkResponse('GET', `${BASE}/upstream/x`, fake(200, { anything: true }));
    checkResponse('GET', `${BASE}/index.html`, fake(200, '<html>', 'text/html'));
});

test('path templates match as the router does: the most literal template wins', () => {
    assert.equal(matchPath('/api/v1/me/mfa/webauthn/options')?.tpl, '/api/v1/me/mfa/webauthn/options');
    assert.equal(matchPath('/api/v1/me/mfa/webauthn/12')?.tpl, '/api/v1/me/mfa/webauthn/{id}');
    assert.equal(matchPath('/api/v1/users/3/roles/9')?.tpl, '/api/v1/users/{id}/roles/{role_id}');
    assert.equal(matchPath('/api/v1/public/invitations/abc/accept')?.tpl, '/api/v1/public/invitations/{token}/accept');
    assert.equal(matchPath('/api/v1/nope'), null);
});
