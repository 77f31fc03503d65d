// Service accounts: a client with client_credentials acts in its organization with the roles
// granted to its service account; its tokens pass /api/v1/auth/check and nginx forward auth on
// the same path as user tokens, and stop at once when the client is disabled, its secret is
// rotated past the overlap, or its roles change (docs/oidc.md, "Service accounts").
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { api, sql, UPSTREAM_URL } from './lib.mjs';
import { CHECK, bumpAuthz } from './authlib.mjs';
import { admin, basic, config, form, makeClient, oc } from './oidclib.mjs';

const RUN = `svc-${crypto.randomBytes(3).toString('hex')}`;
const BASE = UPSTREAM_URL.replace(/\/+$/, '');
const upstreamPath = new URL(BASE).pathname;
let mapping;

function check(token) {
    return api('GET', CHECK, { token, headers: { 'X-Original-Method': 'GET', 'X-Original-URI': `${upstreamPath}/${RUN}/data` } });
}
function upstream(token) {
    return api('GET', `${BASE}/${RUN}/data`, { token });
}

async function grantMember(userId) {
    const r = await api('POST', `/api/v1/users/${userId}/roles`, { token: await admin(), body: { role: 'member', organization_id: 1 } });
    assert.equal(r.status, 200, r.text);
}

async function ccToken(c, secret = c.client_secret) {
    const r = await form('/oauth2/token', { grant_type: 'client_credentials' }, basic(c.client_id, secret));
    return r;
}

before(async () => {
    await sql(`INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
               SELECT id, '${upstreamPath}/${RUN}/**', 'GET', 'oidc service test' FROM permissions WHERE name = 'users.read'`);
    mapping = Number((await sql(`SELECT id FROM permission_api_endpoints WHERE api_endpoint = '${upstreamPath}/${RUN}/**'`))[0][0]);
    await bumpAuthz();
});
after(async () => {
    await sql(`DELETE FROM permission_api_endpoints WHERE id = ${mapping}`);
    await bumpAuthz();
});

describe('client credentials', () => {
    test('openid-client gets a token; it passes the check and nginx forward auth with the account\'s roles', async () => {
        const c = await makeClient({ grant_types: ['client_credentials'], redirect_uris: [] });
        assert.ok(c.service_user_id > 0);
        const kind = await sql(`SELECT kind, password_hash IS NULL FROM users WHERE id = ${c.service_user_id}`);
        assert.deepEqual(kind[0], ['service', '1']);
        const cfg = await config(c);
        let t = await oc.clientCredentialsGrant(cfg, { scope: 'gatehouse' });
        assert.equal(t.token_type.toLowerCase(), 'bearer');
        assert.equal(t.id_token, undefined);
        // No role yet: denied by default.
        assert.equal((await check(t.access_token)).status, 403);
        await grantMember(c.service_user_id);
        // The grant moved the account's permission_version: the old token is refused, a new one works.
        assert.equal((await check(t.access_token)).status, 401);
        t = await oc.clientCredentialsGrant(cfg);
        const ok = await check(t.access_token);
        assert.equal(ok.status, 204);
        assert.equal(ok.headers.get('x-auth-user-id'), String(c.service_user_id));
        assert.equal(ok.headers.get('x-auth-org-id'), '1');
        assert.equal(ok.headers.get('x-auth-roles'), 'member');
        const up = await upstream(t.access_token);
        assert.equal(up.status, 200);
        // Introspection of its own token (no SQL on this path when warm) is active.
        const i = await oc.tokenIntrospection(cfg, t.access_token);
        assert.equal(i.active, true);
        assert.equal(i.client_id, c.client_id);
        // A service account cannot sign in with a password.
        const l = await api('POST', '/api/v1/auth/login', { body: { login: `svc-${c.client_id}`, password: 'x'.repeat(12) } });
        assert.equal(l.status, 401);
    });

    test('a public client or one without the grant cannot use client_credentials; openid is not a scope here', async () => {
        const c = await makeClient();
        const r = await ccToken(c);
        assert.equal(r.status, 400);
        assert.equal(r.json.error, 'unauthorized_client');
        const s = await makeClient({ grant_types: ['client_credentials'], redirect_uris: [] });
        const r2 = await form('/oauth2/token', { grant_type: 'client_credentials', scope: 'openid' }, basic(s.client_id, s.client_secret));
        assert.equal(r2.json.error, 'invalid_scope');
    });
});

describe('revocation of a service account\'s tokens, at once', () => {
    let c;
    before(async () => {
        c = await makeClient({ grant_types: ['client_credentials'], redirect_uris: [] });
        await grantMember(c.service_user_id);
    });

    test('disabling the client refuses its tokens in the check and in forward auth; enabling accepts new ones', async () => {
        const t = (await ccToken(c)).json.access_token;
        assert.equal((await check(t)).status, 204);
        const p = await api('PATCH', `/api/v1/clients/${c.id}`, { token: await admin(), body: { enabled: false } });
        assert.equal(p.status, 200);
        assert.equal(p.json.enabled, false);
        assert.equal((await check(t)).status, 401);
        assert.equal((await upstream(t)).status, 401);
        const r = await ccToken(c);
        assert.equal(r.status, 401);
        assert.equal(r.json.error, 'invalid_client');
        const audit = await sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'oidc_client.disable' AND target_id = '${c.id}'`);
        assert.equal(Number(audit[0][0]), 1);
        await api('PATCH', `/api/v1/clients/${c.id}`, { token: await admin(), body: { enabled: true } });
        const t2 = (await ccToken(c)).json.access_token;
        assert.equal((await check(t2)).status, 204);
    });

    test('rotating the secret without overlap ends the old secret and the tokens at once', async () => {
        const t = (await ccToken(c)).json.access_token;
        const r = await api('POST', `/api/v1/clients/${c.id}/secret`, { token: await admin(), body: {} });
        assert.equal(r.status, 200);
        assert.ok(r.json.client_secret && r.json.client_secret !== c.client_secret);
        assert.equal((await check(t)).status, 401);
        assert.equal((await ccToken(c)).status, 401, 'the old secret is refused');
        const old = c.client_secret;
        c.client_secret = r.json.client_secret;
        const t2 = (await ccToken(c)).json.access_token;
        assert.equal((await check(t2)).status, 204);
        // With an overlap both secrets work until the overlap is ended, which revokes at once.
        const r2 = await api('POST', `/api/v1/clients/${c.id}/secret`, { token: await admin(), body: { overlap_seconds: 600 } });
        assert.equal(r2.status, 200);
        assert.ok(r2.json.previous_secret_expires_at);
        assert.equal((await check(t2)).status, 204, 'tokens live through the overlap');
        assert.equal((await ccToken(c)).status, 200, 'the previous secret works during the overlap');
        assert.equal((await ccToken(c, r2.json.client_secret)).status, 200);
        assert.equal((await ccToken(c, old)).status, 401, 'not the one before');
        const end = await api('DELETE', `/api/v1/clients/${c.id}/secret/previous`, { token: await admin() });
        assert.equal(end.status, 204);
        assert.equal((await check(t2)).status, 401);
        assert.equal((await ccToken(c)).status, 401);
        c.client_secret = r2.json.client_secret;
        assert.equal((await check((await ccToken(c)).json.access_token)).status, 204);
    });

    test('a change of its roles refuses its tokens at once', async () => {
        const t = (await ccToken(c)).json.access_token;
        assert.equal((await check(t)).status, 204);
        const roleId = (await sql(`SELECT id FROM roles WHERE name = 'member' AND organization_id IS NULL`))[0][0];
        const d = await api('DELETE', `/api/v1/users/${c.service_user_id}/roles/${roleId}?organization_id=1`, { token: await admin() });
        assert.ok([200, 204].includes(d.status), d.text);
        assert.equal((await check(t)).status, 401);
        assert.equal((await check((await ccToken(c)).json.access_token)).status, 403);
    });

    test('deleting the client refuses its tokens and removes the service account', async () => {
        const d = await makeClient({ grant_types: ['client_credentials'], redirect_uris: [] });
        await grantMember(d.service_user_id);
        const t = (await ccToken(d)).json.access_token;
        assert.equal((await check(t)).status, 204);
        assert.equal((await api('DELETE', `/api/v1/clients/${d.id}`, { token: await admin() })).status, 204);
        assert.equal((await check(t)).status, 401);
        assert.equal((await upstream(t)).status, 401);
        assert.equal(Number((await sql(`SELECT COUNT(*) FROM users WHERE id = ${d.service_user_id}`))[0][0]), 0);
    });
});

describe('a disabled client\'s user tokens', () => {
    test('tokens from the code flow are refused in forward auth when the client is disabled', async () => {
        const { codeFlow } = await import('./oidclib.mjs');
        const c = await makeClient();
        const cfg = await config(c);
        const { tokens } = await codeFlow(cfg, { user: 'bob' });
        assert.equal((await check(tokens.access_token)).status, 204);
        await api('PATCH', `/api/v1/clients/${c.id}`, { token: await admin(), body: { enabled: false } });
        assert.equal((await check(tokens.access_token)).status, 401);
        assert.equal((await upstream(tokens.access_token)).status, 401);
        await assert.rejects(oc.refreshTokenGrant(cfg, tokens.refresh_token));
    });
});
