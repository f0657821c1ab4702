// The operator page in a real browser (Debian's Chromium, headless) against the real frontdesk
// server: sign-in, live arrival, every review action, the stale-draft path, keyboard-only use,
// escaping, the conversation view and the manager's dashboard.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { launchBrowser, unexpectedProblems } from './lib/browser.mjs';
import { customerMessage, deliver } from './lib/chatwoot.mjs';
import { chatwootAccount } from './lib/replies.mjs';
import { ARTIFACTS, TOKENS, apiClient, startServer, waitFor } from './lib/server.mjs';

let mode;  // where sent replies land: a local Chatwoot account
let browser;
const servers = [];

before(async () => {
  mode = await chatwootAccount();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop()));
  await mode?.close();
});

async function server(name, options = {}) {
  const s = await startServer(name, { ...options, env: { ...mode.env, ...(options.env ?? {}) } });
  servers.push(s);
  return s;
}

let nextMessageId = 9000;
/** A customer writes; resolves with the pending queue item created for it. */
async function customerWrites(srv, conversationId, content, extra = {}) {
  const messageId = nextMessageId++;
  await deliver(srv, customerMessage({ conversationId, messageId, content, contactId: conversationId, ...extra }));
  const api = apiClient(srv);
  return waitFor(async () => {
    const r = await api.get('/api/v1/queue?status=pending&limit=500');
    return (r.body.items ?? []).find((i) => i.conversation_id === conversationId && i.customer_message?.includes(content.slice(0, 20)));
  }, { what: `a pending draft for conversation ${conversationId}` });
}

async function signIn(page, srv, who = TOKENS.operator, { live = true } = {}) {
  await page.goto(`${srv.url}/`);
  await page.getByLabel('Operator token').fill(who.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#role-badge', { hasText: who.role }).waitFor();
  // Every status loaded: a late page of the first load cannot overwrite what the test does next.
  await page.locator('#queue-list[aria-busy="false"]').waitFor({ state: 'attached' });
  if (live) await page.locator('#connection[data-state="live"]').waitFor({ timeout: 10000 });
}

const itemButton = (page, id) => page.locator(`.qi[data-id="${id}"]`);

/** Selects an item and waits until the page has its full record (so later changes are the test's). */
async function select(page, id) {
  const fetched = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/queue/${id}` && r.request().method() === 'GET');
  await itemButton(page, id).click();
  await fetched;
  await page.locator('#detail-title').waitFor();
  await waitFor(async () => (await itemButton(page, id).getAttribute('aria-current')) === 'true', { what: 'selection' });
}

const shot = (page, name, fullPage = false) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });

/** Controls without an accessible name, and images/charts without a text alternative. */
async function unnamedControls(page) {
  return page.evaluate(() => {
    const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
    const bad = [];
    for (const el of document.querySelectorAll('button, a[href], input, select, textarea, [role="img"], [role="meter"]')) {
      if (el.type === 'hidden' || (!visible(el) && el.type !== 'radio')) continue;
      const labelled = (el.labels && el.labels.length && [...el.labels].some((l) => l.textContent.trim())) ||
        el.getAttribute('aria-label')?.trim() || el.getAttribute('aria-labelledby') ||
        (['BUTTON', 'A'].includes(el.tagName) && el.textContent.trim());
      if (!labelled) bad.push(el.outerHTML.slice(0, 120));
    }
    return bad;
  });
}

function assertClean(page, allowed) {
  assert.deepEqual(unexpectedProblems(page, allowed), [], 'console errors or page exceptions');
}

describe("operator page (replies land in a local Chatwoot account)", () => {
  test('sign-in: a bad token is refused, roles are shown, manager views hidden from operators', async () => {
    const srv = await server('signin');
    const page = await browser.newPage();
    await page.goto(`${srv.url}/`);
    await page.getByLabel('Operator token').fill('not-a-real-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signin-error', { hasText: 'not accepted' }).waitFor();
    assert.equal(await page.locator('#session-bar').isVisible(), false);

    await signIn(page, srv, TOKENS.operator);
    assert.equal(await page.locator('#role-badge').textContent(), 'operator');
    assert.equal(await page.locator('#nav-dashboard').isVisible(), false, 'operators do not see the dashboard link');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('frontdesk.operator_token')), TOKENS.operator.token);
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing is kept beyond the tab');
    // Typing the dashboard address does not show it to an operator either.
    await page.goto(`${srv.url}/#/dashboard`);
    await page.locator('#role-badge', { hasText: 'operator' }).waitFor();
    assert.equal(await page.locator('#view-dashboard').isVisible(), false);
    assert.equal(await page.locator('#view-queue').isVisible(), true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Operator token').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('frontdesk.operator_token')), null);
    await signIn(page, srv, TOKENS.manager);
    assert.equal(await page.locator('#nav-dashboard').isVisible(), true, 'managers see the dashboard link');
    assertClean(page, [401, 403]);
    await page.close();
  });

  test('a webhook arriving shows the item live, without reload, with all its facts', async () => {
    const srv = await server('live');
    const page = await browser.newPage();
    await signIn(page, srv);
    await page.evaluate(() => { window.__noReload = true; });
    await page.locator('.queue-list .empty').waitFor();

    const item = await customerWrites(srv, 311, "Hi, my order #1042 hasn't arrived yet. Can you check where it is?");
    const button = itemButton(page, item.id);
    await button.waitFor({ timeout: 10000 });
    assert.equal(await page.evaluate(() => window.__noReload), true, 'the page was not reloaded');
    const text = await button.textContent();
    assert.match(text, new RegExp(item.priority));
    assert.match(text, /web chat/);
    assert.match(text, /Jane Doe/);
    assert.match(text, /order #1042/);
    assert.match(text, /\d+%/);
    assert.match(await page.locator('.counts [data-status="pending"] .count').textContent(), /^1$/);

    await select(page, item.id);
    const detail = page.locator('#detail');
    assert.equal(await page.locator('#draft-text').textContent(), item.draft);
    assert.match(await detail.textContent(), /Recommended action/);
    if (item.sources.length) assert.match(await detail.locator('.sources').textContent(), /relevance/);
    // The SLA countdown is live: its text changes by itself.
    const sla = detail.locator('.meta .sla-text');
    const first = await sla.textContent();
    assert.match(first, /left|overdue/);
    await waitFor(async () => (await sla.textContent()) !== first, { timeout: 5000, what: 'the countdown to tick' });

    // A second customer arrives while the first is open; it is listed live and the count follows.
    const second = await customerWrites(srv, 312, 'Can I change the delivery address for my order?', { name: 'Omar Reyes', email: 'omar@example.com' });
    await itemButton(page, second.id).waitFor();
    await page.locator('.counts [data-status="pending"] .count', { hasText: '2' }).waitFor();
    // Laptop width: nothing overflows sideways; every control has a name, in each form too.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth && document.querySelector('main').scrollWidth <= document.querySelector('main').clientWidth));
    assert.deepEqual(await unnamedControls(page), []);
    for (const form of ['Edit the draft before sending', 'Escalate to an agent or team', 'Reject the draft']) {
      await page.getByRole('button', { name: form }).click();
      assert.deepEqual(await unnamedControls(page), [], `in the form of "${form}"`);
      await page.keyboard.press('Escape');
    }
    await shot(page, 'queue-live');
    assertClean(page);
    await page.close();
  });

  test('the live connection resumes by itself after the server restarts, and catches up', async () => {
    const srv = await server('resume');
    const page = await browser.newPage();
    await signIn(page, srv);
    await page.evaluate(() => { window.__noReload = true; });
    await srv.restart();
    await page.locator('#connection[data-state="reconnecting"]').waitFor();
    // Written while the page is away: it must show up once the stream is back.
    const item = await customerWrites(srv, 351, 'How do I track my order?');
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30000 });
    await itemButton(page, item.id).waitFor();
    assert.equal(await page.evaluate(() => window.__noReload), true, 'the page was not reloaded');
    assertClean(page, [403, 'aborted', 'refused']);
    await page.close();
  });

  test('approve with grades sends exactly one public reply', async () => {
    const srv = await server('approve', { toml: '[workflow]\ngrade_required = true\n' });
    const page = await browser.newPage();
    const item = await customerWrites(srv, 401, 'How do I track my order?');
    await signIn(page, srv);
    await select(page, item.id);

    // Grades are required by this configuration: approving without them is refused and says why.
    await page.getByRole('button', { name: 'Approve and send the draft' }).click();
    await page.locator('#action-error', { hasText: 'Grades are required' }).waitFor();
    assert.deepEqual(await mode.publicReplies(srv, 401), []);

    await page.getByLabel('tone 5 of 5').check({ force: true });
    await page.getByLabel('accuracy 4 of 5').check({ force: true });
    await page.getByLabel('policy 5 of 5').check({ force: true });
    const approve = page.getByRole('button', { name: 'Approve and send the draft' });
    await approve.click();
    await page.locator('.toast', { hasText: 'Approved' }).waitFor();

    const api = apiClient(srv);
    const done = await waitFor(async () => {
      const r = await api.get(`/api/v1/queue/${item.id}`);
      return r.body.status === 'approved' ? r.body : null;
    }, { what: 'the item to be approved' });
    assert.deepEqual(done.grades, { tone: 5, accuracy: 4, policy: 5 });
    assert.equal(done.operator_id, TOKENS.operator.id);
    const replies = await waitFor(async () => {
      const r = await mode.publicReplies(srv, 401);
      return r.length ? r : null;
    }, { what: 'the public reply' });
    assert.deepEqual(replies, [item.draft], 'exactly one public reply, the draft');
    // Chatwoot also got the draft as a private note for the agents, and the outcome's label.
    const notes = mode.api.privateNotes(401);
    assert.equal(notes.length, 1);
    assert.match(notes[0], /\*\*AI DRAFT\*\*/);
    assert.ok(notes[0].includes(item.draft.slice(0, 30)), notes[0]);
    await waitFor(async () => mode.api.labels(401).includes('frontdesk_approved'), { what: 'the approval label' });
    // The item left the pending list; asking again changes nothing.
    await page.locator('.queue-list .empty').waitFor();
    const again = await api.post(`/api/v1/queue/${item.id}/approve`, { draft_version: item.draft_version, grades: { tone: 5, accuracy: 4, policy: 5 } });
    assert.equal(again.status, 200);
    assert.equal((await mode.publicReplies(srv, 401)).length, 1);
    assertClean(page, [403, 422]);
    await page.close();
  });

  test('edit inline: the draft stays visible, the word diff shows the change, the edited text is sent', async () => {
    const srv = await server('edit');
    const page = await browser.newPage();
    const item = await customerWrites(srv, 501, 'How long do refunds take after I return an item?');
    await signIn(page, srv);
    await select(page, item.id);

    await page.getByRole('button', { name: 'Edit the draft before sending' }).click();
    const area = page.getByLabel('Reply to send');
    await area.waitFor();
    assert.equal(await area.inputValue(), item.draft);
    const edited = `Hi Jane, thanks for asking. ${item.draft} Kind regards, Ana`;
    await area.fill(edited);
    assert.equal(await page.locator('#draft-text').textContent(), item.draft, 'the draft stays visible');
    // The diff reads back as the draft (kept + deleted) and as the edit (kept + inserted).
    const diff = await page.locator('#edit-diff .diff').evaluate((box) => {
      const out = { before: '', after: '', added: [] };
      for (const n of box.childNodes) {
        const text = n.nodeType === Node.TEXT_NODE ? n.textContent
          : [...n.childNodes].filter((c) => !c.classList?.contains('visually-hidden')).map((c) => c.textContent).join('');
        if (n.nodeName !== 'INS') out.before += text;
        if (n.nodeName !== 'DEL') out.after += text;
        if (n.nodeName === 'INS') out.added.push(text);
      }
      return out;
    });
    assert.equal(diff.before, item.draft);
    assert.equal(diff.after, edited);
    const added = diff.added.join(' ');
    for (const w of ['thanks', 'asking.', 'Kind', 'regards,', 'Ana']) assert.ok(added.includes(w), `"${w}" marked as added: ${added}`);
    assert.equal(await page.locator('#edit-diff del').count(), 0, 'nothing was removed');
    await page.getByLabel('Notes for the learning record (optional)').fill('added greeting');
    await page.locator('#draft-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'editing');

    await page.getByRole('button', { name: 'Send edited reply' }).click();
    await page.locator('.toast', { hasText: 'Edited reply sent' }).waitFor();
    const replies = await waitFor(async () => {
      const r = await mode.publicReplies(srv, 501);
      return r.length ? r : null;
    }, { what: 'the edited reply' });
    assert.deepEqual(replies, [edited]);
    const r = await apiClient(srv).get(`/api/v1/queue/${item.id}`);
    assert.equal(r.body.action, 'edit');
    assert.equal(r.body.edited_text, edited);
    assertClean(page);
    await page.close();
  });

  test('escalate to an agent with a reason, and reject with a reason: no reply is sent', async () => {
    const srv = await server('escalate-reject');
    const page = await browser.newPage();
    const one = await customerWrites(srv, 601, 'Do you ship to Iceland? What about customs and duties?');
    const two = await customerWrites(srv, 602, 'How do I reset my password?', { name: 'Kari', email: 'kari@example.com' });
    await signIn(page, srv);

    await select(page, one.id);
    await page.getByRole('button', { name: 'Escalate to an agent or team' }).click();
    await page.getByRole('button', { name: 'Escalate', exact: true }).click();
    await page.locator('#action-error', { hasText: 'Pick an agent or team' }).waitFor();
    await page.getByLabel('Agent or team id').fill('7');
    await page.getByLabel('Reason').fill('Customs questions go to the logistics team');
    const sent = page.waitForRequest((r) => r.url().endsWith(`/api/v1/queue/${one.id}/escalate`));
    await page.getByRole('button', { name: 'Escalate', exact: true }).click();
    assert.deepEqual((await sent).postDataJSON(),
      { draft_version: one.draft_version, assignee_id: 7, reason: 'Customs questions go to the logistics team' });
    await page.locator('.toast', { hasText: 'Escalated to #7' }).waitFor();
    const api = apiClient(srv);
    const esc = await waitFor(async () => {
      const r = await api.get('/api/v1/conversations/601');
      return r.body.state === 'escalated' ? r.body : null;
    }, { what: 'the escalation' });
    assert.equal(esc.escalation_reason, 'operator');
    assert.equal((await api.get(`/api/v1/queue/${one.id}`)).body.status, 'escalated');
    // In Chatwoot: assigned to agent 7, labelled, and a handoff note with the operator's reason.
    await waitFor(async () => mode.api.assignee(601) === 7 && mode.api.labels(601).includes('escalated'),
      { what: 'the handoff in Chatwoot' });
    await waitFor(async () => mode.api.privateNotes(601).some((n) => n.includes('logistics team')),
      { what: 'the handoff note' });

    await select(page, two.id);
    await page.getByRole('button', { name: 'Reject the draft' }).click();
    await page.getByLabel('Reason').fill('Wrong answer about sign-in');
    await page.getByRole('button', { name: 'Reject', exact: true }).click();
    await page.locator('.toast', { hasText: 'Draft rejected' }).waitFor();
    await waitFor(async () => (await api.get(`/api/v1/queue/${two.id}`)).body.status === 'rejected', { what: 'the rejection' });
    assert.deepEqual(await mode.publicReplies(srv, 601), []);
    assert.deepEqual(await mode.publicReplies(srv, 602), []);
    // The counts follow.
    await page.locator('.counts [data-status="escalated"] .count', { hasText: '1' }).waitFor();
    await page.locator('.counts [data-status="rejected"] .count', { hasText: '1' }).waitFor();
    assertClean(page);
    await page.close();
  });

  test('a stale draft (409) says what changed and shows the new draft; nothing is sent', async () => {
    const srv = await server('stale');
    const page = await browser.newPage();
    const first = await customerWrites(srv, 701, 'Can I return shoes I bought last month?');
    // Live updates are cut for this page, as if the operator's network dropped them.
    await page.route('**/api/v1/events', (route) => route.abort());
    await signIn(page, srv, TOKENS.operator, { live: false });
    await page.locator('#connection[data-state="reconnecting"]').waitFor();
    await select(page, first.id);

    const second = await customerWrites(srv, 701, 'Also, how long do refunds take after I return them?');
    assert.notEqual(second.id, first.id);
    await page.getByRole('button', { name: 'Approve and send the draft' }).click();
    const banner = page.locator('#stale-banner');
    await banner.waitFor();
    const text = await banner.textContent();
    assert.match(text, /not applied/);
    assert.match(text, /superseded/);
    assert.match(text, /version 2/);
    assert.match(text, /The customer wrote again/);
    assert.match(text, /how long do refunds take/);
    // The new draft is the one now shown, ready to act on.
    await waitFor(async () => (await itemButton(page, second.id).getAttribute('aria-current')) === 'true', { what: 'the new draft to be selected' });
    assert.equal(await page.locator('#draft-text').textContent(), second.draft);
    assert.deepEqual(await mode.publicReplies(srv, 701), [], 'the stale approval sent nothing');

    await page.getByRole('button', { name: 'Approve and send the draft' }).click();
    const replies = await waitFor(async () => {
      const r = await mode.publicReplies(srv, 701);
      return r.length ? r : null;
    }, { what: 'the reply to the new draft' });
    assert.deepEqual(replies, [second.draft]);
    assertClean(page, [403, 409, 'aborted']);
    await page.unroute('**/api/v1/events');
    await page.close();
  });

  test('a draft another operator already decided (409) says who did what; nothing is sent', async () => {
    const srv = await server('stale-decided');
    const page = await browser.newPage();
    const item = await customerWrites(srv, 751, 'How do I reset my password?');
    await page.route('**/api/v1/events', (route) => route.abort());
    await signIn(page, srv, TOKENS.operator, { live: false });
    await select(page, item.id);
    const other = apiClient(srv, TOKENS.operator2);
    assert.equal((await other.post(`/api/v1/queue/${item.id}/reject`, { draft_version: item.draft_version, reason: 'duplicate ticket' })).status, 200);

    await page.getByRole('button', { name: 'Approve and send the draft' }).click();
    const banner = page.locator('#stale-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), new RegExp(`now rejected by ${TOKENS.operator2.id}`));
    // The item is shown as it now is, with nothing left to act on.
    await page.locator('#detail .meta .status-rejected').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Approve and send the draft' }).isDisabled(), true);
    assert.deepEqual(await mode.publicReplies(srv, 751), []);
    assertClean(page, [403, 409, 'aborted']);
    await page.close();
  });

  test('keyboard only: sign in, move, grade, approve, edit, escalate, reject, help', async () => {
    const srv = await server('keyboard');
    const items = [];
    items.push(await customerWrites(srv, 801, 'Is the blue jacket back in stock? When will back-ordered items ship?'));
    items.push(await customerWrites(srv, 802, 'How do I use a promo code at checkout?', { name: 'Lee', email: 'lee@example.com' }));
    items.push(await customerWrites(srv, 803, 'How do I exchange a shirt for another size?', { name: 'Mia', email: 'mia@example.com' }));
    items.push(await customerWrites(srv, 804, 'How does the product warranty work?', { name: 'Noor', email: 'noor@example.com' }));
    const page = await browser.newPage();
    await page.goto(`${srv.url}/`);
    // The token field has the focus from the start.
    await page.waitForFunction(() => document.activeElement?.id === 'token-input');
    await page.keyboard.type(TOKENS.operator.token);
    await page.keyboard.press('Enter');
    await page.locator('#connection[data-state="live"]').waitFor();
    for (const it of items) await itemButton(page, it.id).waitFor();
    // After sign-in the keyboard is on the first item of the queue.
    await page.waitForFunction(() => document.activeElement?.classList.contains('qi') && document.activeElement.getAttribute('aria-current') === 'true');

    await shot(page, 'queue');
    const order = await page.locator('.qi').evaluateAll((els) => els.map((e) => e.dataset.id));
    const selected = () => page.locator('.qi[aria-current="true"]').getAttribute('data-id');
    assert.equal(await selected(), order[0]);
    await page.keyboard.press('j');
    assert.equal(await selected(), order[1]);
    await page.keyboard.press('k');
    assert.equal(await selected(), order[0]);

    // Help on "?", closed with Escape.
    await page.keyboard.press('?');
    await page.locator('#help-dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('#help-dialog:not([open])').waitFor({ state: 'attached' });

    const api = apiClient(srv);
    const statusOf = async (id) => (await api.get(`/api/v1/queue/${id}`)).body;

    // 1–5 grade tone, accuracy, policy in turn; "a" approves.
    const a = order[0];
    await page.keyboard.press('4');
    await page.keyboard.press('5');
    await page.keyboard.press('3');
    await page.keyboard.press('a');
    await waitFor(async () => (await statusOf(a)).status === 'approved', { what: 'keyboard approve' });
    assert.deepEqual((await statusOf(a)).grades, { tone: 4, accuracy: 5, policy: 3 });
    const movedOn = (from) => waitFor(async () => (await selected()) !== from, { what: 'the next item to be selected' });
    await movedOn(a);

    // The next item is selected at once; "e" edits, Ctrl+Enter sends.
    const e = await selected();
    assert.equal(e, order[1]);
    await page.keyboard.press('e');
    await page.keyboard.press('End');
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Have a nice day!');
    await page.keyboard.press('Control+Enter');
    await waitFor(async () => (await statusOf(e)).status === 'approved', { what: 'keyboard edit' });
    assert.match((await statusOf(e)).edited_text, /Have a nice day!$/);
    await movedOn(e);

    // "x" escalates: assignee, Tab, reason, Ctrl+Enter.
    const x = await selected();
    await page.keyboard.press('x');
    await page.keyboard.type('12');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Corporate accounts team');
    await page.keyboard.press('Control+Enter');
    await waitFor(async () => (await statusOf(x)).status === 'escalated', { what: 'keyboard escalate' });
    await movedOn(x);

    // "r" rejects; Escape first cancels a form without acting.
    const r = await selected();
    await page.keyboard.press('r');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#reject-form').count(), 0);
    assert.equal((await statusOf(r)).status, 'pending');
    await page.keyboard.press('r');
    await page.keyboard.type('Not enough information');
    await page.keyboard.press('Control+Enter');
    await waitFor(async () => (await statusOf(r)).status === 'rejected', { what: 'keyboard reject' });

    const sent = [];
    for (const conv of [801, 802, 803, 804]) sent.push((await mode.publicReplies(srv, conv)).length);
    assert.equal(sent.reduce((s, n) => s + n, 0), 2, 'two replies: the approval and the edit');
    assertClean(page);
    await page.close();
  });

  test('every string is escaped: markup in messages, names and edits shows as text', async () => {
    const srv = await server('xss');
    const page = await browser.newPage();
    const hostile = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> <b>How do I reset my password?</b>';
    const item = await customerWrites(srv, 901, hostile, { name: '<img src=y onerror="window.__xss=3">Eve', email: 'eve@example.com' });
    await signIn(page, srv);
    await select(page, item.id);
    const list = await itemButton(page, item.id).textContent();
    assert.ok(list.includes('<script>window.__xss = 1</script>'), 'the list shows the markup as text');
    assert.equal(await page.locator('#customer-message').textContent(), item.customer_message);
    assert.ok((await page.locator('#detail-title').textContent()).includes('<img src=y'));

    const edit = 'Thanks! <script>window.__xss = 4</script> We will check.';
    await page.getByRole('button', { name: 'Edit the draft before sending' }).click();
    await page.getByLabel('Reply to send').fill(edit);
    assert.ok((await page.locator('#edit-diff').textContent()).includes('<script>window.__xss = 4</script>'));
    await page.getByRole('button', { name: 'Send edited reply' }).click();
    await waitFor(async () => (await mode.publicReplies(srv, 901)).length === 1, { what: 'the reply' });
    assert.deepEqual(await mode.publicReplies(srv, 901), [edit]);

    // The decided item (with its sent text) and the conversation view render it as text too.
    await page.selectOption('#filter-status', 'approved');
    await select(page, item.id);
    await page.locator('#detail .diff').first().waitFor();
    await page.goto(`${srv.url}/#/conversation/901`);
    await page.locator('#conversation-title').waitFor();
    assert.ok((await page.locator('#view-conversation').textContent()).includes('<script>window.__xss = 4</script>'));
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no injected script ran');
    assert.equal(await page.locator('main script, main img').count(), 0, 'no element was made from data');
    assertClean(page);
    await page.close();
  });

  test('conversation view: messages, state trace timeline, SLA deadlines, learning record', async () => {
    const srv = await server('conversation');
    const page = await browser.newPage();
    const item = await customerWrites(srv, 1001, 'My discount code SAVE10 does not work at checkout.');
    await signIn(page, srv);
    await select(page, item.id);
    await page.getByLabel('tone 4 of 5').check({ force: true });
    await page.getByLabel('accuracy 4 of 5').check({ force: true });
    await page.getByLabel('policy 5 of 5').check({ force: true });
    await page.getByRole('button', { name: 'Approve and send the draft' }).click();
    await waitFor(async () => (await mode.publicReplies(srv, 1001)).length === 1, { what: 'the reply' });

    await page.goto(`${srv.url}/#/conversation/1001`);
    await page.locator('#conversation-title', { hasText: '#1001' }).waitFor();
    const view = page.locator('#view-conversation');
    const messages = await view.locator('.messages .message').allTextContents();
    assert.ok(messages.some((m) => m.includes('SAVE10')), 'the customer message');
    assert.ok(messages.some((m) => m.includes(item.draft.slice(0, 30))), 'the reply');
    const steps = await view.locator('#trace li').allTextContents();
    assert.ok(steps.length >= 3, `trace entries: ${steps.length}`);
    assert.ok(steps.some((s) => s.includes('awaiting_approval')));
    assert.ok(steps.some((s) => s.includes('sent')));
    assert.match(await view.locator('[aria-labelledby="sla-title"]').textContent(), /First response due.*Resolution due\s*\d{4}-/);
    await shot(page, 'conversation');
    const learning = await view.locator('[aria-labelledby="learning-title"]').textContent();
    assert.match(learning, /approve/);
    assert.match(learning, /tone 4, accuracy 4, policy 5/);
    // Back to the queue on the decided item: the filters widen to show it.
    await page.getByRole('link', { name: 'Show it in the queue' }).click();
    await waitFor(async () => (await itemButton(page, item.id).getAttribute('aria-current')) === 'true', { what: 'the item to be selected' });
    assert.equal(await page.locator('#filter-status').inputValue(), 'all');
    assertClean(page);
    await page.close();
  });

  test('quality dashboard (manager) renders its charts from the metrics', async () => {
    const srv = await server('dashboard');
    const op = apiClient(srv);
    const a = await customerWrites(srv, 1101, 'How do I track my order?');
    const b = await customerWrites(srv, 1102, 'How do I use a promo code at checkout?', { name: 'Ola', email: 'ola@example.com' });
    const c = await customerWrites(srv, 1103, 'How does the product warranty work?', { name: 'Pia', email: 'pia@example.com' });
    assert.equal((await op.post(`/api/v1/queue/${a.id}/approve`, { draft_version: a.draft_version, grades: { tone: 5, accuracy: 5, policy: 5 } })).status, 200);
    assert.equal((await op.post(`/api/v1/queue/${b.id}/edit`, { draft_version: b.draft_version, text: `${b.draft} Thanks!`, grades: { tone: 4, accuracy: 4, policy: 5 } })).status, 200);
    assert.equal((await op.post(`/api/v1/queue/${c.id}/reject`, { draft_version: c.draft_version, reason: 'wrong' })).status, 200);
    const mgr = apiClient(srv, TOKENS.manager);
    const now = new Date();
    const metrics = await waitFor(async () => {
      const r = await mgr.get(`/api/v1/metrics/quality?from=${new Date(now - 86400e3).toISOString()}&to=${new Date(+now + 86400e3).toISOString()}`);
      return r.status === 200 && r.body.reviewed >= 3 ? r.body : null;
    }, { what: 'three learning records' });

    const page = await browser.newPage();
    await signIn(page, srv, TOKENS.manager);
    await page.getByRole('link', { name: 'Quality dashboard' }).click();
    await page.locator('#kpis').waitFor();
    const ids = ['rates', 'grades', 'review', 'sla', 'calibration', 'edits'];
    for (const id of ids) await page.locator(`#chart-${id} canvas`).waitFor();
    // Every chart drew something (not a blank canvas).
    const inked = await page.evaluate((list) => list.map((id) => {
      const c = document.querySelector(`#chart-${id} canvas`);
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) n++;
      return n;
    }), ids);
    inked.forEach((n, i) => assert.ok(n > 100, `chart ${ids[i]} is blank`));
    const kpis = await page.locator('#kpis').textContent();
    const approval = Math.round(metrics.approval_rate.value * 100);
    assert.ok(kpis.includes(`Approval rate${approval}%`), `approval rate ${approval}% in ${kpis}`);
    assert.match(kpis, /target ≥ 60%/);
    // The numbers behind the grade chart are there for screen readers too.
    const table = await page.locator('.chart-card:has(#chart-grades) details table').textContent();
    assert.match(table, /tone/);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth && document.querySelector('main').scrollWidth <= document.querySelector('main').clientWidth));
    assert.deepEqual(await unnamedControls(page), []);
    // Only the main area scrolls: a tall window shows the whole dashboard in one picture.
    await page.setViewportSize({ width: 1366, height: 1700 });
    await shot(page, 'dashboard');
    assertClean(page);
    await page.close();
  });
});
