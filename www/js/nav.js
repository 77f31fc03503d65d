// The navigation tree from GET /api/v1/me/navigation: menus -> pages -> sub-pages, each with the
// actions (VIEW, CREATE, EDIT, DELETE) the caller's roles allow. The console shows a menu item
// only when it is in the tree, and a button only when the page's node carries the action.

import { api } from './api.js';
import { h, replace } from './dom.js';

let tree = [];
let byRoute = new Map();

function nodesOf(data) {
    if (Array.isArray(data)) return data;
    if (data && Array.isArray(data.items)) return data.items;
    if (data && Array.isArray(data.navigation)) return data.navigation;
    if (data && Array.isArray(data.nodes)) return data.nodes;
    return [];
}

function normalise(n) {
    return {
        key: n.key ?? n.component_key ?? '',
        display_name: n.display_name ?? n.key ?? '',
        description: n.description ?? null,
        category: n.category ?? null,
        route: n.route ?? null,
        icon: n.icon ?? null,
        actions: new Set((n.actions || []).map((a) => String(a).toUpperCase())),
        children: (n.children || []).map(normalise),
    };
}

function index(nodes) {
    for (const n of nodes) {
        if (n.route) byRoute.set(n.route, n);
        index(n.children);
    }
}

export async function loadNavigation() {
    const r = await api('GET', '/api/v1/me/navigation');
    tree = nodesOf(r.data).map(normalise);
    byRoute = new Map();
    index(tree);
    return tree;
}

export function clearNavigation() {
    tree = [];
    byRoute = new Map();
}

/** The node whose route is the longest whole-segment prefix of `path` (/admin/teams/3 -> /admin/teams). */
export function nodeFor(path) {
    let p = path;
    for (;;) {
        const n = byRoute.get(p);
        if (n) return n;
        const i = p.lastIndexOf('/');
        if (i <= 0) return null;
        p = p.slice(0, i);
    }
}

export function can(route, action) {
    const n = byRoute.get(route);
    return !!(n && n.actions.has(action));
}

/** The first page the caller may view: where the console goes after login. */
export function firstRoute() {
    const walk = (nodes) => {
        for (const n of nodes) {
            if (n.route && n.actions.has('VIEW')) return n.route;
            const c = walk(n.children);
            if (c) return c;
        }
        return null;
    };
    return walk(tree);
}

/** API routes are paths (/admin/users); the console serves them as hash routes (#/admin/users). */
export const href = (route) => `#${route}`;

function item(n, current, depth) {
    const active = current && (current === n.route || current.startsWith(`${n.route}/`));
    const kids = n.children.filter((c) => c.actions.has('VIEW'));
    if (!n.route) {
        // A menu: a heading and its pages.
        const id = `nav-${n.key}`;
        return h('li', { class: 'nav__group' },
            h('span', { class: 'nav__heading', id }, n.display_name),
            kids.length ? h('ul', { class: 'nav__list', 'aria-labelledby': id }, kids.map((c) => item(c, current, depth + 1))) : null);
    }
    return h('li', { class: 'nav__item' },
        h('a', {
            href: href(n.route),
            class: `nav__link${active ? ' nav__link--active' : ''}`,
            'aria-current': current === n.route ? 'page' : undefined,
            title: n.description || undefined,
            dataset: { key: n.key },
        }, n.display_name),
        kids.length && depth < 3 ? h('ul', { class: 'nav__list nav__list--sub' }, kids.map((c) => item(c, current, depth + 1))) : null);
}

export function renderNavigation(el, current) {
    const top = tree.filter((n) => n.actions.has('VIEW'));
    replace(el, h('ul', { class: 'nav' }, top.map((n) => item(n, current, 0))));
}
