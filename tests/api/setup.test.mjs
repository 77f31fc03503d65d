// `gatehouse setup` from a clone (issue 18, part 3), against the stack's MariaDB as its
// administrator (root over the unix socket): a new configuration, a database with its
// least-privilege user, the secrets, the migrations, the first organization and its
// administrator; refusals that leave nothing behind.  And create-admin's common-password check.
// The packaged path (the conffile, root:gatehouse modes, binary logging) is tests/package/run's.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { spawn } from 'node:child_process';

import { BIN, CONF, REPO, RUN_DIR, gatehouse, sql, sqlValue, waitFor } from './lib.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-setup-'));
const tag = `${process.pid}${Date.now() % 100000}`;
const DB = `gh_setup_${tag}`;
const USER = `ghs_${tag}`;
const SLUG = `setup-${tag}`;
const conf = path.join(tmp, 'etc', 'gatehouse.conf');
fs.mkdirSync(path.dirname(conf));

after(async () => {
    await sql(`DROP DATABASE IF EXISTS ${DB}`).catch(() => {});
    await sql(`DROP USER IF EXISTS '${USER}'@'localhost'`).catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
});

function pwFile(name, text) {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, `${text}\n`, { mode: 0o600 });
    return f;
}

const GOOD = pwFile('good.pw', 'Setup-Test-Passphrase-7');

function setupArgs(extra = []) {
    return [
        'setup', '-c', conf, '--non-interactive',
        '--db-socket', path.join(RUN_DIR, 'mysql.sock'), '--db-name', DB, '--db-user', USER,
        '--admin-user', 'root',
        '--redis-socket', path.join(RUN_DIR, 'redis.sock'),
        '--sql-dir', path.join(REPO, 'sql'), '--mail-template-dir', path.join(REPO, 'templates', 'mail'),
        '--log-file', 'stderr', '--public-url', 'http://127.0.0.1:1',
        '--listen', `unix:${tmp}/gh.sock`, '--set', 'workers = 1',
        '--org-slug', SLUG, '--org-name', 'Setup Test', '--username', `admin-${tag}`,
        '--email', `admin-${tag}@example.com`,
        ...extra,
    ];
}

const dirFiles = () => fs.readdirSync(path.dirname(conf)).sort();

test('setup refuses a password from the common-password list and makes nothing', async () => {
    const r = await gatehouse(setupArgs(['--password-file', pwFile('weak.pw', 'password1234')]));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /commonly used passwords/);
    assert.deepEqual(dirFiles(), [], 'no configuration, no secret, no temporary file');
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${DB}'`), '0');
});

test('setup refuses a password shorter than the policy and asks for a missing option', async () => {
    let r = await gatehouse(setupArgs(['--password-file', pwFile('short.pw', 'Short-1')]));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /12 to 128 characters/);
    r = await gatehouse(setupArgs().filter((a, i, all) => a !== '--email' && all[i - 1] !== '--email').concat(['--password-file', GOOD]));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--email is required/);
    assert.deepEqual(dirFiles(), []);
});

test('setup from a clone: configuration, database, user, secrets, migrations, first organization', async () => {
    const r = await gatehouse(setupArgs(['--password-file', GOOD]));
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`created database ${DB} and user '${USER}'@'localhost'`));
    assert.match(r.stdout, new RegExp(`created organization ${SLUG}`));
    assert.match(r.stdout, /next: /);

    // The files: the configuration and three secrets, none readable by others.
    assert.deepEqual(dirFiles(), ['db_password', 'gatehouse.conf', 'jwt_secret', 'mfa_key']);
    for (const f of dirFiles()) {
        const mode = fs.statSync(path.join(path.dirname(conf), f)).mode & 0o777;
        assert.ok(mode === 0o600 || mode === 0o640, `${f}: mode ${mode.toString(8)}`);
    }
    assert.match(fs.readFileSync(path.join(path.dirname(conf), 'jwt_secret'), 'utf8'), /^[0-9a-f]{64}\n$/);
    assert.match(fs.readFileSync(path.join(path.dirname(conf), 'mfa_key'), 'utf8'), /^[0-9a-f]{64}\n$/);
    const text = fs.readFileSync(conf, 'utf8');
    assert.match(text, new RegExp(`^db_name = ${DB}$`, 'm'));
    assert.match(text, /^workers = 1$/m, '--set lines are kept');

    // It loads, every migration is applied, as the new user.
    const cc = await gatehouse(['check-config', '-c', conf]);
    assert.equal(cc.code, 0, cc.stderr);
    const st = await gatehouse(['migrate', '-c', conf, '--status']);
    assert.equal(st.code, 0, st.stderr);
    assert.doesNotMatch(st.stdout, /pending/);
    assert.match(st.stdout, /applied\s+0001_schema\.sql/);

    // The user holds its database's grants and nothing global.
    const grants = (await sql(`SHOW GRANTS FOR '${USER}'@'localhost'`)).map((r) => r[0]).join('\n');
    assert.match(grants, new RegExp(`ON \`${DB}\`\\.\\*`));
    assert.doesNotMatch(grants, /SUPER|ALL PRIVILEGES|GRANT OPTION/);

    // The administrator: platform_admin, a member of the organization with org_admin there.
    const rows = await sql(`SELECT o.slug, uo.is_primary,
            (SELECT GROUP_CONCAT(r.name ORDER BY r.name) FROM ${DB}.user_roles ur JOIN ${DB}.roles r ON r.id = ur.role_id WHERE ur.user_id = u.id)
        FROM ${DB}.users u JOIN ${DB}.user_organization uo ON uo.user_id = u.id JOIN ${DB}.organization o ON o.id = uo.organization_id
        WHERE u.username = 'admin-${tag}'`);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0][0], SLUG);
    assert.equal(rows[0][1], '1');
    assert.deepEqual(rows[0][2].split(',').sort(), ['org_admin', 'platform_admin']);
});

test('setup run again refuses and changes nothing', async () => {
    const before = dirFiles().map((f) => fs.readFileSync(path.join(path.dirname(conf), f), 'utf8'));
    const r = await gatehouse(setupArgs(['--password-file', GOOD]));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exists/);
    assert.deepEqual(dirFiles().map((f) => fs.readFileSync(path.join(path.dirname(conf), f), 'utf8')), before);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM ${DB}.organization`), '1');
});

test('setup refuses a database that holds tables, with the existing user, and writes no configuration', async () => {
    const other = path.join(tmp, 'other');
    fs.mkdirSync(other);
    const r = await gatehouse(setupArgs(['--password-file', GOOD, '--db-password-file', path.join(path.dirname(conf), 'db_password')])
        .map((a) => (a === conf ? path.join(other, 'gatehouse.conf') : a)));
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /holds \d+ tables/);
    assert.deepEqual(fs.readdirSync(other), [], 'the secrets it had made are removed again');
});

test('setup with --jwt-alg ES256 generates a P-256 signing key in PEM that check-config accepts', async () => {
    const dir = path.join(tmp, 'es256');
    fs.mkdirSync(dir);
    const c = path.join(dir, 'gatehouse.conf');
    const r = await gatehouse(setupArgs(['--password-file', GOOD, '--jwt-alg', 'ES256'])
        .map((a) => (a === conf ? c : a === DB ? `${DB}_es` : a === USER ? `${USER}e` : a)));
    try {
        assert.equal(r.code, 0, r.stderr + r.stdout);
        const pem = fs.readFileSync(path.join(dir, 'jwt_key.pem'), 'utf8');
        assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
        assert.match(fs.readFileSync(c, 'utf8'), /^jwt_alg = ES256$/m);
        assert.ok(!fs.existsSync(path.join(dir, 'jwt_secret')));
        const cc = await gatehouse(['check-config', '-c', c]);
        assert.equal(cc.code, 0, cc.stderr);
    } finally {
        await sql(`DROP DATABASE IF EXISTS ${DB}_es`).catch(() => {});
        await sql(`DROP USER IF EXISTS '${USER}e'@'localhost'`).catch(() => {});
    }
});

test('create-admin refuses a common password, and says what to do next', async () => {
    let r = await gatehouse(['create-admin', '-c', CONF, '--username', `ca-${tag}`, '--email', `ca-${tag}@example.com`], { input: 'password1234\n' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /commonly used passwords/);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM users WHERE username = 'ca-${tag}'`), '0');
    r = await gatehouse(['create-admin', '-c', CONF, '--username', `ca-${tag}`, '--email', `ca-${tag}@example.com`], { input: 'Create-Admin-Passphrase-3\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /next: .*no organization/s);
    await sql(`DELETE FROM users WHERE username = 'ca-${tag}'`);
});

test('log_file = stderr and - send the log to standard error (the journal under systemd)', async () => {
    const secret = path.join(tmp, 'log-secret');
    fs.writeFileSync(secret, 'k'.repeat(48));
    for (const v of ['stderr', '-']) {
        const sock = path.join(tmp, `log-${v === '-' ? 'dash' : v}.sock`);
        const f = path.join(tmp, `log-${v === '-' ? 'dash' : v}.conf`);
        fs.writeFileSync(f, `listen = unix:${sock}\nworkers = 1\nlog_file = ${v}\njwt_secret_file = ${secret}\n` +
            `db_socket = ${path.join(RUN_DIR, 'mysql.sock')}\nredis_socket = ${path.join(RUN_DIR, 'redis.sock')}\n`);
        const child = spawn(BIN, ['serve', '-c', f], { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => { err += d; });
        try {
            await waitFor(() => /"master: pid \d+, listening/.test(err), 10000);
        } finally {
            child.kill('SIGTERM');
            await new Promise((resolve) => child.on('exit', resolve));
        }
        assert.match(err, /^\{"ts":/m, 'JSON lines on standard error');
        assert.ok(!fs.existsSync(path.join(tmp, v)), `no file named ${v}`);
    }
});
