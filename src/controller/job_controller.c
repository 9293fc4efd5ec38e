/* job_controller.c — wiring of the Job controller: informers, work queue, expectations,
 * and the API writes behind job_apply's pod-control ops.
 *
 * Why this shape (pkg/controller/job): event handlers only enqueue keys; a worker pops a
 * key and runs the pure job_sync() on the cached Job and its pods, then job_sync_apply()
 * performs the writes in the crash-safe order.  Two kinds of expectations close the gaps
 * a lagging cache would open:
 *   - creations (a count) and deletions (pod UIDs) issued but not yet seen: the next
 *     sync does not create or delete more until they are observed (or 5 minutes pass),
 *     so a stale cache never makes us exceed the wanted number of active pods;
 *   - finalizer removals (pod UIDs) issued but not yet seen: job_sync treats those pods
 *     as released, so a pod counted in status is never counted again from a stale copy.
 * Expectations are raised before each request and lowered when it fails.
 *
 * Start-up order matters for exactly-once counting (see job_sync.c): Jobs are listed
 * before Pods, so the pod cache is never older than the job cache it is combined with,
 * and workers start only after both lists are cached.  Our own status writes are put
 * into the job cache at once (informer_put), so the next sync starts from them instead of
 * failing with 409 on a version we know is stale.
 *
 * The in-memory state (expectations, pod-failure backoff) is lost on restart, as
 * upstream's is; nothing in it is needed for correct counts. */
#include <pthread.h>
#include "api/client.h"
#include "base/log.h"
#include "base/util.h"
#include "controller/informer.h"
#include "controller/job_apply.h"
#include "controller/job_controller.h"
#include "controller/job_pods.h"
#include "controller/job_sync.h"
#include "controller/workqueue.h"

#define EXPECTATIONS_TTL_NS (300LL * 1000000000LL)
#define MAX_WORKERS 64

static struct {
        struct job_controller_config cfg;
        struct job_sync_config sync_cfg;
        struct informer *jobs, *pods;
        struct workqueue *q;
        pthread_t workers[MAX_WORKERS];
        int nworkers;
        bool running;
        pthread_mutex_t mu; /* guards state and uid_key */
        /* key -> {"uid", "add", "del":{uid}, "rmfin":{uid}, "ts", "bof", "bot"} */
        json_t *state;
        json_t *uid_key; /* job uid -> key */
        uint64_t event_seq;
} jc = {.mu = PTHREAD_MUTEX_INITIALIZER};

void job_controller_config_default(struct job_controller_config *c)
{
        *c = (struct job_controller_config){
                .workers = 4,
                .backoff_base_ns = 10LL * 1000000000LL,
                .backoff_cap_ns = 600LL * 1000000000LL,
                .sync_period_ns = 1000000000LL,
                .api_backoff_base_ns = 1000000000LL,
                .api_backoff_cap_ns = 60LL * 1000000000LL,
                .ttl_propagation = "Background",
        };
}

static char *job_key(json_t *job)
{
        return xasprintf("%s/%s", jstr(job, "metadata.namespace") ?: "",
                         jstr(job, "metadata.name") ?: "");
}

/* ---- per-job state (call with jc.mu held) ------------------------------------------- */

static json_t *state_locked(const char *key)
{
        json_t *s = json_object_get(jc.state, key);
        if (!s) {
                s = json_pack("{s:i, s:{}, s:{}, s:I}", "add", 0, "del", "rmfin", "ts",
                              (json_int_t)clock_mono_ns());
                json_object_set_new(jc.state, key, s);
        }
        return s;
}

static void exp_creates(const char *key, int delta)
{
        pthread_mutex_lock(&jc.mu);
        json_t *s = state_locked(key);
        int64_t a = 0;
        jint(s, "add", &a);
        a += delta;
        jset_int(s, "add", a < 0 ? 0 : a);
        if (delta > 0)
                jset_int(s, "ts", clock_mono_ns());
        pthread_mutex_unlock(&jc.mu);
}

static void exp_uid(const char *key, const char *set, const char *uid, bool add)
{
        if (!uid)
                return;
        pthread_mutex_lock(&jc.mu);
        json_t *s = state_locked(key);
        if (add) {
                json_object_set_new(json_object_get(s, set), uid, json_true());
                jset_int(s, "ts", clock_mono_ns());
        } else {
                json_object_del(json_object_get(s, set), uid);
        }
        pthread_mutex_unlock(&jc.mu);
}

static const char *key_for_uid_locked(const char *uid)
{
        return uid ? jstr(jc.uid_key, uid) : NULL;
}

/* ---- event handlers ------------------------------------------------------------------- */

/* Pod events are batched per Job (syncJobBatchPeriod), but on the leading edge: the first
 * event after a quiet period syncs at once, and later ones ride on one sync per period.
 * Upstream delays every event by the full period, which adds that delay to every pod
 * replacement; under load both give at most one batched sync per period.  "lb" is the
 * time of the last (or next scheduled) batched sync. */
static void enqueue_batched(const char *key)
{
        int64_t now = clock_mono_ns(), period = jc.cfg.sync_period_ns, lb = INT64_MIN / 2;
        pthread_mutex_lock(&jc.mu);
        json_t *s = state_locked(key);
        jint(s, "lb", &lb);
        if (lb > now) { /* a batched sync is already due at lb and will see this event */
                pthread_mutex_unlock(&jc.mu);
                return;
        }
        bool immediate = now - lb >= period;
        int64_t at = immediate ? now : lb + period;
        jset_int(s, "lb", at);
        pthread_mutex_unlock(&jc.mu);
        if (immediate)
                wq_add(jc.q, key);
        else
                wq_add_after(jc.q, key, at - now);
}

static void register_job(json_t *job, const char *key)
{
        const char *uid = jstr(job, "metadata.uid");
        pthread_mutex_lock(&jc.mu);
        if (uid)
                json_object_set_new(jc.uid_key, uid, json_string(key));
        pthread_mutex_unlock(&jc.mu);
        ttl_job_changed(job);
}

static void on_job_add(void *ud, json_t *job)
{
        _cleanup_free_ char *key = job_key(job);
        register_job(job, key);
        wq_add(jc.q, key);
}

static void on_job_update(void *ud, json_t *old, json_t *cur)
{
        _cleanup_free_ char *key = job_key(cur);
        int64_t g0 = 0, g1 = 0;
        jint(old, "metadata.generation", &g0);
        jint(cur, "metadata.generation", &g1);
        bool del_changed = pod_deleting(old) != pod_deleting(cur);
        if (g0 != g1 || del_changed || !streq(jstr(old, "metadata.uid"), jstr(cur, "metadata.uid")))
                wq_add(jc.q, key);
        else if (!json_equal(jget(old, "status"), jget(cur, "status")) ||
                 !json_equal(jget(old, "metadata.labels"), jget(cur, "metadata.labels")))
                enqueue_batched(key);
        register_job(cur, key);
}

static void on_job_delete(void *ud, json_t *job)
{
        _cleanup_free_ char *key = job_key(job);
        const char *uid = jstr(job, "metadata.uid");
        pthread_mutex_lock(&jc.mu);
        if (uid) {
                json_object_del(jc.uid_key, uid);
                jset_str(state_locked(key), "uid", uid);
        }
        pthread_mutex_unlock(&jc.mu);
        wq_add(jc.q, key);
}

static bool owned_by_batch_job(json_t *pod)
{
        json_t *refs = jget(pod, "metadata.ownerReferences");
        size_t i;
        json_t *r;
        json_array_foreach(refs, i, r)
        {
                if (jbool(r, "controller"))
                        return streq(jstr(r, "kind"), "Job") &&
                               streq(jstr(r, "apiVersion"), "batch/v1");
        }
        return false;
}

/* Route a pod event to its Job's key (observing expectations), or to the orphan path. */
static void pod_event(json_t *old, json_t *cur, bool deleted)
{
        json_t *pod = cur ? cur : old;
        const char *uid = jstr(pod, "metadata.uid");
        const char *cuid = pod_controller_uid(pod);
        pthread_mutex_lock(&jc.mu);
        const char *k = key_for_uid_locked(cuid);
        _cleanup_free_ char *key = k ? xstrdup(k) : NULL;
        if (key) {
                json_t *s = state_locked(key);
                if (!old && cur) {
                        int64_t a = 0;
                        jint(s, "add", &a);
                        if (a > 0)
                                jset_int(s, "add", a - 1);
                }
                if (deleted || pod_deleting(pod))
                        json_object_del(json_object_get(s, "del"), uid ?: "");
                if (deleted || !pod_has_finalizer(pod, JOB_TRACKING_FINALIZER))
                        json_object_del(json_object_get(s, "rmfin"), uid ?: "");
        }
        pthread_mutex_unlock(&jc.mu);
        if (key) {
                /* a pod being deleted is acted upon at once (replacement policy) */
                if (cur && pod_deleting(cur) && !(old && pod_deleting(old)))
                        wq_add(jc.q, key);
                else
                        enqueue_batched(key);
        } else if (!deleted && owned_by_batch_job(pod) &&
                   pod_has_finalizer(pod, JOB_TRACKING_FINALIZER)) {
                _cleanup_free_ char *pk = xasprintf("pod:%s/%s", jstr(pod, "metadata.namespace") ?: "",
                                                    jstr(pod, "metadata.name") ?: "");
                enqueue_batched(pk);
        }
}

static void on_pod_add(void *ud, json_t *pod)
{
        pod_event(NULL, pod, false);
}

static void on_pod_update(void *ud, json_t *old, json_t *cur)
{
        pod_event(old, cur, false);
}

static void on_pod_delete(void *ud, json_t *pod)
{
        pod_event(pod, NULL, true);
}

/* ---- pod control over the in-process client ---------------------------------------- */

struct op_ctx {
        const char *key;
};

static void status_message(struct kresp *r, char *err, size_t n)
{
        const char *m = jstr(r->body, "message");
        snprintf(err, n, "%s", m ? m : "request failed");
}

static int op_create(void *ud, json_t *job, json_t *pod, char **ret_name, char *err, size_t n)
{
        struct op_ctx *c = ud;
        _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods",
                                              jstr(job, "metadata.namespace") ?: "default");
        exp_creates(c->key, +1);
        struct kresp r;
        int e = kc_request("POST", path, NULL, pod, NULL, &r);
        if (e == 0 && (r.code == 201 || r.code == 200)) {
                *ret_name = xstrdup(jstr(r.body, "metadata.name") ?: "");
                kresp_release(&r);
                return 0;
        }
        exp_creates(c->key, -1);
        if (e < 0)
                snprintf(err, n, "%s", strerror(-e));
        else
                status_message(&r, err, n);
        kresp_release(&r);
        return e < 0 ? e : -EIO;
}

static int op_delete(void *ud, json_t *job, const char *name, const char *uid, char *err,
                     size_t n)
{
        struct op_ctx *c = ud;
        _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods/%s",
                                              jstr(job, "metadata.namespace") ?: "default",
                                              name ?: "");
        _cleanup_json_ json_t *body = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind",
                                                "DeleteOptions", "preconditions", "uid",
                                                uid ?: "");
        exp_uid(c->key, "del", uid, true);
        struct kresp r;
        int e = kc_request("DELETE", path, NULL, body, NULL, &r);
        if (e == 0 && (r.code == 200 || r.code == 202)) {
                kresp_release(&r);
                return 0;
        }
        exp_uid(c->key, "del", uid, false);
        if (e == 0 && (r.code == 404 || r.code == 409)) {
                kresp_release(&r); /* already gone (or replaced by another pod) */
                return 0;
        }
        if (e < 0)
                snprintf(err, n, "%s", strerror(-e));
        else
                status_message(&r, err, n);
        kresp_release(&r);
        return e < 0 ? e : -EIO;
}

static int remove_finalizer_request(const char *ns, const char *name)
{
        _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", ns ?: "default",
                                              name ?: "");
        _cleanup_json_ json_t *patch = json_pack(
                "{s:{s:[s]}}", "metadata", "$deleteFromPrimitiveList/finalizers",
                JOB_TRACKING_FINALIZER);
        struct kresp r;
        int e = kc_request("PATCH", path, NULL, patch, "application/strategic-merge-patch+json",
                           &r);
        int code = r.code;
        if (e == 0 && code != 200 && code != 404)
                log_warn("job-controller: removing finalizer of pod %s/%s: %d %s", ns, name,
                         code, jstr(r.body, "message") ?: "");
        kresp_release(&r);
        if (e < 0)
                return e;
        return code == 200 || code == 404 ? 0 : -EIO;
}

static int op_rmfin(void *ud, json_t *job, const char *name, const char *uid)
{
        struct op_ctx *c = ud;
        exp_uid(c->key, "rmfin", uid, true);
        int e = remove_finalizer_request(jstr(job, "metadata.namespace"), name);
        if (e < 0)
                exp_uid(c->key, "rmfin", uid, false);
        return e;
}

static int op_status(void *ud, json_t *job, json_t *status, json_t **ret_job)
{
        const char *ns = jstr(job, "metadata.namespace") ?: "default";
        _cleanup_free_ char *path = xasprintf("/apis/batch/v1/namespaces/%s/jobs/%s/status", ns,
                                              jstr(job, "metadata.name") ?: "");
        _cleanup_json_ json_t *body = json_deep_copy(job);
        json_object_set(body, "status", status);
        jset_str(body, "apiVersion", "batch/v1");
        jset_str(body, "kind", "Job");
        struct kresp r;
        int e = kc_request("PUT", path, NULL, body, NULL, &r);
        if (e < 0)
                return e;
        int code = r.code;
        if (code == 200) {
                *ret_job = json_incref(r.body);
                kresp_release(&r);
                return 0;
        }
        if (code != 409)
                log_warn("job-controller: status update of %s/%s: %d %s", ns,
                         jstr(job, "metadata.name"), code, jstr(r.body, "message") ?: "");
        kresp_release(&r);
        return code == 409 ? -EAGAIN : code == 404 ? -ENOENT : -EIO;
}

static void op_event(void *ud, json_t *job, const char *type, const char *reason,
                     const char *message)
{
        const char *ns = jstr(job, "metadata.namespace") ?: "default";
        const char *name = jstr(job, "metadata.name") ?: "";
        int64_t now = clock_now_ns();
        char ts[40];
        time_format_rfc3339(now / 1000000000LL, ts, sizeof(ts));
        uint64_t seq = __atomic_add_fetch(&jc.event_seq, 1, __ATOMIC_RELAXED);
        _cleanup_free_ char *ename = xasprintf("%s.%llx", name,
                                               (unsigned long long)now + seq);
        _cleanup_json_ json_t *ev = json_pack(
                "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:s, s:s, s:{s:s}, "
                "s:s, s:s, s:i, s:s, s:s, s:s}",
                "apiVersion", "v1", "kind", "Event", "metadata", "name", ename, "namespace", ns,
                "involvedObject", "kind", "Job", "namespace", ns, "name", name, "uid",
                jstr(job, "metadata.uid") ?: "", "apiVersion", "batch/v1", "resourceVersion",
                jstr(job, "metadata.resourceVersion") ?: "", "reason", reason ?: "", "message",
                message ?: "", "source", "component", "job-controller", "firstTimestamp", ts,
                "lastTimestamp", ts, "count", 1, "type", type ?: "Normal", "reportingComponent",
                "job-controller", "reportingInstance", "");
        _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/events", ns);
        struct kresp r;
        if (kc_request("POST", path, NULL, ev, NULL, &r) == 0 && r.code != 201 && r.code != 200)
                log_debug("job-controller: event %s on %s/%s: %d", reason, ns, name, r.code);
        kresp_release(&r);
}

/* ---- sync ------------------------------------------------------------------------------ */

static void split_key(const char *key, char **ns, char **name)
{
        const char *slash = strchr(key, '/');
        *ns = slash ? xstrndup(key, (size_t)(slash - key)) : xstrdup("");
        *name = xstrdup(slash ? slash + 1 : key);
}

/* The Job is gone: release every pod still holding our finalizer. */
static int cleanup_deleted_job(const char *key)
{
        pthread_mutex_lock(&jc.mu);
        json_t *s = json_object_get(jc.state, key);
        _cleanup_free_ char *uid = jstr(s, "uid") ? xstrdup(jstr(s, "uid")) : NULL;
        pthread_mutex_unlock(&jc.mu);
        int ret = 0;
        if (uid) {
                _cleanup_json_ json_t *pods = informer_by_index(jc.pods, uid);
                size_t i;
                json_t *p;
                json_array_foreach(pods, i, p)
                {
                        if (!pod_has_finalizer(p, JOB_TRACKING_FINALIZER))
                                continue;
                        int e = remove_finalizer_request(jstr(p, "metadata.namespace"),
                                                         jstr(p, "metadata.name"));
                        if (e < 0)
                                ret = e;
                }
        }
        if (ret == 0) {
                pthread_mutex_lock(&jc.mu);
                json_object_del(jc.state, key);
                pthread_mutex_unlock(&jc.mu);
        }
        return ret;
}

static int sync_orphan_pod(const char *pkey)
{
        _cleanup_free_ char *ns = NULL, *name = NULL;
        split_key(pkey, &ns, &name);
        _cleanup_json_ json_t *pod = informer_get(jc.pods, ns, name);
        if (!pod || !pod_has_finalizer(pod, JOB_TRACKING_FINALIZER) || !owned_by_batch_job(pod))
                return 0;
        pthread_mutex_lock(&jc.mu);
        const char *k = key_for_uid_locked(pod_controller_uid(pod));
        _cleanup_free_ char *jkey = k ? xstrdup(k) : NULL;
        pthread_mutex_unlock(&jc.mu);
        if (jkey) {
                _cleanup_free_ char *jns = NULL, *jname = NULL;
                split_key(jkey, &jns, &jname);
                _cleanup_json_ json_t *job = informer_get(jc.jobs, jns, jname);
                if (job && (job_managed_elsewhere(job) || !job_is_finished(job)))
                        return 0; /* its Job takes care of it */
        }
        return remove_finalizer_request(ns, name);
}

static int sync_job(const char *key)
{
        _cleanup_free_ char *ns = NULL, *name = NULL;
        split_key(key, &ns, &name);
        _cleanup_json_ json_t *job = informer_get(jc.jobs, ns, name);
        if (!job)
                return cleanup_deleted_job(key);
        if (job_managed_elsewhere(job))
                return 0;
        const char *uid = jstr(job, "metadata.uid");
        if (!uid)
                return 0;
        _cleanup_json_ json_t *pods = informer_by_index(jc.pods, uid);

        struct job_sync_input in = {.job = job, .pods = pods, .now_ns = clock_now_ns(),
                                    .cfg = &jc.sync_cfg};
        pthread_mutex_lock(&jc.mu);
        json_t *s = state_locked(key);
        jset_str(s, "uid", uid);
        int64_t add = 0, ts = 0;
        jint(s, "add", &add);
        jint(s, "ts", &ts);
        bool expired = clock_mono_ns() - ts > EXPECTATIONS_TTL_NS;
        if (expired) {
                jset_int(s, "add", 0);
                json_object_clear(json_object_get(s, "del"));
        }
        in.expectations_satisfied =
                expired || (add <= 0 && json_object_size(json_object_get(s, "del")) == 0);
        _cleanup_json_ json_t *rmexp = json_deep_copy(json_object_get(s, "rmfin"));
        in.rm_finalizer_expected = rmexp;
        jint(s, "bof", &in.backoff.failures);
        jint(s, "bot", &in.backoff.last_failure_ns);
        pthread_mutex_unlock(&jc.mu);

        struct job_sync_result res;
        int r = job_sync(&in, &res);
        if (r < 0) {
                log_warn("job-controller: cannot sync %s: %s", key, strerror(-r));
                return 0; /* malformed: retrying will not help */
        }
        if (res.skipped) {
                if (json_array_size(res.events)) {
                        struct op_ctx c = {key};
                        op_event(&c, job, jstr(json_array_get(res.events, 0), "type"),
                                 jstr(json_array_get(res.events, 0), "reason"),
                                 jstr(json_array_get(res.events, 0), "message"));
                }
                job_sync_result_release(&res);
                return 0;
        }
        struct op_ctx c = {key};
        struct job_pod_control ops = {
                .ud = &c,
                .create_pod = op_create,
                .delete_pod = op_delete,
                .remove_finalizer = op_rmfin,
                .update_status = op_status,
                .event = op_event,
        };
        struct job_apply_report rep;
        r = job_sync_apply(&res, job, &ops, &rep);
        if (rep.job && rep.job != job)
                informer_put(jc.jobs, rep.job);
        pthread_mutex_lock(&jc.mu);
        s = state_locked(key);
        if (res.finished) {
                jset_int(s, "bof", 0);
                jset_int(s, "bot", 0);
        } else if (rep.status_written || !res.status) {
                jset_int(s, "bof", res.backoff.failures);
                jset_int(s, "bot", res.backoff.last_failure_ns);
        }
        pthread_mutex_unlock(&jc.mu);
        if (r == -EAGAIN) {
                /* 409: refresh the cached Job from the API before retrying */
                _cleanup_free_ char *path = xasprintf("/apis/batch/v1/namespaces/%s/jobs/%s", ns,
                                                      name);
                struct kresp g;
                if (kc_request("GET", path, NULL, NULL, NULL, &g) == 0 && g.code == 200)
                        informer_put(jc.jobs, g.body);
                kresp_release(&g);
        }
        if (r >= 0 && res.requeue_after_ns > 0)
                wq_add_after(jc.q, key, res.requeue_after_ns);
        if (r < 0)
                log_debug("job-controller: sync %s: %s", key, strerror(-r));
        job_apply_report_release(&rep);
        job_sync_result_release(&res);
        return r;
}

static void *worker(void *arg)
{
        char *key;
        while (wq_get(jc.q, -1, &key) == 0) {
                int r = startswith(key, "pod:") ? sync_orphan_pod(key + 4) : sync_job(key);
                if (r < 0)
                        wq_add_rate_limited(jc.q, key);
                else
                        wq_forget(jc.q, key);
                wq_done(jc.q, key);
                free(key);
        }
        return NULL;
}

static void *resync_thread(void *arg)
{
        /* periodic full resync (the informer's resync period); off by default */
        while (jc.running) {
                for (int64_t slept = 0; jc.running && slept < jc.cfg.resync_period_ns;
                     slept += 100000000LL)
                        usleep(100000);
                if (!jc.running)
                        break;
                _cleanup_json_ json_t *all = informer_list(jc.jobs);
                size_t i;
                json_t *j;
                json_array_foreach(all, i, j)
                {
                        _cleanup_free_ char *k = job_key(j);
                        wq_add(jc.q, k);
                }
        }
        return NULL;
}

static pthread_t resync_tid;
static bool resync_running;

int job_controller_start(const struct job_controller_config *cfg)
{
        if (jc.running)
                return -EALREADY;
        struct job_controller_config d;
        job_controller_config_default(&d);
        jc.cfg = d;
        if (cfg) {
                jc.cfg = *cfg;
                if (jc.cfg.workers <= 0)
                        jc.cfg.workers = d.workers;
                if (jc.cfg.backoff_base_ns <= 0)
                        jc.cfg.backoff_base_ns = d.backoff_base_ns;
                if (jc.cfg.backoff_cap_ns <= 0)
                        jc.cfg.backoff_cap_ns = d.backoff_cap_ns;
                if (jc.cfg.sync_period_ns <= 0)
                        jc.cfg.sync_period_ns = d.sync_period_ns;
                if (jc.cfg.api_backoff_base_ns <= 0)
                        jc.cfg.api_backoff_base_ns = d.api_backoff_base_ns;
                if (jc.cfg.api_backoff_cap_ns <= 0)
                        jc.cfg.api_backoff_cap_ns = d.api_backoff_cap_ns;
                if (!jc.cfg.ttl_propagation)
                        jc.cfg.ttl_propagation = d.ttl_propagation;
        }
        if (jc.cfg.workers > MAX_WORKERS)
                jc.cfg.workers = MAX_WORKERS;
        job_sync_config_default(&jc.sync_cfg);
        jc.sync_cfg.backoff_base_ns = jc.cfg.backoff_base_ns;
        jc.sync_cfg.backoff_cap_ns = jc.cfg.backoff_cap_ns;
        jc.sync_cfg.min_requeue_ns = jc.cfg.sync_period_ns;

        jc.state = json_object();
        jc.uid_key = json_object();
        jc.q = wq_new(jc.cfg.api_backoff_base_ns, jc.cfg.api_backoff_cap_ns);
        struct informer_handlers jh = {.on_add = on_job_add, .on_update = on_job_update,
                                       .on_delete = on_job_delete};
        struct informer_handlers ph = {.on_add = on_pod_add, .on_update = on_pod_update,
                                       .on_delete = on_pod_delete};
        jc.jobs = informer_new("/apis/batch/v1/jobs", &jh, NULL);
        jc.pods = informer_new("/api/v1/pods", &ph, pod_controller_uid);
        jc.running = true;
        if (!jc.cfg.disable_ttl)
                ttl_controller_start(jc.jobs, jc.cfg.ttl_propagation);
        /* Jobs first, then Pods: the pod cache must not be older than the job cache. */
        int r = informer_start(jc.jobs);
        if (r >= 0)
                r = informer_start(jc.pods);
        if (r < 0) {
                log_error("job-controller: initial list failed: %s", strerror(-r));
                job_controller_stop();
                return r;
        }
        for (int i = 0; i < jc.cfg.workers; i++) {
                if (pthread_create(&jc.workers[i], NULL, worker, NULL) != 0)
                        break;
                jc.nworkers++;
        }
        if (jc.cfg.resync_period_ns > 0 &&
            pthread_create(&resync_tid, NULL, resync_thread, NULL) == 0)
                resync_running = true;
        log_info("job-controller: started (%d workers, backoff %llds..%llds)", jc.nworkers,
                 (long long)(jc.cfg.backoff_base_ns / 1000000000LL),
                 (long long)(jc.cfg.backoff_cap_ns / 1000000000LL));
        return 0;
}

void job_controller_stop(void)
{
        if (!jc.running && !jc.q)
                return;
        jc.running = false;
        ttl_controller_stop();
        if (jc.q)
                wq_shutdown(jc.q);
        for (int i = 0; i < jc.nworkers; i++)
                pthread_join(jc.workers[i], NULL);
        jc.nworkers = 0;
        if (resync_running) {
                pthread_join(resync_tid, NULL);
                resync_running = false;
        }
        informer_stop(jc.pods);
        informer_stop(jc.jobs);
        informer_free(jc.pods);
        informer_free(jc.jobs);
        jc.pods = jc.jobs = NULL;
        wq_free(jc.q);
        jc.q = NULL;
        pthread_mutex_lock(&jc.mu);
        json_decref(jc.state);
        json_decref(jc.uid_key);
        jc.state = jc.uid_key = NULL;
        pthread_mutex_unlock(&jc.mu);
}
