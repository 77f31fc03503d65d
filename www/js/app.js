// The console: a hash router (#/admin/users, #/accept-invitation?token=...), the layout (top
// bar, navigation from /me/navigation, main region) and the session's life cycle.

import { ApiError, get, logout, onSessionChange, session, signedIn, switchOrganization } from './api.js';
import { h, notify, pageHeader, problemBox, replace } from './dom.js';
import { clearNavigation, firstRoute, loadNavigation, nodeFor, renderNavigation } from './nav.js';
import { applyBrand, applyTheme, loadTheme, resetTheme } from './theme.js';

// Pages that need no session. Everything else needs one and a navigation node that allows VIEW.
const PUBLIC = {
    '/login': () => import('./pages/login.js'),
    '/forgot-password': () => import('./pages/public.js'),
    '/reset-password': () => import('./pages/public.js'),
    '/accept-invitation': () => import('./pages/public.js'),
    '/verify-email': () => import('./pages/public.js'),
};

// The console's own pages, by the route of their UI component (sql/0002_builtin.sql).
const PAGES = {
    '/account/profile': () => import('./pages/account.js'),
    '/account/security': () => import('./pages/account.js'),
    '/admin/users': () => import('./pages/users.js'),
    '/admin/organizations': () => import('./pages/organizations.js'),
    '/admin/teams': () => import('./pages/teams.js'),
    '/admin/invitations': () => import('./pages/invitations.js'),
    '/admin/roles': () => import('./pages/roles.js'),
    '/admin/permissions': () => import('./pages/permissions.js'),
    '/admin/endpoints': () => import('./pages/endpoints.js'),
    '/admin/components': () => import('./pages/components.js'),
    '/admin/policies': () => import('./pages/policies.js'),
    '/admin/theme': () => import('./pages/theme.js'),
    '/admin/clients': () => import('./pages/clients.js'),
    '/admin/audit': () => import('./pages/audit.js'),
};

const els = {};
let wanted = null; // the route asked for before signing in
let brandSlug = null; // the organization whose theme the public pages show
let renderSeq = 0;
let firstRender = true;

export function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const i = raw.indexOf('?');
    const path = (i < 0 ? raw : raw.slice(0, i)) || '/';
    const query = new URLSearchParams(i < 0 ? '' : raw.slice(i + 1));
    return { path: path.startsWith('/') ? path : `/${path}`, query };
}

export function navigate(route) {
    const target = `#${route}`;
    if (location.hash === target) render();
    else location.hash = target;
}

/** The slug of the organization to brand public pages with: ?org= (hash or page URL), else the last one. */
export function orgSlugFrom(query) {
    const fromHash = query && query.get('org');
    const fromPage = new URLSearchParams(location.search).get('org');
    const slug = (fromHash || fromPage || brandSlug || '').trim().toLowerCase();
    return /^[a-z0-9][a-z0-9-]{1,62}$/.test(slug) ? slug : null;
}

/** Loads and applies an organization's public theme; returns it (null when there is none). */
export async function brandWith(slug) {
    if (!slug) {
        resetTheme();
        return null;
    }
    try {
        const t = await loadTheme(slug);
        brandSlug = slug;
        applyTheme(t);
        applyBrand(t, t.organization && t.organization.name);
        return t;
    } catch (err) {
        resetTheme();
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
    }
}

function setChrome(authenticated) {
    els.app.classList.toggle('app--public', !authenticated);
    els.nav.hidden = !authenticated;
    els.user.hidden = !authenticated;
    els.toggle.hidden = !authenticated;
    const s = session();
    els.userName.textContent = authenticated && s ? `${s.user.username}${s.organization ? ` · ${s.organization.name}` : ''}` : '';
    if (!authenticated) {
        els.org.hidden = true;
        orgsLoaded = null;
    }
}

let orgsLoaded = null; // the organization id the switcher was filled for

/**
 * The organization switcher of the top bar: the caller's organizations from /me/organizations,
 * shown when there are two or more; the current one (the token's) selected.
 */
async function loadSwitcher() {
    const s = session();
    const cur = s && s.organization ? s.organization.id : null;
    if (orgsLoaded === cur) return;
    orgsLoaded = cur;
    let items = [];
    try {
        items = (await get('/api/v1/me/organizations')).data.items || [];
    } catch {
        items = []; // without self.read the console works without a switcher
    }
    const sel = els.orgSwitch;
    sel.replaceChildren(...items.map((o) => {
        const off = o.status !== 'active' || o.membership_status !== 'active';
        return h('option', { value: String(o.id), selected: o.current, disabled: off && !o.current },
            off ? `${o.name} (suspended)` : o.name);
    }));
    els.org.hidden = items.length < 2;
}

async function onSwitch() {
    const sel = els.orgSwitch;
    const before = session() && session().organization ? String(session().organization.id) : '';
    sel.disabled = true;
    try {
        const s = await switchOrganization(Number(sel.value));
        clearNavigation();
        try {
            await brandWith(s.organization ? s.organization.slug : null);
        } catch {
            resetTheme();
        }
        notify(`Now working in ${s.organization ? s.organization.name : 'no organization'}.`);
        await loadNavigation().catch(() => {});
        navigate(firstRoute() || '/account/profile');
    } catch (err) {
        sel.value = before;
        notify(`Could not switch: ${err.message}`);
    } finally {
        sel.disabled = false;
    }
}

function closeMenu() {
    els.app.classList.remove('app--menu-open');
    els.toggle.setAttribute('aria-expanded', 'false');
}

function focusMain() {
    if (firstRender) {
        firstRender = false;
        return;
    }
    // A page that focused a control itself (the login field) keeps it.
    const active = document.activeElement;
    if (active && active !== els.main && els.main.contains(active)) return;
    const title = els.main.querySelector('h1');
    (title || els.main).focus();
}

function notAvailable(path) {
    document.title = 'Not available · Gatehouse';
    replace(els.main,
        pageHeader('Not available', null),
        h('div', { class: 'notice', role: 'alert' },
            h('p', null, `The page ${path} is not in your menu: your roles do not allow it, or it does not exist.`),
            h('p', null, h('a', { href: `#${firstRoute() || '/account/profile'}` }, 'Go to your first page'))));
}

// aria-busy on the main region while a page is being drawn (assistive technology waits; so do
// the browser tests).
async function render() {
    const seq = ++renderSeq;
    els.main.setAttribute('aria-busy', 'true');
    try {
        await draw(seq);
    } finally {
        if (seq === renderSeq) els.main.removeAttribute('aria-busy');
    }
}

async function draw(seq) {
    const { path, query } = parseHash();
    closeMenu();

    if (PUBLIC[path]) {
        // A sign-in asked by an application (?return=) is shown even to a signed-in console:
        // the login sets the browser session cookie the authorization endpoint needs.
        if (path === '/login' && signedIn() && !query.get('return')) {
            navigate(wanted || firstRoute() || '/account/profile');
            return;
        }
        setChrome(false);
        const mod = await PUBLIC[path]();
        if (seq !== renderSeq) return;
        await mod.render({ main: els.main, path, query, navigate, brandWith, orgSlugFrom, afterLogin });
        focusMain();
        return;
    }

    if (!signedIn()) {
        if (path !== '/') wanted = path + (query.toString() ? `?${query}` : '');
        const slug = orgSlugFrom(query);
        navigate(slug ? `/login?org=${slug}` : '/login');
        return;
    }

    if (session() && session().enrollOnly) {
        // A session that may only enroll a second factor: nothing but the enrollment page.
        setChrome(false);
        const mod = await import('./pages/account.js');
        if (seq !== renderSeq) return;
        document.title = 'Set up two-step sign-in · Gatehouse';
        await mod.renderEnroll({ main: els.main, navigate, isCurrent: () => seq === renderSeq });
        focusMain();
        return;
    }
    setChrome(true);
    await loadSwitcher();
    try {
        // Read on every page change: a role change takes effect at the next click.
        await loadNavigation();
    } catch (err) {
        if (seq !== renderSeq) return;
        replace(els.main, pageHeader('Navigation unavailable', null), problemBox(err));
        return;
    }
    if (seq !== renderSeq) return;
    if (path === '/') {
        navigate(firstRoute() || '/account/profile');
        return;
    }
    renderNavigation(els.nav, path);
    const node = nodeFor(path);
    const load = node && PAGES[node.route];
    if (!node || !node.actions.has('VIEW')) {
        notAvailable(path);
        focusMain();
        return;
    }
    if (!load) {
        replace(els.main, pageHeader(node.display_name, node.description),
            h('p', { class: 'notice' }, 'This component has no page in this console.'));
        focusMain();
        return;
    }
    const mod = await load();
    if (seq !== renderSeq) return;
    document.title = `${node.display_name} · Gatehouse`;
    const rest = path.slice(node.route.length).split('/').filter(Boolean);
    const ctx = {
        main: els.main,
        path,
        route: node.route,
        rest,
        query,
        node,
        can: (action) => node.actions.has(action),
        navigate,
        isCurrent: () => seq === renderSeq,
    };
    replace(els.main, h('p', { class: 'muted' }, 'Loading…'));
    try {
        await mod.render(ctx);
    } catch (err) {
        if (seq !== renderSeq) return;
        replace(els.main, pageHeader(node.display_name, null), problemBox(err));
    }
    focusMain();
}

async function afterLogin() {
    const s = session();
    if (s && s.enrollOnly) {
        navigate('/account/security');
        return;
    }
    if (s && s.organization) {
        try {
            await brandWith(s.organization.slug);
        } catch {
            // The console works unbranded.
        }
    }
    const target = wanted;
    wanted = null;
    if (target) {
        navigate(target);
        return;
    }
    try {
        await loadNavigation();
    } catch {
        // render() shows the problem.
    }
    navigate(firstRoute() || '/account/profile');
}

function boot() {
    els.app = document.getElementById('app');
    els.main = document.getElementById('main');
    els.nav = document.getElementById('gh-nav');
    els.user = document.getElementById('gh-user');
    els.userName = document.getElementById('gh-user-name');
    els.toggle = document.getElementById('gh-menu-toggle');
    els.org = document.getElementById('gh-org');
    els.orgSwitch = document.getElementById('gh-org-switch');
    els.orgSwitch.addEventListener('change', onSwitch);

    // The skip link moves focus without touching the hash (the hash is the router's).
    document.getElementById('gh-skip').addEventListener('click', (ev) => {
        ev.preventDefault();
        els.main.focus();
    });
    els.toggle.addEventListener('click', () => {
        const open = !els.app.classList.contains('app--menu-open');
        els.app.classList.toggle('app--menu-open', open);
        els.toggle.setAttribute('aria-expanded', String(open));
        if (open) {
            const first = els.nav.querySelector('a');
            if (first) first.focus();
        }
    });
    document.addEventListener('keydown', (ev) => {
        if (ev.key === 'Escape' && els.app.classList.contains('app--menu-open')) {
            closeMenu();
            els.toggle.focus();
        }
    });
    document.getElementById('gh-logout').addEventListener('click', async () => {
        const slug = session() && session().organization ? session().organization.slug : brandSlug;
        try {
            await logout();
            notify('Signed out.');
        } catch (err) {
            notify(`Signed out here; the server answered: ${err.message}`);
        }
        navigate(slug ? `/login?org=${slug}` : '/login');
    });
    onSessionChange((reason) => {
        if (reason === 'expired') {
            clearNavigation();
            notify('Your session has ended. Sign in again.');
            const { path, query } = parseHash();
            if (!PUBLIC[path]) wanted = path + (query.toString() ? `?${query}` : '');
            navigate(brandSlug ? `/login?org=${brandSlug}&expired=1` : '/login?expired=1');
        } else if (reason === 'logout') {
            clearNavigation();
        } else if (reason === 'updated' || reason === 'switched') {
            setChrome(true);
        }
    });
    window.addEventListener('hashchange', render);
    render();
}

boot();
