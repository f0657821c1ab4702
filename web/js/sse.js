// A Server-Sent Events client over fetch(), because EventSource cannot send an Authorization
// header: parses text/event-stream, reconnects with backoff and resumes with Last-Event-ID.

/** Incremental text/event-stream parser (WHATWG rules for id, event, data, retry, comments). */
export class SseParser {
  constructor() {
    this.buffer = '';
    this.reset();
    this.lastEventId = '';
    this.retry = null;
  }

  reset() {
    this.event = '';
    this.data = [];
    this.hasData = false;
  }

  /** Feeds decoded text; returns the complete events it finished: [{id, event, data}]. */
  feed(text) {
    const out = [];
    this.buffer += text;
    let nl;
    // Lines end with \n, \r\n or \r. A lone \r at the very end may be half of \r\n: keep it.
    while ((nl = this.buffer.search(/\r\n|\r(?!$)|\n/)) !== -1) {
      const line = this.buffer.slice(0, nl);
      const sep = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + sep);
      this.line(line, out);
    }
    return out;
  }

  line(line, out) {
    if (line === '') {
      if (this.hasData) {
        out.push({ id: this.lastEventId, event: this.event || 'message', data: this.data.join('\n') });
      }
      this.reset();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.hasData = true;
    } else if (field === 'event') {
      this.event = value;
    } else if (field === 'id') {
      if (!value.includes('\0')) this.lastEventId = value;
    } else if (field === 'retry') {
      if (/^\d+$/.test(value)) this.retry = Number(value);
    }
  }
}

/** Reconnect delay for attempt n (1-based): 1 s, 2 s, 4 s … capped, with the server's retry as floor. */
export function backoffDelay(attempt, serverRetryMs = null, capMs = 15000) {
  const base = Math.min(capMs, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.max(base, serverRetryMs ?? 0);
}

/**
 * Opens and keeps open an event stream.
 * options: url, headers() → object, onEvent({id, event, data}), onState(state, detail),
 * idleTimeoutMs (no bytes for this long → reconnect; the server sends heartbeats),
 * onUnauthorized() for a 401/403 (no reconnect then).
 * States: 'connecting', 'live', 'reconnecting', 'stopped'.
 */
export class EventStream {
  constructor(options) {
    this.options = { idleTimeoutMs: 45000, ...options };
    this.parser = new SseParser();
    this.attempt = 0;
    this.stopped = true;
    this.controller = null;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
    this.options.onState?.('stopped');
  }

  /** Drops the current connection and reconnects at once (e.g. when the network returns). */
  reconnectNow() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.controller?.abort();
    this.attempt = 0;
    this.connect();
  }

  async connect() {
    if (this.stopped) return;
    const controller = new AbortController();
    this.controller = controller;
    this.options.onState?.(this.attempt === 0 ? 'connecting' : 'reconnecting', { attempt: this.attempt });
    let idle = null;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), this.options.idleTimeoutMs);
    };
    try {
      const headers = { Accept: 'text/event-stream', ...(this.options.headers?.() ?? {}) };
      if (this.parser.lastEventId) headers['Last-Event-ID'] = this.parser.lastEventId;
      armIdle();
      const res = await fetch(this.options.url, { headers, signal: controller.signal, cache: 'no-store' });
      if (res.status === 401 || res.status === 403) {
        clearTimeout(idle);
        this.stopped = true;
        this.options.onUnauthorized?.(res.status);
        this.options.onState?.('stopped', { status: res.status });
        return;
      }
      if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
      const wasReconnect = this.attempt > 0;
      this.attempt = 0;
      this.options.onState?.('live', { resumed: wasReconnect });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      this.parser.buffer = '';
      this.parser.reset();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        armIdle();
        for (const ev of this.parser.feed(value)) this.options.onEvent?.(ev);
      }
    } catch (err) {
      if (this.stopped || (controller.signal.aborted && this.controller !== controller)) {
        clearTimeout(idle);
        return;
      }
    }
    clearTimeout(idle);
    if (this.stopped || this.controller !== controller) return;
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, this.parser.retry);
    this.options.onState?.('reconnecting', { attempt: this.attempt, delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
