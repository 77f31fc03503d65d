// The cached /me (issue 20; docs/tokens.md "The cached /me"): every worker keeps the /me answers
// it gave, so each test first has every worker answer (and keep) the user's /me, then makes one
// kind of change through the API, then asks every worker again: the very next answer of each
// must show the change. acrossWorkers sends bursts on fresh connections until the gatehouse log
// shows that every worker of the main pool answered; the consecutive requests on the main URL
// go over nginx's kept connections.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { rawRequest, sleep } from './lib.mjs';
import { mustLogin, refresh, me, createUser, deleteUser, newRid } from './authlib.mjs';
import { Client, ORG, acrossWorkers, expectStatus, uniq, sql, sqlValue, cleanupRun } from './authzlib.mjs';

const RUN = uniq();
const ME = '/api/v1/me';
const ORGS = '/api/v1/organizations';
const made = [];
let admin;

before(async () => {
    admin = await new Client('admin', { autoRelogin: true }).login();
});

after(async () => {
    try {
        await sql(`DELETE FROM organization WHERE slug LIKE 'mc-${RUN}-%'`);
        for (const id of made) await deleteUser(id).catch(() => {});
    } finally {
        await cleanupRun(RUN);
    }
});

async function user(tag) {
    const u = await createUser(`mc-${RUN}-${tag}`);
    made.push(u.id);
    Object.assign(u, await mustLogin(u.username));
    return u;
}

/** GET /me from every worker of the main pool, then 8 consecutive ones on the main URL: the bodies. */
async function meEverywhere(token) {
    const answers = [];
    await acrossWorkers(async (headers, base) => {
        const r = await rawRequest('GET', ME, { token, headers, base });
        answers.push(r);
        return r;
    });
    for (let i = 0; i < 8; i++) answers.push(await me(token, { 'X-Request-Id': newRid('mc') }));
    for (const r of answers) assert.equal(r.status, 200, r.text);
    return answers.map((r) => r.json);
}

/** Every worker answers /me, and every answer passes check(body). */
async function expectEverywhere(token, check, msg) {
    const bodies = await meEverywhere(token);
    bodies.forEach((b, i) => {
        try {
            check(b);
        } catch (e) {
            assert.fail(`${msg}: answer ${i + 1} of ${bodies.length}: ${e.message}\n${JSON.stringify(b)}`);
        }
    });
}

describe('GET /api/v1/me is cached per worker and shows every change on the next request', () => {
    test('the answer is the same, with the same ETag, from every worker', async () => {
        const u = await user('same');
        const first = await me(u.token);
        const tag = first.headers.get('etag');
        const answers = [];
        await acrossWorkers(async (headers, base) => {
            const r = await rawRequest('GET', ME, { token: u.token, headers, base });
            answers.push(r);
            return r;
        });
        for (const r of answers) {
            assert.equal(r.status, 200);
            assert.deepEqual(r.json, first.json);
            assert.equal(r.headers.get('etag'), tag);
        }
    });

    test('PATCH /me (the user) and PATCH /users/{id} (an administrator)', async () => {
        const u = await user('patch');
        await meEverywhere(u.token);
        const r = await rawRequest('PATCH', ME, { token: u.token, body: { first_name: 'Grace' } });
        assert.equal(r.status, 200, r.text);
        await expectEverywhere(u.token, (b) => assert.equal(b.user.first_name, 'Grace'), 'after PATCH /me');
        expectStatus(await admin.patch(`/api/v1/users/${u.id}`, { last_name: 'Hopper', phone_number: '+14155550123' }), 200);
        await expectEverywhere(u.token, (b) => {
            assert.equal(b.user.last_name, 'Hopper');
            assert.equal(b.user.phone_number, '+14155550123');
        }, 'after PATCH /users/{id}');
        const email = `mc-${RUN}-renamed@acme.test`;
        expectStatus(await admin.patch(`/api/v1/users/${u.id}`, { email }), 200);
        await expectEverywhere(u.token, (b) => {
            assert.equal(b.user.email, email);
            assert.equal(b.user.email_verified, false);
        }, 'after an administrator changed the email');
    });

    test('a login elsewhere moves last_login', async () => {
        const u = await user('login');
        const before = (await meEverywhere(u.token))[0].user.last_login;
        await sleep(5);
        const again = await mustLogin(u.username);
        const want = (await me(again.token)).json.user.last_login;
        assert.notEqual(want, before);
        await expectEverywhere(u.token, (b) => assert.equal(b.user.last_login, want), 'after another login');
    });

    test('a new membership, a new primary organization and a removal elsewhere', async () => {
        const u = await user('member');
        const org = expectStatus(await admin.post(ORGS, { slug: `mc-${RUN}-m`, name: `MC ${RUN} M` }), 201);
        await meEverywhere(u.token);
        expectStatus(await admin.post(`${ORGS}/${org.id}/members`, { user_id: u.id }), [200, 201]);
        await expectEverywhere(u.token, (b) => {
            assert.deepEqual(b.organizations.map((o) => o.id).sort(), [ORG.acme, org.id].sort());
        }, 'after the membership was added');
        expectStatus(await admin.req('PUT', `${ORGS}/${org.id}/members/${u.id}/primary`), [200, 204]);
        await expectEverywhere(u.token, (b) => {
            assert.equal(b.organizations.find((o) => o.id === org.id).is_primary, true);
            assert.equal(b.organizations.find((o) => o.id === ORG.acme).is_primary, false);
        }, 'after the primary organization changed');
        expectStatus(await admin.req('PUT', `${ORGS}/${ORG.acme}/members/${u.id}/primary`), [200, 204]);
        await expectEverywhere(u.token, (b) => {
            assert.equal(b.organizations.find((o) => o.id === ORG.acme).is_primary, true);
        }, 'after the primary organization changed back');
        expectStatus(await admin.del(`${ORGS}/${org.id}/members/${u.id}`), [200, 204]);
        await expectEverywhere(u.token, (b) => {
            assert.deepEqual(b.organizations.map((o) => o.id), [ORG.acme]);
        }, 'after the membership was removed');
    });

    test("an organization renamed, and deleted, changes its members' /me", async () => {
        const u = await user('orgname');
        const org = expectStatus(await admin.post(ORGS, { slug: `mc-${RUN}-r`, name: `MC ${RUN} before` }), 201);
        expectStatus(await admin.post(`${ORGS}/${org.id}/members`, { user_id: u.id }), [200, 201]);
        await meEverywhere(u.token);
        expectStatus(await admin.patch(`${ORGS}/${org.id}`, { name: `MC ${RUN} after` }), 200);
        await expectEverywhere(u.token, (b) => {
            assert.equal(b.organizations.find((o) => o.id === org.id).name, `MC ${RUN} after`);
        }, 'after the rename');
        expectStatus(await admin.del(`${ORGS}/${org.id}?cascade=true`), [200, 204]);
        // The deletion moves the permission_version of the members: a fresh token.
        const s = await mustLogin(u.username);
        await expectEverywhere(s.token, (b) => {
            assert.deepEqual(b.organizations.map((o) => o.id), [ORG.acme]);
        }, 'after the deletion');
    });

    test('a role granted, renamed and taken shows with the next token (the old one is refused at once)', async () => {
        const u = await user('roles');
        const role = expectStatus(await admin.post('/api/v1/roles', { name: `t_${RUN}_mc`, organization_id: ORG.acme }), 201);
        await meEverywhere(u.token);
        expectStatus(await admin.post(`/api/v1/users/${u.id}/roles`, { role: `t_${RUN}_mc`, organization_id: ORG.acme }), [200, 201]);
        assert.equal((await me(u.token)).status, 401, 'the token of before the grant is refused');
        let s = await refresh(u.refresh);
        assert.equal(s.status, 200, s.text);
        await expectEverywhere(s.token, (b) => assert.deepEqual(b.roles, ['member', `t_${RUN}_mc`]), 'after the grant');
        expectStatus(await admin.patch(`/api/v1/roles/${role.id}`, { name: `t_${RUN}_mc2` }), 200);
        s = await refresh(s.refresh);
        assert.equal(s.status, 200, s.text);
        await expectEverywhere(s.token, (b) => assert.deepEqual(b.roles, ['member', `t_${RUN}_mc2`]), 'after the rename');
        expectStatus(await admin.del(`/api/v1/users/${u.id}/roles/${role.id}?organization_id=${ORG.acme}`), [200, 204]);
        s = await refresh(s.refresh);
        assert.equal(s.status, 200, s.text);
        await expectEverywhere(s.token, (b) => assert.deepEqual(b.roles, ['member']), 'after the role was taken');
    });

    test('email verification status, set and cleared in the database by the API', async () => {
        const u = await user('verify');
        await meEverywhere(u.token);
        // An administrator's change of the address clears the verification; set it first by SQL
        // and have every worker keep the verified answer through a change the API makes.
        await sql(`UPDATE users SET email_verified_at = CURRENT_TIMESTAMP(6) WHERE id = ${u.id}`);
        expectStatus(await admin.patch(`/api/v1/users/${u.id}`, { full_name: 'Verified Person' }), 200);
        await expectEverywhere(u.token, (b) => assert.equal(b.user.email_verified, true), 'verified');
        expectStatus(await admin.patch(`/api/v1/users/${u.id}`, { email: `mc-${RUN}-v2@acme.test` }), 200);
        await expectEverywhere(u.token, (b) => {
            assert.equal(b.user.email_verified, false);
            assert.equal(b.user.email_verified_at, null);
        }, 'after the address changed');
    });

    test('uv:<user> deleted by hand drops every kept answer of that user', async () => {
        const u = await user('flush');
        await meEverywhere(u.token);
        // A change made in SQL alone is not seen (that is what uv: is for) until uv: moves.
        await sql(`UPDATE users SET first_name = 'Direct' WHERE id = ${u.id}`);
        const { redis } = await import('./authlib.mjs');
        await redis('DEL', `uv:${u.id}`);
        await expectEverywhere(u.token, (b) => assert.equal(b.user.first_name, 'Direct'), 'after DEL uv:');
        assert.ok(await sqlValue(`SELECT COUNT(*) FROM users WHERE id = ${u.id}`));
    });
});
