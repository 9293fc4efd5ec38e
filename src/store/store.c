/* store.c — see store.h for the model.
 *
 * Group commit.  A commit costs one fsync (~0.2-0.4 ms here, far more on a busy disk), and
 * holding the rwlock across it serialised every writer on the disk: ~2,500 writes/s at
 * best, p99 in the 100 ms range with 16 writers, while the Job controller needs ~5 writes
 * per pod.  So writers now queue their op (struct op, on their own stack) under qmu and
 * wait; whichever writer finds no commit in progress becomes the leader, takes the whole
 * queue as one batch and:
 *   1. decides each op in queue order against the committed index plus the batch's earlier
 *      accepted ops (a same-key scan: the "overlay"), exactly as if the ops had run one
 *      after another, and gives each accepted op the next revision — so revisions stay
 *      global, consecutive and in the serial order, and a refusal (-EEXIST/-ENOENT/-ESTALE)
 *      means what it meant before;
 *   2. writes all accepted rows and the counter in one transaction: one fsync per batch;
 *   3. only then takes the rwlock exclusively, to link the prepared entries into the index
 *      and append the events to the ring in revision order (no SQL, no serialising, no
 *      allocation of note), and wakes watchers;
 *   4. marks every op done and wakes the writers, then hands leadership on.
 * Readers therefore never see anything that is not durable, and a write returns only after
 * its batch committed.  Refusals are delivered with the batch too: a refusal can depend on
 * an earlier op of the same batch, and answering early would leak a write that might still
 * fail.  If the transaction fails, every op in the batch gets -EIO — refusals included,
 * since they may have been judged against ops that never happened — nothing is applied and
 * no revision is used up.  A leader rather than a committer thread: a lone writer commits
 * on its own thread with no hand-off, and there is nothing to start or stop.  Only the
 * leader touches the SQLite connection, the prepared statements and the index's mutation,
 * so those need no lock of their own (the index is read unlocked by the leader only).
 *
 * Checkpoints.  SQLite's auto-checkpoint runs inside COMMIT, i.e. inside some writer's
 * latency and, before this change, under the exclusive rwlock.  It is off
 * (wal_autocheckpoint=0); a wal_hook records the WAL size after each commit, and the leader
 * runs a PASSIVE checkpoint once it passes STORE_CKPT_PAGES — after its batch's writers
 * have been released and without the rwlock, so readers and watchers never wait for it;
 * writers arriving meanwhile just queue into a larger next batch.  It runs on the commit
 * path's connection rather than a separate thread and connection on purpose: our
 * connection holds no read snapshot between batches, so the checkpoint always backfills the
 * whole WAL and the next commit restarts it from the beginning.  A concurrent checkpointer
 * racing a steady stream of commits would rarely catch the WAL fully backfilled, and the
 * file would keep growing.
 *
 * Locking: the rwlock guards the index, the ring, the counter and the oldest revision;
 * qmu guards the queue and the committing flag; wmu pairs with cond for watchers, which
 * sleep on it and are broadcast once per batch.  Order: qmu is never held while taking the
 * rwlock or wmu.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <time.h>
#include "base/log.h"
#include "store/store.h"

size_t store_history_size = 20000;

struct entry {
        char *key;
        json_t *obj;
        char *json;
        int64_t rv;
};

/* Batches are capped so one leader's turn (and the O(n^2) same-key scan) stays short. */
#define STORE_BATCH_MAX 256
/* Checkpoint once the WAL holds this many pages (SQLite's own default is 1000). */
#define STORE_CKPT_PAGES 1000

enum op_kind { OP_CREATE, OP_UPDATE, OP_DELETE };

/* One queued write, on its writer's stack until done is set. */
struct op {
        enum op_kind kind;
        const char *key;
        json_t *obj;       /* owned: new state, or the DELETED event's state (NULL = copy) */
        int64_t expect_rv; /* 0 = unconditional */
        int r;             /* result, valid once done */
        int64_t rv;
        char *json;        /* serialised obj (create/update) */
        char *old_json;    /* replaced serialisation, freed outside the lock */
        struct entry *ent; /* new entry (create) or removed one (delete) */
        bool done;
        struct op *next;
};

struct store {
        sqlite3 *db;
        sqlite3_stmt *st_put, *st_del, *st_rv, *st_begin, *st_commit, *st_rollback;
        pthread_rwlock_t lock;
        pthread_mutex_t wmu; /* pairs with cond for watchers */
        pthread_cond_t cond;
        struct entry **ents;
        size_t n, cap;
        int64_t rv;
        /* ring of the last history events: slot (rv_seq % size) */
        struct store_event *ring;
        size_t ring_size;
        uint64_t ring_head;   /* number of events ever appended */
        int64_t oldest_rv;    /* events with rv > oldest_rv are all in the ring */
        bool shutdown;
        /* group commit: writers queue ops under qmu; the committing flag makes one of them
         * the leader, which alone touches db, st_*, wal_pages and mutates the index */
        pthread_mutex_t qmu;
        pthread_cond_t qcond;
        struct op *qhead, **qtail;
        bool committing;
        int wal_pages;
};

struct store_watch {
        struct store *s;
        char *prefix;
        uint64_t pos; /* next ring sequence number to read */
        int64_t rv;
};

void store_event_release(struct store_event *ev)
{
        free(ev->key);
        if (ev->obj)
                json_decref(ev->obj);
        if (ev->prev)
                json_decref(ev->prev);
        *ev = (struct store_event){0};
}

static void entry_free(struct entry *e)
{
        if (!e)
                return;
        free(e->key);
        json_decref(e->obj);
        free(e->json);
        free(e);
}

/* Binary search: index of key, or insertion point with *found = false. */
static size_t find(struct store *s, const char *key, bool *found)
{
        size_t lo = 0, hi = s->n;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(s->ents[mid]->key, key);
                if (c == 0) {
                        *found = true;
                        return mid;
                }
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *found = false;
        return lo;
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
        char *msg = NULL;
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
                snprintf(err, errlen, "sqlite: %s: %s", sql, msg ? msg : "?");
                sqlite3_free(msg);
                return -EIO;
        }
        return 0;
}

static int load(struct store *s, char *err, size_t errlen)
{
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s->db, "SELECT key, rv, data FROM objects ORDER BY key", -1,
                               &st, NULL) != SQLITE_OK) {
                snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(s->db));
                return -EIO;
        }
        int r;
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
                const char *key = (const char *)sqlite3_column_text(st, 0);
                const char *data = (const char *)sqlite3_column_text(st, 2);
                json_error_t je;
                json_t *obj = json_loads(data ? data : "", 0, &je);
                if (!obj) {
                        snprintf(err, errlen, "store: corrupt object %s: %s", key, je.text);
                        sqlite3_finalize(st);
                        return -EIO;
                }
                struct entry *e = xcalloc(1, sizeof(*e));
                e->key = xstrdup(key);
                e->rv = sqlite3_column_int64(st, 1);
                e->obj = obj;
                e->json = xstrdup(data);
                if (s->n == s->cap) {
                        s->cap = s->cap ? s->cap * 2 : 1024;
                        s->ents = xrealloc(s->ents, s->cap * sizeof(*s->ents));
                }
                /* ORDER BY key in SQLite uses memcmp order, the same as strcmp */
                s->ents[s->n++] = e;
        }
        sqlite3_finalize(st);
        if (r != SQLITE_DONE) {
                snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(s->db));
                return -EIO;
        }
        if (sqlite3_prepare_v2(s->db, "SELECT v FROM meta WHERE k='rv'", -1, &st, NULL) !=
            SQLITE_OK)
                return -EIO;
        if (sqlite3_step(st) == SQLITE_ROW)
                s->rv = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return 0;
}

static int wal_hook(void *ud, sqlite3 *db, const char *name, int pages);

int store_open(const char *path, struct store **ret, char *err, size_t errlen)
{
        struct store *s = xcalloc(1, sizeof(*s));
        pthread_rwlock_init(&s->lock, NULL);
        pthread_mutex_init(&s->wmu, NULL);
        pthread_mutex_init(&s->qmu, NULL);
        pthread_cond_init(&s->qcond, NULL);
        s->qtail = &s->qhead;
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&s->cond, &ca);
        pthread_condattr_destroy(&ca);
        int r = -EIO;
        if (sqlite3_open_v2(path, &s->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                            NULL) != SQLITE_OK) {
                snprintf(err, errlen, "sqlite: cannot open %s: %s", path,
                         s->db ? sqlite3_errmsg(s->db) : "out of memory");
                goto fail;
        }
        sqlite3_busy_timeout(s->db, 5000);
        if ((r = exec_sql(s->db, "PRAGMA journal_mode=WAL", err, errlen)) < 0 ||
            (r = exec_sql(s->db, "PRAGMA synchronous=FULL", err, errlen)) < 0 ||
            (r = exec_sql(s->db, "PRAGMA wal_autocheckpoint=0", err, errlen)) < 0 ||
            (r = exec_sql(s->db,
                          "CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, rv "
                          "INTEGER NOT NULL, data TEXT NOT NULL);"
                          "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER);",
                          err, errlen)) < 0)
                goto fail;
        sqlite3_stmt *qc = NULL;
        if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &qc, NULL) == SQLITE_OK &&
            sqlite3_step(qc) == SQLITE_ROW) {
                const char *res = (const char *)sqlite3_column_text(qc, 0);
                if (!streq(res, "ok")) {
                        snprintf(err, errlen, "store: integrity check of %s failed: %s", path,
                                 res ? res : "?");
                        sqlite3_finalize(qc);
                        r = -EIO;
                        goto fail;
                }
        }
        sqlite3_finalize(qc);
        if ((r = load(s, err, errlen)) < 0)
                goto fail;
        r = -EIO;
        if (sqlite3_prepare_v2(s->db,
                               "INSERT OR REPLACE INTO objects (key, rv, data) VALUES (?,?,?)",
                               -1, &s->st_put, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(s->db, "DELETE FROM objects WHERE key=?", -1, &s->st_del,
                               NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta (k, v) VALUES ('rv', ?)", -1,
                               &s->st_rv, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(s->db, "BEGIN IMMEDIATE", -1, &s->st_begin, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(s->db, "COMMIT", -1, &s->st_commit, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(s->db, "ROLLBACK", -1, &s->st_rollback, NULL) != SQLITE_OK) {
                snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(s->db));
                goto fail;
        }
        sqlite3_wal_hook(s->db, wal_hook, s); /* after the pragma, which resets the hook */
        s->ring_size = store_history_size ? store_history_size : 1;
        s->ring = xcalloc(s->ring_size, sizeof(*s->ring));
        s->oldest_rv = s->rv;
        *ret = s;
        return 0;
fail:
        store_close(s);
        return r;
}

void store_close(struct store *s)
{
        if (!s)
                return;
        sqlite3_finalize(s->st_put);
        sqlite3_finalize(s->st_del);
        sqlite3_finalize(s->st_rv);
        sqlite3_finalize(s->st_begin);
        sqlite3_finalize(s->st_commit);
        sqlite3_finalize(s->st_rollback);
        if (s->db)
                sqlite3_close(s->db);
        for (size_t i = 0; i < s->n; i++)
                entry_free(s->ents[i]);
        free(s->ents);
        if (s->ring) {
                for (size_t i = 0; i < s->ring_size; i++)
                        store_event_release(&s->ring[i]);
                free(s->ring);
        }
        pthread_rwlock_destroy(&s->lock);
        pthread_mutex_destroy(&s->wmu);
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->qmu);
        pthread_cond_destroy(&s->qcond);
        free(s);
}

void store_shutdown(struct store *s)
{
        pthread_mutex_lock(&s->wmu);
        s->shutdown = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->wmu);
}

int64_t store_current_rv(struct store *s)
{
        pthread_rwlock_rdlock(&s->lock);
        int64_t rv = s->rv;
        pthread_rwlock_unlock(&s->lock);
        return rv;
}

static size_t prefix_start(struct store *s, const char *prefix)
{
        bool found;
        return find(s, prefix, &found);
}

int64_t store_count(struct store *s, const char *prefix)
{
        size_t plen = strlen(prefix);
        pthread_rwlock_rdlock(&s->lock);
        int64_t n = 0;
        for (size_t i = prefix_start(s, prefix); i < s->n; i++) {
                if (strncmp(s->ents[i]->key, prefix, plen) != 0)
                        break;
                n++;
        }
        pthread_rwlock_unlock(&s->lock);
        return n;
}

json_t *store_get(struct store *s, const char *key)
{
        bool found;
        json_t *o = NULL;
        pthread_rwlock_rdlock(&s->lock);
        size_t i = find(s, key, &found);
        if (found)
                o = json_incref(s->ents[i]->obj);
        pthread_rwlock_unlock(&s->lock);
        return o;
}

char *store_get_json(struct store *s, const char *key, size_t *ret_len)
{
        bool found;
        char *t = NULL;
        pthread_rwlock_rdlock(&s->lock);
        size_t i = find(s, key, &found);
        if (found) {
                *ret_len = strlen(s->ents[i]->json);
                t = xmalloc(*ret_len + 1);
                memcpy(t, s->ents[i]->json, *ret_len + 1);
        }
        pthread_rwlock_unlock(&s->lock);
        return t;
}

int store_list(struct store *s, const char *prefix, const char *start_after, store_visit_fn fn,
               void *ud, int64_t *ret_rv)
{
        size_t plen = strlen(prefix);
        pthread_rwlock_rdlock(&s->lock);
        size_t i = prefix_start(s, prefix);
        if (start_after) {
                bool found;
                size_t j = find(s, start_after, &found);
                if (found)
                        j++;
                if (j > i)
                        i = j;
        }
        if (ret_rv)
                *ret_rv = s->rv;
        for (; i < s->n; i++) {
                struct entry *e = s->ents[i];
                if (strncmp(e->key, prefix, plen) != 0)
                        break;
                if (fn(ud, e->key, e->obj, e->json))
                        break;
        }
        pthread_rwlock_unlock(&s->lock);
        return 0;
}

static int step_reset(sqlite3_stmt *st)
{
        int r = sqlite3_step(st);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : -EIO;
}

/* Persist every accepted op of a batch (put for create/update, delete otherwise) and the
 * counter in one transaction: one fsync for the whole batch. */
static int persist_batch(struct store *s, struct op *batch, int64_t rv)
{
        if (step_reset(s->st_begin) < 0) {
                log_error("store: BEGIN failed: %s", sqlite3_errmsg(s->db));
                return -EIO;
        }
        int r = 0;
        const char *key = "(counter)";
        for (struct op *o = batch; o && r == 0; o = o->next) {
                if (o->r < 0)
                        continue;
                key = o->key;
                if (o->kind != OP_DELETE) {
                        sqlite3_bind_text(s->st_put, 1, o->key, -1, SQLITE_STATIC);
                        sqlite3_bind_int64(s->st_put, 2, o->rv);
                        sqlite3_bind_text(s->st_put, 3, o->json, -1, SQLITE_STATIC);
                        r = step_reset(s->st_put);
                } else {
                        sqlite3_bind_text(s->st_del, 1, o->key, -1, SQLITE_STATIC);
                        r = step_reset(s->st_del);
                }
        }
        if (r == 0) {
                key = "(counter)";
                sqlite3_bind_int64(s->st_rv, 1, rv);
                r = step_reset(s->st_rv);
        }
        if (r == 0) {
                key = "(commit)";
                r = step_reset(s->st_commit);
        }
        if (r < 0) {
                log_error("store: write of %s failed: %s", key, sqlite3_errmsg(s->db));
                step_reset(s->st_rollback);
        }
        return r;
}

/* Caller holds the write lock. */
static void append_event(struct store *s, enum store_ev_type type, int64_t rv, const char *key,
                         json_t *obj, json_t *prev)
{
        struct store_event *slot = &s->ring[s->ring_head % s->ring_size];
        if (s->ring_head >= s->ring_size)
                s->oldest_rv = slot->rv; /* the event being overwritten is no longer replayable */
        store_event_release(slot);
        slot->type = type;
        slot->rv = rv;
        slot->key = xstrdup(key);
        slot->obj = json_incref(obj);
        slot->prev = prev ? json_incref(prev) : NULL;
        s->ring_head++;
}

static void notify(struct store *s)
{
        pthread_mutex_lock(&s->wmu);
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->wmu);
}

static void set_rv(json_t *obj, int64_t rv)
{
        char b[32];
        snprintf(b, sizeof(b), "%lld", (long long)rv);
        json_object_set_new(jobj(obj, "metadata"), "resourceVersion", json_string(b));
}

/* Decide an op against the committed index plus the batch's earlier accepted ops, as if
 * the batch ran serially.  Only the leader mutates the index, so reading it unlocked is
 * safe here.  Accepted ops get the next revision and everything the apply step needs, so
 * that step (under the write lock) only links pointers. */
static void validate(struct store *s, struct op *batch, struct op *o, int64_t *rv)
{
        struct op *last = NULL; /* the latest accepted earlier op on the same key */
        for (struct op *p = batch; p != o; p = p->next)
                if (p->r == 0 && streq(p->key, o->key))
                        last = p;
        bool exists;
        int64_t cur_rv = 0;
        json_t *cur = NULL;
        if (last) {
                exists = last->kind != OP_DELETE;
                cur_rv = last->rv;
                cur = last->obj;
        } else {
                size_t i = find(s, o->key, &exists);
                if (exists) {
                        cur_rv = s->ents[i]->rv;
                        cur = s->ents[i]->obj;
                }
        }
        if (o->kind == OP_CREATE && exists)
                o->r = -EEXIST;
        else if (o->kind != OP_CREATE && !exists)
                o->r = -ENOENT;
        else if (o->kind != OP_CREATE && o->expect_rv && cur_rv != o->expect_rv)
                o->r = -ESTALE;
        else
                o->r = 0;
        if (o->r < 0)
                return;
        o->rv = ++*rv;
        if (o->kind == OP_DELETE) {
                /* the DELETED event's object: the caller's last state or a copy of the
                 * state this delete removes, stamped with the delete's revision */
                if (!o->obj)
                        o->obj = json_deep_copy(cur);
                set_rv(o->obj, o->rv);
                return;
        }
        set_rv(o->obj, o->rv);
        o->json = jdump(o->obj);
        if (o->kind == OP_CREATE) {
                o->ent = xcalloc(1, sizeof(*o->ent));
                o->ent->key = xstrdup(o->key);
        }
}

/* Caller holds the write lock.  The op was accepted by validate() in this same order, so
 * the index is in exactly the state it assumed. */
static void apply(struct store *s, struct op *o)
{
        bool found;
        size_t i = find(s, o->key, &found);
        if (o->kind == OP_CREATE) {
                struct entry *e = o->ent;
                o->ent = NULL;
                e->obj = o->obj;
                e->json = o->json;
                e->rv = o->rv;
                if (s->n == s->cap) {
                        s->cap = s->cap ? s->cap * 2 : 1024;
                        s->ents = xrealloc(s->ents, s->cap * sizeof(*s->ents));
                }
                memmove(&s->ents[i + 1], &s->ents[i], (s->n - i) * sizeof(*s->ents));
                s->ents[i] = e;
                s->n++;
                append_event(s, STORE_ADDED, o->rv, o->key, o->obj, NULL);
        } else if (o->kind == OP_UPDATE) {
                struct entry *e = s->ents[i];
                json_t *prev = e->obj;
                o->old_json = e->json; /* freed after the lock is dropped */
                e->obj = o->obj;
                e->json = o->json;
                e->rv = o->rv;
                append_event(s, STORE_MODIFIED, o->rv, o->key, o->obj, prev);
                json_decref(prev); /* the ring still holds it */
        } else {
                struct entry *e = s->ents[i];
                memmove(&s->ents[i], &s->ents[i + 1], (s->n - i - 1) * sizeof(*s->ents));
                s->n--;
                append_event(s, STORE_DELETED, o->rv, o->key, o->obj, e->obj);
                json_decref(o->obj);
                o->ent = e; /* freed after the lock is dropped */
        }
        o->obj = NULL;
        o->json = NULL;
}

/* Commit one batch: decide every op in order, write the accepted ones in one transaction,
 * then publish them to readers and watchers.  Every op leaves with o->r set and owning
 * nothing. */
static void commit_batch(struct store *s, struct op *batch)
{
        int64_t rv = s->rv;
        for (struct op *o = batch; o; o = o->next)
                validate(s, batch, o, &rv);
        int r = rv != s->rv ? persist_batch(s, batch, rv) : 0;
        if (r == 0 && rv != s->rv) {
                pthread_rwlock_wrlock(&s->lock);
                for (struct op *o = batch; o; o = o->next)
                        if (o->r == 0)
                                apply(s, o);
                s->rv = rv;
                pthread_rwlock_unlock(&s->lock);
                notify(s);
        }
        for (struct op *o = batch; o; o = o->next) {
                /* a failed transaction fails the whole batch, refusals included: they were
                 * judged against ops that never happened */
                if (r < 0)
                        o->r = -EIO;
                if (o->obj)
                        json_decref(o->obj);
                free(o->json);
                free(o->old_json);
                entry_free(o->ent);
                o->obj = NULL;
                o->json = o->old_json = NULL;
                o->ent = NULL;
        }
}

static int wal_hook(void *ud, sqlite3 *db, const char *name, int pages)
{
        struct store *s = ud;
        s->wal_pages = pages; /* called inside COMMIT, i.e. by the leader */
        return SQLITE_OK;
}

/* Leader only, between batches, without the rwlock: readers go on, writers queue up and
 * form the next (larger) batch. */
static void checkpoint(struct store *s)
{
        int nlog = 0, nckpt = 0;
        int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
        if (rc != SQLITE_OK)
                log_warn("store: checkpoint failed: %s", sqlite3_errmsg(s->db));
        s->wal_pages = 0;
}

/* Queue an op and wait until a leader (possibly this thread) has committed it. */
static int submit(struct store *s, struct op *o, int64_t *ret_rv)
{
        o->next = NULL;
        o->done = false;
        pthread_mutex_lock(&s->qmu);
        *s->qtail = o;
        s->qtail = &o->next;
        while (!o->done) {
                if (s->committing) {
                        pthread_cond_wait(&s->qcond, &s->qmu);
                        continue;
                }
                /* lead: take up to STORE_BATCH_MAX queued ops (ours among them) */
                s->committing = true;
                struct op *batch = s->qhead, **tail = &s->qhead;
                for (size_t n = 0; *tail && n < STORE_BATCH_MAX; n++)
                        tail = &(*tail)->next;
                s->qhead = *tail;
                *tail = NULL;
                if (!s->qhead)
                        s->qtail = &s->qhead;
                pthread_mutex_unlock(&s->qmu);
                commit_batch(s, batch);
                bool ckpt = s->wal_pages >= STORE_CKPT_PAGES;
                pthread_mutex_lock(&s->qmu);
                for (struct op *p = batch, *next; p; p = next) {
                        next = p->next; /* p may be gone once qmu is released */
                        p->done = true;
                }
                if (ckpt) {
                        pthread_cond_broadcast(&s->qcond); /* release the batch first */
                        pthread_mutex_unlock(&s->qmu);
                        checkpoint(s);
                        pthread_mutex_lock(&s->qmu);
                }
                s->committing = false;
                pthread_cond_broadcast(&s->qcond); /* the batch, and the next leader */
        }
        pthread_mutex_unlock(&s->qmu);
        if (o->r == 0 && ret_rv)
                *ret_rv = o->rv;
        return o->r;
}

int store_create(struct store *s, const char *key, json_t *obj, int64_t *ret_rv)
{
        struct op o = {.kind = OP_CREATE, .key = key, .obj = obj};
        return submit(s, &o, ret_rv);
}

int store_update(struct store *s, const char *key, json_t *obj, int64_t expect_rv,
                 int64_t *ret_rv)
{
        struct op o = {.kind = OP_UPDATE, .key = key, .obj = obj, .expect_rv = expect_rv};
        return submit(s, &o, ret_rv);
}

int store_delete(struct store *s, const char *key, int64_t expect_rv, json_t *last_state,
                 int64_t *ret_rv)
{
        struct op o = {.kind = OP_DELETE, .key = key, .obj = last_state, .expect_rv = expect_rv};
        return submit(s, &o, ret_rv);
}

int store_watch_open(struct store *s, const char *prefix, int64_t from_rv,
                     struct store_watch **ret)
{
        pthread_rwlock_rdlock(&s->lock);
        if (from_rv < s->oldest_rv || from_rv > s->rv) {
                /* a future rv is as unanswerable as a forgotten one */
                pthread_rwlock_unlock(&s->lock);
                return from_rv > s->rv ? -ERANGE : -ESTALE;
        }
        struct store_watch *w = xcalloc(1, sizeof(*w));
        w->s = s;
        w->prefix = xstrdup(prefix);
        w->rv = from_rv;
        /* position: first ring slot with rv > from_rv */
        uint64_t lo = s->ring_head > s->ring_size ? s->ring_head - s->ring_size : 0;
        uint64_t pos = s->ring_head;
        while (pos > lo && s->ring[(pos - 1) % s->ring_size].rv > from_rv)
                pos--;
        w->pos = pos;
        pthread_rwlock_unlock(&s->lock);
        *ret = w;
        return 0;
}

/* Take the next matching event if there is one; caller holds the read lock. */
static int take(struct store_watch *w, struct store_event *ev)
{
        struct store *s = w->s;
        if (s->ring_head > s->ring_size && w->pos < s->ring_head - s->ring_size)
                return -ESTALE;
        size_t plen = strlen(w->prefix);
        while (w->pos < s->ring_head) {
                struct store_event *e = &s->ring[w->pos % s->ring_size];
                w->pos++;
                w->rv = e->rv;
                if (strncmp(e->key, w->prefix, plen) != 0)
                        continue;
                ev->type = e->type;
                ev->rv = e->rv;
                ev->key = xstrdup(e->key);
                ev->obj = json_incref(e->obj);
                ev->prev = e->prev ? json_incref(e->prev) : NULL;
                return 0;
        }
        return -EAGAIN;
}

int store_watch_next(struct store_watch *w, int timeout_ms, struct store_event *ev)
{
        struct store *s = w->s;
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
                deadline.tv_sec++;
                deadline.tv_nsec -= 1000000000L;
        }
        for (;;) {
                pthread_mutex_lock(&s->wmu);
                bool down = s->shutdown;
                pthread_mutex_unlock(&s->wmu);
                if (down)
                        return -ECANCELED;
                pthread_rwlock_rdlock(&s->lock);
                uint64_t seen_head = s->ring_head;
                int r = take(w, ev);
                pthread_rwlock_unlock(&s->lock);
                if (r != -EAGAIN)
                        return r;
                pthread_mutex_lock(&s->wmu);
                int wr = 0;
                /* re-check under wmu: a commit between take() and here has notified already */
                pthread_rwlock_rdlock(&s->lock);
                bool moved = s->ring_head != seen_head;
                pthread_rwlock_unlock(&s->lock);
                if (!moved && !s->shutdown)
                        wr = pthread_cond_timedwait(&s->cond, &s->wmu, &deadline);
                pthread_mutex_unlock(&s->wmu);
                if (wr == ETIMEDOUT)
                        return -ETIMEDOUT;
        }
}

int64_t store_watch_rv(struct store_watch *w)
{
        return w->rv;
}

void store_watch_close(struct store_watch *w)
{
        if (!w)
                return;
        free(w->prefix);
        free(w);
}
