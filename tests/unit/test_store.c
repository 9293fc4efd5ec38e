/* test_store.c — store transactions, resourceVersion, watch history and persistence. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
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

/* ---- group commit: concurrent writers ---- */

#define NTHREADS 16
#define NOPS 500

struct rec {
        int kind; /* 0 create, 1 update, 2 delete */
        int key;
        int64_t expect_rv;
        int r;
        int64_t rv;
};

struct conc {
        struct store *s;
        int id;
        unsigned seed;
        struct rec *recs; /* NOPS per thread */
        int hot_ok;
};

static int64_t obj_rv_of(json_t *o)
{
        const char *v = jstr(o, "metadata.resourceVersion");
        return v ? strtoll(v, NULL, 10) : -1;
}

/* Half the ops create this thread's own keys, half increment one shared counter with a
 * read-modify-write guarded by expect_rv (retried on -ESTALE by the next iteration). */
static void *conc_counter(void *ud)
{
        struct conc *c = ud;
        for (int i = 0; i < NOPS; i++) {
                struct rec *rc = &c->recs[i];
                if (i % 2 == 0) {
                        char k[64];
                        snprintf(k, sizeof(k), "configmaps/c/t%d-%d", c->id, i);
                        rc->kind = 0;
                        rc->r = store_create(c->s, k, obj(k, "v"), &rc->rv);
                        continue;
                }
                json_t *cur = store_get(c->s, "configmaps/c/hot");
                int64_t n = cur ? strtoll(jstr(cur, "v"), NULL, 10) : -1;
                int64_t rv = cur ? obj_rv_of(cur) : -1;
                json_decref(cur);
                char v[32];
                snprintf(v, sizeof(v), "%lld", (long long)(n + 1));
                rc->kind = 1;
                rc->expect_rv = rv;
                rc->r = store_update(c->s, "configmaps/c/hot", obj("hot", v), rv, &rc->rv);
                if (rc->r == 0)
                        c->hot_ok++;
        }
        return NULL;
}

struct watcher {
        struct store *s;
        struct store_watch *w;
        int64_t until; /* set (atomically) once writers are done */
        int64_t last;
        int events, bad_order, bad_rv;
};

static void *watch_all(void *ud)
{
        struct watcher *wa = ud;
        for (;;) {
                struct store_event ev = {0};
                int r = store_watch_next(wa->w, 50, &ev);
                if (r == 0) {
                        if (ev.rv != wa->last + 1)
                                wa->bad_order++;
                        if (obj_rv_of(ev.obj) != ev.rv)
                                wa->bad_rv++;
                        wa->last = ev.rv;
                        wa->events++;
                        store_event_release(&ev);
                        continue;
                }
                if (r != -ETIMEDOUT)
                        break;
                int64_t until = __atomic_load_n(&wa->until, __ATOMIC_ACQUIRE);
                if (until && wa->last >= until)
                        break;
        }
        return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return x < y ? -1 : x > y;
}

static long file_size(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

TEST(concurrent_writers_serialisable)
{
        size_t saved = store_history_size;
        store_history_size = NTHREADS * NOPS + 16;
        struct store *s = open_store("conc.db");
        CHECK(s != NULL);
        CHECK_INT(store_create(s, "configmaps/c/hot", obj("hot", "0"), NULL), 0);
        int64_t rv0 = store_current_rv(s);
        struct watcher wa = {.s = s, .last = rv0};
        CHECK_INT(store_watch_open(s, "configmaps/", rv0, &wa.w), 0);
        pthread_t wt;
        pthread_create(&wt, NULL, watch_all, &wa);
        struct conc c[NTHREADS];
        pthread_t t[NTHREADS];
        for (int i = 0; i < NTHREADS; i++) {
                c[i] = (struct conc){.s = s, .id = i, .recs = xcalloc(NOPS, sizeof(struct rec))};
                pthread_create(&t[i], NULL, conc_counter, &c[i]);
        }
        int hot_ok = 0, ok = 0, bad_result = 0;
        int64_t *rvs = xcalloc(NTHREADS * NOPS, sizeof(int64_t));
        for (int i = 0; i < NTHREADS; i++) {
                pthread_join(t[i], NULL);
                hot_ok += c[i].hot_ok;
                for (int j = 0; j < NOPS; j++) {
                        struct rec *rc = &c[i].recs[j];
                        if (rc->r == 0)
                                rvs[ok++] = rc->rv;
                        else if (!(rc->kind == 1 && rc->r == -ESTALE))
                                bad_result++;
                }
        }
        int64_t final = store_current_rv(s);
        __atomic_store_n(&wa.until, final, __ATOMIC_RELEASE);
        pthread_join(wt, NULL);
        CHECK_INT(bad_result, 0);
        /* every success has its own revision, and together they leave no gap */
        qsort(rvs, ok, sizeof(*rvs), cmp_i64);
        int gaps = 0;
        for (int i = 0; i < ok; i++)
                if (rvs[i] != rv0 + 1 + i)
                        gaps++;
        CHECK_INT(gaps, 0);
        CHECK_INT(final, rv0 + ok);
        CHECK_INT(ok, NTHREADS * NOPS / 2 + hot_ok);
        CHECK(hot_ok > 0);
        /* no lost update: the counter counts exactly the successful increments */
        json_t *hot = store_get(s, "configmaps/c/hot");
        CHECK_INT(strtoll(jstr(hot, "v"), NULL, 10), hot_ok);
        json_decref(hot);
        /* the watcher saw each write once, in revision order */
        CHECK_INT(wa.events, ok);
        CHECK_INT(wa.bad_order, 0);
        CHECK_INT(wa.bad_rv, 0);
        CHECK_INT(wa.last, final);
        store_watch_close(wa.w);
        /* checkpoints keep the WAL bounded (1000-page threshold, 4 KiB pages) */
        _cleanup_free_ char *wal = xasprintf("%s/conc.db-wal", dir);
        CHECK(file_size(wal) < 8L << 20);
        store_close(s);
        /* everything acknowledged is durable */
        s = open_store("conc.db");
        CHECK(s != NULL);
        CHECK_INT(store_current_rv(s), final);
        CHECK_INT(store_count(s, "configmaps/c/"), NTHREADS * NOPS / 2 + 1);
        hot = store_get(s, "configmaps/c/hot");
        CHECK_INT(strtoll(jstr(hot, "v"), NULL, 10), hot_ok);
        json_decref(hot);
        int missing = 0;
        for (int i = 0; i < NTHREADS; i++) {
                for (int j = 0; j < NOPS; j += 2) {
                        char k[64];
                        snprintf(k, sizeof(k), "configmaps/c/t%d-%d", i, j);
                        json_t *g = store_get(s, k);
                        if (!g || obj_rv_of(g) != c[i].recs[j].rv)
                                missing++;
                        json_decref(g);
                }
                free(c[i].recs);
        }
        CHECK_INT(missing, 0);
        free(rvs);
        store_close(s);
        store_history_size = saved;
}

/* Creates, updates and deletes on a handful of keys with guessed preconditions: sorted by
 * revision, the successes must replay as a serial history, and the store must end in the
 * state that history leaves. */
#define NKEYS 6
static void *conc_mixed(void *ud)
{
        struct conc *c = ud;
        for (int i = 0; i < NOPS; i++) {
                struct rec *rc = &c->recs[i];
                rc->key = rand_r(&c->seed) % NKEYS;
                rc->kind = rand_r(&c->seed) % 3;
                char k[64];
                snprintf(k, sizeof(k), "configmaps/m/k%d", rc->key);
                if (rc->kind && rand_r(&c->seed) % 4) {
                        json_t *cur = store_get(c->s, k);
                        rc->expect_rv = cur ? obj_rv_of(cur) : 1;
                        json_decref(cur);
                }
                if (rc->kind == 0)
                        rc->r = store_create(c->s, k, obj(k, "v"), &rc->rv);
                else if (rc->kind == 1)
                        rc->r = store_update(c->s, k, obj(k, "w"), rc->expect_rv, &rc->rv);
                else
                        rc->r = store_delete(c->s, k, rc->expect_rv, NULL, &rc->rv);
        }
        return NULL;
}

static int cmp_rec_rv(const void *a, const void *b)
{
        const struct rec *x = *(const struct rec *const *)a, *y = *(const struct rec *const *)b;
        return x->rv < y->rv ? -1 : x->rv > y->rv;
}

TEST(concurrent_preconditions_replay_serially)
{
        size_t saved = store_history_size;
        store_history_size = NTHREADS * NOPS + 16;
        struct store *s = open_store("mixed.db");
        CHECK(s != NULL);
        int64_t rv0 = store_current_rv(s);
        struct store_watch *w = NULL;
        CHECK_INT(store_watch_open(s, "configmaps/m/", rv0, &w), 0);
        struct conc c[NTHREADS];
        pthread_t t[NTHREADS];
        for (int i = 0; i < NTHREADS; i++) {
                c[i] = (struct conc){.s = s, .id = i, .seed = 7919u * (i + 1),
                                     .recs = xcalloc(NOPS, sizeof(struct rec))};
                pthread_create(&t[i], NULL, conc_mixed, &c[i]);
        }
        struct rec **ok = xcalloc(NTHREADS * NOPS, sizeof(*ok));
        int nok = 0, bad_result = 0;
        for (int i = 0; i < NTHREADS; i++) {
                pthread_join(t[i], NULL);
                for (int j = 0; j < NOPS; j++) {
                        struct rec *rc = &c[i].recs[j];
                        if (rc->r == 0)
                                ok[nok++] = rc;
                        else if (!(rc->r == -EEXIST && rc->kind == 0) &&
                                 !(rc->r == -ENOENT && rc->kind != 0) &&
                                 !(rc->r == -ESTALE && rc->kind != 0 && rc->expect_rv))
                                bad_result++;
                }
        }
        CHECK_INT(bad_result, 0);
        CHECK_INT(store_current_rv(s), rv0 + nok);
        qsort(ok, nok, sizeof(*ok), cmp_rec_rv);
        int64_t model[NKEYS] = {0}; /* rv of the live object, 0 = absent */
        int bad_replay = 0, bad_event = 0;
        for (int i = 0; i < nok; i++) {
                struct rec *rc = ok[i];
                int64_t *m = &model[rc->key];
                if (rc->rv != rv0 + 1 + i)
                        bad_replay++;
                if (rc->kind == 0 ? *m != 0
                                  : *m == 0 || (rc->expect_rv && rc->expect_rv != *m))
                        bad_replay++;
                *m = rc->kind == 2 ? 0 : rc->rv;
                struct store_event ev = {0};
                if (store_watch_next(w, 1000, &ev) != 0) {
                        bad_event++;
                        continue;
                }
                char k[64];
                snprintf(k, sizeof(k), "configmaps/m/k%d", rc->key);
                enum store_ev_type want = rc->kind == 0   ? STORE_ADDED
                                          : rc->kind == 1 ? STORE_MODIFIED
                                                          : STORE_DELETED;
                if (ev.rv != rc->rv || ev.type != want || !streq(ev.key, k) ||
                    obj_rv_of(ev.obj) != rc->rv || (want != STORE_ADDED && !ev.prev))
                        bad_event++;
                store_event_release(&ev);
        }
        CHECK_INT(bad_replay, 0);
        CHECK_INT(bad_event, 0);
        struct store_event ev = {0};
        CHECK_INT(store_watch_next(w, 10, &ev), -ETIMEDOUT);
        store_watch_close(w);
        for (int pass = 0; pass < 2; pass++) {
                int bad_state = 0;
                for (int k = 0; k < NKEYS; k++) {
                        char key[64];
                        snprintf(key, sizeof(key), "configmaps/m/k%d", k);
                        json_t *g = store_get(s, key);
                        if (g ? obj_rv_of(g) != model[k] : model[k] != 0)
                                bad_state++;
                        json_decref(g);
                }
                CHECK_INT(bad_state, 0);
                CHECK_INT(store_current_rv(s), rv0 + nok);
                store_close(s);
                s = pass == 0 ? open_store("mixed.db") : NULL;
        }
        for (int i = 0; i < NTHREADS; i++)
                free(c[i].recs);
        free(ok);
        store_history_size = saved;
}

struct one_write {
        struct store *s;
        const char *key;
        int r;
        int64_t rv;
};

static void *create_one(void *ud)
{
        struct one_write *o = ud;
        o->r = store_create(o->s, o->key, obj("x", "v"), &o->rv);
        return NULL;
}

/* A failed transaction fails every op of its batch — refusals judged against the batch's
 * own earlier ops included — and changes nothing anyone can observe. */
TEST(failed_batch_fails_every_op)
{
        struct store *s = open_store("fail.db");
        CHECK(s != NULL);
        CHECK_INT(store_create(s, "configmaps/f/seed", obj("seed", "v"), NULL), 0);
        int64_t rv0 = store_current_rv(s);
        struct store_watch *w = NULL;
        CHECK_INT(store_watch_open(s, "configmaps/", rv0, &w), 0);
        /* a second connection: a trigger that refuses one key, and the write lock, held so
         * the first writer's leader waits in BEGIN while the others queue behind it */
        _cleanup_free_ char *p = xasprintf("%s/fail.db", dir);
        sqlite3 *db = NULL;
        CHECK(sqlite3_open(p, &db) == SQLITE_OK);
        CHECK(sqlite3_exec(db,
                           "CREATE TRIGGER refuse BEFORE INSERT ON objects WHEN NEW.key = "
                           "'configmaps/f/bad' BEGIN SELECT RAISE(ABORT, 'injected'); END;"
                           "BEGIN IMMEDIATE",
                           NULL, NULL, NULL) == SQLITE_OK);
        struct one_write a = {.s = s, .key = "configmaps/f/a"};
        struct one_write b[3] = {{.s = s, .key = "configmaps/f/b"},
                                 {.s = s, .key = "configmaps/f/bad"},
                                 {.s = s, .key = "configmaps/f/b"}};
        pthread_t ta, tb[3];
        pthread_create(&ta, NULL, create_one, &a);
        usleep(200 * 1000);
        for (int i = 0; i < 3; i++)
                pthread_create(&tb[i], NULL, create_one, &b[i]);
        usleep(500 * 1000);
        CHECK(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
        pthread_join(ta, NULL);
        for (int i = 0; i < 3; i++)
                pthread_join(tb[i], NULL);
        CHECK_INT(a.r, 0);
        CHECK_INT(a.rv, rv0 + 1);
        for (int i = 0; i < 3; i++)
                CHECK_INT(b[i].r, -EIO);
        CHECK_INT(store_current_rv(s), rv0 + 1);
        CHECK(store_get(s, "configmaps/f/b") == NULL);
        /* the failed batch used up no revision */
        int64_t rv = 0;
        CHECK_INT(store_create(s, "configmaps/f/b", obj("b", "v"), &rv), 0);
        CHECK_INT(rv, rv0 + 2);
        struct store_event ev = {0};
        CHECK_INT(store_watch_next(w, 100, &ev), 0);
        CHECK(ev.rv == rv0 + 1 && streq(ev.key, "configmaps/f/a"));
        store_event_release(&ev);
        CHECK_INT(store_watch_next(w, 100, &ev), 0);
        CHECK(ev.rv == rv0 + 2 && streq(ev.key, "configmaps/f/b"));
        store_event_release(&ev);
        CHECK_INT(store_watch_next(w, 10, &ev), -ETIMEDOUT);
        store_watch_close(w);
        sqlite3_close(db);
        store_close(s);
}

/* ---- acknowledged means committed, even across SIGKILL ---- */

struct ack {
        int32_t thread, idx;
        int64_t rv;
};

struct killer_arg {
        struct store *s;
        int id, fd;
};

static void *create_forever(void *ud)
{
        struct killer_arg *a = ud;
        for (int i = 0;; i++) {
                char k[64];
                snprintf(k, sizeof(k), "configmaps/k/t%d-%d", a->id, i);
                struct ack ack = {.thread = a->id, .idx = i};
                if (store_create(a->s, k, obj(k, "v"), &ack.rv) != 0)
                        _exit(3);
                if (write(a->fd, &ack, sizeof(ack)) != (ssize_t)sizeof(ack))
                        _exit(4);
        }
        return NULL;
}

TEST(acknowledged_writes_survive_sigkill)
{
        int fds[2];
        CHECK(pipe(fds) == 0);
        pid_t pid = fork();
        if (pid == 0) {
                close(fds[0]);
                alarm(20); /* never outlive a crashed parent for long */
                struct store *s = open_store("kill.db");
                if (!s)
                        _exit(2);
                struct killer_arg a[8];
                pthread_t t;
                for (int i = 0; i < 8; i++) {
                        a[i] = (struct killer_arg){.s = s, .id = i, .fd = fds[1]};
                        pthread_create(&t, NULL, create_forever, &a[i]);
                }
                for (;;)
                        pause();
        }
        close(fds[1]);
        size_t n = 0, cap = 1024;
        struct ack *acks = xcalloc(cap, sizeof(*acks));
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        bool killed = false;
        for (;;) {
                clock_gettime(CLOCK_MONOTONIC, &t);
                if (!killed && (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >
                                       400 && n > 100) {
                        kill(pid, SIGKILL); /* whatever is still in the pipe was acknowledged */
                        killed = true;
                }
                if (n == cap)
                        acks = xrealloc(acks, (cap *= 2) * sizeof(*acks));
                ssize_t r = read(fds[0], &acks[n], sizeof(*acks));
                if (r == 0)
                        break;
                if (r == (ssize_t)sizeof(*acks))
                        n++;
                else if (r < 0 && errno != EINTR)
                        break;
        }
        close(fds[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        struct store *s = open_store("kill.db");
        CHECK(s != NULL);
        int lost = 0;
        int64_t max_rv = 0;
        for (size_t i = 0; i < n; i++) {
                char k[64];
                snprintf(k, sizeof(k), "configmaps/k/t%d-%d", acks[i].thread, acks[i].idx);
                json_t *g = store_get(s, k);
                if (!g || obj_rv_of(g) != acks[i].rv)
                        lost++;
                json_decref(g);
                if (acks[i].rv > max_rv)
                        max_rv = acks[i].rv;
        }
        CHECK(n > 100);
        CHECK_INT(lost, 0);
        /* a batch is all or nothing: revisions 1..current are exactly the stored objects */
        CHECK(store_current_rv(s) >= max_rv);
        CHECK_INT(store_count(s, "configmaps/k/"), store_current_rv(s));
        free(acks);
        store_close(s);
}
