// Identifiers in one form and names without non-printing characters (issue 13, parts 3 and 4;
// docs/api-users.md, "Identifiers"; docs/tokens.md, login step 3): usernames and emails are
// stored, compared and kept unique after NFKC, case folding and NFC; a login is that form up to
// letter case (a fullwidth or space-padded login names no account); white space at either end
// and non-printing characters (Cc, Cf: bidirectional overrides, zero-width characters) answer
// 400 naming the field; migration 0014 brings rows written before into the form. Every user
// made here carries RUN and is removed in after().

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { gatehouse, CONF, DEV_PASSWORD } from './lib.mjs';
import { authLogin } from './authlib.mjs';
import {
    Client, expectStatus, expectProblem, expectValidation, namesField, uniq, sql, sqlValue,
} from './authzlib.mjs';

const RUN = uniq();
const USERS = '/api/v1/users';
const PW = `Tr0ub4dor-${RUN}-staple`;
const FULLWIDTH_ADMIN = '\uff41\uff44\uff4d\uff49\uff4e'; // ａｄｍｉｎ
const BIDI = ['\u202e', '\u202a', '\u2066', '\u2069', '\u200b', '\u200d', '\u200f', '\ufeff'];

let admin;
let alice; // org_admin of acme: teams

before(async () => {
    admin = await new Client('admin').login();
    alice = await new Client('alice').login();
});

after(async () => {
    await sql(`DELETE FROM users WHERE username LIKE '%${RUN}%' OR email LIKE '%${RUN}%'`);
    await sql(`DELETE FROM organization WHERE slug LIKE 'i-${RUN}-%'`);
});

const body = (u, extra = {}) => ({ username: u, email: `${u.trim()}@acme.test`, password: PW, ...extra });

describe('login', () => {
    test('a fullwidth or space-padded login does not sign in as the account', async () => {
        for (const l of [FULLWIDTH_ADMIN, 'admin ', ' admin', 'ADMIN ', 'admin\u3000', 'ad\u200bmin',
            '\u202eadmin', 'admin\t', 'admin@acme.test ', 'ａｄｍｉｎ@acme.test']) {
            expectProblem(await authLogin(l, DEV_PASSWORD), 401, 'invalid_credentials', JSON.stringify(l));
        }
    });

    test('letter case does not matter: the form is case folded', async () => {
        for (const l of ['admin', 'ADMIN', 'Admin', 'Admin@ACME.test', 'admin@acme.TEST']) {
            const r = await authLogin(l, DEV_PASSWORD);
            expectStatus(r, 200, JSON.stringify(l));
            assert.equal(r.json.user.username, 'admin');
        }
    });
});

describe('passwords', () => {
    test('compared in their normal form: set decomposed, sign in precomposed (and with a no-break space as a space); never truncated', async () => {
        const u = `pw${RUN}`;
        const nfd = `cafe\u0301 cre\u0300me ${RUN}`;
        const nfc = `caf\u00e9 cr\u00e8me ${RUN}`;
        expectStatus(await admin.post(USERS, body(u, { password: nfd })), 201);
        expectStatus(await authLogin(u, nfc), 200, 'NFC form of the password');
        expectStatus(await authLogin(u, nfd), 200, 'as typed');
        expectStatus(await authLogin(u, nfc.replace(' ', '\u00a0')), 200, 'a no-break space is a space');
        expectProblem(await authLogin(u, `cafe creme ${RUN}`), 401, 'invalid_credentials', 'accents count');
        expectProblem(await authLogin(u, nfc.slice(0, -1)), 401, 'invalid_credentials', 'a prefix is not the password');
        expectProblem(await authLogin(u, `${nfc}x`), 401, 'invalid_credentials', 'nothing is cut off');
    });
});

describe('create and update', () => {
    test('white space at either end is refused, naming the field', async () => {
        expectValidation(await admin.post(USERS, body(` sp${RUN}`)), 'username');
        expectValidation(await admin.post(USERS, body(`sp${RUN} `)), 'username');
        expectValidation(await admin.post(USERS, body(`sp${RUN}\u3000`)), 'username');
        expectValidation(await admin.post(USERS, { ...body(`sp${RUN}`), email: `sp${RUN}@acme.test ` }), 'email');
        expectValidation(await admin.post(USERS, { ...body(`sp${RUN}`), email: ` sp${RUN}@acme.test` }), 'email');
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM users WHERE username LIKE '%sp${RUN}%'`)), 0);
    });

    test('Admin and ａｄｍｉｎ collide with admin: 409 naming the field', async () => {
        for (const u of ['Admin', 'ADMIN', FULLWIDTH_ADMIN, '\uff21dmin']) {
            const r = await admin.post(USERS, { ...body(u), email: `x${RUN}@acme.test` });
            const p = expectProblem(r, 409, 'conflict', JSON.stringify(u));
            assert.ok(namesField(p, 'username'), JSON.stringify(p));
        }
        const r = await admin.post(USERS, { ...body(`em${RUN}`), email: 'ADMIN@Acme.Test' });
        const p = expectProblem(r, 409, 'conflict');
        assert.ok(namesField(p, 'email'), JSON.stringify(p));
    });

    test('stored in the canonical form; sign in with any case of it', async () => {
        const u = `Mixed.${RUN}`;
        const r = await admin.post(USERS, { ...body(u), email: `Mixed.${RUN}@ACME.Test` });
        expectStatus(r, 201);
        assert.equal(r.json.username, u.toLowerCase());
        assert.equal(r.json.email, `mixed.${RUN}@acme.test`);
        expectStatus(await authLogin(u.toUpperCase(), PW), 200);
        expectStatus(await authLogin(`MIXED.${RUN}@acme.test`, PW), 200);
        // A fullwidth username is stored as ASCII; the ASCII form signs in, the fullwidth does not.
        const fw = `\uff46\uff57${RUN}`; // ｆｗ + RUN
        const f = await admin.post(USERS, { ...body(fw), email: `fw${RUN}@acme.test` });
        expectStatus(f, 201);
        assert.equal(f.json.username, `fw${RUN}`);
        expectStatus(await authLogin(`fw${RUN}`, PW), 200);
        expectProblem(await authLogin(fw, PW), 401, 'invalid_credentials');
        // An update stores the canonical form too, and a case-only change of another's is 409.
        // (The logins above changed last_login, so the ETags are read again.)
        const etag = async (id) => (await admin.get(`${USERS}/${id}`)).headers.get('etag');
        const up = await admin.patch(`${USERS}/${r.json.id}`, { username: `Renamed.${RUN}` },
            { headers: { 'If-Match': await etag(r.json.id) } });
        expectStatus(up, 200);
        assert.equal(up.json.username, `renamed.${RUN}`);
        const clash = await admin.patch(`${USERS}/${f.json.id}`, { username: `RENAMED.${RUN}` },
            { headers: { 'If-Match': await etag(f.json.id) } });
        expectProblem(clash, 409, 'conflict');
        expectValidation(await admin.patch(`${USERS}/${f.json.id}`, { email: `fw${RUN}@acme.test ` },
            { headers: { 'If-Match': await etag(f.json.id) } }), 'email');
    });
});

describe('non-printing characters', () => {
    test('in a username, an email or a name: 400 naming the field', async () => {
        for (const c of BIDI) {
            const n = `np${RUN}`;
            expectValidation(await admin.post(USERS, { ...body(`n${c}p${RUN}`), email: `${n}@acme.test` }),
                'username', JSON.stringify(c));
            expectValidation(await admin.post(USERS, { ...body(n), email: `n${c}p${RUN}@acme.test` }), 'email');
            expectValidation(await admin.post(USERS, { ...body(n), first_name: `Ev${c}il` }), 'first_name');
            expectValidation(await admin.post(USERS, { ...body(n), last_name: `${c}Smith` }), 'last_name');
            expectValidation(await admin.post(USERS, { ...body(n), full_name: `A${c}` }), 'full_name');
            expectValidation(await admin.post('/api/v1/organizations',
                { slug: `i-${RUN}-x`, name: `Org${c}` }), 'name');
            expectValidation(await alice.post('/api/v1/teams', { name: `Team${c}x` }), 'name');
        }
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM users WHERE username LIKE '%np${RUN}%'`)), 0);
    });

    test('printing non-ASCII names are kept', async () => {
        const r = await admin.post(USERS, { ...body(`pr${RUN}`), first_name: 'Zoë', last_name: '山田',
            full_name: 'Zoë 山田 🙂' });
        expectStatus(r, 201);
        assert.equal(r.json.full_name, 'Zoë 山田 🙂');
        const u = await admin.patch(`${USERS}/${r.json.id}`, { last_name: `Ya\u200bmada` },
            { headers: { 'If-Match': (await admin.get(`${USERS}/${r.json.id}`)).headers.get('etag') } });
        expectValidation(u, 'last_name');
    });
});

describe('migration 0014', () => {
    test('rows written before are brought into the form; a collision is left and reported', async () => {
        const hex = (s) => `X'${Buffer.from(s, 'utf8').toString('hex')}'`;
        const rows = [
            // [username, email] as an older writer (or SQL) left them
            [`\uff2digA${RUN}`, `MigA${RUN}@Acme.TEST`], // fullwidth M, mixed case
            [` migb${RUN}`, ` MIGB${RUN}@acme.test`], // leading spaces
            [`migc${RUN}`, `migc${RUN}@acme.test`], // canonical already
            [` MIGC${RUN}`, `migc2${RUN}@acme.test`], // its form is the row above's
        ];
        for (const [u, e] of rows) {
            await sql(`INSERT INTO users (username, email) VALUES (CONVERT(${hex(u)} USING utf8mb4),
                CONVERT(${hex(e)} USING utf8mb4))`);
        }
        await sql('DELETE FROM schema_migrations WHERE version = 14');
        const m = await gatehouse(['migrate', '-c', CONF]);
        assert.equal(m.code, 0, m.stderr + m.stdout);
        assert.match(m.stdout, /applied 0014_identifiers\.sql/);
        assert.match(m.stderr, new RegExp(`username ' MIGC${RUN}' left as it is: its form 'migc${RUN}'`));
        const got = await sql(`SELECT HEX(username), email FROM users WHERE email LIKE '%mig%${RUN}%' ORDER BY id`);
        const names = got.map(([h]) => Buffer.from(h, 'hex').toString('utf8'));
        assert.deepEqual(names, [`miga${RUN}`, `migb${RUN}`, `migc${RUN}`, ` MIGC${RUN}`]);
        assert.deepEqual(got.map(([, e]) => e),
            [`miga${RUN}@acme.test`, `migb${RUN}@acme.test`, `migc${RUN}@acme.test`, `migc2${RUN}@acme.test`]);
        // Run again: nothing left to change but the collision, reported again.
        await sql('DELETE FROM schema_migrations WHERE version = 14');
        const again = await gatehouse(['migrate', '-c', CONF]);
        assert.equal(again.code, 0, again.stderr);
    });
});
