// UI components API (issue 6): the component tree (/ui-components), the actions of a component
// (/ui-components/{id}/actions), the actions a role grants (/roles/{id}/components) and the
// caller's navigation (/me/navigation). CRUD with validation naming the field, 201 + Location +
// ETag, If-Match (412, nothing changed), cursor pagination and filters, the tree rules (parent
// must exist, no cycles, no delete while children exist, delete takes actions and grants along),
// the grant rules of role permissions (tenancy, shared/system roles, no escalation), audit rows,
// and navigation built per request: a revoked VIEW is gone on the very next request.
// Everything created here is named after RUN and removed again in after().

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { createUser, deleteUser } from './authlib.mjs';
import { rawRequest, DIRECT_URL } from './lib.mjs';
import {
    Client, ORG, UID, ROLES, desc, expectStatus, expectProblem, expectValidation, expectForbidden, expectNotFound,
    expectETag, expectCreated, listAll, expectAudit, expectNoSuccessAudit, count, uniq, sql, sqlValue, roleId,
    cleanupRun, waitAudit,
} from './authzlib.mjs';

const RUN = uniq();
const COMPS = '/api/v1/ui-components';
const NAV = '/api/v1/me/navigation';
const compPath = (id) => `${COMPS}/${id}`;
const actionsPath = (id) => `${COMPS}/${id}/actions`;
const actionPath = (id, a) => `${COMPS}/${id}/actions/${a}`;
const roleCompsPath = (id) => `${ROLES}/${id}/components`;
const roleCompPath = (id, key, a) => `${ROLES}/${id}/components/${key}/${a}`;
const ckey = (s) => `zt-${RUN}-${s}`;
const rname = (s) => `t_${RUN}_${s}`;
const MISSING = 999999999;

let admin; // platform_admin (and org_admin of acme): every components.* permission
let alice; // org_admin of acme: components.read and components.assign only
let bob; // member of acme: no components.* permission
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
        // Children first: parent_id is RESTRICT.
        await sql(
            `UPDATE ui_components SET parent_id = NULL WHERE component_key LIKE 'zt-${RUN}-%';
             DELETE FROM ui_components WHERE component_key LIKE 'zt-${RUN}-%';`,
        );
        await cleanupRun(RUN);
    } finally {
        for (const id of tempUsers) await deleteUser(id).catch(() => {});
    }
});

/** Creates a component as admin; returns {id, location, etag, json}. */
async function mkComp(suffix, extra = {}) {
    const res = await admin.post(COMPS, { key: ckey(suffix), display_name: `C ${suffix}`, ...extra });
    return expectCreated(res, COMPS, `create component ${suffix}`);
}

/** Adds actions (names) to component id as admin. */
async function mkActions(id, ...names) {
    for (const action of names) {
        const res = await admin.post(actionsPath(id), { action });
        expectStatus(res, 201, `add ${action} to ${id}`);
    }
}

/** Creates an organization role as client (alice: in acme); returns its id. */
async function mkRole(suffix, client = alice, extra = {}) {
    const res = await client.post(ROLES, { name: rname(suffix), ...extra });
    return expectCreated(res, ROLES, `create role ${suffix}`).id;
}

function assertCompShape(c) {
    for (const k of ['id', 'key', 'display_name', 'description', 'category', 'route', 'icon', 'display_order', 'parent_id',
        'is_active', 'created_at', 'updated_at', 'created_by', 'updated_by']) {
        assert.ok(k in c, `component has ${k}: ${JSON.stringify(c)}`);
    }
    assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(typeof c.is_active, 'boolean');
}

const grantKeys = (items) => items.map((g) => `${g.component_key}:${g.action}${g.is_active ? '' : '(off)'}`).sort();

async function grantsOf(roleIdValue) {
    const rows = await sql(
        `SELECT c.component_key, cp.action, rcp.is_active FROM role_component_permissions rcp
         JOIN component_permissions cp ON cp.id = rcp.component_permission_id
         JOIN ui_components c ON c.id = cp.component_id WHERE rcp.role_id = ${Number(roleIdValue)}`,
    );
    return rows.map(([k, a, on]) => `${k}:${a}${on === '1' ? '' : '(off)'}`).sort();
}

/** GET /me/navigation: 200 and its items. */
async function nav(client, opts) {
    const res = await client.get(NAV, opts);
    const j = expectStatus(res, 200, 'navigation');
    assert.ok(Array.isArray(j.items), `navigation has items: ${desc(res)}`);
    return j.items;
}

/** The node with key anywhere in the tree, or undefined. */
function findNode(items, key) {
    for (const n of items) {
        if (n.key === key) return n;
        const c = findNode(n.children, key);
        if (c) return c;
    }
    return undefined;
}

/** A compact view of a tree: [key, [actions], [children...]] */
const shape = (items) => items.map((n) => [n.key, n.actions, shape(n.children)]);

// ---------------------------------------------------------------------------------------------

describe('ui-components: create, read, list', () => {
    test('201 with Location, ETag and the component; the caller is recorded; audited', async () => {
        const body = {
            key: ckey('create'), display_name: 'Reports', description: 'Monthly reports', category: 'reports',
            route: '/admin/reports?tab=all#top', icon: 'mdi:chart-bar', display_order: 70,
        };
        const res = await admin.post(COMPS, body);
        const { id, etag, json } = expectCreated(res, COMPS, 'create');
        assertCompShape(json);
        assert.deepEqual(
            { key: json.key, display_name: json.display_name, description: json.description, category: json.category,
                route: json.route, icon: json.icon, display_order: json.display_order },
            body,
        );
        assert.equal(json.parent_id, null);
        assert.equal(json.is_active, true);
        assert.equal(json.created_by, UID.admin);
        assert.equal(json.updated_by, UID.admin);
        await expectAudit(res, 'component.create', { actor: UID.admin });
        const get = await alice.get(compPath(id));
        assert.deepEqual(expectStatus(get, 200), json, 'GET answers what POST answered');
        assert.equal(expectETag(get), etag, 'same representation, same ETag');
    });

    test('defaults: no description, route, icon; order 0; active; a child takes its parent\'s category', async () => {
        const menu = await mkComp('cat-menu', { category: 'reports' });
        const { json } = await mkComp('cat-page', { parent_id: menu.id });
        assert.equal(json.parent_id, menu.id);
        assert.equal(json.category, 'reports', 'inherited from the parent');
        assert.equal(json.description, null);
        assert.equal(json.route, null);
        assert.equal(json.icon, null);
        assert.equal(json.display_order, 0);
        const own = await mkComp('cat-own', { parent_id: menu.id, category: 'other' });
        assert.equal(own.json.category, 'other');
        const none = await mkComp('cat-null', { parent_id: menu.id, category: null, is_active: false });
        assert.equal(none.json.category, null, 'an explicit null is kept');
        assert.equal(none.json.is_active, false);
    });

    test('validation: 400 naming the field, nothing created', async () => {
        const k = ckey('bad');
        const cases = [
            [{ display_name: 'x' }, 'key'],
            [{ key: '', display_name: 'x' }, 'key'],
            [{ key: null, display_name: 'x' }, 'key'],
            [{ key: 42, display_name: 'x' }, 'key'],
            [{ key: `${k}-Upper`, display_name: 'x' }, 'key'],
            [{ key: `-${k}`, display_name: 'x' }, 'key'],
            [{ key: `${k}_under`, display_name: 'x' }, 'key'],
            [{ key: `${k} sp`, display_name: 'x' }, 'key'],
            [{ key: k + 'a'.repeat(101 - k.length), display_name: 'x' }, 'key'],
            [{ key: k }, 'display_name'],
            [{ key: k, display_name: '' }, 'display_name'],
            [{ key: k, display_name: ' lead' }, 'display_name'],
            [{ key: k, display_name: 'ctl\u0007' }, 'display_name'],
            [{ key: k, display_name: 'x'.repeat(101) }, 'display_name'],
            [{ key: k, display_name: 'x', description: 'd'.repeat(501) }, 'description'],
            [{ key: k, display_name: 'x', description: 5 }, 'description'],
            [{ key: k, display_name: 'x', category: 'c'.repeat(51) }, 'category'],
            [{ key: k, display_name: 'x', category: '' }, 'category'],
            [{ key: k, display_name: 'x', route: 'admin/x' }, 'route'],
            [{ key: k, display_name: 'x', route: '//evil.example/x' }, 'route'],
            [{ key: k, display_name: 'x', route: 'javascript:alert(1)' }, 'route'],
            [{ key: k, display_name: 'x', route: '/a b' }, 'route'],
            [{ key: k, display_name: 'x', route: '/a"b' }, 'route'],
            [{ key: k, display_name: 'x', route: '/' + 'r'.repeat(255) }, 'route'],
            [{ key: k, display_name: 'x', icon: 'an icon' }, 'icon'],
            [{ key: k, display_name: 'x', icon: 'i'.repeat(65) }, 'icon'],
            [{ key: k, display_name: 'x', display_order: 1.5 }, 'display_order'],
            [{ key: k, display_name: 'x', display_order: '3' }, 'display_order'],
            [{ key: k, display_name: 'x', display_order: 2 ** 31 }, 'display_order'],
            [{ key: k, display_name: 'x', display_order: null }, 'display_order'],
            [{ key: k, display_name: 'x', parent_id: 0 }, 'parent_id'],
            [{ key: k, display_name: 'x', parent_id: 'menu' }, 'parent_id'],
            [{ key: k, display_name: 'x', parent_id: MISSING }, 'parent_id'],
            [{ key: k, display_name: 'x', is_active: 'yes' }, 'is_active'],
            [{ key: k, display_name: 'x', colour: 'red' }, 'colour'],
        ];
        for (const [body, field] of cases) {
            const res = await admin.post(COMPS, body);
            expectValidation(res, field, JSON.stringify(body));
            await expectNoSuccessAudit(res, JSON.stringify(body));
        }
        assert.equal(await count('ui_components', `component_key LIKE '${k}%'`), 0);
        // 100 characters is the limit of a key
        const long = k + 'a'.repeat(100 - k.length);
        expectCreated(await admin.post(COMPS, { key: long, display_name: 'long' }), COMPS, '100 characters');
    });

    test('a duplicate key is 409 naming key', async () => {
        await mkComp('dup');
        const res = await admin.post(COMPS, { key: ckey('dup'), display_name: 'again' });
        const p = expectProblem(res, 409, 'conflict');
        assert.equal(p.field, 'key');
        await expectNoSuccessAudit(res, 'duplicate');
        const seeded = await admin.post(COMPS, { key: 'user-management', display_name: 'again' });
        expectProblem(seeded, 409, 'conflict', 'a seeded key');
    });

    test('permissions: members cannot read; organization admins read but cannot create', async () => {
        expectForbidden(await bob.get(COMPS), 'bob list');
        expectForbidden(await bob.get(compPath(1)), 'bob get');
        expectStatus(await alice.get(COMPS), 200, 'alice list');
        const res = await alice.post(COMPS, { key: ckey('by-alice'), display_name: 'x' });
        expectForbidden(res, 'alice create');
        assert.equal(await count('ui_components', `component_key = '${ckey('by-alice')}'`), 0);
    });

    test('GET of a missing or malformed id is 404', async () => {
        expectNotFound(await admin.get(compPath(MISSING)));
        expectNotFound(await admin.get(compPath('user-management')));
        expectNotFound(await admin.get(compPath(0)));
    });

    test('list: every seeded component; filters category, parent_id, active; cursor pages', async () => {
        const all = (await listAll(alice, COMPS)).items;
        const keys = new Set(all.map((c) => c.key));
        for (const k of ['account', 'directory', 'access', 'settings', 'audit', 'user-management', 'audit-log']) {
            assert.ok(keys.has(k), `seeded ${k} listed`);
        }
        all.forEach(assertCompShape);
        const ids = all.map((c) => c.id);
        assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ordered by id');

        const menu = await mkComp('flt-menu', { category: `flt${RUN}` });
        const kids = [];
        for (const s of ['flt-a', 'flt-b', 'flt-c', 'flt-d', 'flt-e']) {
            kids.push((await mkComp(s, { parent_id: menu.id, is_active: s !== 'flt-c' })).json);
        }
        const byParent = (await listAll(alice, `${COMPS}?parent_id=${menu.id}`, { limit: 2 }));
        assert.deepEqual(byParent.items.map((c) => c.id), kids.map((c) => c.id), 'children of the menu, id order');
        assert.equal(byParent.pages, 3, '5 children in pages of 2');
        const byCat = (await listAll(alice, `${COMPS}?category=flt${RUN}`)).items;
        assert.equal(byCat.length, 6, 'the menu and its children share the category');
        const inactive = (await listAll(alice, `${COMPS}?parent_id=${menu.id}&active=false`)).items;
        assert.deepEqual(inactive.map((c) => c.key), [ckey('flt-c')]);
        const active = (await listAll(alice, `${COMPS}?parent_id=${menu.id}&active=true`)).items;
        assert.equal(active.length, 4);
        for (const top of ['0', 'null']) {
            const tops = (await listAll(alice, `${COMPS}?parent_id=${top}`)).items;
            assert.ok(tops.every((c) => c.parent_id === null), `parent_id=${top}: top level only`);
            assert.ok(tops.some((c) => c.key === 'directory') && tops.some((c) => c.key === ckey('flt-menu')));
            assert.ok(!tops.some((c) => c.key === 'user-management'));
        }
    });

    test('list: bad limit, cursor, active, parent_id are 400 naming them', async () => {
        expectValidation(await alice.get(`${COMPS}?limit=0`), 'limit');
        expectValidation(await alice.get(`${COMPS}?limit=201`), 'limit');
        expectValidation(await alice.get(`${COMPS}?cursor=zz`), 'cursor');
        expectValidation(await alice.get(`${COMPS}?active=maybe`), 'active');
        expectValidation(await alice.get(`${COMPS}?parent_id=-1`), 'parent_id');
        expectValidation(await alice.get(`${COMPS}?parent_id=abc`), 'parent_id');
        expectValidation(await alice.get(`${COMPS}?category=${'c'.repeat(51)}`), 'category');
    });
});

describe('ui-components: update', () => {
    test('PATCH with the current If-Match: 200, new ETag, updated_by; audited with what changed', async () => {
        const c = await mkComp('upd', { description: 'first', route: '/x', icon: 'x' });
        const res = await admin.patch(compPath(c.id), { display_name: 'Renamed', display_order: 5 }, { headers: { 'If-Match': c.etag } });
        const j = expectStatus(res, 200, 'patch');
        assert.equal(j.display_name, 'Renamed');
        assert.equal(j.display_order, 5);
        assert.equal(j.description, 'first', 'absent fields are kept');
        assert.notEqual(expectETag(res), c.etag);
        await expectAudit(res, 'component.update', { actor: UID.admin });
        const details = await sqlValue(`SELECT details FROM audit_log WHERE request_id = '${res.rid}' AND action = 'component.update'`);
        assert.deepEqual(JSON.parse(details).changed.sort(), ['display_name', 'display_order']);
        // null clears the nullable fields
        const cleared = expectStatus(await admin.patch(compPath(c.id), { description: null, route: null, icon: null, category: null }), 200);
        assert.equal(cleared.description, null);
        assert.equal(cleared.route, null);
        assert.equal(cleared.icon, null);
        // a PATCH that changes nothing is 200 and audits nothing
        const same = await admin.patch(compPath(c.id), { display_name: 'Renamed' });
        assert.deepEqual(expectStatus(same, 200), cleared);
        await expectNoSuccessAudit(same, 'no change');
    });

    test('a stale If-Match is 412 and changes nothing', async () => {
        const c = await mkComp('stale');
        expectStatus(await admin.patch(compPath(c.id), { display_name: 'one' }), 200);
        const res = await admin.patch(compPath(c.id), { display_name: 'two' }, { headers: { 'If-Match': c.etag } });
        expectProblem(res, 412, 'precondition_failed');
        assert.equal(await sqlValue(`SELECT display_name FROM ui_components WHERE id = ${c.id}`), 'one');
        await expectNoSuccessAudit(res, 'stale');
    });

    test('validation and conflicts: 400 / 409 naming the field', async () => {
        const c = await mkComp('upd-val');
        await mkComp('upd-taken');
        for (const [body, field] of [
            [{ key: null }, 'key'], [{ key: 'Bad' }, 'key'], [{ display_name: null }, 'display_name'],
            [{ route: 'x' }, 'route'], [{ is_active: 1 }, 'is_active'], [{ parent_id: -3 }, 'parent_id'],
            [{ id: 5 }, 'id'], [{ display_order: null }, 'display_order'],
        ]) {
            expectValidation(await admin.patch(compPath(c.id), body), field, JSON.stringify(body));
        }
        const dup = await admin.patch(compPath(c.id), { key: ckey('upd-taken') });
        assert.equal(expectProblem(dup, 409, 'conflict').field, 'key');
        const renamed = expectStatus(await admin.patch(compPath(c.id), { key: ckey('upd-val2') }), 200);
        assert.equal(renamed.key, ckey('upd-val2'));
        expectNotFound(await admin.patch(compPath(MISSING), { display_name: 'x' }));
        expectForbidden(await alice.patch(compPath(c.id), { display_name: 'x' }), 'alice lacks components.update');
    });

    test('moving: the parent must exist, never itself or below itself; null moves to the top', async () => {
        const a = await mkComp('mv-a');
        const b = await mkComp('mv-b', { parent_id: a.id });
        const c = await mkComp('mv-c', { parent_id: b.id });
        const other = await mkComp('mv-other');
        for (const [parent, why] of [[a.id, 'itself'], [b.id, 'its child'], [c.id, 'its grandchild'], [MISSING, 'missing']]) {
            const res = await admin.patch(compPath(a.id), { parent_id: parent });
            expectValidation(res, 'parent_id', why);
            await expectNoSuccessAudit(res, why);
        }
        assert.equal(await sqlValue(`SELECT IFNULL(parent_id, 'NULL') FROM ui_components WHERE id = ${a.id}`), 'NULL');
        const moved = await admin.patch(compPath(b.id), { parent_id: other.id });
        assert.equal(expectStatus(moved, 200).parent_id, other.id);
        await expectAudit(moved, 'component.update');
        // now a may go below c's old chain? a -> c is fine since c is no longer under a
        assert.equal(expectStatus(await admin.patch(compPath(a.id), { parent_id: c.id }), 200).parent_id, c.id);
        // and the top of that chain cannot go below a
        expectValidation(await admin.patch(compPath(other.id), { parent_id: a.id }), 'parent_id', 'cycle through 4');
        assert.equal(expectStatus(await admin.patch(compPath(a.id), { parent_id: null }), 200).parent_id, null);
    });

    test('concurrent opposite moves never build a cycle', async () => {
        const x = await mkComp('race-x');
        const y = await mkComp('race-y');
        for (let i = 0; i < 5; i++) {
            const [r1, r2] = await Promise.all([
                admin.patch(compPath(x.id), { parent_id: y.id }),
                admin.patch(compPath(y.id), { parent_id: x.id }),
            ]);
            const ok = [r1, r2].filter((r) => r.status === 200).length;
            assert.equal(ok, 1, `exactly one move wins: ${desc(r1)} / ${desc(r2)}`);
            for (const r of [r1, r2]) if (r.status !== 200) expectValidation(r, 'parent_id');
            await sql(`UPDATE ui_components SET parent_id = NULL WHERE id IN (${x.id}, ${y.id})`);
        }
    });
});

describe('ui-components: delete', () => {
    test('refused with 409 in_use while it has children; then deletable', async () => {
        const menu = await mkComp('del-menu');
        const page = await mkComp('del-page', { parent_id: menu.id });
        const res = await admin.del(compPath(menu.id));
        expectProblem(res, 409, 'in_use');
        await expectNoSuccessAudit(res, 'in use');
        assert.equal(await count('ui_components', `id = ${menu.id}`), 1);
        expectStatus(await admin.del(compPath(page.id)), 204);
        const ok = await admin.del(compPath(menu.id));
        expectStatus(ok, 204);
        await expectAudit(ok, 'component.delete', { actor: UID.admin });
        expectNotFound(await admin.get(compPath(menu.id)));
        expectNotFound(await admin.del(compPath(menu.id)), 'deleted twice');
    });

    test('takes its actions and their role grants along; audit counts them', async () => {
        const c = await mkComp('del-grants');
        await mkActions(c.id, 'VIEW', 'EDIT');
        const role = await mkRole('del-grants', admin, { organization_id: ORG.acme });
        expectStatus(await admin.put(roleCompsPath(role), { grants: [{ component_key: ckey('del-grants'), action: 'VIEW' }, { component_key: ckey('del-grants'), action: 'EDIT' }] }), 200);
        assert.equal((await grantsOf(role)).length, 2);
        const res = await admin.del(compPath(c.id));
        expectStatus(res, 204);
        assert.equal(await count('component_permissions', `component_id = ${c.id}`), 0);
        assert.deepEqual(await grantsOf(role), []);
        const row = await waitAudit(res.rid, 'component.delete');
        assert.equal(row.target_id, String(c.id));
        const details = JSON.parse(await sqlValue(`SELECT details FROM audit_log WHERE request_id = '${res.rid}' AND action = 'component.delete'`));
        assert.deepEqual(details, { key: ckey('del-grants'), actions: 2, grants: 2 });
    });

    test('a stale If-Match is 412; organization admins may not delete', async () => {
        const c = await mkComp('del-stale');
        expectStatus(await admin.patch(compPath(c.id), { display_name: 'changed' }), 200);
        expectProblem(await admin.del(compPath(c.id), { headers: { 'If-Match': c.etag } }), 412, 'precondition_failed');
        expectForbidden(await alice.del(compPath(c.id)), 'alice lacks components.delete');
        assert.equal(await count('ui_components', `id = ${c.id}`), 1);
        const cur = await admin.get(compPath(c.id));
        expectStatus(await admin.del(compPath(c.id), { headers: { 'If-Match': expectETag(cur) } }), 204);
    });
});

describe('ui-components: actions', () => {
    test('create 201 with Location and ETag; list in VIEW, CREATE, EDIT, DELETE order; get one', async () => {
        const c = await mkComp('act');
        const created = {};
        for (const action of ['DELETE', 'VIEW', 'EDIT', 'CREATE']) {
            const res = await admin.post(actionsPath(c.id), { action, description: `may ${action}` });
            expectStatus(res, 201, action);
            assert.equal(new URL(res.headers.get('location'), 'http://x/').pathname, actionPath(c.id, action));
            expectETag(res);
            assert.equal(res.json.action, action);
            assert.equal(res.json.component_id, c.id);
            assert.equal(res.json.component_key, ckey('act'));
            assert.equal(res.json.is_active, true);
            assert.equal(res.json.created_by, UID.admin);
            created[action] = res.json;
            await expectAudit(res, 'component.action.create', { actor: UID.admin });
        }
        const list = expectStatus(await alice.get(actionsPath(c.id)), 200);
        assert.deepEqual(list.items.map((a) => a.action), ['VIEW', 'CREATE', 'EDIT', 'DELETE']);
        assert.equal(list.next_cursor, null);
        const one = await alice.get(actionPath(c.id, 'EDIT'));
        assert.deepEqual(expectStatus(one, 200), created.EDIT);
        expectETag(one);
    });

    test('validation, duplicates, missing things', async () => {
        const c = await mkComp('act-val');
        await mkActions(c.id, 'VIEW');
        for (const [body, field] of [[{}, 'action'], [{ action: 'view' }, 'action'], [{ action: 'READ' }, 'action'],
            [{ action: 'EDIT', description: 'd'.repeat(501) }, 'description'], [{ action: 'EDIT', is_active: 'no' }, 'is_active'],
            [{ action: 'EDIT', key: 'x' }, 'key']]) {
            expectValidation(await admin.post(actionsPath(c.id), body), field, JSON.stringify(body));
        }
        const dup = await admin.post(actionsPath(c.id), { action: 'VIEW' });
        assert.equal(expectProblem(dup, 409, 'conflict').field, 'action');
        expectNotFound(await admin.post(actionsPath(MISSING), { action: 'VIEW' }), 'missing component');
        expectNotFound(await admin.get(actionsPath(MISSING)), 'list of a missing component');
        expectNotFound(await admin.get(actionPath(c.id, 'EDIT')), 'action not there');
        expectNotFound(await admin.get(actionPath(c.id, 'READ')), 'not an action');
        expectNotFound(await admin.get(actionPath(c.id, 'view')), 'actions are upper case');
        expectForbidden(await alice.post(actionsPath(c.id), { action: 'EDIT' }), 'alice lacks components.create');
    });

    test('PATCH description and is_active with If-Match; stale 412; null clears the description', async () => {
        const c = await mkComp('act-upd');
        const res0 = await admin.post(actionsPath(c.id), { action: 'VIEW', description: 'see' });
        const etag = expectETag(res0);
        const res = await admin.patch(actionPath(c.id, 'VIEW'), { is_active: false }, { headers: { 'If-Match': etag } });
        const j = expectStatus(res, 200);
        assert.equal(j.is_active, false);
        assert.equal(j.description, 'see');
        await expectAudit(res, 'component.action.update');
        const stale = await admin.patch(actionPath(c.id, 'VIEW'), { description: 'x' }, { headers: { 'If-Match': etag } });
        expectProblem(stale, 412, 'precondition_failed');
        assert.equal(await sqlValue(`SELECT description FROM component_permissions WHERE component_id = ${c.id}`), 'see');
        assert.equal(expectStatus(await admin.patch(actionPath(c.id, 'VIEW'), { description: null }), 200).description, null);
        expectValidation(await admin.patch(actionPath(c.id, 'VIEW'), { action: 'EDIT' }), 'action');
        expectNotFound(await admin.patch(actionPath(c.id, 'EDIT'), { description: 'x' }));
        expectForbidden(await alice.patch(actionPath(c.id, 'VIEW'), { description: 'x' }), 'alice lacks components.update');
    });

    test('DELETE removes the action and its grants; audited', async () => {
        const c = await mkComp('act-del');
        await mkActions(c.id, 'VIEW', 'EDIT');
        const role = await mkRole('act-del', admin, { organization_id: ORG.acme });
        expectStatus(await admin.post(roleCompsPath(role), { component_key: ckey('act-del'), action: 'EDIT' }), 200);
        expectStatus(await admin.post(roleCompsPath(role), { component_key: ckey('act-del'), action: 'VIEW' }), 200);
        expectForbidden(await alice.del(actionPath(c.id, 'EDIT')), 'alice lacks components.delete');
        const res = await admin.del(actionPath(c.id, 'EDIT'));
        expectStatus(res, 204);
        await expectAudit(res, 'component.action.delete', { actor: UID.admin });
        assert.deepEqual(await grantsOf(role), [`${ckey('act-del')}:VIEW`]);
        expectNotFound(await admin.del(actionPath(c.id, 'EDIT')), 'twice');
    });
});

describe('roles: component grants', () => {
    let comp; // a component with all four actions
    const K = () => ckey('grant');

    before(async () => {
        comp = await mkComp('grant', { route: '/grant' });
        await mkActions(comp.id, 'VIEW', 'CREATE', 'EDIT', 'DELETE');
    });

    test('GET lists a role\'s grants with ETag; the seeded member role holds the account pages', async () => {
        const member = await roleId('member');
        const res = await alice.get(roleCompsPath(member));
        const j = expectStatus(res, 200);
        expectETag(res);
        assert.equal(j.next_cursor, null);
        for (const g of j.items) {
            assert.deepEqual(Object.keys(g).sort(), ['action', 'component_key', 'component_permission_id', 'is_active']);
        }
        const keys = grantKeys(j.items);
        for (const k of ['account:VIEW', 'account-profile:VIEW', 'account-profile:EDIT', 'user-management:VIEW']) {
            assert.ok(keys.includes(k), `member holds ${k}: ${keys}`);
        }
        assert.ok(!keys.includes('user-management:CREATE'));
        expectForbidden(await bob.get(roleCompsPath(member)), 'bob lacks components.read');
        expectNotFound(await alice.get(roleCompsPath(MISSING)));
    });

    test('PUT replaces, POST adds, DELETE removes; audited; the role\'s tokens are untouched', async () => {
        const role = await mkRole('grants', admin, { organization_id: ORG.acme });
        const pv = await sqlValue(`SELECT permission_version FROM users WHERE id = ${UID.alice}`);
        const put = await admin.put(roleCompsPath(role), { grants: [{ component_key: K(), action: 'VIEW' }, { component_key: K(), action: 'EDIT' }] });
        assert.deepEqual(grantKeys(expectStatus(put, 200).items), [`${K()}:EDIT`, `${K()}:VIEW`]);
        expectETag(put);
        await expectAudit(put, 'role.components.update', { actor: UID.admin });
        const post = await admin.post(roleCompsPath(role), { component_key: K(), action: 'DELETE' });
        assert.deepEqual(grantKeys(expectStatus(post, 200).items), [`${K()}:DELETE`, `${K()}:EDIT`, `${K()}:VIEW`]);
        await expectAudit(post, 'role.components.update');
        // adding what is there changes nothing and audits nothing
        const again = await admin.post(roleCompsPath(role), { component_key: K(), action: 'DELETE' });
        expectStatus(again, 200);
        await expectNoSuccessAudit(again, 'no change');
        const del = await admin.del(roleCompPath(role, K(), 'EDIT'));
        expectStatus(del, 204);
        await expectAudit(del, 'role.components.update');
        assert.deepEqual(await grantsOf(role), [`${K()}:DELETE`, `${K()}:VIEW`]);
        expectNotFound(await admin.del(roleCompPath(role, K(), 'EDIT')), 'not granted any more');
        expectNotFound(await admin.del(roleCompPath(role, ckey('nothing'), 'EDIT')), 'no such component');
        expectNotFound(await admin.del(roleCompPath(role, K(), 'READ')), 'no such action');
        // PUT with a shorter list removes the rest; [] removes all
        const put2 = await admin.put(roleCompsPath(role), { grants: [{ component_key: K(), action: 'VIEW' }] });
        assert.deepEqual(grantKeys(expectStatus(put2, 200).items), [`${K()}:VIEW`]);
        assert.deepEqual(expectStatus(await admin.put(roleCompsPath(role), { grants: [] }), 200).items, []);
        assert.equal(await sqlValue(`SELECT permission_version FROM users WHERE id = ${UID.alice}`), pv, 'no permission_version bump');
    });

    test('is_active: a grant can be kept but switched off, and on again', async () => {
        const role = await mkRole('inactive', admin, { organization_id: ORG.acme });
        const r1 = await admin.post(roleCompsPath(role), { component_key: K(), action: 'VIEW', is_active: false });
        assert.deepEqual(grantKeys(expectStatus(r1, 200).items), [`${K()}:VIEW(off)`]);
        const r2 = await admin.put(roleCompsPath(role), { grants: [{ component_key: K(), action: 'VIEW', is_active: true }] });
        assert.deepEqual(grantKeys(expectStatus(r2, 200).items), [`${K()}:VIEW`]);
        assert.equal(await sqlValue(`SELECT updated_by FROM role_component_permissions WHERE role_id = ${role}`), String(UID.admin));
    });

    test('validation: unknown components and actions, duplicates, bad shapes name the field', async () => {
        const role = await mkRole('gval', admin, { organization_id: ORG.acme });
        const cases = [
            ['put', {}, 'grants'],
            ['put', { grants: 'x' }, 'grants'],
            ['put', { grants: [K()] }, 'grants'],
            ['put', { grants: [{ component_key: K() }] }, 'grants'],
            ['put', { grants: [{ component_key: K(), action: 'READ' }] }, 'grants'],
            ['put', { grants: [{ component_key: ckey('nothing'), action: 'VIEW' }] }, 'grants'],
            ['put', { grants: [{ component_key: K(), action: 'VIEW', extra: 1 }] }, 'grants'],
            ['put', { grants: [{ component_key: K(), action: 'VIEW' }, { component_key: K(), action: 'VIEW' }] }, 'grants'],
            ['put', { grants: [], more: 1 }, 'more'],
            ['post', {}, 'component_key'],
            ['post', { component_key: 'Bad Key', action: 'VIEW' }, 'component_key'],
            ['post', { component_key: ckey('nothing'), action: 'VIEW' }, 'component_key'],
            ['post', { component_key: K(), action: 'view' }, 'action'],
            ['post', { component_key: 'audit', action: 'EDIT' }, 'action'],
            ['post', { component_key: K(), action: 'VIEW', is_active: 'yes' }, 'is_active'],
            ['post', { component_key: K(), action: 'VIEW', role: 'x' }, 'role'],
        ];
        for (const [m, body, field] of cases) {
            const res = await admin[m](roleCompsPath(role), body);
            expectValidation(res, field, `${m} ${JSON.stringify(body)}`);
            await expectNoSuccessAudit(res, JSON.stringify(body));
        }
        assert.deepEqual(await grantsOf(role), []);
        expectNotFound(await admin.put(roleCompsPath(MISSING), { grants: [] }));
    });

    test('a stale If-Match is 412 and nothing changes', async () => {
        const role = await mkRole('gstale', admin, { organization_id: ORG.acme });
        const get = await admin.get(roleCompsPath(role));
        const etag = expectETag(get);
        expectStatus(await admin.post(roleCompsPath(role), { component_key: K(), action: 'VIEW' }), 200);
        for (const res of [
            await admin.put(roleCompsPath(role), { grants: [] }, { headers: { 'If-Match': etag } }),
            await admin.post(roleCompsPath(role), { component_key: K(), action: 'EDIT' }, { headers: { 'If-Match': etag } }),
            await admin.del(roleCompPath(role, K(), 'VIEW'), { headers: { 'If-Match': etag } }),
        ]) {
            expectProblem(res, 412, 'precondition_failed', desc(res));
        }
        assert.deepEqual(await grantsOf(role), [`${K()}:VIEW`]);
        const cur = expectETag(await admin.get(roleCompsPath(role)));
        expectStatus(await admin.del(roleCompPath(role, K(), 'VIEW'), { headers: { 'If-Match': cur } }), 204);
    });

    test('organization callers: own roles only, never shared or system ones, never another organization\'s', async () => {
        const own = await mkRole('alice-own');
        // alice (org_admin) holds user-management VIEW, CREATE through her role
        const ok = await alice.put(roleCompsPath(own), { grants: [{ component_key: 'user-management', action: 'VIEW' }, { component_key: 'user-management', action: 'CREATE' }] });
        assert.deepEqual(grantKeys(expectStatus(ok, 200).items), ['user-management:CREATE', 'user-management:VIEW']);
        await expectAudit(ok, 'role.components.update', { actor: UID.alice });
        for (const shared of ['member', 'org_admin', 'platform_admin']) {
            const id = await roleId(shared);
            const res = await alice.post(roleCompsPath(id), { component_key: 'user-management', action: 'VIEW' });
            expectProblem(res, 403, 'system_role', shared);
            expectProblem(await alice.del(roleCompPath(id, 'account', 'VIEW')), 403, 'system_role', shared);
        }
        const globexRole = await mkRole('globex', gina);
        expectNotFound(await alice.get(roleCompsPath(globexRole)), 'another organization\'s role is invisible');
        expectNotFound(await alice.put(roleCompsPath(globexRole), { grants: [] }));
        expectNotFound(await gina.get(roleCompsPath(own)));
        // platform callers manage every role, shared ones included
        expectStatus(await admin.get(roleCompsPath(globexRole)), 200);
        const plat = await admin.post(roleCompsPath(globexRole), { component_key: K(), action: 'VIEW' });
        expectStatus(plat, 200);
    });

    test('no escalation: organization callers grant and revoke only actions their roles hold', async () => {
        const own = await mkRole('alice-esc');
        // org_admin lacks components.create, so it does not hold component-management CREATE
        for (const body of [{ component_key: 'component-management', action: 'CREATE' }, { component_key: K(), action: 'VIEW' }]) {
            const res = await alice.post(roleCompsPath(own), body);
            const p = expectForbidden(res, JSON.stringify(body));
            assert.equal(p.field, 'component_key');
        }
        const put = await alice.put(roleCompsPath(own), { grants: [{ component_key: 'component-management', action: 'VIEW' }, { component_key: 'component-management', action: 'DELETE' }] });
        assert.equal(expectForbidden(put, 'put').field, 'grants');
        assert.deepEqual(await grantsOf(own), [], 'nothing of a refused PUT stays');
        // a grant a platform admin gave cannot be taken away by alice, nor switched off
        expectStatus(await admin.post(roleCompsPath(own), { component_key: K(), action: 'EDIT' }), 200);
        expectStatus(await alice.post(roleCompsPath(own), { component_key: 'component-management', action: 'VIEW' }), 200);
        expectForbidden(await alice.del(roleCompPath(own, K(), 'EDIT')), 'delete not held');
        expectForbidden(await alice.put(roleCompsPath(own), { grants: [{ component_key: 'component-management', action: 'VIEW' }] }), 'put dropping not held');
        expectForbidden(await alice.post(roleCompsPath(own), { component_key: K(), action: 'EDIT', is_active: false }), 'switch off not held');
        assert.deepEqual(await grantsOf(own), ['component-management:VIEW', `${K()}:EDIT`]);
        // what she holds she may also take away again
        expectStatus(await alice.del(roleCompPath(own, 'component-management', 'VIEW')), 204);
    });
});

describe('me/navigation', () => {
    test('a member sees the account and directory menus with their pages, nothing of access control', async () => {
        const items = await nav(bob);
        const res = await bob.get(NAV);
        assert.equal(res.json.organization_id, ORG.acme);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        const top = items.map((n) => n.key);
        assert.ok(top.includes('account') && top.includes('directory'), `top: ${top}`);
        for (const k of ['access', 'settings', 'audit']) assert.ok(!top.includes(k), `bob does not see ${k}`);
        const users = findNode(items, 'user-management');
        assert.deepEqual(users.actions, ['VIEW'], 'bob may only view users');
        assert.equal(users.route, '/admin/users');
        assert.deepEqual(Object.keys(users).sort(), ['actions', 'category', 'children', 'description', 'display_name', 'icon', 'key', 'route']);
        assert.equal(findNode(items, 'invitation-management'), undefined, 'no invitations.read');
        // menus come in display_order
        const seeded = top.filter((k) => ['account', 'directory', 'access', 'settings', 'audit'].includes(k));
        assert.deepEqual(seeded, ['account', 'directory']);
        const dir = items.find((n) => n.key === 'directory');
        assert.deepEqual(dir.children.map((n) => n.key), ['user-management', 'organization-management', 'team-management']);
    });

    test('a platform admin sees every seeded menu and page with every action', async () => {
        const items = await nav(admin);
        const seeded = items.map((n) => n.key).filter((k) => ['account', 'directory', 'access', 'settings', 'audit'].includes(k));
        assert.deepEqual(seeded, ['account', 'directory', 'access', 'settings', 'audit']);
        assert.deepEqual(findNode(items, 'user-management').actions, ['VIEW', 'CREATE', 'EDIT', 'DELETE']);
        assert.deepEqual(findNode(items, 'access').children.map((n) => n.key),
            ['role-management', 'permission-management', 'endpoint-management', 'component-management']);
        const alices = await nav(alice);
        assert.deepEqual(findNode(alices, 'component-management').actions, ['VIEW'], 'org_admin only views components');
        expectProblem(await bob.get(NAV, { token: 'nope' }), 401, undefined, 'no token');
    });

    describe('a custom tree for a user with a custom role', () => {
        let user; // {id, username}
        let client;
        let role;
        let menu; let p1; let p2; let p3; let sub; let linkMenu;

        before(async () => {
            menu = await mkComp('nav-menu', { display_order: -1000, icon: 'star', category: 'nav' });
            // p2 sorts first by display_order; p1 and p3 tie on order and sort by key
            p1 = await mkComp('nav-p1', { parent_id: menu.id, display_order: 20, route: '/p1' });
            p2 = await mkComp('nav-p2', { parent_id: menu.id, display_order: 10, route: '/p2' });
            p3 = await mkComp('nav-p3', { parent_id: menu.id, display_order: 20, route: '/p3' });
            sub = await mkComp('nav-sub', { parent_id: p1.id, route: '/p1/sub' });
            linkMenu = await mkComp('nav-link', { display_order: -999, route: '/link' });
            for (const c of [menu, p1, p2, p3, sub, linkMenu]) await mkActions(c.id, 'VIEW', 'EDIT');
            role = await mkRole('nav', admin, { organization_id: ORG.acme });
            const g = (k, a = 'VIEW') => ({ component_key: ckey(k), action: a });
            expectStatus(await admin.put(roleCompsPath(role), {
                grants: [g('nav-menu'), g('nav-p1'), g('nav-p1', 'EDIT'), g('nav-p2'), g('nav-p3'), g('nav-sub'), g('nav-link')],
            }), 200);
            const u = await createUser(`cnav${RUN}`);
            tempUsers.push(u.id);
            user = u;
            expectStatus(await admin.post(`/api/v1/users/${u.id}/roles`, { role: rname('nav'), organization_id: ORG.acme }), 200);
            client = await new Client(u.username).login();
        });

        const mine = async () => (await nav(client)).filter((n) => n.key.startsWith(`zt-${RUN}-`));

        test('the tree: ordered by display_order then key, with the actions held, sub-pages nested', async () => {
            assert.deepEqual(shape(await mine()), [
                [ckey('nav-menu'), ['VIEW'], [
                    [ckey('nav-p2'), ['VIEW'], []],
                    [ckey('nav-p1'), ['VIEW', 'EDIT'], [[ckey('nav-sub'), ['VIEW'], []]]],
                    [ckey('nav-p3'), ['VIEW'], []],
                ]],
                [ckey('nav-link'), ['VIEW'], []],
            ]);
            const m = (await mine())[0];
            assert.deepEqual({ ...m, children: undefined }, {
                key: ckey('nav-menu'), display_name: 'C nav-menu', description: null, category: 'nav', route: null,
                icon: 'star', actions: ['VIEW'], children: undefined,
            });
            assert.equal(m.children[0].category, 'nav', 'pages took the menu\'s category');
        });

        test('a revoked VIEW is gone on the next request, on every worker, with the same token', async () => {
            const before = await mine();
            assert.ok(findNode(before, ckey('nav-p3')));
            const res = await admin.del(roleCompPath(role, ckey('nav-p3'), 'VIEW'));
            expectStatus(res, 204);
            // fresh connections (without kept FastCGI ones) spread over the workers; no login in between
            for (let i = 0; i < 8; i++) {
                const r = await rawRequest('GET', NAV, { token: client.token, base: DIRECT_URL });
                assert.equal(r.status, 200, `request ${i}: ${r.text.slice(0, 200)}`);
                assert.equal(findNode(r.json.items, ckey('nav-p3')), undefined, `request ${i} no longer shows nav-p3`);
                assert.ok(findNode(r.json.items, ckey('nav-p2')), `request ${i} still shows nav-p2`);
            }
            // and granted again, it is back at once
            expectStatus(await admin.post(roleCompsPath(role), { component_key: ckey('nav-p3'), action: 'VIEW' }), 200);
            assert.ok(findNode(await mine(), ckey('nav-p3')));
        });

        test('a page is shown only under a visible menu; a menu without route and visible pages is omitted', async () => {
            // without the menu's VIEW, its pages go too
            expectStatus(await admin.del(roleCompPath(role, ckey('nav-menu'), 'VIEW')), 204);
            assert.deepEqual((await mine()).map((n) => n.key), [ckey('nav-link')]);
            expectStatus(await admin.post(roleCompsPath(role), { component_key: ckey('nav-menu'), action: 'VIEW' }), 200);
            // without any page's VIEW, the menu (no route) goes
            const keep = expectStatus(await admin.get(roleCompsPath(role)), 200).items
                .filter((g) => ![ckey('nav-p1'), ckey('nav-p2'), ckey('nav-p3')].includes(g.component_key) || g.action !== 'VIEW')
                .map(({ component_key, action }) => ({ component_key, action }));
            expectStatus(await admin.put(roleCompsPath(role), { grants: keep }), 200);
            assert.deepEqual((await mine()).map((n) => n.key), [ckey('nav-link')], 'a menu with a route stays without children');
            assert.equal(findNode(await nav(client), ckey('nav-sub')), undefined, 'a sub-page of a hidden page is hidden');
            // restore
            expectStatus(await admin.put(roleCompsPath(role), {
                grants: [...keep, ...['nav-p1', 'nav-p2', 'nav-p3'].map((k) => ({ component_key: ckey(k), action: 'VIEW' }))],
            }), 200);
            assert.equal((await mine()).length, 2);
        });

        test('inactive components, actions and grants are not shown', async () => {
            // an inactive component hides its subtree
            expectStatus(await admin.patch(compPath(p1.id), { is_active: false }), 200);
            let t = await mine();
            assert.equal(findNode(t, ckey('nav-p1')), undefined);
            assert.equal(findNode(t, ckey('nav-sub')), undefined);
            expectStatus(await admin.patch(compPath(p1.id), { is_active: true }), 200);
            // an inactive action
            expectStatus(await admin.patch(actionPath(p1.id, 'EDIT'), { is_active: false }), 200);
            assert.deepEqual(findNode(await mine(), ckey('nav-p1')).actions, ['VIEW']);
            expectStatus(await admin.patch(actionPath(p1.id, 'EDIT'), { is_active: true }), 200);
            assert.deepEqual(findNode(await mine(), ckey('nav-p1')).actions, ['VIEW', 'EDIT']);
            // an inactive grant
            expectStatus(await admin.post(roleCompsPath(role), { component_key: ckey('nav-p2'), action: 'VIEW', is_active: false }), 200);
            t = await mine();
            assert.equal(findNode(t, ckey('nav-p2')), undefined);
            expectStatus(await admin.post(roleCompsPath(role), { component_key: ckey('nav-p2'), action: 'VIEW' }), 200);
            // moving a page moves it in the tree at once
            expectStatus(await admin.patch(compPath(p3.id), { parent_id: p2.id }), 200);
            assert.deepEqual(findNode(await mine(), ckey('nav-p2')).children.map((n) => n.key), [ckey('nav-p3')]);
            expectStatus(await admin.patch(compPath(p3.id), { parent_id: menu.id }), 200);
        });

        test('roles count in the token\'s organization only', async () => {
            // the user also belongs to globex, with a globex role granting nav-link's EDIT (no VIEW)
            const gRole = await mkRole('nav-globex', gina);
            expectStatus(await admin.put(roleCompsPath(gRole), { grants: [{ component_key: ckey('nav-link'), action: 'EDIT' }] }), 200);
            await sql(
                `INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${user.id}, ${ORG.globex}, 0);
                 INSERT INTO user_roles (user_id, role_id, organization_id) VALUES (${user.id}, ${gRole}, ${ORG.globex});
                 INSERT INTO user_roles (user_id, role_id, organization_id)
                   SELECT ${user.id}, id, ${ORG.globex} FROM roles WHERE name = 'member' AND organization_id IS NULL;`,
            );
            const inAcme = await new Client(user.username, { organization: 'acme' }).login();
            assert.deepEqual(findNode(await nav(inAcme), ckey('nav-link')).actions, ['VIEW']);
            const inGlobex = await new Client(user.username, { organization: 'globex' }).login();
            const g = await nav(inGlobex);
            assert.deepEqual((await inGlobex.get(NAV)).json.organization_id, ORG.globex);
            assert.equal(findNode(g, ckey('nav-menu')), undefined, 'the acme role does not count in globex');
            assert.equal(findNode(g, ckey('nav-link')), undefined, 'EDIT without VIEW shows nothing');
            assert.ok(findNode(g, 'account'), 'the shared member role counts in globex too');
            assert.equal(await count('user_roles', `user_id = ${user.id} AND role_id = ${role}`), 1);
        });
    });
});
