// A local Chatwoot account for the browser suite: a real HTTP server speaking the part of
// Chatwoot's REST API frontdesk calls (messages, labels, assignments, priority, status,
// conversations, agents), with the same JSON shapes as ../shared/spec/chatwoot.md. Conversations
// exist as soon as they are addressed; every request is recorded.
import http from 'node:http';

const json = (res, status, body) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
};

export async function startChatwootApi({ accountId = 1, token = 'chatwoot-test-token' } = {}) {
  const conversations = new Map();
  const requests = [];
  const agents = new Map([
    [1, { id: 1, name: 'Frontdesk Bot', email: 'frontdesk@acme.example', role: 'administrator' }],
    [7, { id: 7, name: 'Lee Logistics', email: 'lee@acme.example', role: 'agent' }],
    [12, { id: 12, name: 'Sam Agent', email: 'sam@acme.example', role: 'agent' }],
  ]);
  const teams = new Map([[3, 'Support']]);
  let nextMessage = 4500;

  const conversation = (id) => {
    if (!conversations.has(id)) {
      conversations.set(id, { id, status: 'open', priority: null, labels: [], assignee: null, team: null, messages: [] });
    }
    return conversations.get(id);
  };
  const agentJson = (a) => ({ id: a.id, name: a.name, available_name: a.name, email: a.email, role: a.role, availability_status: 'online', confirmed: true, thumbnail: '' });
  const messageJson = (c, m) => ({
    id: m.id, content: m.content, account_id: accountId, inbox_id: 3, conversation_id: c.id,
    message_type: m.message_type, created_at: m.created_at, private: m.private, status: 'sent',
    source_id: null, content_type: 'text', content_attributes: {}, sender_type: m.message_type === 0 ? 'Contact' : 'User',
    sender_id: m.message_type === 0 ? 77 : 1, external_source_ids: {}, additional_attributes: {},
    processed_message_content: m.content,
    sender: m.message_type === 0 ? { id: 77, name: 'Jane Doe', type: 'contact' } : { id: 1, name: 'Frontdesk Bot', type: 'user' },
  });
  const conversationJson = (c) => ({
    id: c.id, inbox_id: 3, status: c.status, priority: c.priority, labels: c.labels, channel: 'Channel::WebWidget',
    can_reply: true, unread_count: 0, custom_attributes: {}, additional_attributes: {},
    contact_inbox: { contact_id: 77, inbox_id: 3, source_id: 'jane@example.com' },
    meta: { sender: { id: 77, name: 'Jane Doe', type: 'contact' }, assignee: c.assignee ? agentJson(agents.get(c.assignee)) : null, team: c.team ? { id: c.team, name: teams.get(c.team) } : null, hmac_verified: false },
    messages: c.messages.filter((m) => !m.private).slice(-1).map((m) => messageJson(c, m)),
    last_activity_at: c.messages.at(-1)?.created_at ?? 0, timestamp: c.messages.at(-1)?.created_at ?? 0, created_at: c.messages[0]?.created_at ?? 0,
  });

  const route = (req, url, body) => {
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts.length < 4 || parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'accounts') return [404, { error: 'Resource could not be found' }];
    if (req.headers.api_access_token !== token || Number(parts[3]) !== accountId) return [401, { error: 'Invalid Access Token' }];
    if (parts.length === 5 && parts[4] === 'agents' && req.method === 'GET') return [200, [...agents.values()].map(agentJson)];
    if (parts.length === 5 && parts[4] === 'conversations' && req.method === 'GET') {
      const status = url.searchParams.get('status') ?? 'open';
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
      const all = [...conversations.values()].filter((c) => status === 'all' || c.status === status);
      const payload = all.slice((page - 1) * 25, page * 25).map(conversationJson);
      const unassigned = all.filter((c) => !c.assignee).length;
      return [200, { data: { meta: { mine_count: 0, assigned_count: all.length - unassigned, unassigned_count: unassigned, all_count: all.length }, payload } }];
    }
    if (parts.length < 6 || parts[4] !== 'conversations' || !/^\d+$/.test(parts[5])) return [404, { error: 'Resource could not be found' }];
    const c = conversation(Number(parts[5]));
    if (parts.length === 6 && req.method === 'GET') return [200, conversationJson(c)];
    const action = parts[6];
    if (action === 'messages' && req.method === 'GET') {
      const before = url.searchParams.has('before') ? Number(url.searchParams.get('before')) : Infinity;
      const older = c.messages.filter((m) => m.id < before);
      return [200, { meta: { labels: c.labels, additional_attributes: {}, assignee: null }, payload: older.slice(-20).map((m) => messageJson(c, m)) }];
    }
    if (action === 'labels' && req.method === 'GET') return [200, { payload: c.labels }];
    if (req.method !== 'POST') return [404, { error: 'Resource could not be found' }];
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return [400, { error: 'Invalid JSON body' }];
    switch (action) {
      case 'messages': {
        if (typeof body.content !== 'string' || body.content === '') return [422, { message: "Content can't be blank", attributes: ['content'] }];
        const type = body.message_type === 'incoming' ? 0 : 1;
        const m = { id: nextMessage++, content: body.content, message_type: type, private: body.private === true, created_at: Math.floor(Date.now() / 1000) };
        c.messages.push(m);
        return [200, messageJson(c, m)];
      }
      case 'labels':
        if (!Array.isArray(body.labels) || body.labels.some((l) => typeof l !== 'string')) return [422, { error: 'labels must be an array of strings' }];
        c.labels = [...new Set(body.labels)];
        return [200, { payload: c.labels }];
      case 'assignments':
        if (Number.isInteger(body.assignee_id) && agents.has(body.assignee_id)) {
          c.assignee = body.assignee_id;
          return [200, agentJson(agents.get(body.assignee_id))];
        }
        if (Number.isInteger(body.team_id) && teams.has(body.team_id)) {
          c.team = body.team_id;
          return [200, { id: body.team_id, name: teams.get(body.team_id), description: '', allow_auto_assign: true, account_id: accountId, is_member: false }];
        }
        return [404, { error: 'Resource could not be found' }];
      case 'toggle_priority':
        if (body.priority !== null && !['low', 'medium', 'high', 'urgent'].includes(body.priority)) return [422, { error: 'Invalid priority' }];
        c.priority = body.priority;
        return [200, undefined];
      case 'toggle_status':
        c.status = body.status ?? (c.status === 'open' ? 'resolved' : 'open');
        return [200, { meta: {}, payload: { success: true, current_status: c.status, conversation_id: c.id } }];
      case 'custom_attributes':
        return [200, { custom_attributes: body.custom_attributes ?? {} }];
      default:
        return [404, { error: 'Resource could not be found' }];
    }
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method, path: url.pathname, body: text });
      let body = null;
      if (text) {
        try { body = JSON.parse(text); } catch { return json(res, 400, { error: 'Invalid JSON body' }); }
      }
      const [status, out] = route(req, url, body);
      json(res, status, out);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  const messagesOf = (id) => conversations.get(id)?.messages ?? [];
  return {
    baseUrl,
    requests,
    env: { CHATWOOT_BASE_URL: baseUrl, CHATWOOT_API_TOKEN: token, CHATWOOT_ACCOUNT_ID: String(accountId) },
    publicReplies: (id) => messagesOf(id).filter((m) => m.message_type === 1 && !m.private).map((m) => m.content),
    privateNotes: (id) => messagesOf(id).filter((m) => m.private).map((m) => m.content),
    labels: (id) => conversations.get(id)?.labels ?? [],
    assignee: (id) => conversations.get(id)?.assignee ?? null,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
