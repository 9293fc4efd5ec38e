/* ttl.c — the TTL-after-finished controller (pkg/controller/ttlafterfinished).
 *
 * A finished Job (Complete=True or Failed=True) with spec.ttlSecondsAfterFinished is
 * deleted once now >= finish time + TTL, the finish time being the terminal condition's
 * lastTransitionTime.  It shares the Job informer of the Job controller (handlers call
 * ttl_job_changed) and has its own queue, so a long wait never holds a Job worker.
 *
 * Why it re-reads the Job from the API before deleting: the TTL is mutable even after
 * the Job finished (extending or removing it must prevent the deletion), and the cache
 * may lag; the DELETE also carries a uid precondition so a new Job with the same name is
 * never hit. */
#include <pthread.h>
#include "api/client.h"
#include "base/log.h"
#include "base/util.h"
#include "controller/informer.h"
#include "controller/job_controller.h"
#include "controller/job_pods.h"
#include "controller/job_sync.h"
#include "controller/workqueue.h"

static struct {
        pthread_mutex_t mu;
        struct workqueue *q;
        struct informer *jobs;
        pthread_t thread;
        bool running;
        char *propagation;
} ttl = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* Nanoseconds at which the Job expires, or 0 when it is not a TTL candidate. */
static int64_t ttl_expiry_ns(json_t *job)
{
        int64_t secs;
        if (!jint(job, "spec.ttlSecondsAfterFinished", &secs) || secs < 0)
                return 0;
        if (pod_deleting(job) || !job_is_finished(job))
                return 0;
        int64_t fin = 0;
        size_t i;
        json_t *c;
        json_array_foreach(jget(job, "status.conditions"), i, c)
        {
                const char *t = jstr(c, "type");
                if ((streq(t, "Complete") || streq(t, "Failed")) &&
                    streq(jstr(c, "status"), "True")) {
                        int64_t tt = obj_time_ns(c, "lastTransitionTime");
                        if (tt > fin)
                                fin = tt;
                }
        }
        if (!fin)
                fin = obj_time_ns(job, "status.completionTime");
        if (!fin)
                return 0;
        return fin + secs * 1000000000LL;
}

void ttl_job_changed(json_t *job)
{
        if (!ttl_expiry_ns(job))
                return;
        _cleanup_free_ char *key = xasprintf("%s/%s", jstr(job, "metadata.namespace") ?: "",
                                             jstr(job, "metadata.name") ?: "");
        pthread_mutex_lock(&ttl.mu);
        if (ttl.running)
                wq_add(ttl.q, key);
        pthread_mutex_unlock(&ttl.mu);
}

static int ttl_process(const char *key)
{
        const char *slash = strchr(key, '/');
        if (!slash)
                return 0;
        _cleanup_free_ char *ns = xstrndup(key, (size_t)(slash - key));
        const char *name = slash + 1;
        _cleanup_json_ json_t *cached = informer_get(ttl.jobs, ns, name);
        int64_t exp = cached ? ttl_expiry_ns(cached) : 0;
        if (!exp)
                return 0;
        int64_t now = clock_now_ns();
        if (now < exp) {
                wq_add_after(ttl.q, key, exp - now);
                return 0;
        }
        /* Expired per the cache: confirm against the API (the TTL may have changed). */
        _cleanup_free_ char *path = xasprintf("/apis/batch/v1/namespaces/%s/jobs/%s", ns, name);
        struct kresp g;
        int e = kc_request("GET", path, NULL, NULL, NULL, &g);
        if (e < 0 || g.code != 200) {
                int code = g.code;
                kresp_release(&g);
                return code == 404 ? 0 : -EIO;
        }
        exp = ttl_expiry_ns(g.body);
        _cleanup_free_ char *uid = xstrdup(jstr(g.body, "metadata.uid") ?: "");
        kresp_release(&g);
        if (!exp)
                return 0;
        now = clock_now_ns();
        if (now < exp) {
                wq_add_after(ttl.q, key, exp - now);
                return 0;
        }
        _cleanup_json_ json_t *opts = json_pack("{s:s, s:s, s:s, s:{s:s}}", "apiVersion", "v1",
                                                "kind", "DeleteOptions", "propagationPolicy",
                                                ttl.propagation, "preconditions", "uid", uid);
        struct kresp d;
        e = kc_request("DELETE", path, NULL, opts, NULL, &d);
        int code = d.code;
        kresp_release(&d);
        if (e < 0)
                return e;
        if (code == 200 || code == 202 || code == 404 || code == 409) {
                if (code == 200 || code == 202)
                        log_info("ttl-after-finished: deleted job %s", key);
                return 0;
        }
        return -EIO;
}

static void *ttl_worker(void *arg)
{
        char *key;
        while (wq_get(ttl.q, -1, &key) == 0) {
                if (ttl_process(key) < 0)
                        wq_add_rate_limited(ttl.q, key);
                else
                        wq_forget(ttl.q, key);
                wq_done(ttl.q, key);
                free(key);
        }
        return NULL;
}

int ttl_controller_start(struct informer *jobs, const char *propagation)
{
        pthread_mutex_lock(&ttl.mu);
        if (ttl.running) {
                pthread_mutex_unlock(&ttl.mu);
                return -EALREADY;
        }
        ttl.jobs = jobs;
        ttl.q = wq_new(1000000000LL, 60LL * 1000000000LL);
        ttl.propagation = xstrdup(propagation ? propagation : "Background");
        if (pthread_create(&ttl.thread, NULL, ttl_worker, NULL) != 0) {
                wq_free(ttl.q);
                ttl.q = NULL;
                pthread_mutex_unlock(&ttl.mu);
                return -EAGAIN;
        }
        ttl.running = true;
        pthread_mutex_unlock(&ttl.mu);
        return 0;
}

void ttl_controller_stop(void)
{
        pthread_mutex_lock(&ttl.mu);
        if (!ttl.running) {
                pthread_mutex_unlock(&ttl.mu);
                return;
        }
        ttl.running = false;
        wq_shutdown(ttl.q);
        pthread_mutex_unlock(&ttl.mu);
        pthread_join(ttl.thread, NULL);
        wq_free(ttl.q);
        ttl.q = NULL;
        free(ttl.propagation);
        ttl.propagation = NULL;
}
