// Where a sent public reply can be seen. Local inbox mode (no Chatwoot configured): the reply is
// a message of kind "reply" on the conversation. A Chatwoot variant of the suite would add a
// sink here that reads the messages its local Chatwoot API server received.
import { apiClient } from './server.mjs';

export const localInbox = {
  name: 'local inbox',
  env: {},
  async publicReplies(server, conversationId) {
    const r = await apiClient(server).get(`/api/v1/conversations/${conversationId}`);
    if (r.status !== 200) return [];
    return (r.body.messages ?? []).filter((m) => m.kind === 'reply').map((m) => m.content);
  },
};
