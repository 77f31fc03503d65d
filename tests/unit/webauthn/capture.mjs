// Captures the WebAuthn fixtures of tests/unit/test_webauthn.c from Chromium's virtual
// authenticator (CDP WebAuthn domain), on a page served at http://localhost:PORT (an RP ID must
// be a domain: 127.0.0.1 is refused by the browser).  For each algorithm the authenticator can
// make it writes <name>.json with a registration and two assertions made with fixed
// challenges.  Algorithms it cannot make are generated here with Node's crypto and a small CBOR
// writer (test-side only; the C code under test never writes CBOR), marked "source": "node".
//
//   node tests/unit/webauthn/capture.mjs [port]      (default 18402; needs /usr/bin/chromium)
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { cbor, cose as coseOf } from '../../api/webauthnlib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.argv[2] ?? 18402);
const origin = `http://localhost:${port}`;
const rpId = 'localhost';
const b64u = (b) => Buffer.from(b).toString('base64url');
// Fixed challenges, so that the tests know them.
const regChallenge = Buffer.alloc(32, 0x11);
const getChallenge = Buffer.alloc(32, 0x22);
const getChallenge2 = Buffer.alloc(32, 0x33);

const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>capture</title><p>webauthn capture</p>');
});
await new Promise((ok) => server.listen(port, '127.0.0.1', ok));

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});

async function ceremonies(alg) {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
            protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
            hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
        },
    });
    await page.goto(origin + '/');
    const out = await page.evaluate(async ({ alg, reg, get1, get2 }) => {
        const u8 = (a) => new Uint8Array(a);
        const enc = (b) => btoa(String.fromCharCode(...new Uint8Array(b)))
            .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        try {
            const cred = await navigator.credentials.create({ publicKey: {
                challenge: u8(reg), rp: { id: 'localhost', name: 'Gatehouse' },
                user: { id: u8(Array(32).fill(7)), name: 'alice', displayName: 'Alice' },
                pubKeyCredParams: [{ type: 'public-key', alg }],
                authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
                attestation: 'none',
            } });
            const a = [];
            for (const ch of [get1, get2]) {
                const g = await navigator.credentials.get({ publicKey: {
                    challenge: u8(ch), rpId: 'localhost', userVerification: 'required',
                    allowCredentials: [] } });
                a.push({ id: g.id, clientDataJSON: enc(g.response.clientDataJSON),
                    authenticatorData: enc(g.response.authenticatorData),
                    signature: enc(g.response.signature),
                    userHandle: g.response.userHandle ? enc(g.response.userHandle) : null });
            }
            return { ok: true, registration: { id: cred.id,
                clientDataJSON: enc(cred.response.clientDataJSON),
                attestationObject: enc(cred.response.attestationObject),
                transports: cred.response.getTransports ? cred.response.getTransports() : [] },
                assertions: a };
        } catch (e) {
            return { ok: false, error: String(e) };
        }
    }, { alg, reg: [...regChallenge], get1: [...getChallenge], get2: [...getChallenge2] });
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    await page.close();
    return out;
}

// --- Generated fixtures (for what the virtual authenticator cannot make) ---

function sign(alg, key, data) {
    return crypto.sign(alg === -8 ? null : 'sha256', data, key);
}

function generated(alg, fmt) {
    const kp = alg === -7 ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : alg === -257 ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
            : crypto.generateKeyPairSync('ed25519');
    const rpHash = crypto.createHash('sha256').update(rpId).digest();
    const credId = crypto.randomBytes(16);
    const cd = (type, ch) => Buffer.from(JSON.stringify({ type, challenge: b64u(ch), origin,
        crossOrigin: false }));
    const count = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
    const flags = 0x45; // UP, UV, AT
    const len = Buffer.from([credId.length >> 8, credId.length & 255]);
    const authData = Buffer.concat([rpHash, Buffer.from([flags]), count(0), Buffer.alloc(16), len,
        credId, cbor(coseOf(alg, kp.publicKey))]);
    const regCd = cd('webauthn.create', regChallenge);
    let attStmt = new Map();
    if (fmt === 'packed') {
        const h = crypto.createHash('sha256').update(regCd).digest();
        attStmt = new Map([['alg', alg], ['sig', sign(alg, kp.privateKey, Buffer.concat([authData, h]))]]);
    }
    const ao = cbor(new Map([['fmt', fmt], ['attStmt', attStmt], ['authData', authData]]));
    const assertions = [[getChallenge, 1], [getChallenge2, 2]].map(([ch, n]) => {
        const ad = Buffer.concat([rpHash, Buffer.from([0x05]), count(n)]);
        const c = cd('webauthn.get', ch);
        const h = crypto.createHash('sha256').update(c).digest();
        return { id: b64u(credId), clientDataJSON: b64u(c), authenticatorData: b64u(ad),
            signature: b64u(sign(alg, kp.privateKey, Buffer.concat([ad, h]))),
            userHandle: b64u(Buffer.alloc(32, 7)) };
    });
    return { ok: true, registration: { id: b64u(credId), clientDataJSON: b64u(regCd),
        attestationObject: b64u(ao), transports: ['internal'] }, assertions };
}

const algs = { es256: -7, rs256: -257, eddsa: -8 };
const report = [];
for (const [name, alg] of Object.entries(algs)) {
    let r = await ceremonies(alg);
    let source = 'chromium-virtual-authenticator';
    if (!r.ok) {
        report.push(`${name}: the virtual authenticator refused (${r.error}); generated with node`);
        r = generated(alg, 'none');
        source = 'node';
    } else {
        report.push(`${name}: captured from chromium`);
    }
    const fx = { name, alg, source, rp_id: rpId, origin, challenges: { registration: b64u(regChallenge),
        assertion: b64u(getChallenge), assertion2: b64u(getChallenge2) },
    registration: r.registration, assertions: r.assertions };
    fs.writeFileSync(path.join(here, `${name}.json`), JSON.stringify(fx, null, 2) + '\n');
}
// Packed self attestation (Chromium's authenticator attests with "none" when asked to).
for (const [name, alg] of [['packed_es256', -7], ['packed_eddsa', -8]]) {
    const r = generated(alg, 'packed');
    const fx = { name, alg, source: 'node', rp_id: rpId, origin, challenges: {
        registration: b64u(regChallenge), assertion: b64u(getChallenge),
        assertion2: b64u(getChallenge2) }, registration: r.registration, assertions: r.assertions };
    fs.writeFileSync(path.join(here, `${name}.json`), JSON.stringify(fx, null, 2) + '\n');
    report.push(`${name}: generated with node (packed self attestation)`);
}
await browser.close();
server.close();
console.log(report.join('\n'));
