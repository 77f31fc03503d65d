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

/** #rrggbb of `a` mixed into `b` by `p` (0 to 1), as CSS color-mix(in srgb, a p, b) computes it. */
export function mix(a, p, b) {
    const x = rgb(a);
    const y = rgb(b);
    return `#${x.map((c, i) => Math.round(c * p + y[i] * (1 - p)).toString(16).padStart(2, '0')).join('')}`;
}

/** Passes WCAG AA for normal text (4.5:1) on every one of `backgrounds`. */
const reads = (fg, backgrounds) => backgrounds.every((b) => contrast(fg, b) >= 4.5);

/**
 * `color`, or the least mix of it toward `text` that reads (4.5:1) on all of `backgrounds`: a
 * theme's color keeps its hue where it can, and ends as the text color where it cannot.
 * `backgrounds` may be a function of the candidate color (a background tinted with it).
 */
export function readable(color, text, backgrounds) {
    for (let p = 0; p <= 1; p += 0.05) {
        const c = mix(text, Math.min(p, 1), color);
        if (reads(c, typeof backgrounds === 'function' ? backgrounds(c) : backgrounds)) return c;
    }
    return text;
}

// Status colors of the console (not themed), for light backgrounds; readable() adapts them.
const DANGER = '#b42318';
const SUCCESS = '#1a7f37';
const WARNING = '#7d4e00';

/**
 * Sets the variables on `el`. Text on primary/accent surfaces is black or white by contrast, and
 * every color used for text (text, links, muted text, status colors) is made to read at 4.5:1 on
 * both the background and the surface (--gh-surface, the menu and table headers): the text color
 * falls back to black or white (and a mid-grey background, where neither reads, is lightened or
 * darkened a little), the others are mixed toward the text color as far as needed. An
 * organization's palette cannot make the console's own chrome unreadable.
 */
export function applyTheme(theme, el = document.documentElement) {
    const t = effective(theme);
    const s = el.style;
    const surfaceOf = (text, bg) => mix(text, 0.04, bg); // --gh-surface in console.css
    let bg = t.background_color;
    const text = reads(t.text_color, [bg, surfaceOf(t.text_color, bg)]) ? t.text_color : onColor(bg);
    // A mid-grey background reads at 4.5:1 with neither black nor white on its surface: move it
    // away from the text color just as far as needed.
    // (6%: the surface is 4% of the text color, a problem's background 6% of the danger color,
    // which is at worst the text color.)
    for (let p = 0.05; p <= 1 && !reads(text, [bg, mix(text, 0.06, bg)]); p += 0.05) {
        bg = mix(onColor(text), p, t.background_color);
    }
    const on = [bg, surfaceOf(text, bg)];
    const danger = readable(DANGER, text, (c) => [...on, mix(c, 0.06, bg)]); // .problem's background
    s.setProperty('--gh-primary', t.primary_color);
    s.setProperty('--gh-on-primary', onColor(t.primary_color));
    s.setProperty('--gh-secondary', t.secondary_color);
    s.setProperty('--gh-accent', t.accent_color);
    s.setProperty('--gh-on-accent', onColor(t.accent_color));
    s.setProperty('--gh-bg', bg);
    s.setProperty('--gh-text', text);
    s.setProperty('--gh-link', readable(t.primary_color, text, on));
    s.setProperty('--gh-muted', readable(t.secondary_color, text, on));
    s.setProperty('--gh-danger', danger);
    s.setProperty('--gh-on-danger', onColor(danger));
    s.setProperty('--gh-success', readable(SUCCESS, text, on));
    s.setProperty('--gh-warning', readable(WARNING, text, on));
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
