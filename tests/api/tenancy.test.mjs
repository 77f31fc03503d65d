// Tenancy and escalation (issue 4): an organization admin sees and changes only shared roles and
// her own organization's, answers 404 for another organization's objects, and cannot grant more
// than she holds. gina = org_admin of globex, alice = org_admin of acme, bob/carol = members of acme.
// Every refused request is checked to have changed nothing.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
    Client, ROLES, ME_PERMS, userRolesPath, ORG, UID,
    desc, expectStatus, expectProblem, expectValidation, expectForbidden, expectNotFound, expectCreated,
    listAll, expectAudit, expectNoSuccessAudit, roleId, rolePerms, userRoleKeys, permissionVersion, count,
    cleanupRun, restoreUserRoles, uniq, sql,
} from './authzlib.mjs';

const RUN = uniq();
const roleName = (s) => `t_${RUN}_${s}`;

let admin;
let alice;
let gina;
const R = {}; // created roles: {id, location, json}

before(async () => {
    admin = await new Client('admin', { autoRelogin: true }).login();
    // Shared (organization_id null, not system) roles made by the platform admin.
    R.shared = expectCreated(await admin.post(ROLES, { name: roleName('shared'), organization_id: null, permissions: ['teams.read'] }), ROLES);
    R.priv = expectCreated(await admin.post(ROLES, { name: roleName('priv'), organization_id: null, permissions: ['permissions.create'] }), ROLES);
    alice = await new Client('alice').login();
    gina = await new Client('gina').login();
    // Each organization admin makes a custom role in her own organization (the default).
    const a = await alice.post(ROLES, { name: roleName('acme'), description: 'acme custom', permissions: ['users.read'] });
    R.acme = expectCreated(a, ROLES, 'alice creates a role');
    assert.equal(R.acme.json.organization_id, ORG.acme, 'defaults to her organization');
    assert.equal(R.acme.json.scope, 'organization');
    await expectAudit(a, 'role.create', { actor: UID.alice });
    R.globex = expectCreated(await gina.post(ROLES, { name: roleName('globex'), permissions: ['teams.read'] }), ROLES, 'gina creates a role');
    assert.equal(R.globex.json.organization_id, ORG.globex);
});

after(async () => {
    try {
        await restoreUserRoles(UID.bob, 'member', ORG.acme);
        await restoreUserRoles(UID.carol, 'member', ORG.acme);
        await restoreUserRoles(UID.alice, 'org_admin', ORG.acme);
        await restoreUserRoles(UID.gina, 'org_admin', ORG.globex);
        await restoreUserRoles(UID.admin, [['platform_admin', null], ['org_admin', ORG.acme]]);
    } finally {
        await cleanupRun(RUN);
    }
});

/** The role as the database has it (name, description, organization, scope, permissions). */
async function roleRow(id) {
    const rows = await sql(
        `SELECT name, IFNULL(description, ''), IFNULL(organization_id, 'NULL'), scope, is_system FROM roles WHERE id = ${Number(id)}`,
    );
    return { row: rows[0] ?? null, perms: await rolePerms(id) };
}

/** Runs fn, asserting that the listed roles and users' assignments are the same afterwards. */
async function unchanged(fn, { roles = [], users = [] } = {}) {
    const before = {
        roles: await Promise.all(roles.map(roleRow)),
        users: await Promise.all(users.map(userRoleKeys)),
        pv: await Promise.all(users.map(permissionVersion)),
        count: await count('roles'),
    };
    await fn();
    const afterState = {
        roles: await Promise.all(roles.map(roleRow)),
        users: await Promise.all(users.map(userRoleKeys)),
        pv: await Promise.all(users.map(permissionVersion)),
        count: await count('roles'),
    };
    assert.deepEqual(afterState, before, 'a refused request changed nothing');
}

/** The answer does not reveal the object (no name in a 404 body). */
function noLeak(res, name) {
    assert.ok(!res.text.includes(name), `the answer leaks ${name}: ${desc(res)}`);
}

// ---------------------------------------------------------------------------------------------
describe('gina (org_admin globex) and acme', () => {
    test("acme's custom role: 404 on GET/PATCH/DELETE and on its permissions", async () => {
        const loc = R.acme.location;
        await unchanged(async () => {
            for (const res of [
                await gina.get(loc),
                await gina.patch(loc, { description: 'taken over' }),
                await gina.patch(loc, { name: roleName('stolen') }),
                await gina.del(loc),
                await gina.get(`${loc}/permissions`),
                await gina.put(`${loc}/permissions`, { permissions: ['teams.read'] }),
                await gina.post(`${loc}/permissions`, { permission: 'teams.read' }),
                await gina.del(`${loc}/permissions/users.read`),
            ]) {
                expectNotFound(res, `${res.method} ${res.path}`);
                noLeak(res, roleName('acme'));
                await expectNoSuccessAudit(res);
            }
        }, { roles: [R.acme.id] });
        expectStatus(await alice.get(loc), 200, 'alice still sees her role');
    });

    test("roles of acme users: 404 to list or assign (GET/PUT/POST/DELETE /users/3/roles)", async () => {
        const member = await roleId('member');
        await unchanged(async () => {
            for (const res of [
                await gina.get(userRolesPath(UID.bob)),
                await gina.put(userRolesPath(UID.bob), { roles: ['member'] }),
                await gina.post(userRolesPath(UID.bob), { role: roleName('globex') }),
                await gina.del(`${userRolesPath(UID.bob)}/${member}`),
                await gina.get(`${userRolesPath(UID.bob)}?organization_id=${ORG.acme}`),
            ]) {
                // An explicit organization_id of acme may be refused as 403 instead.
                if (res.path.includes('organization_id')) expectStatus(res, [403, 404], res.path);
                else expectNotFound(res, `${res.method} ${res.path}`);
                await expectNoSuccessAudit(res);
            }
            const r = await gina.put(userRolesPath(UID.bob), { roles: [roleName('globex')], organization_id: ORG.acme });
            expectStatus(r, [403, 404], 'PUT naming acme');
            await expectNoSuccessAudit(r);
        }, { users: [UID.bob] });
        expectStatus(await gina.get(userRolesPath(UID.gina)), 200, 'gina sees her own organization');
    });

    test('her role list shows only shared and globex roles', async () => {
        const { items } = await listAll(gina, ROLES, { limit: 2, maxPages: 500 });
        const bad = items.filter((r) => r.organization_id !== null && r.organization_id !== ORG.globex);
        assert.deepEqual(bad, [], 'no role of another organization');
        const names = items.map((r) => r.name);
        for (const n of ['member', 'org_admin', roleName('globex'), roleName('shared')]) assert.ok(names.includes(n), `lists ${n}`);
        assert.ok(!names.includes(roleName('acme')), "acme's role is not listed");
        const want = Number(await sql(`SELECT COUNT(*) FROM roles WHERE organization_id IS NULL OR organization_id = ${ORG.globex}`).then((r) => r[0][0]));
        assert.equal(items.length, want, 'exactly the shared and globex roles');

        const other = await gina.get(`${ROLES}?organization_id=${ORG.acme}`);
        if (other.status === 200) {
            assert.ok(other.json.items.every((r) => r.organization_id !== ORG.acme), `no acme role: ${desc(other)}`);
        } else {
            expectStatus(other, [403, 404], 'filtering on acme');
        }
        noLeak(other, roleName('acme'));

        const a = (await listAll(alice, ROLES)).items.map((r) => r.name);
        assert.ok(a.includes(roleName('acme')) && !a.includes(roleName('globex')), 'alice: acme and shared only');
    });

    test("alice cannot see globex's role or gina's roles either", async () => {
        for (const res of [
            await alice.get(R.globex.location),
            await alice.get(`${R.globex.location}/permissions`),
            await alice.get(userRolesPath(UID.gina)),
        ]) {
            expectNotFound(res, `${res.method} ${res.path}`);
            noLeak(res, roleName('globex'));
        }
    });

    test('/me/permissions for gina: globex and the org_admin permissions', async () => {
        const r = await gina.get(ME_PERMS);
        expectStatus(r, 200);
        assert.equal(r.json.organization_id, ORG.globex);
        assert.deepEqual(r.json.permissions, await rolePerms(await roleId('org_admin')));
    });
});

// ---------------------------------------------------------------------------------------------
describe('escalation attempts by alice (org_admin acme), each refused', () => {
    test('create a role with a permission she does not hold (permissions.create) -> 403', async () => {
        await unchanged(async () => {
            const r = await alice.post(ROLES, { name: roleName('esc1'), permissions: ['users.read', 'permissions.create'] });
            const p = expectForbidden(r);
            assert.ok(p.field === undefined || p.field === 'permissions', `field permissions: ${desc(r)}`);
            await expectNoSuccessAudit(r);
        });
        assert.equal(await roleId(roleName('esc1'), ORG.acme), undefined);
    });

    test('create a platform-scope role -> 403', async () => {
        await unchanged(async () => {
            for (const body of [
                { name: roleName('esc2'), scope: 'platform' },
                { name: roleName('esc2'), scope: 'platform', organization_id: null },
            ]) {
                const r = await alice.post(ROLES, body);
                expectForbidden(r, JSON.stringify(body));
                await expectNoSuccessAudit(r);
            }
        });
    });

    test('create a role in globex (organization_id 2) -> 403', async () => {
        await unchanged(async () => {
            const r = await alice.post(ROLES, { name: roleName('esc3'), organization_id: ORG.globex });
            expectForbidden(r, 'organization_id 2');
            await expectNoSuccessAudit(r);
        });
        assert.equal(await roleId(roleName('esc3'), ORG.globex), undefined);
    });

    test('create a shared role (organization_id null): never shared', async () => {
        const r = await alice.post(ROLES, { name: roleName('esc4'), organization_id: null });
        // Refused, or read as "omitted" (her own organization): never a shared role.
        if (r.status === 201) {
            assert.equal(r.json.organization_id, ORG.acme, `null must not make a shared role: ${desc(r)}`);
            expectStatus(await alice.del(`${ROLES}/${r.json.id}`), 204);
        } else {
            expectForbidden(r, 'organization_id null');
        }
        assert.equal(await roleId(roleName('esc4'), null), undefined, 'no shared role created');
    });

    test('assign platform_admin to bob -> 403', async () => {
        await unchanged(async () => {
            for (const r of [
                await alice.post(userRolesPath(UID.bob), { role: 'platform_admin' }),
                await alice.put(userRolesPath(UID.bob), { roles: ['member', 'platform_admin'] }),
            ]) {
                expectForbidden(r, `${r.method}`);
                await expectNoSuccessAudit(r);
            }
        }, { users: [UID.bob] });
    });

    test('assign a role holding a permission she lacks (a shared role with permissions.create) -> 403', async () => {
        await unchanged(async () => {
            for (const r of [
                await alice.post(userRolesPath(UID.carol), { role: roleName('priv') }),
                await alice.put(userRolesPath(UID.carol), { roles: ['member', roleName('priv')] }),
            ]) {
                expectForbidden(r, r.method);
                await expectNoSuccessAudit(r);
            }
        }, { users: [UID.carol] });
    });

    test("remove the platform admin's platform_admin -> 403", async () => {
        const plat = await roleId('platform_admin');
        await unchanged(async () => {
            for (const r of [
                await alice.del(`${userRolesPath(UID.admin)}/${plat}`),
                await alice.del(`${userRolesPath(UID.admin)}/${plat}?organization_id=${ORG.acme}`),
            ]) {
                expectStatus(r, [403, 404], `${r.method} ${r.path}`);
                if (r.status === 403) expectForbidden(r);
                await expectNoSuccessAudit(r);
            }
        }, { users: [UID.admin] });
    });

    /** Grants priv (permissions.create, which alice lacks) to carol as admin, runs fn, restores carol. */
    async function withCarolPriv(fn) {
        expectStatus(await admin.post(userRolesPath(UID.carol), { role: roleName('priv') }), 200, 'admin grants priv to carol');
        try {
            await unchanged(fn, { users: [UID.carol] });
        } finally {
            await restoreUserRoles(UID.carol, 'member', ORG.acme);
        }
    }

    test('remove a role she could not grant (held by carol) with DELETE -> 403', async () => {
        await withCarolPriv(async () => {
            const r = await alice.del(`${userRolesPath(UID.carol)}/${R.priv.id}`);
            expectForbidden(r, 'DELETE');
            await expectNoSuccessAudit(r);
        });
    });

    test('remove a role she could not grant (held by carol) with a replacing PUT -> 403',
        async () => {
            await withCarolPriv(async () => {
                const r = await alice.put(userRolesPath(UID.carol), { roles: ['member'] });
                expectForbidden(r, 'PUT that would drop it');
                await expectNoSuccessAudit(r);
            });
        });

    test("assign globex's role to carol -> 400 field role", async () => {
        await unchanged(async () => {
            let r = await alice.post(userRolesPath(UID.carol), { role: roleName('globex') });
            expectValidation(r, 'role');
            r = await alice.put(userRolesPath(UID.carol), { roles: ['member', roleName('globex')] });
            expectProblem(r, 400, 'validation_failed');
            r = await alice.del(`${userRolesPath(UID.carol)}/${R.globex.id}`);
            expectStatus(r, [400, 404], 'DELETE of a globex role id');
            await expectNoSuccessAudit(r);
        }, { users: [UID.carol] });
    });

    test("add permissions.delete to her own organization's role -> 403", async () => {
        const loc = R.acme.location;
        await unchanged(async () => {
            for (const r of [
                await alice.post(`${loc}/permissions`, { permission: 'permissions.delete' }),
                await alice.put(`${loc}/permissions`, { permissions: ['users.read', 'permissions.delete'] }),
            ]) {
                expectForbidden(r, r.method);
                await expectNoSuccessAudit(r);
            }
        }, { roles: [R.acme.id] });
    });

    test('rename, edit or delete org_admin (system) -> 403 system_role', async () => {
        const id = await roleId('org_admin');
        await unchanged(async () => {
            for (const r of [
                await alice.patch(`${ROLES}/${id}`, { name: roleName('boss') }),
                await alice.patch(`${ROLES}/${id}`, { description: 'mine now' }),
                await alice.del(`${ROLES}/${id}`),
                await alice.put(`${ROLES}/${id}/permissions`, { permissions: ['users.read'] }),
                await alice.post(`${ROLES}/${id}/permissions`, { permission: 'users.read' }),
                await alice.del(`${ROLES}/${id}/permissions/users.read`),
            ]) {
                expectForbidden(r, `${r.method} ${r.path}`, 'system_role');
                await expectNoSuccessAudit(r);
            }
        }, { roles: [id] });
    });

    test('PATCH or change a shared role -> 403', async () => {
        const member = await roleId('member');
        await unchanged(async () => {
            for (const r of [
                await alice.patch(R.shared.location, { description: 'mine now' }),
                await alice.patch(R.shared.location, { name: roleName('shared2') }),
                await alice.patch(`${ROLES}/${member}`, { description: 'mine now' }),
                await alice.post(`${R.shared.location}/permissions`, { permission: 'users.read' }),
                await alice.put(`${ROLES}/${member}/permissions`, { permissions: ['self.read'] }),
            ]) {
                expectForbidden(r, `${r.method} ${r.path}`, 'system_role');
                await expectNoSuccessAudit(r);
            }
            const d = await alice.del(R.shared.location);
            expectForbidden(d, 'DELETE a shared role', ['system_role', 'forbidden']);
            await expectNoSuccessAudit(d);
        }, { roles: [R.shared.id, member] });
    });

    test('what she may do: edit and assign her own role, then undo (positive control)', async () => {
        let r = await alice.patch(R.acme.location, { description: 'edited by alice' });
        expectStatus(r, 200, 'PATCH own role');
        await expectAudit(r, 'role.update', { actor: UID.alice });
        r = await alice.post(userRolesPath(UID.carol), { role: roleName('acme') });
        expectStatus(r, 200, 'assign own role to carol');
        assert.ok(r.json.items.some((i) => i.name === roleName('acme')));
        await expectAudit(r, 'user.roles.update', { actor: UID.alice });
        r = await alice.del(`${userRolesPath(UID.carol)}/${R.acme.id}`);
        expectStatus(r, 204, 'unassign');
        assert.deepEqual(await userRoleKeys(UID.carol), [`member@${ORG.acme}`]);
    });
});

// ---------------------------------------------------------------------------------------------
describe('clean-up through the API', () => {
    test('each admin deletes her own role; the platform admin the shared ones', async () => {
        expectNotFound(await gina.del(R.acme.location), 'gina cannot delete acme role');
        let r = await alice.del(R.acme.location);
        expectStatus(r, 204);
        await expectAudit(r, 'role.delete', { actor: UID.alice });
        expectStatus(await gina.del(R.globex.location), 204);
        expectStatus(await admin.del(R.shared.location), 204);
        expectStatus(await admin.del(R.priv.location), 204);
        assert.equal(await count('roles', `name LIKE 't\\_${RUN}%'`), 0);
    });
});
