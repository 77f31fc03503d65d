// #/admin/organizations (list, create) and #/admin/organizations/{id} (edit, delete, members).

import { api } from '../api.js';
import { badge, confirmAction, dialog, field, fmtTime, h, notify, pagedList, pageHeader, replace, showProblem, table } from '../dom.js';

const statusBadge = (s) => badge(s, s === 'active' ? 'ok' : 'bad');

async function list(ctx) {
    const q = ctx.query;
    const box = h('div');
    const rows = [];
    const paged = pagedList({
        container: box,
        load: (cursor) => api('GET', '/api/v1/organizations', { query: { q: q.get('q'), status: q.get('status'), sort: 'name', cursor } }).then((r) => r.data),
        render: (items, first) => {
            if (first) rows.length = 0;
            rows.push(...items);
            replace(box, table({
                caption: 'Organizations',
                rows,
                columns: [
                    { label: 'Name', render: (o) => h('a', { href: `#/admin/organizations/${o.id}` }, o.name) },
                    { label: 'Slug', render: (o) => h('code', null, o.slug) },
                    { label: 'Status', render: (o) => statusBadge(o.status) },
                    { label: 'Created', render: (o) => fmtTime(o.created_at) },
                ],
                empty: 'No organization matches.',
            }));
        },
    });
    const search = h('form', { class: 'toolbar', role: 'search' },
        field({ label: 'Search', name: 'q', type: 'search', value: q.get('q') || '', maxlength: 200 }),
        field({ label: 'Status', name: 'status', type: 'select', value: q.get('status') || '', options: [['', 'Any'], ['active', 'Active'], ['suspended', 'Suspended']] }),
        h('button', { type: 'submit', class: 'btn' }, 'Search'));
    search.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const p = new URLSearchParams();
        for (const el of search.elements) if (el.name && el.value) p.set(el.name, el.value);
        ctx.navigate(`/admin/organizations${p.toString() ? `?${p}` : ''}`);
    });
    const create = ctx.can('CREATE') ? h('button', {
        type: 'button',
        class: 'btn btn--primary',
        onclick: () => dialog({
            title: 'New organization',
            submitLabel: 'Create organization',
            fields: [
                field({ label: 'Slug', name: 'slug', required: true, maxlength: 63, hint: 'Lower-case letters, digits and dashes; used to sign in and never changes.' }),
                field({ label: 'Name', name: 'name', required: true, maxlength: 200 }),
                field({ label: 'Description', name: 'description', type: 'textarea', maxlength: 1000 }),
            ],
            onSubmit: async (v) => {
                const r = await api('POST', '/api/v1/organizations', { body: { slug: v.slug, name: v.name, description: v.description || null } });
                notify(`Organization ${r.data.name} created.`);
                ctx.navigate(`/admin/organizations/${r.data.id}`);
            },
        }),
    }, 'New organization') : null;
    replace(ctx.main, pageHeader('Organizations', null, create), search, paged.element);
    await paged.reload();
}

async function detail(ctx, id) {
    const r = await api('GET', `/api/v1/organizations/${id}`);
    if (!ctx.isCurrent()) return;
    let org = r.data;
    let etag = r.etag;
    const info = h('div');
    const actions = h('div', { class: 'page-actions' });
    const members = h('div');
    const slot = h('div');

    function draw() {
        const row = (k, v) => [h('dt', null, k), h('dd', null, v || h('span', { class: 'muted' }, '—'))];
        replace(info, h('dl', { class: 'kv' },
            row('Name', org.name), row('Slug', h('code', null, org.slug)), row('Status', statusBadge(org.status)),
            row('Description', org.description), row('Created', fmtTime(org.created_at)), row('Updated', fmtTime(org.updated_at))));
        const btns = [];
        if (ctx.can('EDIT')) {
            btns.push(h('button', {
                type: 'button',
                class: 'btn btn--primary',
                onclick: () => dialog({
                    title: `Edit ${org.name}`,
                    fields: [
                        field({ label: 'Name', name: 'name', value: org.name, required: true, maxlength: 200 }),
                        field({ label: 'Description', name: 'description', type: 'textarea', value: org.description, maxlength: 1000 }),
                        field({ label: 'Status', name: 'status', type: 'select', value: org.status, options: [['active', 'Active'], ['suspended', 'Suspended']],
                            hint: 'Suspending ends the sessions of every member at once (platform administrators only).' }),
                    ],
                    onSubmit: async (v) => {
                        const body = {};
                        if (v.name !== org.name) body.name = v.name;
                        if ((v.description || null) !== (org.description || null)) body.description = v.description || null;
                        if (v.status !== org.status) body.status = v.status;
                        const res = await api('PATCH', `/api/v1/organizations/${id}`, { body, ifMatch: etag });
                        org = res.data;
                        etag = res.etag;
                        draw();
                        notify('Saved.');
                    },
                }),
            }, 'Edit'));
        }
        if (ctx.can('DELETE')) {
            btns.push(h('button', {
                type: 'button',
                class: 'btn btn--danger',
                onclick: () => confirmAction({
                    title: `Delete ${org.name}?`,
                    message: 'An organization with members is refused unless you also remove everything it holds.',
                    fields: [field({ label: 'Also remove its memberships, roles, teams, invitations, policies and theme', name: 'cascade', type: 'checkbox' })],
                    action: async (v) => {
                        await api('DELETE', `/api/v1/organizations/${id}`, { ifMatch: etag, query: v.cascade ? { cascade: 'true' } : undefined });
                        notify(`Organization ${org.name} deleted.`);
                        ctx.navigate('/admin/organizations');
                    },
                }),
            }, 'Delete'));
        }
        replace(actions, btns);
    }

    const rows = [];
    const paged = pagedList({
        container: members,
        load: (cursor) => api('GET', `/api/v1/organizations/${id}/members`, { query: { cursor } }).then((x) => x.data),
        render: (items, first) => {
            if (first) rows.length = 0;
            rows.push(...items);
            const cols = [
                { label: 'User', render: (m) => h('a', { href: `#/admin/users/${m.user_id}` }, m.username) },
                { label: 'Email', key: 'email' },
                { label: 'Roles', render: (m) => (m.roles || []).join(', ') },
                { label: 'Primary', render: (m) => (m.is_primary ? badge('primary', 'info') : '') },
                { label: 'Joined', render: (m) => fmtTime(m.joined_at) },
            ];
            if (ctx.can('EDIT')) {
                cols.push({
                    label: 'Actions',
                    className: 'actions',
                    render: (m) => h('div', { class: 'row-actions' },
                        m.is_primary ? null : h('button', {
                            type: 'button',
                            class: 'btn btn--small',
                            'aria-label': `Make primary: ${org.name} for ${m.username}`,
                            onclick: async () => {
                                replace(slot);
                                try {
                                    await api('PUT', `/api/v1/organizations/${id}/members/${m.user_id}/primary`);
                                    notify(`${org.name} is now ${m.username}'s primary organization.`);
                                    paged.reload();
                                } catch (err) {
                                    showProblem(slot, err);
                                }
                            },
                        }, 'Make primary'),
                        h('button', {
                            type: 'button',
                            class: 'btn btn--small btn--danger',
                            'aria-label': `Remove ${m.username} from ${org.name}`,
                            onclick: () => confirmAction({
                                title: `Remove ${m.username}?`,
                                message: `${m.username} loses the roles and team places held in ${org.name}, and the sessions there end.`,
                                confirmLabel: 'Remove',
                                action: async () => {
                                    await api('DELETE', `/api/v1/organizations/${id}/members/${m.user_id}`);
                                    notify(`${m.username} removed.`);
                                    paged.reload();
                                },
                            }),
                        }, 'Remove')),
                });
            }
            replace(members, table({ caption: `Members of ${org.name}`, rows, columns: cols, empty: 'No member.' }));
        },
    });

    const addBtn = ctx.can('EDIT') ? h('button', {
        type: 'button',
        class: 'btn',
        onclick: () => dialog({
            title: `Add a member to ${org.name}`,
            description: 'Adds an existing account (platform administrators only). Organizations normally bring people in by invitation.',
            submitLabel: 'Add member',
            fields: [
                field({ label: 'User id', name: 'user_id', type: 'number', required: true, inputmode: 'numeric' }),
                field({ label: 'Make this the user\'s primary organization', name: 'is_primary', type: 'checkbox' }),
            ],
            onSubmit: async (v) => {
                await api('POST', `/api/v1/organizations/${id}/members`, { body: { user_id: Number(v.user_id), is_primary: !!v.is_primary } });
                notify('Member added.');
                paged.reload();
            },
        }),
    }, 'Add member') : null;

    draw();
    replace(ctx.main,
        pageHeader(org.name, null),
        h('p', null, h('a', { href: '#/admin/organizations' }, '← All organizations')),
        actions, info,
        h('div', { class: 'page-head' }, h('h2', null, 'Members'), addBtn),
        slot, paged.element);
    await paged.reload();
}

export async function render(ctx) {
    if (ctx.rest[0]) return detail(ctx, encodeURIComponent(ctx.rest[0]));
    return list(ctx);
}
