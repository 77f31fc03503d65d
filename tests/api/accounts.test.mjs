// Accounts shared by organizations (issue 13, docs/authorization.md "Accounts and memberships"):
// an organization administrator changes account-level attributes (profile, email, flags,
// deletion) only of accounts its organization manages; "end sessions" by an organization ends only
// that organization's sessions; a membership can be suspended, which refuses that organization's
// tokens only, at once, on every worker and in forward auth. Every refused change answers 403
// account_not_managed, changes nothing and is audited as refused.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { api, waitFor, STACK_DIR, DEV_PASSWORD } from './lib.mjs';
import { authLogin, mustLogin, refresh, me, createUser, deleteUser, auditRows, CHECK } from './authlib.mjs';
import {
    Client, ORG, UID, desc, expectStatus, expectProblem, expectForbidden, expectNotFound, expectAudit,
    expectNoSuccessAudit, expectAcrossWorkers, permissionVersion, uniq, sql, sqlValue,
} from './authzlib.mjs';

const RUN = uniq();
const uPath = (id) => `/api/v1/users/${id}`;
const mPath = (org, id) => `/api/v1/organizations/${org}/members/${id}`;
const made = [];

let admin; // platform_admin
let alice; // org_admin of acme
let gina; // org_admin of globex
let bob; // member of acme

/** A user who is a member of acme and org_admin (primary) of globex: the takeover's target. */
async function sharedAdmin(tag) {
    const u = await createUser(`acct-${RUN}-${tag}`);
    made.push(u.id);
    await sql(`UPDATE user_organization SET is_primary = 0 WHERE user_id = ${u.id};
               INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${u.id}, ${ORG.globex}, 1);
               INSERT INTO user_roles (user_id, role_id, organization_id)
               SELECT ${u.id}, id, ${ORG.globex} FROM roles WHERE name = 'org_admin' AND organization_id IS NULL`);
    return u;
}

/** The row's account-level columns, to show a refused change changed nothing. */
async function accountRow(id) {
    return (await sql(`SELECT username, email, first_name, is_enabled, is_account_non_locked, is_account_non_expired,
                              is_credentials_non_expired, IFNULL(deleted_at,'-'), permission_version
                       FROM users WHERE id = ${Number(id)}`))[0];
}

async function expectRefusal(res, action, msg) {
    expectProblem(res, 403, 'account_not_managed', msg);
    await expectNoSuccessAudit(res, msg);
    const rows = await waitFor(async () => {
        const r = (await auditRows(res.rid)).filter((x) => x.action === action && x.outcome === 'failure');
        return r.length > 0 ? r : null;
    }, 3000);
    assert.equal(rows[0].reason, 'account_not_managed', `${msg}: audited as refused`);
}

const liveTokens = async (id, org) =>
    Number(await sqlValue(`SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ${id} AND organization_id = ${org} AND revoked_at IS NULL`));

before(async () => {
    admin = await new Client('admin', { autoRelogin: true }).login();
    alice = await new Client('alice').login();
    gina = await new Client('gina').login();
    bob = await new Client('bob').login();
});

after(async () => {
    for (const id of made) await deleteUser(id);
});

describe('account-level changes need an account the organization manages', () => {
    test('the takeover: an acme admin cannot change the email of a globex admin who is also in acme (403, nothing changed, audited)', async () => {
        const v = await sharedAdmin('email');
        const before = await accountRow(v.id);
        const r = await alice.patch(uPath(v.id), { email: `alice-reads-${RUN}@evil.test` });
        await expectRefusal(r, 'user.update', 'email of a shared account');
        for (const body of [{ username: `x${RUN}` }, { first_name: 'Mallory' }, { phone_number: '+14155550123' }, { profile_image_ref: 'a/b.png' }]) {
            expectProblem(await alice.patch(uPath(v.id), body), 403, 'account_not_managed', JSON.stringify(body));
        }
        assert.deepEqual(await accountRow(v.id), before, 'nothing changed');
        // The victim still signs in to globex with its own password and keeps org_admin there.
        const s = await mustLogin(v.username, DEV_PASSWORD, { organization: 'globex' });
        assert.ok(s.json.roles.includes('org_admin'));
    });

    test('every account action on a shared account is refused for an organization admin', async () => {
        const v = await sharedAdmin('acts');
        const before = await accountRow(v.id);
        for (const [act, action] of [['disable', 'user.disable'], ['lock', 'user.lock'], ['expire-credentials', 'user.expire_credentials'],
            ['enable', 'user.enable'], ['unlock', 'user.unlock']]) {
            await expectRefusal(await alice.post(`${uPath(v.id)}/${act}`), action, act);
        }
        await expectRefusal(await alice.del(uPath(v.id)), 'user.delete', 'delete');
        assert.deepEqual(await accountRow(v.id), before, 'nothing changed');
        await mustLogin(v.username, DEV_PASSWORD, { organization: 'globex' });
    });

    test('the primary organization is the account\'s: acme cannot make itself a shared account\'s primary', async () => {
        const v = await sharedAdmin('primary');
        const r = await alice.put(`${mPath(ORG.acme, v.id)}/primary`);
        await expectRefusal(r, 'organization.member.primary', 'primary');
        assert.equal(await sqlValue(`SELECT organization_id FROM user_organization WHERE user_id = ${v.id} AND is_primary = 1`), String(ORG.globex));
        expectStatus(await admin.put(`${mPath(ORG.acme, v.id)}/primary`), 200, 'a platform administrator may');
    });

    test('a platform administrator\'s account is not managed by an organization either', async () => {
        expectProblem(await alice.patch(uPath(UID.admin), { first_name: 'X' }), 403, 'account_not_managed');
        expectProblem(await alice.post(`${uPath(UID.admin)}/lock`), 403, 'account_not_managed');
        assert.equal(await sqlValue(`SELECT first_name FROM users WHERE id = ${UID.admin}`), 'Ada');
    });

    test('the invitation path: a globex admin invited into acme and joined is still not acme\'s to change', async () => {
        const v = await createUser(`acct-${RUN}-inv`);
        made.push(v.id);
        // Make v a globex-only administrator, then alice invites the address into acme.
        await sql(`UPDATE user_organization SET organization_id = ${ORG.globex} WHERE user_id = ${v.id};
                   UPDATE user_roles SET role_id = (SELECT id FROM roles WHERE name = 'org_admin' AND organization_id IS NULL),
                                         organization_id = ${ORG.globex} WHERE user_id = ${v.id}`);
        const mailDir = path.join(STACK_DIR, 'mail');
        const seen = new Set(fs.existsSync(mailDir) ? fs.readdirSync(mailDir) : []);
        expectStatus(await alice.post('/api/v1/invitations', { email: v.email }), 201);
        const token = await waitFor(() => {
            for (const f of fs.readdirSync(mailDir)) {
                if (seen.has(f)) continue;
                const text = fs.readFileSync(path.join(mailDir, f), 'utf8');
                if (!text.toLowerCase().includes(`to: ${v.email}`.toLowerCase())) continue;
                return text.match(/accept-invitation\?token=([A-Za-z0-9_-]+)/)?.[1] ?? null;
            }
            return null;
        }, 8000);
        expectStatus(await api('POST', `/api/v1/public/invitations/${token}/accept`, { body: { password: DEV_PASSWORD } }), 200, 'joined');
        assert.equal(await sqlValue(`SELECT COUNT(*) FROM user_organization WHERE user_id = ${v.id}`), '2');
        const before = await accountRow(v.id);
        await expectRefusal(await alice.patch(uPath(v.id), { email: `alice-${RUN}@evil.test` }), 'user.update', 'after the invitation');
        assert.deepEqual(await accountRow(v.id), before);
        const g = await alice.get(uPath(v.id));
        assert.equal(g.json.account_editable, false, 'the console is told');
        assert.match(g.json.account_editable_reason, /another organization/);
    });

    test('accounts the organization manages stay editable by it; a platform administrator edits any', async () => {
        const c = await alice.post('/api/v1/users', { username: `acct${RUN}m`, email: `acct${RUN}m@acme.test`, password: `Pw-${RUN}-long-enough` });
        expectStatus(c, 201);
        made.push(c.json.id);
        assert.equal(c.json.account_editable, true);
        const p = await alice.patch(uPath(c.json.id), { email: `acct${RUN}m2@acme.test` });
        expectStatus(p, 200);
        assert.equal(p.json.email, `acct${RUN}m2@acme.test`);
        await expectAudit(p, 'user.update', { actor: UID.alice });

        const v = await sharedAdmin('plat');
        const a = await admin.patch(uPath(v.id), { first_name: 'Renamed' });
        expectStatus(a, 200, 'platform administrator');
        assert.equal(a.json.first_name, 'Renamed');
        assert.equal((await admin.get(uPath(v.id))).json.account_editable, true);
    });

    test('the ETag does not depend on the caller (account_editable is outside it)', async () => {
        const v = await sharedAdmin('etag');
        const a = await alice.get(uPath(v.id));
        const b = await admin.get(uPath(v.id));
        assert.notEqual(a.json.account_editable, b.json.account_editable);
        assert.equal(a.headers.get('etag'), b.headers.get('etag'));
    });

    test('a member without users.update is still refused by permission (403 forbidden)', async () => {
        expectForbidden(await bob.patch(uPath(UID.carol), { first_name: 'X' }));
    });
});

describe('sessions belong to an organization', () => {
    test('an organization admin\'s end-sessions ends that organization\'s tokens only', async () => {
        const v = await sharedAdmin('end');
        const inAcme = await mustLogin(v.username, DEV_PASSWORD, { organization: 'acme' });
        const inGlobex = await mustLogin(v.username, DEV_PASSWORD, { organization: 'globex' });
        const pv = await permissionVersion(v.id);
        const r = await alice.post(`${uPath(v.id)}/end-sessions`);
        expectStatus(r, 204);
        await expectAudit(r, 'user.end_sessions', { actor: UID.alice });
        expectProblem(await me(inAcme.token), 401, 'token_revoked', 'the acme token ends');
        expectProblem(await api('GET', CHECK, { token: inAcme.token, headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' } }),
            401, 'token_revoked', 'forward auth too');
        expectProblem(await refresh(inAcme.refresh), 401, 'refresh_token_invalid', 'the acme refresh token is revoked');
        expectStatus(await me(inGlobex.token), 200, 'the globex token keeps working');
        const rg = await refresh(inGlobex.refresh);
        expectStatus(rg, 200, 'the globex refresh token keeps working');
        expectStatus(await me(rg.token), 200);
        assert.equal(await permissionVersion(v.id), pv, 'the account\'s permission_version did not move');
        // A new acme session works again (end-sessions is not a suspension).
        expectStatus(await me((await mustLogin(v.username, DEV_PASSWORD, { organization: 'acme' })).token), 200);
    });

    test('a platform administrator\'s end-sessions ends every organization\'s tokens', async () => {
        const v = await sharedAdmin('endall');
        const inAcme = await mustLogin(v.username, DEV_PASSWORD, { organization: 'acme' });
        const inGlobex = await mustLogin(v.username, DEV_PASSWORD, { organization: 'globex' });
        expectStatus(await admin.post(`${uPath(v.id)}/end-sessions`), 204);
        expectProblem(await me(inAcme.token), 401, 'token_revoked');
        expectProblem(await me(inGlobex.token), 401, 'token_revoked');
    });

    test('removal from an organization ends that organization\'s tokens only; re-adding does not revive them', async () => {
        const v = await sharedAdmin('rm');
        const inAcme = await mustLogin(v.username, DEV_PASSWORD, { organization: 'acme' });
        const inGlobex = await mustLogin(v.username, DEV_PASSWORD, { organization: 'globex' });
        expectStatus(await alice.del(mPath(ORG.acme, v.id)), 204);
        expectProblem(await me(inAcme.token), 401, 'token_revoked');
        expectStatus(await me(inGlobex.token), 200, 'globex untouched');
        expectStatus(await admin.post(`/api/v1/organizations/${ORG.acme}/members`, { user_id: v.id }), 201, 're-added');
        expectProblem(await me(inAcme.token), 401, 'token_revoked', 'an old token stays dead');
    });
});

describe('membership suspension', () => {
    test('suspending in acme refuses acme tokens at once on every worker, leaves globex working; reactivating restores login', async () => {
        const v = await sharedAdmin('susp');
        const inAcme = await mustLogin(v.username, DEV_PASSWORD, { organization: 'acme' });
        const inGlobex = await mustLogin(v.username, DEV_PASSWORD, { organization: 'globex' });
        // Warm every worker's kept keys with the acme token first.
        await expectAcrossWorkers('GET', '/api/v1/me', { token: inAcme.token }, { status: 200 }, 'before');
        const s = await alice.patch(mPath(ORG.acme, v.id), { status: 'suspended' });
        expectStatus(s, 200);
        assert.equal(s.json.status, 'suspended');
        assert.equal(s.json.status_changed_by, UID.alice);
        await expectAudit(s, 'organization.member.suspend', { actor: UID.alice });
        await expectAcrossWorkers('GET', '/api/v1/me', { token: inAcme.token }, { status: 401, code: 'token_revoked' }, 'after');
        expectProblem(await api('GET', CHECK, { token: inAcme.token, headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' } }),
            401, 'token_revoked', 'forward auth');
        expectStatus(await me(inGlobex.token), 200, 'globex keeps working');
        const l = await authLogin(v.username, DEV_PASSWORD, { organization: 'acme' });
        const p = expectProblem(l, 403, 'membership_suspended');
        assert.equal(p.field, 'organization');
        assert.notEqual((await refresh(inAcme.refresh)).status, 200, 'the acme refresh token is refused');
        assert.equal(await liveTokens(v.id, ORG.acme), 0);
        expectStatus(await authLogin(v.username, DEV_PASSWORD, { organization: 'globex' }), 200);
        assert.equal((await alice.get(mPath(ORG.acme, v.id))).json.status, 'suspended');

        const a = await alice.patch(mPath(ORG.acme, v.id), { status: 'active' });
        expectStatus(a, 200);
        assert.equal(a.json.status, 'active');
        await expectAudit(a, 'organization.member.reactivate');
        expectStatus(await me((await mustLogin(v.username, DEV_PASSWORD, { organization: 'acme' })).token), 200);
        expectProblem(await me(inAcme.token), 401, 'token_revoked', 'tokens from before the suspension stay dead');
    });

    test('a suspension of the primary organization: login without an organization picks an active one', async () => {
        const v = await sharedAdmin('prim');
        expectStatus(await gina.patch(mPath(ORG.globex, v.id), { status: 'suspended' }), 200);
        const l = await mustLogin(v.username);
        assert.equal(l.json.organization.slug, 'acme');
        expectStatus(await gina.patch(mPath(ORG.globex, v.id), { status: 'active' }), 200);
    });

    test('refusals: bad status 400, self 403, a member 403, another organization 404, unknown member 404', async () => {
        const v = await sharedAdmin('ref');
        const bad = await alice.patch(mPath(ORG.acme, v.id), { status: 'gone' });
        expectProblem(bad, 400, 'validation_failed');
        assert.equal(bad.json.field, 'status');
        expectProblem(await alice.patch(mPath(ORG.acme, v.id), { status: 'active', extra: 1 }), 400, 'validation_failed');
        expectForbidden(await alice.patch(mPath(ORG.acme, UID.alice), { status: 'suspended' }), 'self');
        expectForbidden(await bob.patch(mPath(ORG.acme, v.id), { status: 'suspended' }), 'member');
        expectNotFound(await gina.patch(mPath(ORG.acme, v.id), { status: 'suspended' }), 'other organization');
        expectNotFound(await alice.patch(mPath(ORG.acme, 999999999), { status: 'suspended' }));
        assert.equal(await sqlValue(`SELECT status FROM user_organization WHERE user_id = ${v.id} AND organization_id = ${ORG.acme}`), 'active');
    });
});
