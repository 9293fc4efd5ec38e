/* watch.c — Kubernetes watch semantics over a store cursor.
 *
 * - rv 0/absent: synthetic ADDED for every current match first (from one store snapshot),
 *   then changes after that snapshot; a list's rv: only changes after it.
 * - Selectors apply to events, with transitions as the apiserver's cacher does: an object
 *   that stops matching is sent as DELETED, one that starts matching as ADDED.
 * - Table watches carry columnDefinitions only in the first event.
 * - BOOKMARK events when idle if asked; an rv older than the history → one ERROR event
 *   (410 Expired) and the end of the stream; the stream also ends at timeoutSeconds.
 */
#include <pthread.h>
#include "api/api.h"
#include "base/util.h"
#include "types/selector.h"

struct api_watch {
        struct watch_opts o;
        struct store_watch *sw;
        json_t *initial; /* array of objects still to send as ADDED */
        size_t initial_pos;
        bool sent_columns;
        bool ended;
        json_t *pending_error;
        int64_t deadline_ns;  /* monotonic */
        int64_t last_send_ns; /* monotonic, for bookmarks */
        int64_t rv;
};

static int global_watchers;
static pthread_mutex_t global_mu = PTHREAD_MUTEX_INITIALIZER;

struct snap_ctx {
        const struct resource *r;
        struct label_selector *ls;
        struct field_selector *fs;
        json_t *objs;
};

static int snap_visit(void *ud, const char *key, json_t *obj, const char *json)
{
        struct snap_ctx *c = ud;
        if (object_matches(c->r, obj, c->ls, c->fs))
                json_array_append(c->objs, obj);
        return 0;
}

static json_t *expired_event(int64_t rv, int64_t cur)
{
        _cleanup_free_ char *m = xasprintf("too old resource version: %lld (%lld)",
                                           (long long)rv, (long long)cur);
        return json_pack("{s:s, s:{s:s, s:s, s:{}, s:s, s:s, s:s, s:i}}", "type", "ERROR",
                         "object", "kind", "Status", "apiVersion", "v1", "metadata", "status",
                         "Failure", "message", m, "reason", "Expired", "code", 410);
}

int api_watch_open(struct watch_opts *o, struct api_watch **ret, struct resp *err_rs)
{
        pthread_mutex_lock(&global_mu);
        if (global_watchers >= API_MAX_WATCHERS) {
                pthread_mutex_unlock(&global_mu);
                free(o->prefix);
                label_selector_free(o->ls);
                field_selector_free(o->fs);
                resp_status(err_rs, 429, "TooManyRequests",
                            "too many watches open; try again later", NULL);
                return -EBUSY;
        }
        global_watchers++;
        pthread_mutex_unlock(&global_mu);
        struct api_watch *w = xcalloc(1, sizeof(*w));
        w->o = *o;
        int64_t from = o->from_rv;
        if (o->initial_events) {
                struct snap_ctx c = {o->res, o->ls, o->fs, json_array()};
                store_list(api.store, o->prefix, NULL, snap_visit, &c, &from);
                w->initial = c.objs;
        }
        int r = store_watch_open(api.store, o->prefix, from, &w->sw);
        if (r < 0)
                w->pending_error = expired_event(from, store_current_rv(api.store));
        w->rv = from;
        int64_t now = clock_mono_ns();
        int64_t to = o->timeout_s > 0 ? o->timeout_s : 1800 + (int64_t)(now % 1800);
        w->deadline_ns = now + to * 1000000000LL;
        w->last_send_ns = now;
        *ret = w;
        return 0;
}

void api_watch_free(struct api_watch *w)
{
        if (!w)
                return;
        store_watch_close(w->sw);
        if (w->initial)
                json_decref(w->initial);
        if (w->pending_error)
                json_decref(w->pending_error);
        free(w->o.prefix);
        label_selector_free(w->o.ls);
        field_selector_free(w->o.fs);
        free(w);
        pthread_mutex_lock(&global_mu);
        global_watchers--;
        pthread_mutex_unlock(&global_mu);
}

static json_t *wrap(struct api_watch *w, const char *type, json_t *obj)
{
        json_t *payload;
        if (w->o.table) {
                payload = table_new(w->o.res, !w->sent_columns);
                w->sent_columns = true;
                jset_str(jobj(payload, "metadata"), "resourceVersion",
                         jstr(obj, "metadata.resourceVersion"));
                table_add_row(payload, w->o.res, obj, false);
        } else {
                payload = json_incref(obj);
        }
        w->last_send_ns = clock_mono_ns();
        return json_pack("{s:s, s:o}", "type", type, "object", payload);
}

int api_watch_next(struct api_watch *w, int timeout_ms, json_t **ret_event)
{
        if (w->ended)
                return -EPIPE;
        if (w->initial && w->initial_pos < json_array_size(w->initial)) {
                *ret_event = wrap(w, "ADDED", json_array_get(w->initial, w->initial_pos++));
                return 0;
        }
        if (w->pending_error) {
                *ret_event = w->pending_error;
                w->pending_error = NULL;
                w->ended = true;
                return 0;
        }
        int64_t now = clock_mono_ns();
        int64_t end = now + (int64_t)timeout_ms * 1000000LL;
        for (;;) {
                now = clock_mono_ns();
                if (now >= w->deadline_ns) {
                        w->ended = true;
                        return -EPIPE;
                }
                if (w->o.bookmarks && now - w->last_send_ns > 5000000000LL) {
                        char rvs[32];
                        snprintf(rvs, sizeof(rvs), "%lld", (long long)store_watch_rv(w->sw));
                        w->last_send_ns = now;
                        *ret_event = json_pack("{s:s, s:{s:s, s:s, s:{s:s}}}", "type",
                                               "BOOKMARK", "object", "kind", w->o.res->kind,
                                               "apiVersion", resource_api_version(w->o.res),
                                               "metadata", "resourceVersion", rvs);
                        return 0;
                }
                if (now >= end)
                        return -ETIMEDOUT;
                int64_t wait_ms = (end - now) / 1000000LL;
                if (w->o.bookmarks && wait_ms > 1000)
                        wait_ms = 1000;
                int64_t left = (w->deadline_ns - now) / 1000000LL;
                if (wait_ms > left)
                        wait_ms = left;
                if (wait_ms < 1)
                        wait_ms = 1;
                struct store_event ev = {0};
                int r = store_watch_next(w->sw, (int)wait_ms, &ev);
                if (r == -ETIMEDOUT)
                        continue;
                if (r == -ESTALE) {
                        *ret_event = expired_event(w->rv, store_current_rv(api.store));
                        w->ended = true;
                        return 0;
                }
                if (r < 0) {
                        w->ended = true;
                        return -EPIPE;
                }
                w->rv = ev.rv;
                bool now_match = ev.type != STORE_DELETED &&
                                 object_matches(w->o.res, ev.obj, w->o.ls, w->o.fs);
                bool was_match = ev.prev && object_matches(w->o.res, ev.prev, w->o.ls, w->o.fs);
                const char *type = NULL;
                if (ev.type == STORE_ADDED && now_match)
                        type = "ADDED";
                else if (ev.type == STORE_MODIFIED) {
                        if (now_match && was_match)
                                type = "MODIFIED";
                        else if (now_match)
                                type = "ADDED";
                        else if (was_match)
                                type = "DELETED";
                } else if (ev.type == STORE_DELETED && was_match) {
                        type = "DELETED";
                }
                if (type)
                        *ret_event = wrap(w, type, ev.obj);
                store_event_release(&ev);
                if (type)
                        return 0;
        }
}
