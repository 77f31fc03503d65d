// Passkeys in the browser (WebAuthn): the server's options in base64url turned into what
// navigator.credentials wants, and the browser's answers back into JSON (docs/mfa.md).

export const fromB64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
export const toB64u = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Whether this browser can use passkeys at all. */
export const passkeysAvailable = () => typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;

/** Asks the browser for an assertion to the server's request options; the JSON the server verifies. */
export async function getAssertion(o) {
    const cred = await navigator.credentials.get({ publicKey: {
        ...o,
        challenge: fromB64u(o.challenge),
        allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: fromB64u(c.id) })),
    } });
    return {
        id: cred.id,
        type: cred.type,
        response: {
            clientDataJSON: toB64u(cred.response.clientDataJSON),
            authenticatorData: toB64u(cred.response.authenticatorData),
            signature: toB64u(cred.response.signature),
            userHandle: cred.response.userHandle ? toB64u(cred.response.userHandle) : null,
        },
    };
}
