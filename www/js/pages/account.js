// #/account/profile and #/account/security: the signed-in user's own account, its second factors
// and sessions (docs/mfa.md).

import { adoptAccessToken, api, ApiError, dropSession, session } from '../api.js';
import { confirmAction, dialog, field, form, fmtTime, h, notify, pageHeader, problemBox, replace, table } from '../dom.js';
import { fromB64u, toB64u } from '../passkey.js';

// The fields a person changes here (PATCH /api/v1/me); username and email are not among them.
const PROFILE_FIELDS = [
    { label: 'First name', name: 'first_name', maxlength: 100, autocomplete: 'given-name' },
    { label: 'Last name', name: 'last_name', maxlength: 100, autocomplete: 'family-name' },
    { label: 'Full name', name: 'full_name', maxlength: 200, autocomplete: 'name' },
    { label: 'Phone number', name: 'phone_number', type: 'tel', maxlength: 16, autocomplete: 'tel',
        hint: 'E.164, like +14155550123; empty for none.' },
    { label: 'Profile image', name: 'profile_image_ref', maxlength: 512, autocomplete: 'off',
        hint: 'An https URL or an asset path; empty for none.' },
];

async function profile(ctx) {
    const { data, etag } = await api('GET', '/api/v1/me');
    if (!ctx.isCurrent()) return;
    const u = data.user || {};
    const row = (k, v) => [h('dt', null, k), h('dd', null, v || h('span', { class: 'muted' }, '—'))];
    const parts = [
        pageHeader('Profile', 'Your account as Gatehouse knows it.'),
        h('dl', { class: 'kv' },
            row('Username', u.username),
            row('Email', u.email),
            row('Name', u.full_name || [u.first_name, u.last_name].filter(Boolean).join(' ')),
            row('Phone', u.phone_number),
            row('Last sign-in', fmtTime(u.last_login)),
            row('Organization', data.organization ? `${data.organization.name} (${data.organization.slug})` : null),
            row('Roles here', (data.roles || []).join(', '))),
    ];
    if (ctx.can('EDIT')) {
        parts.push(h('h2', null, 'Edit your profile'),
            form({
                submitLabel: 'Save profile',
                className: 'form--profile',
                fields: PROFILE_FIELDS.map((f) => field({ ...f, value: u[f.name] ?? '' })),
                onSubmit: async (v) => {
                    const body = {};
                    for (const f of PROFILE_FIELDS) {
                        const val = (v[f.name] ?? '').trim();
                        const nullable = f.name === 'phone_number' || f.name === 'profile_image_ref';
                        body[f.name] = val === '' && nullable ? null : val;
                    }
                    // If-Match: a change made elsewhere since this page was drawn answers 412.
                    await api('PATCH', '/api/v1/me', { body, ifMatch: etag });
                    notify('Profile saved.');
                    if (ctx.isCurrent()) await profile(ctx);
                },
            }));
    }
    parts.push(h('h2', null, 'Organizations'),
        h('ul', null, (data.organizations || []).map((o) => h('li', null, `${o.name} (${o.slug})`, o.is_primary ? ' — primary' : ''))),
        h('p', { class: 'notice' }, 'Your username is changed by an administrator; your email address is below. ',
            'To work in another of your organizations, choose it in the menu at the top.'));
    replace(ctx.main, ...parts);
    ctx.main.append(emailSection(ctx, u));
}

// ---- Email address: its verification and the owner's change (issue 21) -------------------------

/** The "Email address" section of the profile: state, resend, change (new address + password). */
function emailSection(ctx, u) {
    const canEdit = ctx.can('EDIT');
    const status = h('div', { role: 'status' });
    const state = u.email_verified
        ? h('p', { class: 'success' }, `${u.email} is verified`, u.email_verified_at ? ` (since ${fmtTime(u.email_verified_at)}).` : '.')
        : h('p', { class: 'notice' }, `${u.email} is not verified yet. Follow the link we mailed to it, or ask for a new one.`);
    const parts = [h('h2', { id: 'email-heading' }, 'Email address'), state];
    if (canEdit && !u.email_verified) {
        parts.push(h('p', null, h('button', {
            type: 'button',
            class: 'btn',
            onclick: async (ev) => {
                ev.target.disabled = true;
                try {
                    const r = await api('POST', '/api/v1/me/email/verification');
                    replace(status, h('p', { class: 'success' }, `A verification link is on its way to ${r.data.email}.`));
                } catch (err) {
                    replace(status, problemBox(err));
                } finally {
                    ev.target.disabled = false;
                }
            },
        }, 'Resend verification')));
    }
    if (canEdit) {
        parts.push(h('h3', null, 'Change email'),
            form({
                submitLabel: 'Change email',
                className: 'form--stacked',
                fields: [
                    field({ label: 'New email address', name: 'email', type: 'email', required: true, autocomplete: 'email', maxlength: 254,
                        hint: 'We mail a link to the new address; your address changes when you open it. Your current address is told of the request.' }),
                    field({ label: 'Current password', name: 'password', type: 'password', required: true, autocomplete: 'current-password', maxlength: 1024 }),
                ],
                onSubmit: async (v, f) => {
                    const r = await api('POST', '/api/v1/me/email', { body: { email: v.email, password: v.password } });
                    f.reset();
                    replace(status, h('p', { class: 'success' }, `Check ${r.data.email}: open the link we sent to confirm the change.`));
                },
            }));
    }
    parts.push(status);
    return h('section', { class: 'account-email', 'aria-labelledby': 'email-heading' }, parts);
}

async function security(ctx) {
    const canEdit = ctx.can('EDIT');
    const canEnd = ctx.can('DELETE');
    const parts = [pageHeader('Password and sessions', null)];
    if (canEdit) {
        parts.push(h('h2', null, 'Change your password'),
            form({
                submitLabel: 'Change password',
                fields: [
                    field({ label: 'Current password', name: 'current_password', type: 'password', required: true, autocomplete: 'current-password', maxlength: 1024 }),
                    field({ label: 'New password', name: 'new_password', type: 'password', required: true, autocomplete: 'new-password', maxlength: 4096,
                        hint: 'Your organization\'s password policy applies; common passwords are refused. Every other session of yours ends.' }),
                    field({ label: 'Repeat the new password', name: 'confirm', type: 'password', required: true, autocomplete: 'new-password', maxlength: 4096 }),
                ],
                onSubmit: async (v, f) => {
                    if (v.new_password !== v.confirm) {
                        throw new ApiError(400, { title: 'The passwords differ', detail: 'Type the same new password twice.', code: 'validation_failed', field: 'confirm' });
                    }
                    const r = await api('POST', '/api/v1/me/password', { body: { current_password: v.current_password, new_password: v.new_password } });
                    adoptAccessToken(r.data);
                    f.reset();
                    notify('Password changed. Your other sessions have ended.');
                },
            }));
    }
    if (canEnd) {
        parts.push(h('h2', null, 'Sign out everywhere'),
            h('p', null, 'Ends every session of your account, this one included.'),
            h('button', {
                type: 'button',
                class: 'btn btn--danger',
                onclick: () => confirmAction({
                    title: 'Sign out everywhere?',
                    message: 'Every session of your account ends, on every device. You will need to sign in again.',
                    confirmLabel: 'Sign out everywhere',
                    action: async () => {
                        await api('POST', '/api/v1/auth/logout-all');
                        dropSession();
                        ctx.navigate('/login');
                    },
                }),
            }, 'Sign out everywhere'));
    }
    if (!canEdit && !canEnd) parts.push(h('p', { class: 'muted' }, 'Your roles allow no changes here.'));
    replace(ctx.main, ...parts);
    if (canEdit) ctx.main.append(await mfaSection(ctx, false));
    if (canEdit) ctx.main.append(await passkeySection(ctx));
    ctx.main.append(await sessionsSection(ctx, canEnd));
    if (canEdit) ctx.main.append(await consentsSection());
}

// ---- Two-step sign-in: the authenticator app and recovery codes (issue 16) ---------------------

/** Ten recovery codes, shown once, with copy and download. */
function codesBox(codes) {
    const text = codes.join('\n') + '\n';
    const copy = h('button', {
        type: 'button',
        class: 'btn',
        onclick: async () => {
            try {
                await navigator.clipboard.writeText(text);
                notify('Recovery codes copied.');
            } catch {
                notify('Copying was refused by the browser: select the codes and copy them.');
            }
        },
    }, 'Copy codes');
    const download = h('a', {
        class: 'btn',
        href: `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`,
        download: 'gatehouse-recovery-codes.txt',
    }, 'Download codes');
    return h('div', { class: 'recovery-codes', role: 'region', 'aria-labelledby': 'rc-title' },
        h('h3', { id: 'rc-title' }, 'Your recovery codes'),
        h('p', { class: 'notice' }, 'Each code signs you in once if you lose your app. Keep them somewhere safe: they are shown only now.'),
        h('ol', { class: 'recovery-codes__list' }, codes.map((c) => h('li', null, h('code', null, c)))),
        h('p', null, copy, ' ', download));
}

/** The enrollment of an authenticator app: QR code, secret, first code. */
function enrollBox(ctx, start, status, after) {
    const img = h('img', {
        src: `data:image/svg+xml;base64,${btoa(start.qr_svg)}`,
        alt: 'QR code to scan with your authenticator app',
        width: 200,
        height: 200,
        class: 'mfa-qr',
    });
    return h('div', { class: 'mfa-enroll' },
        h('ol', null,
            h('li', null, 'Scan this QR code with your authenticator app (or type the key below).'),
            h('li', null, 'Enter the 6-digit code the app shows to confirm.')),
        img,
        h('p', null, 'Key: ', h('code', { class: 'mfa-secret' }, start.secret.replace(/(.{4})/g, '$1 ').trim())),
        form({
            submitLabel: 'Confirm',
            className: 'form--stacked',
            fields: [field({ label: 'Code from the app', name: 'code', required: true, autocomplete: 'one-time-code',
                inputmode: 'numeric', maxlength: 6 })],
            onSubmit: async (v) => {
                const r = await api('POST', '/api/v1/me/mfa/totp/confirm', { body: { code: v.code.trim() } });
                replace(status, h('p', { class: 'success', role: 'status' }, 'Two-step sign-in is on.'),
                    r.data.recovery_codes ? codesBox(r.data.recovery_codes) : null);
                if (after) after(status);
            },
        }));
}

async function mfaSection(ctx, enrollOnly, after) {
    const status = h('div');
    const box = h('section', { class: 'account-mfa', 'aria-labelledby': 'mfa-heading' });
    const draw = async () => {
        const { data } = await api('GET', '/api/v1/me/mfa');
        const parts = [h('h2', { id: 'mfa-heading' }, 'Two-step sign-in')];
        if (data.totp.enabled) {
            parts.push(h('p', { class: 'success' }, 'An authenticator app is set up. ',
                `${data.recovery_codes.remaining} recovery code${data.recovery_codes.remaining === 1 ? '' : 's'} left.`));
            if (!enrollOnly) {
                parts.push(h('h3', null, 'New recovery codes'),
                    form({
                        submitLabel: 'Make new recovery codes',
                        className: 'form--stacked',
                        fields: [field({ label: 'Current password', name: 'password', type: 'password', required: true, autocomplete: 'current-password', maxlength: 1024,
                            hint: 'Your old codes stop working.' })],
                        onSubmit: async (v, f) => {
                            const r = await api('POST', '/api/v1/me/mfa/recovery-codes', { body: { password: v.password } });
                            f.reset();
                            replace(status, codesBox(r.data.recovery_codes));
                        },
                    }),
                    h('h3', null, 'Remove the authenticator app'),
                    form({
                        submitLabel: 'Remove the app',
                        className: 'form--stacked',
                        fields: [
                            field({ label: 'Current password', name: 'password', type: 'password', required: true, autocomplete: 'current-password', maxlength: 1024 }),
                            field({ label: 'Code from the app', name: 'code', required: true, autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6 }),
                        ],
                        onSubmit: async (v) => {
                            await api('DELETE', '/api/v1/me/mfa/totp', { body: { password: v.password, code: v.code.trim() } });
                            notify('The authenticator app was removed.');
                            await draw();
                        },
                    }));
            }
        } else {
            parts.push(h('p', null, data.policy && data.policy.required
                ? 'Your organization requires a second factor: set up an authenticator app.'
                : 'Protect your account with a code from an authenticator app when you sign in.'),
            h('button', {
                type: 'button',
                class: 'btn btn--primary',
                onclick: async (ev) => {
                    ev.target.disabled = true;
                    try {
                        const r = await api('POST', '/api/v1/me/mfa/totp');
                        replace(status, enrollBox(ctx, r.data, status, after));
                        status.querySelector('input[name=code]').focus();
                    } catch (err) {
                        replace(status, problemBox(err));
                    } finally {
                        ev.target.disabled = false;
                    }
                },
            }, 'Set up an authenticator app'));
        }
        replace(box, ...parts, status);
    };
    await draw();
    return box;
}

// ---- Passkeys (issue 16; docs/mfa.md "Passkeys") -----------------------------------------------


/** Asks the browser for a new passkey with the server's options and registers it as name. */
async function registerPasskey(name) {
    const { data: o } = await api('POST', '/api/v1/me/mfa/webauthn/options');
    const cred = await navigator.credentials.create({ publicKey: {
        ...o,
        challenge: fromB64u(o.challenge),
        user: { ...o.user, id: fromB64u(o.user.id) },
        excludeCredentials: o.excludeCredentials.map((c) => ({ ...c, id: fromB64u(c.id) })),
    } });
    await api('POST', '/api/v1/me/mfa/webauthn', { body: {
        name,
        clientDataJSON: toB64u(cred.response.clientDataJSON),
        attestationObject: toB64u(cred.response.attestationObject),
        transports: cred.response.getTransports ? cred.response.getTransports() : [],
    } });
}

/** The "Passkeys" section: the caller's passkeys with rename and remove, and a new one. */
async function passkeySection(ctx) {
    const { data } = await api('GET', '/api/v1/me/mfa/webauthn');
    const status = h('div', { role: 'status' });
    const redraw = async () => {
        if (!ctx.isCurrent()) return;
        const fresh = await passkeySection(ctx);
        document.getElementById('passkeys')?.replaceWith(fresh);
    };
    const rows = data.items || [];
    const list = table({
        caption: 'Your passkeys',
        empty: 'You have no passkeys yet.',
        rows,
        columns: [
            { label: 'Name', key: 'name' },
            { label: 'Added', render: (c) => fmtTime(c.created_at) },
            { label: 'Last used', render: (c) => (c.last_used_at ? fmtTime(c.last_used_at) : 'never') },
            { label: 'Synced', render: (c) => (c.backup_state ? 'yes' : 'no') },
            { label: 'Actions', render: (c) => h('span', { class: 'actions' },
                h('button', { type: 'button', class: 'btn btn--small', 'aria-label': `Rename passkey ${c.name}`,
                    onclick: () => dialog({
                        title: `Rename passkey ${c.name}`,
                        submitLabel: 'Rename',
                        fields: [field({ label: 'Name', name: 'name', required: true, maxlength: 100, value: c.name })],
                        onSubmit: async (v) => {
                            await api('PATCH', `/api/v1/me/mfa/webauthn/${c.id}`, { body: { name: v.name.trim() } });
                            notify('Passkey renamed.');
                            await redraw();
                        },
                    }) }, 'Rename'),
                ' ',
                h('button', { type: 'button', class: 'btn btn--small btn--danger', 'aria-label': `Remove passkey ${c.name}`,
                    onclick: () => confirmAction({
                        title: `Remove passkey ${c.name}?`,
                        message: 'It can no longer sign you in. Type your password to confirm.',
                        confirmLabel: 'Remove passkey',
                        fields: [field({ label: 'Current password', name: 'password', type: 'password', required: true, autocomplete: 'current-password', maxlength: 1024 })],
                        action: async (v) => {
                            await api('DELETE', `/api/v1/me/mfa/webauthn/${c.id}`, { body: { password: v.password } });
                            notify('Passkey removed.');
                            await redraw();
                        },
                    }) }, 'Remove')) },
        ],
    });
    const parts = [h('h2', { id: 'passkeys-heading' }, 'Passkeys'),
        h('p', null, 'A passkey signs you in with this device\'s screen lock or a security key instead of a password.'),
        list];
    if (!window.PublicKeyCredential) {
        parts.push(h('p', { class: 'notice' }, 'This browser cannot make passkeys here (a secure origin is needed).'));
    } else {
        parts.push(h('h3', null, 'Add a passkey'),
            form({
                submitLabel: 'Add passkey',
                className: 'form--stacked',
                fields: [field({ label: 'Passkey name', name: 'name', required: true, maxlength: 100, autocomplete: 'off',
                    hint: 'Something to tell it apart, like "Work laptop".' })],
                onSubmit: async (v) => {
                    try {
                        await registerPasskey(v.name.trim());
                    } catch (err) {
                        if (err instanceof ApiError) throw err;
                        replace(status, h('p', { class: 'error' }, `The browser made no passkey: ${err.message}`));
                        return;
                    }
                    notify('Passkey added.');
                    await redraw();
                },
            }));
    }
    parts.push(status);
    return h('section', { id: 'passkeys', class: 'account-passkeys', 'aria-labelledby': 'passkeys-heading' }, parts);
}

// ---- Sessions ------------------------------------------------------------------------------

async function sessionsSection(ctx, canEnd) {
    const box = h('section', { class: 'account-sessions', 'aria-labelledby': 'sessions-heading' });
    const draw = async () => {
        const { data } = await api('GET', '/api/v1/me/sessions');
        const endButton = (s) => h('button', {
            type: 'button',
            class: 'btn btn--small btn--danger',
            'aria-label': `Sign out ${s.user_agent || 'this session'} (${s.client_ip || 'unknown address'})`,
            onclick: () => confirmAction({
                title: 'Sign out this device?',
                message: 'Its tokens stop working at once.',
                confirmLabel: 'Sign out this device',
                action: async () => {
                    await api('DELETE', `/api/v1/me/sessions/${encodeURIComponent(s.id)}`);
                    notify('The session was ended.');
                    await draw();
                },
            }),
        }, 'Sign out');
        const columns = [
            { label: 'Device', render: (s) => (s.current ? h('strong', null, 'This device') : (s.user_agent || 'Unknown device')) },
            { label: 'Address', render: (s) => s.client_ip || '—' },
            { label: 'Organization', render: (s) => s.organization_name || '—' },
            { label: 'Signed in', render: (s) => fmtTime(s.created_at) },
            { label: 'Last active', render: (s) => fmtTime(s.last_used_at) },
            { label: 'Sign-in', render: (s) => ((s.amr || []).includes('mfa') ? 'two-step' : 'password') },
        ];
        if (canEnd) columns.push({ label: 'Actions', className: 'actions', render: (s) => (s.current ? '' : endButton(s)) });
        const rows = data.items;
        replace(box, h('h2', { id: 'sessions-heading' }, 'Your sessions'),
            table({
                caption: 'Devices signed in to your account',
                columns,
                rows,
                empty: 'No sessions.',
            }));
    };
    await draw();
    return box;
}

// ---- Connected applications (OpenID Connect consents) ---------------------------------------

async function consentsSection() {
    const box = h('section', { class: 'account-consents', 'aria-labelledby': 'consents-heading' });
    const draw = async () => {
        const { data } = await api('GET', '/api/v1/me/consents');
        const revoke = (c) => h('button', {
            type: 'button',
            class: 'btn btn--small btn--danger',
            'aria-label': `Remove access of ${c.client_name}`,
            onclick: () => confirmAction({
                title: `Remove access of ${c.client_name}?`,
                message: 'It asks again next time you sign in to it; its sessions stop refreshing at once.',
                confirmLabel: 'Remove access',
                action: async () => {
                    await api('DELETE', `/api/v1/me/consents/${encodeURIComponent(c.client_id)}`);
                    notify(`${c.client_name} no longer has access.`);
                    await draw();
                },
            }),
        }, 'Remove access');
        replace(box, h('h2', { id: 'consents-heading' }, 'Connected applications'),
            table({
                caption: 'Applications you allowed to sign you in',
                columns: [
                    { label: 'Application', render: (c) => c.client_name },
                    { label: 'Access', render: (c) => c.scopes.join(', ') },
                    { label: 'Allowed', render: (c) => fmtTime(c.granted_at) },
                    { label: 'Actions', className: 'actions', render: revoke },
                ],
                rows: data.items,
                empty: 'No applications.',
            }));
    };
    await draw();
    return box;
}

/**
 * The page of a session that may only enroll a second factor (its organization requires one):
 * set up the app, then sign in again with it.
 */
export async function renderEnroll(ctx) {
    const done = (status) => {
        status.append(h('p', null, h('button', {
            type: 'button',
            class: 'btn btn--primary',
            onclick: () => {
                dropSession();
                ctx.navigate('/login');
            },
        }, 'Sign in with your app')));
    };
    const s = session();
    replace(ctx.main,
        pageHeader('Set up two-step sign-in', `${s && s.organization ? s.organization.name : 'Your organization'} requires a second factor before you continue.`),
        await mfaSection(ctx, true, done));
}

export async function render(ctx) {
    if (ctx.route === '/account/security') return security(ctx);
    return profile(ctx);
}
