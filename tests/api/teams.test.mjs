// Teams admin API (issue 5): teams of an organization and their members. CRUD with validation,
// 409 on a duplicate name, 201 + Location + ETag, If-Match (412 on a stale tag, nothing changed),
// cursor pagination for every sort, q over names, tenancy (another organization's team is 404,
// organization callers cannot name another organization, platform callers can), the membership
// rule (the user must belong to the team's organization), audit rows, and permission checks.
// Everything created here is named after RUN and removed again in after().

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { createUser, deleteUser } from './authlib.mjs';
import {
    Client, ORG, UID, desc, expectStatus, expectProblem, expectValidation, expectForbidden, expectNotFound,
    expectETag, expectCreated, namesField, listAll, expectAudit, expectNoSuccessAudit, count, uniq, sql, sqlValue,
} from './authzlib.mjs';

const RUN = uniq();
const TEAMS = '/api/v1/teams';
const teamPath = (id) => `${TEAMS}/${id}`;
const membersPath = (id) => `${TEAMS}/${id}/members`;
const memberPath = (id, uid) => `${TEAMS}/${id}/members/${uid}`;
const tname = (s) => `t_${RUN}_${s}`;
const MISSING = 999999999;
const SEED_TEAM = 1; // "Platform" in acme: alice lead, bob member

let admin; // platform_admin (and org_admin of acme)
let alice; // org_admin of acme
let bob; // member of acme: teams.read only
let gina; // org_admin of globex
const tempUsers = [];

before(async () => {
    admin = await new Client('admin', { autoRelogin: true }).login();
    alice = await new Client('alice').login();
    bob = await new Client('bob').login();
    gina = await new Client('gina').login();
});

after(async () => {
    try {
        await sql(`DELETE FROM team WHERE name LIKE 't\\_${RUN}%'`);
    } finally {
        for (const id of tempUsers) await deleteUser(id).catch(() => {});
    }
});

/** Creates a team as client (alice by default) and returns {id, location, etag, json}. */
async function mkTeam(suffix, { client = alice, ...extra } = {}) {
    const res = await client.post(TEAMS, { name: tname(suffix), ...extra });
    return expectCreated(res, TEAMS, `create team ${suffix}`);
}

/** 201 with Location (the membership's path) and ETag; returns {location, etag, json}. */
function expectMemberCreated(res, teamId, userId, msg = '') {
    expectStatus(res, 201, msg);
    const loc = res.headers.get('location');
    assert.ok(loc, `${msg} Location header missing: ${desc(res)}`);
    const location = new URL(loc, 'http://x/').pathname;
    assert.equal(location, memberPath(teamId, userId), `${msg} Location names the membership`);
    assert.equal(res.json?.team_id, teamId, `${msg} team_id`);
    assert.equal(res.json?.user_id, userId, `${msg} user_id`);
    return { location, etag: expectETag(res, msg), json: res.json };
}

async function addMember(teamId, userId, role, client = alice) {
    const body = { user_id: userId };
    if (role !== undefined) body.member_role = role;
    const res = await client.post(membersPath(teamId), body);
    return expectMemberCreated(res, teamId, userId, `add user ${userId} to team ${teamId}`);
}

function assertTeamShape(t) {
    for (const k of ['id', 'organization_id', 'name', 'description', 'member_count', 'created_at', 'updated_at', 'created_by', 'updated_by']) {
        assert.ok(k in t, `team has ${k}: ${JSON.stringify(t)}`);
    }
    assert.ok(Number.isInteger(t.member_count) && t.member_count >= 0, 'member_count is a count');
    assert.match(t.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
}

function assertMemberShape(m) {
    for (const k of ['team_id', 'user_id', 'username', 'email', 'full_name', 'member_role', 'created_at', 'created_by', 'updated_at', 'updated_by']) {
        assert.ok(k in m, `member has ${k}: ${JSON.stringify(m)}`);
    }
    assert.ok(['member', 'lead'].includes(m.member_role), `member_role: ${m.member_role}`);
}

const teamRow = async (id) => (await sql(`SELECT name, IFNULL(description, 'NULL') FROM team WHERE id = ${Number(id)}`))[0];
const memberRole = (team, uid) => sqlValue(`SELECT member_role FROM team_member WHERE team_id = ${Number(team)} AND user_id = ${Number(uid)}`);

describe('teams: create', () => {
    test('201 with Location, ETag and the team; the caller is recorded; audited', async () => {
        const res = await alice.post(TEAMS, { name: tname('create'), description: 'Builds things' });
        const { id, etag, json } = expectCreated(res, TEAMS, 'create');
        assertTeamShape(json);
        assert.equal(json.organization_id, ORG.acme, 'an organization caller creates in its own organization');
        assert.equal(json.name, tname('create'));
        assert.equal(json.description, 'Builds things');
        assert.equal(json.member_count, 0);
        assert.equal(json.created_by, UID.alice);
        assert.equal(json.updated_by, UID.alice);
        await expectAudit(res, 'team.create', { actor: UID.alice });
        const get = await alice.get(teamPath(id));
        assert.deepEqual(expectStatus(get, 200), json, 'GET answers what POST answered');
        assert.equal(expectETag(get), etag, 'same representation, same ETag');
    });

    test('description is optional and null', async () => {
        const { json } = await mkTeam('nodesc');
        assert.equal(json.description, null);
    });

    test('a duplicate name in the organization is 409 naming name, whatever its case; nothing audited', async () => {
        await mkTeam('dup');
        for (const name of [tname('dup'), tname('DUP')]) {
            const res = await alice.post(TEAMS, { name });
            const p = expectProblem(res, 409, 'conflict', name);
            assert.ok(namesField(p, 'name'), `409 names field name: ${desc(res)}`);
            await expectNoSuccessAudit(res, 'duplicate');
        }
        assert.equal(await count('team', `name = '${tname('dup')}'`), 1);
    });

    test('the same name in another organization is fine', async () => {
        const a = await mkTeam('shared');
        const g = await mkTeam('shared', { client: gina });
        assert.equal(g.json.organization_id, ORG.globex);
        assert.notEqual(a.id, g.id);
    });

    test('validation: 400 naming the field, nothing created', async () => {
        const cases = [
            [{}, 'name'],
            [{ name: '' }, 'name'],
            [{ name: 42 }, 'name'],
            [{ name: 'x'.repeat(101) }, 'name'],
            [{ name: ` ${tname('lead-space')}` }, 'name'],
            [{ name: `${tname('trail-space')} ` }, 'name'],
            [{ name: `${tname('ctl')}\u0007` }, 'name'],
            [{ name: `${tname('nl')}\nx` }, 'name'],
            [{ name: tname('d'), description: 'd'.repeat(501) }, 'description'],
            [{ name: tname('d'), description: 5 }, 'description'],
            [{ name: tname('o'), organization_id: 'acme' }, 'organization_id'],
            [{ name: tname('o'), organization_id: 0 }, 'organization_id'],
            [{ name: tname('o'), organization_id: 1.5 }, 'organization_id'],
            [{ name: tname('u'), colour: 'red' }, 'colour'],
        ];
        for (const [body, field] of cases) {
            const res = await alice.post(TEAMS, body);
            expectValidation(res, field, JSON.stringify(body));
        }
        assert.equal(await count('team', `name IN ('${tname('d')}', '${tname('o')}', '${tname('u')}')`), 0);
        // 100 characters (code points, not bytes) is the limit
        const long = `t_${RUN}_` + 'é'.repeat(100 - `t_${RUN}_`.length);
        const ok = await alice.post(TEAMS, { name: long });
        expectCreated(ok, TEAMS, '100 characters');
    });

    test('an organization caller cannot name another organization (403); its own is fine', async () => {
        const res = await alice.post(TEAMS, { name: tname('other-org'), organization_id: ORG.globex });
        const p = expectForbidden(res, 'another organization');
        assert.ok(namesField(p, 'organization_id'));
        assert.equal(await count('team', `name = '${tname('other-org')}'`), 0);
        const own = await mkTeam('own-org', { organization_id: ORG.acme });
        assert.equal(own.json.organization_id, ORG.acme);
    });

    test('a platform caller creates in any organization; an unknown organization is 400', async () => {
        const g = await mkTeam('by-admin', { client: admin, organization_id: ORG.globex });
        assert.equal(g.json.organization_id, ORG.globex);
        assert.equal(g.json.created_by, UID.admin);
        const d = await mkTeam('admin-default', { client: admin });
        assert.equal(d.json.organization_id, ORG.acme, 'defaults to the token organization');
        const res = await admin.post(TEAMS, { name: tname('nowhere'), organization_id: MISSING });
        expectValidation(res, 'organization_id', 'unknown organization');
    });

    test('a member without teams.create gets 403', async () => {
        const res = await bob.post(TEAMS, { name: tname('by-bob') });
        expectForbidden(res, 'bob');
        assert.equal(await count('team', `name = '${tname('by-bob')}'`), 0);
    });
});

describe('teams: read and list', () => {
    let ids; // acme teams of this describe, in creation (id) order
    const names = ['lst-delta', 'lst-alpha', 'lst-Charlie', 'lst-bravo', 'lst-echo'];

    before(async () => {
        ids = [];
        for (const n of names) ids.push((await mkTeam(n)).id);
    });

    test('GET /teams/{id}: 200 with ETag and member_count; the seed team has 2 members', async () => {
        const res = await bob.get(teamPath(SEED_TEAM));
        const t = expectStatus(res, 200);
        expectETag(res);
        assertTeamShape(t);
        assert.equal(t.name, 'Platform');
        assert.equal(t.member_count, 2);
    });

    test('unknown and malformed ids are 404', async () => {
        for (const id of [MISSING, 0, -1, 'abc', '1x', '99999999999999999999']) {
            expectNotFound(await alice.get(teamPath(id)), `id ${id}`);
        }
    });

    test('lists are organization-scoped: globex sees none of acme, acme none of globex', async () => {
        const g = await mkTeam('scoped', { client: gina });
        const acme = (await listAll(alice, TEAMS)).items;
        assert.ok(acme.every((t) => t.organization_id === ORG.acme), 'alice lists acme teams only');
        assert.ok(acme.some((t) => t.id === SEED_TEAM));
        assert.ok(!acme.some((t) => t.id === g.id));
        const globex = (await listAll(gina, TEAMS)).items;
        assert.ok(globex.every((t) => t.organization_id === ORG.globex), 'gina lists globex teams only');
        assert.ok(globex.some((t) => t.id === g.id));
        for (const t of acme) assertTeamShape(t);
    });

    test('organization_id: platform callers pick any organization, others only their own', async () => {
        const g = await mkTeam('pick', { client: gina });
        const byAdmin = (await listAll(admin, `${TEAMS}?organization_id=${ORG.globex}`)).items;
        assert.ok(byAdmin.some((t) => t.id === g.id), 'admin lists globex teams');
        assert.ok(byAdmin.every((t) => t.organization_id === ORG.globex));
        const own = (await listAll(admin, TEAMS)).items;
        assert.ok(own.every((t) => t.organization_id === ORG.acme), 'admin defaults to its token organization');
        const res = await alice.get(`${TEAMS}?organization_id=${ORG.globex}`);
        const p = expectForbidden(res, 'alice lists globex');
        assert.ok(namesField(p, 'organization_id'));
        expectStatus(await alice.get(`${TEAMS}?organization_id=${ORG.acme}`), 200);
        for (const bad of ['abc', '0', '-1', '1.5', '']) {
            expectValidation(await admin.get(`${TEAMS}?organization_id=${encodeURIComponent(bad)}`), 'organization_id', `organization_id=${bad}`);
        }
    });

    test('q matches part of the name, case-insensitively; % and _ are literal', async () => {
        const r = await listAll(alice, `${TEAMS}?q=${encodeURIComponent(`${RUN}_LST-`)}`);
        assert.deepEqual(r.items.map((t) => t.id).sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
        const pct = await mkTeam('100%_sure');
        const under = await listAll(alice, `${TEAMS}?q=${encodeURIComponent(`${RUN}_100%_`)}`);
        assert.deepEqual(under.items.map((t) => t.id), [pct.id]);
        const none = await listAll(alice, `${TEAMS}?q=${encodeURIComponent(`${RUN}%lst`)}`);
        assert.equal(none.items.length, 0, '% is not a wildcard');
        const unders = await listAll(alice, `${TEAMS}?q=${encodeURIComponent(`${RUN}_lst_alpha`)}`);
        assert.equal(unders.items.length, 0, '_ is not a wildcard');
        expectValidation(await alice.get(`${TEAMS}?q=${'x'.repeat(101)}`), 'q', 'q too long');
    });

    test('every sort pages through the same teams in its order', async () => {
        const q = `q=${encodeURIComponent(`${RUN}_lst-`)}`;
        const byName = [...names].map((n, i) => ({ n: tname(n).toLowerCase(), id: ids[i] }))
            .sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : a.id - b.id))
            .map((x) => x.id);
        const byId = [...ids].sort((a, b) => a - b);
        const want = { id: byId, '-id': [...byId].reverse(), name: byName, '-name': [...byName].reverse() };
        for (const [sort, order] of Object.entries(want)) {
            for (const limit of [1, 2, 5]) {
                const r = await listAll(alice, `${TEAMS}?${q}&sort=${encodeURIComponent(sort)}`, { limit });
                assert.deepEqual(r.items.map((t) => t.id), order, `sort=${sort} limit=${limit}`);
                assert.equal(r.pages, Math.max(1, Math.ceil(order.length / limit)), `sort=${sort} limit=${limit} pages`);
            }
        }
        const def = await listAll(alice, `${TEAMS}?${q}`, { limit: 2 });
        assert.deepEqual(def.items.map((t) => t.id), byId, 'default order is by id');
    });

    test('bad limit, cursor and sort are 400 naming them; a cursor only works with its sort', async () => {
        for (const l of ['0', '201', 'x', '-1', '1.5']) expectValidation(await alice.get(`${TEAMS}?limit=${l}`), 'limit', `limit=${l}`);
        for (const c of ['zz', 'bm9wZQ', '!!!']) expectValidation(await alice.get(`${TEAMS}?cursor=${c}`), 'cursor', `cursor=${c}`);
        for (const s of ['size', 'NAME', '+name', 'created_at']) expectValidation(await alice.get(`${TEAMS}?sort=${encodeURIComponent(s)}`), 'sort', `sort=${s}`);
        const q = `q=${encodeURIComponent(`${RUN}_lst-`)}`;
        const byName = expectStatus(await alice.get(`${TEAMS}?${q}&sort=name&limit=1`), 200);
        assert.ok(byName.next_cursor);
        expectValidation(await alice.get(`${TEAMS}?${q}&cursor=${byName.next_cursor}`), 'cursor', 'name cursor with sort=id');
        expectValidation(await alice.get(`${TEAMS}?${q}&sort=-name&cursor=${byName.next_cursor}`), 'cursor', 'name cursor with sort=-name');
        const byId = expectStatus(await alice.get(`${TEAMS}?${q}&limit=1`), 200);
        expectValidation(await alice.get(`${TEAMS}?${q}&sort=name&cursor=${byId.next_cursor}`), 'cursor', 'id cursor with sort=name');
    });

    test('HEAD answers like GET without a body', async () => {
        const res = await alice.req('HEAD', teamPath(SEED_TEAM));
        expectStatus(res, 200);
        expectETag(res);
        assert.equal(res.text, '');
    });
});

describe('teams: update', () => {
    test('rename and describe: 200, new ETag, updated_by; audited; null clears the description', async () => {
        const t = await mkTeam('upd', { description: 'first' });
        const res = await alice.patch(teamPath(t.id), { name: tname('upd2'), description: 'second' }, { headers: { 'If-Match': t.etag } });
        const j = expectStatus(res, 200);
        assert.equal(j.name, tname('upd2'));
        assert.equal(j.description, 'second');
        assert.equal(j.updated_by, UID.alice);
        assert.equal(j.created_at, t.json.created_at);
        assert.notEqual(expectETag(res), t.etag);
        await expectAudit(res, 'team.update', { actor: UID.alice });
        const cleared = expectStatus(await admin.patch(teamPath(t.id), { description: null }), 200);
        assert.equal(cleared.description, null);
        assert.equal(cleared.name, tname('upd2'), 'absent fields are kept');
        assert.equal(cleared.updated_by, UID.admin);
    });

    test('a stale If-Match is 412 with the current ETag and changes nothing', async () => {
        const t = await mkTeam('stale', { description: 'keep' });
        const cur = expectETag(await alice.patch(teamPath(t.id), { description: 'moved' }));
        const res = await alice.patch(teamPath(t.id), { name: tname('stale-x') }, { headers: { 'If-Match': t.etag } });
        expectProblem(res, 412, 'precondition_failed');
        assert.equal(res.headers.get('etag'), cur, '412 carries the current ETag');
        assert.deepEqual(await teamRow(t.id), [tname('stale'), 'moved']);
        await expectNoSuccessAudit(res, 'stale');
        expectStatus(await alice.patch(teamPath(t.id), { name: tname('stale-y') }, { headers: { 'If-Match': cur } }), 200);
    });

    test('renaming onto another team of the organization is 409 naming name', async () => {
        await mkTeam('taken');
        const t = await mkTeam('mover');
        const p = expectProblem(await alice.patch(teamPath(t.id), { name: tname('TAKEN') }), 409, 'conflict');
        assert.ok(namesField(p, 'name'));
        assert.deepEqual(await teamRow(t.id), [tname('mover'), 'NULL']);
    });

    test('validation: 400 naming the field; organization_id cannot be changed', async () => {
        const t = await mkTeam('val');
        const cases = [
            [{ name: '' }, 'name'],
            [{ name: ' x' }, 'name'],
            [{ name: 'x'.repeat(101) }, 'name'],
            [{ description: 'x'.repeat(501) }, 'description'],
            [{ organization_id: ORG.globex }, 'organization_id'],
            [{ member_count: 3 }, 'member_count'],
        ];
        for (const [body, field] of cases) expectValidation(await alice.patch(teamPath(t.id), body), field, JSON.stringify(body));
        assert.deepEqual(await teamRow(t.id), [tname('val'), 'NULL']);
    });

    test('an empty PATCH changes nothing and records nothing', async () => {
        const t = await mkTeam('noop');
        const res = await alice.patch(teamPath(t.id), {});
        assert.deepEqual(expectStatus(res, 200), t.json);
        assert.equal(expectETag(res), t.etag);
        await expectNoSuccessAudit(res, 'no-op');
    });

    test('a member without teams.update gets 403', async () => {
        const t = await mkTeam('bob-upd');
        expectForbidden(await bob.patch(teamPath(t.id), { name: tname('bob-upd2') }));
        assert.deepEqual(await teamRow(t.id), [tname('bob-upd'), 'NULL']);
    });
});

describe('teams: delete', () => {
    test('204; the memberships go with it; audited; then 404', async () => {
        const t = await mkTeam('del');
        await addMember(t.id, UID.bob);
        await addMember(t.id, UID.carol, 'lead');
        const cur = expectETag(await alice.get(teamPath(t.id)));
        const res = await alice.del(teamPath(t.id), { headers: { 'If-Match': cur } });
        expectStatus(res, 204);
        await expectAudit(res, 'team.delete', { actor: UID.alice });
        assert.equal(await count('team', `id = ${t.id}`), 0);
        assert.equal(await count('team_member', `team_id = ${t.id}`), 0);
        expectNotFound(await alice.get(teamPath(t.id)));
        expectNotFound(await alice.del(teamPath(t.id)), 'twice');
        assert.equal(await count('users', `id IN (${UID.bob}, ${UID.carol}) AND deleted_at IS NULL`), 2, 'users stay');
    });

    test('a stale If-Match is 412 and the team stays', async () => {
        const t = await mkTeam('del-stale');
        await addMember(t.id, UID.bob); // member_count is part of the representation
        const res = await alice.del(teamPath(t.id), { headers: { 'If-Match': t.etag } });
        expectProblem(res, 412, 'precondition_failed');
        assert.equal(await count('team', `id = ${t.id}`), 1);
        assert.equal(await count('team_member', `team_id = ${t.id}`), 1);
        await expectNoSuccessAudit(res, 'stale delete');
    });

    test('a member without teams.delete gets 403', async () => {
        const t = await mkTeam('bob-del');
        expectForbidden(await bob.del(teamPath(t.id)));
        assert.equal(await count('team', `id = ${t.id}`), 1);
    });
});

describe('teams: members', () => {
    test('add: 201 with Location and ETag; member_role defaults to member; member_count follows; audited', async () => {
        const t = await mkTeam('m-add');
        const res = await alice.post(membersPath(t.id), { user_id: UID.bob });
        const { json, location, etag } = expectMemberCreated(res, t.id, UID.bob, 'add bob');
        assert.equal(location, memberPath(t.id, UID.bob));
        assertMemberShape(json);
        assert.equal(json.team_id, t.id);
        assert.equal(json.user_id, UID.bob);
        assert.equal(json.username, 'bob');
        assert.equal(json.member_role, 'member');
        assert.equal(json.created_by, UID.alice);
        await expectAudit(res, 'team.member.add', { actor: UID.alice });
        const get = await bob.get(memberPath(t.id, UID.bob));
        assert.deepEqual(expectStatus(get, 200), json);
        assert.equal(expectETag(get), etag);
        const lead = await addMember(t.id, UID.carol, 'lead');
        assert.equal(lead.json.member_role, 'lead');
        assert.equal(expectStatus(await alice.get(teamPath(t.id)), 200).member_count, 2);
    });

    test('the user must belong to the team\'s organization: 400 naming user_id', async () => {
        const t = await mkTeam('m-org');
        for (const uid of [UID.gina, MISSING]) {
            const res = await alice.post(membersPath(t.id), { user_id: uid });
            expectValidation(res, 'user_id', `user ${uid}`);
            await expectNoSuccessAudit(res, `user ${uid}`);
        }
        // the platform admin is bound by the same rule
        const g = await mkTeam('m-org-g', { client: gina });
        expectValidation(await admin.post(membersPath(g.id), { user_id: UID.bob }), 'user_id', 'acme user into a globex team');
        expectMemberCreated(await admin.post(membersPath(g.id), { user_id: UID.gina }), g.id, UID.gina, 'gina into globex');
        assert.equal(await count('team_member', `team_id = ${t.id}`), 0);
    });

    test('adding a member twice is 409 naming user_id', async () => {
        const t = await mkTeam('m-dup');
        await addMember(t.id, UID.bob);
        const p = expectProblem(await alice.post(membersPath(t.id), { user_id: UID.bob, member_role: 'lead' }), 409, 'conflict');
        assert.ok(namesField(p, 'user_id'));
        assert.equal(await memberRole(t.id, UID.bob), 'member', 'the membership is unchanged');
    });

    test('validation of add: 400 naming the field', async () => {
        const t = await mkTeam('m-val');
        const cases = [
            [{}, 'user_id'],
            [{ user_id: String(UID.bob) }, 'user_id'],
            [{ user_id: 0 }, 'user_id'],
            [{ user_id: 2.5 }, 'user_id'],
            [{ user_id: UID.bob, member_role: 'owner' }, 'member_role'],
            [{ user_id: UID.bob, member_role: 'LEAD' }, 'member_role'],
            [{ user_id: UID.bob, member_role: 1 }, 'member_role'],
            [{ user_id: UID.bob, team_id: t.id }, 'team_id'],
        ];
        for (const [body, field] of cases) expectValidation(await alice.post(membersPath(t.id), body), field, JSON.stringify(body));
        assert.equal(await count('team_member', `team_id = ${t.id}`), 0);
    });

    test('set member_role: 200 with a new ETag; stale If-Match 412 changes nothing; audited', async () => {
        const t = await mkTeam('m-role');
        const m = await addMember(t.id, UID.bob);
        const res = await alice.patch(memberPath(t.id, UID.bob), { member_role: 'lead' }, { headers: { 'If-Match': m.etag } });
        const j = expectStatus(res, 200);
        assert.equal(j.member_role, 'lead');
        assert.equal(j.updated_by, UID.alice);
        assert.equal(j.created_at, m.json.created_at);
        const cur = expectETag(res);
        assert.notEqual(cur, m.etag);
        await expectAudit(res, 'team.member.update', { actor: UID.alice });
        assert.equal(await memberRole(t.id, UID.bob), 'lead');

        const stale = await alice.patch(memberPath(t.id, UID.bob), { member_role: 'member' }, { headers: { 'If-Match': m.etag } });
        expectProblem(stale, 412, 'precondition_failed');
        assert.equal(stale.headers.get('etag'), cur);
        assert.equal(await memberRole(t.id, UID.bob), 'lead');
        await expectNoSuccessAudit(stale, 'stale member patch');

        const same = await alice.patch(memberPath(t.id, UID.bob), { member_role: 'lead' }, { headers: { 'If-Match': cur } });
        assert.equal(expectETag(same), cur, 'setting the same role changes nothing');
        await expectNoSuccessAudit(same, 'no-op member patch');

        for (const [body, field] of [[{}, 'member_role'], [{ member_role: 'boss' }, 'member_role'], [{ member_role: null }, 'member_role'], [{ user_id: UID.carol }, 'user_id']]) {
            expectValidation(await alice.patch(memberPath(t.id, UID.bob), body), field, JSON.stringify(body));
        }
        expectNotFound(await alice.patch(memberPath(t.id, UID.carol), { member_role: 'lead' }), 'carol is not in the team');
        expectNotFound(await alice.patch(memberPath(t.id, MISSING), { member_role: 'lead' }), 'no such user');
    });

    test('remove: stale If-Match 412; 204; audited; then 404', async () => {
        const t = await mkTeam('m-del');
        const m = await addMember(t.id, UID.bob);
        await addMember(t.id, UID.carol);
        const moved = expectETag(await alice.patch(memberPath(t.id, UID.bob), { member_role: 'lead' }));
        const stale = await alice.del(memberPath(t.id, UID.bob), { headers: { 'If-Match': m.etag } });
        expectProblem(stale, 412, 'precondition_failed');
        assert.equal(await memberRole(t.id, UID.bob), 'lead');
        const res = await alice.del(memberPath(t.id, UID.bob), { headers: { 'If-Match': moved } });
        expectStatus(res, 204);
        await expectAudit(res, 'team.member.remove', { actor: UID.alice });
        assert.equal(await memberRole(t.id, UID.bob), undefined);
        expectNotFound(await alice.del(memberPath(t.id, UID.bob)), 'twice');
        expectNotFound(await alice.get(memberPath(t.id, UID.bob)), 'read after delete');
        assert.equal(expectStatus(await alice.get(teamPath(t.id)), 200).member_count, 1);
    });

    test('list: filter by member_role, every sort pages in order; bad parameters are 400', async () => {
        const t = await mkTeam('m-list');
        const extra = [];
        for (let i = 0; i < 3; i++) {
            const u = await createUser(`tm${RUN}`);
            tempUsers.push(u.id);
            extra.push(u);
        }
        await addMember(t.id, UID.carol, 'lead');
        await addMember(t.id, UID.bob);
        for (const u of extra) await addMember(t.id, u.id, u === extra[1] ? 'lead' : undefined);
        const all = [
            { id: UID.bob, name: 'bob', role: 'member' },
            { id: UID.carol, name: 'carol', role: 'lead' },
            ...extra.map((u, i) => ({ id: u.id, name: u.username, role: i === 1 ? 'lead' : 'member' })),
        ];
        const byId = [...all].sort((a, b) => a.id - b.id).map((x) => x.id);
        const byName = [...all].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((x) => x.id);
        const want = { user_id: byId, '-user_id': [...byId].reverse(), username: byName, '-username': [...byName].reverse() };
        for (const [sort, order] of Object.entries(want)) {
            for (const limit of [1, 2, 50]) {
                const r = await listAll(bob, `${membersPath(t.id)}?sort=${encodeURIComponent(sort)}`, { limit, key: (m) => m.user_id });
                assert.deepEqual(r.items.map((m) => m.user_id), order, `sort=${sort} limit=${limit}`);
                for (const m of r.items) assertMemberShape(m);
            }
        }
        const leads = await listAll(alice, `${membersPath(t.id)}?member_role=lead`, { key: (m) => m.user_id });
        assert.deepEqual(leads.items.map((m) => m.user_id).sort((a, b) => a - b),
            all.filter((x) => x.role === 'lead').map((x) => x.id).sort((a, b) => a - b));
        expectValidation(await alice.get(`${membersPath(t.id)}?member_role=boss`), 'member_role');
        expectValidation(await alice.get(`${membersPath(t.id)}?sort=name`), 'sort');
        expectValidation(await alice.get(`${membersPath(t.id)}?limit=0`), 'limit');
        expectValidation(await alice.get(`${membersPath(t.id)}?cursor=nope`), 'cursor');
        expectNotFound(await alice.get(membersPath(MISSING)));
    });

    test('a deleted (soft) account is neither listed nor counted', async () => {
        const t = await mkTeam('m-soft');
        const u = await createUser(`tm${RUN}`);
        tempUsers.push(u.id);
        await addMember(t.id, u.id);
        await addMember(t.id, UID.bob);
        assert.equal(expectStatus(await alice.get(teamPath(t.id)), 200).member_count, 2);
        await sql(`UPDATE users SET deleted_at = CURRENT_TIMESTAMP(6) WHERE id = ${u.id}`);
        assert.equal(expectStatus(await alice.get(teamPath(t.id)), 200).member_count, 1);
        const list = expectStatus(await alice.get(membersPath(t.id)), 200);
        assert.deepEqual(list.items.map((m) => m.user_id), [UID.bob]);
        expectNotFound(await alice.get(memberPath(t.id, u.id)));
        expectValidation(await alice.post(membersPath(t.id), { user_id: u.id }), 'user_id', 'deleted user cannot be added');
    });

    test('a member (teams.read only) can read but not change memberships', async () => {
        const t = await mkTeam('m-bob');
        await addMember(t.id, UID.carol);
        expectStatus(await bob.get(membersPath(t.id)), 200);
        expectForbidden(await bob.post(membersPath(t.id), { user_id: UID.bob }));
        expectForbidden(await bob.patch(memberPath(t.id, UID.carol), { member_role: 'lead' }));
        expectForbidden(await bob.del(memberPath(t.id, UID.carol)));
        assert.equal(await memberRole(t.id, UID.carol), 'member');
        assert.equal(await memberRole(t.id, UID.bob), undefined);
    });
});

describe('teams: tenancy', () => {
    let acmeTeam;
    let globexTeam;

    before(async () => {
        acmeTeam = await mkTeam('ten-acme');
        await addMember(acmeTeam.id, UID.bob);
        globexTeam = await mkTeam('ten-globex', { client: gina });
        await addMember(globexTeam.id, UID.gina, undefined, gina);
    });

    test('another organization\'s team answers 404 on every route and nothing changes', async () => {
        const t = acmeTeam.id;
        const tries = [
            gina.get(teamPath(t)),
            gina.req('HEAD', teamPath(t)),
            gina.patch(teamPath(t), { name: tname('stolen') }),
            gina.del(teamPath(t)),
            gina.get(membersPath(t)),
            gina.post(membersPath(t), { user_id: UID.gina }),
            gina.get(memberPath(t, UID.bob)),
            gina.patch(memberPath(t, UID.bob), { member_role: 'lead' }),
            gina.del(memberPath(t, UID.bob)),
            alice.get(teamPath(globexTeam.id)),
            alice.del(teamPath(globexTeam.id)),
            alice.get(membersPath(globexTeam.id)),
            alice.del(memberPath(globexTeam.id, UID.gina)),
        ];
        for (const res of await Promise.all(tries)) {
            expectStatus(res, 404, 'cross-organization');
            if (res.method !== 'HEAD') expectNotFound(res);
            await expectNoSuccessAudit(res, 'cross-organization');
        }
        assert.deepEqual(await teamRow(t), [tname('ten-acme'), 'NULL']);
        assert.equal(await memberRole(t, UID.bob), 'member');
        assert.equal(await memberRole(t, UID.gina), undefined);
        assert.equal(await memberRole(globexTeam.id, UID.gina), 'member');
        assert.equal(await count('team', `id = ${globexTeam.id}`), 1);
    });

    test('the 404 of another organization\'s team is the 404 of a team that does not exist', async () => {
        const a = await gina.get(teamPath(acmeTeam.id));
        const b = await gina.get(teamPath(MISSING));
        assert.equal(a.status, b.status);
        assert.equal(a.json.code, b.json.code);
        assert.equal(a.json.title, b.json.title);
    });

    test('a platform caller reads and changes any organization\'s team', async () => {
        const g = expectStatus(await admin.get(teamPath(globexTeam.id)), 200);
        assert.equal(g.organization_id, ORG.globex);
        const res = await admin.patch(teamPath(globexTeam.id), { description: 'set by the platform' });
        assert.equal(expectStatus(res, 200).description, 'set by the platform');
        const row = await sql(`SELECT organization_id FROM audit_log WHERE request_id = '${res.rid}' AND action = 'team.update'`);
        assert.equal(row[0]?.[0], String(ORG.globex), 'the audit row names the team\'s organization');
        expectStatus(await admin.get(membersPath(globexTeam.id)), 200);
    });
});
