// The operator API as used by the page (only what API.md documents): bearer token from session
// storage, JSON in and out, errors as ApiError with the server's code and message.

const TOKEN_KEY = 'frontdesk.operator_token';

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message || `request failed with status ${status}`);
    this.status = status;
    this.code = code || 'http_' + status;
    this.body = body;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  },
  set token(v) {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

export function authHeaders() {
  return session.token ? { Authorization: `Bearer ${session.token}` } : {};
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json', ...authHeaders() };
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'network_error', 'The server could not be reached.');
  }
  const text = await res.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const e = json?.error ?? {};
    throw new ApiError(res.status, e.code, e.message, json);
  }
  return json ?? text;
}

const enc = encodeURIComponent;
const qs = (params) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const api = {
  queue: (params) => request('GET', `/api/v1/queue${qs(params)}`),
  item: (id) => request('GET', `/api/v1/queue/${enc(id)}`),
  approve: (id, body) => request('POST', `/api/v1/queue/${enc(id)}/approve`, body),
  edit: (id, body) => request('POST', `/api/v1/queue/${enc(id)}/edit`, body),
  escalate: (id, body) => request('POST', `/api/v1/queue/${enc(id)}/escalate`, body),
  reject: (id, body) => request('POST', `/api/v1/queue/${enc(id)}/reject`, body),
  grade: (id, body) => request('POST', `/api/v1/queue/${enc(id)}/grade`, body),
  conversation: (id) => request('GET', `/api/v1/conversations/${enc(id)}`),
  trace: (id) => request('GET', `/api/v1/conversations/${enc(id)}/trace`),
  quality: (params) => request('GET', `/api/v1/metrics/quality${qs(params)}`),
  audit: (params) => request('GET', `/api/v1/audit${qs(params)}`),
};

/**
 * Which role the token has, found by what it may read: the queue (operator), quality metrics
 * (manager), the audit log (admin). Throws the ApiError of the queue probe for a bad token; any
 * other failure of a probe counts as "not allowed" (manager views stay hidden).
 */
export async function probeRole() {
  await api.queue({ limit: 1 });
  const now = new Date().toISOString();
  try {
    await api.quality({ from: now, to: now });
  } catch (e) {
    if (e.status === 401) throw e;
    return 'operator';
  }
  try {
    await api.audit({ from: now, to: now });
  } catch (e) {
    if (e.status === 401) throw e;
    return 'manager';
  }
  return 'admin';
}
