// Organization themes (org_theme) as CSS custom properties. The stylesheet uses only the
// variables, so applying a theme is setting them on an element: the page root for the console
// and the public pages, a preview box for the theme editor.

import { api } from './api.js';

export const DEFAULT_THEME = {
    primary_color: '#1a5fb4',
    secondary_color: '#57606a',
    accent_color: '#8250df',
    background_color: '#ffffff',
    text_color: '#1f2328',
};

export const COLOR_KEYS = ['primary_color', 'secondary_color', 'accent_color', 'background_color', 'text_color'];

const HEX = /^#[0-9a-fA-F]{6}$/;

function rgb(hex) {
    const n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** WCAG 2 relative luminance of #rrggbb. */
export function luminance(hex) {
    const [r, g, b] = rgb(hex).map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio between two #rrggbb colors (1 to 21). */
export function contrast(a, b) {
    const la = luminance(a);
    const lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Black or white, whichever reads better on `bg`. */
export function onColor(bg) {
    return contrast(bg, '#ffffff') >= contrast(bg, '#000000') ? '#ffffff' : '#000000';
}

/** The theme with defaults filled in and every color valid. */
export function effective(theme) {
    const t = { ...DEFAULT_THEME };
    for (const k of COLOR_KEYS) {
        const v = theme && theme[k];
        if (typeof v === 'string' && HEX.test(v)) t[k] = v.toLowerCase();
    }
    t.logo_ref = theme && theme.logo_ref ? theme.logo_ref : null;
    t.favicon_ref = theme && theme.favicon_ref ? theme.favicon_ref : null;
    return t;
}

/**
 * Sets the variables on `el`. Text on primary/accent surfaces is black or white by contrast,
 * and links use the primary color only when it reads well on the background (4.5:1), else the
 * text color: an organization's palette cannot make the console unreadable.
 */
export function applyTheme(theme, el = document.documentElement) {
    const t = effective(theme);
    const s = el.style;
    s.setProperty('--gh-primary', t.primary_color);
    s.setProperty('--gh-on-primary', onColor(t.primary_color));
    s.setProperty('--gh-secondary', t.secondary_color);
    s.setProperty('--gh-accent', t.accent_color);
    s.setProperty('--gh-on-accent', onColor(t.accent_color));
    s.setProperty('--gh-bg', t.background_color);
    s.setProperty('--gh-text', t.text_color);
    s.setProperty('--gh-link', contrast(t.primary_color, t.background_color) >= 4.5 ? t.primary_color : t.text_color);
    s.setProperty('--gh-muted', contrast(t.secondary_color, t.background_color) >= 4.5 ? t.secondary_color : t.text_color);
    return t;
}

/** Logo and favicon of the page (only for the page root, not a preview). */
export function applyBrand(theme, name) {
    const t = effective(theme);
    const logo = document.getElementById('gh-logo');
    if (logo) {
        if (t.logo_ref) {
            logo.src = t.logo_ref;
            logo.alt = name ? `${name} logo` : 'Logo';
            logo.hidden = false;
        } else {
            logo.removeAttribute('src');
            logo.hidden = true;
        }
    }
    const fav = document.getElementById('gh-favicon');
    if (fav) fav.href = t.favicon_ref || '/favicon.svg';
    const brand = document.getElementById('gh-brand-name');
    if (brand) brand.textContent = name || 'Gatehouse';
}

/** GET /api/v1/themes/{slug} (public). Revalidated with its ETag, never taken stale. */
export async function loadTheme(slug) {
    const r = await api('GET', `/api/v1/themes/${encodeURIComponent(slug)}`, { auth: false, cache: 'no-cache' });
    return r.data;
}

export function resetTheme() {
    applyTheme(null);
    applyBrand(null, null);
}
