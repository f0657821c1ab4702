// Small shared pieces of the page: announcements for screen readers, toasts, and the badges
// (priority, channel, confidence, flags, status, SLA countdown) used by several views.

import { h } from './dom.js';
import { channelLabel, confidenceBand, percent, slaCountdown } from './format.js';

export function announce(text) {
  const el = document.getElementById('announcer');
  if (!el) return;
  el.textContent = '';
  // A fresh text node after a tick makes screen readers read repeated messages too.
  setTimeout(() => { el.textContent = text; }, 30);
}

export function toast(text, kind = 'info', ms = 4000) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const t = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  box.appendChild(t);
  setTimeout(() => t.remove(), ms);
}

export const priorityBadge = (p) =>
  h('span', { class: `badge prio prio-${p ?? 'P3'}`, title: `Priority ${p}` }, p ?? '–');

export const channelBadge = (c) => h('span', { class: 'badge channel' }, channelLabel(c));

export function confidenceBadge(c) {
  const band = confidenceBand(c);
  return h('span', { class: `badge conf conf-${band}`, title: `Confidence ${percent(c, 1)}` },
    h('span', { class: 'visually-hidden' }, 'confidence '), percent(c));
}

export function confidenceMeter(c) {
  const band = confidenceBand(c);
  const pct = typeof c === 'number' ? Math.max(0, Math.min(1, c)) * 100 : 0;
  const bar = h('span');
  bar.style.width = `${pct}%`;
  return h('span', {
    class: `meter conf-${band}`, role: 'meter', 'aria-label': 'Confidence',
    'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(pct),
    'aria-valuetext': percent(c),
  }, bar);
}

/** LOW CONFIDENCE and URGENT first (the flags operators act on), then the others. */
export function flagBadges(item) {
  const flags = new Set(Array.isArray(item.flags) ? item.flags : []);
  if (typeof item.confidence === 'number' && item.confidence < 0.5) flags.add('low_confidence');
  const out = [];
  if (flags.has('low_confidence')) out.push(h('span', { class: 'badge flag-low' }, 'LOW CONFIDENCE'));
  if (flags.has('urgent')) out.push(h('span', { class: 'badge flag-urgent' }, 'URGENT'));
  for (const f of flags) {
    if (f === 'low_confidence' || f === 'urgent') continue;
    out.push(h('span', { class: 'badge flag-other' }, String(f).replace(/_/g, ' ').toUpperCase()));
  }
  return out;
}

export const statusBadge = (s) => h('span', { class: `badge status-${s}` }, s ?? 'unknown');

/** A live SLA countdown; the page's one-second ticker refreshes every [data-deadline]. */
export function slaBadge(deadline, now = Date.now()) {
  const { text, severity } = slaCountdown(deadline, now);
  return h('span', {
    class: `sla sla-${severity}`, role: 'timer', 'aria-live': 'off',
    dataset: deadline ? { deadline } : {}, title: deadline ? `SLA due ${deadline}` : 'No SLA deadline',
  }, h('span', { class: 'visually-hidden' }, 'SLA '), h('span', { class: 'sla-text' }, text));
}

export function tickCountdowns(now = Date.now()) {
  for (const el of document.querySelectorAll('[data-deadline]')) {
    const { text, severity } = slaCountdown(el.dataset.deadline, now);
    const t = el.querySelector('.sla-text');
    if (t && t.textContent !== text) t.textContent = text;
    const cls = `sla sla-${severity}`;
    if (el.className !== cls) el.className = cls;
  }
}

export function sentimentText(s) {
  if (!s || typeof s !== 'object') return '–';
  const parts = [];
  if (s.label) parts.push(String(s.label));
  if (typeof s.score === 'number') parts.push(`score ${s.score.toFixed(2)}`);
  if (s.urgency !== undefined && s.urgency !== null) parts.push(`urgency ${s.urgency}`);
  return parts.join(', ') || '–';
}
