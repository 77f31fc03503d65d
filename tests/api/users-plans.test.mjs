// Users list and search plans (issue 5, docs/api-users.md "Performance"): every plan gives the
// same pages as a reference computed here in SQL from the users table itself.
//  - Organization lists in every sort and both directions, paged by cursor: the walk of the
//    membership's sort index (sql/0010 copies the sort keys into user_organization) and the
//    sorted members give the reference order.
//  - Search through user_search (2-4 character prefixes, kept by triggers), the sorted matches and
//    the budgeted walks: the same items for accents, apostrophes, mixed case, literal % and _,
//    q longer than the prefixes, and deep pages.
//  - Triggers: a rename, a new e-mail, new names, a created_at change, a soft delete, a create,
//    an accepted invitation and a member's removal are seen by the lists and the search at once,
//    and the copies and the prefix rows (user_search, and org_user_search per membership) equal
//    what the users table says (checked for every user).
// The plans are forced by GATEHOUSE_USERS_PROBE_CAP: the default on this small database sorts
// the few candidates; 1 makes every count look large, so the walks run.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { sql, sqlValue, waitFor, CONF, REPO, STACK_DIR } from './lib.mjs';
import { restartGatehouse } from './authlib.mjs';
import { Client, ORG, uniq, expectStatus, expectCreated, listAll } from './authzlib.mjs';

const RUN = uniq();
const R = `p${RUN}`; // usernames start with it
const USERS = '/api/v1/users';
const PW = `Tr0ub4dor-${RUN}-staple`;
const MAIL_DIR = path.join(STACK_DIR, 'mail');
let BASE_ENV = {};
let admin;
let alice;
const made = []; // {id, username}

// first, last, full (null: first + last), email local part (null: the username)
const PEOPLE = [
    ['jose', 'José', 'García', null, null],
    ['jose2', 'jose', 'Garcia', null, null],
    ['zoe', 'Zoë', "O'Brien", null, null],
    ['soren', 'Søren', "O'Connor", null, null],
    ['mary', 'Mary', 'Smith', null, null],
    ['mary2', 'mary', 'SMITH', null, null],
    ['mar_y', 'Mar_y', 'Sm%th', null, 'mar%y'],
    ['marco', 'Marco', 'Smith', null, null],
    ['ann', 'Ann', 'Smith', 'Ann-Marie Smith', null],
    ['lukasz', 'Łukasz', 'Müller', null, null],
    ['maria', 'Maria', 'Martínez', null, null],
    ['mark', 'Mark', 'Martin', null, null],
    ['jo', 'Jo', 'Smith', null, null],
    ['marianne', 'Marianne', 'Marshall', null, null],
];

const SORTS = {
    username: ['u.username', 'u.username DESC'],
    email: ['u.email', 'u.email DESC'],
    last_name: ['u.last_name, u.first_name, u.id', 'u.last_name DESC, u.first_name DESC, u.id DESC'],
    created_at: ['u.created_at, u.id', 'u.created_at DESC, u.id DESC'],
};

/** q as the LIKE pattern Gatehouse uses ('!' escapes), as a SQL literal in the table's collation. */
function likeLit(q) {
    const pat = q.replace(/[!%_]/g, (c) => `!${c}`) + '%';
    return `CONVERT(X'${Buffer.from(pat, 'utf8').toString('hex')}' USING utf8mb4) COLLATE utf8mb4_unicode_ci`;
}

/** The reference: ids of live users (of org when given) matching q (when given), in sort order. */
async function reference({ q, org, sort = 'username', direction = 'asc', status }) {
    const where = ['u.deleted_at IS NULL'];
    if (status === 'disabled') where.push('u.is_enabled = 0');
    if (q !== undefined) {
        const l = likeLit(q);
        where.push(`(u.username LIKE ${l} ESCAPE '!' OR u.email LIKE ${l} ESCAPE '!' OR u.first_name LIKE ${l} ESCAPE '!'
            OR u.last_name LIKE ${l} ESCAPE '!' OR u.full_name LIKE ${l} ESCAPE '!')`);
    }
    if (org !== undefined) where.push(`u.id IN (SELECT user_id FROM user_organization WHERE organization_id = ${org})`);
    const order = SORTS[sort][direction === 'desc' ? 1 : 0];
    return (await sql(`SELECT u.id FROM users u WHERE ${where.join(' AND ')} ORDER BY ${order}`)).map((r) => Number(r[0]));
}

/** What the API lists, paged by cursor with limit. */
async function listed(client, { q, org, sort = 'username', direction = 'asc', status }, limit) {
    const qs = [`sort=${sort}`, `direction=${direction}`];
    if (status) qs.push(`status=${status}`);
    if (q !== undefined) qs.push(`q=${encodeURIComponent(q)}`);
    if (org !== undefined && client === admin) qs.push(`organization_id=${org}`);
    const { items } = await listAll(client, `${USERS}?${qs.join('&')}`, { limit });
    return items.map((u) => u.id);
}

/** Every case in cases, as alice (acme) and as the platform admin (everyone, or acme). */
async function expectSame(cases, limit, label) {
    for (const c of cases) {
        for (const [who, client, org] of [['admin', admin, undefined], ['admin@acme', admin, ORG.acme], ['alice', alice, ORG.acme]]) {
            const want = await reference({ ...c, org });
            const got = await listed(client, { ...c, org }, limit);
            assert.deepEqual(got, want, `${label}: ${who} ${JSON.stringify(c)} limit ${limit}`);
        }
    }
}

/** The copies in user_organization and the rows of user_search agree with users, for everyone. */
async function expectConsistent(label) {
    const copies = await sqlValue(`SELECT COUNT(*) FROM user_organization uo JOIN users u ON u.id = uo.user_id
        WHERE BINARY uo.u_username <> BINARY u.username OR BINARY uo.u_email <> BINARY u.email
           OR BINARY uo.u_first_name <> BINARY u.first_name OR BINARY uo.u_last_name <> BINARY u.last_name
           OR uo.u_created_at <> u.created_at`);
    assert.equal(Number(copies), 0, `${label}: membership copies equal the users' columns`);
    const want = `SELECT DISTINCT LEFT(f.v, l.n) AS p, f.username, f.id
        FROM (SELECT id, username, username AS v FROM users WHERE deleted_at IS NULL
              UNION ALL SELECT id, username, email FROM users WHERE deleted_at IS NULL
              UNION ALL SELECT id, username, first_name FROM users WHERE deleted_at IS NULL
              UNION ALL SELECT id, username, last_name FROM users WHERE deleted_at IS NULL
              UNION ALL SELECT id, username, full_name FROM users WHERE deleted_at IS NULL) f
        JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4) l ON CHAR_LENGTH(f.v) >= l.n`;
    const missing = await sqlValue(`SELECT COUNT(*) FROM (${want}) w
        LEFT JOIN user_search s ON s.prefix = w.p AND s.username = w.username AND s.user_id = w.id
        WHERE s.user_id IS NULL`);
    assert.equal(Number(missing), 0, `${label}: every prefix of every live user is in user_search`);
    const extra = await sqlValue(`SELECT COUNT(*) FROM user_search s
        LEFT JOIN (${want}) w ON s.prefix = w.p AND s.username = w.username AND s.user_id = w.id
        WHERE w.id IS NULL`);
    assert.equal(Number(extra), 0, `${label}: user_search holds nothing else`);
    // org_user_search: the same prefixes once per membership (sql/0011).
    const wantOrg = `SELECT w.p, w.username, w.id, uo.organization_id AS org FROM (${want}) w
        JOIN user_organization uo ON uo.user_id = w.id`;
    const missingOrg = await sqlValue(`SELECT COUNT(*) FROM (${wantOrg}) w
        LEFT JOIN org_user_search s ON s.organization_id = w.org AND s.prefix = w.p AND s.username = w.username
         AND s.user_id = w.id
        WHERE s.user_id IS NULL`);
    assert.equal(Number(missingOrg), 0, `${label}: every prefix of every membership of a live user is in org_user_search`);
    const extraOrg = await sqlValue(`SELECT COUNT(*) FROM org_user_search s
        LEFT JOIN (${wantOrg}) w ON s.organization_id = w.org AND s.prefix = w.p AND s.username = w.username
         AND s.user_id = w.id
        WHERE w.id IS NULL`);
    assert.equal(Number(extraOrg), 0, `${label}: org_user_search holds nothing else`);
}

async function withCap(cap, fn) {
    await restartGatehouse({ ...BASE_ENV, GATEHOUSE_USERS_PROBE_CAP: String(cap) });
    try {
        await fn();
    } finally {
        await restartGatehouse(BASE_ENV);
    }
}

async function etagOf(id) {
    const r = await admin.get(`${USERS}/${id}`);
    expectStatus(r, 200);
    return r.headers.get ? r.headers.get('etag') : r.headers.etag;
}

before(async () => {
    const conf = fs.readFileSync(CONF, 'utf8');
    if (!/^\s*mail_template_dir\s*=/m.test(conf)) {
        BASE_ENV = { GATEHOUSE_MAIL_TEMPLATE_DIR: path.join(REPO, 'templates', 'mail') };
        await restartGatehouse(BASE_ENV);
    }
    admin = await new Client('admin', { autoRelogin: true }).login();
    alice = await new Client('alice', { autoRelogin: true }).login();
    for (const [suffix, first, last, full, local] of PEOPLE) {
        const username = `${R}.${suffix}`;
        const body = { username, email: `${local ? `${R}.${local}` : username}@acme.test`, password: PW, first_name: first, last_name: last };
        if (full) body.full_name = full;
        const c = expectCreated(await alice.post(USERS, body), USERS, `create ${username}`);
        made.push({ id: c.id, username });
    }
    // A rare state among the matches of mar.
    expectStatus(await admin.post(`${USERS}/${made.find((m) => m.username === `${R}.marco`).id}/disable`), 200, 'disable');
    // Ties: two users with the same creation time (the trigger copies the change).
    await sql(`UPDATE users SET created_at = (SELECT created_at FROM (SELECT created_at FROM users WHERE id = ${made[0].id}) x)
               WHERE id IN (${made[1].id}, ${made[2].id})`);
});

after(async () => {
    const rows = await sql(`SELECT id FROM users WHERE username LIKE '${R}%' OR email LIKE '${R}%' OR email LIKE 'inv-${R}%'`);
    const ids = [...new Set([...made.map((m) => m.id), ...rows.map((r) => Number(r[0]))])];
    if (ids.length) await sql(`DELETE FROM users WHERE id IN (${ids.join(',')})`);
    await sql(`DELETE FROM signup_info WHERE email LIKE 'inv-${R}%'`);
    await expectConsistent('after a hard delete');
});

const ORG_CASES = [];
for (const sort of Object.keys(SORTS)) for (const direction of ['asc', 'desc']) ORG_CASES.push({ sort, direction });

const QS = ['José', 'jose', 'JOSE', "o'b", "O'Brien", 'zoe', 'Zoë', 'mar', 'Mar_', 'mar_y', 'Sm%', 'sm%th', 'mary',
    'MARY S', 'mary smith', 'Ann-M', 'łuk', 'luk', 'Mül', 'mul', 'ma', 'sm', R, `${R}.jo`, `${R}.mar`, `${R}.mar_`, 'zz-none'];
const SEARCH_CASES = QS.map((q) => ({ q }));
for (const q of ['mar', `${R}.marco`]) {
    for (const sort of ['username', 'email']) SEARCH_CASES.push({ q, sort, status: 'disabled' });
}
for (const q of ['mar', 'sm', `${R}.ma`, 'José']) {
    for (const sort of Object.keys(SORTS)) for (const direction of ['asc', 'desc']) SEARCH_CASES.push({ q, sort, direction });
}

describe('every plan gives the reference page', () => {
    test('organization lists: every sort, both directions, paged by cursor (sorted members, then the membership walk)', async () => {
        await expectConsistent('after the creates');
        await expectSame(ORG_CASES, 3, 'default cap');
        await withCap(1, () => expectSame(ORG_CASES, 2, 'cap 1'));
    });

    test('search: accents, apostrophes, case, literal % and _, q longer than the prefixes, deep pages, every sort', async () => {
        await expectSame(SEARCH_CASES, 2, 'default cap');
        await withCap(1, () => expectSame(SEARCH_CASES, 2, 'cap 1'));
        // A page larger than the matches: the budgeted walks end early and fall back.
        await withCap(1, () => expectSame([{ q: 'mar', sort: 'email' }, { q: `${R}.mari` }, { q: 'mary smith' }], 50, 'cap 1, one page'));
    });
});

describe('triggers keep the copies and the prefixes right', () => {
    test('rename, new e-mail, new names, new created_at: the lists and the search follow', async () => {
        const u = made.find((m) => m.username === `${R}.mary`);
        const p = await admin.patch(`${USERS}/${u.id}`, { username: `${R}.abigail`, email: `${R}.ABIGAIL@acme.test`, first_name: 'Abigail', last_name: 'Zwart' },
            { headers: { 'If-Match': await etagOf(u.id) } });
        expectStatus(p, 200, 'patch');
        u.username = `${R}.abigail`;
        // Case only: the collation calls it equal, the copies must still change.
        const p2 = await admin.patch(`${USERS}/${u.id}`, { last_name: 'zwart' }, { headers: { 'If-Match': await etagOf(u.id) } });
        expectStatus(p2, 200, 'patch case');
        assert.equal(await sqlValue(`SELECT u_last_name FROM user_organization WHERE user_id = ${u.id}`), 'zwart');
        await sql(`UPDATE users SET created_at = '2001-02-03 04:05:06.000007' WHERE id = ${u.id}`);
        await expectConsistent('after the updates');
        for (const q of ['abig', 'Zwa', 'mary', `${R}.ab`, `${R}.abigail@`]) {
            const want = await reference({ q });
            assert.deepEqual(await listed(admin, { q }, 2), want, `q=${q}`);
        }
        assert.ok((await reference({ q: 'Zwa' })).includes(u.id));
        assert.ok(!(await reference({ q: `${R}.mary` })).includes(u.id));
        await expectSame(ORG_CASES, 3, 'after the updates');
        await withCap(1, () => expectSame([...ORG_CASES, { q: 'zwa' }, { q: 'mary' }, { q: 'abig', sort: 'created_at' }], 2, 'after the updates, cap 1'));
    });

    test('a soft delete takes the user out of user_search; create and an accepted invitation add memberships with their copies', async () => {
        const d = made.find((m) => m.username === `${R}.mark`);
        const res = await admin.del(`${USERS}/${d.id}`, { headers: { 'If-Match': await etagOf(d.id) } });
        assert.ok(res.status === 200 || res.status === 204, `delete: ${res.status} ${res.text?.slice(0, 200)}`);
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM user_search WHERE user_id = ${d.id}`)), 0, 'no prefixes for a deleted user');

        // A platform admin creates a user in globex, then adds it to acme too.
        const c = expectCreated(await admin.post(USERS, { username: `${R}.newbie`, email: `${R}.newbie@globex.test`, password: PW,
            first_name: 'Newbie', last_name: 'Marsh', organization_id: ORG.globex }), USERS, 'create in globex');
        made.push({ id: c.id, username: `${R}.newbie` });
        await sql(`INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${c.id}, ${ORG.acme}, 0)`);

        // An invitation accepted: the user is created and joins acme in one transaction.
        const email = `inv-${R}@acme.test`;
        const before = fs.existsSync(MAIL_DIR) ? new Set(fs.readdirSync(MAIL_DIR)) : new Set();
        expectCreated(await alice.post('/api/v1/invitations', { email }), '/api/v1/invitations', 'invite');
        const token = await waitFor(() => {
            if (!fs.existsSync(MAIL_DIR)) return null;
            for (const f of fs.readdirSync(MAIL_DIR)) {
                if (before.has(f)) continue;
                const text = fs.readFileSync(path.join(MAIL_DIR, f), 'utf8');
                if (!text.toLowerCase().includes(`to: ${email}`)) continue;
                const m = text.match(/token=([A-Za-z0-9_-]+)/);
                if (m) return m[1];
            }
            return null;
        }, 8000, 50);
        const acc = await alice.req('POST', `/api/v1/public/invitations/${token}/accept`,
            { body: { username: `${R}.invited`, password: PW, first_name: 'Ines', last_name: 'Marquez' }, token: '' });
        assert.ok(acc.status === 200 || acc.status === 201, `accept: ${acc.status} ${acc.text?.slice(0, 300)}`);
        const inv = Number(await sqlValue(`SELECT id FROM users WHERE username = '${R}.invited'`));
        assert.ok(inv > 0);
        assert.equal(await sqlValue(`SELECT u_last_name FROM user_organization WHERE user_id = ${inv} AND organization_id = ${ORG.acme}`), 'Marquez');

        await expectConsistent('after the delete, the create and the invitation');
        await expectSame([...ORG_CASES, { q: 'mars' }, { q: 'Márq' }, { q: 'ines' }], 3, 'after the new members');
        await withCap(1, () => expectSame([...ORG_CASES, { q: 'mars' }, { q: 'Márq' }, { q: 'ines' }], 2, 'after the new members, cap 1'));
    });

    test('a member removed from an organization leaves its search at once; added back, returns', async () => {
        const u = made.find((m) => m.username === `${R}.newbie`);
        const inAcme = async () => (await listed(alice, { q: 'Newb', org: ORG.acme }, 10)).includes(u.id);
        assert.ok(await inAcme(), 'found in acme before');
        const rm = await admin.del(`/api/v1/organizations/${ORG.acme}/members/${u.id}`);
        assert.ok(rm.status === 200 || rm.status === 204, `remove: ${rm.status} ${rm.text?.slice(0, 200)}`);
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM org_user_search WHERE organization_id = ${ORG.acme} AND user_id = ${u.id}`)), 0,
            'no prefix rows left in acme');
        assert.ok(Number(await sqlValue(`SELECT COUNT(*) FROM org_user_search WHERE organization_id = ${ORG.globex} AND user_id = ${u.id}`)) > 0,
            'its rows in globex stay');
        assert.ok(!(await inAcme()), 'not found in acme after the removal');
        // A row no trigger saw (written by hand) does not show a non-member: the list probes membership.
        await sql(`INSERT INTO org_user_search (organization_id, prefix, username, user_id) VALUES (${ORG.acme}, 'newb', '${R}.newbie', ${u.id})`);
        assert.ok(!(await inAcme()), 'a stray row shows nobody');
        await sql(`DELETE FROM org_user_search WHERE organization_id = ${ORG.acme} AND user_id = ${u.id}`);
        await sql(`INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${u.id}, ${ORG.acme}, 0)`);
        assert.ok(await inAcme(), 'found in acme again');
        await expectConsistent('after the removal and the return');
        await expectSame([{ q: 'newb' }, { q: 'mars' }, { q: 'ma' }], 2, 'after the removal and the return');
    });

    test('a restored user, an organization deleted with its members, a case-only rename: org_user_search follows', async () => {
        const u = made.find((m) => m.username === `${R}.newbie`);
        const rows = async (org) => Number(await sqlValue(`SELECT COUNT(*) FROM org_user_search WHERE user_id = ${u.id}` +
            (org ? ` AND organization_id = ${org}` : '')));
        // Soft delete and restore, in SQL (the API has no restore): the rows go, then come back.
        await sql(`UPDATE users SET deleted_at = NOW(6) WHERE id = ${u.id}`);
        assert.equal(await rows(), 0, 'no rows for a deleted user');
        await sql(`UPDATE users SET deleted_at = NULL WHERE id = ${u.id}`);
        assert.ok(await rows(ORG.acme) > 0 && await rows(ORG.globex) > 0, 'rows back in both organizations');
        await expectConsistent('after a restore');
        // A case-only rename of the last name: the rows are replaced, not left with the old case.
        await sql(`UPDATE users SET last_name = 'MARSH' WHERE id = ${u.id}`);
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM org_user_search WHERE user_id = ${u.id} AND BINARY prefix = 'MAR'`)), 2,
            'the new prefix, in its case, in both organizations');
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM org_user_search WHERE user_id = ${u.id} AND BINARY prefix = 'Mar'`)), 0,
            'no row of the old case left');
        await sql(`UPDATE users SET last_name = 'Marsh' WHERE id = ${u.id}`);
        // An organization deleted (SQL: the API refuses while it has members) takes its memberships
        // and its search rows with it, by foreign key.
        await sql(`INSERT INTO organization (slug, name) VALUES ('ous-${RUN}', 'Search ${RUN}')`);
        const org = Number(await sqlValue(`SELECT id FROM organization WHERE slug = 'ous-${RUN}'`));
        await sql(`INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${u.id}, ${org}, 0)`);
        assert.ok(await rows(org) > 0, 'rows in the new organization');
        await sql(`DELETE FROM organization WHERE id = ${org}`);
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM org_user_search WHERE organization_id = ${org}`)), 0,
            'none left for the deleted organization');
        await expectConsistent('after the organization\'s delete');
    });
});
