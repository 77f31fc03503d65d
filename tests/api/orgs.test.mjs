// Organizations admin API (issue 5, docs/api-orgs.md): list (q, status, sort, cursor), get,
// create, update (suspend / reactivate), delete (409 in_use unless ?cascade=true), members
// (list, get, add, remove, primary); validation naming the field, 404 across organizations, 412 on
// a stale If-Match with nothing changed, 201 + Location + ETag, audit rows, permission_version
// bumps, and the login refusing a suspended organization. Everything created here carries RUN in
// its slug or name and is removed again in after() (SQL safety net).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { gatehouse, CONF, URL_BASE } from './lib.mjs';
import { createUser, deleteUser, refresh, authLogin } from './authlib.mjs';
import {
    Client, ORG, UID, ROLES, userRolesPath,
    desc, expectStatus, expectProblem, expectValidation, expectForbidden, expectNotFound, expectETag,
    listAll, expectAudit, expectNoSuccessAudit, permissionVersion, userRoleKeys, count, cleanupRun,
    uniq, sql, sqlValue, waitAudit,
} from './authzlib.mjs';

const RUN = uniq();
const ORGS = '/api/v1/organizations';
const orgPath = (id) => `${ORGS}/${id}`;
const membersPath = (id) => `${ORGS}/${id}/members`;
const memberPath = (id, uid) => `${ORGS}/${id}/members/${uid}`;
const slug = (s) => `t-${RUN}-${s}`;
const MISSING = 999999999;

let admin;
let alice;
let bob;
let gina;
const tempUsers = [];

before(async () => {
    admin = await new Client('admin', { autoRelogin: true }).login();
    alice = await new Client('alice', { autoRelogin: true }).login();
    bob = await new Client('bob', { autoRelogin: true }).login();
    gina = await new Client('gina', { autoRelogin: true }).login();
});

after(async () => {
    try {
        await sql(`DELETE FROM organization WHERE slug LIKE 't-${RUN}-%'`);
    } finally {
        for (const id of tempUsers) await deleteUser(id).catch(() => {});
        await cleanupRun(RUN);
    }
});

async function tempUser(prefix = 'orgt') {
    const u = await createUser(`${prefix}${RUN}`);
    tempUsers.push(u.id);
    return u;
}

/** Creates an organization as admin; returns {id, location, etag, json}. */
async function mkOrg(suffix, extra = {}) {
    const res = await admin.post(ORGS, { slug: slug(suffix), name: `T ${RUN} ${suffix}`, ...extra });
    return expectOrgCreated(res, `create org ${suffix}`);
}

function expectOrgCreated(res, msg = '') {
    expectStatus(res, 201, msg);
    const j = res.json;
    assert.ok(j && Number.isInteger(j.id) && j.id > 0, `${msg} created object has an id: ${desc(res)}`);
    const loc = res.headers.get('location');
    assert.ok(loc, `${msg} Location header`);
    assert.equal(new URL(loc, URL_BASE + '/').pathname, orgPath(j.id), `${msg} Location names the organization`);
    return { id: j.id, location: orgPath(j.id), etag: expectETag(res, msg), json: j };
}

function assertOrgShape(o) {
    for (const k of ['id', 'slug', 'name', 'description', 'status', 'created_at', 'updated_at', 'created_by', 'updated_by']) {
        assert.ok(k in o, `organization has ${k}: ${JSON.stringify(o)}`);
    }
    assert.ok(['active', 'suspended'].includes(o.status));
    assert.match(o.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
}

function assertMemberShape(m) {
    for (const k of ['user_id', 'organization_id', 'username', 'email', 'full_name', 'is_primary', 'joined_at', 'roles']) {
        assert.ok(k in m, `member has ${k}: ${JSON.stringify(m)}`);
    }
    assert.equal(typeof m.is_primary, 'boolean');
    assert.ok(Array.isArray(m.roles));
}

async function addMember(orgId, userId, extra = {}) {
    const res = await admin.post(membersPath(orgId), { user_id: userId, ...extra });
    expectStatus(res, 201, `add member ${userId} to ${orgId}`);
    return res;
}

async function primaryOrgs(userId) {
    return (await sql(`SELECT organization_id FROM user_organization WHERE user_id = ${userId} AND is_primary = 1`)).map((r) => Number(r[0]));
}

async function orgRow(id) {
    const rows = await sql(`SELECT slug, name, IFNULL(description, 'NULL'), status, updated_at FROM organization WHERE id = ${id}`);
    return rows[0];
}

// ---------------------------------------------------------------------------------------------
describe('organizations: create, get, update, delete', () => {
    test('create: 201, Location, ETag, shape, created_by/updated_by, audit organization.create', async () => {
        const res = await admin.post(ORGS, { slug: slug('shape'), name: `T ${RUN} Shape`, description: 'made by a test' });
        const c = expectOrgCreated(res);
        assertOrgShape(c.json);
        assert.equal(c.json.slug, slug('shape'));
        assert.equal(c.json.name, `T ${RUN} Shape`);
        assert.equal(c.json.description, 'made by a test');
        assert.equal(c.json.status, 'active');
        assert.equal(c.json.created_by, UID.admin);
        assert.equal(c.json.updated_by, UID.admin);
        await expectAudit(res, 'organization.create', { actor: UID.admin });

        const g = await admin.get(c.location);
        expectStatus(g, 200);
        assert.equal(expectETag(g), c.etag, 'GET answers the create ETag');
        assert.deepEqual(g.json, c.json);

        const s = await mkOrg('born-suspended', { status: 'suspended' });
        assert.equal(s.json.status, 'suspended');
        assert.equal(s.json.description, null);
    });

    test('create: validation names the field, nothing created', async () => {
        const n0 = await count('organization');
        const cases = [
            [{ name: 'x' }, 'slug'],
            [{ slug: slug('v') }, 'name'],
            [{ slug: 'A-upper', name: 'x' }, 'slug'],
            [{ slug: 'a', name: 'x' }, 'slug'],
            [{ slug: '-lead', name: 'x' }, 'slug'],
            [{ slug: 'has_underscore', name: 'x' }, 'slug'],
            [{ slug: 'has space', name: 'x' }, 'slug'],
            [{ slug: 'a'.repeat(64), name: 'x' }, 'slug'],
            [{ slug: '12345', name: 'x' }, 'slug'],
            [{ slug: 7, name: 'x' }, 'slug'],
            [{ slug: slug('v'), name: '' }, 'name'],
            [{ slug: slug('v'), name: '   ' }, 'name'],
            [{ slug: slug('v'), name: 'tab\there' }, 'name'],
            [{ slug: slug('v'), name: 'n'.repeat(201) }, 'name'],
            [{ slug: slug('v'), name: 'x', description: 'd'.repeat(1001) }, 'description'],
            [{ slug: slug('v'), name: 'x', description: 3 }, 'description'],
            [{ slug: slug('v'), name: 'x', status: 'closed' }, 'status'],
            [{ slug: slug('v'), name: 'x', id: 5 }, 'id'],
        ];
        for (const [body, field] of cases) {
            expectValidation(await admin.post(ORGS, body), field, `POST ${JSON.stringify(body).slice(0, 80)}`);
        }
        assert.equal(await count('organization'), n0, 'no organization created by a refused request');
        // The longest slug (63) and name (200) are accepted; a slug may start with a digit.
        const long = `t-${RUN}-` + 'z'.repeat(63 - `t-${RUN}-`.length);
        const ok = await admin.post(ORGS, { slug: long, name: 'n'.repeat(200) });
        expectOrgCreated(ok, '63-character slug');
        expectOrgCreated(await admin.post(ORGS, { slug: `9${RUN}-t-${RUN}-d`, name: 'digit first' }), 'digit first');
        await sql(`DELETE FROM organization WHERE slug = '9${RUN}-t-${RUN}-d'`);
    });

    test('create: duplicate slug is 409 conflict naming slug', async () => {
        await mkOrg('dup');
        const res = await admin.post(ORGS, { slug: slug('dup'), name: 'again' });
        const p = expectProblem(res, 409, 'conflict');
        assert.equal(p.field, 'slug');
        await expectNoSuccessAudit(res);
    });

    test('create is platform-only: org_admin 403 by mapping; an org role holding organizations.create 403 too', async () => {
        expectForbidden(await alice.post(ORGS, { slug: slug('by-alice'), name: 'x' }), 'alice');
        expectForbidden(await bob.post(ORGS, { slug: slug('by-bob'), name: 'x' }), 'bob');
        const u = await tempUser('orgops');
        const role = `t_${RUN}_orgops`;
        expectStatus(await admin.post(ROLES, {
            name: role,
            organization_id: ORG.acme,
            permissions: ['organizations.read', 'organizations.create', 'organizations.update', 'organizations.delete', 'organizations.members'],
        }), 201, 'org role with every organizations.* permission');
        expectStatus(await admin.post(userRolesPath(u.id), { role, organization_id: ORG.acme }), 200);
        const c = await new Client(u.username).login();
        const cr = await c.post(ORGS, { slug: slug('by-orgrole'), name: 'x' });
        expectForbidden(cr, 'create through an organization role');
        assert.equal(await count('organization', `slug = '${slug('by-orgrole')}'`), 0);
        // The same caller cannot delete, suspend, or add users to its own organization...
        expectForbidden(await c.del(orgPath(ORG.acme)), 'delete own organization');
        const sus = await c.patch(orgPath(ORG.acme), { status: 'suspended' });
        const p = expectForbidden(sus, 'suspend own organization');
        assert.equal(p.field, 'status');
        assert.equal((await orgRow(ORG.acme))[3], 'active');
        expectForbidden(await c.post(membersPath(ORG.acme), { user_id: UID.gina }), 'add a user');
        // ...and sees no other organization.
        expectNotFound(await c.get(orgPath(ORG.globex)));
        expectNotFound(await c.del(orgPath(ORG.globex)));
        // Sending the current status is not a change.
        expectStatus(await c.patch(orgPath(ORG.acme), { status: 'active' }), 200);
    });

    test('get: 404 for a missing or malformed id', async () => {
        expectNotFound(await admin.get(orgPath(MISSING)));
        expectNotFound(await admin.get(`${ORGS}/abc`));
        expectNotFound(await admin.get(`${ORGS}/0`));
        expectNotFound(await admin.get(`${ORGS}/-1`));
    });

    test('update: PATCH name/description, ETag cycle, 412 on a stale If-Match changes nothing', async () => {
        const c = await mkOrg('upd', { description: 'one' });
        const p = await admin.patch(c.location, { name: `T ${RUN} Renamed`, description: 'two' }, { headers: { 'If-Match': c.etag } });
        expectStatus(p, 200, 'patch with the current If-Match');
        const etag2 = expectETag(p);
        assert.notEqual(etag2, c.etag);
        assert.equal(p.json.name, `T ${RUN} Renamed`);
        assert.equal(p.json.description, 'two');
        assert.equal(p.json.slug, c.json.slug);
        assert.equal(p.json.updated_by, UID.admin);
        await expectAudit(p, 'organization.update', { actor: UID.admin });
        const g = await admin.get(c.location);
        assert.equal(expectETag(g), etag2, 'GET after PATCH answers the new ETag');
        assert.deepEqual(g.json, p.json);

        const before = await orgRow(c.id);
        const stale = await admin.patch(c.location, { name: 'stale' }, { headers: { 'If-Match': c.etag } });
        expectProblem(stale, 412, 'precondition_failed');
        assert.equal(stale.headers.get('etag'), etag2, '412 carries the current ETag');
        assert.deepEqual(await orgRow(c.id), before, 'a 412 PATCH changes nothing');
        await expectNoSuccessAudit(stale, '412 patch');

        // description null clears it; a list of tags with the current one matches.
        const p2 = await admin.patch(c.location, { description: null }, { headers: { 'If-Match': `"nope", ${etag2}` } });
        expectStatus(p2, 200);
        assert.equal(p2.json.description, null);
        assert.equal(p2.json.name, `T ${RUN} Renamed`, 'an absent field is kept');
    });

    test('update: validation names the field; the slug cannot change', async () => {
        const c = await mkOrg('updv');
        for (const [body, field] of [
            [{ slug: 'other' }, 'slug'],
            [{ name: '' }, 'name'],
            [{ name: ' ' }, 'name'],
            [{ name: 'n'.repeat(201) }, 'name'],
            [{ name: 5 }, 'name'],
            [{ description: 'd'.repeat(1001) }, 'description'],
            [{ status: 'archived' }, 'status'],
            [{ status: true }, 'status'],
            [{ bogus: 1 }, 'bogus'],
        ]) {
            expectValidation(await admin.patch(c.location, body), field, `PATCH ${JSON.stringify(body).slice(0, 60)}`);
        }
        const g = await admin.get(c.location);
        assert.deepEqual(g.json, c.json, 'refused PATCHes changed nothing');
        expectProblem(await admin.patch(c.location, undefined, { raw: '' }), [400, 415], undefined);
        expectNotFound(await admin.patch(orgPath(MISSING), { name: 'x' }));
    });

    test('delete: an empty organization, If-Match honoured, audit organization.delete', async () => {
        const c = await mkOrg('del');
        const stale = await admin.del(c.location, { headers: { 'If-Match': '"0000"' } });
        expectProblem(stale, 412, 'precondition_failed');
        expectStatus(await admin.get(c.location), 200, 'a 412 DELETE leaves it');
        await expectNoSuccessAudit(stale);
        const d = await admin.del(c.location, { headers: { 'If-Match': c.etag } });
        expectStatus(d, 204);
        await expectAudit(d, 'organization.delete', { actor: UID.admin });
        expectNotFound(await admin.get(c.location));
        expectNotFound(await admin.del(c.location));
        expectNotFound(await admin.patch(c.location, { name: 'x' }));
        // org_admin has no organizations.delete
        expectForbidden(await alice.del(orgPath(ORG.acme)));
        expectValidation(await admin.del(orgPath(ORG.globex) + '?cascade=maybe'), 'cascade');
    });

    test('delete: 409 in_use while it has members; ?cascade=true removes memberships, roles, teams, invitations, policies, theme', async () => {
        const c = await mkOrg('casc');
        const u1 = await tempUser();
        const u2 = await tempUser();
        await addMember(c.id, u1.id, { is_primary: true });
        await addMember(c.id, u2.id);
        // An organization role held there, a shared role held there, a team, an invitation, a policy, a theme.
        const role = `t_${RUN}_casc`;
        const rr = await admin.post(ROLES, { name: role, organization_id: c.id, permissions: ['users.read'] });
        expectStatus(rr, 201);
        expectStatus(await admin.put(userRolesPath(u1.id), { roles: [role, 'member'], organization_id: c.id }), 200);
        expectStatus(await admin.put(userRolesPath(u2.id), { roles: ['member'], organization_id: c.id }), 200);
        await sql(`INSERT INTO team (organization_id, name) VALUES (${c.id}, 'T ${RUN} team');
                   INSERT INTO team_member (team_id, user_id) SELECT id, ${u1.id} FROM team WHERE organization_id = ${c.id};
                   INSERT INTO signup_info (purpose, organization_id, email, token_hash, expires_at)
                     VALUES ('invitation', ${c.id}, 'x-${RUN}@example.test', UNHEX(SHA2('${RUN}-casc', 256)), CURRENT_TIMESTAMP(6) + INTERVAL 1 DAY);
                   INSERT INTO policy (organization_id, kind, settings) VALUES (${c.id}, 'lockout', '{"threshold":5,"period":900}');
                   INSERT INTO org_theme (organization_id, primary_color) VALUES (${c.id}, '#123456');`);
        const acmeRoles1 = await userRoleKeys(u1.id);
        assert.ok(acmeRoles1.includes('member@1'), 'u1 keeps its acme role');

        const refused = await admin.del(c.location);
        const p = expectProblem(refused, 409, 'in_use');
        assert.match(p.detail, /cascade/);
        assert.equal(await count('user_organization', `organization_id = ${c.id}`), 2, 'a refused delete removes nothing');
        await expectNoSuccessAudit(refused);

        // u1 signs in to the organization: its access token must stop working after the delete.
        const s1 = await new Client(u1.username, { organization: c.json.slug }).login();
        expectStatus(await s1.get('/api/v1/me'), 200);
        const pv1 = await permissionVersion(u1.id);
        const pv2 = await permissionVersion(u2.id);

        const d = await admin.del(`${c.location}?cascade=true`);
        expectStatus(d, 204, 'cascade delete');
        const row = await expectAudit(d, 'organization.delete', { actor: UID.admin });
        assert.equal(row.target_id, String(c.id));
        const details = JSON.parse(await sqlValue(`SELECT details FROM audit_log WHERE request_id = '${d.rid}' AND action = 'organization.delete'`));
        assert.equal(details.cascade, true);
        assert.equal(details.members, 2);
        assert.equal(details.teams, 1);
        assert.equal(details.invitations, 1);
        assert.equal(details.roles, 1);

        for (const [table, where] of [
            ['organization', `id = ${c.id}`],
            ['user_organization', `organization_id = ${c.id}`],
            ['user_roles', `organization_id = ${c.id}`],
            ['roles', `organization_id = ${c.id}`],
            ['team', `organization_id = ${c.id}`],
            ['team_member', `user_id = ${u1.id}`],
            ['signup_info', `organization_id = ${c.id}`],
            ['policy', `organization_id = ${c.id}`],
            ['org_theme', `organization_id = ${c.id}`],
            ['refresh_tokens', `organization_id = ${c.id}`],
        ]) {
            assert.equal(await count(table, where), 0, `${table} rows of the organization are gone`);
        }
        assert.equal(await count('users', `id IN (${u1.id}, ${u2.id})`), 2, 'the users themselves stay');
        assert.deepEqual(await userRoleKeys(u1.id), acmeRoles1.filter((k) => !k.endsWith(`@${c.id}`)), 'roles elsewhere stay');
        assert.ok((await permissionVersion(u1.id)) > pv1, 'u1 permission_version bumped');
        assert.ok((await permissionVersion(u2.id)) > pv2, 'u2 permission_version bumped');
        expectProblem(await s1.get('/api/v1/me'), 401, 'token_revoked', 'the old access token');
        expectNotFound(await admin.get(c.location));
    });

    test('delete: members that are soft-deleted users do not block it', async () => {
        const c = await mkOrg('softdel');
        const u = await tempUser();
        await addMember(c.id, u.id);
        await sql(`UPDATE users SET deleted_at = CURRENT_TIMESTAMP(6) WHERE id = ${u.id}`);
        try {
            const l = await admin.get(membersPath(c.id));
            expectStatus(l, 200);
            assert.equal(l.json.items.length, 0, 'a deleted user is not listed');
            expectNotFound(await admin.get(memberPath(c.id, u.id)));
            expectStatus(await admin.del(c.location), 204);
        } finally {
            await sql(`UPDATE users SET deleted_at = NULL WHERE id = ${u.id}`);
        }
    });
});

// ---------------------------------------------------------------------------------------------
describe('organizations: list', () => {
    // Names chosen so that the orders by name, by created_at and by id differ; two equal names.
    const names = ['delta', 'alpha', 'charlie', 'bravo', 'alpha'];
    const made = [];

    before(async () => {
        for (let i = 0; i < names.length; i++) {
            const c = await mkOrg(`l${i}`, { name: `L${RUN} ${names[i]}`, status: i === 2 ? 'suspended' : 'active' });
            made.push(c.json);
        }
        // created_at in an order unlike the ids: the 5th first, then the 1st ... (microsecond distinct).
        const order = [4, 0, 3, 1, 2];
        for (let k = 0; k < order.length; k++) {
            await sql(`UPDATE organization SET created_at = '2020-01-0${k + 1} 00:00:00.00000${k}' WHERE id = ${made[order[k]].id}`);
        }
        for (const m of made) {
            const g = await admin.get(orgPath(m.id));
            Object.assign(m, g.json);
        }
    });

    const q = () => `q=${encodeURIComponent(`L${RUN}`)}`;
    const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
    const expected = {
        id: (a, b) => a.id - b.id,
        name: (a, b) => cmp(a.name, b.name) || a.id - b.id,
        created_at: (a, b) => cmp(a.created_at, b.created_at) || a.id - b.id,
    };

    for (const key of ['id', 'name', 'created_at']) {
        for (const dir of ['', '-']) {
            test(`sort=${dir}${key}: whole list and pages of 2 agree and are ordered`, async () => {
                const want = [...made].sort(expected[key]);
                if (dir) want.reverse();
                const whole = await admin.get(`${ORGS}?${q()}&sort=${dir}${key}`);
                expectStatus(whole, 200);
                assert.equal(whole.json.next_cursor, null);
                assert.deepEqual(whole.json.items.map((o) => o.id), want.map((o) => o.id), `order by ${dir}${key}`);
                const paged = await listAll(admin, `${ORGS}?${q()}&sort=${dir}${key}`, { limit: 2 });
                assert.deepEqual(paged.items.map((o) => o.id), want.map((o) => o.id), 'paging gives the same order');
                assert.equal(paged.pages, 3);
                for (const o of whole.json.items) assertOrgShape(o);
            });
        }
    }

    test('q matches slug or name (case-insensitive); status filters; LIKE wildcards are literal', async () => {
        const bySlug = await admin.get(`${ORGS}?q=${encodeURIComponent(slug('l3'))}`);
        expectStatus(bySlug, 200);
        assert.deepEqual(bySlug.json.items.map((o) => o.id), [made[3].id]);
        const byName = await admin.get(`${ORGS}?q=${encodeURIComponent(`l${RUN} ALPHA`)}`);
        assert.deepEqual(byName.json.items.map((o) => o.id).sort(), [made[1].id, made[4].id].sort());
        const sus = await admin.get(`${ORGS}?${q()}&status=suspended`);
        assert.deepEqual(sus.json.items.map((o) => o.id), [made[2].id]);
        const act = await admin.get(`${ORGS}?${q()}&status=active`);
        assert.equal(act.json.items.length, 4);
        for (const wild of ['%', '_', '!']) {
            const w = await admin.get(`${ORGS}?q=${encodeURIComponent(wild)}&limit=200`);
            expectStatus(w, 200);
            for (const o of w.json.items) {
                assert.ok(o.slug.includes(wild) || o.name.includes(wild), `q=${wild} matched ${o.slug} / ${o.name}`);
            }
        }
        const none = await admin.get(`${ORGS}?q=${encodeURIComponent(`${RUN}-nothing-like-this`)}`);
        assert.deepEqual(none.json, { items: [], next_cursor: null });
    });

    test('bad limit, cursor, sort, status, q: 400 naming the parameter', async () => {
        for (const [qs, field] of [
            ['limit=0', 'limit'],
            ['limit=201', 'limit'],
            ['limit=x', 'limit'],
            ['cursor=%21%21', 'cursor'],
            ['cursor=' + Buffer.from('name\nx\nabc').toString('base64url') + '&sort=name', 'cursor'],
            ['cursor=' + Buffer.from('nonsense').toString('base64url'), 'cursor'],
            ['sort=slug', 'sort'],
            ['sort=+name', 'sort'],
            ['status=deleted', 'status'],
            ['q=' + 'q'.repeat(201), 'q'],
        ]) {
            expectValidation(await admin.get(`${ORGS}?${qs}`), field, qs);
        }
        // A cursor made for one sort order is refused by another.
        const page = await admin.get(`${ORGS}?${q()}&sort=name&limit=1`);
        expectStatus(page, 200);
        assert.ok(page.json.next_cursor);
        expectValidation(await admin.get(`${ORGS}?${q()}&sort=created_at&limit=1&cursor=${page.json.next_cursor}`), 'cursor');
        expectStatus(await admin.get(`${ORGS}?${q()}&sort=name&limit=1&cursor=${page.json.next_cursor}`), 200);
    });

    test('tenancy: an organization caller lists only its own organization', async () => {
        const a = await alice.get(`${ORGS}?limit=200`);
        expectStatus(a, 200);
        assert.deepEqual(a.json.items.map((o) => o.id), [ORG.acme]);
        const g = await gina.get(`${ORGS}?limit=200`);
        assert.deepEqual(g.json.items.map((o) => o.id), [ORG.globex]);
        const b = await bob.get(`${ORGS}?${q()}`);
        assert.deepEqual(b.json.items, [], 'filters apply within the own organization');
        const all = await listAll(admin, ORGS, { limit: 3 });
        for (const m of made) assert.ok(all.items.some((o) => o.id === m.id), 'the platform caller sees every organization');
    });
});

// ---------------------------------------------------------------------------------------------
describe('organizations: tenancy (another organization answers 404)', () => {
    test('org callers: get, patch, delete, members of another organization -> 404; own organization readable', async () => {
        expectStatus(await alice.get(orgPath(ORG.acme)), 200);
        expectStatus(await bob.get(orgPath(ORG.acme)), 200, 'member holds organizations.read');
        expectForbidden(await bob.patch(orgPath(ORG.acme), { name: 'x' }), 'member has no organizations.update');
        const before = await orgRow(ORG.globex);
        for (const res of [
            await alice.get(orgPath(ORG.globex)),
            await alice.patch(orgPath(ORG.globex), { name: 'taken over' }),
            await alice.get(membersPath(ORG.globex)),
            await alice.get(memberPath(ORG.globex, UID.gina)),
            await alice.del(memberPath(ORG.globex, UID.gina)),
            await alice.req('PUT', `${memberPath(ORG.globex, UID.gina)}/primary`),
            await alice.post(membersPath(ORG.globex), { user_id: UID.bob }),
            await gina.get(orgPath(ORG.acme)),
            await gina.patch(orgPath(ORG.acme), { description: 'x' }),
            await gina.get(membersPath(ORG.acme)),
            await gina.del(memberPath(ORG.acme, UID.bob)),
            await gina.req('PUT', `${memberPath(ORG.acme, UID.bob)}/primary`),
        ]) {
            expectNotFound(res, `${res.method} ${res.path}`);
        }
        assert.deepEqual(await orgRow(ORG.globex), before, 'globex unchanged');
        assert.equal(await count('user_organization', `organization_id = ${ORG.globex} AND user_id = ${UID.gina}`), 1);
        assert.equal(await count('user_organization', `organization_id = ${ORG.acme} AND user_id = ${UID.bob}`), 1);
    });

    test('org_admin renames its own organization but cannot suspend it', async () => {
        const g = await alice.get(orgPath(ORG.acme));
        const orig = g.json;
        try {
            const p = await alice.patch(orgPath(ORG.acme), { description: `edited ${RUN}` }, { headers: { 'If-Match': g.headers.get('etag') } });
            expectStatus(p, 200);
            assert.equal(p.json.description, `edited ${RUN}`);
            assert.equal(p.json.updated_by, UID.alice);
            await expectAudit(p, 'organization.update', { actor: UID.alice });
            const s = await alice.patch(orgPath(ORG.acme), { status: 'suspended' });
            const pr = expectForbidden(s);
            assert.equal(pr.field, 'status');
            assert.equal((await orgRow(ORG.acme))[3], 'active');
        } finally {
            expectStatus(await admin.patch(orgPath(ORG.acme), { name: orig.name, description: orig.description }), 200);
        }
    });
});

// ---------------------------------------------------------------------------------------------
describe('organizations: suspension', () => {
    test('suspending ends the members\' tokens; login and refresh answer organization_suspended; reactivation restores login', async () => {
        const c = await mkOrg('susp');
        const u = await tempUser();
        await addMember(c.id, u.id);
        expectStatus(await admin.put(userRolesPath(u.id), { roles: ['member'], organization_id: c.id }), 200);
        const s = await new Client(u.username, { organization: c.json.slug }).login();
        assert.equal(s.loginJson.organization.id, c.id);
        expectStatus(await s.get('/api/v1/me'), 200);
        const pv = await permissionVersion(u.id);

        const res = await admin.patch(c.location, { status: 'suspended' });
        expectStatus(res, 200);
        assert.equal(res.json.status, 'suspended');
        await expectAudit(res, 'organization.suspend', { actor: UID.admin });
        assert.ok((await permissionVersion(u.id)) > pv, 'members\' permission_version bumped');

        expectProblem(await s.get('/api/v1/me'), 401, 'token_revoked', 'access token after suspension');
        const r = await refresh(s.refresh);
        expectProblem(r, 403, 'organization_suspended', 'refresh into a suspended organization');
        const l = await authLogin(u.username, undefined, { organization: c.json.slug });
        const p = expectProblem(l, 403, 'organization_suspended', 'login to a suspended organization');
        assert.equal(p.field, 'organization');
        const row = await waitAudit(l.rid, 'auth.login.failure');
        assert.equal(row.reason, 'organization_suspended');
        // Its other organization (acme, primary) still works.
        expectStatus(await authLogin(u.username), 200, 'login to the primary organization');
        // Suspended organizations can be read and listed by the platform.
        const g = await admin.get(c.location);
        assert.equal(g.json.status, 'suspended');

        const re = await admin.patch(c.location, { status: 'active' });
        expectStatus(re, 200);
        await expectAudit(re, 'organization.reactivate', { actor: UID.admin });
        expectStatus(await authLogin(u.username, undefined, { organization: c.json.slug }), 200, 'login after reactivation');
        expectStatus(await refresh(s.refresh), 200, 'the session survives a suspension');
    });
});

// ---------------------------------------------------------------------------------------------
describe('organizations: members', () => {
    test('add: 201 + Location + ETag + shape; duplicate 409; validation; audit organization.member.add', async () => {
        const c = await mkOrg('mem');
        const u = await tempUser();
        const res = await admin.post(membersPath(c.id), { user_id: u.id });
        expectStatus(res, 201);
        const loc = new URL(res.headers.get('location'), URL_BASE + '/').pathname;
        assert.equal(loc, memberPath(c.id, u.id));
        const etag = expectETag(res);
        assertMemberShape(res.json);
        assert.equal(res.json.user_id, u.id);
        assert.equal(res.json.organization_id, c.id);
        assert.equal(res.json.username, u.username);
        assert.equal(res.json.is_primary, false);
        assert.deepEqual(res.json.roles, []);
        await expectAudit(res, 'organization.member.add', { actor: UID.admin });
        const g = await admin.get(loc);
        expectStatus(g, 200);
        assert.equal(expectETag(g), etag);
        assert.deepEqual(g.json, res.json);

        const dup = await admin.post(membersPath(c.id), { user_id: u.id });
        assert.equal(expectProblem(dup, 409, 'conflict').field, 'user_id');
        for (const [body, field] of [
            [{}, 'user_id'],
            [{ user_id: 'x' }, 'user_id'],
            [{ user_id: 0 }, 'user_id'],
            [{ user_id: 1.5 }, 'user_id'],
            [{ user_id: MISSING }, 'user_id'],
            [{ user_id: u.id, is_primary: 'yes' }, 'is_primary'],
            [{ user_id: u.id, role: 'member' }, 'role'],
        ]) {
            expectValidation(await admin.post(membersPath(c.id), body), field, JSON.stringify(body));
        }
        expectNotFound(await admin.post(membersPath(MISSING), { user_id: u.id }));
        expectNotFound(await admin.get(memberPath(c.id, UID.gina)), 'not a member');
        expectNotFound(await admin.get(memberPath(c.id, 'abc')));
        expectForbidden(await alice.post(membersPath(ORG.acme), { user_id: UID.gina }), 'org callers cannot add users');
        expectForbidden(await bob.post(membersPath(ORG.acme), { user_id: UID.gina }), 'member: no organizations.members');
        assert.equal(await count('user_organization', `organization_id = ${ORG.acme} AND user_id = ${UID.gina}`), 0);
    });

    test('list: cursor pages, roles held there, no duplicates; members of the own organization only', async () => {
        const c = await mkOrg('memlist');
        const us = [await tempUser(), await tempUser(), await tempUser()];
        for (const u of us) await addMember(c.id, u.id);
        expectStatus(await admin.put(userRolesPath(us[1].id), { roles: ['member', 'org_admin'], organization_id: c.id }), 200);
        const all = await listAll(admin, membersPath(c.id), { limit: 1, key: (m) => m.user_id });
        assert.deepEqual(all.items.map((m) => m.user_id), us.map((u) => u.id).sort((a, b) => a - b));
        assert.equal(all.pages, 3);
        for (const m of all.items) assertMemberShape(m);
        assert.deepEqual(all.items.find((m) => m.user_id === us[1].id).roles, ['member', 'org_admin']);
        expectValidation(await admin.get(`${membersPath(c.id)}?limit=0`), 'limit');
        expectValidation(await admin.get(`${membersPath(c.id)}?cursor=zz`), 'cursor');
        expectNotFound(await admin.get(membersPath(MISSING)));
        const b = await bob.get(`${membersPath(ORG.acme)}?limit=200`);
        expectStatus(b, 200, 'a member lists its organization');
        assert.ok(b.json.items.some((m) => m.user_id === UID.alice));
    });

    test('primary: one per user; PUT marks it and clears the other; If-Match; audit organization.member.primary', async () => {
        const c = await mkOrg('prim');
        const u = await tempUser();
        assert.deepEqual(await primaryOrgs(u.id), [ORG.acme]);
        const add = await addMember(c.id, u.id, { is_primary: true });
        assert.equal(add.json.is_primary, true);
        assert.deepEqual(await primaryOrgs(u.id), [c.id], 'adding as primary moves the primary');

        const m = await admin.get(memberPath(ORG.acme, u.id));
        assert.equal(m.json.is_primary, false);
        const stale = await admin.req('PUT', `${memberPath(ORG.acme, u.id)}/primary`, { headers: { 'If-Match': add.headers.get('etag') } });
        expectProblem(stale, 412, 'precondition_failed');
        assert.deepEqual(await primaryOrgs(u.id), [c.id], 'a 412 changes nothing');
        const p = await admin.req('PUT', `${memberPath(ORG.acme, u.id)}/primary`, { headers: { 'If-Match': m.headers.get('etag') } });
        expectStatus(p, 200);
        assert.equal(p.json.is_primary, true);
        expectETag(p);
        await expectAudit(p, 'organization.member.primary', { actor: UID.admin });
        assert.deepEqual(await primaryOrgs(u.id), [ORG.acme]);
        // Login without an organization picks the primary.
        const l = await authLogin(u.username);
        assert.equal(l.json.organization.id, ORG.acme);
        // Again: idempotent.
        expectStatus(await admin.req('PUT', `${memberPath(ORG.acme, u.id)}/primary`), 200);
        assert.deepEqual(await primaryOrgs(u.id), [ORG.acme]);
        // An org admin may not move the primary of an account shared with another organization
        // (the primary is account-level, issue 13), but may once the account is acme's alone.
        expectStatus(await admin.req('PUT', `${memberPath(c.id, u.id)}/primary`), 200);
        expectProblem(await alice.req('PUT', `${memberPath(ORG.acme, u.id)}/primary`), 403, 'account_not_managed', 'shared account');
        assert.deepEqual(await primaryOrgs(u.id), [c.id]);
        expectStatus(await admin.del(memberPath(c.id, u.id)), 204);
        const a = await alice.req('PUT', `${memberPath(ORG.acme, u.id)}/primary`);
        expectStatus(a, 200, 'alice in acme');
        await expectAudit(a, 'organization.member.primary', { actor: UID.alice });
        assert.deepEqual(await primaryOrgs(u.id), [ORG.acme]);
        expectNotFound(await admin.req('PUT', `${memberPath(c.id, UID.gina)}/primary`), 'not a member');
        expectForbidden(await bob.req('PUT', `${memberPath(ORG.acme, UID.bob)}/primary`), 'member: no organizations.members');
    });

    test('remove: takes the roles held there and team places, ends its sessions there only (the membership version moves, not permission_version)', async () => {
        const c = await mkOrg('rm');
        const u = await tempUser();
        await addMember(c.id, u.id);
        expectStatus(await admin.put(userRolesPath(u.id), { roles: ['member'], organization_id: c.id }), 200);
        await sql(`INSERT INTO team (organization_id, name) VALUES (${c.id}, 'T ${RUN} rm');
                   INSERT INTO team_member (team_id, user_id) SELECT id, ${u.id} FROM team WHERE organization_id = ${c.id};
                   INSERT INTO team_member (team_id, user_id) VALUES (1, ${u.id});`);
        const s = await new Client(u.username, { organization: c.json.slug }).login();
        expectStatus(await s.get('/api/v1/me'), 200);
        const sAcme = await new Client(u.username).login();
        const pv = await permissionVersion(u.id);
        const m = await admin.get(memberPath(c.id, u.id));
        assert.deepEqual(m.json.roles, ['member']);

        const stale = await admin.del(memberPath(c.id, u.id), { headers: { 'If-Match': '"stale"' } });
        expectProblem(stale, 412, 'precondition_failed');
        assert.equal(await count('user_organization', `organization_id = ${c.id} AND user_id = ${u.id}`), 1, 'a 412 removes nothing');
        assert.equal(await count('user_roles', `organization_id = ${c.id} AND user_id = ${u.id}`), 1);

        const d = await admin.del(memberPath(c.id, u.id), { headers: { 'If-Match': m.headers.get('etag') } });
        expectStatus(d, 204);
        await expectAudit(d, 'organization.member.remove', { actor: UID.admin });
        assert.equal(await count('user_organization', `organization_id = ${c.id} AND user_id = ${u.id}`), 0);
        assert.equal(await count('user_roles', `organization_id = ${c.id} AND user_id = ${u.id}`), 0, 'roles held there removed');
        assert.deepEqual(await userRoleKeys(u.id), ['member@1'], 'roles in acme stay');
        assert.equal(await count('team_member tm JOIN team t ON t.id = tm.team_id', `tm.user_id = ${u.id} AND t.organization_id = ${c.id}`), 0, 'team places there removed');
        assert.equal(await count('team_member', `team_id = 1 AND user_id = ${u.id}`), 1, 'team places elsewhere stay');
        assert.equal(await permissionVersion(u.id), pv, 'permission_version unchanged: other organizations keep their tokens');
        expectProblem(await s.get('/api/v1/me'), 401, 'token_revoked');
        expectStatus(await sAcme.get('/api/v1/me'), 200, 'the acme token goes on');
        expectProblem(await refresh(s.refresh), 401, 'refresh_token_invalid', 'the session in that organization ended');
        expectStatus(await refresh(sAcme.refresh), 200, 'the session in acme goes on');
        expectProblem(await authLogin(u.username, undefined, { organization: c.json.slug }), 403, 'organization_not_allowed');
        expectNotFound(await admin.del(memberPath(c.id, u.id)), 'already removed');
        expectNotFound(await admin.get(memberPath(c.id, u.id)));

        // An org admin removes a member of its own organization.
        const u2 = await tempUser();
        const a = await alice.del(memberPath(ORG.acme, u2.id));
        expectStatus(a, 204, 'alice removes a member of acme');
        await expectAudit(a, 'organization.member.remove', { actor: UID.alice });
        assert.deepEqual(await userRoleKeys(u2.id), []);
        expectForbidden(await bob.del(memberPath(ORG.acme, UID.carol)), 'member: no organizations.members');
    });
});

test('gatehouse routes --check: every organizations route is mapped', async () => {
    const r = await gatehouse(['routes', '-c', CONF, '--check']);
    assert.equal(r.code, 0, `routes --check exit ${r.code}: ${r.stderr}${r.stdout}`);
    for (const [method, pattern, perm] of [
        ['GET', '/api/v1/organizations', 'organizations.read'],
        ['POST', '/api/v1/organizations', 'organizations.create'],
        ['GET', '/api/v1/organizations/{id}', 'organizations.read'],
        ['PATCH', '/api/v1/organizations/{id}', 'organizations.update'],
        ['DELETE', '/api/v1/organizations/{id}', 'organizations.delete'],
        ['GET', '/api/v1/organizations/{id}/members', 'organizations.read'],
        ['POST', '/api/v1/organizations/{id}/members', 'organizations.members'],
        ['GET', '/api/v1/organizations/{id}/members/{user_id}', 'organizations.read'],
        ['DELETE', '/api/v1/organizations/{id}/members/{user_id}', 'organizations.members'],
        ['PUT', '/api/v1/organizations/{id}/members/{user_id}/primary', 'organizations.members'],
    ]) {
        const line = r.stdout.split('\n').find((l) => {
            const f = l.trim().split(/\s+/);
            return f[0] === method && f[1] === pattern;
        });
        assert.ok(line, `routes prints ${method} ${pattern}`);
        assert.ok(line.includes(perm), `${method} ${pattern} needs ${perm}: ${line}`);
    }
});
