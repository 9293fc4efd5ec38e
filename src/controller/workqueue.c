/* workqueue.c — see workqueue.h.  One mutex and one condition variable; sets are jansson
 * objects (hash tables keyed by the key string), the FIFO is a ring of owned strings.
 * Delayed keys sit in a map key → due time and are promoted by whichever thread waits in
 * wq_get(); the number of delayed keys is bounded by the number of Jobs, so a scan per
 * wake-up is cheap. */
#include <pthread.h>
#include <time.h>
#include "base/jsonu.h"
#include "base/util.h"
#include "controller/workqueue.h"

struct workqueue {
        pthread_mutex_t mu;
        pthread_cond_t cv;
        char **ring;
        size_t head, len, cap;
        json_t *dirty;      /* queued or to be re-queued */
        json_t *processing; /* handed out, not done */
        json_t *delayed;    /* key -> due (mono ns) */
        json_t *failures;   /* key -> count */
        int64_t base, cap_ns;
        bool shutdown;
};

struct workqueue *wq_new(int64_t rl_base_ns, int64_t rl_cap_ns)
{
        struct workqueue *q = xcalloc(1, sizeof(*q));
        pthread_mutex_init(&q->mu, NULL);
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&q->cv, &ca);
        pthread_condattr_destroy(&ca);
        q->dirty = json_object();
        q->processing = json_object();
        q->delayed = json_object();
        q->failures = json_object();
        q->base = rl_base_ns > 0 ? rl_base_ns : 1000000000LL;
        q->cap_ns = rl_cap_ns > 0 ? rl_cap_ns : 60LL * 1000000000LL;
        return q;
}

void wq_free(struct workqueue *q)
{
        if (!q)
                return;
        for (size_t i = 0; i < q->len; i++)
                free(q->ring[(q->head + i) % q->cap]);
        free(q->ring);
        json_decref(q->dirty);
        json_decref(q->processing);
        json_decref(q->delayed);
        json_decref(q->failures);
        pthread_cond_destroy(&q->cv);
        pthread_mutex_destroy(&q->mu);
        free(q);
}

static void ring_push(struct workqueue *q, const char *key)
{
        if (q->len == q->cap) {
                size_t nc = q->cap ? q->cap * 2 : 64;
                char **nr = xcalloc(nc, sizeof(*nr));
                for (size_t i = 0; i < q->len; i++)
                        nr[i] = q->ring[(q->head + i) % q->cap];
                free(q->ring);
                q->ring = nr;
                q->cap = nc;
                q->head = 0;
        }
        q->ring[(q->head + q->len) % q->cap] = xstrdup(key);
        q->len++;
}

/* Called with mu held. */
static void add_locked(struct workqueue *q, const char *key)
{
        if (q->shutdown || json_object_get(q->dirty, key))
                return;
        json_object_set_new(q->dirty, key, json_true());
        if (json_object_get(q->processing, key))
                return; /* re-queued by wq_done */
        ring_push(q, key);
        pthread_cond_signal(&q->cv);
}

void wq_add(struct workqueue *q, const char *key)
{
        pthread_mutex_lock(&q->mu);
        add_locked(q, key);
        pthread_mutex_unlock(&q->mu);
}

void wq_add_after(struct workqueue *q, const char *key, int64_t delay_ns)
{
        if (delay_ns <= 0) {
                wq_add(q, key);
                return;
        }
        pthread_mutex_lock(&q->mu);
        if (!q->shutdown) {
                int64_t due = clock_mono_ns() + delay_ns;
                json_t *cur = json_object_get(q->delayed, key);
                if (!cur || json_integer_value(cur) > due)
                        json_object_set_new(q->delayed, key, json_integer(due));
                pthread_cond_broadcast(&q->cv);
        }
        pthread_mutex_unlock(&q->mu);
}

void wq_add_rate_limited(struct workqueue *q, const char *key)
{
        pthread_mutex_lock(&q->mu);
        json_t *f = json_object_get(q->failures, key);
        int64_t n = f ? json_integer_value(f) : 0;
        json_object_set_new(q->failures, key, json_integer(n + 1));
        pthread_mutex_unlock(&q->mu);
        int64_t d = q->base;
        for (int64_t i = 0; i < n && d < q->cap_ns; i++)
                d *= 2;
        if (d > q->cap_ns)
                d = q->cap_ns;
        wq_add_after(q, key, d);
}

void wq_forget(struct workqueue *q, const char *key)
{
        pthread_mutex_lock(&q->mu);
        json_object_del(q->failures, key);
        pthread_mutex_unlock(&q->mu);
}

/* Promote due delayed keys; returns the earliest remaining due time (0 if none). */
static int64_t promote_locked(struct workqueue *q)
{
        int64_t now = clock_mono_ns(), next = 0;
        const char *k;
        json_t *v, *tmp;
        json_object_foreach_safe(q->delayed, tmp, k, v)
        {
                int64_t due = json_integer_value(v);
                if (due <= now) {
                        char *key = xstrdup(k);
                        json_object_del(q->delayed, key);
                        add_locked(q, key);
                        free(key);
                } else if (!next || due < next) {
                        next = due;
                }
        }
        return next;
}

int wq_get(struct workqueue *q, int timeout_ms, char **ret_key)
{
        int64_t deadline = timeout_ms >= 0 ? clock_mono_ns() + (int64_t)timeout_ms * 1000000LL : 0;
        pthread_mutex_lock(&q->mu);
        for (;;) {
                if (q->shutdown) {
                        pthread_mutex_unlock(&q->mu);
                        return -ECANCELED;
                }
                int64_t next = promote_locked(q);
                if (q->len > 0)
                        break;
                int64_t wake = next;
                if (deadline && (!wake || deadline < wake))
                        wake = deadline;
                if (deadline && clock_mono_ns() >= deadline) {
                        pthread_mutex_unlock(&q->mu);
                        return -ETIMEDOUT;
                }
                if (!wake) {
                        pthread_cond_wait(&q->cv, &q->mu);
                } else {
                        struct timespec ts = {.tv_sec = wake / 1000000000LL,
                                              .tv_nsec = wake % 1000000000LL};
                        pthread_cond_timedwait(&q->cv, &q->mu, &ts);
                }
        }
        char *key = q->ring[q->head];
        q->head = (q->head + 1) % q->cap;
        q->len--;
        json_object_del(q->dirty, key);
        json_object_set_new(q->processing, key, json_true());
        pthread_mutex_unlock(&q->mu);
        *ret_key = key;
        return 0;
}

void wq_done(struct workqueue *q, const char *key)
{
        pthread_mutex_lock(&q->mu);
        json_object_del(q->processing, key);
        if (json_object_get(q->dirty, key) && !q->shutdown) {
                ring_push(q, key);
                pthread_cond_signal(&q->cv);
        }
        pthread_mutex_unlock(&q->mu);
}

void wq_shutdown(struct workqueue *q)
{
        pthread_mutex_lock(&q->mu);
        q->shutdown = true;
        pthread_cond_broadcast(&q->cv);
        pthread_mutex_unlock(&q->mu);
}

size_t wq_len(struct workqueue *q)
{
        pthread_mutex_lock(&q->mu);
        size_t n = q->len;
        pthread_mutex_unlock(&q->mu);
        return n;
}
