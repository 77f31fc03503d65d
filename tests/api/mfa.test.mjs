// Second factors (issue 16; docs/mfa.md) through the real stack: enrolling an authenticator app
// (codes computed with otplib, an implementation independent of the server's liboath), the
// second step of a login, replay and drift, tickets, recovery codes, lockout, the MFA policy with
// its grace period and enroll-only tokens, step-up on endpoint mappings and in forward auth,
// sessions, and an administrator's reset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSync } from 'otplib';

import { api, DEV_PASSWORD, sql, sqlValue } from './lib.mjs';
import { CHECK, createUser, decodeJwt, mustLogin, uniq } from './authlib.mjs';

const LOGIN = '/api/v1/auth/login';
const VERIFY = '/api/v1/auth/mfa/verify';
const MFA = '/api/v1/me/mfa';
const TOTP = '/api/v1/me/mfa/totp';
const CONFIRM = '/api/v1/me/mfa/totp/confirm';
const CODES = '/api/v1/me/mfa/recovery-codes';
const SESSIONS = '/api/v1/me/sessions';
const RUN = uniq();

const now = () => Math.floor(Date.now() / 1000);
const code = (secret, at = now()) => generateSync({ secret, epoch: at });

let org;
const made = [];

/** A new organization of its own, so that its policies touch no other test. */
async function mkOrg() {
    const slug = `mfa-${RUN}-${uniq()}`.toLowerCase();
    await sql(`INSERT INTO organization (slug, name, status) VALUES ('${slug}', 'MFA ${slug}', 'active')`);
    return Number(await sqlValue(`SELECT id FROM organization WHERE slug = '${slug}'`));
}

/** A user of org that signs in with the dev password, holding role (a shared role's name). */
async function mkUser(orgId, role = 'member') {
    const u = await createUser(`mfa-${RUN}`, orgId, role);
    made.push(u.id);
    return u;
}

const login = (username, extra = {}) => api('POST', LOGIN, { body: { login: username, password: DEV_PASSWORD, ...extra } });
const verify = (ticket, method, c) => api('POST', VERIFY, { body: { mfa_ticket: ticket, method, code: c } });

/** Enrolls an authenticator app for a signed-in user; returns { secret, recovery }. */
async function enroll(token) {
    const start = await api('POST', TOTP, { token });
    assert.equal(start.status, 201, start.text);
    // The confirming code is one step back, so that the current step is still unused afterwards.
    const ok = await api('POST', CONFIRM, { token, body: { code: code(start.json.secret, now() - 30) } });
    assert.equal(ok.status, 200, ok.text);
    return { secret: start.json.secret, recovery: ok.json.recovery_codes };
}

/** Signs in with the password and the current code; returns the answer of the second step. */
async function fullLogin(username, secret) {
    const first = await login(username);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.mfa_required, true);
    return verify(first.json.mfa_ticket, 'totp', code(secret));
}

async function setPolicy(orgId, kind, settings) {
    const admin = await mustLogin('admin');
    const res = await api('PUT', `/api/v1/organizations/${orgId}/policies/${kind}`, { token: admin.token, body: { settings } });
    assert.equal(res.status, 200, res.text);
}

before(async () => { org = await mkOrg(); });
after(async () => {
    if (made.length > 0) await sql(`DELETE FROM users WHERE id IN (${made.join(',')})`);
    await sql(`DELETE FROM organization WHERE id = ${org}`);
});

describe('enrolling an authenticator app', () => {
    test('start answers a base32 secret, its otpauth URI and an SVG QR code; the secret is sealed at rest', async () => {
        const u = await mkUser(org);
        const s = await mustLogin(u.username);
        const res = await api('POST', TOTP, { token: s.token });
        assert.equal(res.status, 201, res.text);
        assert.match(res.json.secret, /^[A-Z2-7]{32}$/, '160 bits in base32');
        const uri = new URL(res.json.otpauth_uri);
        assert.equal(uri.protocol, 'otpauth:');
        assert.equal(uri.searchParams.get('secret'), res.json.secret);
        assert.equal(uri.searchParams.get('digits'), '6');
        assert.equal(uri.searchParams.get('period'), '30');
        assert.ok(decodeURIComponent(uri.pathname).endsWith(`:${u.username}`), uri.pathname);
        assert.match(res.json.qr_svg, /^<svg [^>]*viewBox="0 0 \d+ \d+"[^>]*>.*<path fill="#000" d="M/s);
        const stored = await sqlValue(`SELECT HEX(secret) FROM user_totp WHERE user_id = ${u.id}`);
        assert.ok(stored && stored.length === 2 * (4 + 24 + 16 + 20), `sealed: ${stored}`);
        const raw = Buffer.from(res.json.secret.replace(/=+$/, ''), 'ascii');
        assert.ok(!stored.includes(raw.toString('hex').toUpperCase()), 'the secret is not stored as it is');
        const st = await api('GET', MFA, { token: s.token });
        assert.deepEqual(st.json.totp, { enabled: false, pending: true });
    });

    test('a wrong first code is refused naming code and enrolls nothing; the right one answers ten recovery codes once', async () => {
        const u = await mkUser(org);
        const s = await mustLogin(u.username);
        const start = await api('POST', TOTP, { token: s.token });
        const bad = await api('POST', CONFIRM, { token: s.token, body: { code: '000000' === code(start.json.secret) ? '111111' : '000000' } });
        assert.equal(bad.status, 400);
        assert.equal(bad.json.field, 'code');
        assert.equal(Number(await sqlValue(`SELECT confirmed_at IS NULL FROM user_totp WHERE user_id = ${u.id}`)), 1);
        const ok = await api('POST', CONFIRM, { token: s.token, body: { code: code(start.json.secret) } });
        assert.equal(ok.status, 200, ok.text);
        assert.equal(ok.json.recovery_codes.length, 10);
        assert.equal(new Set(ok.json.recovery_codes).size, 10);
        for (const c of ok.json.recovery_codes) assert.match(c, /^[2-9a-hj-km-np-z]{5}-[2-9a-hj-km-np-z]{5}$/);
        const rows = await sql(`SELECT HEX(code_hash) FROM user_recovery_code WHERE user_id = ${u.id}`);
        assert.equal(rows.length, 10);
        for (const c of ok.json.recovery_codes) assert.ok(!rows.flat().join().includes(Buffer.from(c).toString('hex').toUpperCase()), 'stored hashed');
        const again = await api('POST', CONFIRM, { token: s.token, body: { code: code(start.json.secret) } });
        assert.equal(again.status, 409, 'nothing waits for a first code any more');
        const twice = await api('POST', TOTP, { token: s.token });
        assert.equal(twice.status, 409, 'one app at a time: remove it first');
    });

    test('bad bodies are 400 naming the field and change nothing; no token is 401', async () => {
        const u = await mkUser(org);
        const s = await mustLogin(u.username);
        assert.equal((await api('POST', TOTP)).status, 401);
        const r1 = await api('POST', CONFIRM, { token: s.token, body: {} });
        assert.equal(r1.status, 400);
        assert.equal(r1.json.field, 'code');
        const r2 = await api('POST', CONFIRM, { token: s.token, body: { code: '123456', extra: 1 } });
        assert.equal(r2.status, 400);
        const r3 = await api('POST', VERIFY, { body: { method: 'totp', code: '123456' } });
        assert.equal(r3.status, 400);
        assert.equal(r3.json.field, 'mfa_ticket');
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM user_totp WHERE user_id = ${u.id}`)), 0);
    });
});

describe('the second step of a login', () => {
    test('a right password answers mfa_required with a ticket and the methods, and no token', async () => {
        const u = await mkUser(org);
        await enroll((await mustLogin(u.username)).token);
        const res = await login(u.username);
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.mfa_required, true);
        assert.match(res.json.mfa_ticket, /^[A-Za-z0-9_-]{43}$/);
        assert.deepEqual(res.json.methods, ['totp', 'recovery_code']);
        assert.equal(res.json.access_token, undefined);
        assert.equal(res.json.refresh_token, undefined);
        const wrong = await login(u.username, { password: 'not-the-password' });
        assert.equal(wrong.status, 401, 'a wrong password reveals nothing of the factors');
        assert.equal(wrong.json.mfa_required, undefined);
        assert.equal(wrong.json.code, (await login('no-such-user-' + RUN)).json.code);
    });

    test('the code completes it: tokens whose amr and acr say two factors, kept by refresh', async () => {
        const u = await mkUser(org);
        const { secret } = await enroll((await mustLogin(u.username)).token);
        const res = await fullLogin(u.username, secret);
        assert.equal(res.status, 200, res.text);
        const claims = decodeJwt(res.json.access_token).payload;
        assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
        assert.equal(claims.acr, '2fa');
        const r = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: res.json.refresh_token } });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(decodeJwt(r.json.access_token).payload.amr, ['pwd', 'otp', 'mfa']);
        const pwOnly = await mustLogin('bob');
        assert.deepEqual(decodeJwt(pwOnly.token).payload.amr, ['pwd'], 'a password login says pwd');
    });

    test('a code is accepted once, within one step of drift, and a ticket serves one login', async () => {
        const u = await mkUser(org);
        const { secret } = await enroll((await mustLogin(u.username)).token);
        const t1 = (await login(u.username)).json.mfa_ticket;
        const old = await verify(t1, 'totp', code(secret, now() - 95));
        assert.equal(old.status, 401);
        assert.equal(old.json.code, 'mfa_code_invalid');
        assert.equal(old.json.field, 'code');
        const ok = await verify(t1, 'totp', code(secret));
        assert.equal(ok.status, 200, ok.text);
        const reuse = await verify(t1, 'totp', code(secret));
        assert.equal(reuse.status, 401);
        assert.equal(reuse.json.code, 'mfa_ticket_invalid', 'the ticket is used');
        const t2 = (await login(u.username)).json.mfa_ticket;
        const replay = await verify(t2, 'totp', code(secret));
        assert.equal(replay.status, 401);
        assert.equal(replay.json.code, 'mfa_code_invalid', 'the same code again is a replay');
        const next = await verify(t2, 'totp', code(secret, now() + 30));
        assert.equal(next.status, 200, `one step ahead is within the drift window: ${next.text}`);
        const unknown = await verify('A'.repeat(43), 'totp', code(secret));
        assert.equal(unknown.json.code, 'mfa_ticket_invalid');
        const badMethod = await verify((await login(u.username)).json.mfa_ticket, 'sms', '123456');
        assert.equal(badMethod.status, 400);
        assert.equal(badMethod.json.field, 'method');
    });

    test('five wrong codes drop the ticket; wrong codes count toward the account lockout', async () => {
        const o2 = await mkOrg();
        try {
            await setPolicy(o2, 'lockout', { threshold: 3, period: 60 });
            const u = await mkUser(o2);
            const { secret } = await enroll((await mustLogin(u.username)).token);
            const t = (await login(u.username)).json.mfa_ticket;
            for (let i = 0; i < 3; i++) assert.equal((await verify(t, 'totp', '000001')).status, 401);
            const locked = await login(u.username);
            assert.notEqual(locked.status, 200, 'three wrong codes lock the account like three wrong passwords');
            assert.match(locked.json.code, /locked/);
            await sql(`UPDATE users SET is_account_non_locked = 1, locked_until = NULL, failed_login_count = 0 WHERE id = ${u.id}`);
            await setPolicy(o2, 'lockout', { threshold: 50, period: 60 });
            const t2 = (await login(u.username)).json.mfa_ticket;
            for (let i = 0; i < 5; i++) assert.equal((await verify(t2, 'totp', '000002')).status, 401);
            const dropped = await verify(t2, 'totp', code(secret));
            assert.equal(dropped.json.code, 'mfa_ticket_invalid', 'the ticket is gone after five wrong factors');
        } finally {
            await sql(`DELETE FROM user_organization WHERE organization_id = ${o2}`);
            await sql(`DELETE FROM organization WHERE id = ${o2}`);
        }
    });

    test('a recovery code completes a login once; new codes replace the old ones', async () => {
        const u = await mkUser(org);
        const s = await mustLogin(u.username);
        const { recovery } = await enroll(s.token);
        const ok = await verify((await login(u.username)).json.mfa_ticket, 'recovery_code', recovery[0].toUpperCase());
        assert.equal(ok.status, 200, ok.text);
        assert.deepEqual(decodeJwt(ok.json.access_token).payload.amr, ['pwd', 'otp', 'mfa']);
        const again = await verify((await login(u.username)).json.mfa_ticket, 'recovery_code', recovery[0]);
        assert.equal(again.json.code, 'mfa_code_invalid');
        const st = await api('GET', MFA, { token: ok.json.access_token });
        assert.equal(st.json.recovery_codes.remaining, 9);
        const wrongPw = await api('POST', CODES, { token: ok.json.access_token, body: { password: 'nope-nope' } });
        assert.equal(wrongPw.status, 401);
        assert.equal(wrongPw.json.field, 'password');
        const fresh = await api('POST', CODES, { token: ok.json.access_token, body: { password: DEV_PASSWORD } });
        assert.equal(fresh.status, 201, fresh.text);
        assert.equal(fresh.json.recovery_codes.length, 10);
        const stale = await verify((await login(u.username)).json.mfa_ticket, 'recovery_code', recovery[1]);
        assert.equal(stale.json.code, 'mfa_code_invalid', 'the old set is gone');
    });

    test('removing the app needs the password and a code; then the login has no second step', async () => {
        const u = await mkUser(org);
        const { secret } = await enroll((await mustLogin(u.username)).token);
        const s = await fullLogin(u.username, secret);
        const token = s.json.access_token;
        const noCode = await api('DELETE', TOTP, { token, body: { password: DEV_PASSWORD, code: '000003' } });
        assert.equal(noCode.status, 401);
        assert.equal(noCode.json.field, 'code');
        const noPw = await api('DELETE', TOTP, { token, body: { password: 'wrong-password', code: code(secret, now() + 30) } });
        assert.equal(noPw.status, 401);
        assert.equal(noPw.json.field, 'password');
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM user_totp WHERE user_id = ${u.id}`)), 1);
        const ok = await api('DELETE', TOTP, { token, body: { password: DEV_PASSWORD, code: code(secret, now() + 30) } });
        assert.equal(ok.status, 204, ok.text);
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM user_recovery_code WHERE user_id = ${u.id}`)), 0);
        const plain = await login(u.username);
        assert.equal(plain.status, 200);
        assert.ok(plain.json.access_token, 'a password alone signs in again');
    });
});

describe('the MFA policy', () => {
    test('required: a user without a factor signs in during the grace period, then gets a token that may only enroll', async () => {
        const o2 = await mkOrg();
        try {
            await setPolicy(o2, 'mfa', { mode: 'required', grace_period_days: 2 });
            const u = await mkUser(o2);
            const graced = await login(u.username);
            assert.equal(graced.status, 200, graced.text);
            assert.ok(graced.json.refresh_token, 'a full session during the grace period');
            assert.equal(graced.json.mfa_enrollment_required, true);
            assert.ok(graced.json.mfa_enrollment_due_in > 86400 && graced.json.mfa_enrollment_due_in <= 2 * 86400);
            await sql(`UPDATE mfa_grace SET since = since - INTERVAL 3 DAY WHERE user_id = ${u.id}`);
            const limited = await login(u.username);
            assert.equal(limited.status, 200, limited.text);
            assert.equal(limited.json.refresh_token, undefined, 'no session to refresh');
            assert.equal(decodeJwt(limited.json.access_token).payload.scp, 'mfa_enroll');
            const t = limited.json.access_token;
            assert.equal((await api('GET', '/api/v1/me', { token: t })).status, 200);
            assert.equal((await api('GET', MFA, { token: t })).status, 200);
            const other = await api('GET', '/api/v1/me/organizations', { token: t });
            assert.equal(other.status, 403);
            assert.equal(other.json.code, 'mfa_enrollment_required');
            const fwd = await api('GET', CHECK, { token: t, headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me/organizations' } });
            assert.equal(fwd.status, 403, 'forward auth refuses it too');
            const { secret } = await enroll(t);
            const full = await fullLogin(u.username, secret);
            assert.equal(full.status, 200, full.text);
            assert.ok(full.json.refresh_token);
            assert.equal(decodeJwt(full.json.access_token).payload.scp, undefined);
        } finally {
            await sql(`DELETE FROM user_organization WHERE organization_id = ${o2}`);
            await sql(`DELETE FROM organization WHERE id = ${o2}`);
        }
    });

    test('required_for_roles asks only the holders of those roles; off asks nobody', async () => {
        const o2 = await mkOrg();
        try {
            await setPolicy(o2, 'mfa', { mode: 'required_for_roles', roles: ['org_admin'], grace_period_days: 0 });
            const member = await mkUser(o2, 'member');
            const boss = await mkUser(o2, 'org_admin');
            const m = await login(member.username);
            assert.ok(m.json.refresh_token, 'a member is not required to');
            const b = await login(boss.username);
            assert.equal(decodeJwt(b.json.access_token).payload.scp, 'mfa_enroll', 'an administrator is');
            const { secret } = await enroll((await login(member.username)).json.access_token);
            await setPolicy(o2, 'mfa', { mode: 'off' });
            const off = await login(member.username);
            assert.ok(off.json.access_token, 'off: no second step even with a factor');
            assert.equal(off.json.mfa_required, undefined);
            await setPolicy(o2, 'mfa', { mode: 'optional' });
            assert.equal((await login(member.username)).json.mfa_required, true);
            assert.equal((await fullLogin(member.username, secret)).status, 200);
            const bad = await api('PUT', `/api/v1/organizations/${o2}/policies/mfa`, { token: (await mustLogin('admin')).token, body: { settings: { mode: 'sometimes' } } });
            assert.equal(bad.status, 400);
            assert.equal(bad.json.field, 'settings.mode');
        } finally {
            await sql(`DELETE FROM user_organization WHERE organization_id = ${o2}`);
            await sql(`DELETE FROM organization WHERE id = ${o2}`);
        }
    });
});

describe('step-up', () => {
    test('a mapping that requires MFA answers 401 insufficient_authentication to a password-only token, in forward auth too', async () => {
        const admin = await mustLogin('admin');
        const perm = `mfa.stepup${RUN.replace(/[0-9]/g, (c) => 'abcdefghij'[c])}`;
        const pattern = `/stepup-${RUN}/**`;
        const p = await api('POST', '/api/v1/permissions', { token: admin.token, body: { name: perm, module: 'mfa' } });
        assert.equal(p.status, 201, p.text);
        await sql(`INSERT INTO role_permissions (role_id, permission_id) SELECT r.id, ${p.json.id} FROM roles r WHERE r.name = 'member' AND r.organization_id IS NULL`);
        const ep = await api('POST', '/api/v1/endpoints', { token: admin.token, body: { permission: perm, api_endpoint: pattern, http_method: 'GET', requires_mfa: true } });
        assert.equal(ep.status, 201, ep.text);
        assert.equal(ep.json.requires_mfa, true);
        try {
            const u = await mkUser(org);
            const pw = await mustLogin(u.username);
            const hdr = { 'X-Original-Method': 'GET', 'X-Original-URI': `/stepup-${RUN}/x` };
            const denied = await api('GET', CHECK, { token: pw.token, headers: hdr });
            assert.equal(denied.status, 401, denied.text);
            assert.equal(denied.json.code, 'insufficient_authentication');
            assert.match(denied.headers.get('www-authenticate') ?? '', /insufficient_user_authentication/);
            const { secret } = await enroll(pw.token);
            const strong = await fullLogin(u.username, secret);
            const allowed = await api('GET', CHECK, { token: strong.json.access_token, headers: hdr });
            assert.equal(allowed.status, 204, allowed.text);
            const off = await api('PATCH', `/api/v1/endpoints/${ep.json.id}`, { token: admin.token, body: { requires_mfa: false }, headers: { 'If-Match': ep.headers.get('etag') } });
            assert.equal(off.status, 200, off.text);
            assert.equal(off.json.requires_mfa, false);
        } finally {
            await api('DELETE', `/api/v1/endpoints/${ep.json.id}`, { token: admin.token });
            await sql(`DELETE FROM role_permissions WHERE permission_id = ${p.json.id}`);
            await api('DELETE', `/api/v1/permissions/${p.json.id}`, { token: admin.token });
        }
    });
});

describe('step-up of the admin routes', () => {
    test('step_up_admin: changing roles needs a second factor; reading them does not', async () => {
        const o2 = await mkOrg();
        try {
            await setPolicy(o2, 'mfa', { step_up_admin: true });
            const boss = await mkUser(o2, 'org_admin');
            const pw = await login(boss.username);
            assert.equal(pw.status, 200, pw.text);
            const name = `stepup${RUN.replace(/[0-9]/g, (c) => 'abcdefghij'[c])}`;
            assert.equal((await api('GET', '/api/v1/roles', { token: pw.json.access_token })).status, 200);
            const weak = await api('POST', '/api/v1/roles', { token: pw.json.access_token, body: { name } });
            assert.equal(weak.status, 401, weak.text);
            assert.equal(weak.json.code, 'insufficient_authentication');
            assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM roles WHERE name = '${name}'`)), 0);
            const { secret } = await enroll(pw.json.access_token);
            const strong = await fullLogin(boss.username, secret);
            const ok = await api('POST', '/api/v1/roles', { token: strong.json.access_token, body: { name } });
            assert.equal(ok.status, 201, ok.text);
        } finally {
            await sql(`DELETE FROM roles WHERE organization_id = ${o2}`);
            await sql(`DELETE FROM user_organization WHERE organization_id = ${o2}`);
            await sql(`DELETE FROM organization WHERE id = ${o2}`);
        }
    });
});

describe('sessions', () => {
    test('the caller lists its sessions, the current one marked, and ends another: its tokens are refused at once', async () => {
        const u = await mkUser(org);
        const a = await mustLogin(u.username);
        const b = await mustLogin(u.username, DEV_PASSWORD, { headers: { 'User-Agent': `device-b-${RUN}` } });
        const list = await api('GET', SESSIONS, { token: a.token });
        assert.equal(list.status, 200, list.text);
        assert.equal(list.json.items.length, 2);
        const cur = list.json.items.filter((s) => s.current);
        assert.equal(cur.length, 1);
        assert.equal(cur[0].id, decodeJwt(a.token).payload.sid);
        const other = list.json.items.find((s) => !s.current);
        assert.equal(other.user_agent, `device-b-${RUN}`);
        assert.equal(other.organization_id, org);
        assert.ok(other.created_at && other.last_used_at && other.client_ip);
        assert.equal((await api('GET', '/api/v1/me', { token: b.token })).status, 200);
        const end = await api('DELETE', `${SESSIONS}/${other.id}`, { token: a.token });
        assert.equal(end.status, 204, end.text);
        const gone = await api('GET', '/api/v1/me', { token: b.token });
        assert.equal(gone.status, 401, 'the ended session\'s access token is refused at once');
        const fwd = await api('GET', CHECK, { token: b.token, headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' } });
        assert.equal(fwd.status, 401, 'in forward auth too');
        const r = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: b.refresh } });
        assert.equal(r.status, 401, 'and its refresh token');
        assert.equal((await api('GET', '/api/v1/me', { token: a.token })).status, 200, 'the other session lives');
        assert.equal((await api('DELETE', `${SESSIONS}/${other.id}`, { token: a.token })).status, 404);
        assert.equal((await api('DELETE', `${SESSIONS}/not-a-session`, { token: a.token })).status, 404);
        const stranger = await mkUser(org);
        const s = await mustLogin(stranger.username);
        assert.equal((await api('DELETE', `${SESSIONS}/${cur[0].id}`, { token: s.token })).status, 404, 'not another user\'s');
    });

    test('an administrator lists and ends a user\'s sessions, and resets the user\'s factors', async () => {
        const u = await mkUser(1);
        const { secret } = await enroll((await mustLogin(u.username)).token);
        const s = await fullLogin(u.username, secret);
        const admin = await mustLogin('admin');
        const list = await api('GET', `/api/v1/users/${u.id}/sessions`, { token: admin.token });
        assert.equal(list.status, 200, list.text);
        assert.ok(list.json.items.length >= 1);
        const f = await api('GET', `/api/v1/users/${u.id}/mfa`, { token: admin.token });
        assert.equal(f.status, 200, f.text);
        assert.equal(f.json.totp.enabled, true);
        const bob = await mustLogin('bob');
        assert.equal((await api('DELETE', `/api/v1/users/${u.id}/mfa`, { token: bob.token })).status, 403, 'a member may not');
        const reset = await api('DELETE', `/api/v1/users/${u.id}/mfa`, { token: admin.token });
        assert.equal(reset.status, 204, reset.text);
        assert.equal((await api('GET', '/api/v1/me', { token: s.json.access_token })).status, 401, 'the user\'s sessions ended');
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM user_totp WHERE user_id = ${u.id}`)), 0);
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM audit_log WHERE action = 'mfa.reset' AND target_id = '${u.id}'`)), 1);
        const plain = await login(u.username);
        assert.ok(plain.json.access_token, 'a password alone signs in after the reset');
    });
});
