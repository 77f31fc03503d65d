// Public pages reached from mailed links: #/accept-invitation?token=T, #/reset-password?token=T,
// #/verify-email?token=T (confirms an email address) and #/forgot-password (asks for the reset
// mail). No session is needed or used.

import { api, ApiError } from '../api.js';
import { field, form, h, problemBox, replace } from '../dom.js';
import { applyBrand, applyTheme } from '../theme.js';

const LINK_PROBLEMS = {
    invitation_unknown: 'This invitation link is not valid. It may have been mistyped, or replaced by a newer invitation.',
    invitation_expired: 'This invitation has expired. Ask your administrator to send it again.',
    invitation_revoked: 'This invitation was withdrawn by an administrator.',
    invitation_used: 'This invitation has already been accepted. Sign in instead.',
    organization_suspended: 'The organization of this invitation is suspended.',
};

function card(titleText, ...content) {
    const title = h('h1', { class: 'auth__title', id: 'auth-title', tabindex: '-1' }, titleText);
    return h('section', { class: 'auth', 'aria-labelledby': 'auth-title' }, h('div', { class: 'auth__card' }, title, content));
}

function loginLink(slug, loginName) {
    const q = new URLSearchParams();
    if (slug) q.set('org', slug);
    if (loginName) q.set('login', loginName);
    const s = q.toString();
    return `#/login${s ? `?${s}` : ''}`;
}

function passwordFields(name, label) {
    return [
        field({ label, name, type: 'password', required: true, autocomplete: 'new-password', maxlength: 4096,
            hint: 'At least 12 characters unless your organization says otherwise; a long phrase is best. Common passwords are refused.' }),
        field({ label: 'Repeat the password', name: 'confirm', type: 'password', required: true, autocomplete: 'new-password', maxlength: 4096 }),
    ];
}

function samePasswords(v, name) {
    if (v[name] !== v.confirm) {
        throw new ApiError(400, { title: 'The passwords differ', detail: 'Type the same password twice.', code: 'validation_failed', field: 'confirm' });
    }
}

async function acceptInvitation({ main, query }) {
    document.title = 'Accept invitation · Gatehouse';
    const token = query.get('token');
    if (!token) {
        replace(main, card('Invitation', problemBox(new ApiError(400, { title: 'No invitation token', detail: 'Open the link from your invitation mail as it is.', code: 'invitation_unknown' }))));
        return;
    }
    const path = `/api/v1/public/invitations/${encodeURIComponent(token)}`;
    let info;
    try {
        info = (await api('GET', path, { auth: false })).data;
    } catch (err) {
        if (err.problem && LINK_PROBLEMS[err.code]) err.problem.detail = LINK_PROBLEMS[err.code];
        replace(main, card('Invitation', problemBox(err), h('p', null, h('a', { href: '#/login' }, 'Go to sign in'))));
        return;
    }
    const org = info.organization || {};
    applyTheme(org.theme || null);
    applyBrand(org.theme || null, org.name);
    document.title = `Join ${org.name} · Gatehouse`;

    const done = h('div', { role: 'status' });
    const f = form({
        submitLabel: 'Accept invitation',
        className: 'form--stacked',
        fields: [
            field({ label: 'Email', name: 'email', value: info.email, readonly: true, hint: 'The address the invitation was sent to.' }),
            field({ label: 'Username', name: 'username', required: true, autocomplete: 'username', maxlength: 64,
                hint: '3-64 letters, digits, dots, dashes or underscores. If this address already has an account, enter that account\'s password below instead.' }),
            field({ label: 'First name', name: 'first_name', autocomplete: 'given-name', maxlength: 100 }),
            field({ label: 'Last name', name: 'last_name', autocomplete: 'family-name', maxlength: 100 }),
            passwordFields('password', 'Password'),
        ],
        onSubmit: async (v) => {
            samePasswords(v, 'password');
            const body = { username: v.username, password: v.password };
            if (v.first_name) body.first_name = v.first_name;
            if (v.last_name) body.last_name = v.last_name;
            const r = await api('POST', `${path}/accept`, { body, auth: false });
            const d = r.data || {};
            const user = d.user || {};
            f.hidden = true;
            replace(done,
                h('p', { class: 'success' }, d.created === false
                    ? `Your account ${user.username} now belongs to ${org.name}.`
                    : `Welcome, ${user.username}: your account in ${org.name} is ready.`),
                h('p', null, h('a', { class: 'btn btn--primary', href: loginLink(org.slug, user.username) }, 'Sign in')));
            done.querySelector('a').focus();
        },
    });
    replace(main, card(`Join ${org.name}`,
        h('p', null, 'You were invited to ', h('strong', null, org.name), ' as ', h('strong', null, info.email), '.'),
        f, done));
}

async function resetPassword({ main, query }) {
    document.title = 'Choose a new password · Gatehouse';
    const token = query.get('token');
    const done = h('div', { role: 'status' });
    if (!token) {
        replace(main, card('Reset password', problemBox(new ApiError(400, { title: 'No reset token', detail: 'Open the link from the password reset mail as it is, or ask for a new one.', code: 'validation_failed' })),
            h('p', null, h('a', { href: '#/forgot-password' }, 'Ask for a new link'))));
        return;
    }
    const f = form({
        submitLabel: 'Set the new password',
        className: 'form--stacked',
        fields: passwordFields('new_password', 'New password'),
        onSubmit: async (v) => {
            samePasswords(v, 'new_password');
            await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: v.new_password }, auth: false });
            f.hidden = true;
            replace(done,
                h('p', { class: 'success' }, 'Your password has been changed and every session of your account has ended.'),
                h('p', null, h('a', { class: 'btn btn--primary', href: loginLink(query.get('org')) }, 'Sign in')));
            done.querySelector('a').focus();
        },
    });
    replace(main, card('Choose a new password', f, done,
        h('p', { class: 'auth__links' }, h('a', { href: '#/forgot-password' }, 'The link expired? Ask for a new one'))));
}

async function forgotPassword({ main, query, brandWith, orgSlugFrom }) {
    document.title = 'Forgot password · Gatehouse';
    const slug = orgSlugFrom(query);
    try {
        await brandWith(slug);
    } catch {
        // unbranded
    }
    const done = h('div', { role: 'status' });
    const f = form({
        submitLabel: 'Send the link',
        className: 'form--stacked',
        fields: [field({ label: 'Email', name: 'email', type: 'email', required: true, autocomplete: 'email', maxlength: 254 })],
        onSubmit: async (v) => {
            const r = await api('POST', '/api/v1/auth/password-reset', { body: { email: v.email }, auth: false });
            f.hidden = true;
            replace(done, h('p', { class: 'success' }, (r.data && r.data.detail) || 'If an account uses this address, a link is on its way.'));
        },
    });
    replace(main, card('Forgot your password?',
        h('p', null, 'Enter the email address of your account. We will mail you a link to choose a new password.'),
        f, done,
        h('p', { class: 'auth__links' }, h('a', { href: loginLink(slug) }, 'Back to sign in'))));
}

// ---- #/verify-email?token=T: confirms an address (a verification or a change) -----------------

const VERIFY_PROBLEMS = {
    link_unknown: 'This verification link is not valid. It may have been mistyped; open the link from the mail as it is.',
    link_expired: 'This verification link has expired. Sign in and ask for a new one on your profile.',
    link_revoked: 'This verification link was replaced by a newer one or cancelled. Use the latest mail.',
    link_used: 'This verification link was already used.',
    conflict: 'Another account uses this address now. Sign in and choose another address.',
};

async function verifyEmail({ main, query }) {
    document.title = 'Confirm your email address · Gatehouse';
    const token = query.get('token');
    const done = h('div', { role: 'status' });
    const back = h('p', { class: 'auth__links' }, h('a', { href: '#/login' }, 'Go to sign in'));
    if (!token) {
        replace(main, card('Confirm your email address', problemBox(new ApiError(404, { title: 'No verification token', detail: VERIFY_PROBLEMS.link_unknown, code: 'link_unknown' })), back));
        return;
    }
    const f = form({
        submitLabel: 'Confirm this address',
        className: 'form--stacked',
        fields: [],
        onSubmit: async () => {
            try {
                const r = await api('POST', '/api/v1/public/email/verify', { body: { token }, auth: false });
                const d = r.data || {};
                f.hidden = true;
                replace(done, h('p', { class: 'success' }, d.changed
                    ? `Your account now uses ${d.email}, and the address is verified.`
                    : `${d.email} is verified.`));
            } catch (err) {
                if (err.problem && VERIFY_PROBLEMS[err.code]) err.problem.detail = VERIFY_PROBLEMS[err.code];
                throw err;
            }
        },
    });
    replace(main, card('Confirm your email address',
        h('p', null, 'Confirm that this mailbox belongs to you. If the link is for a new address, your account switches to it now.'),
        f, done, back));
}

export async function render(ctx) {
    if (ctx.path === '/verify-email') return verifyEmail(ctx);
    if (ctx.path === '/accept-invitation') return acceptInvitation(ctx);
    if (ctx.path === '/reset-password') return resetPassword(ctx);
    return forgotPassword(ctx);
}
