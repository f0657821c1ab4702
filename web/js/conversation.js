// The conversation view: messages, the state-machine trace as a timeline, SLA deadlines, the
// current draft and the learning record of reviewed drafts.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { absoluteTime, percent } from './format.js';
import { renderDiff, renderMessages } from './queue.js';
import { priorityBadge, slaBadge, statusBadge } from './ui.js';

function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function assigneeText(a) {
  if (a === null || a === undefined) return 'nobody';
  if (typeof a === 'object') return `${a.name ?? ''} #${a.id ?? '?'}`.trim();
  return `#${a}`;
}

function learningRecords(c, items) {
  for (const key of ['learning', 'learning_records', 'learning_record']) {
    const v = c?.[key];
    if (Array.isArray(v)) return v;
    if (v && typeof v === 'object') return [v];
  }
  // Otherwise the reviewed drafts of this conversation carry the same facts.
  const drafts = Array.isArray(c?.drafts) ? c.drafts : items.filter((d) => String(d.conversation_id) === String(c?.id));
  const byId = new Map(drafts.map((d) => [d.id, d]));
  if (c?.current_draft?.id) byId.set(c.current_draft.id, { ...byId.get(c.current_draft.id), ...c.current_draft });
  return [...byId.values()].filter((d) => d.status && d.status !== 'pending' && d.status !== 'superseded')
    .sort((a, b) => (a.draft_version ?? 0) - (b.draft_version ?? 0));
}

function learningNode(r) {
  const grades = r.grades && typeof r.grades === 'object'
    ? ['tone', 'accuracy', 'policy'].map((g) => `${g} ${r.grades[g] ?? '–'}`).join(', ') : '–';
  const finalText = r.final_text ?? r.edited_text ?? null;
  return h('li', { class: 'panel' },
    kv([
      ['Action', r.action ?? r.status],
      ['Draft version', r.draft_version],
      ['Reviewer', r.reviewer ?? r.operator_id],
      ['Reviewed', r.reviewed_at ? absoluteTime(r.reviewed_at) : null],
      ['Review time', typeof r.review_seconds === 'number' ? `${Math.round(r.review_seconds)} s` : null],
      ['Confidence', typeof r.confidence === 'number' ? percent(r.confidence, 1) : null],
      ['Edit distance', r.edit_distance],
      ['Grades', grades],
      ['Outcome', r.outcome],
      ['Drafter', r.drafter_version],
    ]),
    r.draft && finalText && finalText !== r.draft ? [h('h4', null, 'Draft → sent text'), renderDiff(r.draft, finalText)] : null);
}

export async function renderConversation(root, id, { onUnauthorized, items = [] }) {
  replace(root, h('p', { class: 'muted' }, `Loading conversation #${id}…`));
  let c;
  let trace = [];
  try {
    [c, trace] = await Promise.all([api.conversation(id), api.trace(id).catch(() => [])]);
  } catch (e) {
    if (e.status === 401) return onUnauthorized();
    replace(root, h('a', { href: '#/queue' }, '← Back to the queue'),
      h('div', { class: 'banner error', role: 'alert' }, `Could not load conversation #${id}: ${e.message}`));
    return;
  }
  const transitions = Array.isArray(trace) ? trace : (trace?.transitions ?? trace?.trace ?? []);
  const messages = Array.isArray(c.messages) ? c.messages : [];
  const sla = c.sla ?? {};
  const draft = c.current_draft;
  const records = learningRecords(c, items);

  replace(root,
    h('p', null, h('a', { href: '#/queue' }, '← Back to the queue')),
    h('h1', { id: 'conversation-title' }, `Conversation #${c.id ?? id}`),
    h('div', { class: 'meta' }, priorityBadge(c.priority), h('span', { class: 'badge neutral', id: 'conversation-state' }, c.state ?? 'unknown'),
      c.escalation_reason ? h('span', { class: 'badge flag-other' }, `escalated: ${c.escalation_reason}`) : null,
      h('span', null, `assignee ${assigneeText(c.assignee)}`)),
    h('div', { class: 'conv-grid' },
      h('div', null,
        h('section', { class: 'panel', 'aria-labelledby': 'messages-title' },
          h('h2', { id: 'messages-title' }, 'Messages'),
          messages.length ? renderMessages(messages) : h('p', { class: 'muted' }, 'No messages.')),
        draft ? h('section', { class: 'panel', 'aria-labelledby': 'current-draft-title' },
          h('h2', { id: 'current-draft-title' }, 'Current draft ', statusBadge(draft.status)),
          h('p', { class: 'text-block' }, draft.draft ?? ''),
          h('a', { href: `#/queue/${encodeURIComponent(draft.id)}` }, draft.status === 'pending' ? 'Review it in the queue' : 'Show it in the queue')) : null,
        h('section', { class: 'panel', 'aria-labelledby': 'learning-title' },
          h('h2', { id: 'learning-title' }, 'Learning record'),
          records.length ? h('ol', { class: 'learning', style: null }, records.map(learningNode))
            : h('p', { class: 'muted' }, 'No reviewed drafts yet.'))),
      h('div', null,
        h('section', { class: 'panel', 'aria-labelledby': 'sla-title' },
          h('h2', { id: 'sla-title' }, 'SLA'),
          kv([
            ['First response due', sla.first_response_due ? [absoluteTime(sla.first_response_due), ' ', slaBadge(sla.first_response_due)] : '–'],
            ['Resolution due', sla.resolution_due ? [absoluteTime(sla.resolution_due), ' ', slaBadge(sla.resolution_due)] : '–'],
            ['Breached', sla.breached === undefined ? '–' : (sla.breached ? 'yes' : 'no')],
          ])),
        h('section', { class: 'panel', 'aria-labelledby': 'trace-title' },
          h('h2', { id: 'trace-title' }, 'State trace'),
          transitions.length ? h('ol', { class: 'timeline', id: 'trace' }, transitions.map((t) => h('li', null,
            h('div', { class: 'when' }, absoluteTime(t.at), t.actor ? ` · ${t.actor}` : ''),
            h('div', null, h('code', null, t.from ?? '∅'), ' → ', h('code', null, t.to ?? '?'), t.event ? ` on ${t.event}` : ''),
            t.cause ? h('div', { class: 'muted' }, `cause: ${t.cause}`) : null,
            t.detail ? h('div', { class: 'muted' }, typeof t.detail === 'string' ? t.detail : JSON.stringify(t.detail)) : null)))
            : h('p', { class: 'muted' }, 'No transitions recorded.')))));
  root.querySelector('h1')?.setAttribute('tabindex', '-1');
  root.querySelector('h1')?.focus();
}
