/* scheduler_int.h — the scheduler's incremental cache (sched_cache.c), shared by scheduler.c
 * and the unit tests: the pod and node informer events go in, per-node requested resources
 * and the queue of pods to schedule come out.  Pure (no API calls, no clock reads, no
 * threads): the caller holds its own lock and passes the time in. */
#ifndef JOBD_SCHEDULER_INT_H
#define JOBD_SCHEDULER_INT_H
#include "scheduler/sched_core.h"

/* An unschedulable pod is tried again after this long even if no event moved it. */
#define SCHED_UNSCHEDULABLE_FLUSH_NS (60LL * 1000000000LL)
/* After a failed write (binding, status): 1 s, doubling per attempt, capped. */
#define SCHED_BACKOFF_BASE_NS (1000000000LL)
#define SCHED_BACKOFF_MAX_NS (10LL * 1000000000LL)

struct sched_cache;

struct sched_cache *sched_cache_new(void);
void sched_cache_free(struct sched_cache *c);

/* Informer events; put keeps its own reference to the object.  *_replace applies a relist:
 * fresh maps the key ("ns/name" for pods, the name for nodes) to the object. */
void sched_cache_pod_put(struct sched_cache *c, json_t *pod);
void sched_cache_pod_delete(struct sched_cache *c, json_t *pod);
void sched_cache_pods_replace(struct sched_cache *c, json_t *fresh);
void sched_cache_node_put(struct sched_cache *c, json_t *node);
void sched_cache_node_delete(struct sched_cache *c, json_t *node);
void sched_cache_nodes_replace(struct sched_cache *c, json_t *fresh);

/* The requests charged to a node (bound, non-terminal pods); false if nothing is known
 * about that name (no Node object and no pod bound to it). */
bool sched_cache_node_used(struct sched_cache *c, const char *name, struct sched_res *ret);
size_t sched_cache_pending(struct sched_cache *c); /* queued, parked or being tried */

/* True when a pass has pods to try.  flush first moves parked pods whose retry time has
 * come back to the queue. */
bool sched_cache_has_active(struct sched_cache *c);
void sched_cache_flush(struct sched_cache *c, int64_t now_ns);

/* A pass: the queued pods (oldest first) and a copy of the nodes' accounting.  Each item
 * and node holds a reference, so the batch outlives any cache change. */
struct sched_item {
        json_t *pod;
        char *key, *sig; /* sig: the scheduling-relevant spec; equal sigs, equal decisions */
        const char *created, *name;
};
struct sched_batch {
        struct sched_item *items;
        size_t nitems;
        struct sched_node *nodes; /* by name */
        size_t nnodes;
        uint64_t seq; /* the cache's move counter when the batch was taken */
};
void sched_cache_pop(struct sched_cache *c, struct sched_batch *ret);
void sched_batch_release(struct sched_batch *b);

enum sched_outcome {
        SCHED_BOUND,         /* node is where the pod went: charge it until the watch says so */
        SCHED_UNSCHEDULABLE, /* fits nowhere: park until something frees room */
        SCHED_ERROR,         /* a write failed: retry after a backoff */
};
void sched_cache_done(struct sched_cache *c, const struct sched_batch *b,
                      const struct sched_item *it, enum sched_outcome o, const char *node,
                      int64_t now_ns);
#endif
