/* informer.c — see informer.h.  One thread per informer pulls watch events; the cache is
 * a jansson object "ns/name" → object guarded by a mutex; callbacks run on the informer
 * thread without the lock held, so a handler may read the cache (or another informer). */
#include <pthread.h>
#include "api/client.h"
#include "base/log.h"
#include "controller/informer.h"

struct informer {
        char *path;
        struct informer_handlers h;
        informer_index_fn index;
        pthread_mutex_t mu;
        json_t *objs; /* key -> obj */
        json_t *idx;  /* index value -> {key: true} */
        int64_t rv;
        pthread_t thread;
        bool running;
        volatile bool stop;
        struct kc_watch *w;
};

static int64_t obj_rv(json_t *o)
{
        const char *s = jstr(o, "metadata.resourceVersion");
        return s ? strtoll(s, NULL, 10) : 0;
}

static char *obj_key(json_t *o)
{
        const char *ns = jstr(o, "metadata.namespace");
        const char *name = jstr(o, "metadata.name");
        return xasprintf("%s/%s", ns ? ns : "", name ? name : "");
}

struct informer *informer_new(const char *path, const struct informer_handlers *h,
                              informer_index_fn index)
{
        struct informer *inf = xcalloc(1, sizeof(*inf));
        inf->path = xstrdup(path);
        if (h)
                inf->h = *h;
        inf->index = index;
        pthread_mutex_init(&inf->mu, NULL);
        inf->objs = json_object();
        inf->idx = json_object();
        return inf;
}

static void idx_del(struct informer *inf, const char *key, json_t *obj)
{
        const char *v = inf->index && obj ? inf->index(obj) : NULL;
        if (!v)
                return;
        json_t *set = json_object_get(inf->idx, v);
        json_object_del(set, key);
        if (set && json_object_size(set) == 0)
                json_object_del(inf->idx, v);
}

static void idx_add(struct informer *inf, const char *key, json_t *obj)
{
        const char *v = inf->index ? inf->index(obj) : NULL;
        if (!v)
                return;
        json_t *set = json_object_get(inf->idx, v);
        if (!set) {
                set = json_object();
                json_object_set_new(inf->idx, v, set);
        }
        json_object_set_new(set, key, json_true());
}

/* Replace/insert under the lock; returns the previous object (new ref) or NULL. */
static json_t *store_locked(struct informer *inf, const char *key, json_t *obj)
{
        json_t *old = json_object_get(inf->objs, key);
        if (old) {
                json_incref(old);
                idx_del(inf, key, old);
        }
        json_object_set(inf->objs, key, obj);
        idx_add(inf, key, obj);
        return old;
}

static json_t *remove_locked(struct informer *inf, const char *key)
{
        json_t *old = json_object_get(inf->objs, key);
        if (!old)
                return NULL;
        json_incref(old);
        idx_del(inf, key, old);
        json_object_del(inf->objs, key);
        return old;
}

static void fire(struct informer *inf, json_t *old, json_t *cur)
{
        if (old && cur) {
                if (inf->h.on_update)
                        inf->h.on_update(inf->h.ud, old, cur);
        } else if (cur) {
                if (inf->h.on_add)
                        inf->h.on_add(inf->h.ud, cur);
        } else if (old) {
                if (inf->h.on_delete)
                        inf->h.on_delete(inf->h.ud, old);
        }
}

/* List and reconcile the cache with the result. */
static int relist(struct informer *inf)
{
        struct kresp r;
        int e = kc_request("GET", inf->path, NULL, NULL, NULL, &r);
        if (e < 0 || r.code != 200 || !json_is_array(jget(r.body, "items"))) {
                log_warn("informer %s: list failed (%d)", inf->path, e < 0 ? e : r.code);
                kresp_release(&r);
                return -EIO;
        }
        json_t *items = jget(r.body, "items");
        json_t *events = json_array(); /* [old|null, new|null] pairs */
        json_t *seen = json_object();
        pthread_mutex_lock(&inf->mu);
        size_t i;
        json_t *o;
        json_array_foreach(items, i, o)
        {
                _cleanup_free_ char *k = obj_key(o);
                json_object_set_new(seen, k, json_true());
                json_t *cur = json_object_get(inf->objs, k);
                if (cur && obj_rv(cur) == obj_rv(o))
                        continue;
                json_t *old = store_locked(inf, k, o);
                json_array_append_new(events, json_pack("[o?O]", old, o));
        }
        const char *k;
        json_t *v, *tmp;
        json_object_foreach_safe(inf->objs, tmp, k, v)
        {
                if (json_object_get(seen, k))
                        continue;
                char *kk = xstrdup(k);
                json_t *old = remove_locked(inf, kk);
                free(kk);
                json_array_append_new(events, json_pack("[on]", old));
        }
        const char *rvs = jstr(r.body, "metadata.resourceVersion");
        inf->rv = rvs ? strtoll(rvs, NULL, 10) : 0;
        pthread_mutex_unlock(&inf->mu);
        json_array_foreach(events, i, o)
        {
                json_t *a = json_array_get(o, 0), *b = json_array_get(o, 1);
                fire(inf, json_is_null(a) ? NULL : a, json_is_null(b) ? NULL : b);
        }
        json_decref(events);
        json_decref(seen);
        kresp_release(&r);
        return 0;
}

static int start_watch(struct informer *inf)
{
        if (inf->w) {
                kc_watch_stop(inf->w);
                inf->w = NULL;
        }
        return kc_watch_start(inf->path, NULL, NULL, inf->rv, &inf->w);
}

static void handle_event(struct informer *inf, const char *type, json_t *obj)
{
        _cleanup_free_ char *k = obj_key(obj);
        int64_t rv = obj_rv(obj);
        json_t *old = NULL, *cur = NULL;
        pthread_mutex_lock(&inf->mu);
        if (rv > inf->rv)
                inf->rv = rv;
        if (streq(type, "DELETED")) {
                old = remove_locked(inf, k);
        } else {
                json_t *c = json_object_get(inf->objs, k);
                if (c && obj_rv(c) > rv) {
                        /* we already hold a newer copy (informer_put after our write) */
                        pthread_mutex_unlock(&inf->mu);
                        return;
                }
                old = store_locked(inf, k, obj);
                cur = obj;
        }
        pthread_mutex_unlock(&inf->mu);
        fire(inf, old, cur);
        json_decref(old);
}

static void *informer_thread(void *arg)
{
        struct informer *inf = arg;
        while (!inf->stop) {
                if (!inf->w && (relist(inf) < 0 || start_watch(inf) < 0)) {
                        usleep(200 * 1000);
                        continue;
                }
                const char *type;
                json_t *obj;
                int r = kc_watch_next(inf->w, 300, &type, &obj);
                if (r == -ETIMEDOUT)
                        continue;
                if (r < 0) {
                        /* -ESTALE: fell behind, re-list; -ECANCELED: server going away */
                        kc_watch_stop(inf->w);
                        inf->w = NULL;
                        if (r == -ECANCELED)
                                usleep(200 * 1000);
                        continue;
                }
                handle_event(inf, type, obj);
                json_decref(obj);
        }
        return NULL;
}

int informer_start(struct informer *inf)
{
        int r = relist(inf);
        if (r < 0)
                return r;
        r = start_watch(inf);
        if (r < 0)
                return r;
        inf->stop = false;
        if (pthread_create(&inf->thread, NULL, informer_thread, inf) != 0) {
                kc_watch_stop(inf->w);
                inf->w = NULL;
                return -EAGAIN;
        }
        inf->running = true;
        return 0;
}

void informer_stop(struct informer *inf)
{
        if (!inf || !inf->running)
                return;
        inf->stop = true;
        pthread_join(inf->thread, NULL);
        inf->running = false;
        if (inf->w) {
                kc_watch_stop(inf->w);
                inf->w = NULL;
        }
}

void informer_free(struct informer *inf)
{
        if (!inf)
                return;
        informer_stop(inf);
        json_decref(inf->objs);
        json_decref(inf->idx);
        pthread_mutex_destroy(&inf->mu);
        free(inf->path);
        free(inf);
}

json_t *informer_get(struct informer *inf, const char *ns, const char *name)
{
        _cleanup_free_ char *k = xasprintf("%s/%s", ns ? ns : "", name ? name : "");
        pthread_mutex_lock(&inf->mu);
        json_t *o = json_incref(json_object_get(inf->objs, k));
        pthread_mutex_unlock(&inf->mu);
        return o;
}

json_t *informer_by_index(struct informer *inf, const char *v)
{
        json_t *out = json_array();
        pthread_mutex_lock(&inf->mu);
        json_t *set = json_object_get(inf->idx, v);
        const char *k;
        json_t *x;
        json_object_foreach(set, k, x)
        {
                json_t *o = json_object_get(inf->objs, k);
                if (o)
                        json_array_append(out, o);
        }
        pthread_mutex_unlock(&inf->mu);
        return out;
}

json_t *informer_list(struct informer *inf)
{
        json_t *out = json_array();
        pthread_mutex_lock(&inf->mu);
        const char *k;
        json_t *o;
        json_object_foreach(inf->objs, k, o)
        {
                json_array_append(out, o);
        }
        pthread_mutex_unlock(&inf->mu);
        return out;
}

void informer_put(struct informer *inf, json_t *obj)
{
        _cleanup_free_ char *k = obj_key(obj);
        pthread_mutex_lock(&inf->mu);
        json_t *c = json_object_get(inf->objs, k);
        if (!c || obj_rv(obj) > obj_rv(c)) {
                json_t *old = store_locked(inf, k, obj);
                json_decref(old);
        }
        pthread_mutex_unlock(&inf->mu);
}
