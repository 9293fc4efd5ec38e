/* client.c — the in-process client (see client.h): builds the same struct req the HTTP
 * glue builds and calls api_handle(), so controllers get HTTP semantics minus the socket. */
#include "api/api.h"
#include "api/client.h"

struct kc_watch {
        struct api_watch *w;
        json_t *last; /* the event whose type string we returned */
};

void kresp_release(struct kresp *r)
{
        if (r->body)
                json_decref(r->body);
        *r = (struct kresp){0};
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static char *url_decode(const char *s, size_t n)
{
        char *out = xmalloc(n + 1);
        size_t j = 0;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
                    hexval(s[i + 2]) >= 0) {
                        out[j++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
                        i += 2;
                } else if (s[i] == '+') {
                        out[j++] = ' ';
                } else {
                        out[j++] = s[i];
                }
        }
        out[j] = 0;
        return out;
}

static json_t *parse_query(const char *qs)
{
        json_t *q = json_object();
        if (!qs)
                return q;
        const char *p = qs;
        while (*p) {
                const char *amp = strchr(p, '&');
                size_t len = amp ? (size_t)(amp - p) : strlen(p);
                const char *eq = memchr(p, '=', len);
                _cleanup_free_ char *k = url_decode(p, eq ? (size_t)(eq - p) : len);
                _cleanup_free_ char *v =
                        eq ? url_decode(eq + 1, len - (size_t)(eq - p) - 1) : xstrdup("");
                json_object_set_new(q, k, json_string(v));
                p += len;
                if (*p == '&')
                        p++;
        }
        return q;
}

int kc_request(const char *method, const char *path, const char *query, json_t *body,
               const char *content_type, struct kresp *ret)
{
        _cleanup_json_ json_t *q = parse_query(query);
        _cleanup_free_ char *b = body ? jdump(body) : NULL;
        struct req rq = {
                .method = method,
                .path = path,
                .query = q,
                .accept = "application/json",
                .content_type = content_type ? content_type : "application/json",
                .body = b,
                .body_len = b ? strlen(b) : 0,
                .internal = true,
        };
        struct resp rs;
        api_handle(&rq, &rs);
        *ret = (struct kresp){.code = rs.code};
        /* the answer may be the stored object itself: the caller owns (and may change)
         * what it gets, so it gets a copy */
        if (rs.body)
                ret->body = json_deep_copy(rs.body);
        else if (rs.raw) {
                char err[128];
                ret->body = jparse(rs.raw, rs.raw_len, 1000, err, sizeof(err));
        }
        resp_release(&rs);
        return 0;
}

int kc_watch_start(const char *path, const char *label_selector, const char *field_selector,
                   int64_t rv, struct kc_watch **ret)
{
        _cleanup_json_ json_t *q = json_object();
        jset_str(q, "watch", "true");
        char rvs[32];
        snprintf(rvs, sizeof(rvs), "%lld", (long long)rv);
        jset_str(q, "resourceVersion", rvs);
        if (label_selector)
                jset_str(q, "labelSelector", label_selector);
        if (field_selector)
                jset_str(q, "fieldSelector", field_selector);
        struct req rq = {.method = "GET", .path = path, .query = q,
                         .accept = "application/json", .internal = true};
        struct resp rs;
        api_handle(&rq, &rs);
        if (!rs.watch) {
                int code = rs.code;
                resp_release(&rs);
                return code == 404 ? -ENOENT : -EINVAL;
        }
        struct kc_watch *w = xcalloc(1, sizeof(*w));
        w->w = TAKE_PTR(rs.watch);
        resp_release(&rs);
        *ret = w;
        return 0;
}

int kc_watch_next(struct kc_watch *w, int timeout_ms, const char **type, json_t **obj)
{
        if (w->last) {
                json_decref(w->last);
                w->last = NULL;
        }
        json_t *ev = NULL;
        int r = api_watch_next(w->w, timeout_ms, &ev);
        if (r == -ETIMEDOUT)
                return r;
        if (r < 0)
                return -ECANCELED;
        const char *t = jstr(ev, "type");
        if (streq(t, "ERROR")) {
                json_decref(ev);
                return -ESTALE;
        }
        if (streq(t, "BOOKMARK")) {
                json_decref(ev);
                return -ETIMEDOUT;
        }
        w->last = ev;
        *type = t;
        *obj = json_incref(json_object_get(ev, "object"));
        return 0;
}

void kc_watch_stop(struct kc_watch *w)
{
        if (!w)
                return;
        if (w->last)
                json_decref(w->last);
        api_watch_free(w->w);
        free(w);
}
