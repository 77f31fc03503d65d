// #/admin/users (list, search, create) and #/admin/users/{id} (profile, account actions, roles).

import { api, listAll, session } from '../api.js';
import { badge, confirmAction, dialog, field, fmtTime, form, h, notify, pagedList, pageHeader, problemBox, replace, showProblem, table } from '../dom.js';
import { can } from '../nav.js';

const STATUS_KIND = { enabled: 'ok', disabled: 'bad', locked: 'warn', expired: 'warn' };

export const statusBadge = (s) => badge(s || 'unknown', STATUS_KIND[s]);

async function roleNames() {
    if (!can('/admin/roles', 'VIEW')) return null;
    try {
        const roles = await listAll('/api/v1/roles');
        return roles.filter((r) => r.scope !== 'platform').map((r) => r.name);
    } catch {
        return null;
    }
}

function roleField(names, value = 'member', hint) {
    if (names && names.length) {
        return field({ label: 'Role', name: 'role', type: 'select', value, options: names.map((n) => [n, n]), hint });
    }
    return field({ label: 'Role', name: 'role', value, maxlength: 100, hint: hint || 'A role name; member when empty.' });
}

async function createUser(ctx, onDone) {
    const names = await roleNames();
    const pw = field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'new-password', maxlength: 4096,
        hint: 'Or tick "Send an invitation" above and let the person choose it.' });
    const invite = field({ label: 'Send an invitation instead of setting a password', name: 'invite', type: 'checkbox',
        hint: 'The person gets a mail with a link and chooses their username, names and password.' });
    const personal = h('div', null,
        field({ label: 'Username', name: 'username', required: true, maxlength: 64, autocomplete: 'off', hint: '3-64 letters, digits, dots, dashes, underscores.' }),
        h('div', { class: 'form-grid' },
            field({ label: 'First name', name: 'first_name', maxlength: 100, autocomplete: 'off' }),
            field({ label: 'Last name', name: 'last_name', maxlength: 100, autocomplete: 'off' })),
        field({ label: 'Phone', name: 'phone_number', type: 'tel', maxlength: 16, hint: 'E.164, such as +14155550123.', autocomplete: 'off' }),
        pw);
    const inviteBox = invite.querySelector('input');
    const sync = () => {
        personal.hidden = inviteBox.checked;
        for (const el of personal.querySelectorAll('input')) el.disabled = inviteBox.checked;
        personal.querySelector('input[name=username]').required = !inviteBox.checked;
    };
    inviteBox.addEventListener('change', sync);
    dialog({
        title: 'New user',
        submitLabel: 'Create user',
        fields: [
            field({ label: 'Email', name: 'email', type: 'email', required: true, maxlength: 254, autocomplete: 'off' }),
            roleField(names),
            invite,
            personal,
        ],
        onSubmit: async (v) => {
            const body = { email: v.email };
            if (v.role) body.role = v.role;
            if (v.invite) {
                body.invite = true;
            } else {
                for (const k of ['username', 'first_name', 'last_name', 'phone_number', 'password']) if (v[k]) body[k] = v[k];
            }
            const r = await api('POST', '/api/v1/users', { body });
            notify(v.invite ? `Invitation sent to ${v.email}.` : `User ${r.data.username} created.`);
            onDone(r.data, !!v.invite);
        },
    });
}

async function list(ctx) {
    const q = ctx.query;
    const tbody = h('div');
    const rows = [];
    const columns = [
        { label: 'Username', render: (u) => h('a', { href: `#/admin/users/${u.id}` }, u.username) },
        { label: 'Email', key: 'email' },
        { label: 'Name', key: 'full_name' },
        { label: 'Status', render: (u) => statusBadge(u.status) },
        { label: 'Last sign-in', render: (u) => fmtTime(u.last_login) },
    ];
    const paged = pagedList({
        container: tbody,
        load: (cursor) => api('GET', '/api/v1/users', {
            query: { q: q.get('q'), status: q.get('status'), sort: q.get('sort') || 'username', cursor, limit: 50 },
        }).then((r) => r.data),
        render: (items, first) => {
            if (first) rows.length = 0;
            rows.push(...items);
            replace(tbody, table({ caption: 'Users', columns, rows, empty: 'No user matches.' }));
        },
    });
    const search = h('form', { class: 'toolbar', role: 'search' },
        field({ label: 'Search', name: 'q', type: 'search', value: q.get('q') || '', hint: 'Start of a username, email or name (2 letters or more).', maxlength: 100 }),
        field({ label: 'Status', name: 'status', type: 'select', value: q.get('status') || '',
            options: [['', 'Any'], ['enabled', 'Enabled'], ['disabled', 'Disabled'], ['locked', 'Locked'], ['expired', 'Expired']] }),
        field({ label: 'Sort by', name: 'sort', type: 'select', value: q.get('sort') || 'username',
            options: [['username', 'Username'], ['email', 'Email'], ['last_name', 'Last name'], ['created_at', 'Created']] }),
        h('button', { type: 'submit', class: 'btn' }, 'Search'));
    search.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const p = new URLSearchParams();
        for (const el of search.elements) if (el.name && el.value) p.set(el.name, el.value);
        ctx.navigate(`/admin/users${p.toString() ? `?${p}` : ''}`);
    });
    const newBtn = ctx.can('CREATE')
        ? h('button', { type: 'button', class: 'btn btn--primary', onclick: () => createUser(ctx, (u, invited) => (invited ? paged.reload() : ctx.navigate(`/admin/users/${u.id}`))) }, 'New user')
        : null;
    replace(ctx.main, pageHeader('Users', 'Accounts of your organization.', newBtn), search, paged.element);
    await paged.reload();
}

async function detail(ctx, id) {
    let r = await api('GET', `/api/v1/users/${id}`);
    if (!ctx.isCurrent()) return;
    let u = r.data;
    let etag = r.etag;
    const slot = h('div');
    const info = h('div');
    const actions = h('div', { class: 'page-actions' });
    const rolesBox = h('section', { 'aria-labelledby': 'user-roles' });

    const refresh = (res) => {
        u = res.data;
        etag = res.etag;
        draw();
    };
    // A button that runs `run` (after a confirmation when confirmText is given) and shows its problem.
    const button = (label, run, { danger, confirmText } = {}) => h('button', {
        type: 'button',
        class: `btn${danger ? ' btn--danger' : ''}`,
        onclick: async () => {
            if (confirmText) {
                await confirmAction({ title: `${label}?`, message: confirmText, confirmLabel: label, action: run });
                return;
            }
            replace(slot);
            try {
                await run();
            } catch (err) {
                showProblem(slot, err);
            }
        },
    }, label);
    const act = (label, pathPart, opts) => button(label, async () => {
        const res = await api('POST', `/api/v1/users/${id}/${pathPart}`, { ifMatch: etag });
        notify(`${label}: done.`);
        if (res.status === 204) refresh(await api('GET', `/api/v1/users/${id}`));
        else refresh(res);
    }, opts);

    function draw() {
        const row = (k, v) => [h('dt', null, k), h('dd', null, v === null || v === undefined || v === '' ? h('span', { class: 'muted' }, '—') : v)];
        replace(info, h('dl', { class: 'kv' },
            row('Username', u.username), row('Email', u.email), row('Name', u.full_name), row('Phone', u.phone_number),
            row('Status', statusBadge(u.status)), row('Locked until', fmtTime(u.locked_until)),
            row('Has a password', u.has_password ? 'yes' : 'no'),
            row('Last sign-in', fmtTime(u.last_login)), row('Password changed', fmtTime(u.password_changed_at)),
            row('Created', fmtTime(u.created_at)), row('Updated', fmtTime(u.updated_at))));
        const btns = [];
        // Account-level actions only where the account rule allows them (docs/authorization.md).
        const account = u.account_editable !== false;
        if (ctx.can('EDIT') && account) {
            btns.push(h('button', { type: 'button', class: 'btn btn--primary', onclick: edit }, 'Edit'));
            btns.push(u.is_enabled ? act('Disable', 'disable', { confirmText: 'The user cannot sign in and every session ends now.' }) : act('Enable', 'enable'));
            btns.push(u.is_account_non_locked ? act('Lock', 'lock', { confirmText: 'The account is locked until someone unlocks it; every session ends now.' }) : act('Unlock', 'unlock'));
            btns.push(act('Expire password', 'expire-credentials', { confirmText: 'The user must choose a new password (by a reset) before the next sign-in.' }));
        }
        if (ctx.can('EDIT')) {
            btns.push(act('End sessions', 'end-sessions', { confirmText: account
                ? 'The sessions of this user end now (an organization administrator ends those of this organization).'
                : 'The sessions of this user in this organization end now; those in other organizations go on.' }));
        }
        if (membership && ctx.can('EDIT')) {
            btns.push(membership.status === 'suspended'
                ? memberAct('Reactivate in this organization', 'active')
                : memberAct('Suspend in this organization', 'suspended', 'The user can no longer use this organization: its sessions here end now and sign-in here is refused until reactivated. Other organizations are not affected.'));
        }
        if (ctx.can('DELETE') && account) {
            btns.push(h('button', {
                type: 'button',
                class: 'btn btn--danger',
                onclick: () => confirmAction({
                    title: `Delete ${u.username}?`,
                    message: 'The account is removed and its personal data erased; audit records keep its id.',
                    action: async () => {
                        await api('DELETE', `/api/v1/users/${id}`, { ifMatch: etag });
                        notify(`User ${u.username} deleted.`);
                        ctx.navigate('/admin/users');
                    },
                }),
            }, 'Delete'));
        }
        const notes = [];
        if (!account) {
            notes.push(h('p', { class: 'notice', role: 'note', 'data-test': 'account-not-managed' },
                `Your organization does not manage this account (${u.account_editable_reason || 'it is shared'}): only the user or a platform administrator `
                + 'changes its details, status or password. Here you can change the roles held in this organization, end its sessions in this organization, '
                + 'or suspend the membership.'));
        }
        if (membership && membership.status === 'suspended') {
            notes.push(h('p', { class: 'notice', role: 'status' }, 'This membership is suspended: the user cannot sign in to this organization.'));
        }
        replace(actions, notes, btns);
    }

    const memberAct = (label, status, confirmText) => button(label, async () => {
        const res = await api('PATCH', `/api/v1/organizations/${orgId}/members/${id}`, { body: { status }, ifMatch: memberEtag });
        membership = res.data;
        memberEtag = res.etag;
        notify(`${label}: done.`);
        draw();
    }, { danger: status === 'suspended', confirmText });

    // The membership in the signed-in organization (its status), when the caller may read it.
    const orgId = session() && session().organization ? session().organization.id : null;
    let membership = null;
    let memberEtag = null;
    if (orgId) {
        try {
            const m = await api('GET', `/api/v1/organizations/${orgId}/members/${id}`);
            membership = m.data;
            memberEtag = m.etag;
        } catch {
            membership = null;
        }
    }

    function edit() {
        dialog({
            title: `Edit ${u.username}`,
            fields: [
                field({ label: 'Username', name: 'username', value: u.username, required: true, maxlength: 64 }),
                field({ label: 'Email', name: 'email', type: 'email', value: u.email, required: true, maxlength: 254 }),
                h('div', { class: 'form-grid' },
                    field({ label: 'First name', name: 'first_name', value: u.first_name, maxlength: 100 }),
                    field({ label: 'Last name', name: 'last_name', value: u.last_name, maxlength: 100 })),
                field({ label: 'Full name', name: 'full_name', value: u.full_name, maxlength: 200 }),
                field({ label: 'Phone', name: 'phone_number', type: 'tel', value: u.phone_number, maxlength: 16, hint: 'E.164, such as +14155550123; empty for none.' }),
            ],
            onSubmit: async (v) => {
                const body = {};
                for (const k of ['username', 'email', 'first_name', 'last_name', 'full_name']) if ((v[k] ?? '') !== (u[k] ?? '')) body[k] = v[k] ?? '';
                if ((v.phone_number ?? null) !== (u.phone_number ?? null)) body.phone_number = v.phone_number || null;
                refresh(await api('PATCH', `/api/v1/users/${id}`, { body, ifMatch: etag }));
                notify('Saved.');
            },
        });
    }

    draw();
    replace(ctx.main,
        pageHeader(u.username, u.email),
        h('p', null, h('a', { href: '#/admin/users' }, '← All users')),
        slot, actions, h('h2', null, 'Account'), info, rolesBox);

    if (can('/admin/roles', 'VIEW')) {
        try {
            const [held, all] = await Promise.all([
                api('GET', `/api/v1/users/${id}/roles`).then((x) => x.data.items || []),
                listAll('/api/v1/roles'),
            ]);
            drawRoles(held, all);
        } catch (err) {
            replace(rolesBox, h('h2', { id: 'user-roles' }, 'Roles'), problemBox(err));
        }
    }

    function drawRoles(held, all) {
        const names = new Set(held.map((x) => x.name));
        const editable = ctx.can('EDIT') && can('/admin/roles', 'EDIT');
        const assignable = all.filter((x) => x.scope !== 'platform');
        const parts = [h('h2', { id: 'user-roles' }, 'Roles in this organization')];
        if (!editable) {
            parts.push(held.length ? h('ul', null, held.map((x) => h('li', null, x.name, x.scope === 'platform' ? ' (platform)' : ''))) : h('p', { class: 'muted' }, 'No role.'));
        } else {
            parts.push(form({
                submitLabel: 'Save roles',
                fields: h('fieldset', { class: 'checks' }, h('legend', { class: 'visually-hidden' }, 'Roles'),
                    assignable.map((x) => field({ label: `${x.name}${x.description ? ` — ${x.description}` : ''}`, name: `role:${x.name}`, type: 'checkbox', value: names.has(x.name) }))),
                onSubmit: async (v) => {
                    const roles = Object.keys(v).filter((k) => k.startsWith('role:') && v[k]).map((k) => k.slice(5));
                    const res = await api('PUT', `/api/v1/users/${id}/roles`, { body: { roles } });
                    drawRoles(res.data.items || [], all);
                    notify('Roles saved. The user\'s sessions pick them up at once.');
                },
            }));
            const platform = held.filter((x) => x.scope === 'platform');
            if (platform.length) parts.push(h('p', { class: 'muted' }, `Platform roles (kept): ${platform.map((x) => x.name).join(', ')}`));
        }
        replace(rolesBox, ...parts);
    }
}

export async function render(ctx) {
    if (ctx.rest[0]) return detail(ctx, encodeURIComponent(ctx.rest[0]));
    return list(ctx);
}
