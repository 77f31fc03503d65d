// #/admin/teams (list, create) and #/admin/teams/{id} (edit, delete, members and their roles).

import { api, listAll } from '../api.js';
import { badge, confirmAction, dialog, field, fmtTime, h, notify, pagedList, pageHeader, replace, showProblem, table } from '../dom.js';

async function list(ctx) {
    const q = ctx.query;
    const box = h('div');
    const rows = [];
    const paged = pagedList({
        container: box,
        load: (cursor) => api('GET', '/api/v1/teams', { query: { q: q.get('q'), sort: 'name', cursor } }).then((r) => r.data),
        render: (items, first) => {
            if (first) rows.length = 0;
            rows.push(...items);
            replace(box, table({
                caption: 'Teams',
                rows,
                columns: [
                    { label: 'Team', render: (t) => h('a', { href: `#/admin/teams/${t.id}` }, t.name) },
                    { label: 'Description', key: 'description' },
                    { label: 'Members', className: 'num', key: 'member_count' },
                    { label: 'Created', render: (t) => fmtTime(t.created_at) },
                ],
                empty: 'No team yet.',
            }));
        },
    });
    const search = h('form', { class: 'toolbar', role: 'search' },
        field({ label: 'Search', name: 'q', type: 'search', value: q.get('q') || '', maxlength: 100 }),
        h('button', { type: 'submit', class: 'btn' }, 'Search'));
    search.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const v = search.elements.q.value.trim();
        ctx.navigate(`/admin/teams${v ? `?q=${encodeURIComponent(v)}` : ''}`);
    });
    const create = ctx.can('CREATE') ? h('button', {
        type: 'button',
        class: 'btn btn--primary',
        onclick: () => dialog({
            title: 'New team',
            submitLabel: 'Create team',
            fields: [
                field({ label: 'Name', name: 'name', required: true, maxlength: 100 }),
                field({ label: 'Description', name: 'description', type: 'textarea', maxlength: 500 }),
            ],
            onSubmit: async (v) => {
                const r = await api('POST', '/api/v1/teams', { body: { name: v.name, description: v.description || null } });
                notify(`Team ${r.data.name} created.`);
                ctx.navigate(`/admin/teams/${r.data.id}`);
            },
        }),
    }, 'New team') : null;
    replace(ctx.main, pageHeader('Teams', 'Groups of people within your organization. Teams grant no permissions.', create), search, paged.element);
    await paged.reload();
}

async function detail(ctx, id) {
    const r = await api('GET', `/api/v1/teams/${id}`);
    if (!ctx.isCurrent()) return;
    let team = r.data;
    let etag = r.etag;
    const info = h('div');
    const actions = h('div', { class: 'page-actions' });
    const members = h('div');
    const slot = h('div');
    const manage = ctx.can('EDIT');

    function draw() {
        replace(info, h('dl', { class: 'kv' },
            h('dt', null, 'Name'), h('dd', null, team.name),
            h('dt', null, 'Description'), h('dd', null, team.description || '—'),
            h('dt', null, 'Members'), h('dd', null, String(team.member_count)),
            h('dt', null, 'Created'), h('dd', null, fmtTime(team.created_at))));
        const btns = [];
        if (ctx.can('EDIT')) {
            btns.push(h('button', {
                type: 'button',
                class: 'btn btn--primary',
                onclick: () => dialog({
                    title: `Edit ${team.name}`,
                    fields: [
                        field({ label: 'Name', name: 'name', value: team.name, required: true, maxlength: 100 }),
                        field({ label: 'Description', name: 'description', type: 'textarea', value: team.description, maxlength: 500 }),
                    ],
                    onSubmit: async (v) => {
                        const res = await api('PATCH', `/api/v1/teams/${id}`, { body: { name: v.name, description: v.description || null }, ifMatch: etag });
                        team = res.data;
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
                    title: `Delete ${team.name}?`,
                    message: 'The team and its memberships are deleted; the people stay.',
                    action: async () => {
                        await api('DELETE', `/api/v1/teams/${id}`, { ifMatch: etag });
                        notify(`Team ${team.name} deleted.`);
                        ctx.navigate('/admin/teams');
                    },
                }),
            }, 'Delete'));
        }
        replace(actions, btns);
    }

    async function reloadTeam() {
        const res = await api('GET', `/api/v1/teams/${id}`);
        team = res.data;
        etag = res.etag;
        draw();
    }

    const rows = [];
    const paged = pagedList({
        container: members,
        load: (cursor) => api('GET', `/api/v1/teams/${id}/members`, { query: { sort: 'username', cursor } }).then((x) => x.data),
        render: (items, first) => {
            if (first) rows.length = 0;
            rows.push(...items);
            const cols = [
                { label: 'User', render: (m) => h('a', { href: `#/admin/users/${m.user_id}` }, m.username) },
                { label: 'Email', key: 'email' },
                { label: 'Role in team', render: (m) => badge(m.member_role, m.member_role === 'lead' ? 'info' : null) },
                { label: 'Added', render: (m) => fmtTime(m.created_at) },
            ];
            if (manage) {
                cols.push({
                    label: 'Actions',
                    className: 'actions',
                    render: (m) => h('div', { class: 'row-actions' },
                        h('button', {
                            type: 'button',
                            class: 'btn btn--small',
                            // The visible text first (WCAG 2.5.3, label in name), then whose role it changes.
                            'aria-label': m.member_role === 'lead' ? `Make member: ${m.username}` : `Make lead: ${m.username}`,
                            onclick: async () => {
                                replace(slot);
                                try {
                                    await api('PATCH', `/api/v1/teams/${id}/members/${m.user_id}`, { body: { member_role: m.member_role === 'lead' ? 'member' : 'lead' } });
                                    notify('Role in team changed.');
                                    paged.reload();
                                } catch (err) {
                                    showProblem(slot, err);
                                }
                            },
                        }, m.member_role === 'lead' ? 'Make member' : 'Make lead'),
                        h('button', {
                            type: 'button',
                            class: 'btn btn--small btn--danger',
                            'aria-label': `Remove ${m.username} from the team`,
                            onclick: () => confirmAction({
                                title: `Remove ${m.username} from ${team.name}?`,
                                confirmLabel: 'Remove',
                                action: async () => {
                                    await api('DELETE', `/api/v1/teams/${id}/members/${m.user_id}`);
                                    notify(`${m.username} removed from the team.`);
                                    await reloadTeam();
                                    paged.reload();
                                },
                            }),
                        }, 'Remove')),
                });
            }
            replace(members, table({ caption: `Members of ${team.name}`, rows, columns: cols, empty: 'No member yet.' }));
        },
    });

    const addBtn = manage ? h('button', {
        type: 'button',
        class: 'btn',
        onclick: async () => {
            let people = null;
            try {
                people = await listAll(`/api/v1/organizations/${team.organization_id}/members`);
            } catch {
                people = null; // fall back to typing an id
            }
            const inTeam = new Set(rows.map((m) => m.user_id));
            const candidates = people ? people.filter((p) => !inTeam.has(p.user_id)) : null;
            dialog({
                title: `Add a member to ${team.name}`,
                submitLabel: 'Add',
                fields: [
                    candidates
                        ? field({ label: 'Person', name: 'user_id', type: 'select', required: true,
                            options: [['', 'Choose…'], ...candidates.map((p) => [p.user_id, `${p.username} (${p.email})`])],
                            hint: 'Members of the team\'s organization.' })
                        : field({ label: 'User id', name: 'user_id', type: 'number', required: true }),
                    field({ label: 'Role in team', name: 'member_role', type: 'select', value: 'member', options: [['member', 'Member'], ['lead', 'Lead']] }),
                ],
                onSubmit: async (v) => {
                    await api('POST', `/api/v1/teams/${id}/members`, { body: { user_id: Number(v.user_id), member_role: v.member_role } });
                    notify('Member added.');
                    await reloadTeam();
                    paged.reload();
                },
            });
        },
    }, 'Add member') : null;

    draw();
    replace(ctx.main,
        pageHeader(team.name, null),
        h('p', null, h('a', { href: '#/admin/teams' }, '← All teams')),
        actions, info,
        h('div', { class: 'page-head' }, h('h2', null, 'Members'), addBtn),
        slot, paged.element);
    await paged.reload();
}

export async function render(ctx) {
    if (ctx.rest[0]) return detail(ctx, encodeURIComponent(ctx.rest[0]));
    return list(ctx);
}
