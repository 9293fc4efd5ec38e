// api.js — the console's only way to the server: the Kubernetes REST API on the same
// origin.  Errors become ApiError carrying the Kubernetes Status (reason, code and
// details.causes[].field), so forms can put a 422 cause next to the field it names.

export class ApiError extends Error {
  constructor(code, status, fallback) {
    super((status && status.message) || fallback || `HTTP ${code}`);
    this.code = code;
    this.status = status || null;
    this.reason = (status && status.reason) || '';
    this.causes = (status && status.details && status.details.causes) || [];
  }
}

async function toError(res) {
  const text = await res.text().catch(() => '');
  let status = null;
  try { status = JSON.parse(text); } catch { /* not a Status: keep the text */ }
  if (status && status.kind !== 'Status') status = null;
  return new ApiError(res.status, status, text.trim() || res.statusText);
}

export async function request(method, path, body, opts = {}) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body !== undefined ? { 'Content-Type': 'application/json', Accept: 'application/json' }
                                  : { Accept: 'application/json' },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: opts.signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null, `network error: ${e.message}`);
  }
  if (!res.ok) throw await toError(res);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const get = (p, o) => request('GET', p, undefined, o);
export const post = (p, b, o) => request('POST', p, b, o);
export const del = (p, b, o) => request('DELETE', p, b, o);

export function query(params) {
  const q = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return q ? `?${q}` : '';
}

export const paths = {
  namespaces: () => '/api/v1/namespaces',
  jobs: (ns) => `/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/jobs`,
  job: (ns, n) => `/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/jobs/${encodeURIComponent(n)}`,
  pods: (ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
  podLog: (ns, n) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(n)}/log`,
  events: (ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/events`,
  secrets: (ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/secrets`,
  configmaps: (ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/configmaps`,
  pvcs: (ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/persistentvolumeclaims`,
  nodes: () => '/api/v1/nodes',
};

// Reads a chunked response line by line (NDJSON watch events, or log lines) until the
// server closes it or the signal aborts.  onLine gets each complete line.
export async function streamLines(path, onLine, signal) {
  let res;
  try {
    res = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') return;
    throw new ApiError(0, null, `network error: ${e.message}`);
  }
  if (!res.ok) throw await toError(res);
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        onLine(line);
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') throw e;
    return;
  }
  if (buf) onLine(buf);
}

// ListWatch keeps a live map of objects: list once, then watch from the list's
// resourceVersion; on 410 Gone (history expired) or a dropped stream it relists, as
// client-go's reflector does.  onChange(items, event) runs after every change.
export class ListWatch {
  constructor(path, params, onChange, onError) {
    this.path = path;
    this.params = params || {};
    this.onChange = onChange;
    this.onError = onError || (() => {});
    this.items = new Map();
    this.ctrl = new AbortController();
    this.loaded = false;
    this.run();
  }

  stop() { this.ctrl.abort(); }

  key(o) { return `${o.metadata.namespace || ''}/${o.metadata.name}`; }

  async run() {
    let failures = 0;
    while (!this.ctrl.signal.aborted) {
      try {
        const list = await get(this.path + query(this.params), { signal: this.ctrl.signal });
        this.items = new Map(list.items.map((o) => [this.key(o), o]));
        this.loaded = true;
        this.onChange(this.list(), { type: 'LIST' });
        let rv = list.metadata.resourceVersion;
        failures = 0;
        // watch until the stream ends; a clean end re-watches from the last rv
        for (;;) {
          let gone = false;
          await streamLines(this.path + query({ ...this.params, watch: 'true', resourceVersion: rv,
                                                allowWatchBookmarks: 'true' }), (line) => {
            if (!line.trim()) return;
            const ev = JSON.parse(line);
            if (ev.type === 'ERROR') { gone = true; return; }
            if (ev.object && ev.object.metadata && ev.object.metadata.resourceVersion) rv = ev.object.metadata.resourceVersion;
            if (ev.type === 'BOOKMARK') return;
            const k = this.key(ev.object);
            if (ev.type === 'DELETED') this.items.delete(k); else this.items.set(k, ev.object);
            this.onChange(this.list(), ev);
          }, this.ctrl.signal);
          if (gone || this.ctrl.signal.aborted) break;
        }
      } catch (e) {
        if (e.name === 'AbortError' || this.ctrl.signal.aborted) return;
        failures++;
        this.onError(e);
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** failures)));
      }
    }
  }

  list() { return [...this.items.values()]; }
}
