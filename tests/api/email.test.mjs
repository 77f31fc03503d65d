// Verified email (issue 21, part 2) through the real stack: the caller's own address change and
// verification mail, the public confirmation, an administrator's change, an accepted invitation,
// and the organization policies that want a verified address (sign-in, password reset). Mail goes
// through tests/mailstub into $GH_STACK_DIR/mail and every link is read from the stored message.
// Everything created here carries RUN in its name or address and is removed in after().

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { api, sql, sqlValue, sleep, waitFor, DEV_PASSWORD } from './lib.mjs';
import { mailReader, readMail } from './maillib.mjs';
import { createUser, deleteUser, newRid, redis } from './authlib.mjs';
import { Client, ORG, expectStatus, expectProblem, expectValidation, waitAudit, uniq } from './authzlib.mjs';

const RUN = uniq();
const ME = '/api/v1/me';
const CHANGE = '/api/v1/me/email';
const RESEND = '/api/v1/me/email/verification';
const VERIFY = '/api/v1/public/email/verify';
const LOGIN = '/api/v1/auth/login';
const RESET = '/api/v1/auth/password-reset';
const policyPath = (org, kind) => `/api/v1/organizations/${org}/policies/${kind}`;
const addr = (tag) => `ev-${RUN}-${tag}@example.com`.toLowerCase();

let admin;
const temp = [];
const savedPolicies = {};

// ---------------------------------------------------------------------------------------------
// Mail

function parseMail(file) {
    const msg = readMail(file);
    const m = msg.body.match(/(\S+#\/verify-email\?token=([A-Za-z0-9_-]+))/);
    return Object.assign(msg, { link: m?.[1], token: m?.[2] });
}

const mailbox = mailReader(parseMail);
const nextMail = (to, ms) => mailbox.next(to, ms);
const unread = (to) => mailbox.unread(to);

// ---------------------------------------------------------------------------------------------
// Helpers

const sha256hex = (s) => crypto.createHash('sha256').update(s).digest('hex').toUpperCase();

/** A throwaway acme member (unverified) with a session: {id, username, email, client}. */
async function member(tag) {
    const u = await createUser(`ev-${RUN}-${tag}`);
    temp.push(u.id);
    u.client = await new Client(u.username).login();
    return u;
}

const verify = (token, opts = {}) => api('POST', VERIFY, { body: { token }, ...opts });

async function meUser(client) {
    return expectStatus(await client.get(ME), 200, 'GET /me').user;
}

async function pendingLinks(uid) {
    return Number(await sqlValue(`SELECT COUNT(*) FROM signup_info WHERE purpose = 'email_verification'
        AND user_id = ${Number(uid)} AND accepted_at IS NULL AND revoked_at IS NULL`));
}

async function setPolicy(kind, settings) {
    const res = await admin.put(policyPath(ORG.acme, kind), { settings });
    expectStatus(res, 200, `PUT ${kind}`);
}

async function clearLimits() {
    for (const pat of ['pwreset:*', 'everify:*', 'fail:*']) {
        const keys = (await redis('--scan', '--pattern', pat)).split('\n').filter(Boolean);
        if (keys.length) await redis('DEL', ...keys);
    }
}

before(async () => {
    mailbox.skipAll();
    await clearLimits();
    admin = await new Client('admin', { autoRelogin: true }).login();
    for (const kind of ['session', 'password']) {
        savedPolicies[kind] = expectStatus(await admin.get(policyPath(ORG.acme, kind)), 200).overrides ?? {};
    }
});

after(async () => {
    for (const kind of Object.keys(savedPolicies)) await setPolicy(kind, savedPolicies[kind]).catch(() => {});
    for (const id of temp) await deleteUser(id).catch(() => {});
    await sql(`DELETE FROM users WHERE email LIKE 'ev-${RUN}-%'`);
    await sql(`DELETE FROM signup_info WHERE email LIKE 'ev-${RUN}-%'`);
    await clearLimits();
});

// ---------------------------------------------------------------------------------------------
describe('the user object and the verification mail', () => {
    test('a new account is unverified; the user object says so in /me and /users/{id}', async () => {
        const u = await member('obj');
        const mine = await meUser(u.client);
        assert.equal(mine.email_verified, false);
        assert.equal(mine.email_verified_at, null);
        const adm = expectStatus(await admin.get(`/api/v1/users/${u.id}`), 200);
        assert.equal(adm.email_verified, false);
        assert.equal(adm.email_verified_at, null);
    });

    test('routes need a token', async () => {
        expectProblem(await api('POST', CHANGE, { body: { email: addr('x'), password: 'x' } }), 401, 'unauthorized');
        expectProblem(await api('POST', RESEND), 401, 'unauthorized');
    });

    test('resend mails a link for the current address; it verifies once, then 410 link_used', async () => {
        const u = await member('resend');
        const res = await u.client.post(RESEND);
        const j = expectStatus(res, 202, 'resend');
        assert.equal(j.email, u.email);
        const mail = await nextMail(u.email);
        assert.ok(mail.token, `a link: ${mail.body}`);
        assert.match(mail.headers.subject, /email/i);
        assert.ok(!JSON.stringify(j).includes(mail.token), 'the answer never holds the token');
        assert.equal(await sqlValue(`SELECT COUNT(*) FROM signup_info WHERE token_hash = UNHEX('${sha256hex(mail.token)}')`), '1',
            'only the hash is stored');

        const ok = expectStatus(await verify(mail.token), 200, 'verify');
        assert.deepEqual(ok, { email: u.email, email_verified: true, changed: false });
        const mine = await meUser(u.client);
        assert.equal(mine.email_verified, true);
        assert.ok(Date.parse(mine.email_verified_at) > Date.now() - 60e3, mine.email_verified_at);

        expectProblem(await verify(mail.token), 410, 'link_used', 'second use');
        expectProblem(await u.client.post(RESEND), 409, 'conflict', 'already verified');
    });

    test('a newer link retires the older (410 link_revoked); unknown and junk tokens 404 link_unknown', async () => {
        const u = await member('newer');
        expectStatus(await u.client.post(RESEND), 202);
        const first = await nextMail(u.email);
        expectStatus(await u.client.post(RESEND), 202);
        const second = await nextMail(u.email);
        expectProblem(await verify(first.token), 410, 'link_revoked');
        expectProblem(await verify('A'.repeat(43)), 404, 'link_unknown');
        expectProblem(await verify('not a token'), 404, 'link_unknown');
        expectValidation(await api('POST', VERIFY, { body: {} }), 'token');
        expectStatus(await verify(second.token), 200);
    });

    test('resend is rate-limited per account: 429 with Retry-After past 5 an hour', async () => {
        const u = await member('limit');
        for (let i = 0; i < 5; i++) expectStatus(await u.client.post(RESEND), 202, `resend ${i}`);
        const res = await u.client.post(RESEND);
        expectProblem(res, 429, 'rate_limited');
        assert.ok(Number(res.headers.get('retry-after')) > 0);
    });
});

// ---------------------------------------------------------------------------------------------
describe('changing one\'s own address', () => {
    test('wrong password: 401 invalid_credentials, counted toward lockout, nothing pending, no mail', async () => {
        const u = await member('wrongpw');
        const to = addr('wrongpw-new');
        const res = await u.client.post(CHANGE, { email: to, password: 'not the password' });
        const p = expectProblem(res, 401, 'invalid_credentials');
        assert.equal(p.field, 'password');
        assert.equal(await pendingLinks(u.id), 0);
        assert.equal(Number(await redis('GET', `fail:acct:${u.id}`)), 1, 'a failure counted for the account');
        await sleep(300);
        assert.equal(unread(to).length, 0, 'no mail to the new address');
        assert.equal((await meUser(u.client)).email, u.email);
    });

    test('validation and conflicts: syntax, own address 400, taken address 409', async () => {
        const u = await member('valid');
        expectValidation(await u.client.post(CHANGE, { email: 'no-at-sign', password: DEV_PASSWORD }), 'email');
        expectValidation(await u.client.post(CHANGE, { email: u.email, password: DEV_PASSWORD }), 'email');
        expectValidation(await u.client.post(CHANGE, { email: addr('v'), password: DEV_PASSWORD, extra: 1 }), 'extra');
        const p = expectProblem(await u.client.post(CHANGE, { email: 'Alice@ACME.test', password: DEV_PASSWORD }), 409, 'conflict');
        assert.equal(p.field, 'email');
    });

    test('confirmed change: pending until the link, the old address told, then the new address, verified', async () => {
        const u = await member('change');
        const to = addr('change-new');
        const res = await u.client.post(CHANGE, { email: to.toUpperCase(), password: DEV_PASSWORD });
        const j = expectStatus(res, 202, 'change');
        assert.equal(j.email, to, 'normalized like everywhere');
        await waitAudit(res.rid, 'user.email.change_request');
        const link = await nextMail(to);
        assert.ok(link.token, link.body);
        const notice = await nextMail(u.email);
        assert.ok(notice.body.includes(to), 'the old address hears of the new one');
        assert.ok(!notice.token, 'the notice holds no verification link');
        assert.match(notice.body, /#\/forgot-password/);

        let mine = await meUser(u.client);
        assert.equal(mine.email, u.email, 'nothing changes before the link');
        assert.equal(mine.email_verified, false);

        const ok = expectStatus(await verify(link.token), 200);
        assert.deepEqual(ok, { email: to, email_verified: true, changed: true });
        mine = await meUser(u.client);
        assert.equal(mine.email, to);
        assert.equal(mine.email_verified, true);
        expectProblem(await verify(link.token), 410, 'link_used');
        expectStatus(await api('POST', LOGIN, { body: { login: to, password: DEV_PASSWORD } }), 200, 'login with the new address');
    });

    test('an expired link: 410 link_expired, the address unchanged', async () => {
        const u = await member('expired');
        const to = addr('expired-new');
        expectStatus(await u.client.post(CHANGE, { email: to, password: DEV_PASSWORD }), 202);
        const link = await nextMail(to);
        await sql(`UPDATE signup_info SET expires_at = CURRENT_TIMESTAMP(6) - INTERVAL 1 SECOND
                   WHERE token_hash = UNHEX('${sha256hex(link.token)}')`);
        expectProblem(await verify(link.token), 410, 'link_expired');
        assert.equal((await meUser(u.client)).email, u.email);
    });

    test('a token binds its own account and address, whoever sends it', async () => {
        const a = await member('bind-a');
        const b = await member('bind-b');
        const toA = addr('bind-a-new');
        const toB = addr('bind-b-new');
        expectStatus(await a.client.post(CHANGE, { email: toA, password: DEV_PASSWORD }), 202);
        expectStatus(await b.client.post(CHANGE, { email: toB, password: DEV_PASSWORD }), 202);
        const linkA = await nextMail(toA);
        // B, signed in, follows A's link: it changes A's address, never B's.
        const ok = expectStatus(await verify(linkA.token, { token: b.client.token }), 200);
        assert.equal(ok.email, toA);
        assert.equal((await meUser(a.client)).email, toA);
        const mineB = await meUser(b.client);
        assert.equal(mineB.email, b.email);
        assert.equal(mineB.email_verified, false);
        assert.equal(await pendingLinks(b.id), 1, "B's own change is still pending");
    });

    test('an address taken before the link is followed: 409 conflict, nothing changes', async () => {
        const u = await member('taken');
        const other = await member('taken-other');
        const to = addr('taken-new');
        expectStatus(await u.client.post(CHANGE, { email: to, password: DEV_PASSWORD }), 202);
        const link = await nextMail(to);
        await sql(`UPDATE users SET email = '${to}' WHERE id = ${other.id}`);
        const p = expectProblem(await verify(link.token), 409, 'conflict');
        assert.equal(p.field, 'email');
        assert.equal((await meUser(u.client)).email, u.email);
        assert.equal(await pendingLinks(u.id), 1, 'the link was not used');
    });

    test('a password reset cancels a pending change', async () => {
        const u = await member('cancel');
        const to = addr('cancel-new');
        expectStatus(await u.client.post(CHANGE, { email: to, password: DEV_PASSWORD }), 202);
        const link = await nextMail(to);
        await nextMail(u.email);
        expectStatus(await api('POST', RESET, { body: { email: u.email } }), 202);
        const reset = await nextMail(u.email);
        const tok = reset.body.match(/reset-password\?token=([A-Za-z0-9_-]+)/)[1];
        expectStatus(await api('POST', `${RESET}/confirm`, { body: { token: tok, new_password: 'correct horse battery staple' } }), 204);
        expectProblem(await verify(link.token), 410, 'link_revoked');
    });
});

// ---------------------------------------------------------------------------------------------
describe('administrators and invitations', () => {
    test('an administrator\'s change of the address resets verification and mails the new address', async () => {
        const u = await member('admin');
        await sql(`UPDATE users SET email_verified_at = CURRENT_TIMESTAMP(6) WHERE id = ${u.id}`);
        assert.equal((await meUser(u.client)).email_verified, true);
        const to = addr('admin-new');
        const j = expectStatus(await admin.patch(`/api/v1/users/${u.id}`, { email: to }), 200, 'PATCH');
        assert.equal(j.email, to);
        assert.equal(j.email_verified, false);
        assert.equal(j.email_verified_at, null);
        const mail = await nextMail(to);
        assert.ok(mail.token, mail.body);
        expectStatus(await verify(mail.token), 200);
        const after = expectStatus(await admin.get(`/api/v1/users/${u.id}`), 200);
        assert.equal(after.email_verified, true);
        // A change of something else keeps the verification.
        const k = expectStatus(await admin.patch(`/api/v1/users/${u.id}`, { first_name: 'Kept' }), 200);
        assert.equal(k.email_verified, true);
    });

    test('accepting an invitation mailed to the address proves it', async () => {
        const to = addr('invited');
        const inv = await admin.post('/api/v1/invitations', { email: to });
        expectStatus(inv, 201, 'invite');
        const text = (await waitFor(() => unread(to)[0], 8000, 50)).body;
        mailbox.skipAll();
        const tok = text.match(/accept-invitation\?token=([A-Za-z0-9_-]+)/)[1];
        const acc = await api('POST', `/api/v1/public/invitations/${tok}/accept`,
            { body: { username: `ev-${RUN}-invited`.toLowerCase(), password: 'correct horse battery staple' } });
        const j = expectStatus(acc, 201, 'accept');
        temp.push(j.user.id);
        assert.equal(j.user.email_verified, true);
        assert.ok(j.user.email_verified_at);
    });
});

// ---------------------------------------------------------------------------------------------
describe('organization policies', () => {
    test('defaults are false and show in the policies', async () => {
        const s = expectStatus(await admin.get(policyPath(ORG.acme, 'session')), 200).settings;
        assert.equal(typeof s.require_verified_email_to_sign_in, 'boolean');
        const p = expectStatus(await admin.get(policyPath(ORG.acme, 'password')), 200).settings;
        assert.equal(typeof p.password_reset_requires_verified_email, 'boolean');
        expectValidation(await admin.put(policyPath(ORG.acme, 'session'),
            { settings: { require_verified_email_to_sign_in: 1 } }), 'settings.require_verified_email_to_sign_in');
    });

    test('require_verified_email_to_sign_in: 403 email_unverified only after the right password, with a new link', async () => {
        const u = await member('policy-login');
        const v = await member('policy-login-ok');
        await sql(`UPDATE users SET email_verified_at = CURRENT_TIMESTAMP(6) WHERE id = ${v.id}`);
        await setPolicy('session', { ...savedPolicies.session, require_verified_email_to_sign_in: true });
        try {
            expectProblem(await api('POST', LOGIN, { body: { login: u.username, password: 'wrong password' } }), 401, 'invalid_credentials');
            const res = await api('POST', LOGIN, { body: { login: u.username, password: DEV_PASSWORD }, headers: { 'X-Request-Id': newRid('ev') } });
            expectProblem(res, 403, 'email_unverified');
            const mail = await nextMail(u.email);
            expectStatus(await verify(mail.token), 200);
            expectStatus(await api('POST', LOGIN, { body: { login: u.username, password: DEV_PASSWORD } }), 200, 'verified now');
            expectStatus(await api('POST', LOGIN, { body: { login: v.username, password: DEV_PASSWORD } }), 200, 'verified user');
        } finally {
            await setPolicy('session', savedPolicies.session);
        }
        expectStatus(await api('POST', LOGIN, { body: { login: u.username, password: DEV_PASSWORD } }), 200);
    });

    test('password_reset_requires_verified_email: the same answer, no mail to an unverified address', async () => {
        const u = await member('policy-reset');
        const v = await member('policy-reset-ok');
        await sql(`UPDATE users SET email_verified_at = CURRENT_TIMESTAMP(6) WHERE id = ${v.id}`);
        await setPolicy('password', { ...savedPolicies.password, password_reset_requires_verified_email: true });
        try {
            const a = expectStatus(await api('POST', RESET, { body: { email: u.email } }), 202);
            const b = expectStatus(await api('POST', RESET, { body: { email: v.email } }), 202);
            assert.deepEqual(a, b, 'the same answer');
            await nextMail(v.email);
            await sleep(1000);
            assert.equal(unread(u.email).length, 0, 'no mail to the unverified address');
        } finally {
            await setPolicy('password', savedPolicies.password);
        }
        expectStatus(await api('POST', RESET, { body: { email: u.email } }), 202);
        await nextMail(u.email);
    });
});
