// Tests of the page's pure modules (word diff, SSE parsing, formatting, metric shapes) under
// node's test runner; the browser suite covers the rest against a real server.
import test from 'node:test';
import assert from 'node:assert/strict';

import { diffStats, tokenize, wordDiff } from '../js/diff.js';
import { SseParser, backoffDelay } from '../js/sse.js';
import { compareQueueItems, confidenceBand, formatDuration, slaCountdown } from '../js/format.js';
import { calibrationOf, editTrendOf, metricOf, slaOf } from '../js/dashboard.js';

const join = (parts, keep) => parts.filter((p) => keep.includes(p.op)).map((p) => p.text).join('');

test('word diff reproduces both texts and marks only the changed words', () => {
  const before = 'Your order #1042 ships tomorrow. Thanks for waiting!';
  const after = 'Your order #1042 shipped today. Thanks for waiting!';
  const parts = wordDiff(before, after);
  assert.equal(join(parts, ['same', 'del']), before);
  assert.equal(join(parts, ['same', 'add']), after);
  assert.deepEqual(parts.filter((p) => p.op === 'del').map((p) => p.text.trim()), ['ships tomorrow.']);
  assert.deepEqual(parts.filter((p) => p.op === 'add').map((p) => p.text.trim()), ['shipped today.']);
  assert.deepEqual(diffStats(parts), { added: 2, removed: 2 });
});

test('word diff handles empty, identical, whitespace-only and hostile input', () => {
  assert.deepEqual(wordDiff('', ''), []);
  assert.deepEqual(wordDiff('same text', 'same text'), [{ op: 'same', text: 'same text' }]);
  assert.deepEqual(wordDiff('', 'new'), [{ op: 'add', text: 'new' }]);
  assert.deepEqual(wordDiff('old', ''), [{ op: 'del', text: 'old' }]);
  const tricky = '<script>alert(1)</script>\n\t  ';
  const parts = wordDiff('hello', tricky);
  assert.equal(join(parts, ['same', 'add']), tricky);
  assert.deepEqual(tokenize(null), []);
  assert.deepEqual(tokenize('a  b'), ['a', '  ', 'b']);
});

test('word diff of oversized input falls back to one replacement instead of a huge table', () => {
  const a = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
  const b = Array.from({ length: 3000 }, (_, i) => `v${i}`).join(' ');
  const parts = wordDiff(a, b, 1000);
  assert.equal(join(parts, ['same', 'del']), a);
  assert.equal(join(parts, ['same', 'add']), b);
  assert.ok(parts.length <= 3);
});

test('SSE parser: fields, multi-line data, comments, CRLF and chunk boundaries', () => {
  const p = new SseParser();
  const stream = ': hello\r\nretry: 2000\r\nid: 7\r\nevent: queue_item_created\r\ndata: {"id":"q-1-1",\r\ndata: "conversation_id":1}\r\n\r\n';
  const out = [];
  for (const ch of stream) out.push(...p.feed(ch));  // one character at a time
  assert.equal(out.length, 1);
  assert.equal(out[0].event, 'queue_item_created');
  assert.equal(out[0].id, '7');
  assert.deepEqual(JSON.parse(out[0].data), { id: 'q-1-1', conversation_id: 1 });
  assert.equal(p.retry, 2000);
  assert.equal(p.lastEventId, '7');
});

test('SSE parser: a block without data is no event; the id persists; malformed lines are ignored', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed('event: x\n\n'), []);
  assert.deepEqual(p.feed('id: 9\n\n'), []);
  assert.equal(p.lastEventId, '9');
  const out = p.feed('bogus line\nretry: soon\ndata\n\n');
  assert.equal(out.length, 1);
  assert.equal(out[0].event, 'message');
  assert.equal(out[0].data, '');
  assert.equal(out[0].id, '9');
  assert.equal(p.retry, null);
  assert.deepEqual(p.feed('id: bad\0id\ndata: y\n\n')[0].id, '9');
  // A lone \r at the end of a chunk may be half of \r\n.
  assert.deepEqual(p.feed('data: z\r'), []);
  assert.equal(p.feed('\n\r\n')[0].data, 'z');
});

test('SSE parser survives a huge data field and many events in one chunk', () => {
  const p = new SseParser();
  const big = 'x'.repeat(1 << 20);
  const many = Array.from({ length: 500 }, (_, i) => `id: ${i}\ndata: ${i}\n\n`).join('');
  const out = p.feed(`data: ${big}\n\n${many}`);
  assert.equal(out.length, 501);
  assert.equal(out[0].data.length, big.length);
  assert.equal(out[500].data, '499');
});

test('reconnect backoff grows, is capped, and respects the server retry', () => {
  assert.equal(backoffDelay(1), 1000);
  assert.equal(backoffDelay(2), 2000);
  assert.equal(backoffDelay(10), 15000);
  assert.equal(backoffDelay(1, 2000), 2000);
});

test('queue order is priority first, then oldest first', () => {
  const items = [
    { id: 'a', priority: 'P2', created_at: '2026-01-01T10:00:00Z' },
    { id: 'b', priority: 'P1', created_at: '2026-01-01T12:00:00Z' },
    { id: 'c', priority: 'P1', created_at: '2026-01-01T11:00:00Z' },
    { id: 'd', priority: 'P0', created_at: '2026-01-01T13:00:00Z' },
    { id: 'e', priority: undefined, created_at: 'garbage' },
  ];
  assert.deepEqual(items.sort(compareQueueItems).map((i) => i.id), ['d', 'c', 'b', 'a', 'e']);
});

test('SLA countdown text and severity', () => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  assert.deepEqual(slaCountdown('2026-01-01T11:30:00Z', now), { text: '1h 30m left', severity: 'ok' });
  assert.deepEqual(slaCountdown('2026-01-01T10:20:00Z', now), { text: '20m 00s left', severity: 'warn' });
  assert.deepEqual(slaCountdown('2026-01-01T10:04:05Z', now), { text: '4m 05s left', severity: 'due' });
  assert.deepEqual(slaCountdown('2026-01-01T09:59:30Z', now), { text: 'overdue 30s', severity: 'breached' });
  assert.deepEqual(slaCountdown(null, now), { text: 'no SLA', severity: 'none' });
  assert.deepEqual(slaCountdown('not a date', now), { text: 'no SLA', severity: 'none' });
  assert.equal(formatDuration(3 * 86400e3 + 3600e3), '3d 01h');
  assert.equal(confidenceBand(0.49), 'low');
  assert.equal(confidenceBand(0.69), 'medium');
  assert.equal(confidenceBand(0.7), 'high');
  assert.equal(confidenceBand(NaN), 'unknown');
});

test('metric shapes: objects with targets, bare numbers, missing values', () => {
  assert.deepEqual(metricOf({ edit_rate: { value: 0.4, target: 0.3, higher_is_better: false, met: false } }, 'edit_rate'),
    { value: 0.4, target: 0.3, higher: false, met: false });
  assert.deepEqual(metricOf({ approval_rate: 0.7 }, 'approval_rate'), { value: 0.7, target: 0.6, higher: true, met: true });
  assert.deepEqual(metricOf({}, 'average_tone'), { value: null, target: 4.5, higher: true, met: null });
  assert.deepEqual(metricOf(null, 'p90_review_minutes'), { value: null, target: null, higher: true, met: null });
  const r = {
    sla_compliance: { P1: { first_response_rate: 0.9, resolution_rate: null } },
    confidence_calibration: [{ lower: 0, count: 2, approval_rate: 0.5 }, { lower: 0.1, count: 0, approval_rate: null }],
    edit_distance_trend: [{ iso_year: 2026, iso_week: 3, edits: 4, mean_edit_distance: 12, mean_normalized: 0.1 }],
  };
  assert.deepEqual(slaOf(r, 'P1', 1), { first: 0.9, resolution: null });
  assert.deepEqual(slaOf(r, 'P0', 0), { first: null, resolution: null });
  assert.deepEqual(slaOf({ sla_by_priority: [{ first_response_rate: 1 }] }, 'P0', 0), { first: 1, resolution: null });
  const cal = calibrationOf(r);
  assert.equal(cal.length, 2);
  assert.equal(cal[0].rate, 0.5);
  assert.ok(Math.abs(cal[1].mid - 0.15) < 1e-9);
  assert.deepEqual(editTrendOf(r)[0], { label: '2026-W03', mean: 12, normalized: 0.1, edits: 4 });
});
