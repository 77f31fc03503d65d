// Signing in with a passkey (issue 16; docs/mfa.md "Passkeys"): as the second step of a login
// (POST /api/v1/auth/mfa/webauthn/options, then /api/v1/auth/mfa/verify with method webauthn)
// and without a username or password (POST /api/v1/auth/passkey/options, then
// /api/v1/auth/passkey/login), through the real stack with a software authenticator (Node's
// crypto keys, tests/api/webauthnlib.mjs).  Challenges are single-use, user verification is
// required for a passkey alone, a cloned authenticator (counter regression) is refused.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api, DEV_PASSWORD, sqlValue } from './lib.mjs';
import { createUser, decodeJwt, deleteUser, mustLogin, uniq } from './authlib.mjs';
import { SoftAuthenticator } from './webauthnlib.mjs';

const RUN = uniq();
const made = [];
after(async () => { for (const id of made) await deleteUser(id); });

/** A user of acme with a registered passkey made by auth. */
async function withPasskey(auth) {
    const u = await createUser(`pk-${RUN}`);
    made.push(u.id);
    const s = await mustLogin(u.username);
    const o = await api('POST', '/api/v1/me/mfa/webauthn/options', { token: s.token });
    assert.equal(o.status, 200, o.text);
    const r = await api('POST', '/api/v1/me/mfa/webauthn', { token: s.token, body: auth.register(o.json, { name: 'test key' }) });
    assert.equal(r.status, 201, r.text);
    return u;
}

const passkeyOptions = () => api('POST', '/api/v1/auth/passkey/options');
const passkeyLogin = (body) => api('POST', '/api/v1/auth/passkey/login', { body });

describe('sign in with a passkey, no username', () => {
    test('options, assertion, tokens whose amr says a hardware key and two factors', async () => {
        const auth = new SoftAuthenticator();
        const u = await withPasskey(auth);
        const o = await passkeyOptions();
        assert.equal(o.status, 200, o.text);
        assert.match(o.json.challenge_id, /^[A-Za-z0-9_-]{22}$/);
        assert.deepEqual(o.json.publicKey.allowCredentials, [], 'discoverable: no user named');
        const a = auth.assert(o.json.publicKey);
        const r = await passkeyLogin({ challenge_id: o.json.challenge_id, assertion: a });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.user.username, u.username);
        assert.ok(r.json.refresh_token);
        const c = decodeJwt(r.json.access_token).payload;
        assert.deepEqual(c.amr, ['hwk', 'mfa']);
        assert.equal(c.acr, 'phr');
        const again = await passkeyLogin({ challenge_id: o.json.challenge_id, assertion: a });
        assert.equal(again.status, 401, 'the challenge was used');
        assert.equal((await api('GET', '/api/v1/me', { token: r.json.access_token })).status, 200);
    });

    test('refused: no user verification, a cloned authenticator, a wrong origin, an unknown challenge, bad bodies', async () => {
        const auth = new SoftAuthenticator();
        await withPasskey(auth);
        auth.uv = false;
        let o = await passkeyOptions();
        let r = await passkeyLogin({ challenge_id: o.json.challenge_id, assertion: auth.assert(o.json.publicKey) });
        assert.equal(r.status, 401, r.text);
        auth.uv = true;
        o = await passkeyOptions();
        r = await passkeyLogin({ challenge_id: o.json.challenge_id, assertion: auth.assert(o.json.publicKey, { count: 1 }) });
        assert.equal(r.status, 401, 'a counter that went back: a cloned authenticator');
        assert.equal(r.json.reason ?? r.json.code, r.json.reason ? 'counter_regression' : 'invalid_credentials');
        o = await passkeyOptions();
        const evil = new SoftAuthenticator({ origin: 'http://evil.example' });
        evil.kp = auth.kp;
        evil.credId = auth.credId;
        evil.userHandle = auth.userHandle;
        evil.count = auth.count + 5;
        r = await passkeyLogin({ challenge_id: o.json.challenge_id, assertion: evil.assert(o.json.publicKey) });
        assert.equal(r.status, 401, 'another origin');
        r = await passkeyLogin({ challenge_id: 'A'.repeat(22), assertion: auth.assert(o.json.publicKey) });
        assert.equal(r.status, 401, 'no such challenge');
        r = await passkeyLogin({ assertion: {} });
        assert.equal(r.status, 400);
        assert.equal(r.json.field, 'challenge_id');
        o = await passkeyOptions();
        r = await passkeyLogin({ challenge_id: o.json.challenge_id, assertion: { id: 'x', response: {} } });
        assert.equal(r.status, 400, r.text);
        assert.ok(r.json.field, 'a malformed assertion names its field');
    });
});

describe('a passkey as the second step of a login', () => {
    test('the login offers webauthn; its options name the credential; the assertion completes the login', async () => {
        const auth = new SoftAuthenticator();
        const u = await withPasskey(auth);
        const l = await api('POST', '/api/v1/auth/login', { body: { login: u.username, password: DEV_PASSWORD } });
        assert.equal(l.status, 200, l.text);
        assert.equal(l.json.mfa_required, true);
        assert.ok(l.json.methods.includes('webauthn'), JSON.stringify(l.json.methods));
        const o = await api('POST', '/api/v1/auth/mfa/webauthn/options', { body: { mfa_ticket: l.json.mfa_ticket } });
        assert.equal(o.status, 200, o.text);
        assert.equal(o.json.allowCredentials.length, 1);
        const v = await api('POST', '/api/v1/auth/mfa/verify', { body: { mfa_ticket: l.json.mfa_ticket, method: 'webauthn', assertion: auth.assert(o.json) } });
        assert.equal(v.status, 200, v.text);
        assert.deepEqual(decodeJwt(v.json.access_token).payload.amr, ['pwd', 'hwk', 'mfa']);
        assert.equal(decodeJwt(v.json.access_token).payload.acr, 'phr');
        const st = await api('GET', '/api/v1/me/mfa', { token: v.json.access_token });
        assert.equal(st.json.passkeys.count, 1);
        const bad = await api('POST', '/api/v1/auth/mfa/webauthn/options', { body: { mfa_ticket: 'B'.repeat(43) } });
        assert.equal(bad.status, 401);
        assert.equal(bad.json.code, 'mfa_ticket_invalid');
        const l2 = await api('POST', '/api/v1/auth/login', { body: { login: u.username, password: DEV_PASSWORD } });
        const noAssertion = await api('POST', '/api/v1/auth/mfa/verify', { body: { mfa_ticket: l2.json.mfa_ticket, method: 'webauthn' } });
        assert.equal(noAssertion.status, 400, noAssertion.text);
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login.success' AND actor_user_id = ${u.id}`)) >= 1, true);
    });
});
