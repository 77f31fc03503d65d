// The command line says why it stops (issue 18, part 4): `serve --help` prints the usage,
// `serve` with a configuration its workers could not start with refuses at once (no respawn
// loop), and a socket that cannot be bound is said on the terminal even with a log file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { gatehouse } from './lib.mjs';

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
