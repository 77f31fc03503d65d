// #/admin/components[/{id}]: the UI component tree (menus -> pages -> sub-pages), each
// component's actions (VIEW, CREATE, EDIT, DELETE) and which roles hold them.

import { api, listAll } from '../api.js';
import { badge, confirmAction, dialog, field, h, notify, pageHeader, replace, showProblem } from '../dom.js';
import { can } from '../nav.js';

const ACTIONS = ['VIEW', 'CREATE', 'EDIT', 'DELETE'];

function componentFields(c, all) {
    const parents = all.filter((x) => x.id !== c.id);
    return [
        field({ label: 'Key', name: 'key', value: c.key, required: true, maxlength: 100, hint: 'Lower-case letters, digits and -.' }),
        field({ label: 'Display name', name: 'display_name', value: c.display_name, required: true, maxlength: 100 }),
        field({ label: 'Description', name: 'description', type: 'textarea', value: c.description, maxlength: 500 }),
        h('div', { class: 'form-grid' },
            field({ label: 'Route', name: 'route', value: c.route, maxlength: 255, hint: 'Such as /admin/reports; empty for a menu.' }),
            field({ label: 'Category', name: 'category', value: c.category, maxlength: 50 }),
            field({ label: 'Icon', name: 'icon', value: c.icon, maxlength: 64 }),
            field({ label: 'Order', name: 'display_order', type: 'number', value: c.display_order ?? 0 })),
        field({ label: 'Parent', name: 'parent_id', type: 'select', value: c.parent_id ?? '',
            options: [['', '(top level)'], ...parents.map((p) => [p.id, `${p.display_name} (${p.key})`])] }),
        field({ label: 'Active', name: 'is_active', type: 'checkbox', value: c.is_active !== false }),
    ];
}

function bodyOf(v) {
    return {
        key: v.key,
        display_name: v.display_name,
        description: v.description || null,
        route: v.route || null,
        category: v.category || null,
        icon: v.icon || null,
        display_order: v.display_order === undefined ? 0 : Number(v.display_order),
        parent_id: v.parent_id ? Number(v.parent_id) : null,
        is_active: !!v.is_active,
    };
}

function tree(all, selected) {
    const kids = new Map();
    for (const c of all) {
        const p = c.parent_id ?? 0;
        if (!kids.has(p)) kids.set(p, []);
        kids.get(p).push(c);
    }
    for (const l of kids.values()) l.sort((a, b) => a.display_order - b.display_order || a.id - b.id);
    const branch = (pid) => {
        const list = kids.get(pid) || [];
        if (!list.length) return null;
        return h('ul', { class: 'tree' }, list.map((c) => h('li', null,
            h('div', { class: 'tree__item', 'aria-current': c.id === selected ? 'true' : undefined },
                h('a', { href: `#/admin/components/${c.id}`, 'aria-current': c.id === selected ? 'page' : undefined }, c.display_name),
                c.route ? h('code', null, c.route) : null,
                c.is_active ? null : badge('inactive', 'bad')),
            branch(c.id))));
    };
    return branch(0) || h('p', { class: 'muted' }, 'No component.');
}

async function detailPanel(ctx, c, all, panel) {
    const slot = h('div');
    const [actionsRes, roles] = await Promise.all([
        api('GET', `/api/v1/ui-components/${c.id}/actions`),
        can('/admin/roles', 'VIEW') ? listAll('/api/v1/roles').catch(() => null) : Promise.resolve(null),
    ]);
    const actions = actionsRes.data.items || [];
    const reload = () => ctx.navigate(`/admin/components/${c.id}`);

    const head = [];
    if (ctx.can('EDIT')) {
        head.push(h('button', {
            type: 'button',
            class: 'btn btn--primary',
            onclick: async () => {
                const cur = await api('GET', `/api/v1/ui-components/${c.id}`);
                dialog({
                    title: `Edit ${c.display_name}`,
                    fields: componentFields(cur.data, all),
                    onSubmit: async (v) => {
                        await api('PATCH', `/api/v1/ui-components/${c.id}`, { body: bodyOf(v), ifMatch: cur.etag });
                        notify('Component saved; menus change at the next page.');
                        reload();
                    },
                });
            },
        }, 'Edit'));
    }
    if (ctx.can('DELETE')) {
        head.push(h('button', {
            type: 'button',
            class: 'btn btn--danger',
            onclick: () => confirmAction({
                title: `Delete ${c.display_name}?`,
                message: 'Its actions and every role grant of them go too. A component with children is refused.',
                action: async () => {
                    await api('DELETE', `/api/v1/ui-components/${c.id}`);
                    notify('Component deleted.');
                    ctx.navigate('/admin/components');
                },
            }),
        }, 'Delete'));
    }

    const actionRows = ACTIONS.map((a) => {
        const have = actions.find((x) => x.action === a);
        let control = null;
        if (!have && ctx.can('EDIT')) {
            control = h('button', {
                type: 'button',
                class: 'btn btn--small',
                'aria-label': `Add the ${a} action to ${c.display_name}`,
                onclick: async () => {
                    replace(slot);
                    try {
                        await api('POST', `/api/v1/ui-components/${c.id}/actions`, { body: { action: a } });
                        notify(`${a} added.`);
                        reload();
                    } catch (err) {
                        showProblem(slot, err);
                    }
                },
            }, 'Add');
        } else if (have && (ctx.can('EDIT') || ctx.can('DELETE'))) {
            control = h('div', { class: 'row-actions' },
                ctx.can('EDIT') ? h('button', {
                    type: 'button',
                    class: 'btn btn--small',
                    'aria-label': `${have.is_active ? 'Deactivate' : 'Activate'} the ${a} action`,
                    onclick: async () => {
                        replace(slot);
                        try {
                            await api('PATCH', `/api/v1/ui-components/${c.id}/actions/${a}`, { body: { is_active: !have.is_active } });
                            reload();
                        } catch (err) {
                            showProblem(slot, err);
                        }
                    },
                }, have.is_active ? 'Deactivate' : 'Activate') : null,
                ctx.can('DELETE') ? h('button', {
                    type: 'button',
                    class: 'btn btn--small btn--danger',
                    'aria-label': `Delete the ${a} action`,
                    onclick: () => confirmAction({
                        title: `Delete the ${a} action of ${c.display_name}?`,
                        message: 'Every role grant of it goes too.',
                        action: async () => {
                            await api('DELETE', `/api/v1/ui-components/${c.id}/actions/${a}`);
                            reload();
                        },
                    }),
                }, 'Delete') : null);
        }
        return h('tr', null,
            h('th', { scope: 'row' }, a),
            h('td', null, have ? (have.is_active ? badge('active', 'ok') : badge('inactive', 'bad')) : h('span', { class: 'muted' }, 'not defined')),
            h('td', null, have ? have.description || '' : ''),
            h('td', { class: 'actions' }, control));
    });

    const parts = [
        h('div', { class: 'page-head' }, h('h2', { id: 'comp-title' }, c.display_name), h('div', { class: 'page-actions' }, head)),
        slot,
        h('dl', { class: 'kv' },
            h('dt', null, 'Key'), h('dd', null, h('code', null, c.key)),
            h('dt', null, 'Route'), h('dd', null, c.route ? h('a', { href: `#${c.route}` }, c.route) : '— (a menu)'),
            h('dt', null, 'Description'), h('dd', null, c.description || '—'),
            h('dt', null, 'Active'), h('dd', null, c.is_active ? 'yes' : 'no')),
        h('h3', null, 'Actions'),
        h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Actions', tabindex: '0' },
            h('table', { class: 'table' },
                h('thead', null, h('tr', null, ['Action', 'State', 'Description', 'Change'].map((x) => h('th', { scope: 'col' }, x)))),
                h('tbody', null, actionRows))),
    ];

    if (roles) {
        const defined = actions.map((x) => x.action);
        const grantsBox = h('div', null, h('p', { class: 'muted' }, 'Loading role assignments…'));
        parts.push(h('h3', null, 'Role assignments'),
            h('p', { class: 'muted' }, 'Which roles may use each action of this component. Changes apply to menus at once.'),
            grantsBox);
        replace(panel, ...parts);
        const grants = await Promise.all(roles.map((r) => api('GET', `/api/v1/roles/${r.id}/components`)
            .then((x) => new Set((x.data.items || []).filter((g) => g.component_key === c.key).map((g) => g.action)))
            .catch(() => null)));
        const editable = ctx.can('EDIT') || can('/admin/roles', 'EDIT');
        const rows = roles.map((r, i) => h('tr', null,
            h('th', { scope: 'row' }, r.name),
            defined.map((a) => {
                const held = grants[i];
                if (!held) return h('td', null, '?');
                const box = h('input', { type: 'checkbox', checked: held.has(a), disabled: !editable, 'aria-label': `${r.name} may ${a} ${c.display_name}` });
                box.addEventListener('change', async () => {
                    replace(slot);
                    box.disabled = true;
                    try {
                        if (box.checked) await api('POST', `/api/v1/roles/${r.id}/components`, { body: { component_key: c.key, action: a } });
                        else await api('DELETE', `/api/v1/roles/${r.id}/components/${encodeURIComponent(c.key)}/${a}`);
                        notify(`${box.checked ? 'Granted' : 'Revoked'} ${a} on ${c.display_name} ${box.checked ? 'to' : 'from'} ${r.name}.`);
                    } catch (err) {
                        box.checked = !box.checked;
                        showProblem(slot, err);
                    } finally {
                        box.disabled = false;
                    }
                });
                return h('td', null, box);
            })));
        replace(grantsBox, defined.length
            ? h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Role assignments', tabindex: '0' },
                h('table', { class: 'table matrix' },
                    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Role'), defined.map((a) => h('th', { scope: 'col' }, a)))),
                    h('tbody', null, rows)))
            : h('p', { class: 'muted' }, 'Define an action first.'));
        return;
    }
    replace(panel, ...parts);
}

export async function render(ctx) {
    const all = await listAll('/api/v1/ui-components');
    if (!ctx.isCurrent()) return;
    const selected = ctx.rest[0] ? Number(ctx.rest[0]) : null;
    const panel = h('section', { 'aria-labelledby': 'comp-title' });
    const create = ctx.can('CREATE') ? h('button', {
        type: 'button',
        class: 'btn btn--primary',
        onclick: () => dialog({
            title: 'New component',
            submitLabel: 'Create component',
            fields: componentFields({ parent_id: selected }, all),
            onSubmit: async (v) => {
                const r = await api('POST', '/api/v1/ui-components', { body: bodyOf(v) });
                notify(`Component ${r.data.display_name} created. Add its actions, then grant them to roles.`);
                ctx.navigate(`/admin/components/${r.data.id}`);
            },
        }),
    }, 'New component') : null;
    replace(ctx.main,
        pageHeader('UI components', 'The console\'s menus and pages, and who may see and use them.', create),
        h('div', { class: 'split' },
            h('nav', { 'aria-label': 'Components' }, tree(all, selected)),
            panel));
    const c = selected ? all.find((x) => x.id === selected) : null;
    if (c) await detailPanel(ctx, c, all, panel);
    else replace(panel, h('h2', { id: 'comp-title', class: 'visually-hidden' }, 'Component'), h('p', { class: 'muted' }, 'Choose a component to see its actions and role assignments.'));
}
