// Where a sent public reply can be seen. With a local Chatwoot API server (the suite's default)
// replies are the outgoing public messages it received; in local inbox mode (no Chatwoot
// configured) they are the conversation's messages of kind "reply" in frontdesk's own API.
import { apiClient } from './server.mjs';
import { startChatwootApi } from './chatwoot_api.mjs';

export const localInbox = {
  name: 'local inbox',
  env: {},
  async publicReplies(server, conversationId) {
    const r = await apiClient(server).get(`/api/v1/conversations/${conversationId}`);
    if (r.status !== 200) return [];
    return (r.body.messages ?? []).filter((m) => m.kind === 'reply').map((m) => m.content);
  },
  async close() {},
};

/** A local Chatwoot account every server of the suite delivers to. */
export async function chatwootAccount() {
  const api = await startChatwootApi();
  return {
    name: 'chatwoot',
    env: api.env,
    api,
    async publicReplies(_server, conversationId) {
      return api.publicReplies(conversationId);
    },
    close: () => api.close(),
  };
}
