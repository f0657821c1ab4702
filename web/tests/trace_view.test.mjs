// A conversation's state trace in Chrome's Trace Event Format (the API's ?format=chrome) opened in
// an independent trace viewer: speedscope, run offline from its npm package in Debian's Chromium.
// Proves the file is read as a trace (track name, one frame per state) and keeps a screenshot of
// the conversation's time-ordered view.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { launchBrowser, unexpectedProblems } from './lib/browser.mjs';
import { customerMessage, deliver } from './lib/chatwoot.mjs';
import { chatwootAccount } from './lib/replies.mjs';
import { ARTIFACTS, REPO, apiClient, startServer, waitFor } from './lib/server.mjs';

const SPEEDSCOPE = path.join(REPO, 'web/tests/node_modules/speedscope/dist/release/index.html');
const CONVERSATION = 521;

let mode;  // where the approved reply lands: a local Chatwoot account
let browser;
let srv;
let trace;  // the conversation's trace as the API gives it: {transitions, chrome, file}

before(async () => {
  if (!existsSync(SPEEDSCOPE)) {
    throw new Error(`${SPEEDSCOPE} is missing: run "npm ci" in web/tests (scripts/setup does)`);
  }
  mode = await chatwootAccount();
  browser = await launchBrowser();
  srv = await startServer('trace-view', { env: mode.env });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  await mode?.close();
});

/** Consecutive duplicates removed: a self-transition does not start a new stay. */
/**
 * The stays a Chrome trace has slices for: a self-transition does not split a stay, and a state
 * left the moment it was entered (triaged, on the way to drafting) has only its instant event.
 * The current state always has one.
 */
function stays(transitions) {
  const out = [];
  let entered = null;
  for (const t of transitions) {
    if (entered && t.to === entered.to) continue;
    if (entered && Date.parse(t.at) > Date.parse(entered.at)) out.push(entered.to);
    entered = t;
  }
  if (entered) out.push(entered.to);
  return out;
}

/**
 * Loads a file into speedscope through its file input and waits for the outcome. Resolves with
 * {profile, title, error}: the toolbar's profile name once the import succeeded, or what
 * speedscope said instead (its error panel, or an alert such as "Unrecognized format!").
 */
async function importIntoSpeedscope(page, file, profileName) {
  const alerted = new Promise((resolve) => {
    page.on('dialog', (d) => {
      resolve({ error: `alert: ${d.message()}` });
      d.dismiss().catch(() => {});
    });
  });
  await page.goto(pathToFileURL(SPEEDSCOPE).href);
  await page.locator('input#file').waitFor({ state: 'attached' });
  await page.setInputFiles('input#file', file);
  const shown = page.waitForFunction(
    (name) => {
      const text = document.body.innerText;
      if (text.includes(name)) return { profile: name };
      if (text.includes('Something went wrong')) return { error: text };
      return null;
    },
    profileName,
    { timeout: 20000, polling: 100 },
  ).then((h) => h.jsonValue(), () => ({ error: 'no profile was shown' }));
  const outcome = await Promise.race([shown, alerted]);
  return { ...outcome, title: await page.title() };
}

/** The sandwich view's table: one row per frame, its symbol name in the last cell. */
async function sandwichSymbols(page) {
  await page.getByText('Sandwich', { exact: false }).first().click();
  const rows = page.locator('table tr:has(td)');
  await rows.first().waitFor();
  return rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td:last-child').textContent.trim()));
}

describe('a conversation trace in Chrome format, read by speedscope (offline)', () => {
  test('the API gives a valid Chrome trace: one slice per stay, contiguous, in the transitions order', async () => {
    const api = apiClient(srv);
    await deliver(srv, customerMessage({
      conversationId: CONVERSATION, messageId: 52101, content: 'How do I track my order?', contactId: CONVERSATION,
    }));
    const item = await waitFor(async () => {
      const r = await api.get('/api/v1/queue?status=pending&limit=500');
      return (r.body.items ?? []).find((i) => i.conversation_id === CONVERSATION);
    }, { what: 'the pending draft' });
    const approved = await api.post(`/api/v1/queue/${item.id}/approve`, { draft_version: item.draft_version });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const transitions = await waitFor(async () => {
      const r = await api.get(`/api/v1/conversations/${CONVERSATION}/trace`);
      const t = r.body.transitions ?? [];
      return t.length && t[t.length - 1].to === 'sent' ? t : null;
    }, { what: 'the conversation to reach sent' });
    await waitFor(async () => (await mode.publicReplies(srv, CONVERSATION)).length === 1, { what: 'the public reply' });

    const r = await api.get(`/api/v1/conversations/${CONVERSATION}/trace?format=chrome`);
    assert.equal(r.status, 200);
    const chrome = r.body;
    assert.ok(Array.isArray(chrome.traceEvents), 'traceEvents is an array');
    const events = chrome.traceEvents;
    const meta = (name) => events.find((e) => e.ph === 'M' && e.name === name);
    assert.equal(meta('process_name')?.args?.name, `conversation ${CONVERSATION}`);
    assert.equal(typeof meta('thread_name')?.args?.name, 'string');

    const slices = events.filter((e) => e.ph === 'X');
    const expected = stays(transitions);
    assert.deepEqual(slices.map((s) => s.name), expected, 'one slice per stay that lasted, named by the state');
    for (const state of ['received', 'triaged', 'drafting', 'awaiting_approval', 'sent']) {
      assert.ok(transitions.some((t) => t.to === state), `${state} is in the trace`);
    }
    assert.ok(expected.includes('awaiting_approval') && expected.at(-1) === 'sent', expected.join(' → '));
    slices.forEach((s, i) => {
      assert.equal(s.pid, CONVERSATION);
      assert.equal(s.tid, CONVERSATION);
      assert.ok(Number.isSafeInteger(s.ts) && s.ts > 0, `ts of ${s.name}: ${s.ts}`);
      assert.ok(Number.isSafeInteger(s.dur) && s.dur >= 0, `dur of ${s.name}: ${s.dur}`);
      if (i + 1 < slices.length) assert.equal(s.ts + s.dur, slices[i + 1].ts, `${s.name} ends where ${slices[i + 1].name} starts`);
    });
    // Microseconds of the same instant the JSON trace gives to the millisecond.
    assert.equal(slices[0].ts / 1000, Date.parse(transitions[0].at));
    const instants = events.filter((e) => e.ph === 'i');
    assert.deepEqual(instants.map((e) => e.name), transitions.map((t) => t.event), 'one instant event per transition');

    const file = path.join(ARTIFACTS, `trace-conversation-${CONVERSATION}.json`);
    writeFileSync(file, JSON.stringify(chrome));
    trace = { transitions, chrome, slices, file };
  });

  test('speedscope imports the file: the track is named, every state is a frame; screenshot of the time order', async () => {
    assert.ok(trace, 'the previous test fetched the trace');
    const page = await browser.newPage();
    const offline = [];
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) offline.push(req.url());
    });
    // speedscope names a Chrome trace's track "<process_name> (pid P), <thread_name> (tid T)".
    const threadName = trace.chrome.traceEvents.find((e) => e.ph === 'M' && e.name === 'thread_name').args.name;
    const profileName = `conversation ${CONVERSATION} (pid ${CONVERSATION}), ${threadName} (tid ${CONVERSATION})`;
    const result = await importIntoSpeedscope(page, trace.file, profileName);
    assert.equal(result.error, undefined, `speedscope did not import the trace: ${result.error}`);
    assert.equal(result.profile, profileName);
    assert.equal(result.title, `${path.basename(trace.file)} - speedscope`, 'the title speedscope sets after an import');

    // Each slice is a frame (speedscope names it by the slice's name and arguments).
    const symbols = await sandwichSymbols(page);
    assert.equal(symbols.length, trace.slices.length, symbols.join('\n'));
    assert.deepEqual(symbols.map((s) => s.split(' ')[0]).sort(), trace.slices.map((s) => s.name).sort());
    for (const s of trace.slices) {
      assert.ok(symbols.includes(`${s.name} ${JSON.stringify(s.args)}`), `frame for ${s.name}`);
    }

    await page.getByText('Time Order', { exact: false }).first().click();
    await page.locator('canvas').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'trace-speedscope.png') });
    assert.deepEqual(offline, [], 'speedscope ran from its package only');
    assert.deepEqual(unexpectedProblems(page, []), [], 'console errors or page exceptions');
    await page.close();
  });
});
