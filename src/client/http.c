/* http.c — libcurl client for the Kubernetes API plus the NDJSON watch decoder.
 *
 * Easy handles are pooled (a small mutex-guarded stack) so the agent's many short
 * requests reuse keep-alive connections instead of paying a TCP handshake each; a watch
 * takes its own handle for the life of the stream.  Every response body is read into a
 * capped buffer (the API's own 3 MiB object ceiling, times a margin for lists), and watch
 * lines are capped the same way, so a confused server cannot grow the agent without bound.
 * Watches stop through curl's progress callback, which also runs on idle connections, so
 * a stop request takes effect within a second even when no events arrive.
 */
#include <curl/curl.h>
#include <pthread.h>
#include "base/log.h"
#include "client/http.h"

#define HC_BODY_MAX (64u << 20)
#define HC_LINE_MAX (16u << 20)
#define HC_POOL 8

struct hc {
        char *base;
        pthread_mutex_t lock;
        CURL *pool[HC_POOL];
        int npool;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
        curl_global_init(CURL_GLOBAL_DEFAULT);
}

void hresp_release(struct hresp *r)
{
        if (r->body)
                json_decref(r->body);
        r->body = NULL;
}

struct hc *hc_new(const char *base_url)
{
        pthread_once(&curl_once, curl_init_once);
        struct hc *c = xcalloc(1, sizeof(*c));
        c->base = xstrdup(base_url);
        size_t n = strlen(c->base);
        while (n > 0 && c->base[n - 1] == '/')
                c->base[--n] = 0;
        pthread_mutex_init(&c->lock, NULL);
        return c;
}

void hc_free(struct hc *c)
{
        if (!c)
                return;
        for (int i = 0; i < c->npool; i++)
                curl_easy_cleanup(c->pool[i]);
        pthread_mutex_destroy(&c->lock);
        free(c->base);
        free(c);
}

static CURL *handle_get(struct hc *c)
{
        CURL *h = NULL;
        pthread_mutex_lock(&c->lock);
        if (c->npool > 0)
                h = c->pool[--c->npool];
        pthread_mutex_unlock(&c->lock);
        if (!h)
                h = curl_easy_init();
        else
                curl_easy_reset(h);
        return h;
}

static void handle_put(struct hc *c, CURL *h)
{
        pthread_mutex_lock(&c->lock);
        if (c->npool < HC_POOL) {
                c->pool[c->npool++] = h;
                h = NULL;
        }
        pthread_mutex_unlock(&c->lock);
        if (h)
                curl_easy_cleanup(h);
}

char *hc_escape(const char *s)
{
        struct buf b;
        buf_init(&b, 0);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                int e;
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~')
                        e = buf_append(&b, p, 1);
                else
                        e = buf_printf(&b, "%%%02X", *p);
                (void)e;
        }
        if (!b.data)
                return xstrdup("");
        return buf_steal(&b);
}

static size_t body_cb(char *p, size_t sz, size_t n, void *ud)
{
        struct buf *b = ud;
        if (buf_append(b, p, sz * n) < 0)
                return 0;
        return sz * n;
}

static char *make_url(struct hc *c, const char *path, const char *query)
{
        return query && *query ? xasprintf("%s%s?%s", c->base, path, query)
                               : xasprintf("%s%s", c->base, path);
}

int hc_request(struct hc *c, const char *method, const char *path, const char *query,
               json_t *body, const char *ctype, struct hresp *ret)
{
        *ret = (struct hresp){0};
        CURL *h = handle_get(c);
        if (!h)
                return -ENOMEM;
        _cleanup_free_ char *url = make_url(c, path, query);
        _cleanup_free_ char *data = body ? jdump(body) : NULL;
        _cleanup_free_ char *cth = xasprintf("Content-Type: %s", ctype ? ctype : "application/json");
        struct curl_slist *hdrs = curl_slist_append(NULL, cth);
        hdrs = curl_slist_append(hdrs, "Accept: application/json");
        struct buf rb;
        buf_init(&rb, HC_BODY_MAX);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &rb);
        if (data) {
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, data);
                curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(data));
        } else if (streq(method, "GET")) {
                curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        }
        CURLcode cr = curl_easy_perform(h);
        int r = 0;
        if (cr != CURLE_OK) {
                log_debug("http %s %s: %s", method, path, curl_easy_strerror(cr));
                r = cr == CURLE_WRITE_ERROR ? -EMSGSIZE : -ECONNREFUSED;
        } else {
                long code = 0;
                curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
                ret->code = (int)code;
                if (rb.len > 0) {
                        char err[200];
                        ret->body = jparse(rb.data, rb.len, JSON_MAX_DEPTH * 4, err, sizeof(err));
                }
        }
        curl_slist_free_all(hdrs);
        buf_release(&rb);
        handle_put(c, h);
        return r;
}

/* ---------- NDJSON ---------- */

void ndjson_init(struct ndjson *d, size_t max)
{
        buf_init(&d->line, max);
        d->err = 0;
}

void ndjson_release(struct ndjson *d)
{
        buf_release(&d->line);
}

static int ndjson_line(const char *s, size_t n, hc_watch_cb cb, void *ud)
{
        while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
                n--;
        if (n == 0)
                return 0;
        char err[200];
        _cleanup_json_ json_t *ev = jparse(s, n, JSON_MAX_DEPTH * 4, err, sizeof(err));
        if (!ev)
                return -EBADMSG;
        const char *type = jstr(ev, "type");
        json_t *obj = jget(ev, "object");
        if (!type || !obj)
                return -EBADMSG;
        if (streq(type, "ERROR")) {
                int64_t code = 0;
                jint(obj, "code", &code);
                return code == 410 ? -ESTALE : -EPROTO;
        }
        return cb(ud, type, obj);
}

int ndjson_feed(struct ndjson *d, const char *data, size_t n, hc_watch_cb cb, void *ud)
{
        while (n > 0) {
                const char *nl = memchr(data, '\n', n);
                size_t take = nl ? (size_t)(nl - data) : n;
                int r;
                if (d->line.len == 0 && nl) {
                        r = ndjson_line(data, take, cb, ud);
                } else {
                        if ((r = buf_append(&d->line, data, take)) < 0)
                                return r;
                        if (!nl)
                                return 0;
                        r = ndjson_line(d->line.data, d->line.len, cb, ud);
                        d->line.len = 0;
                        d->line.data[0] = 0;
                }
                if (r != 0)
                        return r;
                data += take + 1;
                n -= take + 1;
        }
        return 0;
}

struct watch_ctx {
        struct ndjson dec;
        hc_watch_cb cb;
        void *ud;
        int result;
        volatile bool *stop;
};

static size_t watch_body(char *p, size_t sz, size_t n, void *ud)
{
        struct watch_ctx *w = ud;
        int r = ndjson_feed(&w->dec, p, sz * n, w->cb, w->ud);
        if (r != 0) {
                w->result = r;
                return 0;
        }
        return sz * n;
}

static int watch_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c2, curl_off_t d)
{
        struct watch_ctx *w = ud;
        return *w->stop ? 1 : 0;
}

int hc_watch(struct hc *c, const char *path, const char *query, volatile bool *stop,
             hc_watch_cb cb, void *ud)
{
        CURL *h = curl_easy_init();
        if (!h)
                return -ENOMEM;
        _cleanup_free_ char *url = make_url(c, path, query);
        struct watch_ctx w = {.cb = cb, .ud = ud, .stop = stop};
        ndjson_init(&w.dec, HC_LINE_MAX);
        struct curl_slist *hdrs = curl_slist_append(NULL, "Accept: application/json");
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, watch_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &w);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, watch_progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &w);
        CURLcode cr = curl_easy_perform(h);
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        int r = 0;
        if (w.result != 0)
                r = w.result > 0 ? 0 : w.result;
        else if (code == 410)
                r = -ESTALE;
        else if (cr == CURLE_ABORTED_BY_CALLBACK)
                r = 0;
        else if (cr != CURLE_OK)
                r = -ECONNRESET;
        else if (code != 200)
                r = -EPROTO;
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(h);
        ndjson_release(&w.dec);
        return r;
}
