// Thin helpers over the vendored uPlot (loaded as a classic script from /web/vendor/uplot): line
// charts over time, categorical bar charts with target markers, and a data table beside each
// chart so the numbers are readable without the picture.

import { h } from './dom.js';

export const PALETTE = ['#1f5fbf', '#c2410c', '#1f8a4c', '#8a1111', '#6b21a8', '#3f4650'];

function uPlotLib() {
  const u = globalThis.uPlot;
  if (!u) throw new Error('the chart library did not load');
  return u;
}

const charts = new Set();
let observer = null;

function track(chart, box) {
  charts.add(chart);
  if (!observer && 'ResizeObserver' in globalThis) {
    observer = new ResizeObserver((entries) => {
      for (const e of entries) {
        const c = e.target.__chart;
        if (c && e.contentRect.width > 0) c.setSize({ width: Math.floor(e.contentRect.width), height: c.height });
      }
    });
  }
  box.__chart = chart;
  observer?.observe(box);
}

/** Destroys every chart (when the view is left or redrawn). */
export function destroyCharts() {
  for (const c of charts) {
    observer?.unobserve(c.root.parentElement ?? c.root);
    c.destroy();
  }
  charts.clear();
}

function width(box) {
  return Math.max(280, Math.floor(box.clientWidth || 440));
}

const axisStyle = { stroke: '#3f4650', grid: { stroke: '#e4e7eb', width: 1 }, ticks: { stroke: '#d0d5dc', width: 1 } };

/**
 * A line chart. x: unix seconds (time: true) or numbers; series: [{label, values, color?, dash?,
 * points?}]; yFormat(v) for the axis and legend; yRange [min, max] when fixed.
 */
export function lineChart(box, { x, series, time = true, yFormat = (v) => v, yRange = null, xFormat = null, categories = null, height = 230 }) {
  const U = uPlotLib();
  // Half a step of room on each side, so the first and last points are not cut by the frame.
  const step = x.length > 1 ? (x[x.length - 1] - x[0]) / (x.length - 1) : 1;
  const xScale = categories
    ? { time: false, range: [-0.5, Math.max(0.5, categories.length - 0.5)] }
    : { time, range: (u, min, max) => [min - step / 2, max + step / 2] };
  const xAxis = categories
    ? { ...axisStyle, splits: () => categories.map((_, i) => i), values: (u, splits) => splits.map((v) => categories[v] ?? '') }
    : { ...axisStyle, ...(xFormat ? { values: (u, splits) => splits.map(xFormat) } : {}) };
  const opts = {
    width: width(box),
    height,
    legend: { live: false },
    scales: { x: xScale, y: yRange ? { range: () => yRange } : { auto: true } },
    axes: [
      xAxis,
      { ...axisStyle, size: 56, values: (u, splits) => splits.map((v) => (v === null ? '' : yFormat(v))) },
    ],
    series: [
      { label: time ? 'day' : 'x', value: (u, v) => (v === null || v === undefined ? '–' : xFormat ? xFormat(v) : v) },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: s.color ?? PALETTE[i % PALETTE.length],
        width: 2,
        dash: s.dash,
        spanGaps: false,
        points: { show: s.points ?? true, size: 6 },
        value: (u, v) => (v === null || v === undefined ? '–' : yFormat(v)),
      })),
    ],
  };
  const chart = new U(opts, [x, ...series.map((s) => s.values)], box);
  track(chart, box);
  noDataNote(box, series.filter((s) => !s.dash));
  return chart;
}

/** Says so when a chart has nothing to draw, instead of leaving empty axes unexplained. */
function noDataNote(box, series) {
  const empty = series.every((s) => s.values.every((v) => v === null || v === undefined));
  if (empty) box.after(h('p', { class: 'muted no-data' }, 'No data for this period yet.'));
}

/**
 * Bars over categories. categories: ['P0', ...]; series: [{label, values, color?}] drawn side by
 * side (at most two); targets: optional values drawn as markers.
 */
export function barChart(box, { categories, series, targets = null, yFormat = (v) => v, yRange = null, height = 230 }) {
  const U = uPlotLib();
  const xs = categories.map((_, i) => i);
  const n = series.length;
  const size = n === 1 ? 0.55 : 0.36;
  const bars = (i) => U.paths.bars({ size: [size, 80], align: n === 1 ? 0 : i === 0 ? -1 : 1 });
  const opts = {
    width: width(box),
    height,
    legend: { live: false },
    scales: { x: { time: false, range: [-0.6, categories.length - 0.4] }, y: yRange ? { range: () => yRange } : { auto: true } },
    axes: [
      { ...axisStyle, splits: () => xs, values: (u, splits) => splits.map((v) => categories[v] ?? ''), grid: { show: false } },
      { ...axisStyle, size: 56, values: (u, splits) => splits.map((v) => yFormat(v)) },
    ],
    series: [
      { label: 'category', value: (u, v) => categories[v] ?? '' },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: s.color ?? PALETTE[i % PALETTE.length],
        fill: `${s.color ?? PALETTE[i % PALETTE.length]}cc`,
        width: 1,
        paths: bars(i),
        points: { show: false },
        value: (u, v) => (v === null || v === undefined ? '–' : yFormat(v)),
      })),
      ...(targets ? [{
        label: 'target',
        stroke: '#1b1f24',
        width: 0,
        paths: () => null,
        points: { show: true, size: 12, width: 3, stroke: '#1b1f24', fill: '#ffffff' },
        value: (u, v) => (v === null || v === undefined ? '–' : yFormat(v)),
      }] : []),
    ],
  };
  const data = [xs, ...series.map((s) => s.values), ...(targets ? [targets] : [])];
  const chart = new U(opts, data, box);
  track(chart, box);
  noDataNote(box, series);
  return chart;
}

/** A table of the plotted numbers, inside a closed <details>. */
export function dataTable(caption, headers, rows) {
  return h('details', null, h('summary', null, 'Show the numbers'),
    h('table', null, h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map((r) => h('tr', null, r.map((c) => h('td', null, c ?? '–')))))));
}
