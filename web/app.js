// The operator page: sign-in, the views (queue, conversation, dashboard) behind hash routes, the
// live event stream with its connection indicator, and the page-wide keyboard shortcuts.

import { ApiError, authHeaders, probeRole, session } from './js/api.js';
import { $, $$ } from './js/dom.js';
import { EventStream } from './js/sse.js';
import { QueueView } from './js/queue.js';
import { renderConversation } from './js/conversation.js';
import { renderDashboard } from './js/dashboard.js';
import { destroyCharts } from './js/charts.js';
import { announce, tickCountdowns, toast } from './js/ui.js';

const ROLE_KEY = 'frontdesk.role';
const state = { role: null, queue: null, stream: null, view: null, seen: new Set() };

/** Events may come twice (live, then replayed after Last-Event-ID): act on each id once. */
function firstTime(id) {
  if (!id) return true;
  if (state.seen.has(id)) return false;
  state.seen.add(id);
  if (state.seen.size > 2000) state.seen.delete(state.seen.values().next().value);
  return true;
}

function show(viewId) {
  for (const v of $$('main > section')) v.hidden = v.id !== viewId;
}

function setConnection(s, detail = {}) {
  const el = $('#connection');
  el.dataset.state = s;
  const text = {
    connecting: 'connecting…',
    live: 'live',
    reconnecting: detail.delay ? `reconnecting in ${Math.round(detail.delay / 1000)} s…` : 'reconnecting…',
    stopped: 'offline',
  }[s] ?? s;
  el.querySelector('.label').textContent = text;
  el.title = `Live updates: ${text}`;
}

function signOut(message) {
  state.stream?.stop();
  state.stream = null;
  state.queue = null;
  destroyCharts();
  session.token = '';
  sessionStorage.removeItem(ROLE_KEY);
  state.role = null;
  $('#nav').hidden = true;
  $('#session-bar').hidden = true;
  show('view-signin');
  $('#signin-error').textContent = message ?? '';
  if (location.hash !== '') history.replaceState(null, '', location.pathname);
  $('#token-input').value = '';
  $('#token-input').focus();
}

const unauthorized = () => signOut('Your session ended (the token is no longer accepted). Sign in again.');

function startStream() {
  state.stream?.stop();
  state.stream = new EventStream({
    url: '/api/v1/events',
    headers: authHeaders,
    onState: (s, detail) => {
      setConnection(s, detail);
      // After a gap, catch up with whatever the stream may not replay.
      if (s === 'live' && detail?.resumed) state.queue?.load();
    },
    onUnauthorized: (status) => {
      if (status === 401) unauthorized();
    },
    onEvent: (ev) => {
      if (!firstTime(ev.id)) return;
      let data = null;
      try {
        data = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (ev.event === 'queue_item_created' || ev.event === 'queue_item_updated') {
        state.queue?.onQueueEvent(ev.event, data);
      } else if (ev.event === 'sla_warning' || ev.event === 'sla_breach') {
        state.queue?.onConversationEvent(data);
        const what = ev.event === 'sla_breach' ? 'SLA breached' : 'SLA deadline near';
        toast(`${what}: conversation #${data?.conversation_id ?? '?'}`, ev.event === 'sla_breach' ? 'error' : 'info', 6000);
      } else if (ev.event === 'notification') {
        const text = typeof data?.message === 'string' ? data.message : `Notification for conversation #${data?.conversation_id ?? '?'}`;
        toast(text, 'info', 6000);
      }
    },
  });
  state.stream.start();
}

async function enter(role) {
  state.role = role;
  sessionStorage.setItem(ROLE_KEY, role);
  $('#role-badge').textContent = role;
  const manager = role === 'manager' || role === 'admin';
  for (const el of $$('[data-role="manager"]')) el.hidden = !manager;
  $('#nav').hidden = false;
  $('#session-bar').hidden = false;
  state.queue = new QueueView($('#view-queue'), { onUnauthorized: unauthorized });
  startStream();
  await route();
  await state.queue.load();
  // The sign-in form is gone: put the keyboard where the work is.
  if (!document.activeElement || document.activeElement === document.body) {
    const first = state.view === 'queue' && document.getElementById(`qi-${state.queue.selectedId}`);
    if (first) first.focus();
    else $('#main').focus();
  }
}

async function route() {
  if (!state.role) return;
  const hash = location.hash || '#/queue';
  const [, name, arg] = hash.match(/^#\/([a-z]+)(?:\/(.+))?$/) ?? [];
  for (const a of $$('nav a')) a.removeAttribute('aria-current');
  destroyCharts();
  if (name === 'conversation' && arg) {
    show('view-conversation');
    await renderConversation($('#view-conversation'), decodeURIComponent(arg), {
      onUnauthorized: unauthorized, items: state.queue ? [...state.queue.items.values()] : [],
    });
    state.view = 'conversation';
  } else if (name === 'dashboard' && (state.role === 'manager' || state.role === 'admin')) {
    $('#nav-dashboard').setAttribute('aria-current', 'page');
    show('view-dashboard');
    state.view = 'dashboard';
    await renderDashboard($('#view-dashboard'), { onUnauthorized: unauthorized });
  } else {
    if (name !== 'queue') history.replaceState(null, '', '#/queue');
    $('#nav-queue').setAttribute('aria-current', 'page');
    const wasQueue = state.view === 'queue';
    show('view-queue');
    state.view = 'queue';
    if (name === 'queue' && arg && state.queue) {
      state.queue.reveal(decodeURIComponent(arg));
    } else if (!wasQueue && state.queue?.loaded) {
      state.queue.render();
      document.getElementById(`qi-${state.queue.selectedId}`)?.focus();
    }
  }
}

async function signIn(token) {
  const err = $('#signin-error');
  err.textContent = '';
  if (token.length < 16) {
    err.textContent = 'An operator token has at least 16 characters.';
    return;
  }
  session.token = token;
  const button = $('#signin-form button[type=submit]');
  button.disabled = true;
  try {
    const role = await probeRole();
    await enter(role);
    announce(`Signed in as ${role}.`);
  } catch (e) {
    session.token = '';
    err.textContent = e instanceof ApiError && e.status === 401
      ? 'This token is not accepted. Check it and try again.'
      : `Could not sign in: ${e.message}`;
    $('#token-input').focus();
  } finally {
    button.disabled = false;
  }
}

function onKey(e) {
  const dialog = $('#help-dialog');
  if (dialog.open) return;
  if (e.key === '?' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement)) {
    e.preventDefault();
    dialog.showModal();
    return;
  }
  if (state.view === 'queue' && state.queue && !$('#view-queue').hidden) {
    if (state.queue.handleKey(e)) e.preventDefault();
  } else if (state.view === 'conversation' && (e.key === 'Escape' || (e.key === 'q' && !(e.target instanceof HTMLInputElement)))) {
    location.hash = '#/queue';
  }
}

function init() {
  $('#signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn($('#token-input').value.trim());
  });
  $('#sign-out').addEventListener('click', () => signOut('Signed out.'));
  $('#help-button').addEventListener('click', () => $('#help-dialog').showModal());
  document.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', () => route());
  window.addEventListener('online', () => state.stream?.reconnectNow());
  setInterval(() => tickCountdowns(), 1000);
  const role = sessionStorage.getItem(ROLE_KEY);
  if (session.token && role) {
    // A reload keeps the session of this tab; check the token is still good.
    probeRole().then(enter).catch((e) => signOut(e.status === 401 ? 'Your token is no longer accepted.' : `Could not reach the server: ${e.message}`));
  } else {
    signOut();
  }
}

init();
