// Users admin API (issue 5, docs/api-users.md): list and search with filters, sorts and keyset
// cursors; read; create with a password (one transaction: a failure after the insert leaves
// nothing) or with an invitation; update with If-Match and 409 naming the field; disable,
// enable, lock, unlock, expire-credentials, end-sessions (access ends at once where it must);
// soft delete that scrubs personal data; tenancy (another organization's user is 404, a platform
// administrator cannot be changed by an organization admin). Every user made here is named
// after RUN and removed in after().

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { api, gatehouse, CONF, REPO } from './lib.mjs';
import { authLogin, refresh, waitAudit, restartGatehouse } from './authlib.mjs';
import {
    Client, ROLES, ORG, UID,
    desc, expectStatus, expectProblem, expectValidation, expectForbidden, expectNotFound, expectETag,
    expectCreated, namesField, listAll, expectAudit, expectNoSuccessAudit, permissionVersion, count,
    cleanupRun, uniq, sql, sqlValue,
} from './authzlib.mjs';

const RUN = uniq();
const USERS = '/api/v1/users';
const uPath = (id) => `${USERS}/${id}`;
const PW = `Tr0ub4dor-${RUN}-staple`;
const MISSING = 999999999;

let admin; // platform_admin (and org_admin of acme)
let alice; // org_admin of acme
let gina; // org_admin of globex
let bob; // member of acme
const made = new Set(); // ids of users created here

/** A username/email unique to this run. */
const uname = (s) => `u${RUN}.${s}`;
const email = (s, domain = 'acme.test') => `u${RUN}.${s}@${domain}`;

/** POST /users as client with a password; asserts 201 and returns {id, location, etag, json}. */
async function mkUser(client, suffix, extra = {}) {
    const res = await client.post(USERS, { username: uname(suffix), email: email(suffix), password: PW, ...extra });
    const c = expectCreated(res, USERS, `create ${suffix}`);
    made.add(c.id);
    return { ...c, res };
}

/** The database's view of a user: row fields, memberships, roles, team places, refresh tokens. */
async function userState(id) {
    const row = (
        await sql(
            `SELECT username, email, IFNULL(phone_number,'NULL'), first_name, last_name, full_name,
                    IFNULL(profile_image_ref,'NULL'), password_hash IS NULL, IFNULL(deleted_at,'NULL'),
                    is_enabled, permission_version
             FROM users WHERE id = ${Number(id)}`,
        )
    )[0];
    return {
        row,
        orgs: (await sql(`SELECT organization_id, is_primary FROM user_organization WHERE user_id = ${Number(id)} ORDER BY 1`)).map((r) => r.join(':')),
        roles: (await sql(`SELECT r.name, IFNULL(ur.organization_id,'NULL') FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ${Number(id)} ORDER BY 1`)).map((r) => r.join('@')),
        teams: Number(await sqlValue(`SELECT COUNT(*) FROM team_member WHERE user_id = ${Number(id)}`)),
        tokens: Number(await sqlValue(`SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ${Number(id)}`)),
        liveTokens: Number(await sqlValue(`SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ${Number(id)} AND revoked_at IS NULL`)),
    };
}

/** Logs in as a user made here (by username) and asserts 200. */
async function loginAs(username) {
    const res = await authLogin(username, PW);
    assert.equal(res.status, 200, `login ${username}: ${res.status} ${res.text.slice(0, 300)}`);
    return res;
}

before(async () => {
    admin = await new Client('admin', { autoRelogin: true }).login();
    alice = await new Client('alice').login();
    gina = await new Client('gina').login();
    bob = await new Client('bob').login();
});

after(async () => {
    const ids = [...made];
    const more = await sql(`SELECT id FROM users WHERE username LIKE 'u${RUN}.%' OR email LIKE 'u${RUN}.%'`);
    for (const [id] of more) ids.push(Number(id));
    if (ids.length) await sql(`DELETE FROM users WHERE id IN (${ids.join(',')})`);
    await cleanupRun(RUN);
});

// -------------------------------------------------------------------------------------------------

describe('create with a password', () => {
    test('201 with Location and ETag; the user is a primary member of the caller\'s organization with the member role, can log in, and the create is audited', async () => {
        const c = await mkUser(alice, 'c1', { first_name: 'Cora', last_name: 'Create', phone_number: '+14155550101' });
        const u = c.json;
        for (const k of ['id', 'username', 'email', 'phone_number', 'first_name', 'last_name', 'full_name', 'profile_image_ref', 'status', 'is_enabled', 'is_account_non_expired', 'is_account_non_locked', 'is_credentials_non_expired', 'locked_until', 'has_password', 'last_login', 'password_changed_at', 'created_at', 'updated_at', 'created_by', 'updated_by']) {
            assert.ok(k in u, `user has ${k}: ${JSON.stringify(u)}`);
        }
        assert.equal(u.username, uname('c1'));
        assert.equal(u.email, email('c1'));
        assert.equal(u.full_name, 'Cora Create', 'full_name defaults to first + last');
        assert.equal(u.phone_number, '+14155550101');
        assert.equal(u.status, 'enabled');
        assert.equal(u.has_password, true);
        assert.equal(u.created_by, UID.alice);
        assert.ok(!('password' in u) && !('password_hash' in u), 'no password in the answer');
        const st = await userState(c.id);
        assert.deepEqual(st.orgs, [`${ORG.acme}:1`], 'primary member of acme');
        assert.deepEqual(st.roles, [`member@${ORG.acme}`], 'member role in acme');
        assert.equal(await sqlValue(`SELECT r.name FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ${c.id}`), 'member', 'legacy primary role');
        const row = await expectAudit(c.res, 'user.create', { actor: UID.alice });
        assert.equal(row.target_id, String(c.id));
        const g = await alice.get(c.location);
        expectStatus(g, 200);
        assert.equal(expectETag(g), c.etag, 'GET answers the ETag of the create');
        assert.deepEqual(g.json, c.json);
        const l = await loginAs(uname('c1'));
        assert.equal(l.json.organization.id, ORG.acme);
        assert.deepEqual(l.json.roles, ['member']);
    });

    test('a named role, and a platform caller choosing the organization', async () => {
        const c = await mkUser(admin, 'c2', { role: 'org_admin', organization_id: ORG.globex });
        const st = await userState(c.id);
        assert.deepEqual(st.orgs, [`${ORG.globex}:1`]);
        assert.deepEqual(st.roles, [`org_admin@${ORG.globex}`]);
        const row = await waitAudit(c.res.rid, 'user.create');
        assert.equal(Number(await sqlValue(`SELECT organization_id FROM audit_log WHERE request_id = '${c.res.rid}' AND action = 'user.create'`)), ORG.globex, 'the event belongs to the new user\'s organization');
        assert.equal(row.outcome, 'success');
    });

    test('validation: each bad field is a 400 naming it, and nothing is created', async () => {
        const base = { username: uname('v'), email: email('v'), password: PW };
        const cases = [
            [{ ...base, username: 'ab' }, 'username'],
            [{ ...base, username: 'has space' }, 'username'],
            [{ ...base, username: 'a'.repeat(65) }, 'username'],
            [{ ...base, username: 'bad@name' }, 'username'],
            [{ ...base, email: 'no-at-sign' }, 'email'],
            [{ ...base, email: 'two@@acme.test' }, 'email'],
            [{ ...base, email: 'a@localhost' }, 'email'],
            [{ ...base, email: 'a..b@acme.test' }, 'email'],
            [{ ...base, email: 'a@-acme.test' }, 'email'],
            [{ ...base, email: 'tomb@deleted.invalid' }, 'email'],
            [{ ...base, phone_number: '4155550101' }, 'phone_number'],
            [{ ...base, phone_number: '+0155550101' }, 'phone_number'],
            [{ ...base, phone_number: '+1415555010199999' }, 'phone_number'],
            [{ ...base, phone_number: '+1 415 555' }, 'phone_number'],
            [{ ...base, first_name: 'x'.repeat(101) }, 'first_name'],
            [{ ...base, last_name: 'tab\there' }, 'last_name'],
            [{ ...base, full_name: 42 }, 'full_name'],
            [{ ...base, profile_image_ref: 'http://insecure.example/a.png' }, 'profile_image_ref'],
            [{ ...base, profile_image_ref: '../etc/passwd' }, 'profile_image_ref'],
            [{ ...base, role: '' }, 'role'],
            [{ ...base, organization_id: 'acme' }, 'organization_id'],
            [{ ...base, organization_id: MISSING }, 'organization_id'],
            [{ ...base, invite: 'yes' }, 'invite'],
            [{ ...base, nickname: 'x' }, 'nickname'],
            [{ username: uname('v'), email: email('v') }, 'password'],
            [{ username: uname('v'), password: PW }, 'email'],
            [{ email: email('v'), password: PW }, 'username'],
        ];
        for (const [body, field] of cases) {
            const res = await admin.post(USERS, body);
            expectValidation(res, field, JSON.stringify(body).slice(0, 120));
        }
        const short = await admin.post(USERS, { ...base, password: 'short' });
        const p = expectProblem(short, 400, 'password_policy', 'short password');
        assert.ok(namesField(p, 'password'));
        assert.equal(await count('users', `username = '${uname('v')}' OR email = '${email('v')}'`), 0, 'nothing created');
    });

    test('duplicates answer 409 naming the field (username and email compare case-insensitively)', async () => {
        await mkUser(admin, 'dup', { phone_number: '+14155550102' });
        const cases = [
            [{ username: uname('dup'), email: email('dup2') }, 'username'],
            [{ username: uname('DUP'), email: email('dup2') }, 'username'],
            [{ username: uname('dup2'), email: email('dup') }, 'email'],
            [{ username: uname('dup2'), email: email('DUP') }, 'email'],
            [{ username: uname('dup2'), email: email('dup2'), phone_number: '+14155550102' }, 'phone_number'],
        ];
        for (const [body, field] of cases) {
            const res = await admin.post(USERS, { ...body, password: PW });
            const pr = expectProblem(res, 409, 'conflict', `duplicate ${field}`);
            assert.ok(namesField(pr, field), `409 names ${field}: ${desc(res)}`);
        }
        assert.equal(await count('users', `username = '${uname('dup2')}'`), 0);
    });

    test('atomic: an unknown role name, found after the insert, rolls everything back', async () => {
        const before = await mkUser(admin, 'atom0');
        const body = { username: uname('atom'), email: email('atom'), password: PW, first_name: 'Atom', role: `no_such_role_${RUN}` };
        const res = await admin.post(USERS, body);
        expectValidation(res, 'role', 'unknown role');
        assert.equal(await count('users', `username = '${uname('atom')}' OR email = '${email('atom')}'`), 0, 'no user row');
        assert.equal(await count('user_organization', `user_id > ${before.id}`), 0, 'no membership');
        assert.equal(await count('user_roles', `user_id > ${before.id}`), 0, 'no role');
        await expectNoSuccessAudit(res, 'failed create');
        // The failed request did insert a row before the role was looked up: it used an id.
        const after = await mkUser(admin, 'atom1');
        assert.ok(after.id >= before.id + 2, `the rolled-back insert consumed an id (${before.id} -> ${after.id})`);
        // The same username and email are free: nothing was left behind.
        await mkUser(admin, 'atom', { email: email('atom') });
    });

    test('atomic: a role the organization admin may not grant (checked after the insert) leaves nothing', async () => {
        const role = expectCreated(await admin.post(ROLES, { name: `t_${RUN}_priv`, organization_id: ORG.acme, permissions: ['permissions.create'] }), ROLES);
        const res = await alice.post(USERS, { username: uname('esc'), email: email('esc'), password: PW, role: role.json.name });
        const p = expectForbidden(res, 'escalating role');
        assert.ok(namesField(p, 'role'));
        const plat = await alice.post(USERS, { username: uname('esc'), email: email('esc'), password: PW, role: 'platform_admin' });
        expectForbidden(plat, 'platform role by an organization admin');
        assert.equal(await count('users', `username = '${uname('esc')}' OR email = '${email('esc')}'`), 0);
        await expectNoSuccessAudit(res);
    });

    test('tenancy and permission: another organization is 403; a member cannot create users', async () => {
        const res = await alice.post(USERS, { username: uname('t1'), email: email('t1'), password: PW, organization_id: ORG.globex });
        const p = expectForbidden(res, 'other organization');
        assert.ok(namesField(p, 'organization_id'));
        const own = await alice.post(USERS, { username: uname('t1'), email: email('t1'), password: PW, organization_id: ORG.acme });
        made.add(expectCreated(own, USERS).id);
        expectForbidden(await bob.post(USERS, { username: uname('t2'), email: email('t2'), password: PW }), 'member');
        assert.equal(await count('users', `username = '${uname('t2')}'`), 0);
    });
});

describe('create with an invitation', () => {
    const stub = fs.readFileSync(path.join(REPO, 'src/api/invitations.c'), 'utf8').includes('invitations are not implemented yet');

    test('checks before inviting: fields the invitee chooses, a taken email, an unknown role', async () => {
        const pw = await alice.post(USERS, { email: email('inv0'), invite: true, password: PW });
        expectValidation(pw, 'password', 'password with invite');
        const un = await alice.post(USERS, { email: email('inv0'), invite: true, username: uname('inv0') });
        expectValidation(un, 'username', 'username with invite');
        const taken = await alice.post(USERS, { email: 'bob@acme.test', invite: true });
        const p = expectProblem(taken, 409, 'conflict', 'taken email');
        assert.ok(namesField(p, 'email'));
        expectValidation(await alice.post(USERS, { email: email('inv0'), invite: true, role: `nope_${RUN}` }), 'role');
        expectValidation(await alice.post(USERS, { email: 'not-an-email', invite: true }), 'email');
        assert.equal(await count('signup_info', `email = '${email('inv0')}'`), 0, 'no invitation');
    });

    test('"invite": true answers 202 with the invitation and creates no user', { todo: stub ? 'invitation_issue() is still the stub' : false }, async () => {
        const res = await alice.post(USERS, { email: email('inv1'), invite: true });
        expectStatus(res, 202, 'invite');
        assert.ok(res.json && typeof res.json === 'object', 'the invitation object');
        assert.equal(res.json.email, email('inv1'));
        assert.equal(await count('users', `email = '${email('inv1')}'`), 0, 'no user yet');
        assert.equal(await count('signup_info', `email = '${email('inv1')}' AND organization_id = ${ORG.acme}`), 1, 'one invitation for acme');
        await expectAudit(res, 'user.invite', { actor: UID.alice });
    });
});

// -------------------------------------------------------------------------------------------------

describe('list and search', () => {
    const L = {}; // users by suffix

    before(async () => {
        // Names chosen so every sort has ties to break and q has something to find in each column.
        const spec = [
            ['l1', { first_name: 'Zoe', last_name: `Q${RUN}same` }],
            ['l2', { first_name: 'Abe', last_name: `Q${RUN}same` }],
            ['l3', { first_name: 'Abe', last_name: `Q${RUN}same` }],
            ['l4', { first_name: `F${RUN}first`, last_name: 'Other' }],
            ['l5', { first_name: 'Max', last_name: 'Mustermann', full_name: `N${RUN} Fullname` }],
            ['l6', { first_name: 'Pct', last_name: 'Escape', email: `u${RUN}.l6%x@acme.test` }],
            ['l7', { first_name: 'Und', last_name: 'Escape', email: `u${RUN}.l7_y@acme.test` }],
        ];
        for (const [s, extra] of spec) L[s] = await mkUser(admin, s, extra);
    });

    test('page shape, ETag-less list, limit and every sort and direction walk all users once, in order', async () => {
        const r = await alice.get(`${USERS}?q=u${RUN}&limit=3`);
        expectStatus(r, 200);
        assert.ok(Array.isArray(r.json.items) && r.json.items.length === 3, 'limit 3');
        assert.equal(typeof r.json.next_cursor, 'string');
        const mine = (u) => u.username.startsWith(`u${RUN}.l`);
        const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
        const coll = (s) => s.toLowerCase();
        const keys = {
            username: (u) => [coll(u.username)],
            email: (u) => [coll(u.email)],
            last_name: (u) => [coll(u.last_name), coll(u.first_name), u.id],
            created_at: (u) => [u.created_at, u.id],
        };
        for (const sort of Object.keys(keys)) {
            for (const direction of ['asc', 'desc']) {
                for (const limit of [1, 2, 200]) {
                    const { items } = await listAll(alice, `${USERS}?q=u${RUN}.l&sort=${sort}&direction=${direction}`, { limit });
                    const got = items.filter(mine);
                    assert.equal(got.length, 7, `${sort} ${direction} limit ${limit}: all 7 users once`);
                    for (let i = 1; i < got.length; i++) {
                        const a = keys[sort](got[i - 1]);
                        const b = keys[sort](got[i]);
                        let c = 0;
                        for (let k = 0; k < a.length && c === 0; k++) c = cmp(a[k], b[k]);
                        assert.ok(direction === 'asc' ? c < 0 : c > 0, `${sort} ${direction}: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
                    }
                }
            }
        }
    });

    test('every sort pages through a whole organization (no q) without repeats', async () => {
        for (const sort of ['username', 'email', 'last_name', 'created_at']) {
            const { items } = await listAll(admin, `${USERS}?organization_id=${ORG.acme}&sort=${sort}&direction=desc`, { limit: 4 });
            const ids = items.map((u) => u.id);
            const want = (await sql(`SELECT uo.user_id FROM user_organization uo JOIN users u ON u.id = uo.user_id WHERE uo.organization_id = ${ORG.acme} AND u.deleted_at IS NULL`)).map((r) => Number(r[0]));
            assert.deepEqual([...ids].sort((a, b) => a - b), want.sort((a, b) => a - b), `${sort}: every member of acme once`);
        }
    });

    test('q is a case-insensitive prefix of username, email, first, last or full name; % and _ are literal', async () => {
        const ids = async (q, client = alice) => {
            const res = await client.get(`${USERS}?q=${encodeURIComponent(q)}&limit=200`);
            expectStatus(res, 200, `q=${q}`);
            return res.json.items.map((u) => u.id).sort((a, b) => a - b);
        };
        assert.deepEqual(await ids(`Q${RUN}SAME`), [L.l1.id, L.l2.id, L.l3.id].sort((a, b) => a - b), 'last_name, any case');
        assert.deepEqual(await ids(`f${RUN}fir`), [L.l4.id], 'first_name');
        assert.deepEqual(await ids(`N${RUN} full`), [L.l5.id], 'full_name');
        assert.deepEqual(await ids(`U${RUN}.L5`), [L.l5.id], 'username');
        assert.deepEqual(await ids(`u${RUN}.l6%`), [L.l6.id], '% matches itself');
        assert.deepEqual(await ids(`u${RUN}.l6%x@`), [L.l6.id], 'email');
        assert.deepEqual(await ids(`u${RUN}.l7_`), [L.l7.id], '_ matches itself');
        assert.deepEqual(await ids(`u${RUN}.l_`), [], '_ is not a wildcard');
        assert.deepEqual(await ids(`Q${RUN}same`, gina), [], 'another organization\'s users are not found');
        assert.deepEqual(await ids(`zz${RUN}none`), []);
    });

    test('filters: status, role, team, organization_id; combined with q and a sort', async () => {
        const q = `q=u${RUN}.l&limit=200`;
        const d = await admin.post(`${uPath(L.l2.id)}/disable`);
        expectStatus(d, 200);
        const k = await admin.post(`${uPath(L.l3.id)}/lock`);
        expectStatus(k, 200);
        const e = await admin.post(`${uPath(L.l4.id)}/expire-credentials`);
        expectStatus(e, 200);
        const byStatus = async (s) => (await alice.get(`${USERS}?${q}&status=${s}`)).json.items.map((u) => u.id).sort((a, b) => a - b);
        assert.deepEqual(await byStatus('disabled'), [L.l2.id]);
        assert.deepEqual(await byStatus('locked'), [L.l3.id]);
        assert.deepEqual(await byStatus('expired'), [L.l4.id]);
        assert.deepEqual(await byStatus('enabled'), [L.l1.id, L.l5.id, L.l6.id, L.l7.id].sort((a, b) => a - b));
        // Without q: the state index, and the status field agrees with the filter.
        for (const s of ['disabled', 'locked', 'expired', 'enabled']) {
            const r = await admin.get(`${USERS}?status=${s}&limit=200`);
            expectStatus(r, 200);
            assert.ok(r.json.items.every((u) => u.status === s), `status=${s} lists only ${s} users`);
        }
        expectStatus(await admin.post(`${uPath(L.l2.id)}/enable`), 200);
        expectStatus(await admin.post(`${uPath(L.l3.id)}/unlock`), 200);
        await sql(`UPDATE users SET is_credentials_non_expired = 1 WHERE id = ${L.l4.id}`);

        // role: org_admin of acme
        const admins = (await alice.get(`${USERS}?role=org_admin&limit=200`)).json.items.map((u) => u.id).sort((a, b) => a - b);
        const wantAdmins = (await sql(`SELECT DISTINCT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id JOIN user_organization uo ON uo.user_id = ur.user_id AND uo.organization_id = ${ORG.acme} WHERE r.name = 'org_admin' AND ur.organization_id = ${ORG.acme}`)).map((r) => Number(r[0])).sort((a, b) => a - b);
        assert.deepEqual(admins, wantAdmins);
        assert.ok(admins.includes(UID.alice) && admins.includes(UID.admin) && !admins.includes(UID.bob));
        const platAdmins = (await admin.get(`${USERS}?role=org_admin&limit=200`)).json.items.map((u) => u.username);
        assert.ok(platAdmins.includes('gina') && platAdmins.includes('alice'), 'a platform caller without organization_id sees every organization');
        expectValidation(await alice.get(`${USERS}?role=no_such_${RUN}`), 'role');
        assert.deepEqual((await alice.get(`${USERS}?${q}&role=member`)).json.items.length, 7, 'role combined with q');
        // team: Platform (id 1) of acme has alice and bob
        const team = (await alice.get(`${USERS}?team=1&sort=username&direction=desc&limit=200`)).json.items.map((u) => u.username);
        const wantTeam = (await sql(`SELECT u.username FROM team_member tm JOIN users u ON u.id = tm.user_id WHERE tm.team_id = 1 AND u.deleted_at IS NULL`)).map((r) => r[0]).sort().reverse();
        assert.deepEqual(team, wantTeam);
        assert.ok(team.includes('alice') && team.includes('bob'));
        expectValidation(await gina.get(`${USERS}?team=1`), 'team', 'another organization\'s team');
        expectValidation(await alice.get(`${USERS}?team=${MISSING}`), 'team');
        // organization_id: platform callers choose; others only their own
        const glob = (await admin.get(`${USERS}?organization_id=${ORG.globex}&limit=200`)).json.items.map((u) => u.username);
        assert.ok(glob.includes('gina') && !glob.includes('alice'));
        expectStatus(await alice.get(`${USERS}?organization_id=${ORG.acme}`), 200);
        const p = expectForbidden(await alice.get(`${USERS}?organization_id=${ORG.globex}`), 'other organization');
        assert.ok(namesField(p, 'organization_id'));
    });

    test('an organization caller lists only its members', async () => {
        const { items } = await listAll(gina, USERS, { limit: 200 });
        const want = (await sql(`SELECT uo.user_id FROM user_organization uo JOIN users u ON u.id = uo.user_id WHERE uo.organization_id = ${ORG.globex} AND u.deleted_at IS NULL`)).map((r) => Number(r[0])).sort((a, b) => a - b);
        assert.deepEqual(items.map((u) => u.id).sort((a, b) => a - b), want);
        const b = await bob.get(`${USERS}?q=alic`);
        expectStatus(b, 200, 'members hold users.read');
        assert.deepEqual(b.json.items.map((u) => u.username), ['alice']);
    });

    test('the plans a large table gets answer the same pages (GATEHOUSE_USERS_PROBE_CAP=1)', async () => {
        // On this small database every list starts from the smallest filter (organization, role,
        // matches of q) and sorts.  With the cap at 1 the planner believes every filter is large:
        // it walks the sort index joined to the organization, or starts from all matches of q.
        const queries = [
            `${USERS}?sort=username`, `${USERS}?sort=email&direction=desc`, `${USERS}?sort=last_name`,
            `${USERS}?sort=created_at&direction=desc`, `${USERS}?q=u${RUN}.l&sort=last_name&direction=desc`,
            `${USERS}?role=member&sort=username`, `${USERS}?status=enabled&sort=email`,
            `${USERS}?role=org_admin&sort=created_at`,
        ];
        const run = async () => {
            const out = {};
            for (const [name, client] of [['alice', alice], ['admin', admin]]) {
                for (const q of queries) {
                    const { items } = await listAll(client, q, { limit: name === 'alice' ? 4 : 9 });
                    out[`${name} ${q}`] = items.map((u) => u.id);
                }
            }
            return out;
        };
        const small = await run();
        await restartGatehouse({ GATEHOUSE_USERS_PROBE_CAP: '1' });
        try {
            const large = await run();
            for (const k of Object.keys(small)) assert.deepEqual(large[k], small[k], k);
        } finally {
            await restartGatehouse();
        }
        assert.ok(small[`alice ${USERS}?sort=username`].length >= 7);
    });

    test('bad parameters are 400 naming them; a cursor is tied to its sort and direction', async () => {
        for (const [qs, field] of [
            ['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=x', 'limit'],
            ['cursor=zzz', 'cursor'], ['cursor=', 'cursor'],
            ['sort=password', 'sort'], ['direction=up', 'direction'],
            ['status=gone', 'status'], ['q=a', 'q'], [`q=${'x'.repeat(101)}`, 'q'],
            ['organization_id=abc', 'organization_id'], ['team=-1', 'team'], ['role=', 'role'],
        ]) {
            expectValidation(await admin.get(`${USERS}?${qs}`), field, qs);
        }
        const first = await admin.get(`${USERS}?limit=1&sort=email`);
        const cur = first.json.next_cursor;
        assert.ok(cur);
        expectStatus(await admin.get(`${USERS}?limit=1&sort=email&cursor=${cur}`), 200);
        expectValidation(await admin.get(`${USERS}?limit=1&sort=username&cursor=${cur}`), 'cursor', 'another sort');
        expectValidation(await admin.get(`${USERS}?limit=1&sort=email&direction=desc&cursor=${cur}`), 'cursor', 'another direction');
        const forged = Buffer.from('[0,0,"a"]').toString('base64url');
        expectValidation(await admin.get(`${USERS}?cursor=${forged}`), 'cursor', 'malformed cursor');
        const badTime = Buffer.from('[3,0,"yesterday",1]').toString('base64url');
        expectValidation(await admin.get(`${USERS}?sort=created_at&cursor=${badTime}`), 'cursor', 'not a time');
        const okTime = Buffer.from('[3,0,"2000-01-01 00:00:00.000000",1]').toString('base64url');
        expectStatus(await admin.get(`${USERS}?sort=created_at&cursor=${okTime}`), 200, 'a well-formed position');
    });
});

// -------------------------------------------------------------------------------------------------

describe('get', () => {
    test('200 with ETag; 404 for unknown, malformed, deleted and other organizations\' users', async () => {
        const g = await alice.get(uPath(UID.bob));
        expectStatus(g, 200);
        expectETag(g);
        assert.equal(g.json.username, 'bob');
        expectNotFound(await alice.get(uPath(MISSING)));
        expectNotFound(await alice.get(`${USERS}/abc`));
        expectNotFound(await alice.get(uPath(UID.gina)), 'gina is in globex');
        expectNotFound(await gina.get(uPath(UID.alice)), 'alice is in acme');
        expectStatus(await admin.get(uPath(UID.gina)), 200, 'platform callers see everyone');
        expectStatus(await alice.get(uPath(UID.admin)), 200, 'a platform admin who is a member is visible');
    });
});

describe('update', () => {
    test('If-Match cycle: current tag -> 200 and a new tag; stale tag -> 412 and nothing changes; audited', async () => {
        const c = await mkUser(alice, 'p1', { first_name: 'Pat' });
        const p = await alice.patch(c.location, { last_name: 'Patched', phone_number: '+4930123456', profile_image_ref: 'avatars/p1.png' }, { headers: { 'If-Match': c.etag } });
        expectStatus(p, 200);
        const tag2 = expectETag(p);
        assert.notEqual(tag2, c.etag);
        assert.equal(p.json.last_name, 'Patched');
        assert.equal(p.json.phone_number, '+4930123456');
        assert.equal(p.json.profile_image_ref, 'avatars/p1.png');
        assert.equal(p.json.full_name, c.json.full_name, 'full_name is not recomputed');
        assert.equal(p.json.updated_by, UID.alice);
        const row = await expectAudit(p, 'user.update', { actor: UID.alice });
        assert.equal(row.target_id, String(c.id));
        const details = await sqlValue(`SELECT details FROM audit_log WHERE request_id = '${p.rid}' AND action = 'user.update'`);
        assert.deepEqual(JSON.parse(details).fields.sort(), ['last_name', 'phone_number', 'profile_image_ref'], 'names of the changed fields, no values');

        const stale = await alice.patch(c.location, { first_name: 'Stale' }, { headers: { 'If-Match': c.etag } });
        expectProblem(stale, 412, 'precondition_failed');
        const g = await alice.get(c.location);
        assert.equal(g.json.first_name, 'Pat');
        assert.equal(expectETag(g), tag2);
        await expectNoSuccessAudit(stale);

        const clear = await alice.patch(c.location, { phone_number: null, profile_image_ref: null, first_name: null }, { headers: { 'If-Match': tag2 } });
        expectStatus(clear, 200);
        assert.equal(clear.json.phone_number, null);
        assert.equal(clear.json.profile_image_ref, null);
        assert.equal(clear.json.first_name, '', 'null clears a name');
        const img = await alice.patch(c.location, { profile_image_ref: 'https://cdn.example.com/a/b.png' });
        assert.equal(img.json.profile_image_ref, 'https://cdn.example.com/a/b.png');
    });

    test('username and email can change; duplicates are 409 naming the field; validation names the field', async () => {
        const a = await mkUser(alice, 'p2');
        const b = await mkUser(alice, 'p3');
        const ren = await alice.patch(a.location, { username: uname('p2new'), email: email('p2new') });
        expectStatus(ren, 200);
        assert.equal(ren.json.username, uname('p2new'));
        assert.equal(ren.json.email, email('p2new'));
        await loginAs(uname('p2new'));
        for (const [body, field] of [[{ username: uname('p3') }, 'username'], [{ email: email('P3') }, 'email']]) {
            const res = await alice.patch(a.location, body);
            const p = expectProblem(res, 409, 'conflict', field);
            assert.ok(namesField(p, field), desc(res));
        }
        for (const [body, field] of [
            [{ username: null }, 'username'], [{ username: 'x' }, 'username'], [{ email: 'nope' }, 'email'],
            [{ phone_number: '12345' }, 'phone_number'], [{ profile_image_ref: 'a/../b' }, 'profile_image_ref'],
            [{ password: PW }, 'password'], [{ is_enabled: false }, 'is_enabled'],
        ]) {
            expectValidation(await alice.patch(b.location, body), field, JSON.stringify(body));
        }
        const g = await alice.get(b.location);
        assert.deepEqual(g.json, b.json, 'refused patches changed nothing');
    });

    test('tenancy: another organization\'s user is 404; a platform administrator cannot be changed by an organization admin', async () => {
        expectNotFound(await gina.patch(uPath(UID.alice), { first_name: 'X' }));
        const p = await alice.patch(uPath(UID.admin), { first_name: 'X' });
        expectForbidden(p, 'platform admin', 'account_not_managed');
        assert.equal((await admin.get(uPath(UID.admin))).json.first_name, 'Ada');
        expectForbidden(await bob.patch(uPath(UID.carol), { first_name: 'X' }), 'member lacks users.update');
    });
});

// -------------------------------------------------------------------------------------------------

describe('account actions', () => {
    test('disable ends access at once (tokens 401, refresh refused) and bumps permission_version; enable restores login', async () => {
        const c = await mkUser(alice, 'a1');
        const s = await loginAs(uname('a1'));
        const pv0 = await permissionVersion(c.id);
        const d = await alice.post(`${c.location}/disable`);
        expectStatus(d, 200);
        assert.equal(d.json.status, 'disabled');
        assert.equal(d.json.is_enabled, false);
        expectETag(d);
        await expectAudit(d, 'user.disable', { actor: UID.alice });
        assert.equal(await permissionVersion(c.id), pv0 + 1);
        const me = await api('GET', '/api/v1/me', { token: s.token });
        expectProblem(me, 401, 'token_revoked', 'old access token');
        expectProblem(await refresh(s.refresh), 401, 'refresh_token_invalid', 'old refresh token');
        assert.equal((await userState(c.id)).liveTokens, 0, 'refresh tokens revoked');
        expectProblem(await authLogin(uname('a1'), PW), 403, 'account_disabled');
        const e = await alice.post(`${c.location}/enable`);
        expectStatus(e, 200);
        assert.equal(e.json.status, 'enabled');
        await expectAudit(e, 'user.enable');
        await loginAs(uname('a1'));
    });

    test('lock ends access until unlock; unlock clears the failure count', async () => {
        const c = await mkUser(alice, 'a2');
        const s = await loginAs(uname('a2'));
        await authLogin(uname('a2'), 'wrong-password-xx');
        const k = await alice.post(`${c.location}/lock`);
        expectStatus(k, 200);
        assert.equal(k.json.status, 'locked');
        assert.equal(k.json.locked_until, null, 'until an administrator unlocks');
        expectProblem(await api('GET', '/api/v1/me', { token: s.token }), 401, 'token_revoked');
        expectProblem(await authLogin(uname('a2'), PW), 423, 'account_locked');
        const u = await alice.post(`${c.location}/unlock`);
        expectStatus(u, 200);
        assert.equal(u.json.status, 'enabled');
        assert.equal(Number(await sqlValue(`SELECT failed_login_count FROM users WHERE id = ${c.id}`)), 0);
        await expectAudit(u, 'user.unlock');
        await loginAs(uname('a2'));
    });

    test('expire-credentials: the next login must change the password; sessions continue', async () => {
        const c = await mkUser(alice, 'a3');
        const s = await loginAs(uname('a3'));
        const x = await alice.post(`${c.location}/expire-credentials`);
        expectStatus(x, 200);
        assert.equal(x.json.status, 'expired');
        assert.equal(x.json.is_credentials_non_expired, false);
        await expectAudit(x, 'user.expire_credentials');
        expectStatus(await api('GET', '/api/v1/me', { token: s.token }), 200, 'the access token still works');
        expectProblem(await authLogin(uname('a3'), PW), 403, 'credentials_expired');
    });

    test('end-sessions: 204, every token ends, the password still works', async () => {
        const c = await mkUser(alice, 'a4');
        const s1 = await loginAs(uname('a4'));
        const s2 = await loginAs(uname('a4'));
        const pv0 = await permissionVersion(c.id);
        const mv0 = await sqlValue(`SELECT session_version FROM user_organization WHERE user_id = ${c.id} AND organization_id = ${ORG.acme}`);
        const r = await alice.post(`${c.location}/end-sessions`);
        expectStatus(r, 204);
        await expectAudit(r, 'user.end_sessions');
        // An organization admin ends its organization's sessions: the membership version moves.
        assert.equal(await permissionVersion(c.id), pv0);
        assert.ok(BigInt(await sqlValue(`SELECT session_version FROM user_organization WHERE user_id = ${c.id} AND organization_id = ${ORG.acme}`)) > BigInt(mv0));
        for (const s of [s1, s2]) {
            expectProblem(await api('GET', '/api/v1/me', { token: s.token }), 401, 'token_revoked');
            expectProblem(await refresh(s.refresh), 401, 'refresh_token_invalid');
        }
        await loginAs(uname('a4'));
    });

    test('refusals change nothing: stale If-Match 412, self 403, platform admin 403, other organization 404, member 403', async () => {
        const c = await mkUser(alice, 'a5');
        const stale = await alice.post(`${c.location}/disable`, undefined, { headers: { 'If-Match': '"stale"' } });
        expectProblem(stale, 412, 'precondition_failed');
        await expectNoSuccessAudit(stale);
        const ok = await alice.post(`${c.location}/disable`, undefined, { headers: { 'If-Match': c.etag } });
        expectStatus(ok, 200, 'current If-Match');
        for (const a of ['disable', 'lock', 'expire-credentials']) {
            expectForbidden(await alice.post(`${uPath(UID.alice)}/${a}`), `self ${a}`);
            expectForbidden(await alice.post(`${uPath(UID.admin)}/${a}`), `platform admin ${a}`, 'account_not_managed');
            expectNotFound(await gina.post(`${uPath(UID.alice)}/${a}`), `other organization ${a}`);
            expectForbidden(await bob.post(`${uPath(UID.carol)}/${a}`), `member ${a}`);
        }
        expectNotFound(await alice.post(`${uPath(MISSING)}/disable`));
        const st = (await admin.get(uPath(UID.admin))).json;
        assert.equal(st.status, 'enabled', 'admin untouched');
        assert.equal((await alice.get(uPath(UID.alice))).json.status, 'enabled');
        expectStatus(await alice.get('/api/v1/me'), 200, 'alice\'s own session continues');
    });
});

// -------------------------------------------------------------------------------------------------

describe('delete', () => {
    test('soft delete scrubs personal data, removes memberships, roles, teams and sessions, and frees username and email', async () => {
        const c = await mkUser(alice, 'd1', { first_name: 'Del', last_name: 'Eted', phone_number: '+14155550199', profile_image_ref: 'avatars/d1.png' });
        await sql(`INSERT INTO team_member (team_id, user_id) VALUES (1, ${c.id})`);
        const s = await loginAs(uname('d1'));
        const cur = expectETag(await alice.get(c.location), 'after the login (last_login moved)');
        const stale = await alice.del(c.location, { headers: { 'If-Match': c.etag } });
        expectProblem(stale, 412, 'precondition_failed');
        assert.equal((await userState(c.id)).row[8], 'NULL', 'a 412 deletes nothing');
        const d = await alice.del(c.location, { headers: { 'If-Match': cur } });
        expectStatus(d, 204);
        await expectAudit(d, 'user.delete', { actor: UID.alice });
        const st = await userState(c.id);
        const [username, mail, phone, first, last, full, image, noPassword, deletedAt, enabled] = st.row;
        assert.equal(username, `#deleted-${c.id}`);
        assert.equal(mail, `deleted-${c.id}@deleted.invalid`);
        assert.deepEqual([phone, first, last, full, image, noPassword, enabled], ['NULL', '', '', '', 'NULL', '1', '0']);
        assert.notEqual(deletedAt, 'NULL');
        assert.deepEqual(st.orgs, []);
        assert.deepEqual(st.roles, []);
        assert.equal(st.teams, 0);
        assert.equal(st.tokens, 0, 'refresh tokens (with addresses and user agents) are gone');
        expectNotFound(await alice.get(c.location));
        expectNotFound(await admin.get(c.location), 'not even for platform callers');
        expectNotFound(await alice.del(c.location), 'a second delete');
        expectProblem(await api('GET', '/api/v1/me', { token: s.token }), 401, 'token_revoked');
        expectProblem(await refresh(s.refresh), 401, 'refresh_token_invalid');
        expectProblem(await authLogin(uname('d1'), PW), 401, 'invalid_credentials');
        const list = await alice.get(`${USERS}?q=${uname('d1')}`);
        assert.deepEqual(list.json.items, []);
        // The username and email are free again.
        const again = await mkUser(alice, 'd1');
        assert.notEqual(again.id, c.id);
    });

    test('refusals: self 403, platform admin 403, other organization 404, member 403, a user in two organizations 403 account_not_managed for an organization admin', async () => {
        expectForbidden(await alice.del(uPath(UID.alice)), 'self');
        expectForbidden(await admin.del(uPath(UID.admin)), 'self (platform)');
        expectForbidden(await alice.del(uPath(UID.admin)), 'platform admin', 'account_not_managed');
        expectNotFound(await gina.del(uPath(UID.alice)));
        expectForbidden(await bob.del(uPath(UID.carol)));
        const c = await mkUser(alice, 'd2');
        await sql(`INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${c.id}, ${ORG.globex}, 0)`);
        const r = await alice.del(c.location);
        expectProblem(r, 403, 'account_not_managed', 'member elsewhere too');
        await expectNoSuccessAudit(r);
        assert.equal((await userState(c.id)).row[8], 'NULL');
        expectStatus(await admin.del(c.location), 204, 'a platform caller may');
        assert.deepEqual((await userState(c.id)).orgs, []);
    });
});

test('every users route has an endpoint mapping (routes --check)', async () => {
    const r = await gatehouse(['routes', '-c', CONF, '--check']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const p of ['/api/v1/users/{id}/end-sessions', '/api/v1/users/{id}/expire-credentials']) assert.ok(r.stdout.includes(p));
});
