// #/admin/roles: the roles of the organization (and the shared ones) and the permission matrix:
// roles x permissions grouped by module, each checkbox a PUT /api/v1/roles/{id}/permissions.

import { api, listAll, session } from '../api.js';
import { badge, confirmAction, dialog, field, h, notify, pageHeader, replace, showProblem, table } from '../dom.js';

const isPlatformCaller = () => {
    const s = session();
    return !!(s && s.roles.includes('platform_admin'));
};

/** Whether this caller may change the role's permissions (the server decides; this spares clicks). */
function changeable(role) {
    if (isPlatformCaller()) return true;
    return role.organization_id !== null && !role.is_system;
}

function roleKind(r) {
    if (r.scope === 'platform') return badge('platform', 'warn');
    if (r.organization_id === null) return badge('shared', 'info');
    return badge('organization');
}

function matrix(ctx, roles, perms, slot) {
    const editable = ctx.can('EDIT');
    const modules = new Map();
    for (const p of perms) {
        if (!modules.has(p.module)) modules.set(p.module, []);
        modules.get(p.module).push(p);
    }
    const sortedModules = [...modules.keys()].sort();
    const granted = new Map(roles.map((r) => [r.id, new Set(r.permissions || [])]));

    const cell = (role, perm) => {
        const id = `m-${role.id}-${perm.id}`;
        const can = editable && changeable(role);
        const box = h('input', {
            type: 'checkbox',
            id,
            checked: granted.get(role.id).has(perm.name),
            disabled: !can,
            'aria-label': `${perm.name} for ${role.name}`,
            dataset: { role: role.name, permission: perm.name },
        });
        box.addEventListener('change', async () => {
            const set = new Set(granted.get(role.id));
            if (box.checked) set.add(perm.name);
            else set.delete(perm.name);
            const td = box.parentElement;
            td.classList.add('is-busy');
            box.disabled = true;
            replace(slot);
            try {
                const r = await api('PUT', `/api/v1/roles/${role.id}/permissions`, { body: { permissions: [...set].sort() } });
                granted.set(role.id, new Set(r.data.permissions || []));
                role.permissions = r.data.permissions || [];
                notify(`${box.checked ? 'Granted' : 'Revoked'} ${perm.name} ${box.checked ? 'to' : 'from'} ${role.name}.`);
            } catch (err) {
                box.checked = !box.checked;
                showProblem(slot, err);
            } finally {
                td.classList.remove('is-busy');
                box.disabled = false;
                box.focus();
            }
        });
        return h('td', null, box);
    };

    const thead = h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Permission'),
        roles.map((r) => h('th', { scope: 'col', class: 'role-col' }, r.name, h('br'), roleKind(r)))));
    const tbody = h('tbody', null, sortedModules.map((m) => [
        h('tr', { class: 'module-row' }, h('th', { scope: 'rowgroup', colspan: String(roles.length + 1) }, m)),
        modules.get(m).sort((a, b) => a.name.localeCompare(b.name)).map((p) => h('tr', null,
            h('th', { scope: 'row', title: p.description || '' }, h('code', null, p.name)),
            roles.map((r) => cell(r, p)))),
    ]));
    return h('div', { class: 'table-wrap matrix-wrap', role: 'region', 'aria-label': 'Permission matrix', tabindex: '0' },
        h('table', { class: 'table matrix' }, h('caption', { class: 'visually-hidden' }, 'Permissions granted to each role, grouped by module'), thead, tbody));
}

export async function render(ctx) {
    const [roles, perms] = await Promise.all([
        listAll('/api/v1/roles'),
        listAll('/api/v1/permissions').catch(() => null),
    ]);
    if (!ctx.isCurrent()) return;
    roles.sort((a, b) => (a.organization_id === null) - (b.organization_id === null) || a.name.localeCompare(b.name));
    const slot = h('div');
    const matrixSlot = h('div');

    const create = ctx.can('CREATE') ? h('button', {
        type: 'button',
        class: 'btn btn--primary',
        onclick: () => dialog({
            title: 'New role',
            submitLabel: 'Create role',
            fields: [
                field({ label: 'Name', name: 'name', required: true, maxlength: 100, hint: 'A letter, then letters, digits, _ . or -.' }),
                field({ label: 'Description', name: 'description', type: 'textarea', maxlength: 500 }),
            ],
            onSubmit: async (v) => {
                const r = await api('POST', '/api/v1/roles', { body: { name: v.name, description: v.description || null } });
                notify(`Role ${r.data.name} created. Grant it permissions in the matrix.`);
                ctx.navigate('/admin/roles');
            },
        }),
    }, 'New role') : null;

    const cols = [
        { label: 'Role', render: (r) => r.name },
        { label: 'Kind', render: (r) => [roleKind(r), r.is_system ? [' ', badge('system')] : null] },
        { label: 'Description', key: 'description' },
        { label: 'Permissions', className: 'num', render: (r) => String((r.permissions || []).length) },
    ];
    if (ctx.can('EDIT') || ctx.can('DELETE')) {
        cols.push({
            label: 'Actions',
            className: 'actions',
            render: (r) => {
                if (!changeable(r) || r.is_system) return h('span', { class: 'muted' }, 'built in');
                return h('div', { class: 'row-actions' },
                    ctx.can('EDIT') ? h('button', {
                        type: 'button',
                        class: 'btn btn--small',
                        'aria-label': `Edit role ${r.name}`,
                        onclick: async () => {
                            const cur = await api('GET', `/api/v1/roles/${r.id}`);
                            dialog({
                                title: `Edit ${r.name}`,
                                fields: [
                                    field({ label: 'Name', name: 'name', value: cur.data.name, required: true, maxlength: 100 }),
                                    field({ label: 'Description', name: 'description', type: 'textarea', value: cur.data.description, maxlength: 500 }),
                                ],
                                onSubmit: async (v) => {
                                    await api('PATCH', `/api/v1/roles/${r.id}`, { body: { name: v.name, description: v.description || null }, ifMatch: cur.etag });
                                    notify('Role saved.');
                                    ctx.navigate('/admin/roles');
                                },
                            });
                        },
                    }, 'Edit') : null,
                    ctx.can('DELETE') ? h('button', {
                        type: 'button',
                        class: 'btn btn--small btn--danger',
                        'aria-label': `Delete role ${r.name}`,
                        onclick: () => confirmAction({
                            title: `Delete role ${r.name}?`,
                            message: 'Everyone holding it loses it, and their sessions pick that up at once.',
                            action: async () => {
                                await api('DELETE', `/api/v1/roles/${r.id}`);
                                notify(`Role ${r.name} deleted.`);
                                ctx.navigate('/admin/roles');
                            },
                        }),
                    }, 'Delete') : null);
            },
        });
    }

    replace(ctx.main,
        pageHeader('Roles', 'Roles group permissions; people hold roles in an organization.', create),
        slot,
        table({ caption: 'Roles', rows: roles, columns: cols }),
        h('h2', { id: 'matrix-title' }, 'Permission matrix'),
        h('p', { class: 'muted' }, ctx.can('EDIT')
            ? 'Tick a box to grant a permission to a role; untick it to revoke. Changes apply at once to everyone holding the role. Built-in and shared roles are changed by platform administrators only.'
            : 'Which role holds which permission.'),
        matrixSlot);
    // Without permissions.read the matrix is drawn from the roles' own lists.
    const catalogue = perms || [...new Set(roles.flatMap((r) => r.permissions || []))].sort()
        .map((n, i) => ({ id: `n${i}`, name: n, module: n.split('.')[0], description: null }));
    const mslot = h('div');
    replace(matrixSlot, mslot, matrix(ctx, roles, catalogue, mslot));
}
