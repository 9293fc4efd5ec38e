/* store.h — the only code that speaks SQL.
 *
 * Objects are kept twice: durably in SQLite (WAL, synchronous=FULL, one row per object)
 * and in memory as an array sorted by key, each entry holding the immutable parsed object
 * and its serialised JSON.  Reads never touch SQLite; a write returns only after its
 * transaction committed, and no reader sees it before then.  Concurrent writes are group
 * committed (one transaction and one fsync per batch, see store.c) yet behave as if run
 * one at a time: preconditions see every earlier write and revisions follow that order.
 * Keys are "<resource>/<namespace>/<name>" for namespaced objects and "<resource>/<name>"
 * for cluster-scoped ones, so a namespace's objects are one contiguous key range.
 *
 * resourceVersion is one global 64-bit counter stored in the same transaction as the
 * object.  Every write appends an event to a bounded in-memory history (a ring).  A watch
 * is just a cursor into that ring: no per-watcher queue can overflow silently — a cursor
 * the ring has overtaken gets -ESTALE (410 Expired) and the client re-lists.
 *
 * Objects handed to the store become immutable and shared (jansson refcounts are atomic);
 * anyone who wants to change one deep-copies it first.
 */
#ifndef JOBD_STORE_H
#define JOBD_STORE_H
#include <stdbool.h>
#include "base/jsonu.h"

struct store;

struct store_obj {      /* a reference to one stored version */
        json_t *obj;    /* borrowed from the store: incref to keep */
        const char *json; /* serialised obj, valid while obj is held */
        int64_t rv;
};

enum store_ev_type { STORE_ADDED, STORE_MODIFIED, STORE_DELETED };
struct store_event {
        enum store_ev_type type;
        int64_t rv;
        char *key;      /* owned */
        json_t *obj;    /* owned ref: new state (deleted: last state with the delete's rv) */
        json_t *prev;   /* owned ref or NULL: previous state (for selector transitions) */
};
void store_event_release(struct store_event *ev);

int store_open(const char *path, struct store **ret, char *err, size_t errlen);
void store_close(struct store *s);
/* Wake every watcher with -ECANCELED (server shutdown). */
void store_shutdown(struct store *s);

int64_t store_current_rv(struct store *s);
int64_t store_count(struct store *s, const char *prefix);

/* Returns a new reference to the object, or NULL if absent. */
json_t *store_get(struct store *s, const char *key);
/* The stored JSON text of the object (a copy the caller frees), or NULL if absent: what a
 * plain GET answers, without serialising the tree again. */
char *store_get_json(struct store *s, const char *key, size_t *ret_len);

/* Visit objects whose key starts with prefix, in key order, starting after start_after
 * (exclusive; NULL = from the beginning), under one consistent snapshot.  fn returns
 * 0 to continue, 1 to stop.  *ret_rv is the store's resourceVersion of that snapshot. */
typedef int (*store_visit_fn)(void *ud, const char *key, json_t *obj, const char *json);
int store_list(struct store *s, const char *prefix, const char *start_after, store_visit_fn fn,
               void *ud, int64_t *ret_rv);

/* Writes.  obj is stolen (it becomes immutable); its metadata.resourceVersion is set to
 * the new revision.  expect_rv 0 = unconditional; otherwise -ESTALE if the stored rv
 * differs.  Return 0, -EEXIST, -ENOENT, -ESTALE, or -EIO (SQLite failure; nothing changed).
 * -EIO can also replace a refusal: a write committed in the same batch as a failed
 * transaction fails with it whatever its own verdict would have been. */
int store_create(struct store *s, const char *key, json_t *obj, int64_t *ret_rv);
int store_update(struct store *s, const char *key, json_t *obj, int64_t expect_rv,
                 int64_t *ret_rv);
/* The DELETED event carries last_state (stolen; NULL = stored object) with the new rv. */
int store_delete(struct store *s, const char *key, int64_t expect_rv, json_t *last_state,
                 int64_t *ret_rv);

/* Watch keys with prefix, delivering events with rv > from_rv.  -ESTALE if from_rv is
 * older than the history holds. */
struct store_watch;
int store_watch_open(struct store *s, const char *prefix, int64_t from_rv,
                     struct store_watch **ret);
/* 0 with *ev filled; -ETIMEDOUT; -ESTALE (overtaken: 410); -ECANCELED (shutdown). */
int store_watch_next(struct store_watch *w, int timeout_ms, struct store_event *ev);
int64_t store_watch_rv(struct store_watch *w); /* last rv delivered or skipped */
void store_watch_close(struct store_watch *w);

/* History size (events); set before store_open.  Default 20000. */
extern size_t store_history_size;
#endif
