// Passkeys (issue 16, part 2; docs/mfa.md "Passkeys"): registration options, registration
// verified by the server (a software authenticator here: Node's crypto keys, attestation none
// and packed self attestation; the browser test uses Chromium's), list, rename, removal with the
// password, and the assertion functions of the MFA login step through the test-only
// /api/v1/debug/webauthn routes.  Bad input answers 400 naming the field and changes nothing.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { api, DEV_PASSWORD } from './lib.mjs';
import { mustLogin, createUser, deleteUser, newRid, waitAudit, redis } from './authlib.mjs';
import { expectProblem, namesField, uniq, sqlValue } from './authzlib.mjs';
import { SoftAuthenticator, b64u } from './webauthnlib.mjs';

const RUN = uniq();
const BASE = '/api/v1/me/mfa/webauthn';
const OPTIONS = `${BASE}/options`;
const made = [];

const options = (token) => api('POST', OPTIONS, { token });
const register = (token, body, rid = newRid('wareg')) =>
    api('POST', BASE, { token, body, headers: { 'X-Request-Id': rid } });
const count = async (uid) => Number(await sqlValue(`SELECT COUNT(*) FROM webauthn_credential WHERE user_id = ${uid}`));

async function newUser(tag) {
    const u = await createUser(`wa-${RUN}-${tag}`);
    made.push(u.id);
    return { ...u, s: await mustLogin(u.username) };
}

async function enrolled(u, auth, name = 'key') {
    const o = await options(u.s.token);
    assert.equal(o.status, 200, o.text);
    const r = await register(u.s.token, auth.register(o.json, { name }));
    assert.equal(r.status, 201, r.text);
    return r.json;
}

after(async () => {
    for (const id of made) await deleteUser(id);
});

describe('registration options', () => {
    test('a challenge, the RP, an opaque user handle, the three algorithms, attestation none', async () => {
        const u = await newUser('opt');
        const r = await options(u.s.token);
        assert.equal(r.status, 200, r.text);
        const o = r.json;
        assert.equal(Buffer.from(o.challenge, 'base64url').length, 32);
        assert.equal(o.rp.id, 'localhost');
        assert.equal(typeof o.rp.name, 'string');
        assert.equal(Buffer.from(o.user.id, 'base64url').length, 32);
        assert.ok(!o.user.id.includes(String(u.id)) || o.user.id.length > 40);
        assert.equal(o.user.name, u.username);
        assert.deepEqual(o.pubKeyCredParams.map((p) => p.alg), [-7, -8, -257]);
        assert.equal(o.attestation, 'none');
        assert.equal(o.authenticatorSelection.residentKey, 'required');
        assert.deepEqual(o.excludeCredentials, []);
        // The same handle every time; a fresh challenge every time.
        const again = (await options(u.s.token)).json;
        assert.equal(again.user.id, o.user.id);
        assert.notEqual(again.challenge, o.challenge);
        // Stored in Redis for this session with a TTL of at most 300 s.
        const keys = (await redis('--scan', '--pattern', `wa:reg:${u.id}:*`)).split('\n').filter(Boolean);
        assert.equal(keys.length, 1);
        const ttl = Number(await redis('TTL', keys[0]));
        assert.ok(ttl > 0 && ttl <= 300, `ttl ${ttl}`);
    });

    test('401 without a token', async () => {
        const r = await api('POST', OPTIONS);
        expectProblem(r, 401);
        const l = await api('GET', BASE);
        expectProblem(l, 401);
        const p = await api('POST', BASE, { body: { name: 'x', clientDataJSON: 'e30', attestationObject: 'oA' } });
        expectProblem(p, 401);
    });
});

describe('registration', () => {
    for (const [alg, fmt] of [[-7, 'none'], [-8, 'none'], [-257, 'none'], [-7, 'packed'], [-8, 'packed']]) {
        test(`alg ${alg}, attestation ${fmt}: 201 with the credential, never its key; audited`, async () => {
            const u = await newUser(`r${-alg}${fmt[0]}`);
            const auth = new SoftAuthenticator({ alg });
            const o = (await options(u.s.token)).json;
            const rid = newRid('wareg');
            const r = await register(u.s.token, auth.register(o, { name: 'My key', fmt }), rid);
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.name, 'My key');
            assert.equal(r.json.alg, alg);
            assert.equal(r.json.uv, true);
            assert.equal(r.json.last_used_at, null);
            assert.deepEqual(r.json.transports, ['usb']);
            assert.ok(!('public_key' in r.json) && !('credential_id' in r.json));
            assert.equal(r.headers.get('location'), `${BASE}/${r.json.id}`);
            assert.equal(await count(u.id), 1);
            await waitAudit(rid, 'mfa.webauthn.register');
        });
    }

    test('the challenge serves once, and only the session that asked for it', async () => {
        const u = await newUser('once');
        // A second session of the same user, signed in before the passkey exists (after, the
        // password alone answers mfa_required).
        const other = await mustLogin(u.username);
        const auth = new SoftAuthenticator();
        const o = (await options(u.s.token)).json;
        const body = auth.register(o);
        assert.equal((await register(u.s.token, body)).status, 201);
        const again = await register(u.s.token, { ...new SoftAuthenticator().register(o) });
        const p = expectProblem(again, 403, 'forbidden');
        assert.equal(p.reason, 'no_pending_ceremony');
        // Another session of the same user has no pending registration.
        const o2 = (await options(u.s.token)).json;
        const r = await register(other.token, new SoftAuthenticator().register(o2));
        expectProblem(r, 403, 'forbidden');
        assert.equal(await count(u.id), 1);
    });

    test('refusals name the field and store nothing', async () => {
        const u = await newUser('bad');
        const auth = new SoftAuthenticator();
        const cases = [
            // [what, body from options, status, field, reason]
            ['wrong challenge', (o) => auth.register({ ...o, challenge: b64u(Buffer.alloc(32, 9)) }), 403, 'clientDataJSON', 'challenge_mismatch'],
            ['wrong origin', (o) => auth.register(o, { clientData: Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: o.challenge, origin: 'http://evil.test' })) }), 403, 'clientDataJSON', 'origin_mismatch'],
            ['wrong type', (o) => auth.register(o, { clientData: Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: o.challenge, origin: auth.origin })) }), 403, 'clientDataJSON', 'wrong_type'],
            ['wrong rp id', (o) => new SoftAuthenticator({ rpId: 'example.com' }).register(o), 403, 'attestationObject', 'rp_id_mismatch'],
            ['clientDataJSON not JSON', (o) => ({ ...auth.register(o), clientDataJSON: b64u('nope') }), 400, 'clientDataJSON'],
            ['clientDataJSON not base64url', (o) => ({ ...auth.register(o), clientDataJSON: '***' }), 400, 'clientDataJSON'],
            ['attestationObject garbage', (o) => ({ ...auth.register(o), attestationObject: b64u(Buffer.from([0xa3, 0x63, 0x66])) }), 400, 'attestationObject'],
            ['attestationObject a CBOR array', (o) => ({ ...auth.register(o), attestationObject: b64u(Buffer.from([0x82, 0x01, 0x02])) }), 400, 'attestationObject'],
            ['attestationObject declaring a huge map', (o) => ({ ...auth.register(o), attestationObject: b64u(Buffer.from([0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])) }), 400, 'attestationObject'],
        ];
        for (const [what, make, status, field, reason] of cases) {
            const o = (await options(u.s.token)).json;
            const r = await register(u.s.token, make(o));
            const p = expectProblem(r, status, undefined, what);
            assert.ok(namesField(p, field), `${what}: ${r.text}`);
            if (reason) assert.equal(p.reason, reason, what);
        }
        // Shape errors of the JSON body come before the ceremony.
        for (const [body, field] of [
            [{ clientDataJSON: 'e30', attestationObject: 'oA' }, 'name'],
            [{ name: 'x', attestationObject: 'oA' }, 'clientDataJSON'],
            [{ name: 'x', clientDataJSON: 'e30' }, 'attestationObject'],
            [{ name: 'x', clientDataJSON: 'e30', attestationObject: 'oA', transports: ['carrier-pigeon'] }, 'transports'],
            [{ name: 'x', clientDataJSON: 'e30', attestationObject: 'oA', extra: 1 }, 'extra'],
            [{ name: 'x'.repeat(101), clientDataJSON: 'e30', attestationObject: 'oA' }, 'name'],
        ]) {
            const r = await register(u.s.token, body);
            const p = expectProblem(r, 400, 'validation_failed');
            assert.ok(namesField(p, field), r.text);
        }
        assert.equal(await count(u.id), 0);
    });

    test('the same authenticator credential twice: 409 naming the credential id', async () => {
        const u = await newUser('dup');
        const auth = new SoftAuthenticator();
        await enrolled(u, auth);
        const o = (await options(u.s.token)).json;
        assert.equal(o.excludeCredentials.length, 1);
        assert.equal(o.excludeCredentials[0].id, b64u(auth.credId));
        const r = await register(u.s.token, auth.register(o));
        const p = expectProblem(r, 409, 'conflict');
        assert.ok(namesField(p, 'credential id'));
        assert.equal(await count(u.id), 1);
    });
});

describe('list, rename, remove', () => {
    test('several named passkeys; rename; removal needs the password', async () => {
        const u = await newUser('crud');
        const a = await enrolled(u, new SoftAuthenticator(), 'Laptop');
        const b = await enrolled(u, new SoftAuthenticator({ alg: -8 }), 'Phone');
        const l = await api('GET', BASE, { token: u.s.token });
        assert.equal(l.status, 200);
        assert.deepEqual(l.json.items.map((x) => x.name), ['Laptop', 'Phone']);

        const r = await api('PATCH', `${BASE}/${a.id}`, { token: u.s.token, body: { name: 'Work laptop' } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.name, 'Work laptop');
        const bad = await api('PATCH', `${BASE}/${a.id}`, { token: u.s.token, body: { name: '' } });
        assert.ok(namesField(expectProblem(bad, 400, 'validation_failed'), 'name'));

        // Another user cannot see, rename or remove them.
        const v = await newUser('other');
        assert.deepEqual((await api('GET', BASE, { token: v.s.token })).json.items, []);
        expectProblem(await api('PATCH', `${BASE}/${a.id}`, { token: v.s.token, body: { name: 'x' } }), 404);
        expectProblem(await api('DELETE', `${BASE}/${a.id}`, { token: v.s.token, body: { password: DEV_PASSWORD } }), 404);

        const wrong = await api('DELETE', `${BASE}/${b.id}`, { token: u.s.token, body: { password: 'not-it' } });
        assert.ok(namesField(expectProblem(wrong, 401, 'invalid_credentials'), 'password'));
        const none = await api('DELETE', `${BASE}/${b.id}`, { token: u.s.token, body: {} });
        assert.ok(namesField(expectProblem(none, 400, 'validation_failed'), 'password'));
        assert.equal(await count(u.id), 2);
        const rid = newRid('wadel');
        const d = await api('DELETE', `${BASE}/${b.id}`, { token: u.s.token, body: { password: DEV_PASSWORD }, headers: { 'X-Request-Id': rid } });
        assert.equal(d.status, 204, d.text);
        await waitAudit(rid, 'mfa.webauthn.delete');
        assert.deepEqual((await api('GET', BASE, { token: u.s.token })).json.items.map((x) => x.name), ['Work laptop']);
        expectProblem(await api('DELETE', `${BASE}/${b.id}`, { token: u.s.token, body: { password: DEV_PASSWORD } }), 404);
    });
});

describe('an administrator\'s MFA reset', () => {
    test('removes the user\'s passkeys with the other factors', async () => {
        const u = await newUser('reset');
        await enrolled(u, new SoftAuthenticator(), 'A');
        await enrolled(u, new SoftAuthenticator({ alg: -8 }), 'B');
        assert.equal(await count(u.id), 2);
        const admin = await mustLogin('admin');
        const r = await api('DELETE', `/api/v1/users/${u.id}/mfa`, { token: admin.token });
        assert.equal(r.status, 204, r.text);
        assert.equal(await count(u.id), 0);
    });
});

describe('sign-in assertions (the MFA login step, through the debug routes)', () => {
    const OPT = '/api/v1/debug/webauthn/options';
    const ASSERT = '/api/v1/debug/webauthn/assert';
    const getOptions = (user, key) => api('POST', OPT, { body: { user, key } });
    const verify = (user, key, assertion) => api('POST', ASSERT, { body: { user, key, assertion } });

    for (const alg of [-7, -8, -257]) {
        test(`alg ${alg}: for a known user, then discoverable; the counter must grow`, async () => {
            const u = await newUser(`as${-alg}`);
            const auth = new SoftAuthenticator({ alg });
            const cred = await enrolled(u, auth);
            const key = `k-${RUN}-${-alg}`;
            let o = await getOptions(u.id, key);
            assert.equal(o.status, 200, o.text);
            assert.deepEqual(o.json.allowCredentials.map((c) => c.id), [b64u(auth.credId)]);
            assert.equal(o.json.rpId, 'localhost');
            let r = await verify(u.id, key, auth.assert(o.json, { count: 5 }));
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json, { user: u.id, uv: true });
            assert.equal(await sqlValue(`SELECT sign_count FROM webauthn_credential WHERE id = ${cred.id}`), '5');
            // The challenge was used.
            r = await verify(u.id, key, auth.assert(o.json, { count: 6 }));
            assert.equal(expectProblem(r, 401, 'invalid_credentials').reason, 'no_pending_ceremony');
            // Discoverable: no user given, empty allowCredentials, the user from the passkey.
            o = await getOptions(0, key);
            assert.deepEqual(o.json.allowCredentials, []);
            r = await verify(0, key, auth.assert(o.json, { count: 7 }));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.user, u.id);
            // A counter that goes back: a cloned authenticator, refused and audited.
            o = await getOptions(u.id, key);
            r = await verify(u.id, key, auth.assert(o.json, { count: 7 }));
            const p = expectProblem(r, 401, 'invalid_credentials');
            assert.equal(p.reason, 'counter_regression');
            assert.ok(namesField(p, 'authenticatorData'));
            assert.equal(await sqlValue(`SELECT sign_count FROM webauthn_credential WHERE id = ${cred.id}`), '7');
            assert.ok(Number(await sqlValue(`SELECT COUNT(*) FROM audit_log WHERE action = 'mfa.webauthn.clone_suspected' AND target_id = '${cred.id}'`)) >= 1);
            const l = (await api('GET', BASE, { token: u.s.token })).json.items[0];
            assert.notEqual(l.last_used_at, null);
        });
    }

    test('refused assertions name the field', async () => {
        const u = await newUser('asbad');
        const auth = new SoftAuthenticator();
        await enrolled(u, auth);
        const v = await newUser('asother');
        const key = `bad-${RUN}`;
        const cases = [
            ['another user expected', v.id, (o) => auth.assert(o), 401, 'credential id', 'unknown_credential'],
            ['unknown credential', u.id, (o) => ({ ...auth.assert(o), id: b64u(Buffer.alloc(16, 1)) }), 401, 'credential id', 'unknown_credential'],
            ['wrong challenge', u.id, (o) => auth.assert({ ...o, challenge: b64u(Buffer.alloc(32, 3)) }), 401, 'clientDataJSON', 'challenge_mismatch'],
            ['tampered signature', u.id, (o) => { const a = auth.assert(o); const s = Buffer.from(a.response.signature, 'base64url'); s[10] ^= 1; a.response.signature = b64u(s); return a; }, 401, 'signature', 'bad_signature'],
            ['wrong user handle', 0, (o) => auth.assert(o, { userHandle: b64u(Buffer.alloc(32, 5)) }), 401, 'userHandle', 'user_handle_mismatch'],
            ['discoverable without a user handle', 0, (o) => auth.assert(o, { userHandle: null }), 400, 'userHandle'],
            ['authenticatorData too short', u.id, (o) => { const a = auth.assert(o); a.response.authenticatorData = b64u(Buffer.alloc(10)); return a; }, 400, 'authenticatorData'],
            ['signature not base64url', u.id, (o) => { const a = auth.assert(o); a.response.signature = '!!'; return a; }, 400, 'signature'],
            ['no credential id', u.id, (o) => { const a = auth.assert(o); delete a.id; return a; }, 400, 'credential id'],
            ['clientDataJSON a number', u.id, (o) => { const a = auth.assert(o); a.response.clientDataJSON = 5; return a; }, 400, 'clientDataJSON'],
        ];
        for (const [what, user, make, status, field, reason] of cases) {
            const o = (await getOptions(user, key)).json;
            const r = await verify(user, key, make(o));
            const p = expectProblem(r, status, undefined, what);
            assert.ok(namesField(p, field), `${what}: ${r.text}`);
            if (reason) assert.equal(p.reason, reason, what);
        }
    });
});
