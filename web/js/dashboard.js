// The manager's quality dashboard: the quality metrics of a period as figures against their
// targets and as charts (rates per day, grades, review time, SLA compliance, calibration, edits).

import { api } from './api.js';
import { h, replace } from './dom.js';
import { percent } from './format.js';
import { barChart, dataTable, destroyCharts, lineChart } from './charts.js';

const DAY = 86400e3;
const PRIORITIES = ['P0', 'P1', 'P2', 'P3'];

/** Targets from the product's quality goals, used when the server sends none. */
export const DEFAULT_TARGETS = {
  approval_rate: { target: 0.6, higher: true },
  approval_without_major_edits: { target: 0.85, higher: true },
  edit_rate: { target: 0.3, higher: false },
  escalation_rate: { target: 0.1, higher: false },
  rejection_rate: { target: 0.05, higher: false },
  average_tone: { target: 4.5, higher: true },
  average_accuracy: { target: 4.7, higher: true },
  average_policy: { target: 4.8, higher: true },
  median_review_minutes: { target: 15, higher: false },
};

/** A metric as {value, target, higher, met} whether the server sent a number or an object. */
export function metricOf(report, name) {
  const raw = report?.[name];
  const def = DEFAULT_TARGETS[name] ?? {};
  const value = typeof raw === 'number' ? raw : (typeof raw?.value === 'number' ? raw.value : null);
  const target = typeof raw?.target === 'number' ? raw.target : (def.target ?? null);
  const higher = typeof raw?.higher_is_better === 'boolean' ? raw.higher_is_better : (def.higher ?? true);
  let met = typeof raw?.met === 'boolean' ? raw.met : null;
  if (met === null && value !== null && target !== null) met = higher ? value >= target : value <= target;
  return { value, target, higher, met };
}

export function slaOf(report, p, i) {
  const s = report?.sla_by_priority ?? report?.sla_compliance ?? null;
  const e = Array.isArray(s) ? s[i] : s?.[p] ?? s?.[p.toLowerCase()] ?? null;
  const num = (v) => (typeof v === 'number' ? v : typeof v?.value === 'number' ? v.value : null);
  return { first: num(e?.first_response_rate), resolution: num(e?.resolution_rate) };
}

export function calibrationOf(report) {
  const bins = Array.isArray(report?.calibration) ? report.calibration
    : Array.isArray(report?.confidence_calibration) ? report.confidence_calibration : [];
  const width = bins.length > 1 && typeof bins[0].lower === 'number' && typeof bins[1].lower === 'number'
    ? bins[1].lower - bins[0].lower : 1 / (bins.length || 10);
  return bins.map((b, i) => ({
    mid: (typeof b.lower === 'number' ? b.lower : i * width) + width / 2,
    count: b.count ?? 0,
    rate: typeof b.acceptance_rate === 'number' ? b.acceptance_rate
      : typeof b.approval_rate === 'number' ? b.approval_rate : null,
  }));
}

export function editTrendOf(report) {
  const t = Array.isArray(report?.edit_trend) ? report.edit_trend
    : Array.isArray(report?.edit_distance_trend) ? report.edit_distance_trend : [];
  return t.map((w) => ({
    label: w.iso_week !== undefined ? `${w.iso_year}-W${String(w.iso_week).padStart(2, '0')}` : String(w.week ?? w.label ?? ''),
    mean: typeof w.mean_edit_distance === 'number' ? w.mean_edit_distance : null,
    normalized: typeof w.mean_normalized === 'number' ? w.mean_normalized : null,
    edits: w.edits ?? 0,
  }));
}

function startOfUtcDay(t) {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

async function limited(tasks, n) {
  const out = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]().catch(() => null);
    }
  }));
  return out;
}

const fmtPct = (v) => percent(v);
const fmtNum = (d) => (v) => (typeof v === 'number' ? v.toFixed(d) : '–');

function kpi(name, m, fmt) {
  const targetText = m.target === null ? 'no target' : `target ${m.higher ? '≥' : '≤'} ${fmt(m.target)}`;
  const state = m.met === null ? '' : m.met ? 'met' : 'missed';
  return h('div', { class: `kpi ${state}`, role: 'group', 'aria-label': name },
    h('div', { class: 'name' }, name),
    h('div', { class: 'value' }, m.value === null ? '–' : fmt(m.value)),
    h('div', { class: 'target' }, targetText, m.met === null ? '' : m.met ? ' · met ✓' : ' · missed ✗'));
}

function card(id, title, description) {
  const box = h('div', { class: 'chart', id: `chart-${id}`, role: 'img', 'aria-label': `${title}. ${description}` });
  const el = h('section', { class: 'chart-card', 'aria-labelledby': `chart-${id}-title` },
    h('h3', { id: `chart-${id}-title` }, title), h('p', { class: 'muted' }, description), box);
  return { el, box };
}

export async function renderDashboard(root, { onUnauthorized, days = 14 }) {
  destroyCharts();
  const now = Date.now();
  const toDay = startOfUtcDay(now) + DAY;
  const fromDay = toDay - days * DAY;
  const iso = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  replace(root, h('h1', null, 'Quality'), h('p', { class: 'muted', id: 'dashboard-status' }, 'Loading metrics…'));

  let report;
  let perDay;
  try {
    report = await api.quality({ from: iso(fromDay), to: iso(toDay) });
    perDay = await limited(Array.from({ length: days }, (_, i) => () =>
      api.quality({ from: iso(fromDay + i * DAY), to: iso(fromDay + (i + 1) * DAY) })), 4);
  } catch (e) {
    if (e.status === 401) return onUnauthorized();
    replace(root, h('h1', null, 'Quality'), h('div', { class: 'banner error', role: 'alert' },
      e.status === 403 ? 'The quality dashboard is for managers.' : `Could not load the quality metrics: ${e.message}`));
    return;
  }

  const m = (name) => metricOf(report, name);
  const dayX = Array.from({ length: days }, (_, i) => (fromDay + i * DAY) / 1000);
  const daySeries = (name) => perDay.map((r) => metricOf(r, name).value);
  const records = report?.records ?? report?.reviewed ?? null;

  const cards = {
    rates: card('rates', 'Decision rates per day', 'Share of reviewed drafts approved, edited, escalated and rejected each day.'),
    grades: card('grades', 'Average grades against targets', 'Bars: average grade 1–5; rings: the target.'),
    review: card('review', 'Time to review', 'Median and 90th percentile minutes from draft to decision, per day, against the 15-minute target.'),
    sla: card('sla', 'SLA compliance by priority', 'Share of conversations whose first response and resolution met their deadline.'),
    calibration: card('calibration', 'Confidence calibration', 'How often drafts were accepted at each confidence; the dashed line is perfect calibration.'),
    edits: card('edits', 'Edit distance trend', 'Mean edit distance per ISO week, as a share of the draft length.'),
  };

  replace(root,
    h('h1', null, 'Quality'),
    h('p', { class: 'muted', id: 'dashboard-status' },
      `${iso(fromDay).slice(0, 10)} to ${iso(toDay - 1).slice(0, 10)} (UTC)`, records !== null ? ` · ${records} learning records` : ''),
    h('div', { class: 'kpis', id: 'kpis' },
      kpi('AI draft rate', m('ai_draft_rate'), fmtPct),
      kpi('Approval rate', m('approval_rate'), fmtPct),
      kpi('Approved without major edits', m('approval_without_major_edits'), fmtPct),
      kpi('Edit rate', m('edit_rate'), fmtPct),
      kpi('Escalation rate', m('escalation_rate'), fmtPct),
      kpi('Rejection rate', m('rejection_rate'), fmtPct),
      kpi('Tone', m('average_tone'), fmtNum(2)),
      kpi('Accuracy', m('average_accuracy'), fmtNum(2)),
      kpi('Policy', m('average_policy'), fmtNum(2)),
      kpi('Median review (min)', m('median_review_minutes'), fmtNum(1))),
    h('div', { class: 'charts' }, Object.values(cards).map((c) => c.el)));

  const dayLabel = (t) => new Date(t * 1000).toISOString().slice(5, 10);
  const rateNames = [['approval_rate', 'approved'], ['edit_rate', 'edited'], ['escalation_rate', 'escalated'], ['rejection_rate', 'rejected']];
  lineChart(cards.rates.box, {
    x: dayX, yFormat: fmtPct, yRange: [0, 1],
    series: rateNames.map(([n, label]) => ({ label, values: daySeries(n) })),
  });
  cards.rates.el.append(dataTable('Decision rates per day', ['day', ...rateNames.map(([, l]) => l)],
    dayX.map((t, i) => [dayLabel(t), ...rateNames.map(([n]) => percent(metricOf(perDay[i], n).value))])));

  const gradeNames = [['average_tone', 'tone'], ['average_accuracy', 'accuracy'], ['average_policy', 'policy']];
  barChart(cards.grades.box, {
    categories: gradeNames.map(([, l]) => l), yRange: [0, 5], yFormat: fmtNum(1),
    series: [{ label: 'average', values: gradeNames.map(([n]) => m(n).value) }],
    targets: gradeNames.map(([n]) => m(n).target),
  });
  cards.grades.el.append(dataTable('Average grades', ['criterion', 'average', 'target'],
    gradeNames.map(([n, l]) => [l, fmtNum(2)(m(n).value), fmtNum(1)(m(n).target)])));

  const medTarget = m('median_review_minutes').target ?? 15;
  lineChart(cards.review.box, {
    x: dayX, yFormat: (v) => `${Math.round(v * 10) / 10} min`,
    series: [
      { label: 'median', values: daySeries('median_review_minutes') },
      { label: 'p90', values: daySeries('p90_review_minutes') },
      { label: 'target', values: dayX.map(() => medTarget), dash: [6, 4], points: false, color: '#3f4650' },
    ],
  });
  cards.review.el.append(dataTable('Review minutes per day', ['day', 'median', 'p90'],
    dayX.map((t, i) => [dayLabel(t), fmtNum(1)(metricOf(perDay[i], 'median_review_minutes').value), fmtNum(1)(metricOf(perDay[i], 'p90_review_minutes').value)])));

  const sla = PRIORITIES.map((p, i) => slaOf(report, p, i));
  barChart(cards.sla.box, {
    categories: PRIORITIES, yRange: [0, 1], yFormat: fmtPct,
    series: [{ label: 'first response', values: sla.map((s) => s.first) }, { label: 'resolution', values: sla.map((s) => s.resolution) }],
  });
  cards.sla.el.append(dataTable('SLA compliance', ['priority', 'first response', 'resolution'],
    PRIORITIES.map((p, i) => [p, percent(sla[i].first), percent(sla[i].resolution)])));

  const cal = calibrationOf(report);
  const calX = cal.length ? cal.map((b) => b.mid) : [0, 1];
  lineChart(cards.calibration.box, {
    x: calX, time: false, yRange: [0, 1], yFormat: fmtPct, xFormat: (v) => percent(v),
    series: [
      { label: 'accepted', values: cal.length ? cal.map((b) => b.rate) : [null, null] },
      { label: 'perfect', values: calX, dash: [6, 4], points: false, color: '#3f4650' },
    ],
  });
  cards.calibration.el.append(dataTable('Confidence calibration', ['confidence', 'drafts', 'accepted'],
    cal.map((b) => [percent(b.mid), String(b.count), percent(b.rate)])));

  const trend = editTrendOf(report);
  const trendX = trend.length ? trend.map((_, i) => i) : [0];
  lineChart(cards.edits.box, {
    x: trendX, time: false, yFormat: fmtPct, categories: trend.length ? trend.map((w) => w.label) : ['no edits'],
    series: [{ label: 'mean edit / draft length', values: trend.length ? trend.map((w) => w.normalized) : [null] }],
  });
  cards.edits.el.append(dataTable('Edit distance per week', ['week', 'edits', 'mean distance', 'share of draft'],
    trend.map((w) => [w.label, String(w.edits), fmtNum(1)(w.mean), percent(w.normalized)])));
}
