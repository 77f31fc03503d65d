// A software WebAuthn authenticator for the API tests: keys from Node's crypto, attestation
// "none" or "packed" self attestation, assertions with a counter.  Its CBOR writer is test-side
// only (the server parses with libcbor).  The browser test (tests/ui/passkey.spec.mjs) uses
// Chromium's virtual authenticator instead.

import crypto from 'node:crypto';
import fs from 'node:fs';

import { CONF, URL_BASE } from './lib.mjs';

export const b64u = (b) => Buffer.from(b).toString('base64url');

/** The origin the stack accepts: webauthn_origins of its configuration, else localhost:port. */
export function stackOrigin() {
    try {
        const m = /^webauthn_origins\s*=\s*([^,\s]+)/m.exec(fs.readFileSync(CONF, 'utf8'));
        if (m) return m[1];
    } catch { /* no configuration file: derive */ }
    return `http://localhost:${new URL(URL_BASE).port}`;
}

export function cbor(v) {
    const head = (major, n) => {
        if (n < 24) return Buffer.from([major << 5 | n]);
        if (n < 256) return Buffer.from([major << 5 | 24, n]);
        if (n < 65536) return Buffer.from([major << 5 | 25, n >> 8, n & 255]);
        const b = Buffer.alloc(5); b[0] = major << 5 | 26; b.writeUInt32BE(n, 1); return b;
    };
    if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
    if (typeof v === 'string') { const b = Buffer.from(v); return Buffer.concat([head(3, b.length), b]); }
    if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
    if (v instanceof Map) {
        const parts = [head(5, v.size)];
        for (const [k, x] of v) parts.push(cbor(k), cbor(x));
        return Buffer.concat(parts);
    }
    throw new Error('cbor: ' + typeof v);
}

export function cose(alg, pub) {
    const jwk = pub.export({ format: 'jwk' });
    const d = (s) => Buffer.from(s, 'base64url');
    if (alg === -7) return new Map([[1, 2], [3, -7], [-1, 1], [-2, d(jwk.x)], [-3, d(jwk.y)]]);
    if (alg === -257) return new Map([[1, 3], [3, -257], [-1, d(jwk.n)], [-2, d(jwk.e)]]);
    return new Map([[1, 1], [3, -8], [-1, 6], [-2, d(jwk.x)]]);
}

export class SoftAuthenticator {
    constructor({ alg = -7, rpId = 'localhost', origin = stackOrigin(), uv = true } = {}) {
        this.alg = alg;
        this.rpId = rpId;
        this.origin = origin;
        this.uv = uv;
        this.kp = alg === -7 ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
            : alg === -257 ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
                : crypto.generateKeyPairSync('ed25519');
        this.credId = crypto.randomBytes(32);
        this.count = 0;
        this.userHandle = null;
    }

    rpHash() { return crypto.createHash('sha256').update(this.rpId).digest(); }

    sign(data) { return crypto.sign(this.alg === -8 ? null : 'sha256', data, this.kp.privateKey); }

    clientData(type, challenge, extra = {}) {
        return Buffer.from(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false, ...extra }));
    }

    flags(at) { return 0x01 | (this.uv ? 0x04 : 0) | (at ? 0x40 : 0); }

    /** The body of POST /me/mfa/webauthn for the options the server gave. */
    register(options, { name = 'key', fmt = 'none', clientData } = {}) {
        this.userHandle = options.user?.id ?? null;
        const cd = clientData ?? this.clientData('webauthn.create', options.challenge);
        const count = Buffer.alloc(4); count.writeUInt32BE(this.count);
        const len = Buffer.from([this.credId.length >> 8, this.credId.length & 255]);
        const authData = Buffer.concat([this.rpHash(), Buffer.from([this.flags(true)]), count,
            Buffer.alloc(16), len, this.credId, cbor(cose(this.alg, this.kp.publicKey))]);
        let attStmt = new Map();
        if (fmt === 'packed') {
            const h = crypto.createHash('sha256').update(cd).digest();
            attStmt = new Map([['alg', this.alg], ['sig', this.sign(Buffer.concat([authData, h]))]]);
        }
        const ao = cbor(new Map([['fmt', fmt], ['attStmt', attStmt], ['authData', authData]]));
        return { name, clientDataJSON: b64u(cd), attestationObject: b64u(ao), transports: ['usb'] };
    }

    /** A PublicKeyCredential (JSON) answering sign-in options; count: the counter to report. */
    assert(options, { count = this.count + 1, clientData, userHandle = this.userHandle } = {}) {
        this.count = count;
        const cd = clientData ?? this.clientData('webauthn.get', options.challenge);
        const c = Buffer.alloc(4); c.writeUInt32BE(count);
        const ad = Buffer.concat([this.rpHash(), Buffer.from([this.flags(false)]), c]);
        const h = crypto.createHash('sha256').update(cd).digest();
        return { id: b64u(this.credId), type: 'public-key', response: {
            clientDataJSON: b64u(cd), authenticatorData: b64u(ad),
            signature: b64u(this.sign(Buffer.concat([ad, h]))), userHandle } };
    }
}
