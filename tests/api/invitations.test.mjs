// Invitations, the public invitation routes, password reset and mail (issue 5), through the real
// stack: mail goes through tests/mailstub into $GH_STACK_DIR/mail and every link is read from the
// stored message. Everything created here carries RUN in its email address or name and is
// removed in after().

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { mailReader, readMail } from './maillib.mjs';
import { api, problemOf, sql, sqlValue, sleep, waitFor, CONF, REPO, STACK_DIR, DEV_PASSWORD } from './lib.mjs';
import { createUser, deleteUser, newRid, refresh, me, redis, restartGatehouse, median } from './authlib.mjs';
import {
    Client, ORG, UID, desc, expectStatus, expectProblem, expectValidation, expectForbidden, expectNotFound,
    expectETag, expectCreated, listAll, expectAudit, expectNoSuccessAudit, userRoleKeys, permissionVersion, count,
    cleanupRun, uniq, waitAudit, auditRows,
} from './authzlib.mjs';

const RUN = uniq();
const INV = '/api/v1/invitations';
const PUB = (t) => `/api/v1/public/invitations/${t}`;
const RESET = '/api/v1/auth/password-reset';
const RESET_CONFIRM = '/api/v1/auth/password-reset/confirm';
const NEW_PASSWORD = 'correct horse battery staple';
const addr = (tag) => `inv-${RUN}-${tag}@example.com`;

// Environment Gatehouse runs with in this file (see before()).
let BASE_ENV = {};
let admin;
let alice;
let gina;
const tempUsers = [];
const seenTokens = [];

// ---------------------------------------------------------------------------------------------
// Mail

function parseMail(file) {
    const msg = readMail(file);
    const m = msg.body.match(/(\S+#\/(accept-invitation|reset-password)\?token=([A-Za-z0-9_-]+))/);
    Object.assign(msg, { link: m?.[1], page: m?.[2], token: m?.[3] });
    if (msg.token) seenTokens.push(msg.token);
    return msg;
}

const mailbox = mailReader(parseMail);
const { consumed } = mailbox;

/** The next message to `to` not returned before (waits up to ms). */
const nextMail = (to, ms) => mailbox.next(to, ms);

/** Messages to `to` that nobody has read yet. */
const unreadMail = (to) => mailbox.unread(to);

// ---------------------------------------------------------------------------------------------
// Helpers

const sha256hex = (s) => crypto.createHash('sha256').update(s).digest('hex').toUpperCase();

// The four problems of an unusable link. Until err.h has their codes (the lead adds them),
// Gatehouse answers 404 not_found with "reason" naming the code; afterwards the code itself.
const LINK_STATUS = { invitation_unknown: 404, invitation_expired: 410, invitation_revoked: 410, invitation_used: 410 };
function expectLinkProblem(res, code, msg = '') {
    const p = problemOf(res);
    if (p.code === 'not_found') {
        assert.equal(res.status, 404, `${msg} ${desc(res)}`);
        assert.equal(p.reason, code, `${msg} reason: ${desc(res)}`);
    } else {
        assert.equal(p.code, code, `${msg} code: ${desc(res)}`);
        assert.equal(res.status, LINK_STATUS[code], `${msg} status: ${desc(res)}`);
    }
    return p;
}

function pub(method, urlPath, body) {
    const rid = newRid('inv-pub');
    return api(method, urlPath, { body, headers: { 'X-Request-Id': rid } }).then((r) => ({ ...r, rid, method, path: urlPath }));
}

/** Invite `email` as `client` and read the link from the mail: {inv, token, mail, res}. */
async function invite(client, email, extra = {}) {
    const res = await client.post(INV, { email, ...extra });
    const created = expectCreated(res, INV, `invite ${email}`);
    const mail = await nextMail(email);
    assert.ok(mail.token, `the invitation mail holds a link: ${mail.text}`);
    return { inv: created.json, id: created.id, etag: created.etag, token: mail.token, mail, res };
}

async function invitationRow(id) {
    const rows = await sql(
        `SELECT IFNULL(accepted_at,'NULL'), IFNULL(revoked_at,'NULL'), IFNULL(user_id,'NULL'), HEX(token_hash), send_count
         FROM signup_info WHERE id = ${Number(id)}`,
    );
    const [accepted, revoked, user, hash, sends] = rows[0];
    return { accepted: accepted === 'NULL' ? null : accepted, revoked: revoked === 'NULL' ? null : revoked,
        user: user === 'NULL' ? null : Number(user), hash, sends: Number(sends) };
}

async function usersWithEmail(email) {
    return count('users', `email = '${email}'`);
}

async function resetLimits() {
    const keys = (await redis('--scan', '--pattern', 'pwreset:*')).split('\n').filter(Boolean);
    if (keys.length) await redis('DEL', ...keys);
}

async function loginStatus(login, password, extra = {}) {
    return (await api('POST', '/api/v1/auth/login', { body: { login, password, ...extra } })).status;
}

// ---------------------------------------------------------------------------------------------

before(async () => {
    // The test stack does not set mail_template_dir yet (its default is the install tree): run
    // Gatehouse with the repository's templates unless the configuration names a directory.
    const conf = fs.readFileSync(CONF, 'utf8');
    if (!/^\s*mail_template_dir\s*=/m.test(conf)) {
        BASE_ENV = { GATEHOUSE_MAIL_TEMPLATE_DIR: path.join(REPO, 'templates', 'mail') };
        await restartGatehouse(BASE_ENV);
    }
    assert.match(conf, /^\s*mail_command\s*=.*mailstub/m, 'the --test stack sends mail through tests/mailstub');
    mailbox.skipAll();
    await resetLimits();
    admin = await new Client('admin', { autoRelogin: true }).login();
    alice = await new Client('alice', { autoRelogin: true }).login();
    gina = await new Client('gina', { autoRelogin: true }).login();
});

after(async () => {
    try {
        for (const id of tempUsers) await deleteUser(id).catch(() => {});
        await sql(`DELETE FROM users WHERE email LIKE 'inv-${RUN}-%'`);
        await sql(`DELETE FROM signup_info WHERE email LIKE 'inv-${RUN}-%'`);
        await sql(`UPDATE organization SET status = 'active' WHERE id = ${ORG.globex}`);
        await cleanupRun(RUN);
        await resetLimits();
    } finally {
        // No token ever reaches Gatehouse's own log.
        const log = fs.readFileSync(path.join(STACK_DIR, 'log', 'gatehouse.log'), 'utf8');
        for (const t of seenTokens) assert.ok(!log.includes(t), 'a token reached gatehouse.log');
    }
});

// ---------------------------------------------------------------------------------------------
describe('creating and reading invitations', () => {
    test('alice invites: 201 + Location + ETag, the object, an audit row, a mail with a one-time link', async () => {
        const email = addr('basic');
        const { inv, id, etag, token, mail, res } = await invite(alice, email);
        assert.equal(inv.email, email);
        assert.equal(inv.organization_id, ORG.acme);
        assert.equal(inv.role, 'member');
        assert.equal(inv.status, 'pending');
        assert.equal(inv.send_count, 1);
        assert.equal(inv.created_by, UID.alice);
        assert.equal(inv.user_id, null);
        assert.equal(inv.accepted_at, null);
        assert.ok(Date.parse(inv.expires_at) > Date.now() + 3600e3, 'expires later (policy lifetime)');
        assert.ok(!JSON.stringify(inv).includes(token), 'the answer never holds the token');
        await expectAudit(res, 'invitation.create', { actor: UID.alice });

        // The message: headers Gatehouse sets, the link to the console, 256 random bits.
        assert.equal(mail.headers.to, email);
        assert.match(mail.headers.from, /@/);
        assert.match(mail.headers.subject, /Acme Corp/);
        assert.ok(!Number.isNaN(Date.parse(mail.headers.date)), `Date header: ${mail.headers.date}`);
        assert.match(mail.headers['message-id'], /^<[^@\s]+@[^>\s]+>$/);
        assert.equal(mail.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(mail.page, 'accept-invitation');
        assert.equal(Buffer.from(token, 'base64url').length, 32, '256-bit token');
        assert.match(mail.body, /Alice/, 'names the inviter');

        // Stored only as its SHA-256.
        const row = await invitationRow(id);
        assert.equal(row.hash, sha256hex(token));

        const got = await alice.get(`${INV}/${id}`);
        expectStatus(got, 200);
        assert.equal(expectETag(got), etag, 'GET answers the same ETag');
        assert.deepEqual(got.json, inv);
    });

    test('validation: 400 naming the field, nothing stored', async () => {
        const before = await count('signup_info');
        for (const [body, field] of [
            [{}, 'email'],
            [{ email: 'not-an-address' }, 'email'],
            [{ email: 'a b@example.com' }, 'email'],
            [{ email: `inv-${RUN}@localhost` }, 'email'],
            [{ email: 42 }, 'email'],
            [{ email: addr('v'), role: 'no_such_role' }, 'role'],
            [{ email: addr('v'), role: 'platform_admin' }, 'role'],
            [{ email: addr('v'), colour: 'red' }, 'colour'],
            [{ email: addr('v'), organization_id: 'acme' }, 'organization_id'],
        ]) {
            const res = await alice.post(INV, body);
            expectValidation(res, field, JSON.stringify(body));
            await expectNoSuccessAudit(res);
        }
        assert.equal(await count('signup_info'), before, 'nothing stored');
        assert.deepEqual(unreadMail(addr('v')), [], 'no mail');
    });

    test('conflicts: a member with an account, a pending invitation (409 naming email)', async () => {
        const bobEmail = await sqlValue(`SELECT email FROM users WHERE id = ${UID.bob}`);
        const r1 = await alice.post(INV, { email: bobEmail });
        const p1 = expectProblem(r1, 409, 'conflict', 'bob is a member');
        assert.equal(p1.field, 'email');

        const email = addr('twice');
        const { id } = await invite(alice, email);
        const r2 = await alice.post(INV, { email });
        const p2 = expectProblem(r2, 409, 'conflict', 'pending twice');
        assert.equal(p2.field, 'email');
        assert.equal(p2.invitation_id, id, 'names the pending invitation');
    });

    test('an organization caller invites only into its organization and only with roles it could grant', async () => {
        // A role that can invite but does not hold what org_admin grants.
        const roleName = `t_${RUN}_inviter`;
        const perms = ['invitations.create', 'invitations.read', 'self.read', 'self.update', 'self.sessions',
            'users.read', 'teams.read', 'organizations.read'];
        expectCreated(await admin.post('/api/v1/roles', { name: roleName, organization_id: ORG.acme, permissions: perms }),
            '/api/v1/roles');
        const u = await createUser(`inv-${RUN}-inviter`);
        tempUsers.push(u.id);
        expectStatus(await admin.post(`/api/v1/users/${u.id}/roles`, { role: roleName, organization_id: ORG.acme }), 200);
        const inviter = await new Client(u.username).login();

        const esc = await inviter.post(INV, { email: addr('esc'), role: 'org_admin' });
        const p = expectForbidden(esc, 'inviting as org_admin');
        assert.equal(p.field, 'role');
        await expectNoSuccessAudit(esc);

        const other = await inviter.post(INV, { email: addr('esc'), organization_id: ORG.globex });
        assert.equal(expectForbidden(other, 'another organization').field, 'organization_id');
        assert.equal(await count('signup_info', `email = '${addr('esc')}'`), 0, 'nothing stored');

        const ok = await invite(inviter, addr('esc'), { role: 'member' });
        assert.equal(ok.inv.role, 'member');
        assert.equal(ok.inv.created_by, u.id);

        // bob (member) has no invitations.create at all.
        const bob = await new Client('bob').login();
        expectForbidden(await bob.post(INV, { email: addr('bob') }), 'bob');
    });

    test('platform caller: any organization by organization_id, with its roles', async () => {
        const { inv } = await invite(admin, addr('globex'), { organization_id: ORG.globex, role: 'org_admin' });
        assert.equal(inv.organization_id, ORG.globex);
        assert.equal(inv.role, 'org_admin');
        const none = await admin.post(INV, { email: addr('nowhere'), organization_id: 999999 });
        expectValidation(none, 'organization_id');
    });

    test("the organization's allowed domains are enforced", async (t) => {
        const POL = `/api/v1/organizations/${ORG.acme}/policies/invitation`;
        const cur = await admin.get(POL);
        if (cur.status === 404) {
            t.todo('no policies API in this build (settings work not merged)');
            return;
        }
        expectStatus(cur, 200, 'read the invitation policy');
        const saved = cur.json.overrides ?? {};
        expectStatus(await admin.put(POL, { settings: { ...saved, allowed_domains: ['acme.test'] } }), 200, 'set domains');
        try {
            const res = await alice.post(INV, { email: addr('domain') });
            const p = expectValidation(res, 'email', 'a domain outside the policy');
            assert.match(p.detail, /acme\.test/, 'names the allowed domains');
            await expectNoSuccessAudit(res);
            const ok = await invite(alice, `inv-${RUN}-domain@ACME.test`);
            assert.equal(ok.inv.status, 'pending', 'domains compare case-insensitively');
        } finally {
            expectStatus(await admin.put(POL, { settings: saved }), 200, 'restore the policy');
            await sql(`DELETE FROM signup_info WHERE email = 'inv-${RUN}-domain@acme.test'`);
        }
    });
});

describe('listing, tenancy, revoke, resend', () => {
    let ids;

    before(async () => {
        ids = [];
        for (const tag of ['l1', 'l2', 'l3']) ids.push((await invite(alice, addr(tag))).id);
    });

    test('list: paging with limit and cursor, filters, sort', async () => {
        const { items, pages } = await listAll(alice, `${INV}?email=${encodeURIComponent(addr('l2'))}`, { limit: 1 });
        assert.equal(items.length, 1);
        assert.equal(items[0].id, ids[1]);
        assert.ok(pages >= 1);

        const all = (await listAll(alice, `${INV}?status=pending`, { limit: 2 })).items;
        for (const id of ids) assert.ok(all.some((i) => i.id === id), `pending list has ${id}`);
        assert.ok(all.every((i) => i.status === 'pending' && i.organization_id === ORG.acme), 'pending, acme only');
        const sorted = all.map((i) => i.id);
        assert.deepEqual(sorted, [...sorted].sort((a, b) => a - b), 'ascending ids by default');

        const descList = (await listAll(alice, `${INV}?status=pending&sort=-created_at`, { limit: 2 })).items.map((i) => i.id);
        assert.deepEqual(descList, [...sorted].reverse(), 'sort=-created_at is the reverse');

        const acc = await alice.get(`${INV}?status=accepted`);
        expectStatus(acc, 200);
        assert.ok(acc.json.items.every((i) => i.status === 'accepted'));

        expectValidation(await alice.get(`${INV}?status=lost`), 'status');
        expectValidation(await alice.get(`${INV}?limit=0`), 'limit');
        expectValidation(await alice.get(`${INV}?cursor=bogus!`), 'cursor');
        expectValidation(await alice.get(`${INV}?sort=email`), 'sort');
        expectValidation(await alice.get(`${INV}?organization_id=x`), 'organization_id');
    });

    test("tenancy: gina (globex) gets 404 for acme's invitations and never lists them", async () => {
        const id = ids[0];
        const before = await invitationRow(id);
        for (const res of [
            await gina.get(`${INV}/${id}`),
            await gina.post(`${INV}/${id}/revoke`),
            await gina.post(`${INV}/${id}/resend`),
        ]) {
            expectNotFound(res, `${res.method} ${res.path}`);
            assert.ok(!res.text.includes(addr('l1')), 'no leak of the address');
            await expectNoSuccessAudit(res);
        }
        assert.deepEqual(await invitationRow(id), before, 'unchanged');
        assert.deepEqual(unreadMail(addr('l1')), [], 'no mail');
        const { items } = await listAll(gina, INV, { limit: 200 });
        assert.ok(items.every((i) => i.organization_id === ORG.globex), 'globex only');
        const filtered = await gina.get(`${INV}?organization_id=${ORG.acme}`);
        expectStatus(filtered, 200);
        assert.deepEqual(filtered.json.items, [], 'filtering on acme shows nothing');
        // The platform admin sees both organizations.
        const adm = (await listAll(admin, `${INV}?email=${encodeURIComponent(addr('l1'))}`)).items;
        assert.equal(adm.length, 1);
        expectNotFound(await alice.get(`${INV}/999999999`));
        expectNotFound(await alice.get(`${INV}/abc`));
    });

    test('revoke: If-Match, 200 revoked, audit; the link is dead; revoking again changes nothing', async () => {
        const { id, token, etag } = await invite(alice, addr('revoke'));
        const stale = await alice.post(`${INV}/${id}/revoke`, undefined, { headers: { 'If-Match': '"0000"' } });
        expectProblem(stale, 412, 'precondition_failed');
        assert.equal((await invitationRow(id)).revoked, null, 'a stale If-Match changed nothing');

        const res = await alice.post(`${INV}/${id}/revoke`, undefined, { headers: { 'If-Match': etag } });
        expectStatus(res, 200);
        assert.equal(res.json.status, 'revoked');
        assert.ok(res.json.revoked_at);
        assert.equal(res.json.updated_by, UID.alice);
        expectETag(res);
        await expectAudit(res, 'invitation.revoke', { actor: UID.alice });

        expectLinkProblem(await pub('GET', PUB(token)), 'invitation_revoked');
        const acc = await pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}r`, password: NEW_PASSWORD });
        expectLinkProblem(acc, 'invitation_revoked');
        assert.equal(await usersWithEmail(addr('revoke')), 0);

        const again = await alice.post(`${INV}/${id}/revoke`);
        expectStatus(again, 200);
        assert.equal(again.json.revoked_at, res.json.revoked_at, 'unchanged');
        assert.equal((await auditRows(again.rid)).length, 0, 'nothing recorded');
        expectProblem(await alice.post(`${INV}/${id}/resend`), 409, 'conflict', 'resend a revoked one');
    });

    test('resend: If-Match, a new link in a new mail, the old link dead, send_count and expiry move', async () => {
        const { id, token, etag, inv } = await invite(alice, addr('resend'));
        expectProblem(await alice.post(`${INV}/${id}/resend`, undefined, { headers: { 'If-Match': '"x"' } }),
            412, 'precondition_failed');
        assert.deepEqual(unreadMail(addr('resend')), [], 'a stale If-Match sent nothing');

        await sql(`UPDATE signup_info SET expires_at = CURRENT_TIMESTAMP(6) + INTERVAL 1 HOUR WHERE id = ${id}`);
        const cur = await alice.get(`${INV}/${id}`);
        const res = await alice.post(`${INV}/${id}/resend`, undefined, { headers: { 'If-Match': expectETag(cur) } });
        expectStatus(res, 200);
        assert.equal(res.json.send_count, 2);
        assert.ok(Date.parse(res.json.expires_at) > Date.now() + 2 * 3600e3, 'a fresh lifetime');
        assert.notEqual(expectETag(res), etag);
        await expectAudit(res, 'invitation.resend', { actor: UID.alice });
        const mail = await nextMail(addr('resend'));
        assert.notEqual(mail.token, token, 'a new token');
        expectLinkProblem(await pub('GET', PUB(token)), 'invitation_unknown', 'the old link');
        expectStatus(await pub('GET', PUB(mail.token)), 200, 'the new link');
        assert.equal(inv.send_count, 1);
    });

    test('expired: status, filter, look-up and accept refused; resend brings it back', async () => {
        const { id, token } = await invite(alice, addr('expired'));
        await sql(`UPDATE signup_info SET expires_at = CURRENT_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = ${id}`);
        expectStatus(await alice.get(`${INV}/${id}`), 200);
        assert.equal((await alice.get(`${INV}/${id}`)).json.status, 'expired');
        const list = await alice.get(`${INV}?status=expired&email=${encodeURIComponent(addr('expired'))}`);
        assert.deepEqual(list.json.items.map((i) => i.id), [id]);
        expectLinkProblem(await pub('GET', PUB(token)), 'invitation_expired');
        const acc = await pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}e`, password: NEW_PASSWORD });
        expectLinkProblem(acc, 'invitation_expired');
        assert.equal(await usersWithEmail(addr('expired')), 0, 'no user');
        assert.equal((await invitationRow(id)).accepted, null, 'not accepted');

        expectStatus(await alice.post(`${INV}/${id}/resend`), 200);
        const mail = await nextMail(addr('expired'));
        expectStatus(await pub('GET', PUB(mail.token)), 200, 'pending again with the new link');
    });
});

describe('public look-up and accept', () => {
    test('look-up shows the organization, its theme and the invited email, nothing else', async () => {
        const { token } = await invite(alice, addr('lookup'));
        const res = await pub('GET', PUB(token));
        expectStatus(res, 200);
        assert.deepEqual(Object.keys(res.json).sort(), ['email', 'organization']);
        assert.equal(res.json.email, addr('lookup'));
        assert.deepEqual(Object.keys(res.json.organization).sort(), ['name', 'slug', 'theme']);
        assert.equal(res.json.organization.name, 'Acme Corp');
        assert.equal(res.json.organization.slug, 'acme');
        const theme = res.json.organization.theme;
        assert.deepEqual(Object.keys(theme).sort(),
            ['accent_color', 'background_color', 'favicon_ref', 'logo_ref', 'primary_color', 'secondary_color', 'text_color']);
        const primary = await sqlValue(`SELECT primary_color FROM org_theme WHERE organization_id = ${ORG.acme}`);
        assert.equal(theme.primary_color, primary);
        assert.equal(res.headers.get('cache-control'), 'no-store');

        const junk = await pub('GET', PUB('x'.repeat(43)));
        expectLinkProblem(junk, 'invitation_unknown', 'unknown token');
        const p = expectLinkProblem(await pub('GET', PUB('short')), 'invitation_unknown', 'malformed token');
        assert.ok(!p.instance?.includes('short'), 'the token is not echoed in the problem');
    });

    test('accept is atomic: a late failure (taken username) leaves no user and the invitation pending', async () => {
        const email = addr('atomic');
        const { id, token } = await invite(alice, email);
        const users = await count('users');
        const memberships = await count('user_organization');
        const grants = await count('user_roles');

        const res = await pub('POST', `${PUB(token)}/accept`, {
            username: 'bob', password: NEW_PASSWORD, first_name: 'Ann', last_name: 'Atomic',
        });
        const p = expectProblem(res, 409, 'conflict', 'taken username');
        assert.equal(p.field, 'username');
        assert.equal(await count('users'), users, 'no user');
        assert.equal(await count('user_organization'), memberships, 'no membership');
        assert.equal(await count('user_roles'), grants, 'no role');
        assert.equal(await usersWithEmail(email), 0);
        const row = await invitationRow(id);
        assert.equal(row.accepted, null, 'the invitation was not marked accepted');
        assert.equal(row.user, null);
        assert.equal((await alice.get(`${INV}/${id}`)).json.status, 'pending');
        await expectNoSuccessAudit(res);

        // Other refusals before the transaction create nothing either.
        expectValidation(await pub('POST', `${PUB(token)}/accept`, { password: NEW_PASSWORD }), 'username');
        expectValidation(await pub('POST', `${PUB(token)}/accept`, { username: 'a@b', password: NEW_PASSWORD }), 'username');
        expectValidation(await pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}a` }), 'password');
        expectValidation(await pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}a`, password: NEW_PASSWORD, role: 'org_admin' }), 'role');
        const short = await pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}a`, password: 'short' });
        assert.equal(expectProblem(short, 400, 'password_policy').field, 'password');
        assert.equal(await count('users'), users, 'still no user');

        // The same link then works.
        const ok = await pub('POST', `${PUB(token)}/accept`, {
            username: `inv${RUN}a`, password: NEW_PASSWORD, first_name: 'Ann', last_name: 'Atomic',
        });
        expectStatus(ok, 201);
        const uid = ok.json.user.id;
        assert.equal(new URL(ok.headers.get('location'), 'http://x').pathname, `/api/v1/users/${uid}`);
        assert.equal(ok.json.user.email, email);
        assert.equal(ok.json.user.full_name, 'Ann Atomic');
        assert.equal(ok.json.created, true);
        assert.equal(ok.json.role, 'member');
        assert.deepEqual(ok.json.organization, { id: ORG.acme, slug: 'acme', name: 'Acme Corp' });
        assert.deepEqual(await userRoleKeys(uid), [`member@${ORG.acme}`]);
        assert.equal(await sqlValue(`SELECT is_primary FROM user_organization WHERE user_id = ${uid} AND organization_id = ${ORG.acme}`), '1');
        const after = await invitationRow(id);
        assert.ok(after.accepted);
        assert.equal(after.user, uid);
        await expectAudit(ok, 'invitation.accept', { actor: uid });
        await expectAudit(ok, 'user.create', { actor: uid });
        assert.equal(await loginStatus(`inv${RUN}a`, NEW_PASSWORD), 200, 'the new account logs in');

        // Single use.
        expectLinkProblem(await pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}b`, password: NEW_PASSWORD }),
            'invitation_used');
        expectLinkProblem(await pub('GET', PUB(token)), 'invitation_used');
        assert.equal(await usersWithEmail(email), 1);
    });

    test('two accepts of one link at once: exactly one account', async () => {
        const email = addr('race');
        const { token } = await invite(alice, email);
        const [a, b] = await Promise.all([
            pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}x`, password: NEW_PASSWORD }),
            pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}y`, password: NEW_PASSWORD }),
        ]);
        const ok = [a, b].filter((r) => r.status === 201);
        const other = [a, b].filter((r) => r.status !== 201);
        assert.equal(ok.length, 1, `one 201: ${desc(a)} | ${desc(b)}`);
        expectLinkProblem(other[0], 'invitation_used', 'the loser');
        assert.equal(await usersWithEmail(email), 1);
    });

    test('with the invited role (org_admin) in the organization it names', async () => {
        const email = addr('admin-role');
        const { token } = await invite(admin, email, { organization_id: ORG.globex, role: 'org_admin' });
        const ok = await pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}g`, password: NEW_PASSWORD });
        expectStatus(ok, 201);
        assert.deepEqual(await userRoleKeys(ok.json.user.id), [`org_admin@${ORG.globex}`]);
        assert.equal(ok.json.organization.slug, 'globex');
    });

    test('an existing account joins with its own password (200, created false)', async () => {
        const u = await createUser(`inv-${RUN}-join`);
        tempUsers.push(u.id);
        const { id, token } = await invite(admin, u.email, { organization_id: ORG.globex });
        const pv = await permissionVersion(u.id);

        const wrong = await pub('POST', `${PUB(token)}/accept`, { password: 'not the password at all' });
        const p = expectProblem(wrong, 401, 'invalid_credentials');
        assert.equal(p.field, 'password');
        assert.equal((await invitationRow(id)).accepted, null, 'still pending');
        assert.deepEqual(await userRoleKeys(u.id), [`member@${ORG.acme}`], 'nothing granted');

        const ok = await pub('POST', `${PUB(token)}/accept`, { password: DEV_PASSWORD });
        expectStatus(ok, 200);
        assert.equal(ok.json.created, false);
        assert.equal(ok.json.user.id, u.id);
        assert.equal(ok.headers.get('location'), null);
        assert.deepEqual(await userRoleKeys(u.id), [`member@${ORG.acme}`, `member@${ORG.globex}`]);
        assert.equal(await sqlValue(`SELECT is_primary FROM user_organization WHERE user_id = ${u.id} AND organization_id = ${ORG.globex}`),
            '0', 'acme stays primary');
        assert.ok((await permissionVersion(u.id)) > pv, 'permission_version bumped');
        assert.equal(await loginStatus(u.username, DEV_PASSWORD, { organization: 'globex' }), 200);
        expectLinkProblem(await pub('GET', PUB(token)), 'invitation_used');
    });

    test('an account without a password (made to be invited) is claimed: the password is set', async () => {
        const email = addr('claim');
        const username = `inv${RUN}c`;
        await sql(`INSERT INTO users (username, email, first_name, last_name, full_name)
                   VALUES ('${username}', '${email}', 'Cla', 'Im', 'Cla Im')`);
        const uid = Number(await sqlValue(`SELECT id FROM users WHERE email = '${email}'`));
        await sql(`INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${uid}, ${ORG.acme}, 1)`);
        const { token } = await invite(alice, email);
        const short = await pub('POST', `${PUB(token)}/accept`, { password: 'short' });
        expectProblem(short, 400, 'password_policy');
        const ok = await pub('POST', `${PUB(token)}/accept`, { password: NEW_PASSWORD });
        expectStatus(ok, 200);
        assert.equal(ok.json.created, false);
        assert.equal(ok.json.user.id, uid);
        assert.equal(ok.json.user.username, username, 'username kept when not given');
        assert.equal(await loginStatus(username, NEW_PASSWORD), 200);
        assert.deepEqual(await userRoleKeys(uid), [`member@${ORG.acme}`]);
    });

    test('a suspended organization: look-up and accept answer 403 organization_suspended', async () => {
        const { token } = await invite(admin, addr('suspended'), { organization_id: ORG.globex });
        await sql(`UPDATE organization SET status = 'suspended' WHERE id = ${ORG.globex}`);
        try {
            expectProblem(await pub('GET', PUB(token)), 403, 'organization_suspended');
            expectProblem(await pub('POST', `${PUB(token)}/accept`, { username: `inv${RUN}s`, password: NEW_PASSWORD }),
                403, 'organization_suspended');
            assert.equal(await usersWithEmail(addr('suspended')), 0);
        } finally {
            await sql(`UPDATE organization SET status = 'active' WHERE id = ${ORG.globex}`);
        }
        expectStatus(await pub('GET', PUB(token)), 200);
    });
});

describe('password reset', () => {
    let u;

    before(async () => {
        u = await createUser(`inv-${RUN}-reset`);
        tempUsers.push(u.id);
        await resetLimits();
    });

    test('request: 202 and the same body for any address; mail only for an account', async () => {
        const known = await pub('POST', RESET, { email: u.email });
        const unknown = await pub('POST', RESET, { email: addr('nobody') });
        expectStatus(known, 202);
        expectStatus(unknown, 202);
        assert.equal(known.text, unknown.text, 'byte-identical bodies');
        const mail = await nextMail(u.email);
        assert.equal(mail.page, 'reset-password');
        assert.match(mail.headers.subject, /password/i);
        assert.equal(Buffer.from(mail.token, 'base64url').length, 32);
        const row = await sql(`SELECT HEX(token_hash), user_id, organization_id IS NULL FROM signup_info
                               WHERE purpose = 'password_reset' AND user_id = ${u.id} ORDER BY id DESC LIMIT 1`);
        assert.deepEqual(row[0], [sha256hex(mail.token), String(u.id), '1'], 'stored as a hash, for the user');
        await sleep(500);
        assert.deepEqual(unreadMail(addr('nobody')), [], 'no mail for an unknown address');
        assert.equal(await count('signup_info', `email = '${addr('nobody')}'`), 0, 'nothing stored for it');
        const a1 = await waitAudit(known.rid, 'auth.password_reset.request');
        const a2 = await waitAudit(unknown.rid, 'auth.password_reset.request');
        assert.equal(a1.outcome, 'success');
        assert.equal(a2.reason, 'unknown_email');
        for (const body of [{}, { email: 'nope' }, { email: u.email, extra: 1 }]) {
            expectProblem(await pub('POST', RESET, body), 400, 'validation_failed', JSON.stringify(body));
        }
    });

    test('request: about the same time whether or not the account exists', async (t) => {
        const known = [];
        const unknown = [];
        for (let i = 0; i < 8; i++) {
            await resetLimits();
            const pair = [[known, u.email], [unknown, addr(`ghost${i}`)]];
            if (i % 2) pair.reverse();
            for (const [list, email] of pair) {
                // Let the previous mail command finish: on two cores it slows whatever runs next.
                await sleep(150);
                const t0 = performance.now();
                const res = await api('POST', RESET, { body: { email } });
                list.push(performance.now() - t0);
                expectStatus(res, 202);
            }
        }
        const mk = median(known);
        const mu = median(unknown);
        t.diagnostic(`median answer: ${mk.toFixed(1)} ms with an account, ${mu.toFixed(1)} ms without`);
        // The mail is handed over by a detached process, so the answer does not wait for it.
        assert.ok(Math.abs(mk - mu) < Math.max(25, 0.5 * Math.max(mk, mu)),
            `medians ${mk.toFixed(1)} ms (account) vs ${mu.toFixed(1)} ms (none)`);
        await waitFor(() => unreadMail(u.email).length >= 8, 10000);
        for (const m of unreadMail(u.email)) consumed.add(m.file);
        await resetLimits();
    });

    test('confirm: policy, new password, sessions end, lockout cleared, single use, audit', async () => {
        await resetLimits();
        const s = await api('POST', '/api/v1/auth/login', { body: { login: u.username, password: DEV_PASSWORD } });
        expectStatus(s, 200);
        const { access_token: access, refresh_token: refreshToken } = s.json;
        expectStatus(await pub('POST', RESET, { email: u.email }), 202);
        const { token } = await nextMail(u.email);
        // An automatic lockout in force.
        await sql(`UPDATE users SET is_account_non_locked = 0, locked_until = CURRENT_TIMESTAMP(6) + INTERVAL 1 HOUR,
                   failed_login_count = 5 WHERE id = ${u.id}`);
        await redis('SET', `fail:acct:${u.id}`, '4');
        const pv = await permissionVersion(u.id);

        const weak = await pub('POST', RESET_CONFIRM, { token, new_password: 'short' });
        assert.equal(expectProblem(weak, 400, 'password_policy').field, 'new_password');
        expectValidation(await pub('POST', RESET_CONFIRM, { new_password: NEW_PASSWORD }), 'token');
        expectValidation(await pub('POST', RESET_CONFIRM, { token: 'x'.repeat(43), new_password: NEW_PASSWORD }), 'token');

        const ok = await pub('POST', RESET_CONFIRM, { token, new_password: NEW_PASSWORD });
        expectStatus(ok, 204);
        await expectAudit(ok, 'auth.password_reset', { actor: u.id });
        assert.ok((await permissionVersion(u.id)) > pv, 'permission_version bumped');
        expectProblem(await me(access), 401, 'token_revoked', 'the old access token');
        expectProblem(await refresh(refreshToken), 401, ['refresh_token_invalid', 'refresh_token_reused'], 'the old refresh token');
        assert.equal(await sqlValue(`SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ${u.id} AND revoked_at IS NULL`), '0');
        assert.equal(await redis('EXISTS', `fail:acct:${u.id}`), '0', 'failure count cleared');
        assert.equal(await loginStatus(u.username, DEV_PASSWORD), 401, 'the old password is gone');
        assert.equal(await loginStatus(u.username, NEW_PASSWORD), 200, 'the new one works, the lock is lifted');

        const again = await pub('POST', RESET_CONFIRM, { token, new_password: `${NEW_PASSWORD} 2` });
        expectValidation(again, 'token');
        assert.match(again.json.detail, /already used/);
    });

    test('confirm: a newer request retires the older link; expired links fail; an admin lock stays', async () => {
        await resetLimits();
        expectStatus(await pub('POST', RESET, { email: u.email }), 202);
        const first = (await nextMail(u.email)).token;
        expectStatus(await pub('POST', RESET, { email: u.email }), 202);
        const second = (await nextMail(u.email)).token;
        const old = await pub('POST', RESET_CONFIRM, { token: first, new_password: NEW_PASSWORD });
        expectValidation(old, 'token');
        assert.match(old.json.detail, /newer/);

        await sql(`UPDATE signup_info SET expires_at = CURRENT_TIMESTAMP(6) - INTERVAL 1 SECOND
                   WHERE token_hash = UNHEX('${sha256hex(second)}')`);
        const exp = await pub('POST', RESET_CONFIRM, { token: second, new_password: NEW_PASSWORD });
        expectValidation(exp, 'token');
        assert.match(exp.json.detail, /expired/);

        // A lock set by an administrator (no end) is not lifted by a reset.
        expectStatus(await pub('POST', RESET, { email: u.email }), 202);
        const third = (await nextMail(u.email)).token;
        await sql(`UPDATE users SET is_account_non_locked = 0, locked_until = NULL WHERE id = ${u.id}`);
        expectStatus(await pub('POST', RESET_CONFIRM, { token: third, new_password: 'another long passphrase' }), 204);
        const login = await api('POST', '/api/v1/auth/login', { body: { login: u.username, password: 'another long passphrase' } });
        expectProblem(login, 423, 'account_locked');
        await sql(`UPDATE users SET is_account_non_locked = 1 WHERE id = ${u.id}`);
    });

    test('rate limits: 5 requests per email per hour, 20 per client address per 15 minutes (429 + Retry-After)', async () => {
        await resetLimits();
        for (let i = 0; i < 5; i++) expectStatus(await pub('POST', RESET, { email: addr('limit') }), 202);
        const over = await pub('POST', RESET, { email: addr('limit') });
        expectProblem(over, 429, 'rate_limited', 'sixth for one email');
        assert.ok(Number(over.headers.get('retry-after')) > 0);
        const keys = await redis('--scan', '--pattern', 'pwreset:*');
        assert.ok(!keys.includes('example.com'), 'no address in Redis keys');

        await resetLimits();
        for (let i = 0; i < 20; i++) expectStatus(await pub('POST', RESET, { email: addr(`ip${i}`) }), 202, `request ${i}`);
        const ip = await pub('POST', RESET, { email: addr('ip-over') });
        expectProblem(ip, 429, 'rate_limited', '21st from one address');
        assert.ok(Number(ip.headers.get('retry-after')) > 0);
        await resetLimits();
    });
});

describe('mail delivery failures', () => {
    after(async () => {
        await restartGatehouse(BASE_ENV);
    });

    test('a failing mail command: 503 not_ready and nothing stored; resend keeps the old link', async () => {
        const { id, token } = await invite(alice, addr('mailfail'));
        await restartGatehouse({ ...BASE_ENV, GATEHOUSE_MAIL_COMMAND: 'cat >/dev/null; echo "no route to relay" >&2; exit 75' });
        alice.token = null;
        const before = await count('signup_info');
        const res = await alice.post(INV, { email: addr('mailfail2') });
        expectProblem(res, 503, 'not_ready');
        assert.equal(await count('signup_info'), before, 'the invitation was rolled back');
        await expectNoSuccessAudit(res);

        const resend = await alice.post(`${INV}/${id}/resend`);
        expectProblem(resend, 503, 'not_ready');
        expectStatus(await pub('GET', PUB(token)), 200, 'the old link still works');
        assert.equal((await invitationRow(id)).sends, 1);

        await resetLimits();
        expectStatus(await pub('POST', RESET, { email: addr('mailfail') }), 202, 'a reset answers 202 regardless');
        const log = fs.readFileSync(path.join(STACK_DIR, 'log', 'gatehouse.log'), 'utf8');
        assert.match(log, /exited with status 75: no route to relay/, 'the failure is logged');
    });
});
