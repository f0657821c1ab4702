// The approval queue: the list (filters, counts, live updates) and the review panel where an
// operator approves, edits, escalates, rejects and grades drafts, by mouse or keyboard.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { diffStats, wordDiff } from './diff.js';
import { absoluteTime, channelLabel, compareQueueItems, percent, relativeTime } from './format.js';
import {
  announce, channelBadge, confidenceBadge, confidenceMeter, flagBadges, priorityBadge,
  sentimentText, slaBadge, statusBadge, toast,
} from './ui.js';

export const STATUSES = ['pending', 'approved', 'rejected', 'escalated', 'superseded'];
const GRADE_NAMES = ['tone', 'accuracy', 'policy'];
const PAGE = 100;
const MAX_PAGES = { pending: 20, other: 1 };

/** The SLA deadline an item is held to: its own, or its conversation's first response / resolution. */
export function deadlineOf(item, conversation) {
  const s = item?.sla ?? item?.context?.sla ?? conversation?.sla ?? null;
  if (!s) return item?.sla_due ?? null;
  return s.first_response_due ?? s.resolution_due ?? null;
}

function messageKind(m) {
  const k = String(m.kind ?? m.type ?? m.message_type ?? m.direction ?? '').toLowerCase();
  if (k === 'customer' || k === 'incoming' || k === '0') return 'in';
  if (m.private === true || k.includes('note') || k === 'private') return 'note';
  if (['reply', 'outgoing', 'agent', 'out', 'template', '1'].includes(k)) return 'out';
  return 'in';
}
const messageText = (m) => m.content ?? m.text ?? m.body ?? '';
const messagesOf = (x) =>
  (Array.isArray(x?.messages) ? x.messages
    : Array.isArray(x?.context?.messages) ? x.context.messages
      : Array.isArray(x?.context) ? x.context
        : Array.isArray(x?.recent_messages) ? x.recent_messages : []);
const senderName = (m, fallback) =>
  (typeof m.sender === 'string' && m.sender ? m.sender : m.sender?.name ?? fallback);

export function renderMessages(list) {
  return h('ol', { class: 'messages' }, list.map((m) => {
    const kind = messageKind(m);
    const who = kind === 'in' ? senderName(m, 'Customer') : kind === 'note' ? 'Private note' : senderName(m, 'Reply');
    return h('li', { class: `message ${kind}` },
      h('div', { class: 'mhead' }, who, m.created_at ? ` · ${absoluteTime(m.created_at)}` : '',
        m.kind ? ` · ${m.kind}` : ''),
      h('div', { class: 'text-block' }, messageText(m)));
  }));
}

export function renderDiff(before, after) {
  const parts = wordDiff(before, after);
  const stats = diffStats(parts);
  return [
    h('p', { class: 'diff-stats' }, `${stats.added} word(s) added, ${stats.removed} word(s) removed`),
    h('div', { class: 'diff', 'aria-label': 'Word-level changes' }, parts.map((p) =>
      p.op === 'same' ? p.text
        : p.op === 'add' ? h('ins', null, h('span', { class: 'visually-hidden' }, '[added: '), p.text, h('span', { class: 'visually-hidden' }, ']'))
          : h('del', null, h('span', { class: 'visually-hidden' }, '[removed: '), p.text, h('span', { class: 'visually-hidden' }, ']')))),
  ];
}

export class QueueView {
  constructor(root, { onUnauthorized }) {
    this.root = root;
    this.onUnauthorized = onUnauthorized;
    this.items = new Map();
    this.details = new Map();
    this.conversations = new Map();
    this.convPending = new Set();
    this.convQueue = [];
    this.convActive = 0;
    this.truncated = {};
    this.serverCounts = {};
    this.filters = { status: 'pending', priority: '', minConfidence: '', channel: '' };
    this.selectedId = null;
    this.mode = 'view';
    this.form = {};
    this.grades = new Map();
    this.activeGrade = 0;
    this.notices = new Map();
    this.error = null;
    this.busy = false;
    this.loaded = false;
    this.build();
  }

  // ---------- data ----------

  async load() {
    this.listEl.setAttribute('aria-busy', 'true');  // screen readers (and tests) know it is loading
    const results = await Promise.all(STATUSES.map((s) => this.loadStatus(s).catch((e) => e)));
    this.listEl.setAttribute('aria-busy', 'false');
    const failure = results.find((r) => r instanceof Error);
    if (failure) {
      if (failure.status === 401) return this.onUnauthorized();
      toast(`Could not load the queue: ${failure.message}`, 'error');
    }
    this.loaded = true;
    if (!this.selectedId || !this.items.has(this.selectedId)) this.selectedId = this.visible()[0]?.id ?? null;
    this.render();
    if (this.selectedId) this.loadDetail(this.selectedId);
  }

  async loadStatus(status) {
    let cursor;
    const max = status === 'pending' ? MAX_PAGES.pending : MAX_PAGES.other;
    for (let page = 0; page < max; page++) {
      const res = await api.queue({ status, limit: PAGE, cursor });
      if (res.counts && typeof res.counts === 'object') this.serverCounts = res.counts;
      for (const it of res.items ?? []) this.upsert(it);
      cursor = res.next_cursor;
      if (!cursor) {
        this.truncated[status] = false;
        return;
      }
    }
    this.truncated[status] = true;
  }

  upsert(item) {
    if (!item || !item.id) return;
    const old = this.items.get(item.id);
    this.items.set(item.id, { ...(old ?? {}), ...item });
    if (item.status === 'pending' && !deadlineOf(item, this.conversations.get(item.conversation_id))) {
      this.wantConversation(item.conversation_id);
    }
  }

  /** Fetches conversations (for SLA deadlines) a few at a time. */
  wantConversation(id) {
    if (id === undefined || id === null || this.conversations.has(id) || this.convPending.has(id)) return;
    this.convPending.add(id);
    this.convQueue.push(id);
    this.pumpConversations();
  }

  pumpConversations() {
    while (this.convActive < 3 && this.convQueue.length) {
      const id = this.convQueue.shift();
      this.convActive++;
      api.conversation(id).then((c) => {
        this.conversations.set(id, c);
        this.renderList();
        if (this.current()?.conversation_id === id && this.mode === 'view') this.renderDetail();
      }).catch(() => {}).finally(() => {
        this.convActive--;
        this.convPending.delete(id);
        this.pumpConversations();
      });
    }
  }

  async loadDetail(id) {
    try {
      const d = await api.item(id);
      this.details.set(id, d);
      this.upsert(d);
      if (d.conversation_id !== undefined) this.wantConversation(d.conversation_id);
      if (this.selectedId === id) {
        this.renderList();
        if (this.mode === 'view') this.renderDetail();
      }
    } catch (e) {
      if (e.status === 401) this.onUnauthorized();
    }
  }

  /** A queue event from the server: fetch the item again and show the change in place. */
  async onQueueEvent(name, data) {
    const id = data?.id ?? data?.item_id;
    if (!id) return;
    try {
      const item = await api.item(id);
      const before = this.items.get(id);
      this.details.set(id, item);
      this.upsert(item);
      if (name === 'queue_item_created' && !before) {
        announce(`New ${item.priority ?? ''} item from ${item.contact?.name ?? 'a customer'}`);
      }
      if (!this.selectedId && this.visible().length) this.selectedId = this.visible()[0].id;
      this.renderList();
      if (id === this.selectedId) {
        if (this.mode === 'view') this.renderDetail();
        else if (before && (before.draft_version !== item.draft_version || before.status !== item.status)) {
          this.notices.set(id, {
            kind: 'info', title: 'This item changed while your form was open',
            lines: [`Status ${before.status} → ${item.status}, draft version ${before.draft_version} → ${item.draft_version}.`],
          });
          this.renderNotice();
        }
      }
    } catch (e) {
      if (e.status === 401) this.onUnauthorized();
    }
  }

  onConversationEvent(data) {
    const id = data?.conversation_id;
    if (id === undefined || !this.conversations.has(id)) return;
    this.conversations.delete(id);
    this.wantConversation(id);
  }

  visible() {
    const f = this.filters;
    const min = f.minConfidence === '' ? null : Number(f.minConfidence);
    return [...this.items.values()].filter((it) =>
      (f.status === 'all' || it.status === f.status) &&
      (!f.priority || it.priority === f.priority) &&
      (min === null || (min < 0 ? (it.confidence ?? 1) < -min : (it.confidence ?? 0) >= min)) &&
      (!f.channel || channelLabel(it.channel) === f.channel)).sort(compareQueueItems);
  }

  current() {
    return this.selectedId ? this.items.get(this.selectedId) ?? null : null;
  }

  // ---------- layout ----------

  build() {
    const select = (id, label, options, key) => {
      const s = h('select', {
        id, onchange: (e) => {
          this.filters[key] = e.target.value;
          this.afterFilterChange();
        },
      }, options.map(([v, t]) => h('option', { value: v }, t)));
      return [h('label', { for: id }, label), s];
    };
    this.statusSelect = select('filter-status', 'Status', [...STATUSES.map((s) => [s, s]), ['all', 'all']], 'status');
    this.channelSelect = select('filter-channel', 'Channel', [['', 'any channel']], 'channel');
    const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter the queue', onsubmit: (e) => e.preventDefault() },
      h('div', null, this.statusSelect),
      h('div', null, select('filter-priority', 'Priority', [['', 'any priority'], ['P0', 'P0'], ['P1', 'P1'], ['P2', 'P2'], ['P3', 'P3']], 'priority')),
      h('div', null, select('filter-confidence', 'Confidence', [['', 'any confidence'], ['0.9', '≥ 90%'], ['0.7', '≥ 70%'], ['0.5', '≥ 50%'], ['-0.5', 'low (< 50%)']], 'minConfidence')),
      h('div', null, this.channelSelect));
    this.countsEl = h('ul', { class: 'counts', 'aria-label': 'Items per status' });
    this.listEl = h('ul', { class: 'queue-list', id: 'queue-list', 'aria-label': 'Queue items' });
    this.detailEl = h('section', { class: 'detail', id: 'detail', 'aria-label': 'Selected item', tabindex: '-1' });
    replace(this.root,
      h('div', { class: 'queue-side' }, h('h1', { class: 'visually-hidden' }, 'Approval queue'), filters, this.countsEl, this.listEl),
      this.detailEl);
  }

  afterFilterChange() {
    const vis = this.visible();
    if (!vis.some((i) => i.id === this.selectedId)) this.select(vis[0]?.id ?? null, false);
    this.render();
  }

  render() {
    this.renderList();
    this.renderDetail();
  }

  renderList() {
    // Counts per status.
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    const channels = new Set();
    for (const it of this.items.values()) {
      if (counts[it.status] !== undefined) counts[it.status]++;
      channels.add(channelLabel(it.channel));
    }
    // Statuses not loaded whole are counted by the server.
    for (const s of STATUSES) {
      if (this.truncated[s] && typeof this.serverCounts[s] === 'number') counts[s] = Math.max(counts[s], this.serverCounts[s]);
    }
    replace(this.countsEl, STATUSES.map((s) => h('li', null, h('button', {
      type: 'button', 'aria-pressed': String(this.filters.status === s), dataset: { status: s },
      onclick: () => {
        this.filters.status = s;
        this.statusSelect[1].value = s;
        this.afterFilterChange();
      },
    }, `${s} `, h('span', { class: 'count' }, String(counts[s]))))));
    // Channel options follow what is in the queue.
    const chSel = this.channelSelect[1];
    const want = ['', ...[...channels].sort()];
    if ([...chSel.options].map((o) => o.value).join('|') !== want.join('|')) {
      const keep = chSel.value;
      replace(chSel, want.map((c) => h('option', { value: c }, c || 'any channel')));
      chSel.value = want.includes(keep) ? keep : '';
    }

    const hadFocus = this.listEl.contains(document.activeElement);
    const vis = this.visible();
    if (!vis.length) {
      replace(this.listEl, h('li', { class: 'empty' }, this.loaded ? 'Nothing here. New items appear as they arrive.' : 'Loading…'));
      return;
    }
    const now = Date.now();
    replace(this.listEl, vis.map((it) => {
      const conv = this.conversations.get(it.conversation_id);
      const who = it.contact?.name || it.contact?.email || `conversation ${it.conversation_id}`;
      const label = `${it.priority} ${channelLabel(it.channel)} from ${who}: ${String(it.customer_message ?? '').slice(0, 80)}; confidence ${percent(it.confidence)}; ${it.status}`;
      return h('li', null, h('button', {
        type: 'button', class: 'qi', id: `qi-${it.id}`, dataset: { id: it.id },
        'aria-current': String(it.id === this.selectedId), 'aria-label': label,
        onclick: () => this.select(it.id, true),
      },
      h('div', { class: 'row' }, priorityBadge(it.priority), channelBadge(it.channel),
        h('span', { class: 'who' }, who), it.status === 'pending' ? slaBadge(deadlineOf(it, conv), now) : statusBadge(it.status)),
      h('div', { class: 'msg' }, it.customer_message ?? ''),
      h('div', { class: 'row' }, confidenceBadge(it.confidence), flagBadges(it),
        h('span', { class: 'muted' }, relativeTime(it.created_at, now)))));
    }));
    if (hadFocus) document.getElementById(`qi-${this.selectedId}`)?.focus();
  }

  select(id, focusItem) {
    if (id !== this.selectedId) {
      this.mode = 'view';
      this.form = {};
      this.error = null;
      this.activeGrade = 0;
    }
    this.selectedId = id;
    this.renderList();
    this.renderDetail();
    if (id) {
      const btn = document.getElementById(`qi-${id}`);
      btn?.scrollIntoView({ block: 'nearest' });
      if (focusItem) btn?.focus();
      this.loadDetail(id);
    }
  }

  /** Selects an item by id (from a link), widening the filters when it is not listed. */
  async reveal(id) {
    if (!this.items.has(id)) {
      try { this.upsert(await api.item(id)); } catch { return; }
    }
    if (!this.visible().some((x) => x.id === id)) {
      this.filters = { status: 'all', priority: '', minConfidence: '', channel: '' };
      for (const s of this.root.querySelectorAll('.filters select')) s.value = s.id === 'filter-status' ? 'all' : '';
    }
    this.select(id, true);
  }

  move(delta) {
    const vis = this.visible();
    if (!vis.length) return;
    let i = vis.findIndex((x) => x.id === this.selectedId);
    i = i === -1 ? 0 : Math.max(0, Math.min(vis.length - 1, i + delta));
    this.select(vis[i].id, true);
  }

  // ---------- review panel ----------

  renderNotice() {
    const box = this.detailEl.querySelector('#notice');
    if (!box) return;
    const n = this.notices.get(this.selectedId);
    replace(box, n ? this.noticeNode(n) : null);
  }

  noticeNode(n) {
    return h('div', { class: `banner ${n.kind}`, role: 'alert', id: 'stale-banner' },
      h('h3', null, n.title),
      h('ul', null, n.lines.map((l) => h('li', null, l))),
      n.oldDraft !== undefined && n.newDraft !== undefined && n.oldDraft !== n.newDraft
        ? [h('p', null, h('strong', null, 'What changed in the draft:')), renderDiff(n.oldDraft, n.newDraft)] : null,
      n.keptEdit ? h('button', {
        type: 'button', onclick: () => {
          this.form = { text: n.keptEdit };
          this.notices.delete(this.selectedId);
          this.setMode('edit');
        },
      }, 'Re-apply my edit to the new draft') : null,
      h('button', { type: 'button', class: 'ghost', onclick: () => { this.notices.delete(this.selectedId); this.renderNotice(); } }, 'Dismiss'));
  }

  renderDetail() {
    const it = this.current();
    const focusId = this.detailEl.contains(document.activeElement) ? document.activeElement.id : null;
    const sel = focusId && document.activeElement.selectionStart !== undefined
      ? [document.activeElement.selectionStart, document.activeElement.selectionEnd] : null;
    if (!it) {
      replace(this.detailEl, h('div', { class: 'empty' }, this.loaded ? 'Select an item to review it. Press ? for shortcuts.' : 'Loading the queue…'));
      return;
    }
    const d = { ...(this.details.get(it.id) ?? {}), ...it };
    const conv = this.conversations.get(it.conversation_id);
    const pending = d.status === 'pending';
    const who = d.contact?.name || d.contact?.email || 'Customer';
    const context = messagesOf(this.details.get(it.id));

    const draftPanel = h('div', { class: 'panel', id: 'draft-panel' },
      h('div', { class: 'draft-head' },
        h('h3', { id: 'draft-title', style: null }, `AI draft · version ${d.draft_version ?? '?'}`),
        confidenceBadge(d.confidence), confidenceMeter(d.confidence), flagBadges(d)),
      h('p', { class: 'text-block', id: 'draft-text', 'aria-labelledby': 'draft-title' }, d.draft ?? ''),
      d.edited_text && d.edited_text !== d.draft
        ? [h('h3', null, 'Sent as edited'), renderDiff(d.draft ?? '', d.edited_text)] : null);

    replace(this.detailEl,
      h('h2', { id: 'detail-title' }, who),
      h('div', { class: 'meta' }, priorityBadge(d.priority), channelBadge(d.channel), statusBadge(d.status),
        d.contact?.email ? h('span', null, d.contact.email) : null,
        h('a', { href: `#/conversation/${encodeURIComponent(d.conversation_id)}`, 'aria-keyshortcuts': 'c' }, `Conversation #${d.conversation_id}`),
        h('span', null, `queued ${relativeTime(d.created_at, Date.now())}`),
        pending ? slaBadge(deadlineOf(d, conv)) : null,
        d.operator_id ? h('span', null, `by ${d.operator_id}${d.reviewed_at ? ` at ${absoluteTime(d.reviewed_at)}` : ''}`) : null),
      h('div', { id: 'notice' }, this.notices.has(it.id) ? this.noticeNode(this.notices.get(it.id)) : null),
      this.error ? h('div', { class: 'banner error', role: 'alert', id: 'action-error' }, this.error) : null,
      h('div', { class: 'detail-grid' },
        h('div', null,
          h('div', { class: 'panel' }, h('h3', null, 'Customer message'),
            h('blockquote', { class: 'text-block', id: 'customer-message' }, d.customer_message ?? '')),
          context.length > 1 ? h('details', { class: 'panel' }, h('summary', null, `Earlier messages (${context.length})`), renderMessages(context)) : null,
          draftPanel,
          this.mode === 'edit' ? this.editForm(d) : null,
          this.mode === 'escalate' ? this.escalateForm(d) : null,
          this.mode === 'reject' ? this.rejectForm(d) : null,
          this.gradesNode(d),
          this.actionsNode(d)),
        h('aside', { 'aria-label': 'Draft details' },
          h('div', { class: 'panel' }, h('h3', null, 'Recommended action'),
            h('p', { id: 'recommended-action', class: 'text-block' }, d.recommended_action ?? '–')),
          h('div', { class: 'panel' }, h('h3', null, 'Sources'), this.sourcesNode(d.sources)),
          h('div', { class: 'panel' }, h('h3', null, 'Signals'),
            h('dl', { class: 'kv' },
              h('dt', null, 'Sentiment'), h('dd', { id: 'sentiment' }, sentimentText(d.sentiment)),
              h('dt', null, 'Confidence'), h('dd', null, percent(d.confidence, 1)),
              h('dt', null, 'Tags'), h('dd', null, h('span', { class: 'tags' },
                (Array.isArray(d.tags) ? d.tags : []).map((t) => h('span', { class: 'badge neutral' }, t)))),
              d.grades ? [h('dt', null, 'Grades'), h('dd', null, GRADE_NAMES.map((g) => `${g} ${d.grades[g] ?? '–'}`).join(', '))] : null)))));

    if (focusId) {
      const el = document.getElementById(focusId);
      if (el) {
        el.focus();
        if (sel && el.setSelectionRange) try { el.setSelectionRange(sel[0], sel[1]); } catch { /* not a text field */ }
      }
    }
  }

  sourcesNode(sources) {
    if (!Array.isArray(sources) || !sources.length) return h('p', { class: 'muted' }, 'No knowledge sources were used.');
    return h('ul', { class: 'sources' }, sources.map((s) => {
      const rel = typeof s.relevance === 'number' ? s.relevance : null;
      const bar = h('span');
      if (rel !== null) bar.style.width = `${Math.max(0, Math.min(1, rel)) * 100}%`;
      return h('li', null,
        h('div', null, s.title ?? 'untitled', s.section ? ` › ${s.section}` : '', s.version ? h('span', { class: 'muted' }, ` (v${s.version})`) : null),
        rel !== null ? h('div', { class: 'rel' }, h('span', { class: 'meter', 'aria-hidden': 'true' }, bar),
          `relevance ${rel <= 1 ? percent(rel) : rel.toFixed(2)}`) : null);
    }));
  }

  gradesNode(d) {
    const g = this.grades.get(d.id) ?? d.grades ?? {};
    const canGrade = d.status === 'pending' || d.status === 'approved';
    if (!canGrade) return null;
    return h('fieldset', { class: 'grades', id: 'grades' },
      h('legend', null, 'Grade the draft 1–5 ', h('span', { class: 'muted' }, '(keys 1–5; g moves to the next)')),
      GRADE_NAMES.map((name, idx) => h('div', {
        class: `grade-row${idx === this.activeGrade ? ' active' : ''}`, role: 'radiogroup',
        'aria-label': `${name} grade`, id: `grade-${name}`,
      },
      h('span', { class: 'name' }, name),
      [1, 2, 3, 4, 5].map((v) => h('label', null,
        h('input', {
          type: 'radio', name: `grade-${name}`, value: v, id: `grade-${name}-${v}`, checked: g[name] === v,
          'aria-label': `${name} ${v} of 5`,
          onchange: () => this.setGrade(name, v, false),
        }),
        h('span', { 'aria-hidden': 'true' }, String(v)))))),
      d.status === 'approved' ? h('button', { type: 'button', id: 'save-grades', onclick: () => this.saveGrades() }, 'Save grades') : null);
  }

  actionsNode(d) {
    const pending = d.status === 'pending';
    const dis = !pending || this.busy;
    const btn = (id, text, key, label, onclick, cls = '') => h('button', {
      type: 'button', id, class: cls, disabled: dis, 'aria-keyshortcuts': key, 'aria-label': label, onclick,
    }, text, h('kbd', { 'aria-hidden': 'true' }, key));
    return h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Review actions' },
      btn('btn-approve', 'Approve', 'a', 'Approve and send the draft', () => this.approve(), 'primary'),
      btn('btn-edit', 'Edit', 'e', 'Edit the draft before sending', () => this.setMode('edit')),
      btn('btn-escalate', 'Escalate', 'x', 'Escalate to an agent or team', () => this.setMode('escalate')),
      btn('btn-reject', 'Reject', 'r', 'Reject the draft', () => this.setMode('reject'), 'danger'),
      h('button', { type: 'button', class: 'ghost', onclick: () => this.openConversation(), 'aria-keyshortcuts': 'c', 'aria-label': 'Open the conversation' },
        'Conversation', h('kbd', { 'aria-hidden': 'true' }, 'c')));
  }

  editForm(d) {
    if (this.form.text === undefined) this.form.text = d.draft ?? '';
    const diffBox = h('div', { id: 'edit-diff', 'aria-live': 'off' }, renderDiff(d.draft ?? '', this.form.text));
    const area = h('textarea', {
      id: 'edit-text', 'aria-describedby': 'edit-help',
      oninput: (e) => {
        this.form.text = e.target.value;
        replace(diffBox, renderDiff(d.draft ?? '', this.form.text));
      },
    });
    area.value = this.form.text;
    return h('form', { class: 'panel form-panel', id: 'edit-form', novalidate: true, 'aria-label': 'Edit the reply', onsubmit: (e) => { e.preventDefault(); this.submitEdit(); } },
      h('h3', null, 'Your edit'),
      h('label', { for: 'edit-text' }, 'Reply to send'),
      area,
      h('p', { id: 'edit-help', class: 'muted' }, 'The original draft stays above. Ctrl+Enter sends, Esc cancels.'),
      h('h3', null, 'Changes against the draft'),
      diffBox,
      h('label', { for: 'edit-notes' }, 'Notes for the learning record (optional)'),
      h('input', { type: 'text', id: 'edit-notes', value: this.form.notes ?? '', oninput: (e) => { this.form.notes = e.target.value; } }),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary', id: 'edit-send', disabled: this.busy }, 'Send edited reply'),
        h('button', { type: 'button', id: 'edit-cancel', onclick: () => this.setMode('view') }, 'Cancel')));
  }

  escalateForm() {
    const seen = new Map();
    for (const c of this.conversations.values()) {
      const a = c?.assignee;
      if (a && typeof a === 'object' && a.id !== undefined) seen.set(a.id, a.name ?? `#${a.id}`);
      else if (typeof a === 'number') seen.set(a, `#${a}`);
    }
    return h('form', { class: 'panel form-panel', id: 'escalate-form', novalidate: true, 'aria-label': 'Escalate', onsubmit: (e) => { e.preventDefault(); this.submitEscalate(); } },
      h('h3', null, 'Escalate to a person'),
      h('label', { for: 'escalate-assignee' }, 'Agent or team id'),
      h('input', {
        type: 'number', id: 'escalate-assignee', min: '1', step: '1', required: true, list: 'assignee-list',
        value: this.form.assignee ?? '', oninput: (e) => { this.form.assignee = e.target.value; },
      }),
      h('datalist', { id: 'assignee-list' }, [...seen].map(([id, name]) => h('option', { value: id }, name))),
      h('label', { for: 'escalate-reason' }, 'Reason'),
      h('input', {
        type: 'text', id: 'escalate-reason', required: true, list: 'escalate-reasons', value: this.form.reason ?? '',
        oninput: (e) => { this.form.reason = e.target.value; },
      }),
      h('datalist', { id: 'escalate-reasons' }, ['Needs a specialist', 'Refund or billing decision', 'Complaint or legal',
        'Draft is wrong and needs research', 'VIP customer'].map((r) => h('option', { value: r }))),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary', id: 'escalate-send', disabled: this.busy }, 'Escalate'),
        h('button', { type: 'button', onclick: () => this.setMode('view') }, 'Cancel')));
  }

  rejectForm() {
    return h('form', { class: 'panel form-panel', id: 'reject-form', novalidate: true, 'aria-label': 'Reject', onsubmit: (e) => { e.preventDefault(); this.submitReject(); } },
      h('h3', null, 'Reject the draft'),
      h('label', { for: 'reject-reason' }, 'Reason'),
      h('input', {
        type: 'text', id: 'reject-reason', required: true, list: 'reject-reasons', value: this.form.reason ?? '',
        oninput: (e) => { this.form.reason = e.target.value; },
      }),
      h('datalist', { id: 'reject-reasons' }, ['Wrong answer', 'Wrong tone', 'Against policy', 'Not enough information',
        'Customer needs no reply'].map((r) => h('option', { value: r }))),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'danger', id: 'reject-send', disabled: this.busy }, 'Reject'),
        h('button', { type: 'button', onclick: () => this.setMode('view') }, 'Cancel')));
  }

  setMode(mode) {
    const it = this.current();
    if (!it) return;
    if (mode !== 'view' && it.status !== 'pending') {
      announce(`This item is ${it.status}; it can no longer be changed.`);
      return;
    }
    const from = this.mode;
    if (mode !== this.mode && mode !== 'edit') this.form = {};
    if (mode === 'edit' && from !== 'edit' && this.form.text === undefined) this.form = {};
    this.mode = mode;
    this.error = null;
    this.renderDetail();
    const focus = { edit: 'edit-text', escalate: 'escalate-assignee', reject: 'reject-reason' }[mode];
    if (focus) document.getElementById(focus)?.focus();
    else if (from !== 'view') document.getElementById({ edit: 'btn-edit', escalate: 'btn-escalate', reject: 'btn-reject' }[from])?.focus();
  }

  setGrade(name, value, advance) {
    const it = this.current();
    if (!it) return;
    const g = { ...(this.grades.get(it.id) ?? {}) };
    g[name] = value;
    this.grades.set(it.id, g);
    if (advance) this.activeGrade = Math.min(GRADE_NAMES.length - 1, GRADE_NAMES.indexOf(name) + 1);
    else this.activeGrade = GRADE_NAMES.indexOf(name);
    if (this.mode === 'view') this.renderDetail();
    else {
      // Keep an open form untouched: update only the grade inputs.
      for (const n of GRADE_NAMES) {
        const row = document.getElementById(`grade-${n}`);
        row?.classList.toggle('active', GRADE_NAMES[this.activeGrade] === n);
        for (let v = 1; v <= 5; v++) {
          const input = document.getElementById(`grade-${n}-${v}`);
          if (input) input.checked = g[n] === v;
        }
      }
    }
    announce(`${name} ${value} of 5`);
  }

  gradeKey(value) {
    this.setGrade(GRADE_NAMES[this.activeGrade], value, true);
  }

  /** The grades to send: all three, none (null), or an error text for a partial set. */
  gradesBody(id) {
    const g = this.grades.get(id);
    if (!g) return { grades: null };
    const set = GRADE_NAMES.filter((n) => g[n] !== undefined);
    if (set.length === 0) return { grades: null };
    if (set.length < 3) return { error: `Grade all three (tone, accuracy, policy) or none; missing: ${GRADE_NAMES.filter((n) => g[n] === undefined).join(', ')}.` };
    return { grades: { tone: g.tone, accuracy: g.accuracy, policy: g.policy } };
  }

  // ---------- actions ----------

  approve() {
    const it = this.current();
    if (!it || it.status !== 'pending') return;
    const g = this.gradesBody(it.id);
    if (g.error) return this.fail(g.error);
    const body = { draft_version: it.draft_version };
    if (g.grades) body.grades = g.grades;
    return this.act('approve', it, body, `Approved. The reply to ${it.contact?.name ?? 'the customer'} is being sent.`);
  }

  submitEdit() {
    const it = this.current();
    if (!it || it.status !== 'pending') return;
    const text = (this.form.text ?? '').trim();
    if (!text) return this.fail('The reply cannot be empty.');
    const g = this.gradesBody(it.id);
    if (g.error) return this.fail(g.error);
    const body = { draft_version: it.draft_version, text: this.form.text };
    if (this.form.notes) body.notes = this.form.notes;
    if (g.grades) body.grades = g.grades;
    return this.act('edit', it, body, 'Edited reply sent.');
  }

  submitEscalate() {
    const it = this.current();
    if (!it) return;
    const assignee = Number(this.form.assignee);
    const reason = (this.form.reason ?? '').trim();
    if (!Number.isInteger(assignee) || assignee <= 0) {
      document.getElementById('escalate-assignee')?.focus();
      return this.fail('Pick an agent or team (a positive id).', false);
    }
    if (!reason) {
      document.getElementById('escalate-reason')?.focus();
      return this.fail('Give a reason for the escalation.', false);
    }
    return this.act('escalate', it, { draft_version: it.draft_version, assignee_id: assignee, reason }, `Escalated to #${assignee}.`);
  }

  submitReject() {
    const it = this.current();
    if (!it) return;
    const reason = (this.form.reason ?? '').trim();
    if (!reason) {
      document.getElementById('reject-reason')?.focus();
      return this.fail('Give a reason for rejecting the draft.', false);
    }
    return this.act('reject', it, { draft_version: it.draft_version, reason }, 'Draft rejected.');
  }

  async saveGrades() {
    const it = this.current();
    if (!it) return;
    const g = this.gradesBody(it.id);
    if (g.error || !g.grades) return this.fail(g.error ?? 'Choose a grade for tone, accuracy and policy.');
    try {
      const updated = await api.grade(it.id, g.grades);
      this.upsert(updated);
      this.grades.delete(it.id);
      toast('Grades saved.');
      announce('Grades saved.');
      this.render();
    } catch (e) {
      this.handleError(e, it, 'grade');
    }
  }

  fail(text, rerender = true) {
    this.error = text;
    announce(text);
    if (rerender) this.renderDetail();
    else {
      const old = document.getElementById('action-error');
      const node = h('div', { class: 'banner error', role: 'alert', id: 'action-error' }, text);
      if (old) old.replaceWith(node);
      else document.getElementById('notice')?.after(node);
    }
  }

  async act(action, it, body, doneText) {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    for (const b of this.detailEl.querySelectorAll('.actions button, .form-panel button[type=submit]')) b.disabled = true;
    const vis = this.visible();
    const index = vis.findIndex((x) => x.id === it.id);
    try {
      const updated = await api[action](it.id, body);
      this.busy = false;
      this.upsert(updated ?? { ...it, status: action === 'escalate' ? 'escalated' : action === 'reject' ? 'rejected' : 'approved' });
      this.details.delete(it.id);
      this.grades.delete(it.id);
      this.notices.delete(it.id);
      this.mode = 'view';
      this.form = {};
      toast(doneText);
      announce(doneText);
      // Move on to the next item, so the next review starts at once.
      const next = this.visible();
      const target = next.find((x) => x.id === it.id) ? it.id : (next[Math.min(index, next.length - 1)]?.id ?? null);
      this.selectedId = null;
      this.select(target, true);
      if (!target) document.getElementById('detail')?.focus();
    } catch (e) {
      this.busy = false;
      await this.handleError(e, it, action);
    }
  }

  async handleError(e, it, action) {
    if (e.status === 401) return this.onUnauthorized();
    if (e.status === 409) return this.handleStale(it, action, e);
    if (e.status === 422 && /grade/i.test(`${e.code} ${e.message}`)) {
      const g = this.grades.get(it.id) ?? {};
      this.activeGrade = Math.max(0, GRADE_NAMES.findIndex((n) => g[n] === undefined));
      this.fail(`Grades are required: ${e.message}`);
      document.querySelector(`#grade-${GRADE_NAMES[this.activeGrade]} input`)?.focus();
      return;
    }
    if (e.status === 403) return this.fail(`Not allowed: ${e.message}`);
    this.fail(`The ${action} failed: ${e.message}`);
  }

  /** 409: say what changed (already decided, redrafted, customer wrote again) and show the new draft. */
  async handleStale(it, action, err) {
    const kept = action === 'edit' ? this.form.text : undefined;
    let fresh = null;
    let conv = null;
    try { fresh = await api.item(it.id); } catch { /* shown below */ }
    try { conv = await api.conversation(it.conversation_id); } catch { /* optional */ }
    const fromError = err.body?.current_draft?.id ? err.body.current_draft : null;
    const currentDraft = conv?.current_draft?.id ? conv.current_draft : fromError;
    const newest = currentDraft ?? fresh ?? it;
    const lines = [];
    if (fresh && fresh.status !== 'pending') {
      lines.push(`This draft is now ${fresh.status}${fresh.operator_id ? ` by ${fresh.operator_id}` : ''}${fresh.reviewed_at ? ` at ${absoluteTime(fresh.reviewed_at)}` : ''}.`);
    }
    if (fresh && fresh.id === it.id && fresh.draft_version !== it.draft_version) {
      lines.push(`The draft was revised: version ${it.draft_version} → ${fresh.draft_version}.`);
    }
    if (newest.id !== it.id) {
      lines.push(`A newer draft (version ${newest.draft_version}) replaced the one you reviewed (version ${it.draft_version}).`);
      if ((newest.customer_message ?? '') !== (it.customer_message ?? '')) {
        lines.push(`The customer wrote again: “${newest.customer_message}”`);
      }
    }
    if (!lines.length) lines.push(err.message || 'The item changed on the server.');
    if (fresh) this.upsert(fresh);
    if (newest !== it) this.upsert(newest);
    if (conv) this.conversations.set(it.conversation_id, conv);
    this.notices.set(newest.id, {
      kind: 'stale', title: `Your ${action} was not applied: the draft changed`, lines,
      oldDraft: it.draft ?? '', newDraft: newest.draft ?? '', keptEdit: newest.status === 'pending' ? kept : undefined,
    });
    this.mode = 'view';
    this.form = {};
    if (newest.status === 'pending' && this.filters.status !== 'pending' && this.filters.status !== 'all') {
      this.filters.status = 'all';
      this.statusSelect[1].value = 'all';
    }
    if (!this.visible().some((x) => x.id === newest.id)) {
      this.filters = { ...this.filters, status: 'all', priority: '', minConfidence: '', channel: '' };
      for (const s of this.root.querySelectorAll('.filters select')) s.value = s.id === 'filter-status' ? 'all' : '';
    }
    this.selectedId = null;
    this.select(newest.id, false);
    announce(`Not applied: ${lines.join(' ')}`);
    document.getElementById('stale-banner')?.focus();
  }

  openConversation() {
    const it = this.current();
    if (it) location.hash = `#/conversation/${encodeURIComponent(it.conversation_id)}`;
  }

  // ---------- keyboard ----------

  /** Returns true when the key was used. */
  handleKey(e) {
    const t = e.target;
    const typing = t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement ||
      (t instanceof HTMLInputElement && !['radio', 'checkbox', 'button', 'submit'].includes(t.type));
    if (e.key === 'Escape' && this.mode !== 'view') {
      this.setMode('view');
      return true;
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && this.mode !== 'view') {
      if (this.mode === 'edit') this.submitEdit();
      else if (this.mode === 'escalate') this.submitEscalate();
      else if (this.mode === 'reject') this.submitReject();
      return true;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return false;
    switch (e.key) {
      case 'j': this.move(1); return true;
      case 'k': this.move(-1); return true;
      case 'a': this.approve(); return true;
      case 'e': this.setMode('edit'); return true;
      case 'x': this.setMode('escalate'); return true;
      case 'r': this.setMode('reject'); return true;
      case 'c': this.openConversation(); return true;
      case 'g':
        this.activeGrade = (this.activeGrade + 1) % GRADE_NAMES.length;
        this.renderDetail();
        announce(`Grading ${GRADE_NAMES[this.activeGrade]}`);
        return true;
      case '/': document.getElementById('filter-status')?.focus(); return true;
      case '1': case '2': case '3': case '4': case '5':
        if (this.current()) this.gradeKey(Number(e.key));
        return true;
      default: return false;
    }
  }
}
