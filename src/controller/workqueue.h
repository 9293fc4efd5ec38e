/* workqueue.h — a rate-limited work queue of string keys, as client-go's workqueue.
 *
 * Why these semantics: event handlers only enqueue keys and many events for one Job
 * collapse into one pending key (dirty set); a key being processed is never handed to a
 * second worker — if it is re-added meanwhile it is queued again when wq_done() is called;
 * failed keys come back after a per-key exponential delay (base..cap), reset by
 * wq_forget().  Delays use the monotonic clock, never the (fakeable) wall clock. */
#ifndef JOBD_WORKQUEUE_H
#define JOBD_WORKQUEUE_H
#include <stdbool.h>
#include "base/base.h"

struct workqueue;

struct workqueue *wq_new(int64_t rl_base_ns, int64_t rl_cap_ns);
void wq_free(struct workqueue *q);
void wq_add(struct workqueue *q, const char *key);
/* Add after delay (<= 0: now).  An earlier pending delay for the key wins. */
void wq_add_after(struct workqueue *q, const char *key, int64_t delay_ns);
/* Add after the key's next exponential backoff delay. */
void wq_add_rate_limited(struct workqueue *q, const char *key);
void wq_forget(struct workqueue *q, const char *key);
/* Block up to timeout_ms (-1 forever) for a key; 0 and *ret_key (caller frees, then calls
 * wq_done), -ETIMEDOUT, or -ECANCELED after wq_shutdown(). */
int wq_get(struct workqueue *q, int timeout_ms, char **ret_key);
void wq_done(struct workqueue *q, const char *key);
void wq_shutdown(struct workqueue *q);
size_t wq_len(struct workqueue *q);
#endif
