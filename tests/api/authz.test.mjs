// Authorization admin API (issue 4 contract): roles, permissions, endpoint mappings, role
// permissions, user roles; validation, 404/409/412, ETag, 201 + Location, cursor pagination, audit
// rows; in-use and system refusals; changes that take effect on the very next request in every
// worker; the route table check; /api/v1/me/permissions. Everything created here is named after
// RUN and removed again (through the API, with a SQL safety net in after()).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { gatehouse, rawRequest, CONF, api, login, DIRECT_URL } from './lib.mjs';
import { refresh, decodeJwt, createUser, deleteUser } from './authlib.mjs';
import {
    Client, ROLES, PERMS, ENDPOINTS, ME_PERMS, userRolesPath, ORG, UID,
    desc, expectStatus, expectProblem, expectValidation, expectForbidden, expectNotFound, expectETag,
    expectCreated, namesField, listAll, expectAudit, expectNoSuccessAudit, roleId, permId, rolePerms, userRoleKeys,
    userPermsSql, count, cleanupRun, restoreUserRoles, acrossWorkers, expectAcrossWorkers, uniq, sql, bumpAuthz,
} from './authzlib.mjs';

const RUN = uniq();
const roleName = (s) => `t_${RUN}_${s}`;
const permName = (s) => `zt${RUN}.${s}`;
const MODULE = `zt${RUN}`;
const extPath = (s) => `/ext/${RUN}/${s}`;
const MISSING = 999999999;
const ME = '/api/v1/me';

let admin;
const tempUsers = [];

before(async () => {
    admin = await new Client('admin', { autoRelogin: true }).login();
});

after(async () => {
    try {
        await restoreUserRoles(UID.bob, 'member', ORG.acme);
    } finally {
        for (const id of tempUsers) await deleteUser(id).catch(() => {});
        await cleanupRun(RUN);
    }
});

/** Creates a role as admin (org acme unless given) and returns the created object. */
async function mkRole(suffix, extra = {}) {
    const res = await admin.post(ROLES, { name: roleName(suffix), organization_id: ORG.acme, ...extra });
    return expectCreated(res, ROLES, `create role ${suffix}`);
}
async function mkPerm(suffix, extra = {}) {
    const res = await admin.post(PERMS, { name: permName(suffix), description: `test ${RUN}`, ...extra });
    return expectCreated(res, PERMS, `create permission ${suffix}`);
}
async function mkEndpoint(permission, pattern, method = 'GET', extra = {}) {
    const res = await admin.post(ENDPOINTS, { permission, api_endpoint: pattern, http_method: method, ...extra });
    return expectCreated(res, ENDPOINTS, `create mapping ${method} ${pattern}`);
}

/** The contract's fields of a user-role item. */
const item = ({ role_id, name, scope, organization_id }) => ({ role_id, name, scope, organization_id });

function assertRoleShape(r) {
    for (const k of ['id', 'name', 'description', 'organization_id', 'scope', 'is_system', 'permissions', 'created_at', 'updated_at']) {
        assert.ok(k in r, `role has ${k}: ${JSON.stringify(r)}`);
    }
    assert.ok(Array.isArray(r.permissions), 'role.permissions is an array');
    assert.deepEqual(r.permissions, [...r.permissions].sort(), 'role.permissions sorted');
    assert.ok(['platform', 'organization'].includes(r.scope));
    assert.equal(typeof r.is_system, 'boolean');
}
function assertPermShape(p) {
    for (const k of ['id', 'name', 'module', 'description', 'is_system', 'created_at', 'updated_at']) {
        assert.ok(k in p, `permission has ${k}: ${JSON.stringify(p)}`);
    }
    assert.equal(typeof p.is_system, 'boolean');
}
function assertEndpointShape(e) {
    for (const k of ['id', 'permission', 'permission_id', 'api_endpoint', 'http_method', 'description', 'is_active', 'created_at', 'updated_at']) {
        assert.ok(k in e, `mapping has ${k}: ${JSON.stringify(e)}`);
    }
    assert.equal(typeof e.is_active, 'boolean');
}

/**
 * The ETag / If-Match cycle on one object: GET has the create's tag; PATCH with the current tag
 * -> 200 + a new tag; PATCH and DELETE with the stale tag -> 412 precondition_failed and nothing
 * changed (re-read: same body and tag, no success audit); DELETE with the current tag -> 204.
 */
async function etagCycle(created, patchA, patchB, auditUpdate, auditDelete) {
    const loc = created.location;
    const g = await admin.get(loc);
    expectStatus(g, 200, 'get created');
    assert.equal(expectETag(g), created.etag, 'GET answers the same ETag as the create');
    assert.deepEqual(g.json, created.json, 'GET answers the created object');

    const p = await admin.patch(loc, patchA, { headers: { 'If-Match': created.etag } });
    expectStatus(p, 200, 'patch with the current If-Match');
    const etag2 = expectETag(p, 'patch');
    assert.notEqual(etag2, created.etag, 'a change moves the ETag');
    for (const [k, v] of Object.entries(patchA)) assert.deepEqual(p.json[k], v, `patched ${k}`);
    await expectAudit(p, auditUpdate, { actor: UID.admin });

    const g2 = await admin.get(loc);
    assert.equal(expectETag(g2), etag2, 'GET after PATCH answers the new ETag');

    const stale = await admin.patch(loc, patchB, { headers: { 'If-Match': created.etag } });
    expectProblem(stale, 412, 'precondition_failed', 'patch with a stale If-Match');
    const g3 = await admin.get(loc);
    expectStatus(g3, 200);
    assert.deepEqual(g3.json, g2.json, 'a 412 PATCH changes nothing');
    assert.equal(expectETag(g3), etag2, 'a 412 PATCH leaves the ETag');
    await expectNoSuccessAudit(stale, '412 patch');

    const staleDel = await admin.del(loc, { headers: { 'If-Match': created.etag } });
    expectProblem(staleDel, 412, 'precondition_failed', 'delete with a stale If-Match');
    const g4 = await admin.get(loc);
    expectStatus(g4, 200, 'a 412 DELETE leaves the object');
    assert.deepEqual(g4.json, g2.json);
    await expectNoSuccessAudit(staleDel, '412 delete');

    const d = await admin.del(loc, { headers: { 'If-Match': etag2 } });
    expectStatus(d, 204, 'delete with the current If-Match');
    await expectAudit(d, auditDelete, { actor: UID.admin });
    expectNotFound(await admin.get(loc), 'GET after DELETE');
    expectNotFound(await admin.patch(loc, patchA), 'PATCH after DELETE');
    expectNotFound(await admin.del(loc), 'DELETE after DELETE');
}

// ---------------------------------------------------------------------------------------------
describe('roles', () => {
    test('create: 201, Location, ETag, shape, audit role.create', async () => {
        const res = await admin.post(ROLES, {
            name: roleName('shape'),
            description: 'shape test',
            organization_id: ORG.acme,
            permissions: ['users.read', 'teams.read'],
        });
        const c = expectCreated(res, ROLES);
        assertRoleShape(c.json);
        assert.equal(c.json.name, roleName('shape'));
        assert.equal(c.json.description, 'shape test');
        assert.equal(c.json.organization_id, ORG.acme);
        assert.equal(c.json.scope, 'organization');
        assert.equal(c.json.is_system, false);
        assert.deepEqual(c.json.permissions, ['teams.read', 'users.read']);
        await expectAudit(res, 'role.create', { actor: UID.admin });
        assert.deepEqual(await rolePerms(c.id), ['teams.read', 'users.read'], 'role_permissions rows');
        expectStatus(await admin.del(c.location), 204);
    });

    test('ETag / If-Match cycle: update, 412 on a stale tag, delete; audit role.update/role.delete', async () => {
        const c = await mkRole('etag', { description: 'one' });
        await etagCycle(c, { description: 'two', name: roleName('etag2') }, { description: 'three' }, 'role.update', 'role.delete');
    });

    test('platform caller: a shared role (organization_id null) and a platform role', async () => {
        const shared = expectCreated(await admin.post(ROLES, { name: roleName('shared'), organization_id: null }), ROLES);
        assert.equal(shared.json.organization_id, null);
        assert.equal(shared.json.scope, 'organization');
        const plat = expectCreated(await admin.post(ROLES, { name: roleName('plat'), scope: 'platform', organization_id: null }), ROLES);
        assert.equal(plat.json.scope, 'platform');
        assert.equal(plat.json.organization_id, null);
        // A platform role only with organization_id null.
        expectValidation(await admin.post(ROLES, { name: roleName('plat1'), scope: 'platform', organization_id: ORG.acme }), 'scope');
        // A shared name is taken in every organization.
        expectProblem(await admin.post(ROLES, { name: roleName('shared'), organization_id: ORG.globex }), 409, 'conflict');
        expectStatus(await admin.del(shared.location), 204);
        expectStatus(await admin.del(plat.location), 204);
    });

    test('validation: each bad field named, nothing created', async () => {
        const n0 = await count('roles');
        const cases = [
            [{}, 'name'],
            [{ name: '9starts-with-digit' }, 'name'],
            [{ name: 'has space' }, 'name'],
            [{ name: 'x'.repeat(101) }, 'name'],
            [{ name: '' }, 'name'],
            [{ name: 12 }, 'name'],
            [{ name: roleName('v'), description: 5 }, 'description'],
            [{ name: roleName('v'), permissions: 'users.read' }, 'permissions'],
            [{ name: roleName('v'), permissions: ['no.such_permission'] }, 'permissions'],
            [{ name: roleName('v'), permissions: [5] }, 'permissions'],
            [{ name: roleName('v'), scope: 'galaxy' }, 'scope'],
            [{ name: roleName('v'), organization_id: 'acme' }, 'organization_id'],
            [{ name: roleName('v'), bogus: 1 }, 'bogus'],
        ];
        for (const [body, field] of cases) {
            expectValidation(await admin.post(ROLES, body), field, `POST ${JSON.stringify(body).slice(0, 80)}`);
        }
        assert.equal(await count('roles'), n0, 'no role created by a refused request');
        const c = await mkRole('pv');
        for (const [body, field] of [
            [{ name: 'bad name!' }, 'name'],
            [{ description: [] }, 'description'],
            [{ bogus: true }, 'bogus'],
        ]) {
            expectValidation(await admin.patch(c.location, body), field, `PATCH ${JSON.stringify(body)}`);
        }
        const g = await admin.get(c.location);
        assert.deepEqual(g.json, c.json, 'refused PATCHes changed nothing');
        expectStatus(await admin.del(c.location), 204);
    });

    test('409 conflict: duplicate name in the organization, a shared role name, rename onto a taken name', async () => {
        const a = await mkRole('dupa');
        const b = await mkRole('dupb');
        let p = expectProblem(await admin.post(ROLES, { name: roleName('dupa'), organization_id: ORG.acme }), 409, 'conflict');
        assert.ok(namesField(p, 'name'), `409 names field name: ${JSON.stringify(p)}`);
        p = expectProblem(await admin.post(ROLES, { name: 'member', organization_id: ORG.acme }), 409, 'conflict', 'shared role name');
        expectProblem(await admin.patch(b.location, { name: roleName('dupa') }), 409, 'conflict', 'rename onto a sibling');
        expectProblem(await admin.patch(b.location, { name: 'member' }), 409, 'conflict', 'rename onto a shared role');
        // The same name in another organization is fine.
        const g = expectCreated(await admin.post(ROLES, { name: roleName('dupa'), organization_id: ORG.globex }), ROLES);
        assert.equal(g.json.organization_id, ORG.globex);
        for (const x of [a, b, g]) expectStatus(await admin.del(x.location), 204);
    });

    test('404 for unknown ids', async () => {
        expectNotFound(await admin.get(`${ROLES}/${MISSING}`));
        expectNotFound(await admin.patch(`${ROLES}/${MISSING}`, { description: 'x' }));
        expectNotFound(await admin.del(`${ROLES}/${MISSING}`));
        expectNotFound(await admin.get(`${ROLES}/${MISSING}/permissions`));
        expectNotFound(await admin.put(`${ROLES}/${MISSING}/permissions`, { permissions: [] }));
        expectNotFound(await admin.post(`${ROLES}/${MISSING}/permissions`, { permission: 'users.read' }));
        expectNotFound(await admin.del(`${ROLES}/${MISSING}/permissions/users.read`));
    });

    test('system roles: rename and delete refused with system_role, nothing changed', async () => {
        for (const name of ['member', 'org_admin', 'platform_admin']) {
            const id = await roleId(name);
            const before = await admin.get(`${ROLES}/${id}`);
            expectStatus(before, 200);
            assert.equal(before.json.is_system, true, `${name} is_system`);
            const r = await admin.patch(`${ROLES}/${id}`, { name: roleName('renamed') });
            expectForbidden(r, `rename ${name}`, 'system_role');
            const d = await admin.del(`${ROLES}/${id}`);
            expectForbidden(d, `delete ${name}`, 'system_role');
            const after = await admin.get(`${ROLES}/${id}`);
            assert.deepEqual(after.json, before.json, `${name} unchanged`);
            await expectNoSuccessAudit(r);
            await expectNoSuccessAudit(d);
        }
    });

    test('list: limit 1 follows next_cursor to the end, no duplicates, same as one big page', async () => {
        const made = [await mkRole('pg1'), await mkRole('pg2'), await mkRole('pg3')];
        const total = await count('roles');
        const big = await listAll(admin, ROLES, { limit: 200 });
        const small = await listAll(admin, ROLES, { limit: 1, maxPages: total + 2 });
        assert.deepEqual(small.items.map((r) => r.id), big.items.map((r) => r.id), 'paging does not change the listing');
        assert.ok(small.pages >= small.items.length, 'one item per page');
        for (const m of made) assert.ok(small.items.some((r) => r.id === m.id), `role ${m.json.name} listed`);
        for (const r of small.items) {
            for (const k of ['id', 'name', 'description', 'organization_id', 'scope', 'is_system', 'created_at', 'updated_at']) {
                assert.ok(k in r, `listed role has ${k}: ${JSON.stringify(r)}`);
            }
        }
        // Filters.
        const plat = await listAll(admin, `${ROLES}?scope=platform`);
        assert.ok(plat.items.length >= 1 && plat.items.every((r) => r.scope === 'platform'), 'scope filter');
        assert.ok(plat.items.some((r) => r.name === 'platform_admin'));
        const acme = await listAll(admin, `${ROLES}?organization_id=${ORG.acme}`);
        assert.ok(acme.items.every((r) => r.organization_id === ORG.acme || r.organization_id === null), 'organization filter');
        for (const m of made) assert.ok(acme.items.some((r) => r.id === m.id));
        // Bad limit / cursor.
        for (const l of ['0', '201', 'abc', '-1', '1.5']) {
            expectValidation(await admin.get(`${ROLES}?limit=${l}`), 'limit', `limit=${l}`);
        }
        expectValidation(await admin.get(`${ROLES}?cursor=not-a-cursor%21`), 'cursor');
        for (const m of made) expectStatus(await admin.del(m.location), 204);
    });
});

// ---------------------------------------------------------------------------------------------
test('roles: list items are role objects, permissions included (contract: Roles {..., permissions})', async () => {
    const c = await mkRole('li', { permissions: ['users.read', 'teams.read'] });
    try {
        const { items } = await listAll(admin, `${ROLES}?organization_id=${ORG.acme}`);
        const mine = items.find((r) => r.id === c.id);
        assert.ok(mine, 'listed');
        assert.deepEqual(mine.permissions, ['teams.read', 'users.read'], `listed role carries its permissions: ${JSON.stringify(mine)}`);
        for (const r of items) assertRoleShape(r);
    } finally {
        expectStatus(await admin.del(c.location), 204);
    }
});

describe('role permissions', () => {
    test('GET, PUT, POST, DELETE with audit role.permissions.update', async () => {
        const c = await mkRole('rp', { permissions: ['users.read'] });
        const path = `${c.location}/permissions`;
        let g = await admin.get(path);
        expectStatus(g, 200);
        assert.deepEqual(g.json.items.map((p) => p.name), ['users.read']);
        for (const k of ['id', 'name', 'module', 'description']) assert.ok(k in g.json.items[0], `item has ${k}`);
        assert.equal(g.json.items[0].module, 'users');

        let r = await admin.put(path, { permissions: ['teams.read', 'organizations.read'] });
        expectStatus(r, 200, 'PUT');
        assertRoleShape(r.json);
        assert.equal(r.json.id, c.id);
        assert.deepEqual(r.json.permissions, ['organizations.read', 'teams.read']);
        await expectAudit(r, 'role.permissions.update', { actor: UID.admin });
        assert.deepEqual(await rolePerms(c.id), ['organizations.read', 'teams.read']);

        r = await admin.post(path, { permission: 'users.read' });
        expectStatus(r, 200, 'POST');
        assert.deepEqual(r.json.permissions, ['organizations.read', 'teams.read', 'users.read']);
        await expectAudit(r, 'role.permissions.update', { actor: UID.admin });

        r = await admin.del(`${path}/teams.read`);
        expectStatus(r, 204, 'DELETE');
        await expectAudit(r, 'role.permissions.update', { actor: UID.admin });
        g = await admin.get(path);
        assert.deepEqual(g.json.items.map((p) => p.name).sort(), ['organizations.read', 'users.read']);
        const role = await admin.get(c.location);
        assert.deepEqual(role.json.permissions, ['organizations.read', 'users.read'], 'role object follows');

        r = await admin.put(path, { permissions: [] });
        expectStatus(r, 200, 'PUT []');
        assert.deepEqual(r.json.permissions, []);
        expectStatus(await admin.del(c.location), 204);
    });

    test('validation: fields named, nothing changed', async () => {
        const c = await mkRole('rpv', { permissions: ['users.read'] });
        const path = `${c.location}/permissions`;
        for (const [body, field] of [
            [{}, 'permissions'],
            [{ permissions: 'users.read' }, 'permissions'],
            [{ permissions: ['no.such_permission'] }, 'permissions'],
            [{ permissions: ['users.read'], bogus: 1 }, 'bogus'],
        ]) {
            expectValidation(await admin.put(path, body), field, `PUT ${JSON.stringify(body)}`);
        }
        for (const [body, field] of [
            [{}, 'permission'],
            [{ permission: 5 }, 'permission'],
            [{ permission: 'no.such_permission' }, 'permission'],
            [{ permission: 'users.read', bogus: 1 }, 'bogus'],
        ]) {
            expectValidation(await admin.post(path, body), field, `POST ${JSON.stringify(body)}`);
        }
        assert.deepEqual(await rolePerms(c.id), ['users.read'], 'refused changes left the permissions');
        expectStatus(await admin.del(c.location), 204);
    });
});

// ---------------------------------------------------------------------------------------------
describe('permissions', () => {
    test('create: 201, Location, ETag, module defaults to the prefix, audit permission.create', async () => {
        const res = await admin.post(PERMS, { name: permName('read'), description: 'read things' });
        const c = expectCreated(res, PERMS);
        assertPermShape(c.json);
        assert.equal(c.json.name, permName('read'));
        assert.equal(c.json.module, MODULE);
        assert.equal(c.json.description, 'read things');
        assert.equal(c.json.is_system, false);
        await expectAudit(res, 'permission.create', { actor: UID.admin });
        const m = expectCreated(await admin.post(PERMS, { name: permName('write'), module: `${MODULE}x` }), PERMS);
        assert.equal(m.json.module, `${MODULE}x`, 'explicit module kept');
        const byModule = await listAll(admin, `${PERMS}?module=${MODULE}`);
        assert.deepEqual(byModule.items.map((p) => p.name), [permName('read')], 'module filter');
        expectStatus(await admin.del(c.location), 204);
        expectStatus(await admin.del(m.location), 204);
    });

    test('ETag / If-Match cycle; audit permission.update/permission.delete', async () => {
        const c = await mkPerm('etag');
        await etagCycle(c, { description: 'two', module: `${MODULE}y` }, { description: 'three' }, 'permission.update', 'permission.delete');
    });

    test('validation, duplicates, 404', async () => {
        const n0 = await count('permissions');
        for (const [body, field] of [
            [{}, 'name'],
            [{ name: 'Upper.case' }, 'name'],
            [{ name: 'nodot' }, 'name'],
            [{ name: `${MODULE}.` }, 'name'],
            [{ name: `.${MODULE}` }, 'name'],
            [{ name: `${MODULE}..x` }, 'name'],
            [{ name: `${MODULE}.${'a'.repeat(101 - MODULE.length - 1)}` }, 'name'],
            [{ name: 7 }, 'name'],
            [{ name: permName('v'), module: 7 }, 'module'],
            [{ name: permName('v'), description: 7 }, 'description'],
            [{ name: permName('v'), bogus: 1 }, 'bogus'],
        ]) {
            expectValidation(await admin.post(PERMS, body), field, `POST ${JSON.stringify(body).slice(0, 90)}`);
        }
        assert.equal(await count('permissions'), n0, 'nothing created');
        const c = await mkPerm('dup');
        const p = expectProblem(await admin.post(PERMS, { name: permName('dup') }), 409, 'conflict');
        assert.ok(namesField(p, 'name'), `409 names field name: ${JSON.stringify(p)}`);
        expectProblem(await admin.post(PERMS, { name: 'users.read' }), 409, 'conflict', 'a built-in name');
        for (const [body, field] of [
            [{ name: permName('renamed') }, 'name'],
            [{ description: 1 }, 'description'],
            [{ bogus: 1 }, 'bogus'],
        ]) {
            expectValidation(await admin.patch(c.location, body), field, `PATCH ${JSON.stringify(body)}`);
        }
        assert.deepEqual((await admin.get(c.location)).json, c.json, 'refused PATCHes changed nothing');
        expectNotFound(await admin.get(`${PERMS}/${MISSING}`));
        expectNotFound(await admin.patch(`${PERMS}/${MISSING}`, { description: 'x' }));
        expectNotFound(await admin.del(`${PERMS}/${MISSING}`));
        expectStatus(await admin.del(c.location), 204);
    });

    test('delete refused: system permission (403 system_permission), in use by a role or a mapping (409 in_use)', async () => {
        const sys = await permId('users.read');
        const r = await admin.del(`${PERMS}/${sys}`);
        expectForbidden(r, 'delete users.read', 'system_permission');
        expectStatus(await admin.get(`${PERMS}/${sys}`), 200, 'users.read still there');
        await expectNoSuccessAudit(r);

        const p = await mkPerm('inuse');
        const role = await mkRole('inuse', { permissions: [permName('inuse')] });
        let d = await admin.del(p.location);
        expectProblem(d, 409, 'in_use', 'granted to a role');
        await expectNoSuccessAudit(d);
        assert.deepEqual(await rolePerms(role.id), [permName('inuse')], 'nothing cascaded');
        expectStatus(await admin.del(`${role.location}/permissions/${permName('inuse')}`), 204);

        const m = await mkEndpoint(permName('inuse'), extPath('inuse'));
        d = await admin.del(p.location);
        expectProblem(d, 409, 'in_use', 'mapped to an endpoint');
        expectStatus(await admin.get(m.location), 200, 'the mapping is still there');
        expectStatus(await admin.del(m.location), 204);

        d = await admin.del(p.location);
        expectStatus(d, 204, 'no longer in use');
        await expectAudit(d, 'permission.delete', { actor: UID.admin });
        expectStatus(await admin.del(role.location), 204);
    });

    test('list: limit 1 follows next_cursor to the end, no duplicates', async () => {
        const total = await count('permissions');
        const small = await listAll(admin, PERMS, { limit: 1, maxPages: total + 2 });
        const big = await listAll(admin, PERMS, { limit: 200 });
        assert.deepEqual(small.items.map((p) => p.id), big.items.map((p) => p.id));
        assert.equal(small.items.length, total, 'every permission listed once');
        const users = await listAll(admin, `${PERMS}?module=users`);
        assert.ok(users.items.length >= 5 && users.items.every((p) => p.module === 'users'));
        expectValidation(await admin.get(`${PERMS}?limit=0`), 'limit');
        expectValidation(await admin.get(`${PERMS}?cursor=%2A%2A%2A`), 'cursor');
    });
});

// ---------------------------------------------------------------------------------------------
describe('endpoint mappings', () => {
    test('create: 201, Location, ETag, shape, defaults, audit endpoint.create; duplicate 409', async () => {
        const res = await admin.post(ENDPOINTS, {
            permission: 'users.read',
            api_endpoint: extPath('items/{id}'),
            http_method: 'GET',
            description: 'test mapping',
        });
        const c = expectCreated(res, ENDPOINTS);
        assertEndpointShape(c.json);
        assert.equal(c.json.permission, 'users.read');
        assert.equal(c.json.permission_id, await permId('users.read'));
        assert.equal(c.json.api_endpoint, extPath('items/{id}'));
        assert.equal(c.json.http_method, 'GET');
        assert.equal(c.json.is_active, true, 'active by default');
        await expectAudit(res, 'endpoint.create', { actor: UID.admin });
        expectProblem(
            await admin.post(ENDPOINTS, { permission: 'users.read', api_endpoint: extPath('items/{id}'), http_method: 'GET' }),
            409, 'conflict', 'duplicate mapping',
        );
        const w = await mkEndpoint('users.read', extPath('wild/**'), '*', { is_active: false });
        assert.equal(w.json.http_method, '*');
        assert.equal(w.json.is_active, false);
        expectStatus(await admin.del(c.location), 204);
        expectStatus(await admin.del(w.location), 204);
    });

    test('every http_method of the contract is accepted (GET POST PUT PATCH DELETE *) by POST and PATCH; HEAD and OPTIONS are refused naming http_method', async () => {
        const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', '*'];
        const made = [];
        try {
            for (const m of methods) {
                const r = await admin.post(ENDPOINTS, { permission: 'users.read', api_endpoint: extPath('methods'), http_method: m });
                expectStatus(r, 201, `POST http_method ${m}`);
                assert.equal(r.json.http_method, m);
                made.push(r.json.id);
            }
            const one = expectCreated(await admin.post(ENDPOINTS, { permission: 'teams.read', api_endpoint: extPath('methods'), http_method: 'GET' }), ENDPOINTS);
            made.push(one.id);
            for (const m of ['*', 'DELETE']) {
                const r = await admin.patch(one.location, { http_method: m });
                expectStatus(r, 200, `PATCH http_method ${m}`);
                assert.equal(r.json.http_method, m);
            }
            // HEAD is authorized as GET and OPTIONS carries no credentials: neither is a mapping method.
            for (const m of ['HEAD', 'OPTIONS', 'get']) {
                expectValidation(await admin.post(ENDPOINTS, { permission: 'users.read', api_endpoint: extPath('methods-bad'), http_method: m }), 'http_method');
                expectValidation(await admin.patch(one.location, { http_method: m }), 'http_method');
            }
        } finally {
            for (const id of made) await admin.del(`${ENDPOINTS}/${id}`);
        }
    });

    test('ETag / If-Match cycle; audit endpoint.update/endpoint.delete', async () => {
        const c = await mkEndpoint('teams.read', extPath('etag'));
        await etagCycle(
            c,
            { description: 'two', is_active: false, api_endpoint: extPath('etag/{x}'), http_method: 'POST' },
            { description: 'three' },
            'endpoint.update',
            'endpoint.delete',
        );
    });

    test('validation: each bad field named, nothing created; 404', async () => {
        const n0 = await count('permission_api_endpoints');
        const ok = { permission: 'users.read', api_endpoint: extPath('v'), http_method: 'GET' };
        for (const [over, field] of [
            [{ permission: undefined }, 'permission'],
            [{ permission: 'no.such_permission' }, 'permission'],
            [{ permission: 3 }, 'permission'],
            [{ api_endpoint: undefined }, 'api_endpoint'],
            [{ api_endpoint: '' }, 'api_endpoint'],
            [{ api_endpoint: 'ext/no-leading-slash' }, 'api_endpoint'],
            [{ api_endpoint: extPath('a/**/b') }, 'api_endpoint'],
            [{ api_endpoint: `/ext/${RUN}//b` }, 'api_endpoint'],
            [{ api_endpoint: extPath('{unclosed') }, 'api_endpoint'],
            [{ api_endpoint: extPath('sp ace') }, 'api_endpoint'],
            [{ http_method: undefined }, 'http_method'],
            [{ http_method: 'FETCH' }, 'http_method'],
            [{ http_method: 5 }, 'http_method'],
            [{ is_active: 'yes' }, 'is_active'],
            [{ description: 9 }, 'description'],
            [{ bogus: 1 }, 'bogus'],
        ]) {
            const body = { ...ok, ...over };
            for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
            expectValidation(await admin.post(ENDPOINTS, body), field, `POST ${JSON.stringify(body)}`);
        }
        assert.equal(await count('permission_api_endpoints'), n0, 'nothing created');
        const c = await mkEndpoint('users.read', extPath('pv'));
        for (const [body, field] of [
            [{ api_endpoint: 'nope' }, 'api_endpoint'],
            [{ http_method: 'NOPE' }, 'http_method'],
            [{ is_active: 1 }, 'is_active'],
            [{ permission: 'teams.read' }, 'permission'],
            [{ bogus: 1 }, 'bogus'],
        ]) {
            expectValidation(await admin.patch(c.location, body), field, `PATCH ${JSON.stringify(body)}`);
        }
        assert.deepEqual((await admin.get(c.location)).json, c.json, 'refused PATCHes changed nothing');
        expectNotFound(await admin.get(`${ENDPOINTS}/${MISSING}`));
        expectNotFound(await admin.patch(`${ENDPOINTS}/${MISSING}`, { description: 'x' }));
        expectNotFound(await admin.del(`${ENDPOINTS}/${MISSING}`));
        expectStatus(await admin.del(c.location), 204);
    });

    test('list: filters and limit 1 paging', async () => {
        const p = await mkPerm('ep');
        const a = await mkEndpoint(permName('ep'), extPath('l/a'), 'GET');
        const b = await mkEndpoint(permName('ep'), extPath('l/b'), 'POST', { is_active: false });
        const c = await mkEndpoint(permName('ep'), extPath('l/c/**'), '*');
        const mine = await listAll(admin, `${ENDPOINTS}?permission=${permName('ep')}`, { limit: 1, maxPages: 10 });
        assert.deepEqual(mine.items.map((e) => e.id).sort((x, y) => x - y), [a.id, b.id, c.id].sort((x, y) => x - y));
        const ids = (l) => l.items.filter((e) => e.permission === permName('ep')).map((e) => e.id).sort((x, y) => x - y);
        assert.deepEqual(ids(await listAll(admin, `${ENDPOINTS}?permission=${permName('ep')}&active=false`)), [b.id]);
        assert.deepEqual(ids(await listAll(admin, `${ENDPOINTS}?permission=${permName('ep')}&active=true`)), [a.id, c.id].sort((x, y) => x - y));
        assert.deepEqual(ids(await listAll(admin, `${ENDPOINTS}?permission=${permName('ep')}&method=POST`)), [b.id]);
        const total = await count('permission_api_endpoints');
        const all = await listAll(admin, ENDPOINTS, { limit: 1, maxPages: total + 2 });
        assert.equal(all.items.length, total, 'every mapping listed once');
        for (const e of all.items) assertEndpointShape(e);
        expectValidation(await admin.get(`${ENDPOINTS}?limit=500`), 'limit');
        for (const x of [a, b, c, p]) expectStatus(await admin.del(x.location), 204);
    });
});

// ---------------------------------------------------------------------------------------------
describe('user roles', () => {
    test('GET, POST, PUT, DELETE with audit user.roles.update; validation; 404', async () => {
        const u = await createUser('authz');
        tempUsers.push(u.id);
        const path = userRolesPath(u.id);
        const extra = await mkRole('ur', { permissions: ['teams.read'] });
        const memberId = await roleId('member');

        let r = await admin.get(path);
        expectStatus(r, 200);
        assert.deepEqual(r.json.items.map(item), [{ role_id: memberId, name: 'member', scope: 'organization', organization_id: ORG.acme }]);

        r = await admin.post(path, { role: roleName('ur') });
        expectStatus(r, 200, 'POST');
        assert.deepEqual(r.json.items.map((i) => i.name).sort(), ['member', roleName('ur')].sort());
        const it = r.json.items.find((i) => i.name === roleName('ur'));
        assert.deepEqual(item(it), { role_id: extra.id, name: roleName('ur'), scope: 'organization', organization_id: ORG.acme });
        await expectAudit(r, 'user.roles.update', { actor: UID.admin });
        assert.deepEqual(await userRoleKeys(u.id), [`member@${ORG.acme}`, `${roleName('ur')}@${ORG.acme}`].sort());

        r = await admin.put(path, { roles: [roleName('ur')] });
        expectStatus(r, 200, 'PUT');
        assert.deepEqual(r.json.items.map((i) => i.name), [roleName('ur')]);
        await expectAudit(r, 'user.roles.update', { actor: UID.admin });

        r = await admin.put(path, { roles: ['member', roleName('ur')], organization_id: ORG.acme });
        expectStatus(r, 200, 'PUT with organization_id');
        assert.equal(r.json.items.length, 2);

        r = await admin.del(`${path}/${extra.id}`);
        expectStatus(r, 204, 'DELETE');
        await expectAudit(r, 'user.roles.update', { actor: UID.admin });
        r = await admin.get(path);
        assert.deepEqual(r.json.items.map((i) => i.name), ['member']);

        for (const [body, field] of [
            [{}, 'roles'],
            [{ roles: 'member' }, 'roles'],
            [{ roles: ['no_such_role_' + RUN] }, 'roles'],
            [{ roles: ['member'], bogus: 1 }, 'bogus'],
        ]) {
            expectValidation(await admin.put(path, body), field, `PUT ${JSON.stringify(body)}`);
        }
        for (const [body, field] of [
            [{}, 'role'],
            [{ role: 7 }, 'role'],
            [{ role: 'no_such_role_' + RUN }, 'role'],
            [{ role: 'member', bogus: 1 }, 'bogus'],
        ]) {
            expectValidation(await admin.post(path, body), field, `POST ${JSON.stringify(body)}`);
        }
        assert.deepEqual(await userRoleKeys(u.id), [`member@${ORG.acme}`], 'refused changes left the roles');

        expectNotFound(await admin.get(userRolesPath(MISSING)));
        expectNotFound(await admin.put(userRolesPath(MISSING), { roles: ['member'] }));
        expectNotFound(await admin.post(userRolesPath(MISSING), { role: 'member' }));
        expectStatus(await admin.del(extra.location), 204);
    });

    test('concurrent grants and revokes of one user converge, none answers 503 (they deadlocked)', async () => {
        // 8 requests at once, on new FastCGI connections (DIRECT_URL) so that they reach several
        // workers: two grants of each of 4 roles, then two revokes of each. Each insert's foreign
        // key check held a shared lock on the users row that the other's permission_version bump
        // waited for: tests/faults found 5 of 8 grants answered 503.
        const u = await createUser('authzconc');
        tempUsers.push(u.id);
        const path = userRolesPath(u.id);
        const roles = [];
        for (let i = 0; i < 4; i++) roles.push(await mkRole(`conc${i}`, { permissions: ['teams.read'] }));
        const token = (await login('admin')).token;
        const call = (method, p, body) => api(method, DIRECT_URL + p, { token, body });
        for (let round = 0; round < 3; round++) {
            const grants = await Promise.all(Array.from({ length: 8 }, (_, i) =>
                call('POST', path, { role: roleName(`conc${i % 4}`) })));
            assert.deepEqual(grants.map((r) => r.status), Array(8).fill(200), `round ${round}: grants`);
            assert.deepEqual(await userRoleKeys(u.id),
                [`member@${ORG.acme}`, ...roles.map((_, i) => `${roleName(`conc${i}`)}@${ORG.acme}`)].sort());
            const revokes = await Promise.all(Array.from({ length: 8 }, (_, i) =>
                call('DELETE', `${path}/${roles[i % 4].id}`)));
            assert.deepEqual(revokes.map((r) => r.status).sort(), [204, 204, 204, 204, 404, 404, 404, 404],
                `round ${round}: revokes`);
            assert.deepEqual(await userRoleKeys(u.id), [`member@${ORG.acme}`]);
        }
        for (const r of roles) expectStatus(await admin.del(r.location), 204);
    });
});

// ---------------------------------------------------------------------------------------------
describe('changes take effect on the next request in every worker', () => {
    test('deactivating the GET /api/v1/me mapping: 403 at once, reactivating: 200 at once', async () => {
        const bob = await new Client('bob').login();
        expectStatus(await bob.get(ME), 200, 'bob before');
        // Every active mapping that grants GET /api/v1/me: the exact pattern and any /** above it.
        const all = (await listAll(admin, ENDPOINTS)).items;
        const covers = (e) => {
            if (!e.is_active || !(e.http_method === 'GET' || e.http_method === '*')) return false;
            if (e.api_endpoint === ME) return true;
            if (!e.api_endpoint.endsWith('/**')) return false;
            const base = e.api_endpoint.slice(0, -3);
            return ME === base || ME.startsWith(base + '/') || base === '';
        };
        const targets = all.filter(covers);
        assert.ok(targets.some((e) => e.api_endpoint === ME), `a mapping GET ${ME} exists: ${JSON.stringify(targets)}`);
        const ids = targets.map((e) => e.id);
        try {
            for (const id of ids) {
                const r = await admin.patch(`${ENDPOINTS}/${id}`, { is_active: false });
                expectStatus(r, 200, 'deactivate');
                assert.equal(r.json.is_active, false);
                await expectAudit(r, 'endpoint.update', { actor: UID.admin });
            }
            const next = await bob.get(ME);
            expectForbidden(next, 'the very next request');
            await expectAcrossWorkers('GET', ME, { token: bob.token }, { status: 403, code: 'forbidden' }, 'every worker denies at once');
            for (const id of ids) {
                const r = await admin.patch(`${ENDPOINTS}/${id}`, { is_active: true });
                expectStatus(r, 200, 'reactivate');
                assert.equal(r.json.is_active, true);
            }
            expectStatus(await bob.get(ME), 200, 'the very next request after reactivation');
            await expectAcrossWorkers('GET', ME, { token: bob.token }, { status: 200, code: null }, 'every worker allows at once');
        } finally {
            const left = await sql(`SELECT id FROM permission_api_endpoints WHERE is_active = 0 AND id IN (${ids.join(',') || 0})`);
            if (left.length) {
                await sql(`UPDATE permission_api_endpoints SET is_active = 1 WHERE id IN (${ids.join(',')})`);
                await bumpAuthz();
            }
        }
    });

    test('a mapping created through the API guards forward auth at once; deleted, it denies at once', async () => {
        const bob = await new Client('bob').login();
        const uri = extPath('fa/thing');
        const check = { token: bob.token, headers: { 'X-Original-Method': 'GET', 'X-Original-URI': uri } };
        const send = (h, base) => rawRequest('GET', '/api/v1/auth/check', { ...check, base, headers: { ...check.headers, ...h } });
        expectForbidden(await bob.get('/api/v1/auth/check', { headers: check.headers }), 'no mapping yet');
        const m = await mkEndpoint('self.read', extPath('fa/**'), 'GET');
        try {
            expectStatus(await bob.get('/api/v1/auth/check', { headers: check.headers }), 204, 'the very next check');
            let out = await acrossWorkers(send);
            assert.deepEqual(out.results.filter((r) => r.status !== 204), [], 'every worker allows at once');
            const d = await admin.del(m.location);
            expectStatus(d, 204);
            expectForbidden(await bob.get('/api/v1/auth/check', { headers: check.headers }), 'the very next check after delete');
            out = await acrossWorkers(send);
            assert.deepEqual(out.results.filter((r) => r.status !== 403), [], 'every worker denies at once');
        } finally {
            await admin.del(m.location);
        }
    });

    test('deleting a role a user holds takes its grants away at once', async () => {
        const gone = await mkRole('gone', { permissions: ['roles.read'] });
        try {
            expectStatus(await admin.post(userRolesPath(UID.bob), { role: roleName('gone') }), 200);
            const bob = await new Client('bob').login();
            assert.ok(bob.loginJson.roles.includes(roleName('gone')));
            expectStatus(await bob.get(ROLES), 200, 'the role grants roles.read');
            expectStatus(await admin.del(gone.location), 204, 'delete a held role');
            const next = await bob.get(ROLES);
            assert.ok([401, 403].includes(next.status), `the very next request is refused: ${desc(next)}`);
            const out = await acrossWorkers((h, base) => rawRequest('GET', ROLES, { token: bob.token, headers: h, base }));
            assert.deepEqual(out.results.filter((r) => r.status !== 401 && r.status !== 403), [], 'refused by every worker');
            assert.deepEqual(await userRoleKeys(UID.bob), [`member@${ORG.acme}`], 'the assignment went with the role');
        } finally {
            await restoreUserRoles(UID.bob, 'member', ORG.acme);
        }
    });

    test("a change of bob's roles fails his old token at once (every worker, four times in a row); refresh carries the new roles", async () => {
        const reader = await mkRole('reader', { permissions: ['roles.read'] });
        const login = await new Client('bob').login();
        let token = login.token;
        let rt = login.refresh;
        assert.deepEqual(decodeJwt(token).payload.roles, ['member']);
        expectForbidden(await login.get(ROLES, { token }), 'member lacks roles.read');

        const oldFails = async (tok, what) => {
            // The very next request, then at least 16 more spread until every worker answered.
            expectProblem(await login.get(ME, { token: tok }), 401, 'token_revoked', `${what}: the very next request`);
            await expectAcrossWorkers('GET', ME, { token: tok }, { status: 401, code: 'token_revoked' }, `${what}: old token refused by every worker`);
        };
        const renew = async (wantRoles, what) => {
            const r = await refresh(rt);
            assert.equal(r.status, 200, `${what}: refresh ${r.status} ${r.text.slice(0, 200)}`);
            assert.deepEqual([...decodeJwt(r.token).payload.roles].sort(), [...wantRoles].sort(), `${what}: token roles`);
            assert.deepEqual([...r.json.roles].sort(), [...wantRoles].sort(), `${what}: response roles`);
            token = r.token;
            rt = r.refresh;
            return r;
        };
        try {
            // 1: PUT adds reader.
            let r = await admin.put(userRolesPath(UID.bob), { roles: ['member', roleName('reader')] });
            expectStatus(r, 200, 'PUT bob roles');
            await expectAudit(r, 'user.roles.update', { actor: UID.admin });
            await oldFails(token, 'PUT');
            await renew(['member', roleName('reader')], 'after PUT');
            expectStatus(await login.get(ROLES, { token }), 200, 'the new role grants roles.read');

            // 2: DELETE removes it.
            r = await admin.del(`${userRolesPath(UID.bob)}/${reader.id}`);
            expectStatus(r, 204, 'DELETE bob role');
            await oldFails(token, 'DELETE');
            await renew(['member'], 'after DELETE');
            expectForbidden(await login.get(ROLES, { token }), 'roles.read gone again');

            // 3: POST adds it back.
            r = await admin.post(userRolesPath(UID.bob), { role: roleName('reader') });
            expectStatus(r, 200, 'POST bob role');
            await oldFails(token, 'POST');
            await renew(['member', roleName('reader')], 'after POST');

            // 4: a permission change of a role bob holds bumps him too.
            r = await admin.post(`${reader.location}/permissions`, { permission: 'permissions.read' });
            expectStatus(r, 200, 'grant permissions.read to reader');
            await oldFails(token, 'role permission change');
            await renew(['member', roleName('reader')], 'after role permission change');
            const mp = await login.get(ME_PERMS, { token });
            expectStatus(mp, 200);
            assert.ok(mp.json.permissions.includes('permissions.read') && mp.json.permissions.includes('roles.read'), JSON.stringify(mp.json));
            expectStatus(await login.get(PERMS, { token }), 200, 'permissions.read works at once');

            // Restore: member only.
            r = await admin.put(userRolesPath(UID.bob), { roles: ['member'] });
            expectStatus(r, 200, 'restore bob');
            await oldFails(token, 'restore');
        } finally {
            await restoreUserRoles(UID.bob, 'member', ORG.acme);
        }
        const fresh = await new Client('bob').login();
        assert.deepEqual(fresh.loginJson.roles, ['member'], 'bob is a plain member again');
        expectStatus(await admin.del(reader.location), 204);
    });
});

// ---------------------------------------------------------------------------------------------
describe('routes and /me/permissions', () => {
    // Every route of the contracts: [method, pattern, permission or null for public].
    const ROUTES = [
        ['GET', '/healthz', null],
        ['GET', '/readyz', null],
        ['GET', '/metrics', null],
        ['GET', '/.well-known/jwks.json', null],
        ['POST', '/api/v1/auth/login', null],
        ['POST', '/api/v1/auth/refresh', null],
        ['GET', '/api/v1/auth/check', null],
        ['POST', '/api/v1/auth/logout', 'self.sessions'],
        ['POST', '/api/v1/auth/logout-all', 'self.sessions'],
        ['GET', '/api/v1/me', 'self.read'],
        ['POST', '/api/v1/me/password', 'self.update'],
        ['GET', '/api/v1/me/permissions', 'self.read'],
        ['GET', '/api/v1/roles', 'roles.read'],
        ['POST', '/api/v1/roles', 'roles.create'],
        ['GET', '/api/v1/roles/{}', 'roles.read'],
        ['PATCH', '/api/v1/roles/{}', 'roles.update'],
        ['DELETE', '/api/v1/roles/{}', 'roles.delete'],
        ['GET', '/api/v1/roles/{}/permissions', 'roles.read'],
        ['PUT', '/api/v1/roles/{}/permissions', 'roles.update'],
        ['POST', '/api/v1/roles/{}/permissions', 'roles.update'],
        ['DELETE', '/api/v1/roles/{}/permissions/{}', 'roles.update'],
        ['GET', '/api/v1/permissions', 'permissions.read'],
        ['POST', '/api/v1/permissions', 'permissions.create'],
        ['GET', '/api/v1/permissions/{}', 'permissions.read'],
        ['PATCH', '/api/v1/permissions/{}', 'permissions.update'],
        ['DELETE', '/api/v1/permissions/{}', 'permissions.delete'],
        ['GET', '/api/v1/endpoints', 'endpoints.read'],
        ['POST', '/api/v1/endpoints', 'endpoints.create'],
        ['GET', '/api/v1/endpoints/{}', 'endpoints.read'],
        ['PATCH', '/api/v1/endpoints/{}', 'endpoints.update'],
        ['DELETE', '/api/v1/endpoints/{}', 'endpoints.delete'],
        ['GET', '/api/v1/users/{}/roles', 'roles.read'],
        ['PUT', '/api/v1/users/{}/roles', 'roles.assign'],
        ['POST', '/api/v1/users/{}/roles', 'roles.assign'],
        ['DELETE', '/api/v1/users/{}/roles/{}', 'roles.assign'],
    ];
    const norm = (p) => p.replace(/\{[^}]*\}/g, '{}');

    test('gatehouse routes --check exits 0 and prints every route with its permissions', async () => {
        const r = await gatehouse(['routes', '-c', CONF, '--check']);
        assert.equal(r.code, 0, `routes --check exit ${r.code}: ${r.stderr}${r.stdout}`);
        const lines = r.stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 2);
        for (const [method, pattern, perm] of ROUTES) {
            const line = lines.find((f) => f[0] === method && norm(f[1]) === pattern);
            assert.ok(line, `routes prints ${method} ${pattern}:\n${r.stdout}`);
            if (perm) assert.ok(line.slice(2).join(' ').includes(perm), `${method} ${pattern} shows ${perm}: ${line.join(' ')}`);
        }
    });

    test('gatehouse routes --check exits 1 naming a route whose mapping is inactive', async () => {
        const target = '/api/v1/me/permissions';
        const rows = await sql(
            `SELECT id FROM permission_api_endpoints WHERE is_active = 1 AND http_method IN ('GET', '*')
             AND (api_endpoint = '${target}' OR api_endpoint IN ('/**', '/api/**', '/api/v1/**', '/api/v1/me/**'))`,
        );
        const ids = rows.map((x) => x[0]);
        assert.ok(ids.length >= 1, `a mapping for GET ${target} exists`);
        try {
            await sql(`UPDATE permission_api_endpoints SET is_active = 0 WHERE id IN (${ids.join(',')})`);
            const r = await gatehouse(['routes', '-c', CONF, '--check']);
            assert.equal(r.code, 1, `exit ${r.code}`);
            assert.match(r.stderr + r.stdout, /\/api\/v1\/me\/permissions/, 'names the unmapped route');
        } finally {
            await sql(`UPDATE permission_api_endpoints SET is_active = 1 WHERE id IN (${ids.join(',')})`);
            await bumpAuthz();
        }
        const again = await gatehouse(['routes', '-c', CONF, '--check']);
        assert.equal(again.code, 0, 'restored');
    });

    test('/api/v1/me/permissions for bob (member) and alice (org_admin)', async () => {
        for (const [user, role] of [['bob', 'member'], ['alice', 'org_admin']]) {
            const c = await new Client(user).login();
            const r = await c.get(ME_PERMS);
            expectStatus(r, 200, user);
            assert.equal(r.json.organization_id, ORG.acme, `${user} organization`);
            const want = await userPermsSql(UID[user], ORG.acme);
            assert.deepEqual(want, await rolePerms(await roleId(role)), `${user} holds exactly ${role}`);
            assert.deepEqual(r.json.permissions, want, `${user} permissions`);
            assert.deepEqual(r.json.permissions, [...r.json.permissions].sort(), 'sorted');
        }
        const bob = await new Client('bob').login();
        assert.deepEqual(
            (await bob.get(ME_PERMS)).json.permissions,
            ['organizations.read', 'self.read', 'self.sessions', 'self.update', 'teams.read', 'users.read'],
            'member permissions of the contract',
        );
        assert.equal((await bob.get(ME_PERMS, { token: 'garbage' })).status, 401);
    });
});
