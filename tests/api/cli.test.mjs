// The command line says why it stops (issue 18, part 4): `serve --help` prints the usage,
// `serve` with a configuration its workers could not start with refuses at once (no respawn
// loop), and a socket that cannot be bound is said on the terminal even with a log file.
// socket_group gives the unix sockets a group the web server's user is in (socket_mode 0660).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { BIN, gatehouse, waitFor } from './lib.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function conf(name, text) {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, text);
    return f;
}

test('serve --help and check-config -h print the usage and succeed', async () => {
    for (const args of [['serve', '--help'], ['check-config', '-h'], ['--help']]) {
        const r = await gatehouse(args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stdout, /usage: gatehouse <command>/);
    }
});

test('serve refuses a configuration its workers could not start with, on stderr, at once', async () => {
    const f = conf('nosecret.conf', `listen = 127.0.0.1:0\nlog_file = ${tmp}/a.log\n`);
    const t0 = Date.now();
    const r = await gatehouse(['serve', '-c', f], { timeoutMs: 10000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /jwt_secret_file/);
    assert.ok(Date.now() - t0 < 5000, 'no respawn loop');
});

test('a socket that cannot be bound is said on the terminal, though the log is a file', async () => {
    const busy = net.createServer();
    await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = busy.address().port;
    try {
        const secret = path.join(tmp, 'secret');
        fs.writeFileSync(secret, 'x'.repeat(48));
        const f = conf('busy.conf', `listen = 127.0.0.1:${port}\nlog_file = ${tmp}/b.log\njwt_secret_file = ${secret}\n`);
        const r = await gatehouse(['serve', '-c', f], { timeoutMs: 10000 });
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}: Address already in use`));
        assert.match(fs.readFileSync(path.join(tmp, 'b.log'), 'utf8'), /Address already in use/, 'and in the log');
    } finally {
        busy.close();
    }
});

// A group the test process is not in, so the socket cannot have it by accident: www-data (nginx's
// and Apache's user on Debian) when it exists, else daemon.
function otherGroup() {
    const groups = fs.readFileSync('/etc/group', 'utf8').split('\n').map((l) => l.split(':'));
    for (const name of ['www-data', 'daemon']) {
        const g = groups.find((f) => f[0] === name);
        if (g && Number(g[2]) !== process.getgid()) return { name, gid: Number(g[2]) };
    }
    return null;
}

function connects(sock) {
    return new Promise((resolve) => {
        const c = net.connect(sock, () => { c.destroy(); resolve(true); });
        c.on('error', () => resolve(false));
    });
}

// Starts `serve -c f` (as uid:gid when given); waits until every socket accepts a connection
// (it listens: group and mode are set by then) or serve exits.
async function serveUntilSockets(f, socks, ids = {}) {
    const child = spawn(BIN, ['serve', '-c', f], { stdio: ['ignore', 'ignore', 'pipe'], ...ids });
    let stderr = '';
    let code = null;
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('exit', (c) => resolve((code = c))));
    await waitFor(async () => {
        if (code !== null) return true;
        for (const sock of socks) if (!(await connects(sock))) return false;
        return true;
    }, 10000);
    return {
        child,
        get code() { return code; },
        get stderr() { return stderr; },
        async stop() {
            if (code === null) child.kill('SIGTERM');
            await exited;
        },
    };
}

test('socket_group: both unix sockets have the group and socket_mode once they accept connections', async (t) => {
    const g = otherGroup();
    if (!g || process.getuid() !== 0) return t.skip('needs root and a group other than our own');
    const secret = path.join(tmp, 'secret-g');
    fs.writeFileSync(secret, 'x'.repeat(48));
    const main = path.join(tmp, 'g.sock');
    const check = path.join(tmp, 'g-check.sock');
    const f = conf('group.conf', `listen = unix:${main}\ncheck_listen = unix:${check}\n` +
        `socket_mode = 0660\nsocket_group = ${g.name}\nworkers = 1\ncheck_workers = 1\n` +
        `jwt_secret_file = ${secret}\nlog_file = ${tmp}/g.log\n`);
    const cc = await gatehouse(['check-config', '-c', f]);
    assert.equal(cc.code, 0, cc.stderr);
    assert.match(cc.stdout, new RegExp(`^socket_group = ${g.name}$`, 'm'));
    const s = await serveUntilSockets(f, [main, check]);
    try {
        assert.equal(s.code, null, `serve exited: ${s.stderr}`);
        for (const sock of [main, check]) {
            const st = fs.statSync(sock);
            assert.ok(st.isSocket(), sock);
            assert.equal(st.gid, g.gid, `${sock}: group ${st.gid}, expected ${g.name} (${g.gid})`);
            assert.equal(st.mode & 0o777, 0o660, `${sock}: mode ${(st.mode & 0o777).toString(8)}`);
        }
    } finally {
        await s.stop();
    }
    // A number works as well as a name.
    const fn = conf('group-num.conf', fs.readFileSync(f, 'utf8').replace(`socket_group = ${g.name}`, `socket_group = ${g.gid}`));
    const s2 = await serveUntilSockets(fn, [main, check]);
    try {
        assert.equal(s2.code, null, `serve exited: ${s2.stderr}`);
        assert.equal(fs.statSync(main).gid, g.gid);
    } finally {
        await s2.stop();
    }
});

test('socket_group: an unknown group is a configuration error, on stderr, for check-config and serve', async () => {
    const secret = path.join(tmp, 'secret-g');
    fs.writeFileSync(secret, 'x'.repeat(48));
    const f = conf('badgroup.conf', `listen = unix:${tmp}/bad.sock\nsocket_group = no-such-group-gh\n` +
        `jwt_secret_file = ${secret}\nlog_file = ${tmp}/bad.log\n`);
    for (const cmd of ['check-config', 'serve']) {
        const r = await gatehouse([cmd, '-c', f], { timeoutMs: 10000 });
        assert.equal(r.code, 1, `${cmd}: ${r.stderr}`);
        assert.match(r.stderr, /key 'socket_group': no such group 'no-such-group-gh'/, cmd);
    }
    assert.equal(fs.existsSync(path.join(tmp, 'bad.sock')), false, 'no socket left behind');
});

test('socket_group: a group the user is not in stops serve with the reason on stderr', async (t) => {
    const g = otherGroup();
    if (!g || process.getuid() !== 0) return t.skip('needs root (to run serve as nobody)');
    // nobody (65534) is in neither www-data nor daemon; its files must be readable by it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-cli-nobody-'));
    try {
        fs.chmodSync(dir, 0o755);
        const secret = path.join(dir, 'secret');
        fs.writeFileSync(secret, 'x'.repeat(48), { mode: 0o644 });
        const sock = path.join(dir, 'n.sock');
        const f = path.join(dir, 'n.conf');
        fs.writeFileSync(f, `listen = unix:${sock}\nsocket_group = ${g.name}\nworkers = 1\n` +
            `jwt_secret_file = ${secret}\n`, { mode: 0o644 });
        fs.chownSync(dir, 65534, 65534);
        const s = await serveUntilSockets(f, [path.join(dir, 'never')], { uid: 65534, gid: 65534 });
        await s.stop();
        assert.equal(s.code, 1, s.stderr);
        assert.match(s.stderr, new RegExp(`socket_group ${g.name}: Operation not permitted \\(Gatehouse's user must be root or a member of that group\\)`));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
