// The OpenID Connect provider through the real stack, with npm openid-client (an
// OpenID-certified relying party) for discovery, the code flow with PKCE, ID token validation,
// refresh, userinfo, introspection, revocation and client credentials; the browser is fetch
// with a cookie jar (docs/oidc.md).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { api, sql, sleep } from './lib.mjs';
import { createUser, mustLogin, redis, me } from './authlib.mjs';
import { generateSync } from 'otplib';
import { Browser, CB, BYE, CLIENTS, ISSUER, admin, basic, codeFlow, config, form, makeClient, oc, payload } from './oidclib.mjs';

let conf; // a confidential client with the code flow and refresh tokens
let cfg;
before(async () => {
    conf = await makeClient();
    cfg = await config(conf);
});

describe('discovery and keys', () => {
    test('the discovery document names every endpoint and what is supported', async () => {
        const m = cfg.serverMetadata();
        assert.equal(m.issuer, ISSUER);
        for (const [k, p] of [['authorization_endpoint', '/oauth2/authorize'], ['token_endpoint', '/oauth2/token'],
            ['userinfo_endpoint', '/oauth2/userinfo'], ['introspection_endpoint', '/oauth2/introspect'],
            ['revocation_endpoint', '/oauth2/revoke'], ['end_session_endpoint', '/oauth2/logout'],
            ['jwks_uri', '/.well-known/jwks.json']])
            assert.equal(m[k], ISSUER + p, k);
        assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
        assert.deepEqual(m.response_types_supported, ['code']);
        assert.ok(['ES256', 'RS256'].includes(m.id_token_signing_alg_values_supported[0]));
        const jwks = await api('GET', '/.well-known/jwks.json');
        assert.ok(jwks.json.keys.some((k) => k.alg === m.id_token_signing_alg_values_supported[0]));
    });
});

describe('authorization code flow with PKCE', () => {
    test('sign-in through the login page, consent, tokens; the ID token validated by openid-client', async () => {
        const b = new Browser();
        const { tokens, claims } = await codeFlow(cfg, { browser: b });
        assert.equal(claims.iss, ISSUER);
        assert.equal(claims.aud, conf.client_id);
        assert.equal(claims.preferred_username, 'admin');
        assert.ok(claims.email);
        assert.equal(typeof claims.email_verified, 'boolean');
        assert.ok(claims.name);
        assert.equal(claims.org, 1);
        assert.ok(claims.roles.includes('org_admin'));
        assert.deepEqual(claims.amr, ['pwd']);
        assert.equal(claims.acr, '1fa');
        assert.ok(Math.abs(claims.auth_time - Date.now() / 1000) < 60);
        // at_hash: left half of SHA-256 of the access token
        const h = crypto.createHash('sha256').update(tokens.access_token).digest();
        assert.equal(claims.at_hash, h.subarray(0, 16).toString('base64url'));
        assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
        const header = JSON.parse(Buffer.from(tokens.id_token.split('.')[0], 'base64url'));
        assert.ok(['ES256', 'RS256'].includes(header.alg));
        // The access token is a Gatehouse token: /api/v1/me and forward auth accept it.
        const r = await me(tokens.access_token);
        assert.equal(r.status, 200);
        assert.equal(payload(tokens.access_token).client_id, conf.client_id);
        // The consent is remembered (a second flow needs no page) and listed on the account.
        const again = await codeFlow(cfg, { browser: b });
        assert.equal(again.claims.sub, claims.sub);
        const list = await api('GET', '/api/v1/me/consents', { token: await admin() });
        assert.ok(list.json.items.some((c) => c.client_id === conf.client_id && c.scopes.includes('openid')));
    });

    test('a sign-in with a second factor: the cookie comes with the second step; amr and acr say so', async () => {
        const u = await createUser('oidcmfa');
        const t = (await mustLogin(u.username)).token;
        const start = await api('POST', '/api/v1/me/mfa/totp', { token: t });
        assert.equal(start.status, 201, start.text);
        const now = Math.floor(Date.now() / 1000);
        const ok = await api('POST', '/api/v1/me/mfa/totp/confirm', { token: t, body: { code: generateSync({ secret: start.json.secret, epoch: now - 30 }) } });
        assert.equal(ok.status, 200, ok.text);
        const b = new Browser();
        const first = await b.login(u.username);
        assert.equal(first.json.mfa_required, true);
        assert.equal(b.jar.has('gh_sso'), false, 'no browser session before the second factor');
        const url = oc.buildAuthorizationUrl(cfg, { redirect_uri: CB, scope: 'openid', prompt: 'none', state: 'm' });
        assert.equal(new URL((await b.fetch(url.href)).location).searchParams.get('error'), 'login_required');
        const v = await b.fetch('/api/v1/auth/mfa/verify', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ mfa_ticket: first.json.mfa_ticket, method: 'totp', code: generateSync({ secret: start.json.secret, epoch: now }) }),
        });
        assert.equal(v.status, 200, v.text);
        assert.ok(b.jar.has('gh_sso'));
        const { claims } = await codeFlow(cfg, { browser: b, user: u.username, scope: 'openid profile' });
        assert.equal(claims.preferred_username, u.username);
        assert.ok(claims.amr.includes('mfa') && claims.amr.includes('otp'), JSON.stringify(claims.amr));
        assert.equal(claims.acr, '2fa');
    });

    test('prompt=none with a session and a consent gives a code; prompt=consent asks again', async () => {
        const b = new Browser();
        await codeFlow(cfg, { browser: b });
        const { claims } = await codeFlow(cfg, { browser: b, extra: { prompt: 'none' } });
        assert.equal(claims.preferred_username, 'admin');
        const url = oc.buildAuthorizationUrl(cfg, { redirect_uri: CB, scope: 'openid', prompt: 'consent', state: 's' });
        const r = await b.fetch(url.href);
        assert.equal(r.status, 200);
        assert.match(r.text, /Allow/);
        const d = await b.consent(r.text, 'deny');
        assert.equal(d.status, 302);
        const back = new URL(d.location);
        assert.equal(back.searchParams.get('error'), 'access_denied');
        assert.equal(back.searchParams.get('state'), 's');
    });

    test('prompt=login and max_age=0 send a signed-in browser to the login page again', async () => {
        const b = new Browser();
        await codeFlow(cfg, { browser: b });
        for (const extra of [{ prompt: 'login' }, { max_age: '0' }]) {
            const url = oc.buildAuthorizationUrl(cfg, { redirect_uri: CB, scope: 'openid', state: 's', ...extra });
            const r = await b.fetch(url.href);
            assert.equal(r.status, 302);
            assert.match(r.location, /^\/#\/login\?return=/);
        }
        // login_hint is handed to the login page
        const url = oc.buildAuthorizationUrl(cfg, { redirect_uri: CB, scope: 'openid', login_hint: 'bob', prompt: 'login' });
        const r = await b.fetch(url.href);
        assert.match(r.location, /&login=bob$/);
    });

    test('a public client: PKCE required, no secret, tokens', async () => {
        const pub = await makeClient({ client_type: 'public', grant_types: ['authorization_code'] });
        assert.equal(pub.client_secret, undefined);
        const pcfg = await config(pub);
        const { claims } = await codeFlow(pcfg, { scope: 'openid profile' });
        assert.equal(claims.aud, pub.client_id);
        const b = new Browser();
        await b.login('admin');
        const url = oc.buildAuthorizationUrl(pcfg, { redirect_uri: CB, scope: 'openid', state: 'st' });
        const r = await b.fetch(url.href);
        const back = new URL(r.location);
        assert.equal(back.searchParams.get('error'), 'invalid_request');
        assert.equal(back.searchParams.get('state'), 'st');
    });

    test('a first-party client skips the consent page', async () => {
        const fp = await makeClient({ first_party: true });
        const fcfg = await config(fp);
        const b = new Browser();
        await b.login('bob');
        const url = oc.buildAuthorizationUrl(fcfg, { redirect_uri: CB, scope: 'openid', state: 'x',
            code_challenge: await oc.calculatePKCECodeChallenge(oc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
        const r = await b.fetch(url.href);
        assert.equal(r.status, 302);
        assert.ok(r.location.startsWith(CB + '?code='));
    });

    test('client_secret_basic authenticates at the token endpoint', async () => {
        const bcfg = await config(conf, oc.ClientSecretBasic(conf.client_secret));
        const { claims } = await codeFlow(bcfg);
        assert.equal(claims.aud, conf.client_id);
    });
});

describe('refresh, userinfo, introspection, revocation', () => {
    test('refresh rotates; a reused refresh token revokes the session', async () => {
        const { tokens } = await codeFlow(cfg);
        const t2 = await oc.refreshTokenGrant(cfg, tokens.refresh_token);
        assert.ok(t2.access_token && t2.refresh_token && t2.id_token);
        assert.notEqual(t2.refresh_token, tokens.refresh_token);
        assert.equal(t2.claims().sub, payload(tokens.id_token).sub);
        await assert.rejects(oc.refreshTokenGrant(cfg, tokens.refresh_token), (e) => e.error === 'invalid_grant');
        await assert.rejects(oc.refreshTokenGrant(cfg, t2.refresh_token), (e) => e.error === 'invalid_grant');
        assert.equal((await me(t2.access_token)).status, 401);
        // The console's refresh endpoint does not take a client's refresh token.
        const other = await codeFlow(cfg);
        const r = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: other.tokens.refresh_token } });
        assert.equal(r.status, 401);
        // nor may another client use it
        const c2 = await makeClient();
        await assert.rejects(oc.refreshTokenGrant(await config(c2), other.tokens.refresh_token), (e) => e.error === 'invalid_grant');
    });

    test('userinfo (GET and POST) answers the claims of the scopes', async () => {
        const { tokens, claims } = await codeFlow(cfg, { scope: 'openid email' });
        const ui = await oc.fetchUserInfo(cfg, tokens.access_token, claims.sub);
        assert.equal(ui.sub, claims.sub);
        assert.ok(ui.email);
        assert.equal(ui.preferred_username, undefined, 'no profile scope, no profile claims');
        const post = await api('POST', '/oauth2/userinfo', { token: tokens.access_token });
        assert.equal(post.status, 200);
        assert.equal(post.json.sub, claims.sub);
        // A console token (no openid scope) is refused; no token is 401.
        assert.equal((await api('GET', '/oauth2/userinfo', { token: await admin() })).status, 403);
        assert.equal((await api('GET', '/oauth2/userinfo')).status, 401);
    });

    test('introspection: active with its claims, inactive after revocation, garbage inactive', async () => {
        const { tokens } = await codeFlow(cfg);
        const i1 = await oc.tokenIntrospection(cfg, tokens.access_token);
        assert.equal(i1.active, true);
        assert.equal(i1.client_id, conf.client_id);
        assert.match(i1.scope, /openid/);
        assert.equal(i1.sub, payload(tokens.id_token).sub);
        const ir = await oc.tokenIntrospection(cfg, tokens.refresh_token);
        assert.equal(ir.active, true);
        assert.equal(ir.token_type, 'refresh_token');
        await oc.tokenRevocation(cfg, tokens.access_token);
        assert.equal((await oc.tokenIntrospection(cfg, tokens.access_token)).active, false);
        assert.equal((await me(tokens.access_token)).status, 401);
        const g = await oc.tokenIntrospection(cfg, 'not-a-token');
        assert.deepEqual(g, { active: false });
        // revoking the refresh token ends the client's session
        await oc.tokenRevocation(cfg, tokens.refresh_token);
        assert.equal((await oc.tokenIntrospection(cfg, tokens.refresh_token)).active, false);
        await assert.rejects(oc.refreshTokenGrant(cfg, tokens.refresh_token), (e) => e.error === 'invalid_grant');
        // introspection needs the client's credentials
        const bad = await form('/oauth2/introspect', { token: tokens.access_token, client_id: conf.client_id, client_secret: 'x' });
        assert.equal(bad.status, 401);
        assert.equal(bad.json.error, 'invalid_client');
    });
});

describe('negative cases', () => {
    test('a redirect_uri that does not match exactly never redirects: an HTML page', async () => {
        const b = new Browser();
        await b.login('admin');
        for (const ru of [CB + '/x', CB + '?a=1', 'http://127.0.0.1:9/CB', 'http://evil.example/cb', CB + '#f', '', 'http://127.0.0.1:9/cb/../cb']) {
            const url = `/oauth2/authorize?response_type=code&client_id=${conf.client_id}&scope=openid&state=s&redirect_uri=${encodeURIComponent(ru)}`;
            const r = await b.fetch(url);
            assert.equal(r.status, 400, ru);
            assert.equal(r.location, null, ru);
            assert.match(r.headers.get('content-type'), /text\/html/);
        }
        const unknown = await b.fetch(`/oauth2/authorize?response_type=code&client_id=nope&scope=openid&redirect_uri=${encodeURIComponent(CB)}`);
        assert.equal(unknown.status, 400);
        assert.equal(unknown.location, null);
    });

    test('other authorization errors go back with error and state', async () => {
        const b = new Browser();
        await b.login('admin');
        const base = `/oauth2/authorize?client_id=${conf.client_id}&redirect_uri=${encodeURIComponent(CB)}&state=st8`;
        const cases = [
            ['&response_type=token&scope=openid', 'unsupported_response_type'],
            ['&response_type=code&scope=openid%20admin', 'invalid_scope'],
            ['&response_type=code&scope=openid&code_challenge=' + 'a'.repeat(43) + '&code_challenge_method=plain', 'invalid_request'],
            ['&response_type=code&scope=openid&prompt=none%20login', 'invalid_request'],
        ];
        for (const [q, err] of cases) {
            const r = await b.fetch(base + q);
            assert.equal(r.status, 302, q);
            const u = new URL(r.location);
            assert.equal(u.origin + u.pathname, CB);
            assert.equal(u.searchParams.get('error'), err, q);
            assert.equal(u.searchParams.get('state'), 'st8');
            assert.equal(u.searchParams.get('iss'), ISSUER);
        }
    });

    test('prompt=none without a session: login_required; without consent: consent_required', async () => {
        const url = oc.buildAuthorizationUrl(cfg, { redirect_uri: CB, scope: 'openid', prompt: 'none', state: 'n1' });
        const r = await new Browser().fetch(url.href);
        const u = new URL(r.location);
        assert.equal(u.searchParams.get('error'), 'login_required');
        assert.equal(u.searchParams.get('state'), 'n1');
        const fresh = await makeClient();
        const b = new Browser();
        await b.login('admin');
        const r2 = await b.fetch(oc.buildAuthorizationUrl(await config(fresh), { redirect_uri: CB, scope: 'openid', prompt: 'none', state: 'n2' }).href);
        assert.equal(new URL(r2.location).searchParams.get('error'), 'consent_required');
    });

    test('PKCE mismatch, a missing verifier and a wrong redirect_uri at the token endpoint are invalid_grant', async () => {
        for (const bad of [{ code_verifier: 'x'.repeat(43) }, {}, { redirect_uri: CB + '2' }]) {
            const b = new Browser();
            await b.login('admin');
            const verifier = oc.randomPKCECodeVerifier();
            const url = oc.buildAuthorizationUrl(cfg, { redirect_uri: CB, scope: 'openid', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
            let r = await b.fetch(url.href);
            if (r.status === 200) r = await b.consent(r.text);
            const code = new URL(r.location).searchParams.get('code');
            const fields = { grant_type: 'authorization_code', code, redirect_uri: CB, client_id: conf.client_id, client_secret: conf.client_secret, ...bad };
            if (!('code_verifier' in bad) && !('redirect_uri' in bad)) delete fields.code_verifier;
            else if (!('code_verifier' in bad)) fields.code_verifier = verifier;
            const t = await form('/oauth2/token', fields);
            assert.equal(t.status, 400, JSON.stringify(bad));
            assert.equal(t.json.error, 'invalid_grant');
            assert.equal(t.headers.get('cache-control'), 'no-store');
        }
    });

    test('a reused code is refused and revokes the tokens it issued', async () => {
        const { tokens, callback, verifier } = await codeFlow(cfg);
        const t = await form('/oauth2/token', { grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier, client_id: conf.client_id, client_secret: conf.client_secret });
        assert.equal(t.status, 400);
        assert.equal(t.json.error, 'invalid_grant');
        assert.equal((await me(tokens.access_token)).status, 401);
        await assert.rejects(oc.refreshTokenGrant(cfg, tokens.refresh_token), (e) => e.error === 'invalid_grant');
    });

    test('an expired code is refused (its 60 s lifetime cut short in Redis)', async () => {
        const b = new Browser();
        await b.login('admin');
        await codeFlow(cfg, { browser: b });
        const verifier = oc.randomPKCECodeVerifier();
        const url = oc.buildAuthorizationUrl(cfg, { redirect_uri: CB, scope: 'openid', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
        const r = await b.fetch(url.href);
        const code = new URL(r.location).searchParams.get('code');
        const key = 'oc:' + crypto.createHash('sha256').update(code).digest('hex');
        const ttl = Number(await redis('TTL', key));
        assert.ok(ttl > 50 && ttl <= 60, `code TTL ${ttl}`);
        await redis('PEXPIRE', key, '1');
        await sleep(20);
        const t = await form('/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier, client_id: conf.client_id, client_secret: conf.client_secret });
        assert.equal(t.status, 400);
        assert.equal(t.json.error, 'invalid_grant');
    });

    test('a wrong client secret is 401 invalid_client (post and basic)', async () => {
        const a = await form('/oauth2/token', { grant_type: 'client_credentials', client_id: conf.client_id, client_secret: 'wrong' });
        assert.equal(a.status, 401);
        assert.equal(a.json.error, 'invalid_client');
        const b = await form('/oauth2/token', { grant_type: 'client_credentials' }, basic(conf.client_id, 'wrong'));
        assert.equal(b.status, 401);
        assert.equal(b.json.error, 'invalid_client');
        assert.match(b.headers.get('www-authenticate'), /^Basic/);
        const u = await form('/oauth2/token', { grant_type: 'password', client_id: conf.client_id, client_secret: conf.client_secret });
        assert.equal(u.json.error, 'unsupported_grant_type');
        const j = await api('POST', '/oauth2/token', { body: { grant_type: 'client_credentials' } });
        assert.equal(j.status, 400);
        assert.equal(j.json.error, 'invalid_request');
    });
});

describe('logout (RP-initiated)', () => {
    test('id_token_hint and a registered post_logout_redirect_uri: redirected with state, the session ended', async () => {
        const b = new Browser();
        const l = await b.login('admin');
        const consoleToken = l.json.access_token;
        const { tokens } = await codeFlow(cfg, { browser: b });
        const url = oc.buildEndSessionUrl(cfg, { id_token_hint: tokens.id_token, post_logout_redirect_uri: BYE, state: 'bye1' });
        const r = await b.fetch(url.href);
        assert.equal(r.status, 302);
        assert.equal(r.location, BYE + '?state=bye1');
        assert.equal(b.jar.has('gh_sso'), false, 'the cookie is cleared');
        assert.equal((await me(consoleToken)).status, 401, 'the console session ended too');
        const again = await b.fetch(oc.buildAuthorizationUrl(cfg, { redirect_uri: CB, scope: 'openid', prompt: 'none' }).href);
        assert.equal(new URL(again.location).searchParams.get('error'), 'login_required');
    });

    test('an unregistered post_logout_redirect_uri never redirects', async () => {
        const { tokens, browser } = await codeFlow(cfg);
        for (const plr of ['http://evil.example/bye', BYE + '/x', BYE + '?x=1']) {
            const r = await browser.fetch(oc.buildEndSessionUrl(cfg, { id_token_hint: tokens.id_token, post_logout_redirect_uri: plr }).href);
            assert.equal(r.status, 400, plr);
            assert.equal(r.location, null);
        }
        // without a hint or client_id nothing names the client: refused too
        const r = await browser.fetch(`/oauth2/logout?post_logout_redirect_uri=${encodeURIComponent(BYE)}`);
        assert.equal(r.status, 400);
        // a forged hint is refused
        const f = await browser.fetch(`/oauth2/logout?id_token_hint=${tokens.id_token.slice(0, -4)}AAAA&post_logout_redirect_uri=${encodeURIComponent(BYE)}`);
        assert.equal(f.status, 400);
        // no redirect asked: a page
        const p = await browser.fetch('/oauth2/logout');
        assert.equal(p.status, 200);
        assert.match(p.text, /signed out/);
    });
});

describe('client admin API', () => {
    test('validation names the field and changes nothing', async () => {
        const t = await admin();
        const cases = [
            [{ name: 'x', redirect_uris: ['http://example.com/cb'] }, 'redirect_uris[0]'],
            [{ name: 'x', redirect_uris: ['https://example.com/cb#frag'] }, 'redirect_uris[0]'],
            [{ name: 'x', redirect_uris: ['example.com/cb'] }, 'redirect_uris[0]'],
            [{ name: 'x', redirect_uris: [CB], post_logout_redirect_uris: ['javascript:alert(1)'] }, 'post_logout_redirect_uris[0]'],
            [{ name: 'x', redirect_uris: [CB], grant_types: ['password'] }, 'grant_types'],
            [{ name: 'x', redirect_uris: [CB], scopes: ['admin'] }, 'scopes'],
            [{ name: 'x', client_type: 'public', grant_types: ['client_credentials'] }, 'grant_types'],
            [{ name: 'x', grant_types: ['authorization_code'] }, 'redirect_uris'],
            [{ name: 'x', redirect_uris: [CB], bogus: 1 }, 'bogus'],
        ];
        const before = await sql('SELECT COUNT(*) FROM oidc_client');
        for (const [body, field] of cases) {
            const r = await api('POST', CLIENTS, { token: t, body });
            assert.equal(r.status, 400, JSON.stringify(body));
            assert.equal(r.json.field, field, JSON.stringify(body));
        }
        assert.deepEqual(await sql('SELECT COUNT(*) FROM oidc_client'), before);
        for (const ok of ['https://app.example.com/cb', 'http://localhost:8080/cb', 'http://[::1]:3000/cb', 'http://127.0.0.1/cb?x=1'])
            assert.equal((await api('POST', CLIENTS, { token: t, body: { name: 'ok', redirect_uris: [ok] } })).status, 201, ok);
    });

    test('the secret is shown once, stored hashed; the change is audited; members may not manage clients', async () => {
        const c = await makeClient();
        assert.equal(c.client_secret.length, 43);
        const g = await api('GET', `${CLIENTS}/${c.id}`, { token: await admin() });
        assert.equal(g.status, 200);
        assert.equal(g.json.client_secret, undefined);
        const stored = await sql(`SELECT HEX(secret_hash) FROM oidc_client WHERE id = ${c.id}`);
        assert.equal(stored[0][0].toLowerCase(), crypto.createHash('sha256').update(c.client_secret).digest('hex'));
        const a = await sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'oidc_client.create' AND target_id = '${c.id}'`);
        assert.equal(Number(a[0][0]), 1);
        const bob = await mustLogin('bob');
        assert.equal((await api('GET', CLIENTS, { token: bob.token })).status, 403);
        assert.equal((await api('POST', CLIENTS, { token: bob.token, body: { name: 'x', redirect_uris: [CB] } })).status, 403);
        // The list pages by id: follow next_cursor to the new client.
        let found = false;
        for (let url = `${CLIENTS}?limit=200`; url && !found;) {
            const list = await api('GET', url, { token: await admin() });
            assert.equal(list.status, 200);
            found = list.json.items.some((x) => x.id === c.id);
            url = list.json.next_cursor ? `${CLIENTS}?limit=200&cursor=${list.json.next_cursor}` : null;
        }
        assert.ok(found, 'the new client is listed');
    });

    test('consents are listed and revocable by the user; revoking stops the refresh tokens', async () => {
        const u = await createUser('oidcc');
        const b = new Browser();
        const { tokens } = await codeFlow(cfg, { browser: b, user: u.username });
        const t = (await mustLogin(u.username)).token;
        const list = await api('GET', '/api/v1/me/consents', { token: t });
        assert.equal(list.status, 200);
        assert.equal(list.json.items.length, 1);
        assert.equal(list.json.items[0].client_id, conf.client_id);
        const del = await api('DELETE', `/api/v1/me/consents/${conf.client_id}`, { token: t });
        assert.equal(del.status, 204);
        assert.equal((await api('GET', '/api/v1/me/consents', { token: t })).json.items.length, 0);
        await assert.rejects(oc.refreshTokenGrant(cfg, tokens.refresh_token), (e) => e.error === 'invalid_grant');
        assert.equal((await api('DELETE', `/api/v1/me/consents/${conf.client_id}`, { token: t })).status, 404);
    });
});
