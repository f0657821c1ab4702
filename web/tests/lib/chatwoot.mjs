// Chatwoot webhook deliveries for tests: the shared fixture as a template, signed the way
// Chatwoot signs (HMAC-SHA256 over "<timestamp>.<body>").
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, WEBHOOK_SECRET } from './server.mjs';

const FIXTURES = process.env.FRONTDESK_SHARED_DIR
  ? path.join(process.env.FRONTDESK_SHARED_DIR, 'fixtures/chatwoot')
  : path.resolve(REPO, '../shared/fixtures/chatwoot');

const template = () => JSON.parse(readFileSync(path.join(FIXTURES, 'message_created.web_widget.incoming.json'), 'utf8'));

/** A message_created event of a customer on the web widget. */
export function customerMessage({ conversationId, messageId, content, name = 'Jane Doe', email = 'jane@example.com', contactId = 77 }) {
  const ev = template();
  const now = Math.floor(Date.now() / 1000);
  ev.id = messageId;
  ev.content = content;
  ev.created_at = new Date(now * 1000).toISOString();
  ev.sender.name = name;
  ev.sender.email = email;
  ev.sender.id = contactId;
  ev.conversation.id = conversationId;
  ev.conversation.contact_inbox.contact_id = contactId;
  ev.conversation.meta.sender = { ...ev.conversation.meta.sender, name, email, id: contactId };
  const m = ev.conversation.messages[0];
  Object.assign(m, { id: messageId, content, processed_message_content: content, conversation_id: conversationId, created_at: now, sender_id: contactId });
  m.sender = { ...m.sender, name, email, id: contactId };
  ev.conversation.created_at = now;
  ev.conversation.timestamp = now;
  ev.conversation.last_activity_at = now;
  return ev;
}

export async function deliver(server, event) {
  const body = JSON.stringify(event);
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', WEBHOOK_SECRET).update(`${ts}.${body}`).digest('hex');
  const r = await fetch(`${server.url}/webhooks/chatwoot`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Chatwoot-Signature': `sha256=${sig}`,
      'X-Chatwoot-Timestamp': ts,
      'X-Chatwoot-Delivery': randomUUID(),
    },
    body,
  });
  const json = await r.json().catch(() => null);
  if (r.status !== 200 || !json?.ok) throw new Error(`webhook answered ${r.status} ${JSON.stringify(json)}`);
  return json;
}
