/* scheduler.c — binds pending pods to nodes, as kube-scheduler's default profile does for
 * the plugins jobd needs.
 *
 * Two watcher threads (pods, nodes) feed every informer event into an incremental cache
 * (sched_cache.c) that keeps each node's requested resources and the queue of pods to
 * schedule; a third thread runs a pass whenever that queue is not empty.  No step walks the
 * stored pods: the store keeps every finished pod, and a scan per event made each pod
 * create cost O(stored pods) — the scheduler was most of the server's CPU in a long Job.
 * A pass costs O(queued pods × nodes).  It takes the queued pods (oldest first) and a copy
 * of the nodes' accounting under the lock, then decides and writes without it, charging
 * each binding to its copy of the node immediately so a burst of pods cannot overcommit a
 * node before the watch echoes the bindings back; each outcome goes back to the cache
 * (bound: assumed until the echo; unschedulable: parked until room frees up or a node
 * changes; a failed write: retried after a backoff).
 *
 * Filters and scores are tables of functions (sched_filters[], sched_scores[]): a filter
 * returns NULL when the node fits or the reasons it does not (upstream's reason strings),
 * which are counted into upstream's "0/N nodes are available: ..." message.  A pod that
 * fits nowhere gets PodScheduled=False/Unschedulable and a FailedScheduling event — once
 * per distinct message, so our own status write does not loop back into another attempt.
 * Within a pass, a failure is remembered by the pod's scheduling signature until the next
 * binding changes the nodes, so a thousand identical pods of one Job that do not fit cost
 * one filter run, not a thousand.
 */
#include <pthread.h>
#include "api/client.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "scheduler/scheduler.h"
#include "scheduler/scheduler_int.h"
#include "types/quantity.h"

static struct {
        pthread_t pod_thread, node_thread, sched_thread;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        struct sched_cache *cache; /* under lock */
        bool stop, running;
} S = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* ---------- requests and node accounting (pure; see sched_core.h) ---------- */

static int64_t qmilli(json_t *v)
{
        struct quantity q;
        char err[128];
        if (!json_is_string(v) || quantity_parse(json_string_value(v), &q, err, sizeof(err)) < 0)
                return 0;
        return q.milli;
}

static void add_container(struct sched_res *r, json_t *c)
{
        json_t *req = jget(c, "resources.requests");
        json_t *lim = jget(c, "resources.limits");
        const char *names[] = {"cpu", "memory", "nvidia.com/gpu", "ephemeral-storage"};
        int64_t *dst[] = {&r->cpu_milli, &r->mem_milli, &r->gpu_milli, &r->eph_milli};
        for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
                json_t *v = json_object_get(req, names[i]);
                if (!v)
                        v = json_object_get(lim, names[i]); /* requests default to limits */
                *dst[i] += qmilli(v);
        }
}

void sched_pod_requests(json_t *pod, struct sched_res *ret)
{
        struct sched_res sum = {0}, init = {0};
        json_t *c;
        size_t i;
        json_array_foreach(jget(pod, "spec.containers"), i, c) add_container(&sum, c);
        json_array_foreach(jget(pod, "spec.initContainers"), i, c)
        {
                struct sched_res one = {0};
                add_container(&one, c);
                if (one.cpu_milli > init.cpu_milli)
                        init.cpu_milli = one.cpu_milli;
                if (one.mem_milli > init.mem_milli)
                        init.mem_milli = one.mem_milli;
                if (one.gpu_milli > init.gpu_milli)
                        init.gpu_milli = one.gpu_milli;
                if (one.eph_milli > init.eph_milli)
                        init.eph_milli = one.eph_milli;
        }
        ret->cpu_milli = sum.cpu_milli > init.cpu_milli ? sum.cpu_milli : init.cpu_milli;
        ret->mem_milli = sum.mem_milli > init.mem_milli ? sum.mem_milli : init.mem_milli;
        ret->gpu_milli = sum.gpu_milli > init.gpu_milli ? sum.gpu_milli : init.gpu_milli;
        ret->eph_milli = sum.eph_milli > init.eph_milli ? sum.eph_milli : init.eph_milli;
        ret->pods = 1;
}

void sched_node_init(struct sched_node *n, json_t *node)
{
        *n = (struct sched_node){.node = node, .name = jstr(node, "metadata.name")};
        json_t *a = jget(node, "status.allocatable");
        if (!a)
                a = jget(node, "status.capacity");
        n->alloc.cpu_milli = qmilli(json_object_get(a, "cpu"));
        n->alloc.mem_milli = qmilli(json_object_get(a, "memory"));
        n->alloc.gpu_milli = qmilli(json_object_get(a, "nvidia.com/gpu"));
        n->alloc.eph_milli = qmilli(json_object_get(a, "ephemeral-storage"));
        n->alloc.pods = qmilli(json_object_get(a, "pods")) / 1000;
}

void sched_node_charge(struct sched_node *n, const struct sched_res *r)
{
        n->used.cpu_milli += r->cpu_milli;
        n->used.mem_milli += r->mem_milli;
        n->used.gpu_milli += r->gpu_milli;
        n->used.eph_milli += r->eph_milli;
        n->used.pods += r->pods;
}

/* ---------- filters ---------- */

static bool node_ready(json_t *node)
{
        json_t *c;
        size_t i;
        json_array_foreach(jget(node, "status.conditions"), i, c)
        {
                if (streq(jstr(c, "type"), "Ready"))
                        return streq(jstr(c, "status"), "True");
        }
        return false;
}

static int f_unschedulable(json_t *pod, const struct sched_res *req, const struct sched_node *n,
                           const char **reasons, int max)
{
        if (!jbool(n->node, "spec.unschedulable"))
                return 0;
        json_t *t;
        size_t i;
        json_array_foreach(jget(pod, "spec.tolerations"), i, t)
        {
                if (streq(jstr(t, "key"), "node.kubernetes.io/unschedulable") ||
                    (streq(jstr(t, "operator"), "Exists") && !jstr(t, "key")))
                        return 0;
        }
        reasons[0] = "node(s) were unschedulable";
        return 1;
}

static int f_ready(json_t *pod, const struct sched_res *req, const struct sched_node *n,
                   const char **reasons, int max)
{
        if (node_ready(n->node))
                return 0;
        /* upstream sees the not-ready taint the node lifecycle controller puts on it */
        json_t *t;
        size_t i;
        json_array_foreach(jget(pod, "spec.tolerations"), i, t)
        {
                if (streq(jstr(t, "key"), "node.kubernetes.io/not-ready") ||
                    (streq(jstr(t, "operator"), "Exists") && !jstr(t, "key")))
                        return 0;
        }
        reasons[0] = "node(s) had untolerated taint {node.kubernetes.io/not-ready: }";
        return 1;
}

static bool expr_matches(json_t *labels, json_t *e)
{
        const char *key = jstr(e, "key"), *op = jstr(e, "operator");
        const char *v = jstr(labels, key ? key : "");
        json_t *vals = jget(e, "values"), *x;
        size_t i;
        if (key && !v)
                v = json_string_value(json_object_get(labels, key));
        bool in = false;
        json_array_foreach(vals, i, x) in |= v && streq(json_string_value(x), v);
        if (streq(op, "In"))
                return in;
        if (streq(op, "NotIn"))
                return !in;
        if (streq(op, "Exists"))
                return v != NULL;
        if (streq(op, "DoesNotExist"))
                return v == NULL;
        if (streq(op, "Gt") || streq(op, "Lt")) {
                if (!v || json_array_size(vals) != 1)
                        return false;
                long long a = strtoll(v, NULL, 10),
                          b = strtoll(json_string_value(json_array_get(vals, 0)) ?: "0", NULL, 10);
                return streq(op, "Gt") ? a > b : a < b;
        }
        return false;
}

bool sched_node_selector_matches(json_t *pod, json_t *node)
{
        json_t *labels = jget(node, "metadata.labels");
        const char *k;
        json_t *v;
        json_object_foreach(jget(pod, "spec.nodeSelector"), k, v)
        {
                json_t *have = json_object_get(labels, k);
                if (!json_is_string(have) || !streq(json_string_value(have), json_string_value(v)))
                        return false;
        }
        json_t *terms = jget(pod, "spec.affinity.nodeAffinity."
                                  "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
        if (json_array_size(terms) == 0)
                return true;
        json_t *t;
        size_t i;
        json_array_foreach(terms, i, t) /* terms are ORed, expressions ANDed */
        {
                bool ok = true;
                json_t *e;
                size_t j;
                json_array_foreach(jget(t, "matchExpressions"), j, e) ok = ok && expr_matches(labels, e);
                json_t *fields = json_object();
                json_object_set_new(fields, "metadata.name",
                                    json_string(jstr(node, "metadata.name") ?: ""));
                json_array_foreach(jget(t, "matchFields"), j, e) ok = ok && expr_matches(fields, e);
                json_decref(fields);
                if (ok && (jget(t, "matchExpressions") || jget(t, "matchFields")))
                        return true;
        }
        return false;
}

static int f_affinity(json_t *pod, const struct sched_res *req, const struct sched_node *n,
                      const char **reasons, int max)
{
        if (sched_node_selector_matches(pod, n->node))
                return 0;
        reasons[0] = "node(s) didn't match Pod's node affinity/selector";
        return 1;
}

static int f_fit(json_t *pod, const struct sched_res *req, const struct sched_node *n,
                 const char **reasons, int max)
{
        int k = 0;
        if (n->used.pods + 1 > n->alloc.pods && k < max)
                reasons[k++] = "Too many pods";
        if (req->cpu_milli > 0 && n->used.cpu_milli + req->cpu_milli > n->alloc.cpu_milli && k < max)
                reasons[k++] = "Insufficient cpu";
        if (req->mem_milli > 0 && n->used.mem_milli + req->mem_milli > n->alloc.mem_milli && k < max)
                reasons[k++] = "Insufficient memory";
        if (req->eph_milli > 0 && n->used.eph_milli + req->eph_milli > n->alloc.eph_milli && k < max)
                reasons[k++] = "Insufficient ephemeral-storage";
        if (req->gpu_milli > 0 && n->used.gpu_milli + req->gpu_milli > n->alloc.gpu_milli && k < max)
                reasons[k++] = "Insufficient nvidia.com/gpu";
        return k;
}

/* In upstream's plugin order; the first failing filter decides a node's reasons. */
const struct sched_filter sched_filters[] = {
        {"NodeUnschedulable", f_unschedulable},
        {"TaintToleration", f_ready},
        {"NodeAffinity", f_affinity},
        {"NodeResourcesFit", f_fit},
        {NULL, NULL},
};

/* ---------- scores (0..100 each, weighted) ---------- */

static int64_t frac_free(int64_t alloc, int64_t used)
{
        if (alloc <= 0)
                return 0;
        int64_t f = alloc - used;
        return f <= 0 ? 0 : f * 100 / alloc;
}

static int64_t s_least_allocated(json_t *pod, const struct sched_res *req, const struct sched_node *n)
{
        return (frac_free(n->alloc.cpu_milli, n->used.cpu_milli + req->cpu_milli) +
                frac_free(n->alloc.mem_milli, n->used.mem_milli + req->mem_milli)) /
               2;
}

static int64_t s_balanced(json_t *pod, const struct sched_res *req, const struct sched_node *n)
{
        int64_t c = 100 - frac_free(n->alloc.cpu_milli, n->used.cpu_milli + req->cpu_milli);
        int64_t m = 100 - frac_free(n->alloc.mem_milli, n->used.mem_milli + req->mem_milli);
        int64_t d = c > m ? c - m : m - c;
        return 100 - d;
}

const struct sched_score sched_scores[] = {
        {"NodeResourcesFit", s_least_allocated, 1},
        {"NodeResourcesBalancedAllocation", s_balanced, 1},
        {NULL, NULL, 0},
};

/* ---------- the decision (pure) ---------- */

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

int sched_pick(json_t *pod, struct sched_node *nodes, size_t n, char **ret_msg)
{
        *ret_msg = NULL;
        if (n == 0) {
                *ret_msg = xstrdup("no nodes available to schedule pods");
                return -1;
        }
        struct sched_res req;
        sched_pod_requests(pod, &req);
        _cleanup_json_ json_t *hist = json_object(); /* reason → count */
        int best = -1;
        int64_t best_score = -1;
        for (size_t i = 0; i < n; i++) {
                const char *reasons[8];
                int k = 0;
                for (const struct sched_filter *f = sched_filters; f->name && k == 0; f++)
                        k = f->fn(pod, &req, &nodes[i], reasons, (int)ARRAY_SIZE(reasons));
                if (k > 0) {
                        for (int j = 0; j < k; j++) {
                                json_t *c = json_object_get(hist, reasons[j]);
                                json_object_set_new(hist, reasons[j],
                                                    json_integer(c ? json_integer_value(c) + 1 : 1));
                        }
                        continue;
                }
                int64_t score = 0;
                for (const struct sched_score *s = sched_scores; s->name; s++)
                        score += s->weight * s->fn(pod, &req, &nodes[i]);
                if (score > best_score ||
                    (score == best_score && strcmp(nodes[i].name ?: "", nodes[best].name ?: "") < 0)) {
                        best = (int)i;
                        best_score = score;
                }
        }
        if (best >= 0) {
                sched_node_charge(&nodes[best], &req);
                return best;
        }
        size_t nr = json_object_size(hist), k = 0;
        char **strs = xcalloc(nr ? nr : 1, sizeof(char *));
        const char *key;
        json_t *v;
        json_object_foreach(hist, key, v) strs[k++] =
                xasprintf("%lld %s", (long long)json_integer_value(v), key);
        qsort(strs, k, sizeof(char *), cmp_str);
        struct buf b;
        buf_init(&b, 0);
        int e = buf_printf(&b, "0/%zu nodes are available:", n);
        for (size_t j = 0; j < k; j++) {
                if (e == 0)
                        e = buf_printf(&b, "%s %s", j ? "," : "", strs[j]);
                free(strs[j]);
        }
        free(strs);
        if (e == 0)
                e = buf_puts(&b, ".");
        *ret_msg = buf_steal(&b);
        return -1;
}

/* ---------- API side ---------- */

static void emit_event(json_t *pod, const char *type, const char *reason, const char *msg)
{
        char now[40], suffix[20];
        time_format_rfc3339(clock_now_s(), now, sizeof(now));
        uint64_t rnd;
        random_bytes(&rnd, sizeof(rnd));
        snprintf(suffix, sizeof(suffix), "%016llx", (unsigned long long)rnd);
        const char *ns = jstr(pod, "metadata.namespace") ?: "default";
        _cleanup_free_ char *name = xasprintf("%s.%s", jstr(pod, "metadata.name") ?: "pod", suffix);
        _cleanup_json_ json_t *ev = json_pack(
                "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s}, s:s, s:s, s:s, s:{s:s}, "
                "s:s, s:s, s:i, s:s, s:s}",
                "apiVersion", "v1", "kind", "Event", "metadata", "name", name, "namespace", ns,
                "involvedObject", "kind", "Pod", "apiVersion", "v1", "namespace", ns, "name",
                jstr(pod, "metadata.name") ?: "", "uid", jstr(pod, "metadata.uid") ?: "",
                "reason", reason, "message", msg, "type", type, "source", "component",
                "default-scheduler", "firstTimestamp", now, "lastTimestamp", now, "count", 1,
                "reportingComponent", "default-scheduler", "reportingInstance",
                "default-scheduler");
        _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/events", ns);
        struct kresp r;
        if (kc_request("POST", path, NULL, ev, NULL, &r) == 0)
                kresp_release(&r);
}

static int bind_pod(json_t *pod, const char *node)
{
        const char *ns = jstr(pod, "metadata.namespace"), *name = jstr(pod, "metadata.name");
        _cleanup_json_ json_t *b = json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s}}", "apiVersion",
                                             "v1", "kind", "Binding", "metadata", "name", name,
                                             "target", "apiVersion", "v1", "kind", "Node", "name",
                                             node);
        _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods/%s/binding", ns, name);
        struct kresp r;
        int e = kc_request("POST", path, NULL, b, NULL, &r);
        if (e < 0)
                return e;
        int code = r.code;
        kresp_release(&r);
        if (code != 201 && code != 200) {
                log_debug("scheduler: binding %s/%s to %s: HTTP %d", ns, name, node, code);
                return -EIO;
        }
        _cleanup_free_ char *msg = xasprintf("Successfully assigned %s/%s to %s", ns, name, node);
        emit_event(pod, "Normal", "Scheduled", msg);
        return 0;
}

/* 0 when the pod carries the message (now or already); < 0 when the write failed. */
static int mark_unschedulable(json_t *pod, const char *msg)
{
        json_t *conds = jget(pod, "status.conditions"), *c;
        size_t i;
        json_array_foreach(conds, i, c)
        {
                if (streq(jstr(c, "type"), "PodScheduled") && streq(jstr(c, "status"), "False") &&
                    streq(jstr(c, "message"), msg))
                        return 0; /* already reported this exact reason */
        }
        _cleanup_json_ json_t *p = json_deep_copy(pod);
        json_t *st = jobj(p, "status");
        json_t *nc = json_array();
        json_array_foreach(jget(p, "status.conditions"), i, c)
        {
                if (!streq(jstr(c, "type"), "PodScheduled"))
                        json_array_append(nc, c);
        }
        char now[40];
        time_format_rfc3339(clock_now_s(), now, sizeof(now));
        json_array_append_new(nc, json_pack("{s:s, s:s, s:n, s:s, s:s, s:s}", "type", "PodScheduled",
                                            "status", "False", "lastProbeTime",
                                            "lastTransitionTime", now, "reason", "Unschedulable",
                                            "message", msg));
        json_object_set_new(st, "conditions", nc);
        if (!jstr(p, "status.phase"))
                jset_str(st, "phase", "Pending");
        _cleanup_free_ char *path =
                xasprintf("/api/v1/namespaces/%s/pods/%s/status", jstr(pod, "metadata.namespace"),
                          jstr(pod, "metadata.name"));
        struct kresp r;
        int e = kc_request("PUT", path, NULL, p, NULL, &r);
        if (e < 0)
                return e;
        int code = r.code;
        kresp_release(&r);
        if (code != 200) {
                log_debug("scheduler: status of %s: HTTP %d", path, code);
                return -EIO;
        }
        emit_event(pod, "Warning", "FailedScheduling", msg);
        return 0;
}

/* One pass: take the queue under the lock, decide and write without it. */
static void schedule_pass(void)
{
        struct sched_batch b;
        pthread_mutex_lock(&S.lock);
        sched_cache_pop(S.cache, &b);
        pthread_mutex_unlock(&S.lock);

        _cleanup_json_ json_t *failed = json_object(); /* sig → message, since the last binding */
        for (size_t i = 0; i < b.nitems && !S.stop; i++) {
                const struct sched_item *it = &b.items[i];
                const char *known = json_string_value(json_object_get(failed, it->sig));
                _cleanup_free_ char *msg = NULL;
                int best = known ? -1 : sched_pick(it->pod, b.nodes, b.nnodes, &msg);
                enum sched_outcome o;
                if (best >= 0) {
                        json_object_clear(failed); /* the nodes changed */
                        o = bind_pod(it->pod, b.nodes[best].name) == 0 ? SCHED_BOUND : SCHED_ERROR;
                } else {
                        if (!known)
                                json_object_set_new(failed, it->sig, json_string(msg));
                        o = mark_unschedulable(it->pod, known ?: msg) == 0 ? SCHED_UNSCHEDULABLE
                                                                          : SCHED_ERROR;
                }
                pthread_mutex_lock(&S.lock);
                sched_cache_done(S.cache, &b, it, o, best >= 0 ? b.nodes[best].name : NULL,
                                 clock_mono_ns());
                pthread_mutex_unlock(&S.lock);
        }
        sched_batch_release(&b);
}

/* Applies one watch event; wakes the pass only when there is something to try. */
static void cache_event(json_t *obj, bool deleted, bool pods)
{
        pthread_mutex_lock(&S.lock);
        if (pods && deleted)
                sched_cache_pod_delete(S.cache, obj);
        else if (pods)
                sched_cache_pod_put(S.cache, obj);
        else if (deleted)
                sched_cache_node_delete(S.cache, obj);
        else
                sched_cache_node_put(S.cache, obj);
        if (sched_cache_has_active(S.cache))
                pthread_cond_signal(&S.cond);
        pthread_mutex_unlock(&S.lock);
}

struct watch_arg {
        const char *path;
        bool pods; /* else nodes */
};

static void *watch_main(void *p)
{
        struct watch_arg *a = p;
        while (!S.stop) {
                struct kresp r;
                if (kc_request("GET", a->path, NULL, NULL, NULL, &r) < 0 || r.code != 200) {
                        kresp_release(&r);
                        usleep(200 * 1000);
                        continue;
                }
                json_t *fresh = json_object();
                json_t *it;
                size_t i;
                json_array_foreach(jget(r.body, "items"), i, it)
                {
                        const char *ns = jstr(it, "metadata.namespace") ?: "";
                        const char *nm = jstr(it, "metadata.name") ?: "";
                        _cleanup_free_ char *k = a->pods ? xasprintf("%s/%s", ns, nm) : xstrdup(nm);
                        json_object_set(fresh, k, it);
                }
                const char *rvs = jstr(r.body, "metadata.resourceVersion");
                int64_t rv = rvs ? strtoll(rvs, NULL, 10) : 0;
                kresp_release(&r);
                pthread_mutex_lock(&S.lock);
                if (a->pods)
                        sched_cache_pods_replace(S.cache, fresh);
                else
                        sched_cache_nodes_replace(S.cache, fresh);
                if (sched_cache_has_active(S.cache))
                        pthread_cond_signal(&S.cond);
                pthread_mutex_unlock(&S.lock);
                json_decref(fresh);
                struct kc_watch *w = NULL;
                if (kc_watch_start(a->path, NULL, NULL, rv, &w) < 0) {
                        usleep(200 * 1000);
                        continue;
                }
                while (!S.stop) {
                        const char *type;
                        json_t *obj = NULL;
                        int e = kc_watch_next(w, 200, &type, &obj);
                        if (e == -ETIMEDOUT)
                                continue;
                        if (e < 0)
                                break;
                        if (streq(type, "ADDED") || streq(type, "MODIFIED") ||
                            streq(type, "DELETED"))
                                cache_event(obj, streq(type, "DELETED"), a->pods);
                        json_decref(obj);
                }
                kc_watch_stop(w);
        }
        return NULL;
}

static void *sched_main(void *p)
{
        pthread_mutex_lock(&S.lock);
        while (!S.stop) {
                sched_cache_flush(S.cache, clock_mono_ns()); /* parked pods whose time came */
                if (!sched_cache_has_active(S.cache)) {
                        struct timespec ts;
                        clock_gettime(CLOCK_REALTIME, &ts);
                        ts.tv_nsec += 200 * 1000000L;
                        if (ts.tv_nsec >= 1000000000L) {
                                ts.tv_sec++;
                                ts.tv_nsec -= 1000000000L;
                        }
                        pthread_cond_timedwait(&S.cond, &S.lock, &ts);
                        continue;
                }
                pthread_mutex_unlock(&S.lock);
                schedule_pass();
                pthread_mutex_lock(&S.lock);
        }
        pthread_mutex_unlock(&S.lock);
        return NULL;
}

static struct watch_arg pod_arg = {"/api/v1/pods", true};
static struct watch_arg node_arg = {"/api/v1/nodes", false};

int scheduler_start(void)
{
        if (S.running)
                return -EALREADY;
        S.cache = sched_cache_new();
        S.stop = false;
        int e;
        if ((e = pthread_create(&S.pod_thread, NULL, watch_main, &pod_arg)) != 0)
                goto fail;
        if ((e = pthread_create(&S.node_thread, NULL, watch_main, &node_arg)) != 0) {
                S.stop = true;
                pthread_join(S.pod_thread, NULL);
                goto fail;
        }
        if ((e = pthread_create(&S.sched_thread, NULL, sched_main, NULL)) != 0) {
                S.stop = true;
                pthread_join(S.pod_thread, NULL);
                pthread_join(S.node_thread, NULL);
                goto fail;
        }
        S.running = true;
        return 0;
fail:
        sched_cache_free(S.cache);
        S.cache = NULL;
        return -e;
}

void scheduler_stop(void)
{
        if (!S.running)
                return;
        pthread_mutex_lock(&S.lock);
        S.stop = true;
        pthread_cond_broadcast(&S.cond);
        pthread_mutex_unlock(&S.lock);
        pthread_join(S.sched_thread, NULL);
        pthread_join(S.pod_thread, NULL);
        pthread_join(S.node_thread, NULL);
        sched_cache_free(S.cache);
        S.cache = NULL;
        S.running = false;
}
