// The OpenID Connect routes against the OpenAPI document (docs/openapi.yaml, "oidc" and
// "clients"): the answers the other OIDC tests do not reach (each request here goes through the
// response check of openapilib.mjs, so an answer the document does not allow fails), and the
// check itself refusing OIDC answers the document does not allow (an HTML error where the token
// endpoint answers RFC 6749 JSON, a problem where it answers `error`, a redirect without
// Location, a token answer without token_type), through openid-client's fetch too.

import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { api, rawRequest } from './lib.mjs';
import { mustLogin } from './authlib.mjs';
import { namesField } from './authzlib.mjs';
import { checkResponse } from './openapilib.mjs';
import { Browser, BYE, CB, admin, basic, codeFlow, config, form, makeClient, oc } from './oidclib.mjs';

const BASE = (process.env.GH_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');

describe('OIDC answers checked against the document', () => {
    let c;
    let cfg;
    before(async () => {
        c = await makeClient();
        cfg = await config(c);
    });

    test('the OAuth endpoints refuse a body that is not a form with RFC 6749 invalid_request (JSON, not a problem)', async () => {
        for (const p of ['/oauth2/token', '/oauth2/introspect', '/oauth2/revoke']) {
            const r = await api('POST', p, { body: { grant_type: 'client_credentials', token: 'x' } });
            assert.equal(r.status, 400, `${p}: ${r.text}`);
            assert.equal(r.headers.get('content-type'), 'application/json');
            assert.equal(r.json.error, 'invalid_request');
            assert.equal(r.headers.get('pragma'), 'no-cache');
        }
        // token is required at introspection and revocation (after the client authenticates)
        for (const p of ['/oauth2/introspect', '/oauth2/revoke']) {
            const r = await form(p, { client_id: c.client_id, client_secret: c.client_secret });
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error, 'invalid_request');
        }
        // revocation without client credentials: 401 invalid_client with WWW-Authenticate: Basic
        const r = await form('/oauth2/revoke', { token: 'x' });
        assert.equal(r.status, 401);
        assert.equal(r.json.error, 'invalid_client');
        assert.equal(r.headers.get('www-authenticate'), 'Basic realm="gatehouse"');
        // an unknown token with good credentials (Basic): 200, no body (RFC 7009)
        const ok = await form('/oauth2/revoke', { token: 'unknown-token' }, basic(c.client_id, c.client_secret));
        assert.equal(ok.status, 200);
        assert.equal(ok.text, '');
    });

    test('a body over body_limit at the token endpoint is a problem (413), as on every route', async () => {
        const r = await api('POST', '/oauth2/token', {
            raw: 'grant_type=client_credentials&pad=' + 'a'.repeat(70000),
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        });
        assert.equal(r.status, 413);
        assert.equal(r.json.code, 'body_too_large');
    });

    test('POST /oauth2/authorize without a form, or with a forged form, shows the error page (400, HTML)', async () => {
        const b = new Browser();
        const j = await b.fetch('/oauth2/authorize', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
        assert.equal(j.status, 400);
        assert.match(j.headers.get('content-type'), /^text\/html/);
        assert.match(j.text, /not sent as a form/);
        // signed in, a form whose anti-forgery value is wrong
        assert.equal((await b.login('admin')).status, 200);
        const f = await b.fetch('/oauth2/authorize', {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ response_type: 'code', client_id: c.client_id, redirect_uri: CB, scope: 'openid', csrf: 'forged', decision: 'allow' }).toString(),
        });
        assert.equal(f.status, 400);
        assert.match(f.text, /consent form has expired/);
    });

    test('HEAD of the discovery document, userinfo with the token in a form, logout by form', async () => {
        const h = await api('HEAD', '/.well-known/openid-configuration');
        assert.equal(h.status, 200);
        assert.equal(h.text, '');
        const { tokens, browser } = await codeFlow(cfg, { scope: 'openid profile gatehouse' });
        const ui = await form('/oauth2/userinfo', { access_token: tokens.access_token });
        assert.equal(ui.status, 200, ui.text);
        assert.ok(ui.json.preferred_username);
        assert.ok(Array.isArray(ui.json.roles));
        // POST logout with a form: to the registered URI with state, the browser signed out
        const lo = await browser.fetch('/oauth2/logout', {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: BYE, state: 's1' }).toString(),
        });
        assert.equal(lo.status, 302);
        assert.equal(lo.location, `${BYE}?state=s1`);
        const page = await browser.fetch('/oauth2/logout', { method: 'POST' });
        assert.equal(page.status, 200);
        assert.match(page.text, /signed out/);
    });

    test('client admin: 404 for an unknown client on every {id} route; a public client has no secret to rotate', async () => {
        const t = await admin();
        for (const [m, p, body] of [['GET', '/api/v1/clients/999999'], ['PATCH', '/api/v1/clients/999999', { name: 'x' }],
            ['DELETE', '/api/v1/clients/999999'], ['POST', '/api/v1/clients/999999/secret', {}],
            ['DELETE', '/api/v1/clients/999999/secret/previous']]) {
            const r = await api(m, p, { token: t, body });
            assert.equal(r.status, 404, `${m} ${p}: ${r.text}`);
        }
        const pub = await makeClient({ client_type: 'public', grant_types: ['authorization_code'] });
        assert.equal(pub.client_secret, undefined);
        const r = await api('POST', `/api/v1/clients/${pub.id}/secret`, { token: t, body: {} });
        assert.equal(r.status, 400);
        assert.equal(r.json.code, 'validation_failed');
        assert.ok(namesField(r.json, 'client_type'), r.text);
        // the list's cursor, a bad organization_id
        const page = await api('GET', '/api/v1/clients?limit=1', { token: t });
        assert.equal(page.status, 200);
        assert.equal(page.json.items.length, 1);
        assert.equal((await api('GET', '/api/v1/clients?organization_id=x', { token: t })).status, 400);
        // a query parameter that does not decode, under /oauth2/ too: a problem naming it
        const bad = await rawRequest('GET', '/oauth2/authorize?client_id=%zz');
        assert.equal(bad.status, 400, bad.text);
        assert.equal(bad.json.code, 'validation_failed');
        assert.equal(bad.json.field, 'client_id');
    });
});

describe('client admin and consent routes: the refusals', () => {
    test('no token 401 on every route; a member without clients.* 403; a body not JSON 415', async () => {
        const c = await makeClient();
        const routes = [['GET', '/api/v1/clients'], ['POST', '/api/v1/clients', { name: 'x' }], ['GET', `/api/v1/clients/${c.id}`],
            ['PATCH', `/api/v1/clients/${c.id}`, { name: 'x' }], ['DELETE', `/api/v1/clients/${c.id}`],
            ['POST', `/api/v1/clients/${c.id}/secret`, {}], ['DELETE', `/api/v1/clients/${c.id}/secret/previous`]];
        for (const [m, p, body] of [...routes, ['GET', '/api/v1/me/consents'], ['DELETE', `/api/v1/me/consents/${c.client_id}`]]) {
            const r = await api(m, p, { body });
            assert.equal(r.status, 401, `${m} ${p}: ${r.text}`);
        }
        const bob = (await mustLogin('bob')).token;
        for (const [m, p, body] of routes) {
            const r = await api(m, p, { token: bob, body });
            assert.equal(r.status, 403, `${m} ${p}: ${r.text}`);
            assert.equal(r.json.code, 'forbidden');
        }
        const t = await admin();
        for (const [m, p] of [['POST', '/api/v1/clients'], ['PATCH', `/api/v1/clients/${c.id}`], ['POST', `/api/v1/clients/${c.id}/secret`]]) {
            const r = await api(m, p, { token: t, raw: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
            assert.equal(r.status, 415, `${m} ${p}: ${r.text}`);
        }
        // nothing changed
        const after = await api('GET', `/api/v1/clients/${c.id}`, { token: t });
        assert.equal(after.status, 200);
        assert.equal(after.json.name, c.name);
    });

    test('POST userinfo: 401 without a token, 403 with a console token; POST logout with a bad hint: the error page', async () => {
        assert.equal((await form('/oauth2/userinfo', {})).status, 401);
        const r = await api('POST', '/oauth2/userinfo', { token: await admin() });
        assert.equal(r.status, 403);
        assert.match(r.headers.get('www-authenticate'), /insufficient_scope/);
        const lo = await new Browser().fetch('/oauth2/logout', {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ id_token_hint: 'a.b.c', post_logout_redirect_uri: BYE }).toString(),
        });
        assert.equal(lo.status, 400);
        assert.match(lo.text, /id_token_hint/);
    });
});

describe('the response check on OIDC answers', () => {
    const h = (type, extra = {}) => new Headers({ 'content-type': type, 'x-request-id': 'abc', 'x-content-type-options': 'nosniff',
        'cache-control': 'no-store', ...extra });
    const fake = (status, text, type, extra) => ({ status, headers: h(type, extra), text, json: null });

    test('refuses what the document does not allow on the OAuth endpoints', () => {
        const tok = { access_token: 'a.b.c', token_type: 'Bearer', expires_in: 60 };
        checkResponse('POST', `${BASE}/oauth2/token`, fake(200, JSON.stringify(tok), 'application/json', { pragma: 'no-cache' }));
        assert.throws(() => checkResponse('POST', `${BASE}/oauth2/token`,
            fake(200, JSON.stringify({ ...tok, token_type: undefined }), 'application/json', { pragma: 'no-cache' })), /does not match/);
        assert.throws(() => checkResponse('POST', `${BASE}/oauth2/token`, fake(200, JSON.stringify(tok), 'application/json')),
            /Pragma is required/);
        // the token endpoint's errors are RFC 6749 JSON, never an HTML page, never an unknown error
        assert.throws(() => checkResponse('POST', `${BASE}/oauth2/token`, fake(400, '<!doctype html>', 'text/html')), /content type 'text\/html'/);
        assert.throws(() => checkResponse('POST', `${BASE}/oauth2/token`,
            fake(400, JSON.stringify({ error: 'invalid_token' }), 'application/json')), /does not match/);
        assert.throws(() => checkResponse('POST', `${BASE}/oauth2/token`,
            fake(401, JSON.stringify({ error: 'invalid_client' }), 'application/json')), /WWW-Authenticate is required/);
        assert.throws(() => checkResponse('POST', `${BASE}/oauth2/token`, fake(401, JSON.stringify({ error: 'invalid_client' }),
            'application/json', { 'www-authenticate': 'Bearer realm="gatehouse"' })), /header WWW-Authenticate/);
        // discovery is cacheable for five minutes, and says so
        assert.throws(() => checkResponse('GET', `${BASE}/.well-known/openid-configuration`, fake(200, '{}', 'application/json')),
            /Cache-Control/);
        // a redirect says where; the error page is HTML
        assert.throws(() => checkResponse('GET', `${BASE}/oauth2/authorize`, fake(302, '', 'text/plain')), /Location is required/);
        checkResponse('GET', `${BASE}/oauth2/authorize`, fake(400, '<!doctype html>\n<html>', 'text/html; charset=utf-8'));
        assert.throws(() => checkResponse('GET', `${BASE}/oauth2/authorize`,
            fake(400, JSON.stringify({ error: 'invalid_request' }), 'application/json')), /content type 'application\/json'/);
        // a client read never carries a secret; creation may, and nothing else unknown
        const cl = {
            id: 1, organization_id: 1, client_id: '0123456789abcdef01234567', name: 'n', client_type: 'confidential',
            redirect_uris: [], post_logout_redirect_uris: [], grant_types: ['client_credentials'], scopes: [],
            access_token_ttl: null, refresh_token_ttl: null, id_token_ttl: 300, first_party: false, enabled: true,
            service_user_id: 2, previous_secret_expires_at: null, created_at: '2026-12-07T21:15:40.046194Z',
            updated_at: '2026-12-07T21:15:40.046194Z',
        };
        const etag = { etag: '"0123456789abcdef0123456789abcdef"' };
        const secret = 'wI5_10Pym8IeBmFY2a6Chd0SBAp071-Aji6zfqC6KPw';
        checkResponse('GET', `${BASE}/api/v1/clients/1`, fake(200, JSON.stringify(cl), 'application/json', etag));
        assert.throws(() => checkResponse('GET', `${BASE}/api/v1/clients/1`,
            fake(200, JSON.stringify({ ...cl, client_secret: secret }), 'application/json', etag)), /does not match/);
        const created = { ...etag, location: '/api/v1/clients/1' };
        checkResponse('POST', `${BASE}/api/v1/clients`, fake(201, JSON.stringify({ ...cl, client_secret: secret }), 'application/json', created));
        assert.throws(() => checkResponse('POST', `${BASE}/api/v1/clients`,
            fake(201, JSON.stringify({ ...cl, client_secret: secret, secret_hash: 'x' }), 'application/json', created)), /does not match/);
        // introspection: inactive is active:false alone
        assert.throws(() => checkResponse('POST', `${BASE}/oauth2/introspect`,
            fake(200, JSON.stringify({ active: false, sub: '1' }), 'application/json')), /does not match/);
    });

    test("openid-client's requests go through the check (its customFetch is checkedFetch)", async () => {
        // The check records each answer it sees (GH_OPENAPI_RECORD): discovery, the client
        // credentials grant and introspection made by openid-client are among them.
        const file = path.join(os.tmpdir(), `gh-oidc-record-${process.pid}.jsonl`);
        const was = process.env.GH_OPENAPI_RECORD;
        fs.rmSync(file, { force: true });
        process.env.GH_OPENAPI_RECORD = file;
        try {
            const svc = await makeClient({ grant_types: ['client_credentials'], scopes: ['gatehouse'], redirect_uris: [] });
            const cfg = await config(svc);
            const t = await oc.clientCredentialsGrant(cfg, { scope: 'gatehouse' });
            await oc.tokenIntrospection(cfg, t.access_token);
        } finally {
            if (was === undefined) delete process.env.GH_OPENAPI_RECORD;
            else process.env.GH_OPENAPI_RECORD = was;
        }
        const seen = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
            .map((e) => `${e.method} ${e.path} ${e.status} ${e.matched}`);
        fs.rmSync(file, { force: true });
        for (const want of ['GET /.well-known/openid-configuration 200 true', 'POST /oauth2/token 200 true',
            'POST /oauth2/introspect 200 true']) {
            assert.ok(seen.includes(want), `${want} in ${JSON.stringify(seen)}`);
        }
    });
});
