// Turns API values (timestamps, rates, confidences, priorities) into the short text operators
// read; pure functions, also run under node's test runner.

export const PRIORITY_ORDER = { P0: 0, P1: 1, P2: 2, P3: 3 };

/** Queue order: priority (P0 first), then age (oldest first), then id for stability. */
export function compareQueueItems(a, b) {
  const pa = PRIORITY_ORDER[a.priority] ?? 9;
  const pb = PRIORITY_ORDER[b.priority] ?? 9;
  if (pa !== pb) return pa - pb;
  const ta = Date.parse(a.created_at) || 0;
  const tb = Date.parse(b.created_at) || 0;
  if (ta !== tb) return ta - tb;
  return String(a.id).localeCompare(String(b.id));
}

/** "1h 05m", "4m 09s", "12s" for a positive duration in milliseconds. */
export function formatDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const hh = Math.floor((total % 86400) / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  const two = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${two(hh)}h`;
  if (hh > 0) return `${hh}h ${two(mm)}m`;
  if (mm > 0) return `${mm}m ${two(ss)}s`;
  return `${ss}s`;
}

/**
 * SLA countdown text and severity for a deadline (RFC 3339) at time `now` (ms).
 * severity: 'ok' (> 30 min), 'warn' (≤ 30 min), 'due' (≤ 5 min), 'breached', 'none'.
 */
export function slaCountdown(deadline, now) {
  const t = Date.parse(deadline ?? '');
  if (!Number.isFinite(t)) return { text: 'no SLA', severity: 'none' };
  const left = t - now;
  if (left < 0) return { text: `overdue ${formatDuration(-left)}`, severity: 'breached' };
  const severity = left <= 5 * 60e3 ? 'due' : left <= 30 * 60e3 ? 'warn' : 'ok';
  return { text: `${formatDuration(left)} left`, severity };
}

/** Confidence band used for colour and the LOW CONFIDENCE flag. */
export function confidenceBand(c) {
  if (typeof c !== 'number' || !Number.isFinite(c)) return 'unknown';
  if (c < 0.5) return 'low';
  if (c < 0.7) return 'medium';
  return 'high';
}

export function percent(x, digits = 0) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  return `${(x * 100).toFixed(digits)}%`;
}

/** "3 min ago", "just now"; absolute date for anything older than a week. */
export function relativeTime(iso, now) {
  const t = Date.parse(iso ?? '');
  if (!Number.isFinite(t)) return '';
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.round(s / 86400)} d ago`;
  return new Date(t).toISOString().slice(0, 10);
}

export function absoluteTime(iso) {
  const t = Date.parse(iso ?? '');
  if (!Number.isFinite(t)) return '';
  return new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

/** Channel names as the API sends them ("Channel::WebWidget", "web_widget", "email") → label. */
export function channelLabel(ch) {
  if (!ch) return 'unknown';
  const s = String(ch).replace(/^Channel::/, '');
  const map = {
    WebWidget: 'web chat', web_widget: 'web chat', web: 'web chat', Email: 'email',
    email: 'email', Whatsapp: 'WhatsApp', whatsapp: 'WhatsApp', TwilioSms: 'SMS', sms: 'SMS',
    Api: 'API', api: 'API', web_form: 'web form', form: 'web form',
  };
  return map[s] ?? s.replace(/_/g, ' ');
}
