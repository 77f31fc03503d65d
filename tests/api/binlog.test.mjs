// Migrations on a MariaDB with binary logging on, by a user without SUPER (issue 18, part 4):
// MariaDB refuses CREATE TRIGGER to such a user unless log_bin_trust_function_creators is on
// (error 1419).  `gatehouse migrate` and `gatehouse setup` say so before applying anything;
// with the setting on (docs/running.md, "Binary logging") the same user migrates from scratch.
// A MariaDB of its own, started here with --log-bin on a unix socket in a temporary directory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO, gatehouse, waitFor } from './lib.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-binlog-'));
fs.chmodSync(tmp, 0o755);
const sock = path.join(tmp, 'mysql.sock');
const asRoot = process.getuid() === 0;
const admin = asRoot ? 'root' : os.userInfo().username;
let mariadbd = null;

function run(file, args, input) {
    return new Promise((resolve) => {
        const c = execFile(file, args, { timeout: 120000 }, (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
        if (input !== undefined) c.stdin.end(input);
    });
}

async function my(query) {
    const r = await run('mariadb', ['--no-defaults', `--socket=${sock}`, '-u', admin, '-N', '-B', '-e', query]);
    if (r.code !== 0) throw new Error(`${query}: ${r.stderr}`);
    return r.stdout.trim();
}

before(async () => {
    const user = asRoot ? ['--user=root'] : [];
    const inst = await run('mariadb-install-db', ['--no-defaults', `--datadir=${tmp}/data`, ...user,
        '--auth-root-authentication-method=socket', '--skip-test-db', '--skip-name-resolve']);
    assert.equal(inst.code, 0, inst.stderr);
    mariadbd = spawn('mariadbd', ['--no-defaults', ...user, `--datadir=${tmp}/data`, `--socket=${sock}`,
        `--pid-file=${tmp}/mysql.pid`, `--log-error=${tmp}/mysql.err`, '--skip-networking',
        `--log-bin=${tmp}/data/binlog`, '--server-id=1', '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci', '--innodb-buffer-pool-size=32M'], { stdio: 'ignore' });
    await waitFor(async () => (await run('mariadb', ['--no-defaults', `--socket=${sock}`, '-u', admin, '-e', 'SELECT 1'])).code === 0, 60000, 200);
});

after(async () => {
    if (mariadbd !== null && mariadbd.exitCode === null) {
        const gone = new Promise((resolve) => mariadbd.on('exit', resolve));
        mariadbd.kill('SIGTERM');
        await gone;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
});

const GRANTS = 'SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES, CREATE TEMPORARY TABLES, ' +
    'TRIGGER, CREATE ROUTINE, ALTER ROUTINE, EXECUTE';

function conf(db, user) {
    const pw = path.join(tmp, `${user}.pw`);
    fs.writeFileSync(pw, `${user}-password`, { mode: 0o600 });
    const f = path.join(tmp, `${db}.conf`);
    fs.writeFileSync(f, `db_socket = ${sock}\ndb_name = ${db}\ndb_user = ${user}\ndb_password_file = ${pw}\n` +
        `sql_dir = ${path.join(REPO, 'sql')}\n`);
    return f;
}

test('the server has binary logging on and log_bin_trust_function_creators off', async () => {
    assert.equal(await my('SELECT @@log_bin, @@log_bin_trust_function_creators'), '1\t0');
});

test('migrate by a user without SUPER refuses before applying anything, naming the setting', async () => {
    await my(`CREATE DATABASE m1 CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE USER 'm1'@'localhost' IDENTIFIED BY 'm1-password'; GRANT ${GRANTS} ON m1.* TO 'm1'@'localhost'`);
    const r = await gatehouse(['migrate', '-c', conf('m1', 'm1')]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /error 1419/);
    assert.match(r.stderr, /SET GLOBAL log_bin_trust_function_creators = 1;/);
    assert.doesNotMatch(r.stdout, /applied/);
    assert.equal(await my('SELECT COUNT(*) FROM m1.schema_migrations'), '0');
});

test('setup refuses too, and makes no database, user or file', async () => {
    const dir = path.join(tmp, 'setup1');
    fs.mkdirSync(dir);
    const pw = path.join(tmp, 'admin.pw');
    fs.writeFileSync(pw, 'Binlog-Admin-Passphrase-5\n');
    const r = await gatehouse(['setup', '-c', path.join(dir, 'gatehouse.conf'), '--non-interactive',
        '--db-socket', sock, '--db-name', 's1', '--db-user', 's1', '--admin-user', admin,
        '--sql-dir', path.join(REPO, 'sql'), '--org-slug', 'binlog', '--username', 'binlog-admin',
        '--email', 'binlog@example.com', '--password-file', pw]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /log_bin_trust_function_creators/);
    assert.deepEqual(fs.readdirSync(dir), []);
    assert.equal(await my("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 's1'"), '0');
    assert.equal(await my("SELECT COUNT(*) FROM mysql.user WHERE User = 's1'"), '0');
});

test('with log_bin_trust_function_creators on, the same user migrates from scratch', async () => {
    await my('SET GLOBAL log_bin_trust_function_creators = 1');
    const r = await gatehouse(['migrate', '-c', conf('m1', 'm1')]);
    assert.equal(r.code, 0, r.stderr);
    const files = fs.readdirSync(path.join(REPO, 'sql')).filter((f) => /^\d{4}_.*\.sql$/.test(f)).length;
    assert.equal(await my('SELECT COUNT(*) FROM m1.schema_migrations'), String(files));
    assert.ok(Number(await my("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'm1'")) > 0);
    assert.doesNotMatch(await my("SHOW GRANTS FOR 'm1'@'localhost'"), /SUPER|ALL PRIVILEGES/);
    // The triggers work for a writer: a user inserted gets its search prefixes.
    await my(`INSERT INTO m1.users (username, email, password_hash) VALUES ('trigger-check', 'tc@example.com', 'x')`);
    assert.ok(Number(await my("SELECT COUNT(*) FROM m1.user_search WHERE username = 'trigger-check'")) > 0);
});
