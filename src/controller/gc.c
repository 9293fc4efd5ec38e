/* gc.c — the garbage collector: ownerReferences and propagationPolicy, plus namespace
 * cleanup.
 *
 * Like upstream's graph builder it keeps an index fed by a watch (here a cursor on the
 * store's history, prefix "" = every resource): uid → key of live objects, and owner uid →
 * dependents.  It never polls the whole store: work is queued only when an owner
 * disappears, when an object carrying the "orphan" or "foregroundDeletion" finalizer is
 * being deleted, or when a namespace is terminating.  Every write goes through the
 * in-process API client, so it obeys the same validation and finalizer rules as any
 * client:
 *  - Background: dependents whose owners are all gone are deleted (Background);
 *  - Foreground: the owner waits with finalizer foregroundDeletion until its dependents
 *    are gone;
 *  - Orphan: owner references to the owner are removed from its dependents, then the
 *    "orphan" finalizer;
 *  - a terminating namespace loses its contents, then itself.
 */
#include <pthread.h>
#include "api/api.h"
#include "api/client.h"
#include "base/log.h"
#include "base/util.h"
#include "controller/gc.h"

static struct {
        struct store *s;
        pthread_t thread;
        bool running;
        volatile bool stop;
        json_t *live;       /* uid → key */
        json_t *dependents; /* owner uid → {dependent key: true} */
        json_t *queue;      /* {"<kind>:<key>": true} pending work */
} gc;

static void path_of(const char *key, json_t *obj, char *out, size_t n, bool item)
{
        const char *av = jstr(obj, "apiVersion");
        const char *ns = jstr(obj, "metadata.namespace");
        const char *name = jstr(obj, "metadata.name");
        char plural[64];
        const char *slash = strchr(key, '/');
        snprintf(plural, sizeof(plural), "%.*s", slash ? (int)(slash - key) : 0, key);
        const char *root = av && strchr(av, '/') ? "/apis/" : "/api/";
        if (ns && ns[0])
                snprintf(out, n, "%s%s/namespaces/%s/%s%s%s", root, av ? av : "v1", ns, plural,
                         item ? "/" : "", item ? name : "");
        else
                snprintf(out, n, "%s%s/%s%s%s", root, av ? av : "v1", plural, item ? "/" : "",
                         item ? name : "");
}

static void index_refs(const char *key, json_t *obj, bool add)
{
        json_t *ref;
        size_t i;
        json_array_foreach(jget(obj, "metadata.ownerReferences"), i, ref)
        {
                const char *ou = jstr(ref, "uid");
                if (!ou)
                        continue;
                json_t *set = json_object_get(gc.dependents, ou);
                if (add) {
                        if (!set) {
                                set = json_object();
                                json_object_set_new(gc.dependents, ou, set);
                        }
                        json_object_set_new(set, key, json_true());
                } else if (set) {
                        json_object_del(set, key);
                        if (!json_object_size(set))
                                json_object_del(gc.dependents, ou);
                }
        }
}

static void enqueue(const char *kind, const char *key)
{
        _cleanup_free_ char *k = xasprintf("%s:%s", kind, key);
        json_object_set_new(gc.queue, k, json_true());
}

static bool deleting_with(json_t *obj, const char *fin)
{
        if (!jget(obj, "metadata.deletionTimestamp"))
                return false;
        json_t *f;
        size_t i;
        json_array_foreach(jget(obj, "metadata.finalizers"), i, f)
        {
                if (streq(json_string_value(f), fin))
                        return true;
        }
        return false;
}

static void observe(const char *key, json_t *obj, json_t *prev, bool deleted)
{
        const char *uid = jstr(obj, "metadata.uid");
        if (prev)
                index_refs(key, prev, false);
        if (deleted) {
                if (uid) {
                        json_object_del(gc.live, uid);
                        json_t *set = json_object_get(gc.dependents, uid);
                        const char *dk;
                        json_t *v;
                        json_object_foreach(set, dk, v) enqueue("dep", dk);
                }
                /* an owner waiting in the foreground may now be free */
                json_t *ref;
                size_t i;
                json_array_foreach(jget(obj, "metadata.ownerReferences"), i, ref)
                {
                        const char *ok = jstr(gc.live, jstr(ref, "uid"));
                        if (ok)
                                enqueue("owner", ok);
                }
                return;
        }
        if (uid)
                json_object_set_new(gc.live, uid, json_string(key));
        index_refs(key, obj, true);
        if (json_array_size(jget(obj, "metadata.ownerReferences")))
                enqueue("dep", key);
        if (deleting_with(obj, "orphan") || deleting_with(obj, "foregroundDeletion"))
                enqueue("owner", key);
        if (startswith(key, "namespaces/") && jget(obj, "metadata.deletionTimestamp"))
                enqueue("ns", key);
}

static int initial_visit(void *ud, const char *key, json_t *obj, const char *json)
{
        observe(key, obj, NULL, false);
        return 0;
}

static void delete_path(const char *path, const char *policy)
{
        _cleanup_json_ json_t *body = json_pack("{s:s}", "propagationPolicy", policy);
        struct kresp r;
        kc_request("DELETE", path, NULL, body, NULL, &r);
        if (r.code >= 300 && r.code != 404 && r.code != 409)
                log_warn("gc: delete %s: %d %s", path, r.code, jstr(r.body, "message"));
        kresp_release(&r);
}

/* Dependent: delete it when all its owners are gone; drop dangling refs otherwise. */
static void process_dep(const char *key)
{
        _cleanup_json_ json_t *obj = store_get(gc.s, key);
        if (!obj)
                return;
        json_t *refs = jget(obj, "metadata.ownerReferences");
        size_t n = json_array_size(refs), gone = 0;
        json_t *ref;
        size_t i;
        json_array_foreach(refs, i, ref)
        {
                if (!json_object_get(gc.live, jstr(ref, "uid")))
                        gone++;
        }
        if (!n || !gone)
                return;
        char path[512];
        path_of(key, obj, path, sizeof(path), true);
        if (gone == n) {
                if (!jget(obj, "metadata.deletionTimestamp"))
                        delete_path(path, "Background");
                return;
        }
        _cleanup_json_ json_t *upd = json_deep_copy(obj);
        json_t *nrefs = json_array();
        json_array_foreach(refs, i, ref)
        {
                if (json_object_get(gc.live, jstr(ref, "uid")))
                        json_array_append(nrefs, ref);
        }
        json_object_set_new(jobj(upd, "metadata"), "ownerReferences", nrefs);
        struct kresp r;
        kc_request("PUT", path, NULL, upd, NULL, &r);
        kresp_release(&r);
}

static void remove_finalizer(const char *key, const char *fin)
{
        for (int attempt = 0; attempt < 5; attempt++) {
                _cleanup_json_ json_t *obj = store_get(gc.s, key);
                if (!obj)
                        return;
                _cleanup_json_ json_t *upd = json_deep_copy(obj);
                json_t *nf = json_array();
                json_t *f;
                size_t i;
                json_array_foreach(jget(obj, "metadata.finalizers"), i, f)
                {
                        if (!streq(json_string_value(f), fin))
                                json_array_append(nf, f);
                }
                json_object_set_new(jobj(upd, "metadata"), "finalizers", nf);
                char path[512];
                path_of(key, obj, path, sizeof(path), true);
                struct kresp r;
                kc_request("PUT", path, NULL, upd, NULL, &r);
                int code = r.code;
                kresp_release(&r);
                if (code != 409)
                        return;
        }
}

static void process_owner(const char *key)
{
        _cleanup_json_ json_t *obj = store_get(gc.s, key);
        if (!obj)
                return;
        const char *uid = jstr(obj, "metadata.uid");
        json_t *set = json_object_get(gc.dependents, uid);
        _cleanup_json_ json_t *deps = set ? json_deep_copy(set) : json_object();
        const char *dk;
        json_t *v;
        if (deleting_with(obj, "orphan")) {
                json_object_foreach(deps, dk, v)
                {
                        _cleanup_json_ json_t *d = store_get(gc.s, dk);
                        if (!d)
                                continue;
                        _cleanup_json_ json_t *upd = json_deep_copy(d);
                        json_t *nrefs = json_array();
                        json_t *ref;
                        size_t i;
                        json_array_foreach(jget(d, "metadata.ownerReferences"), i, ref)
                        {
                                if (!streq(jstr(ref, "uid"), uid))
                                        json_array_append(nrefs, ref);
                        }
                        if (json_array_size(nrefs))
                                json_object_set_new(jobj(upd, "metadata"), "ownerReferences",
                                                    nrefs);
                        else {
                                json_decref(nrefs);
                                json_object_del(jobj(upd, "metadata"), "ownerReferences");
                        }
                        char path[512];
                        path_of(dk, d, path, sizeof(path), true);
                        struct kresp r;
                        kc_request("PUT", path, NULL, upd, NULL, &r);
                        kresp_release(&r);
                }
                remove_finalizer(key, "orphan");
                return;
        }
        if (deleting_with(obj, "foregroundDeletion")) {
                size_t remaining = 0;
                json_object_foreach(deps, dk, v)
                {
                        _cleanup_json_ json_t *d = store_get(gc.s, dk);
                        if (!d)
                                continue;
                        remaining++;
                        if (!jget(d, "metadata.deletionTimestamp")) {
                                char path[512];
                                path_of(dk, d, path, sizeof(path), true);
                                delete_path(path, "Foreground");
                        }
                }
                if (!remaining)
                        remove_finalizer(key, "foregroundDeletion");
        }
}

struct collect_ctx {
        const char *ns;
        json_t *objs;
};

static int collect_visit(void *ud, const char *key, json_t *obj, const char *json)
{
        struct collect_ctx *c = ud;
        if (streq(jstr(obj, "metadata.namespace"), c->ns))
                json_array_append_new(c->objs, json_pack("{s:s, s:O}", "key", key, "obj", obj));
        return 0;
}

/* Deletes everything in a terminating namespace; true once the namespace is gone. */
static bool process_ns(const char *key)
{
        _cleanup_json_ json_t *ns = store_get(gc.s, key);
        if (!ns)
                return true;
        if (!jget(ns, "metadata.deletionTimestamp"))
                return true;
        struct collect_ctx c = {.ns = jstr(ns, "metadata.name"), .objs = json_array()};
        for (size_t i = 0; i < api_nresources; i++) {
                const struct resource *r = &api_resources[i];
                if (!r->namespaced)
                        continue;
                _cleanup_free_ char *pfx = xasprintf("%s/%s/", r->plural, c.ns);
                store_list(gc.s, pfx, NULL, collect_visit, &c, NULL);
        }
        size_t left = json_array_size(c.objs);
        json_t *e;
        size_t i;
        json_array_foreach(c.objs, i, e)
        {
                const char *k = jstr(e, "key");
                json_t *obj = jget(e, "obj");
                bool pod = startswith(k, "pods/");
                if (jget(obj, "metadata.deletionTimestamp") && !pod)
                        continue;
                char path[512];
                path_of(k, obj, path, sizeof(path), true);
                /* no node will end a pod of a vanishing namespace gracefully: cut it short */
                _cleanup_json_ json_t *body = json_pack("{s:s, s:i}", "propagationPolicy",
                                                        "Background", "gracePeriodSeconds", 0);
                struct kresp r;
                kc_request("DELETE", path, NULL, body, NULL, &r);
                kresp_release(&r);
        }
        json_decref(c.objs);
        if (left)
                return false;
        _cleanup_json_ json_t *upd = json_deep_copy(ns);
        json_object_set_new(jobj(upd, "spec"), "finalizers", json_array());
        char path[512];
        path_of(key, ns, path, sizeof(path), true);
        struct kresp r;
        kc_request("PUT", path, NULL, upd, NULL, &r);
        int code = r.code;
        kresp_release(&r);
        return code < 300 || code == 404;
}

static void *gc_main(void *arg)
{
        int64_t rv = 0;
        struct store_watch *w = NULL;
        int64_t last_retry = clock_mono_ns();
        json_t *retry = json_object(); /* namespaces still emptying */
        while (!gc.stop) {
                if (!w) {
                        json_object_clear(gc.live);
                        json_object_clear(gc.dependents);
                        store_list(gc.s, "", NULL, initial_visit, NULL, &rv);
                        if (store_watch_open(gc.s, "", rv, &w) < 0) {
                                usleep(100000);
                                continue;
                        }
                }
                /* drain everything available, then act: one index update per burst */
                struct store_event ev = {0};
                int r = store_watch_next(w, json_object_size(gc.queue) ? 1 : 500, &ev);
                if (r == 0) {
                        observe(ev.key, ev.obj, ev.prev, ev.type == STORE_DELETED);
                        store_event_release(&ev);
                        while (store_watch_next(w, 0, &ev) == 0) {
                                observe(ev.key, ev.obj, ev.prev, ev.type == STORE_DELETED);
                                store_event_release(&ev);
                        }
                } else if (r == -ESTALE) {
                        store_watch_close(w);
                        w = NULL;
                        continue;
                } else if (r == -ECANCELED) {
                        break;
                }
                _cleanup_json_ json_t *work = gc.queue;
                gc.queue = json_object();
                const char *item;
                json_t *v;
                json_object_foreach(work, item, v)
                {
                        if (startswith(item, "dep:"))
                                process_dep(item + 4);
                        else if (startswith(item, "owner:"))
                                process_owner(item + 6);
                        else if (startswith(item, "ns:") && !process_ns(item + 3))
                                json_object_set_new(retry, item + 3, json_true());
                }
                if (json_object_size(retry) && clock_mono_ns() - last_retry > 1000000000LL) {
                        last_retry = clock_mono_ns();
                        const char *k;
                        json_t *x;
                        void *tmp;
                        json_object_foreach_safe(retry, tmp, k, x)
                        {
                                if (process_ns(k))
                                        json_object_del(retry, k);
                        }
                }
        }
        json_decref(retry);
        store_watch_close(w);
        return NULL;
}

int gc_start(struct store *s)
{
        gc.s = s;
        gc.live = json_object();
        gc.dependents = json_object();
        gc.queue = json_object();
        gc.stop = false;
        if (pthread_create(&gc.thread, NULL, gc_main, NULL) != 0)
                return -errno;
        gc.running = true;
        return 0;
}

void gc_stop(void)
{
        if (!gc.running)
                return;
        gc.stop = true;
        pthread_join(gc.thread, NULL);
        gc.running = false;
        json_decref(gc.live);
        json_decref(gc.dependents);
        json_decref(gc.queue);
}
