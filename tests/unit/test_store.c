/* test_store.c — store transactions, resourceVersion, watch history and persistence. */
#include <stdlib.h>
#include "harness.h"
#include "base/jsonu.h"
#include "store/store.h"

static char dir[] = "/tmp/jobd-store-XXXXXX";

static struct store *open_store(const char *name)
{
        char err[256];
        struct store *s = NULL;
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
        int r = store_open(p, &s, err, sizeof(err));
        if (r < 0)
                fprintf(stderr, "store_open: %s\n", err);
        return s;
}

static json_t *obj(const char *name, const char *v)
{
        return json_pack("{s:s, s:{s:s}, s:s}", "kind", "ConfigMap", "metadata", "name", name,
                         "v", v);
}

TEST(create_get_update_delete)
{
        struct store *s = open_store("a.db");
        CHECK(s != NULL);
        int64_t rv1 = 0, rv2 = 0, rv3 = 0;
        CHECK_INT(store_create(s, "configmaps/default/a", obj("a", "1"), &rv1), 0);
        CHECK_INT(store_create(s, "configmaps/default/a", obj("a", "x"), NULL), -EEXIST);
        json_t *g = store_get(s, "configmaps/default/a");
        CHECK(g != NULL);
        char want[32];
        snprintf(want, sizeof(want), "%lld", (long long)rv1);
        CHECK_STR(jstr(g, "metadata.resourceVersion"), want);
        json_decref(g);
        CHECK_INT(store_update(s, "configmaps/default/a", obj("a", "2"), rv1, &rv2), 0);
        CHECK(rv2 > rv1);
        /* a stale precondition conflicts and changes nothing */
        CHECK_INT(store_update(s, "configmaps/default/a", obj("a", "3"), rv1, NULL), -ESTALE);
        g = store_get(s, "configmaps/default/a");
        CHECK_STR(jstr(g, "v"), "2");
        json_decref(g);
        CHECK_INT(store_update(s, "configmaps/default/nope", obj("nope", "1"), 0, NULL), -ENOENT);
        CHECK_INT(store_delete(s, "configmaps/default/a", rv1, NULL, NULL), -ESTALE);
        CHECK_INT(store_delete(s, "configmaps/default/a", rv2, NULL, &rv3), 0);
        CHECK(rv3 > rv2);
        CHECK(store_get(s, "configmaps/default/a") == NULL);
        CHECK_INT(store_current_rv(s), rv3);
        store_close(s);
}

static int collect(void *ud, const char *key, json_t *o, const char *json)
{
        json_array_append_new(ud, json_string(key));
        return 0;
}

TEST(list_prefix_order_and_paging)
{
        struct store *s = open_store("b.db");
        const char *keys[] = {"jobs/b/x", "jobs/a/z", "jobs/a/y", "pods/a/p", "jobs/ab/q"};
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
                CHECK_INT(store_create(s, keys[i], obj("n", "v"), NULL), 0);
        json_t *got = json_array();
        int64_t rv = 0;
        store_list(s, "jobs/a/", NULL, collect, got, &rv);
        CHECK_INT(json_array_size(got), 2);
        CHECK_STR(json_string_value(json_array_get(got, 0)), "jobs/a/y");
        CHECK_STR(json_string_value(json_array_get(got, 1)), "jobs/a/z");
        CHECK_INT(rv, store_current_rv(s));
        json_array_clear(got);
        store_list(s, "jobs/", "jobs/a/z", collect, got, NULL);
        CHECK_INT(json_array_size(got), 2); /* jobs/ab/q, jobs/b/x */
        CHECK_STR(json_string_value(json_array_get(got, 0)), "jobs/ab/q");
        CHECK_INT(store_count(s, "jobs/"), 4);
        json_decref(got);
        store_close(s);
}

TEST(persists_across_reopen)
{
        struct store *s = open_store("c.db");
        int64_t rv = 0;
        CHECK_INT(store_create(s, "configmaps/default/keep", obj("keep", "1"), NULL), 0);
        CHECK_INT(store_create(s, "configmaps/default/gone", obj("gone", "1"), NULL), 0);
        CHECK_INT(store_delete(s, "configmaps/default/gone", 0, NULL, &rv), 0);
        store_close(s);
        s = open_store("c.db");
        CHECK(s != NULL);
        /* the counter survives even when the last write was a delete */
        CHECK_INT(store_current_rv(s), rv);
        json_t *g = store_get(s, "configmaps/default/keep");
        CHECK(g && streq(jstr(g, "v"), "1"));
        json_decref(g);
        CHECK(store_get(s, "configmaps/default/gone") == NULL);
        int64_t rv2 = 0;
        CHECK_INT(store_create(s, "configmaps/default/new", obj("new", "1"), &rv2), 0);
        CHECK(rv2 > rv);
        store_close(s);
}

TEST(watch_from_rv_and_expiry)
{
        size_t saved = store_history_size;
        store_history_size = 4;
        struct store *s = open_store("d.db");
        int64_t rv0 = store_current_rv(s), rv = 0;
        struct store_watch *w = NULL;
        CHECK_INT(store_watch_open(s, "jobs/", rv0, &w), 0);
        CHECK_INT(store_create(s, "jobs/a/1", obj("1", "v"), &rv), 0);
        CHECK_INT(store_create(s, "pods/a/1", obj("p", "v"), NULL), 0); /* other prefix */
        CHECK_INT(store_update(s, "jobs/a/1", obj("1", "w"), 0, NULL), 0);
        struct store_event ev = {0};
        CHECK_INT(store_watch_next(w, 100, &ev), 0);
        CHECK(ev.type == STORE_ADDED && ev.rv == rv && streq(ev.key, "jobs/a/1"));
        store_event_release(&ev);
        CHECK_INT(store_watch_next(w, 100, &ev), 0);
        CHECK(ev.type == STORE_MODIFIED && ev.prev && streq(jstr(ev.prev, "v"), "v"));
        store_event_release(&ev);
        CHECK_INT(store_watch_next(w, 10, &ev), -ETIMEDOUT);
        /* a watcher that falls behind the ring is told so, never silently skipped */
        for (int i = 0; i < 6; i++) {
                char k[32];
                snprintf(k, sizeof(k), "jobs/a/x%d", i);
                CHECK_INT(store_create(s, k, obj("x", "v"), NULL), 0);
        }
        CHECK_INT(store_watch_next(w, 10, &ev), -ESTALE);
        store_watch_close(w);
        /* and a watch from a revision the ring forgot is refused up front */
        CHECK_INT(store_watch_open(s, "jobs/", rv0, &w), -ESTALE);
        CHECK_INT(store_watch_open(s, "jobs/", store_current_rv(s) + 5, &w), -ERANGE);
        /* deletes carry the last state with the delete's revision */
        CHECK_INT(store_watch_open(s, "jobs/", store_current_rv(s), &w), 0);
        int64_t drv = 0;
        CHECK_INT(store_delete(s, "jobs/a/1", 0, NULL, &drv), 0);
        CHECK_INT(store_watch_next(w, 100, &ev), 0);
        char want[32];
        snprintf(want, sizeof(want), "%lld", (long long)drv);
        CHECK(ev.type == STORE_DELETED);
        CHECK_STR(jstr(ev.obj, "metadata.resourceVersion"), want);
        store_event_release(&ev);
        store_shutdown(s);
        CHECK_INT(store_watch_next(w, 100, &ev), -ECANCELED);
        store_watch_close(w);
        store_close(s);
        store_history_size = saved;
}

__attribute__((constructor(101))) static void setup(void)
{
        if (!mkdtemp(dir))
                abort();
}

__attribute__((destructor)) static void teardown(void)
{
        _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
        int r _unused_ = system(cmd);
}
