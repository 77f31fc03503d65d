// The route table of docs/api.md is generated (issue 14): `gatehouse routes --markdown -c FILE`
// on a freshly migrated database prints it, and this test fails when the page differs, so a new
// route, a changed summary or a new mapping cannot land without its documentation.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { gatehouse, sql, CONF, REPO } from './lib.mjs';

const DB = `gatehouse_docs_${process.pid}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-docs-'));

after(async () => {
    await sql(`DROP DATABASE IF EXISTS ${DB}`);
    fs.rmSync(tmp, { recursive: true, force: true });
});

test('docs/api.md holds the route table that `gatehouse routes --markdown` prints for a fresh database', async () => {
    // The stack's configuration, pointed at an empty database of its own.
    const conf = fs.readFileSync(CONF, 'utf8').replace(/^db_name\s*=.*$/m, `db_name = ${DB}`);
    assert.match(conf, new RegExp(`db_name = ${DB}`));
    const file = path.join(tmp, 'gatehouse.conf');
    fs.writeFileSync(file, conf);
    const user = conf.match(/^db_user\s*=\s*(\S+)/m)?.[1] ?? 'gatehouse';
    await sql(`CREATE DATABASE ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
               GRANT ALL PRIVILEGES ON ${DB}.* TO '${user}'@'localhost'`);
    const m = await gatehouse(['migrate', '-c', file]);
    assert.equal(m.code, 0, `migrate: ${m.stdout}${m.stderr}`);
    const r = await gatehouse(['routes', '--markdown', '-c', file]);
    assert.equal(r.code, 0, r.stderr);
    const page = fs.readFileSync(path.join(REPO, 'docs', 'api.md'), 'utf8');
    const block = page.match(/<!-- routes:begin[^\n]*-->\n([\s\S]*?)<!-- routes:end -->/);
    assert.ok(block, 'docs/api.md has the routes:begin / routes:end markers');
    assert.equal(block[1], r.stdout, 'regenerate the table with `gatehouse routes --markdown -c FILE` on a fresh database');
    // Every route of the binary is in it, and nothing else.
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| method'));
    const json = JSON.parse((await gatehouse(['routes', '--json'])).stdout);
    assert.equal(rows.length, json.length);
});
