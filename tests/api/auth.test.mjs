// Authentication API (issue 3, contract in docs: login, refresh, logout, logout-all, /me,
// /me/password, token refusals, lockout, Redis failure), through nginx against the real stack.
// Accounts whose state a test changes are throwaway users (createUser), so tests stay independent.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
    api, sql, sqlValue, stack, sleep, waitFor, masterPid, problemOf, DEV_PASSWORD, DIRECT_URL,
} from './lib.mjs';
import {
    LOGIN, REFRESH, LOGOUT, LOGOUT_ALL, ME, ME_PASSWORD,
    authLogin, mustLogin, refresh, me, newRid, decodeJwt, verifyHS256, signHS256, signRS256,
    jwtSecret, stackKid, confNumber, accessClaims, userId, createUser, deleteUser, auditRows,
    waitAudit, median, withoutRid, show, restartGatehouse, redis,
} from './authlib.mjs';

/** Asserts a problem+json answer with this status and code; returns its body. */
function expectProblem(res, status, code, msg = '') {
    assert.equal(res.status, status, `${msg} expected ${status} ${code}, got ${show(res)}`);
    const p = problemOf(res);
    assert.equal(p.code, code, `${msg} expected code ${code}, got ${show(res)}`);
    return p;
}

/** A token refusal: 401, the code, and WWW-Authenticate: Bearer. */
function expectTokenRefusal(res, code, msg = '') {
    const p = expectProblem(res, 401, code, msg);
    const wa = res.headers.get('www-authenticate') ?? '';
    assert.match(wa, /^Bearer\b/, `${msg} WWW-Authenticate should start with Bearer, got '${wa}'`);
    return p;
}

/** validation_failed naming field (top-level `field` or an entry of `errors`). */
function expectValidation(res, field, msg = '') {
    const p = expectProblem(res, 400, 'validation_failed', msg);
    const named =
        p.field === field ||
        (Array.isArray(p.errors) && p.errors.some((e) => e && (e.field === field || e.name === field)));
    assert.ok(named, `${msg} validation_failed should name field '${field}': ${JSON.stringify(p)}`);
    return p;
}

const throwaway = [];
async function tempUser(prefix) {
    const u = await createUser(prefix);
    throwaway.push(u.id);
    return u;
}
after(async () => {
    for (const id of throwaway) {
        try {
            await deleteUser(id);
        } catch {
            /* the stack may be gone */
        }
    }
});

let BOB;
before(async () => {
    BOB = await userId('bob');
});

// ---------------------------------------------------------------------------------------------
describe('login', () => {
    test('by username: response shape and a well-formed signed access token', async (t) => {
        const pv = Number(await sqlValue(`SELECT permission_version FROM users WHERE id = ${BOB}`));
        const res = await authLogin('bob');
        assert.equal(res.status, 200, show(res));
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
        const b = res.json;
        assert.equal(typeof b.access_token, 'string');
        assert.equal(b.token_type, 'Bearer');
        assert.equal(b.expires_in, confNumber('access_token_ttl', 900));
        assert.equal(typeof b.refresh_token, 'string');
        assert.ok(b.refresh_token.length >= 32, 'refresh token should carry >= 256 bits');
        assert.notEqual(b.refresh_token, b.access_token);
        assert.equal(typeof b.refresh_expires_in, 'number');
        assert.ok(b.refresh_expires_in > 0);
        // The contract's user fields, exactly; extra keys only from the /me user object (the
        // server adds phone_number, profile_image_ref, last_login), never anything else.
        const { id, username, email, first_name, last_name, full_name, ...extra } = b.user;
        assert.deepEqual({ id, username, email, first_name, last_name, full_name }, {
            id: BOB,
            username: 'bob',
            email: 'bob@acme.test',
            first_name: 'Bob',
            last_name: 'Brown',
            full_name: 'Bob Brown',
        });
        const allowedExtra = ['phone_number', 'profile_image_ref', 'last_login', 'email_verified', 'email_verified_at'];
        for (const k of Object.keys(extra)) {
            assert.ok(allowedExtra.includes(k), `unexpected user field in the login answer: ${k}`);
        }
        if (Object.keys(extra).length) t.diagnostic(`login user object also carries: ${Object.keys(extra).join(', ')}`);
        assert.deepEqual(Object.keys(b).sort(), ['access_token', 'expires_in', 'organization', 'refresh_expires_in',
            'refresh_token', 'roles', 'token_type', 'user']);
        assert.deepEqual(b.organization, { id: 1, slug: 'acme', name: 'Acme Corp' });
        assert.deepEqual(b.roles, ['member']);
        assert.doesNotMatch(res.text, /argon2|password_hash/i, 'no password material in the answer');

        const { header, payload } = decodeJwt(b.access_token);
        assert.deepEqual(header, { alg: 'HS256', typ: 'JWT', kid: stackKid() });
        assert.ok(verifyHS256(b.access_token, jwtSecret()), 'signed with the stack secret');
        const now = Math.floor(Date.now() / 1000);
        assert.equal(payload.sub, String(BOB));
        assert.equal(payload.org, 1);
        assert.deepEqual(payload.roles, ['member']);
        assert.equal(payload.pv, pv);
        assert.equal(typeof payload.sid, 'string');
        assert.ok(payload.sid.length > 0);
        assert.equal(typeof payload.jti, 'string');
        assert.ok(payload.jti.length >= 16);
        assert.ok(Math.abs(payload.iat - now) <= 60, `iat ${payload.iat} vs now ${now}`);
        assert.ok(payload.nbf <= payload.iat + 1);
        assert.equal(payload.exp - payload.iat, b.expires_in);
        assert.equal(payload.iss, 'gatehouse');
        assert.equal(payload.aud, 'gatehouse');
        assert.equal(payload.typ, 'access');

        // Two logins: different sessions and token ids.
        const again = await mustLogin('bob');
        const p2 = decodeJwt(again.token).payload;
        assert.notEqual(p2.jti, payload.jti);
        assert.notEqual(p2.sid, payload.sid);
        assert.notEqual(again.refresh, b.refresh_token);
    });

    test('by email', async () => {
        const res = await authLogin('bob@acme.test');
        assert.equal(res.status, 200, show(res));
        assert.equal(res.json.user.username, 'bob');
        assert.equal(res.json.user.id, BOB);
        assert.equal(decodeJwt(res.token).payload.sub, String(BOB));
    });

    test('the token works on /me and the answer carries X-Request-Id', async () => {
        const s = await mustLogin('bob');
        const res = await me(s.token);
        assert.equal(res.status, 200, show(res));
        assert.ok(res.headers.get('x-request-id'));
    });

    test('organization by slug and by id; not a member -> 403 organization_not_allowed', async () => {
        const bySlug = await authLogin('alice', DEV_PASSWORD, { organization: 'acme' });
        assert.equal(bySlug.status, 200, show(bySlug));
        assert.deepEqual(bySlug.json.organization, { id: 1, slug: 'acme', name: 'Acme Corp' });
        assert.deepEqual(bySlug.json.roles, ['org_admin']);
        const byId = await authLogin('alice', DEV_PASSWORD, { organization: 1 });
        assert.equal(byId.status, 200, show(byId));
        assert.equal(byId.json.organization.id, 1);
        assert.equal(decodeJwt(byId.token).payload.org, 1);

        expectProblem(await authLogin('alice', DEV_PASSWORD, { organization: 'globex' }), 403,
            'organization_not_allowed', 'alice -> globex:');
        expectProblem(await authLogin('gina', DEV_PASSWORD, { organization: 1 }), 403,
            'organization_not_allowed', 'gina -> acme by id:');
        const gina = await authLogin('gina');
        assert.equal(gina.status, 200, show(gina));
        assert.deepEqual(gina.json.organization, { id: 2, slug: 'globex', name: 'Globex' });
    });

    test('suspended organization -> 403 organization_suspended', async () => {
        await sql(`UPDATE organization SET status = 'suspended' WHERE id = 2`);
        try {
            expectProblem(await authLogin('gina'), 403, 'organization_suspended');
        } finally {
            await sql(`UPDATE organization SET status = 'active' WHERE id = 2`);
        }
        assert.equal((await authLogin('gina')).status, 200, 'gina logs in again once globex is active');
    });

    test('validation: missing, mistyped and unknown fields -> 400 validation_failed naming the field', async () => {
        const post = (body) => api('POST', LOGIN, { body });
        expectValidation(await post({ password: DEV_PASSWORD }), 'login', 'no login:');
        expectValidation(await post({ login: 'bob' }), 'password', 'no password:');
        expectValidation(await post({ login: 5, password: DEV_PASSWORD }), 'login', 'numeric login:');
        expectValidation(await post({ login: 'bob', password: ['x'] }), 'password', 'array password:');
        expectValidation(await post({ login: 'bob', password: DEV_PASSWORD, organization: true }),
            'organization', 'boolean organization:');
        expectValidation(await post({ login: 'bob', password: DEV_PASSWORD, remember: 1 }), 'remember',
            'unknown field:');
        // lib.mjs login() sends {username, password}: not the contract's field name.
        expectValidation(await post({ username: 'bob', password: DEV_PASSWORD }), 'username',
            'username instead of login:');
    });

    test('unknown user and wrong password: identical 401 bodies and similar timing', async (t) => {
        const u = await tempUser('timing');
        const unknownName = `nobody-${crypto.randomBytes(4).toString('hex')}`;
        const tUnknown = [];
        const tWrong = [];
        const bodies = [];
        // Warm up both paths once (connections, caches) before measuring.
        await authLogin(unknownName, 'wrong-password-123');
        await authLogin(u.username, 'wrong-password-123');
        await mustLogin(u.username);
        for (let i = 0; i < 5; i++) {
            let t0 = performance.now();
            const a = await authLogin(unknownName, 'wrong-password-123');
            tUnknown.push(performance.now() - t0);
            t0 = performance.now();
            const b = await authLogin(u.username, 'wrong-password-123');
            tWrong.push(performance.now() - t0);
            expectProblem(a, 401, 'invalid_credentials', 'unknown user:');
            expectProblem(b, 401, 'invalid_credentials', 'wrong password:');
            bodies.push(a, b);
            // A success resets the consecutive-failure count: the throwaway account never locks.
            await mustLogin(u.username);
        }
        const ref = withoutRid(bodies[0].json);
        for (const r of bodies) {
            assert.deepEqual(withoutRid(r.json), ref, 'bodies differ apart from request_id');
            assert.equal(r.headers.get('content-type'), bodies[0].headers.get('content-type'));
            assert.equal(r.headers.get('retry-after'), null);
        }
        const mu = median(tUnknown);
        const mw = median(tWrong);
        t.diagnostic(`median unknown user ${mu.toFixed(1)} ms, wrong password ${mw.toFixed(1)} ms`);
        const ratio = Math.max(mu, mw) / Math.max(1, Math.min(mu, mw));
        assert.ok(ratio <= 3,
            `median unknown ${mu.toFixed(1)} ms vs wrong password ${mw.toFixed(1)} ms: ratio ${ratio.toFixed(2)} > 3 ` +
            `(unknown ${tUnknown.map((t) => t.toFixed(0))}, wrong ${tWrong.map((t) => t.toFixed(0))})`);
    });

    test('last_login is set by a successful login', async () => {
        const u = await tempUser('lastlogin');
        assert.equal(await sqlValue(`SELECT IFNULL(last_login, 'NULL') FROM users WHERE id = ${u.id}`), 'NULL');
        await mustLogin(u.username);
        const first = await sqlValue(`SELECT IFNULL(last_login, 'NULL') FROM users WHERE id = ${u.id}`);
        assert.notEqual(first, 'NULL', 'last_login set after the first login');
        await sleep(20);
        const s = await mustLogin(u.email);
        const second = await sqlValue(`SELECT IFNULL(last_login, 'NULL') FROM users WHERE id = ${u.id}`);
        assert.ok(second > first, `last_login moves on: ${first} -> ${second}`);
        const m = await me(s.token);
        assert.equal(m.status, 200, show(m));
        assert.ok(m.json.user.last_login, '/me shows last_login');
        // A failed login does not move it.
        await authLogin(u.username, 'not-the-password-1');
        assert.equal(await sqlValue(`SELECT last_login FROM users WHERE id = ${u.id}`), second);
    });

    test('audit rows: success, unknown_user, bad_password with client_ip and request_id', async () => {
        const u = await tempUser('audit');
        const ok = await mustLogin(u.username);
        const row = await waitAudit(ok.rid, 'auth.login.success');
        assert.equal(row.outcome, 'success');
        assert.equal(row.client_ip, '127.0.0.1');
        assert.equal(row.request_id, ok.rid);
        assert.ok(row.actor_user_id === String(u.id) || row.target_id === String(u.id),
            `success row names the user: ${JSON.stringify(row)}`);
        assert.equal(ok.headers.get('x-request-id'), ok.rid, 'our X-Request-Id is echoed');

        const unk = await authLogin(`nobody-${crypto.randomBytes(4).toString('hex')}`, 'whatever-password');
        const r1 = await waitAudit(unk.rid, 'auth.login.failure');
        assert.equal(r1.outcome, 'failure');
        assert.equal(r1.reason, 'unknown_user');
        assert.equal(r1.client_ip, '127.0.0.1');
        assert.equal(r1.request_id, unk.rid);

        const bad = await authLogin(u.username, 'whatever-password');
        const r2 = await waitAudit(bad.rid, 'auth.login.failure');
        assert.equal(r2.outcome, 'failure');
        assert.equal(r2.reason, 'bad_password');
        assert.equal(r2.client_ip, '127.0.0.1');
        assert.equal(r2.request_id, bad.rid);
        assert.doesNotMatch(JSON.stringify(await sql(`SELECT IFNULL(details, '') FROM audit_log WHERE request_id = '${bad.rid}'`)),
            /whatever-password/, 'the tried password is never in the audit details');
    });
});

// ---------------------------------------------------------------------------------------------
describe('password hashing gate', () => {
    /** One sample of /metrics by name (a line 'name value'). */
    async function metric(name) {
        const res = await api('GET', '/metrics');
        assert.equal(res.status, 200, show(res));
        const esc = name.replace(/[{}"]/g, '\\$&');
        const m = res.text.match(new RegExp(`^${esc} ([0-9.e+]+)$`, 'm'));
        assert.ok(m, `no ${name} in /metrics`);
        return Number(m[1]);
    }

    test('more logins at once than pwhash_concurrency slots: the extra ones wait, all succeed', async () => {
        const slots = await metric('gatehouse_pwhash_slots');
        const workers = await metric('gatehouse_workers');
        assert.ok(slots >= 1, `the master opens a gate of at least one slot, got ${slots}`);
        const n = Math.min(workers, slots + 4);
        if (n <= slots) return; // as many slots as workers: nothing can wait
        const u = await createUser('gate');
        const waits0 = await metric('gatehouse_pwhash_waits_total');
        const secs0 = await metric('gatehouse_pwhash_wait_seconds_total');
        // Straight to Gatehouse without kept connections: every login goes to its own worker,
        // so n verifications (about 25 ms each) are asked for at once.
        const all = await Promise.all(Array.from({ length: n }, () =>
            api('POST', `${DIRECT_URL}${LOGIN}`, { body: { login: u.username, password: DEV_PASSWORD } })));
        for (const r of all) assert.equal(r.status, 200, show(r));
        const waits = (await metric('gatehouse_pwhash_waits_total')) - waits0;
        const secs = (await metric('gatehouse_pwhash_wait_seconds_total')) - secs0;
        assert.ok(waits >= 1, `${n} logins on ${slots} slots: ${waits} waited`);
        assert.ok(secs > 0, `the waits took time: ${secs} s`);
        await deleteUser(u.id);
    });

    test('logins hash in their slot\'s own memory, not in memory mapped for each hash', async () => {
        const slot0 = await metric('gatehouse_pwhash_total{memory="slot"}');
        const mapped0 = await metric('gatehouse_pwhash_total{memory="mapped"}');
        const ok = await api('POST', LOGIN, { body: { login: 'bob', password: DEV_PASSWORD } });
        assert.equal(ok.status, 200, show(ok));
        const bad = await api('POST', LOGIN, { body: { login: 'nobody-at-all', password: DEV_PASSWORD } });
        assert.equal(bad.status, 401, show(bad));
        // At least: a worker (re)starting meanwhile hashes its dummy in a slot too.
        assert.ok(await metric('gatehouse_pwhash_total{memory="slot"}') - slot0 >= 2,
            'the login and the unknown user\'s dummy verification ran in slot memory');
        assert.equal(await metric('gatehouse_pwhash_total{memory="mapped"}'), mapped0);
    });
});

describe('account flags: their code only after the right password', () => {
    let unknownBody;
    before(async () => {
        const r = await authLogin(`nobody-${crypto.randomBytes(4).toString('hex')}`, 'wrong-password-123');
        expectProblem(r, 401, 'invalid_credentials');
        unknownBody = withoutRid(r.json);
    });

    const cases = [
        { name: 'disabled', set: 'is_enabled = 0', reset: 'is_enabled = 1', status: 403, code: 'account_disabled', reason: 'disabled' },
        { name: 'expired', set: 'is_account_non_expired = 0', reset: 'is_account_non_expired = 1', status: 403, code: 'account_expired', reason: 'expired' },
        { name: 'credentials expired', set: 'is_credentials_non_expired = 0', reset: 'is_credentials_non_expired = 1', status: 403, code: 'credentials_expired', reason: 'credentials_expired' },
        {
            name: 'locked until a time',
            set: 'is_account_non_locked = 0, locked_until = UTC_TIMESTAMP(6) + INTERVAL 1 HOUR',
            reset: 'is_account_non_locked = 1, locked_until = NULL',
            status: 423, code: 'account_locked', reason: 'locked', retryAfter: [1, 3600],
        },
        {
            name: 'locked without an end',
            set: 'is_account_non_locked = 0, locked_until = NULL',
            reset: 'is_account_non_locked = 1',
            status: 423, code: 'account_locked', reason: 'locked', retryAfter: null,
        },
    ];
    for (const c of cases) {
        test(`${c.name} -> ${c.status} ${c.code}`, async () => {
            const u = await tempUser('flag');
            await sql(`UPDATE users SET ${c.set} WHERE id = ${u.id}`);
            try {
                const wrong = await authLogin(u.username, 'wrong-password-123');
                expectProblem(wrong, 401, 'invalid_credentials', 'wrong password on a flagged account:');
                assert.deepEqual(withoutRid(wrong.json), unknownBody, 'same body as an unknown user');

                const right = await authLogin(u.username);
                expectProblem(right, c.status, c.code, 'right password:');
                assert.equal(right.json.access_token, undefined);
                if (c.retryAfter) {
                    const ra = Number(right.headers.get('retry-after'));
                    assert.ok(Number.isInteger(ra) && ra >= c.retryAfter[0] && ra <= c.retryAfter[1],
                        `Retry-After '${right.headers.get('retry-after')}' within ${c.retryAfter}`);
                } else if (c.retryAfter === null) {
                    assert.equal(right.headers.get('retry-after'), null, 'no Retry-After when the lock has no end');
                }
                const row = await waitAudit(right.rid, 'auth.login.failure');
                assert.equal(row.reason, c.reason);
                assert.equal(row.client_ip, '127.0.0.1');
                // By email as well.
                expectProblem(await authLogin(u.email), c.status, c.code, 'right password by email:');
            } finally {
                await sql(`UPDATE users SET ${c.reset} WHERE id = ${u.id}`);
            }
            const back = await authLogin(u.username);
            assert.equal(back.status, 200, `after restoring the flag: ${show(back)}`);
        });
    }
});

// ---------------------------------------------------------------------------------------------
describe('lockout', () => {
    test('threshold failures lock the account, 423 with the right password, lifted after the period', async () => {
        const threshold = confNumber('lockout_threshold', 5);
        const period = confNumber('lockout_period', 3);
        assert.ok(period <= 10, `the test stack should use a short lockout_period (is ${period})`);
        const u = await tempUser('lockout');
        const rids = [];
        for (let i = 0; i < threshold; i++) {
            const r = await authLogin(u.username, `wrong-password-${i}`);
            rids.push(r.rid);
            expectProblem(r, 401, 'invalid_credentials', `failure ${i + 1}:`);
        }
        const locked = await authLogin(u.username);
        expectProblem(locked, 423, 'account_locked', 'right password after the threshold:');
        const ra = Number(locked.headers.get('retry-after'));
        assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= period + 1,
            `Retry-After '${locked.headers.get('retry-after')}' within 1..${period + 1}`);
        const [nonLocked, until] = (await sql(
            `SELECT is_account_non_locked, IFNULL(locked_until, 'NULL') FROM users WHERE id = ${u.id}`))[0];
        assert.equal(nonLocked, '0', 'users.is_account_non_locked = 0');
        assert.notEqual(until, 'NULL', 'users.locked_until set');
        const lockRows = await sql(
            `SELECT IFNULL(request_id, 'NULL') FROM audit_log WHERE action = 'auth.lockout'
             AND (actor_user_id = ${u.id} OR target_id = '${u.id}')`);
        assert.equal(lockRows.length, 1, 'one auth.lockout audit row for the account');
        assert.ok(rids.includes(lockRows[0][0]), `auth.lockout row carries the failing request's id (${lockRows[0][0]})`);
        assert.equal((await waitAudit(locked.rid, 'auth.login.failure')).reason, 'locked');

        // Wrong passwords during the lock keep answering like any wrong password.
        const wrong = await authLogin(u.username, 'wrong-password-x');
        expectProblem(wrong, 401, 'invalid_credentials', 'wrong password during the lock:');
        const lastFailure = Date.now();

        // Other accounts are not affected.
        assert.equal((await authLogin('bob')).status, 200);

        await sleep(Math.max(0, lastFailure + (period + 1) * 1000 - Date.now()));
        const back = await authLogin(u.username);
        assert.equal(back.status, 200, `login after the lock period: ${show(back)}`);
        assert.equal(await sqlValue(`SELECT is_account_non_locked FROM users WHERE id = ${u.id}`), '1',
            'the lock flag is cleared once the period is over and the login succeeds');
    });
});

// ---------------------------------------------------------------------------------------------
describe('refresh', () => {
    test('rotation: new access + refresh token, same session, old one retired', async () => {
        const s = await mustLogin('bob');
        const r1 = await refresh(s.refresh);
        assert.equal(r1.status, 200, show(r1));
        const b = r1.json;
        assert.equal(b.token_type, 'Bearer');
        assert.equal(typeof b.expires_in, 'number');
        assert.equal(typeof b.refresh_expires_in, 'number');
        assert.equal(b.user.username, 'bob');
        assert.deepEqual(b.organization, { id: 1, slug: 'acme', name: 'Acme Corp' });
        assert.deepEqual(b.roles, ['member']);
        assert.deepEqual(Object.keys(b).sort(), Object.keys(s.json).sort(), 'same shape as the login answer');
        assert.notEqual(r1.refresh, s.refresh, 'a new refresh token');
        assert.notEqual(r1.token, s.token, 'a new access token');
        const p0 = decodeJwt(s.token).payload;
        const p1 = decodeJwt(r1.token).payload;
        assert.equal(p1.sid, p0.sid, 'the refreshed access token keeps the session id');
        assert.notEqual(p1.jti, p0.jti);
        assert.equal((await me(r1.token)).status, 200);
        const r2 = await refresh(r1.refresh);
        assert.equal(r2.status, 200, show(r2));
        assert.equal((await me(r2.token)).status, 200);
    });

    test('reuse of a retired token revokes the whole family', async () => {
        const s = await mustLogin('bob');
        const r1 = await refresh(s.refresh);
        assert.equal(r1.status, 200, show(r1));
        const r2 = await refresh(r1.refresh);
        assert.equal(r2.status, 200, show(r2));

        const reuse = await refresh(s.refresh);
        expectProblem(reuse, 401, 'refresh_token_reused', 'first token presented again:');
        const row = await waitAudit(reuse.rid, 'auth.refresh.reuse');
        assert.equal(row.client_ip, '127.0.0.1');
        assert.equal(row.request_id, reuse.rid);

        const newest = await refresh(r2.refresh);
        assert.equal(newest.status, 401, `newest token of the family after reuse: ${show(newest)}`);
        assert.ok(['refresh_token_invalid', 'refresh_token_reused'].includes(problemOf(newest).code), show(newest));
        // Another session of the same user is untouched.
        const other = await mustLogin('bob');
        assert.equal((await refresh(other.refresh)).status, 200);
    });

    test('unknown, malformed and access tokens -> 401 refresh_token_invalid; bad body -> 400', async () => {
        expectProblem(await refresh(crypto.randomBytes(32).toString('base64url')), 401, 'refresh_token_invalid');
        expectProblem(await refresh('x'), 401, 'refresh_token_invalid');
        const s = await mustLogin('bob');
        expectProblem(await refresh(s.token), 401, 'refresh_token_invalid', 'an access token as refresh token:');
        expectValidation(await api('POST', REFRESH, { body: {} }), 'refresh_token');
        expectValidation(await api('POST', REFRESH, { body: { refresh_token: 7 } }), 'refresh_token');
    });

    test('an expired refresh token -> 401 refresh_token_invalid', async () => {
        const u = await tempUser('rexp');
        const s = await mustLogin(u.username);
        await sql(`UPDATE refresh_tokens SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE WHERE user_id = ${u.id}`);
        expectProblem(await refresh(s.refresh), 401, 'refresh_token_invalid');
    });

    test('a refresh token is never usable as an access token', async () => {
        const s = await mustLogin('bob');
        expectTokenRefusal(await me(s.refresh), 'token_invalid');
    });
});

// ---------------------------------------------------------------------------------------------
describe('logout', () => {
    test('logout ends this session only', async () => {
        const s1 = await mustLogin('bob');
        const s2 = await mustLogin('bob');
        const out = await api('POST', LOGOUT, { token: s1.token });
        assert.equal(out.status, 204, show(out));
        assert.equal(out.text, '');
        expectTokenRefusal(await me(s1.token), 'token_revoked', 'access token after logout:');
        expectProblem(await refresh(s1.refresh), 401, 'refresh_token_invalid', 'refresh token after logout:');
        expectTokenRefusal(await api('POST', LOGOUT, { token: s1.token }), 'token_revoked', 'second logout:');
        assert.equal((await me(s2.token)).status, 200, 'the other session still works');
        assert.equal((await refresh(s2.refresh)).status, 200, 'the other session still refreshes');
    });

    test('logout without a token -> 401 unauthorized', async () => {
        expectTokenRefusal(await api('POST', LOGOUT), 'unauthorized');
        expectTokenRefusal(await api('POST', LOGOUT_ALL), 'unauthorized');
    });

    test('logout-all ends every session and bumps permission_version', async () => {
        const u = await tempUser('logoutall');
        const s1 = await mustLogin(u.username);
        const s2 = await mustLogin(u.email);
        assert.equal((await me(s2.token)).status, 200);
        const pv0 = Number(await sqlValue(`SELECT permission_version FROM users WHERE id = ${u.id}`));
        assert.equal(decodeJwt(s1.token).payload.pv, pv0);

        const out = await api('POST', LOGOUT_ALL, { token: s1.token });
        assert.equal(out.status, 204, show(out));
        for (const [name, s] of [['session 1', s1], ['session 2', s2]]) {
            expectTokenRefusal(await me(s.token), 'token_revoked', `${name} access token:`);
            const r = await refresh(s.refresh);
            assert.equal(r.status, 401, `${name} refresh token: ${show(r)}`);
        }
        const pv1 = Number(await sqlValue(`SELECT permission_version FROM users WHERE id = ${u.id}`));
        assert.ok(pv1 > pv0, `permission_version moved: ${pv0} -> ${pv1}`);

        // A new login works and carries the new permission_version.
        const s3 = await mustLogin(u.username);
        assert.equal(decodeJwt(s3.token).payload.pv, pv1);
        assert.equal((await me(s3.token)).status, 200);

        // The pv check itself (not the jti blocklist): fresh tokens signed here, new jti each.
        const kid = stackKid();
        const stale = signHS256({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(u.id, { pv: pv0 }));
        expectTokenRefusal(await me(stale), 'token_revoked', 'self-signed token with the old pv:');
        const fresh = signHS256({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(u.id, { pv: pv1 }));
        assert.equal((await me(fresh)).status, 200, 'self-signed token with the current pv');
        // Bob is not affected.
        assert.equal((await me((await mustLogin('bob')).token)).status, 200);
    });
});

// ---------------------------------------------------------------------------------------------
describe('/me', () => {
    test('shape for bob', async () => {
        const s = await mustLogin('bob');
        const res = await me(s.token);
        assert.equal(res.status, 200, show(res));
        const b = res.json;
        const { last_login: lastLogin, ...user } = b.user;
        assert.deepEqual(user, {
            id: BOB,
            username: 'bob',
            email: 'bob@acme.test',
            first_name: 'Bob',
            last_name: 'Brown',
            full_name: 'Bob Brown',
            phone_number: null,
            profile_image_ref: null,
            email_verified: false,
            email_verified_at: null,
        });
        assert.equal(typeof lastLogin, 'string');
        assert.ok(!Number.isNaN(Date.parse(lastLogin)), `last_login is a date: ${lastLogin}`);
        assert.deepEqual(b.organization, { id: 1, slug: 'acme', name: 'Acme Corp' });
        assert.deepEqual(b.roles, ['member']);
        assert.deepEqual(b.organizations, [{ id: 1, slug: 'acme', name: 'Acme Corp', is_primary: true }]);
        assert.doesNotMatch(res.text, /argon2|password_hash|permission_version/i);
    });

    test('refusals: no token, garbage, wrong scheme', async () => {
        expectTokenRefusal(await api('GET', ME), 'unauthorized', 'no header:');
        expectTokenRefusal(await me('not-a-jwt'), 'token_invalid', 'garbage:');
        expectTokenRefusal(await me('a.b.c'), 'token_invalid', 'three garbage parts:');
        const s = await mustLogin('bob');
        const basic = await api('GET', ME, { headers: { Authorization: `Basic ${s.token}` } });
        assert.equal(basic.status, 401, show(basic));
    });
});

// ---------------------------------------------------------------------------------------------
describe('/me/password', () => {
    test('policy, wrong current password, then a change that ends the other sessions', async () => {
        const u = await tempUser('passwd');
        const A = await mustLogin(u.username);
        const B = await mustLogin(u.username);
        const change = (token, body) => api('POST', ME_PASSWORD, { token, body });
        const NEW = 'a-brand-new-password-42';

        const wrong = await change(A.token, { current_password: 'not-my-password-1', new_password: NEW });
        const p = expectProblem(wrong, 401, 'invalid_credentials', 'wrong current password:');
        assert.equal(p.field, 'current_password');
        expectProblem(await change(A.token, { current_password: DEV_PASSWORD, new_password: 'short-11ch!' }),
            400, 'password_policy', '11 characters:');
        expectProblem(await change(A.token, { current_password: DEV_PASSWORD, new_password: 'x'.repeat(129) }),
            400, 'password_policy', '129 characters:');
        expectProblem(await change(A.token, { current_password: DEV_PASSWORD, new_password: DEV_PASSWORD }),
            400, 'password_policy', 'same as current:');
        expectValidation(await change(A.token, { current_password: DEV_PASSWORD }), 'new_password');
        // Nothing changed so far: both sessions work, the old password still works.
        assert.equal((await me(A.token)).status, 200);
        assert.equal((await me(B.token)).status, 200);

        const ok = await change(A.token, { current_password: DEV_PASSWORD, new_password: NEW });
        assert.equal(ok.status, 200, show(ok));
        assert.equal(typeof ok.json.access_token, 'string');
        assert.equal(ok.json.token_type, 'Bearer');
        assert.equal(typeof ok.json.expires_in, 'number');
        const fresh = ok.json.access_token;
        assert.equal(decodeJwt(fresh).payload.sid, decodeJwt(A.token).payload.sid, 'same session');
        assert.equal((await me(fresh)).status, 200, 'the new access token works');

        expectTokenRefusal(await me(A.token), 'token_revoked', 'old access token of this session:');
        expectTokenRefusal(await me(B.token), 'token_revoked', 'access token of the other session:');
        const rb = await refresh(B.refresh);
        assert.equal(rb.status, 401, `refresh token of the other session: ${show(rb)}`);
        const ra = await refresh(A.refresh);
        assert.equal(ra.status, 200, `this session's refresh token keeps working: ${show(ra)}`);
        assert.equal((await me(ra.token)).status, 200);

        expectProblem(await authLogin(u.username, DEV_PASSWORD), 401, 'invalid_credentials', 'old password:');
        assert.equal((await authLogin(u.username, NEW)).status, 200, 'new password logs in');
        const changedAt = await sqlValue(`SELECT IFNULL(password_changed_at, 'NULL') FROM users WHERE id = ${u.id}`);
        assert.notEqual(changedAt, 'NULL');
    });

    test('without a token -> 401', async () => {
        const r = await api('POST', ME_PASSWORD, { body: { current_password: DEV_PASSWORD, new_password: 'another-password-1' } });
        expectTokenRefusal(r, 'unauthorized');
    });
});

// ---------------------------------------------------------------------------------------------
describe('tokens signed here', () => {
    let kid;
    let secret;
    const forged = (header, claims, key) => signHS256(header, claims, key ?? secret);
    before(() => {
        kid = stackKid();
        secret = jwtSecret();
    });

    test('a valid self-signed token IS accepted (the forgeries below test the right thing)', async () => {
        const claims = await accessClaims(BOB);
        const res = await me(forged({ alg: 'HS256', typ: 'JWT', kid }, claims));
        assert.equal(res.status, 200, show(res));
        assert.equal(res.json.user.username, 'bob');
    });

    test('a token without kid is accepted while the keyset has one key', async () => {
        const res = await me(forged({ alg: 'HS256', typ: 'JWT' }, await accessClaims(BOB)));
        assert.equal(res.status, 200, show(res));
    });

    const refusals = [
        ['alg none, no signature', async () => {
            const h = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid })).toString('base64url');
            const p = Buffer.from(JSON.stringify(await accessClaims(BOB))).toString('base64url');
            return `${h}.${p}.`;
        }, 'token_invalid'],
        ['alg none with a valid HS256 signature', async () => {
            const t = forged({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(BOB));
            const [, p, s] = t.split('.');
            return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid })).toString('base64url')}.${p}.${s}`;
        }, 'token_invalid'],
        ['HS256 signed with another secret', async () =>
            forged({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(BOB), crypto.randomBytes(32).toString('hex')),
        'token_invalid'],
        ['wrong aud', async () => forged({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(BOB, { aud: 'someone-else' })), 'token_invalid'],
        ['wrong iss', async () => forged({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(BOB, { iss: 'evil' })), 'token_invalid'],
        ['typ refresh', async () => forged({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(BOB, { typ: 'refresh' })), 'token_invalid'],
        ['expired', async () => {
            const now = Math.floor(Date.now() / 1000);
            return forged({ alg: 'HS256', typ: 'JWT', kid },
                await accessClaims(BOB, { iat: now - 3600, nbf: now - 3600, exp: now - 600 }));
        }, 'token_expired'],
        ['nbf in the future', async () => {
            const now = Math.floor(Date.now() / 1000);
            return forged({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(BOB, { nbf: now + 600, exp: now + 1200 }));
        }, 'token_invalid'],
        ['unknown kid', async () => forged({ alg: 'HS256', typ: 'JWT', kid: `${kid}-unknown` }, await accessClaims(BOB)), 'token_invalid'],
        ['tampered payload (sub changed) with the original signature', async () => {
            const t = forged({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(BOB));
            const [h, , s] = t.split('.');
            const p = Buffer.from(JSON.stringify(await accessClaims(BOB, { sub: '2' }))).toString('base64url');
            return `${h}.${p}.${s}`;
        }, 'token_invalid'],
        ['tampered real token (sub changed) with its original signature', async () => {
            const real = (await mustLogin('bob')).token;
            const { parts, payload } = decodeJwt(real);
            const p = Buffer.from(JSON.stringify({ ...payload, sub: '1', roles: ['platform_admin'] })).toString('base64url');
            return `${parts[0]}.${p}.${parts[2]}`;
        }, 'token_invalid'],
        ['RS256 header signed with an RSA key', async () =>
            signRS256({ alg: 'RS256', typ: 'JWT', kid }, await accessClaims(BOB)), 'token_invalid'],
        ['RS256 header with an HMAC signature under the secret', async () =>
            forged({ alg: 'RS256', typ: 'JWT', kid }, await accessClaims(BOB)), 'token_invalid'],
        ['no exp', async () => forged({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(BOB, { exp: undefined })), 'token_invalid'],
        ['sub of a user that does not exist', async () =>
            forged({ alg: 'HS256', typ: 'JWT', kid }, await accessClaims(BOB, { sub: '987654321' })), null],
    ];
    for (const [name, make, code] of refusals) {
        test(`${name} -> 401${code ? ` ${code}` : ''}`, async () => {
            const res = await me(await make());
            if (code) expectTokenRefusal(res, code, `${name}:`);
            else assert.equal(res.status, 401, `${name}: ${show(res)}`);
        });
    }
});

// ---------------------------------------------------------------------------------------------
describe('jwks', () => {
    test('GET /.well-known/jwks.json: never the HS256 key; only the stack\'s OpenID Connect ID-token key', async () => {
        // The stack signs access tokens with HS256 (never published) and ID tokens with the
        // P-256 key of oidc_key_file (docs/oidc.md), which is the only key in the set.
        const res = await api('GET', '/.well-known/jwks.json');
        assert.equal(res.status, 200, show(res));
        assert.equal(res.json.keys.length, 1, show(res));
        const [k] = res.json.keys;
        assert.deepEqual([k.kty, k.alg, k.crv, k.use, k.kid], ['EC', 'ES256', 'P-256', 'sig', 'oidc1']);
        assert.equal(k.d, undefined, 'no private part');
        assert.ok(!res.json.keys.some((x) => x.kty === 'oct' || x.alg === 'HS256'));
    });
});

// ---------------------------------------------------------------------------------------------
describe('rate limit per client address', () => {
    test('past ip_max_failures -> 429 rate_limited with Retry-After, even with the right password', async () => {
        // Restarted with a low limit through the environment (the stack's own limit is high so the
        // other tests never meet it), and restarted with the configuration file alone afterwards.
        const max = 3;
        await restartGatehouse({ GATEHOUSE_IP_MAX_FAILURES: String(max) });
        try {
            // Earlier tests already failed from this address within the window, so the limit may
            // be reached before `max` more failures: at most max + 1 attempts reach the 429.
            let limited = null;
            const seen = [];
            for (let i = 0; i <= max && !limited; i++) {
                const r = await authLogin(`nobody-${crypto.randomBytes(4).toString('hex')}`, 'wrong-password-123');
                seen.push(r.status);
                if (r.status === 429) limited = r;
                else expectProblem(r, 401, 'invalid_credentials');
            }
            assert.ok(limited, `no 429 within ${max + 1} failures: ${seen}`);
            const p = expectProblem(limited, 429, 'rate_limited');
            assert.ok(p.detail === undefined || !/nobody-/.test(p.detail), 'the login is not echoed');
            const ra = Number(limited.headers.get('retry-after'));
            assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= confNumber('ip_window', 300),
                `Retry-After '${limited.headers.get('retry-after')}'`);
            const right = await authLogin('bob');
            expectProblem(right, 429, 'rate_limited', 'right password from a limited address:');
            assert.ok(right.headers.get('retry-after'));
        } finally {
            await restartGatehouse();
            // Best effort: give the address its failure budget back for the test files after this
            // one (the key is Gatehouse's own naming; nothing depends on it if that changes).
            await redis('DEL', 'fail:ip:127.0.0.1').catch(() => {});
        }
        assert.equal((await authLogin('bob')).status, 200, 'after the restart with the configured limit');
    });
});

// ---------------------------------------------------------------------------------------------
// Last: stops and starts Redis.
describe('Redis down: fail closed, recover without a restart', () => {
    test('login 503 redis_unavailable, /me 503, both recover after start-redis', async () => {
        const s = await mustLogin('bob');
        assert.equal((await me(s.token)).status, 200);
        const master = masterPid();
        await stack('stop-redis');
        try {
            expectProblem(await authLogin('bob'), 503, 'redis_unavailable', 'login with Redis down:');
            const m = await me(s.token);
            assert.equal(m.status, 503, `/me with Redis down must never be 200: ${show(m)}`);
            problemOf(m);
            // A self-signed valid token is refused the same way.
            const forged = signHS256({ alg: 'HS256', typ: 'JWT', kid: stackKid() }, await accessClaims(BOB));
            assert.equal((await me(forged)).status, 503);
            // Forward auth fails closed too.
            const chk = await api('GET', '/api/v1/auth/check', {
                token: s.token,
                headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' },
            });
            assert.equal(chk.status, 503, `auth/check with Redis down: ${show(chk)}`);
        } finally {
            await stack('start-redis');
        }
        await waitFor(async () => (await authLogin('bob')).status === 200, 10000, 200);
        await waitFor(async () => (await me(s.token)).status === 200, 10000, 200);
        assert.equal(masterPid(), master, 'same gatehouse master: no restart');
    });
});
