/* job_sync.c — syncJob of pkg/controller/job, as a pure function (see job_sync.h).
 *
 * Exactly-once accounting (spec §3.16, KEP-2307).  Pods can vanish at any moment (users,
 * GC, node loss) and the controller can crash between any two writes, so counting pods by
 * listing them would lose some and double-count others.  Every pod we create carries the
 * finalizer batch.kubernetes.io/job-tracking, so it cannot disappear from the API before
 * the controller lets it go.  A finished pod then moves through three durable states:
 *
 *   (a) finished, has finalizer, not in the Job status           → "new"
 *   (b) its UID in status.uncountedTerminatedPods (Indexed success: its index in
 *       status.completedIndexes) — written by PUT jobs/status, step 2
 *   (c) finalizer removed (step 3) → the next status write moves the UID out of
 *       uncountedTerminatedPods into succeeded/failed (step 4 or any later sync)
 *
 * Each transition is one atomic API write and each is idempotent when replayed: a crash
 * after (b) re-finds the UID in the status and only retries the finalizer removal; a crash
 * after (c) finds a UID whose pod has no finalizer (or is gone) and counts it — once,
 * because the same write removes the UID; a pod is never released before its UID or index
 * is durable, so a deletion cannot lose it.  Indexed successes need no UID: adding an index
 * to a set twice is harmless.  The status PUT carries the resourceVersion the decision was
 * based on, so a decision taken on a stale Job is rejected (409) rather than applied.
 *
 * Two cache hazards remain and are closed by the controller, not here:
 *  - the pod cache lagging behind our own finalizer removal would show a counted pod as
 *    "new" again: rm_finalizer_expected (upstream's uidTrackingExpectations) makes the
 *    sync treat such pods as finalizer-free until the cache catches up;
 *  - after a restart the pod list must not be older than the job list: the controller
 *    lists Jobs first, then Pods (one global resourceVersion counter orders them), and
 *    starts workers only once both caches are filled.
 *
 * We chose Kubernetes' protocol over "one store transaction keyed by pod UID" because the
 * controller must stay an ordinary API client (DESIGN.md §1): a private transaction would
 * bypass admission, watches and resourceVersion semantics that kubectl users observe,
 * and the finalizer also protects pods deleted by other clients before they were seen.
 */
#include "base/util.h"
#include "controller/job_indexes.h"
#include "controller/job_pods.h"
#include "controller/job_policy.h"
#include "controller/job_sync.h"

#define MAX_INT32 2147483647LL

void job_sync_config_default(struct job_sync_config *c)
{
        *c = (struct job_sync_config){
                .backoff_base_ns = 10LL * 1000000000LL,
                .backoff_cap_ns = 600LL * 1000000000LL,
                .min_requeue_ns = 1000000000LL,
                .max_create_delete = 500,
                .max_uncounted = 500,
        };
}

void job_sync_result_release(struct job_sync_result *r)
{
        json_decref(r->create);
        json_decref(r->del);
        json_decref(r->status);
        json_decref(r->rm_finalizers);
        json_decref(r->status_final);
        json_decref(r->events);
        json_decref(r->final_events);
        *r = (struct job_sync_result){0};
}

static json_t *find_condition(json_t *job_or_status, const char *path, const char *type)
{
        size_t i;
        json_t *c;
        json_array_foreach(jget(job_or_status, path), i, c)
        {
                if (streq(jstr(c, "type"), type))
                        return c;
        }
        return NULL;
}

static bool condition_true(json_t *job, const char *type)
{
        json_t *c = find_condition(job, "status.conditions", type);
        return c && streq(jstr(c, "status"), "True");
}

bool job_is_finished(json_t *job)
{
        return condition_true(job, "Complete") || condition_true(job, "Failed");
}

bool job_managed_elsewhere(json_t *job)
{
        const char *m = jstr(job, "spec.managedBy");
        return m && !streq(m, JOB_CONTROLLER_NAME);
}

/* ---- per-sync context -------------------------------------------------------------- */

struct pinfo {
        json_t *pod;
        const char *uid, *name;
        int64_t index;   /* -1 unknown */
        bool has_fin;    /* finalizer present and its removal not already issued */
        bool valid;      /* NonIndexed, or 0 <= index < completions */
        bool active, ready, terminating, succeeded, failed; /* failed: isPodFailed */
};

struct cond {
        const char *type; /* NULL: none */
        char *reason, *message;
};

struct ctx {
        const struct job_sync_input *in;
        const struct job_sync_config *cfg;
        struct job_sync_result *out;
        json_t *job, *spec, *status;
        int64_t now;
        bool indexed, has_completions, suspend, only_replace_failed, has_blpi;
        int64_t completions, parallelism, backoff_limit, blpi;
        json_t *pfp;
        struct pinfo *p;
        size_t np;
        json_t *unc_s, *unc_f; /* original uncounted sets: uid -> true */
        int64_t succeeded, failed, active, ready, terminating;
        struct ix_set prev_succ, succ_ix, failed_ix;
        json_t *delayed; /* index (string) -> position in p (blpi only) */
        struct cond fin;
};

static void cond_set(struct cond *c, const char *type, const char *reason, const char *msg)
{
        free(c->reason);
        free(c->message);
        c->type = type;
        c->reason = xstrdup(reason);
        c->message = xstrdup(msg);
}

static void cond_release(struct cond *c)
{
        free(c->reason);
        free(c->message);
        *c = (struct cond){0};
}

static void add_event(json_t *list, const char *type, const char *reason, const char *msg)
{
        json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "type", type, "reason", reason,
                                              "message", msg));
}

static json_t *new_condition(const char *type, const char *status, const char *reason,
                             const char *msg, int64_t now)
{
        char ts[40];
        time_format_rfc3339(now / 1000000000LL, ts, sizeof(ts));
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", type, "status", status,
                         "lastProbeTime", ts, "lastTransitionTime", ts, "reason", reason,
                         "message", msg);
}

/* ensureJobConditionStatus: update in place when status/reason/message differ; append
 * only conditions that are not False.  Returns true when the list changed. */
static bool ensure_condition(json_t *status, const char *type, const char *st,
                             const char *reason, const char *msg, int64_t now)
{
        json_t *conds = json_object_get(status, "conditions");
        if (!json_is_array(conds)) {
                conds = json_array();
                json_object_set_new(status, "conditions", conds);
        }
        size_t i;
        json_t *c;
        json_array_foreach(conds, i, c)
        {
                if (!streq(jstr(c, "type"), type))
                        continue;
                if (streq(jstr(c, "status"), st) && streq(jstr(c, "reason"), reason) &&
                    streq(jstr(c, "message"), msg))
                        return false;
                json_array_set_new(conds, i, new_condition(type, st, reason, msg, now));
                return true;
        }
        if (streq(st, "False"))
                return false;
        json_array_append_new(conds, new_condition(type, st, reason, msg, now));
        return true;
}

static json_t *uid_set(json_t *arr)
{
        json_t *s = json_object();
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v)
        {
                if (json_is_string(v))
                        json_object_set(s, json_string_value(v), json_true());
        }
        return s;
}

static bool set_has(json_t *set, const char *k)
{
        return k && json_object_get(set, k) != NULL;
}

static int64_t status_int(json_t *status, const char *k)
{
        int64_t v = 0;
        jint(status, k, &v);
        return v;
}

static void status_set_count(json_t *status, const char *k, int64_t v, bool always)
{
        if (v == 0 && !always)
                json_object_del(status, k);
        else
                jset_int(status, k, v);
}

/* ---- pod failure policy helpers over pinfo ----------------------------------------- */

static bool counts_as_failure(struct ctx *c, struct pinfo *pi)
{
        if (!c->pfp)
                return true;
        bool count;
        pfp_match(c->pfp, pi->pod, &count, NULL);
        return count;
}

/* isIndexFailed */
static bool index_failed(struct ctx *c, struct pinfo *pi)
{
        if (!pi->failed)
                return false;
        bool counted = true;
        if (c->pfp) {
                enum pfp_action a = pfp_match(c->pfp, pi->pod, &counted, NULL);
                if (a == PFP_FAIL_INDEX)
                        return true;
        }
        return counted && pod_annotation_int(pi->pod, JOB_INDEX_FAILURE_COUNT_KEY) >= c->blpi;
}

static int64_t abs_failure_count(json_t *pod)
{
        return pod_annotation_int(pod, JOB_INDEX_FAILURE_COUNT_KEY) +
               pod_annotation_int(pod, JOB_INDEX_IGNORED_FAILURE_COUNT_KEY);
}

static struct pinfo *delayed_pod(struct ctx *c, int64_t ix)
{
        if (!c->delayed)
                return NULL;
        char k[24];
        snprintf(k, sizeof(k), "%lld", (long long)ix);
        json_t *v = json_object_get(c->delayed, k);
        return v ? &c->p[json_integer_value(v)] : NULL;
}

/* getPodsWithDelayedDeletionPerIndex: the last failed (still tracked) pod of each index
 * that is neither succeeded, failed nor active keeps its finalizer until its replacement
 * exists, because the replacement's failure-count annotation is derived from it. */
static void compute_delayed(struct ctx *c)
{
        c->delayed = json_object();
        _cleanup_ix_set_ struct ix_set active = {0};
        for (size_t i = 0; i < c->np; i++)
                if (c->p[i].active && c->p[i].index >= 0)
                        ix_set_add(&active, c->p[i].index);
        for (size_t i = 0; i < c->np; i++) {
                struct pinfo *pi = &c->p[i];
                if (!pi->has_fin || !pi->valid || !pi->failed)
                        continue;
                int64_t ix = pi->index;
                if (ix_set_has(&c->succ_ix, ix) || ix_set_has(&c->failed_ix, ix) ||
                    ix_set_has(&active, ix))
                        continue;
                struct pinfo *last = delayed_pod(c, ix);
                if (last && !(abs_failure_count(last->pod) <= abs_failure_count(pi->pod) &&
                              pod_finished_time_ns(pi->pod) >= pod_finished_time_ns(last->pod)))
                        continue;
                char k[24];
                snprintf(k, sizeof(k), "%lld", (long long)ix);
                json_object_set_new(c->delayed, k, json_integer((json_int_t)i));
        }
}

/* ---- choosing pods to delete --------------------------------------------------------- */

static int cmp_delete_order(const void *a, const void *b)
{
        json_t *x = (*(struct pinfo *const *)a)->pod, *y = (*(struct pinfo *const *)b)->pod;
        if (pod_delete_before(x, y))
                return -1;
        if (pod_delete_before(y, x))
                return 1;
        return 0;
}

static int cmp_index(const void *a, const void *b)
{
        const struct pinfo *x = *(struct pinfo *const *)a, *y = *(struct pinfo *const *)b;
        if (x->index != y->index)
                return x->index < y->index ? -1 : 1;
        return cmp_delete_order(a, b);
}

/* activePodsForRemoval: for Indexed Jobs first every pod without a valid index or with an
 * index >= completions and all but one pod of a repeated index (the one kept is the last
 * in delete order, i.e. the most valuable); then, if more are needed, the remaining pods
 * in controller.ActivePods order.  Returns a malloc'd array of at most `cap` entries. */
static struct pinfo **pods_for_removal(struct ctx *c, int64_t rm_at_least, size_t cap,
                                       size_t *ret_n)
{
        size_t na = 0;
        _cleanup_free_ struct pinfo **act = xcalloc(c->np + 1, sizeof(*act));
        for (size_t i = 0; i < c->np; i++)
                if (c->p[i].active)
                        act[na++] = &c->p[i];
        struct pinfo **rm = xcalloc(na + 1, sizeof(*rm));
        _cleanup_free_ struct pinfo **left = xcalloc(na + 1, sizeof(*left));
        size_t nrm = 0, nleft = 0;
        if (c->indexed) {
                qsort(act, na, sizeof(*act), cmp_index);
                for (size_t i = 0; i < na;) {
                        size_t j = i;
                        while (j < na && act[j]->index == act[i]->index)
                                j++;
                        if (act[i]->index < 0 || act[i]->index >= c->completions) {
                                for (size_t k = i; k < j; k++)
                                        rm[nrm++] = act[k];
                        } else {
                                for (size_t k = i; k + 1 < j; k++)
                                        rm[nrm++] = act[k];
                                left[nleft++] = act[j - 1];
                        }
                        i = j;
                }
        } else {
                for (size_t i = 0; i < na; i++)
                        left[nleft++] = act[i];
        }
        if ((int64_t)nrm < rm_at_least) {
                qsort(left, nleft, sizeof(*left), cmp_delete_order);
                for (size_t i = 0; i < nleft && (int64_t)nrm < rm_at_least; i++)
                        rm[nrm++] = left[i];
        }
        if (nrm > cap)
                nrm = cap;
        *ret_n = nrm;
        return rm;
}

static void emit_delete(struct ctx *c, struct pinfo *pi, bool remove_finalizer)
{
        json_array_append_new(c->out->del,
                              json_pack("{s:s, s:s, s:b, s:b}", "name", pi->name ?: "", "uid",
                                        pi->uid ?: "", "removeFinalizer",
                                        remove_finalizer && pi->has_fin, "ready", pi->ready));
        c->active--;
        if (pi->ready)
                c->ready--;
}

static void requeue(struct ctx *c, int64_t after)
{
        if (after <= 0)
                return;
        if (!c->out->requeue_after_ns || after < c->out->requeue_after_ns)
                c->out->requeue_after_ns = after;
}

static void requeue_backoff(struct ctx *c, int64_t after)
{
        requeue(c, after < c->cfg->min_requeue_ns ? c->cfg->min_requeue_ns : after);
}

/* firstPendingIndexes */
static size_t first_pending(struct ctx *c, int64_t count, int64_t *out)
{
        _cleanup_ix_set_ struct ix_set busy = {0};
        ix_set_merge(&busy, &c->succ_ix);
        ix_set_merge(&busy, &c->failed_ix);
        for (size_t i = 0; i < c->np; i++) {
                if (c->p[i].index < 0)
                        continue;
                if (c->p[i].active || (c->only_replace_failed && c->p[i].terminating))
                        ix_set_add(&busy, c->p[i].index);
        }
        size_t n = 0;
        int64_t cand = 0;
        for (size_t k = 0; k < busy.n; k++) {
                for (; cand < c->completions && (int64_t)n < count && cand < busy.v[k].first;
                     cand++)
                        out[n++] = cand;
                if (cand < busy.v[k].last + 1)
                        cand = busy.v[k].last + 1;
        }
        for (; cand < c->completions && (int64_t)n < count; cand++)
                out[n++] = cand;
        return n;
}

/* manageJob */
static void manage_job(struct ctx *c)
{
        size_t cap = (size_t)c->cfg->max_create_delete;
        if (c->suspend) {
                size_t n;
                _cleanup_free_ struct pinfo **rm = pods_for_removal(c, c->active, cap, &n);
                for (size_t i = 0; i < n; i++)
                        emit_delete(c, rm[i], true);
                return;
        }
        int64_t want;
        if (!c->has_completions) {
                want = c->succeeded > 0 ? c->active : c->parallelism;
        } else {
                want = c->completions - c->succeeded;
                if (want > c->parallelism)
                        want = c->parallelism;
                if (want < 0)
                        want = 0;
        }
        int64_t rm_at_least = c->active - want;
        if (rm_at_least < 0)
                rm_at_least = 0;
        size_t nrm;
        _cleanup_free_ struct pinfo **rm = pods_for_removal(c, rm_at_least, cap, &nrm);
        if (nrm > 0) {
                /* Never create and delete in one sync; deletion wins. */
                for (size_t i = 0; i < nrm; i++)
                        emit_delete(c, rm[i], true);
                return;
        }
        int64_t diff = want - c->active - (c->only_replace_failed ? c->terminating : 0);
        if (diff <= 0)
                return;
        if (!c->has_blpi) {
                int64_t rem = job_backoff_remaining(c->out->backoff.failures,
                                                    c->out->backoff.last_failure_ns, c->now,
                                                    c->cfg->backoff_base_ns,
                                                    c->cfg->backoff_cap_ns);
                if (rem > 0) {
                        requeue_backoff(c, rem);
                        return;
                }
        }
        if (diff > (int64_t)cap)
                diff = (int64_t)cap;
        if (!c->indexed) {
                for (int64_t i = 0; i < diff; i++)
                        json_array_append_new(c->out->create, job_new_pod(c->job, -1, -1, 0));
                c->active += diff;
                return;
        }
        _cleanup_free_ int64_t *ixs = xcalloc((size_t)diff, sizeof(*ixs));
        size_t n = first_pending(c, diff, ixs);
        if (c->has_blpi) {
                /* getPodCreationInfoForIndependentIndexes */
                size_t w = 0;
                int64_t min_rem = 0;
                for (size_t i = 0; i < n; i++) {
                        struct pinfo *last = delayed_pod(c, ixs[i]);
                        int64_t rem = 0;
                        if (last)
                                rem = job_backoff_remaining(
                                        abs_failure_count(last->pod) + 1,
                                        pod_finished_time_ns(last->pod), c->now,
                                        c->cfg->backoff_base_ns, c->cfg->backoff_cap_ns);
                        if (rem == 0)
                                ixs[w++] = ixs[i];
                        else if (!min_rem || rem < min_rem)
                                min_rem = rem;
                }
                if (w == 0 && min_rem > 0) {
                        requeue_backoff(c, min_rem);
                        return;
                }
                n = w;
        }
        for (size_t i = 0; i < n; i++) {
                int64_t fc = -1, ifc = 0;
                if (c->has_blpi) {
                        fc = 0;
                        struct pinfo *last = delayed_pod(c, ixs[i]);
                        if (last) {
                                fc = pod_annotation_int(last->pod, JOB_INDEX_FAILURE_COUNT_KEY);
                                ifc = pod_annotation_int(last->pod,
                                                         JOB_INDEX_IGNORED_FAILURE_COUNT_KEY);
                                if (counts_as_failure(c, last))
                                        fc++;
                                else
                                        ifc++;
                        }
                }
                json_array_append_new(c->out->create, job_new_pod(c->job, ixs[i], fc, ifc));
        }
        c->active += (int64_t)n;
}

/* canRemoveFinalizer */
static bool can_remove_finalizer(struct ctx *c, struct pinfo *pi)
{
        if (pod_deleting(c->job) || c->fin.type || pi->succeeded)
                return true;
        if (!pi->failed)
                return false;
        if (c->has_blpi && pi->index >= 0 && delayed_pod(c, pi->index) == pi)
                return false;
        return true;
}

/* Move UIDs whose pod no longer holds the finalizer from uncountedTerminatedPods into the
 * counters.  `without` lists UIDs to treat as released (finalizer removals this sync will
 * perform).  Returns true when the status changed. */
static bool flush_uncounted(struct ctx *c, json_t *status, json_t *without)
{
        json_t *with_fin = json_object();
        for (size_t i = 0; i < c->np; i++)
                if (c->p[i].has_fin && c->p[i].uid && !set_has(without, c->p[i].uid))
                        json_object_set(with_fin, c->p[i].uid, json_true());
        bool changed = false;
        static const char *const keys[2] = {"succeeded", "failed"};
        json_t *unc = jobj(status, "uncountedTerminatedPods");
        for (int k = 0; k < 2; k++) {
                json_t *arr = json_object_get(unc, keys[k]);
                if (!json_is_array(arr))
                        continue;
                json_t *keep = json_array();
                size_t i;
                json_t *v;
                json_array_foreach(arr, i, v)
                {
                        if (set_has(with_fin, json_string_value(v)))
                                json_array_append(keep, v);
                }
                size_t moved = json_array_size(arr) - json_array_size(keep);
                if (moved) {
                        changed = true;
                        status_set_count(status, keys[k], status_int(status, keys[k]) + (int64_t)moved,
                                         false);
                }
                if (json_array_size(keep))
                        json_object_set_new(unc, keys[k], keep);
                else {
                        json_decref(keep);
                        json_object_del(unc, keys[k]);
                }
        }
        json_decref(with_fin);
        return changed;
}

static size_t uncounted_len(json_t *status)
{
        json_t *unc = json_object_get(status, "uncountedTerminatedPods");
        return json_array_size(json_object_get(unc, "succeeded")) +
               json_array_size(json_object_get(unc, "failed"));
}

static void unc_append(json_t *status, const char *key, const char *uid)
{
        json_t *unc = jobj(status, "uncountedTerminatedPods");
        json_t *arr = json_object_get(unc, key);
        if (!json_is_array(arr)) {
                arr = json_array();
                json_object_set_new(unc, key, arr);
        }
        json_array_append_new(arr, json_string(uid));
}

/* trackJobStatusAndRemoveFinalizers: fills status / rm_finalizers / status_final. */
static void track_status(struct ctx *c, json_t *orig_status)
{
        json_t *st = c->status;
        json_t *rm_set = json_object();
        bool reached_max = false;
        _cleanup_ix_set_ struct ix_set new_succ = {0};
        int64_t new_succ_n = 0;

        flush_uncounted(c, st, NULL);
        for (size_t i = 0; i < c->np; i++) {
                struct pinfo *pi = &c->p[i];
                if (!pi->has_fin || !pi->uid)
                        continue;
                if (!can_remove_finalizer(c, pi))
                        continue;
                json_array_append_new(c->out->rm_finalizers,
                                      json_pack("{s:s, s:s}", "name", pi->name ?: "", "uid",
                                                pi->uid));
                json_object_set(rm_set, pi->uid, json_true());
                if (pi->succeeded && !set_has(c->unc_f, pi->uid)) {
                        if (c->indexed) {
                                if (pi->valid && !ix_set_has(&c->prev_succ, pi->index) &&
                                    !ix_set_has(&new_succ, pi->index)) {
                                        ix_set_add(&new_succ, pi->index);
                                        new_succ_n++;
                                }
                        } else if (!set_has(c->unc_s, pi->uid)) {
                                unc_append(st, "succeeded", pi->uid);
                        }
                } else if (pi->failed ||
                           (c->fin.type && !streq(c->fin.type, "SuccessCriteriaMet"))) {
                        if (!set_has(c->unc_f, pi->uid) && pi->valid &&
                            counts_as_failure(c, pi))
                                unc_append(st, "failed", pi->uid);
                }
                if (new_succ_n + (int64_t)uncounted_len(st) >= c->cfg->max_uncounted) {
                        reached_max = true;
                        break;
                }
        }
        if (c->indexed) {
                ix_set_merge(&c->succ_ix, &new_succ);
                _cleanup_free_ char *s = ix_set_format(&c->succ_ix);
                status_set_count(st, "succeeded", ix_set_total(&c->succ_ix), false);
                if (*s)
                        jset_str(st, "completedIndexes", s);
                else
                        json_object_del(st, "completedIndexes");
                if (c->has_blpi) {
                        _cleanup_free_ char *f = ix_set_format(&c->failed_ix);
                        jset_str(st, "failedIndexes", f);
                } else {
                        json_object_del(st, "failedIndexes");
                }
        }
        if (streq(c->fin.type, "FailureTarget")) {
                ensure_condition(st, "FailureTarget", "True", c->fin.reason, c->fin.message,
                                 c->now);
                c->fin.type = "Failed";
        }
        if (streq(c->fin.type, "SuccessCriteriaMet")) {
                if (!condition_true(c->job, "SuccessCriteriaMet"))
                        ensure_condition(st, "SuccessCriteriaMet", "True", c->fin.reason,
                                         c->fin.message, c->now);
                c->fin.type = "Complete";
        }

        /* Step 2's status is st as it is now; step 4 assumes every removal succeeded. */
        json_t *final = json_deep_copy(st);
        flush_uncounted(c, final, rm_set);
        bool enacted = false;
        if (c->fin.type && !reached_max && uncounted_len(final) == 0 && c->terminating == 0) {
                ensure_condition(final, c->fin.type, "True", c->fin.reason, c->fin.message,
                                 c->now);
                if (streq(c->fin.type, "Complete")) {
                        char ts[40];
                        time_format_rfc3339(c->now / 1000000000LL, ts, sizeof(ts));
                        jset_str(final, "completionTime", ts);
                        int64_t succ = status_int(final, "succeeded");
                        if (c->has_completions && succ > c->completions)
                                add_event(c->out->final_events, "Warning",
                                          "TooManySucceededPods",
                                          "Too many succeeded pods running after completion "
                                          "count reached");
                        add_event(c->out->final_events, "Normal", "Completed", "Job completed");
                } else {
                        add_event(c->out->final_events, "Warning", c->fin.reason,
                                  c->fin.message);
                }
                enacted = true;
        }
        c->out->finished = enacted;

        if (json_array_size(c->out->rm_finalizers) == 0) {
                /* Nothing is released in between: one write carries both steps. */
                if (!json_equal(final, orig_status))
                        c->out->status = json_incref(final);
                json_decref(final);
        } else {
                if (!json_equal(st, orig_status))
                        c->out->status = json_incref(st);
                if (!json_equal(final, st))
                        c->out->status_final = final;
                else
                        json_decref(final);
        }
        json_decref(rm_set);
}

static void classify(struct ctx *c)
{
        json_t *pods = c->in->pods;
        c->np = json_array_size(pods);
        c->p = xcalloc(c->np + 1, sizeof(*c->p));
        for (size_t i = 0; i < c->np; i++) {
                struct pinfo *pi = &c->p[i];
                json_t *pod = json_array_get(pods, i);
                pi->pod = pod;
                pi->uid = jstr(pod, "metadata.uid");
                pi->name = jstr(pod, "metadata.name");
                pi->index = c->indexed ? pod_completion_index(pod) : -1;
                pi->has_fin = pod_has_finalizer(pod, JOB_TRACKING_FINALIZER) &&
                              !set_has(c->in->rm_finalizer_expected, pi->uid);
                pi->valid = !c->indexed || (pi->index >= 0 && pi->index < c->completions);
                pi->active = pod_is_active(pod);
                pi->ready = pi->active && pod_is_ready(pod);
                pi->terminating = pod_is_terminating(pod);
                pi->succeeded = streq(pod_phase(pod), "Succeeded");
                /* isPodFailed: with TerminatingOrFailed (and no pod failure policy) a pod
                 * being deleted before it succeeded counts as failed right away. */
                pi->failed = streq(pod_phase(pod), "Failed") ||
                             (!c->only_replace_failed && pod_deleting(pod) && !pi->succeeded);
                c->active += pi->active;
                c->ready += pi->ready;
                c->terminating += pi->terminating;
        }
}

static void finished_cleanup(struct ctx *c)
{
        /* A terminal Job is never reconciled again; only pods still holding our finalizer
         * (created by a racing sync, or never released) are let go. */
        for (size_t i = 0; i < c->np; i++)
                if (c->p[i].has_fin && c->p[i].uid)
                        json_array_append_new(c->out->rm_finalizers,
                                              json_pack("{s:s, s:s}", "name",
                                                        c->p[i].name ?: "", "uid",
                                                        c->p[i].uid));
}

static int sync_inner(struct ctx *c)
{
        const struct job_sync_input *in = c->in;
        json_t *job = c->job;
        struct job_sync_result *out = c->out;

        if (job_managed_elsewhere(job)) {
                out->skipped = true;
                return 0;
        }
        const char *mode = jstr(job, "spec.completionMode");
        if (mode && !streq(mode, "NonIndexed") && !streq(mode, "Indexed")) {
                add_event(out->events, "Warning", "UnknownCompletionMode",
                          "Skipped Job sync because completion mode is unknown");
                out->skipped = true;
                return 0;
        }
        c->spec = jget(job, "spec");
        if (!json_is_object(c->spec))
                return -EINVAL;
        c->indexed = streq(mode, "Indexed");
        c->has_completions = jint(c->spec, "completions", &c->completions);
        if (c->indexed && !c->has_completions)
                return -EINVAL;
        if (!jint(c->spec, "parallelism", &c->parallelism))
                c->parallelism = 1;
        c->has_blpi = c->indexed && jint(c->spec, "backoffLimitPerIndex", &c->blpi);
        if (!jint(c->spec, "backoffLimit", &c->backoff_limit))
                c->backoff_limit = c->has_blpi ? MAX_INT32 : 6;
        c->suspend = jbool(c->spec, "suspend");
        c->pfp = json_object_get(c->spec, "podFailurePolicy");
        if (!json_is_object(c->pfp))
                c->pfp = NULL;
        c->only_replace_failed = streq(jstr(c->spec, "podReplacementPolicy"), "Failed") || c->pfp;

        classify(c);
        if (job_is_finished(job)) {
                finished_cleanup(c);
                out->finished = true;
                return 0;
        }

        json_t *orig = jget(job, "status");
        c->status = json_is_object(orig) ? json_deep_copy(orig) : json_object();
        json_t *st = c->status;
        json_t *unc = jobj(st, "uncountedTerminatedPods");
        c->unc_s = uid_set(json_object_get(unc, "succeeded"));
        c->unc_f = uid_set(json_object_get(unc, "failed"));

        /* getNewFinishedPods */
        _cleanup_free_ json_t **new_s = xcalloc(c->np + 1, sizeof(json_t *));
        _cleanup_free_ json_t **new_f = xcalloc(c->np + 1, sizeof(json_t *));
        size_t ns = 0, nf = 0, nf_counted = 0;
        for (size_t i = 0; i < c->np; i++) {
                struct pinfo *pi = &c->p[i];
                if (!pi->has_fin || !pi->valid)
                        continue;
                if (pi->succeeded && !set_has(c->unc_s, pi->uid))
                        new_s[ns++] = pi->pod;
                if (pi->failed && !set_has(c->unc_f, pi->uid)) {
                        new_f[nf++] = pi->pod;
                        nf_counted += counts_as_failure(c, pi);
                }
        }
        c->succeeded = status_int(st, "succeeded") + (int64_t)ns +
                       (int64_t)json_object_size(c->unc_s);
        c->failed = status_int(st, "failed") + (int64_t)nf_counted +
                    (int64_t)json_object_size(c->unc_f);

        if (!jstr(st, "startTime") && !c->suspend) {
                char ts[40];
                time_format_rfc3339(c->now / 1000000000LL, ts, sizeof(ts));
                jset_str(st, "startTime", ts);
        }
        out->backoff = in->backoff;
        job_backoff_update(&out->backoff, new_s, ns, new_f, nf);

        /* Decision order of syncJob (spec §3.3). */
        json_t *scm = find_condition(job, "status.conditions", "SuccessCriteriaMet");
        if (scm && streq(jstr(scm, "status"), "True"))
                cond_set(&c->fin, "SuccessCriteriaMet", jstr(scm, "reason") ?: "",
                         jstr(scm, "message") ?: "");
        if (!c->fin.type) {
                json_t *ft = find_condition(job, "status.conditions", "FailureTarget");
                if (ft && streq(jstr(ft, "status"), "True")) {
                        cond_set(&c->fin, "Failed", jstr(ft, "reason") ?: "",
                                 jstr(ft, "message") ?: "");
                } else if (c->pfp) {
                        for (size_t i = 0; i < c->np && !c->fin.type; i++) {
                                if (!c->p[i].failed)
                                        continue;
                                _cleanup_free_ char *msg = NULL;
                                bool count;
                                if (pfp_match(c->pfp, c->p[i].pod, &count, &msg) == PFP_FAIL_JOB)
                                        cond_set(&c->fin, "FailureTarget", "PodFailurePolicy",
                                                 msg);
                        }
                }
        }
        if (!c->fin.type) {
                int64_t ads;
                bool has_ads = jint(c->spec, "activeDeadlineSeconds", &ads);
                int64_t start = obj_time_ns(st, "startTime");
                bool past_onfailure = false;
                if (streq(jstr(c->spec, "template.spec.restartPolicy"), "OnFailure")) {
                        int64_t restarts = 0;
                        for (size_t i = 0; i < c->np; i++) {
                                const char *ph = pod_phase(c->p[i].pod);
                                if (streq(ph, "Running") || streq(ph, "Pending"))
                                        restarts += pod_restart_count(c->p[i].pod);
                        }
                        past_onfailure = c->backoff_limit == 0 ? restarts > 0
                                                               : restarts >= c->backoff_limit;
                }
                if (c->failed > c->backoff_limit || past_onfailure) {
                        cond_set(&c->fin, "FailureTarget", "BackoffLimitExceeded",
                                 "Job has reached the specified backoff limit");
                } else if (has_ads && start && !c->suspend &&
                           c->now - start >= ads * 1000000000LL) {
                        cond_set(&c->fin, "FailureTarget", "DeadlineExceeded",
                                 "Job was active longer than specified deadline");
                } else if (has_ads && !c->suspend && start) {
                        requeue(c, ads * 1000000000LL - (c->now - start));
                }
        }
        if (c->indexed) {
                ix_set_parse(jstr(st, "completedIndexes"), c->completions, &c->prev_succ);
                ix_set_merge(&c->succ_ix, &c->prev_succ);
                for (size_t i = 0; i < c->np; i++)
                        if (c->p[i].succeeded && c->p[i].valid &&
                            pod_has_finalizer(c->p[i].pod, JOB_TRACKING_FINALIZER))
                                ix_set_add(&c->succ_ix, c->p[i].index);
                c->succeeded = ix_set_total(&c->succ_ix);
                if (c->has_blpi) {
                        ix_set_parse(jstr(st, "failedIndexes"), c->completions, &c->failed_ix);
                        for (size_t i = 0; i < c->np; i++)
                                if (c->p[i].valid &&
                                    pod_has_finalizer(c->p[i].pod, JOB_TRACKING_FINALIZER) &&
                                    index_failed(c, &c->p[i]))
                                        ix_set_add(&c->failed_ix, c->p[i].index);
                        if (!c->fin.type) {
                                int64_t mfi, nfail = ix_set_total(&c->failed_ix);
                                if (jint(c->spec, "maxFailedIndexes", &mfi) && nfail > mfi)
                                        cond_set(&c->fin, "FailureTarget",
                                                 "MaxFailedIndexesExceeded",
                                                 "Job has exceeded the specified maximal "
                                                 "number of failed indexes");
                                else if (nfail > 0 &&
                                         nfail + ix_set_total(&c->succ_ix) >= c->completions)
                                        cond_set(&c->fin, "FailureTarget", "FailedIndexes",
                                                 "Job has failed indexes");
                        }
                        compute_delayed(c);
                }
                if (!c->fin.type) {
                        _cleanup_free_ char *msg = NULL;
                        if (success_policy_match(json_object_get(c->spec, "successPolicy"),
                                                 c->completions, &c->succ_ix, &msg))
                                cond_set(&c->fin, "SuccessCriteriaMet", "SuccessPolicy", msg);
                }
        }

        if (c->fin.type) {
                /* The Job is terminating: delete every active pod, keeping finalizers so
                 * that failures are counted (success-by-policy pods are not). */
                int64_t before = c->active;
                for (size_t i = 0; i < c->np; i++)
                        if (c->p[i].active)
                                emit_delete(c, &c->p[i], false);
                out->deleting_for_finish = json_array_size(out->del) > 0;
                c->terminating += before - c->active;
                if (!in->expectations_satisfied)
                        cond_release(&c->fin); /* the cache may hide pods: decide later */
        } else {
                bool managed = false;
                if (in->expectations_satisfied && !pod_deleting(job)) {
                        manage_job(c);
                        managed = true;
                }
                bool complete = c->has_completions
                                        ? c->succeeded >= c->completions && c->active == 0
                                        : c->succeeded > 0 && c->active == 0;
                if (complete) {
                        cond_set(&c->fin, "SuccessCriteriaMet", "CompletionsReached",
                                 "Reached expected number of succeeded pods");
                } else if (managed) {
                        if (c->suspend) {
                                if (ensure_condition(st, "Suspended", "True", "JobSuspended",
                                                     "Job suspended", c->now))
                                        add_event(out->events, "Normal", "Suspended",
                                                  "Job suspended");
                        } else if (ensure_condition(st, "Suspended", "False", "JobResumed",
                                                    "Job resumed", c->now)) {
                                add_event(out->events, "Normal", "Resumed", "Job resumed");
                                char ts[40];
                                time_format_rfc3339(c->now / 1000000000LL, ts, sizeof(ts));
                                jset_str(st, "startTime", ts);
                        }
                }
        }
        if (c->ready > c->active)
                c->ready = c->active;
        status_set_count(st, "active", c->active, false);
        status_set_count(st, "ready", c->ready, true);
        status_set_count(st, "terminating", c->terminating, true);
        if (!json_is_object(orig))
                orig = NULL;
        json_t *empty = json_object();
        track_status(c, orig ? orig : empty);
        json_decref(empty);
        return 0;
}

int job_sync(const struct job_sync_input *in, struct job_sync_result *out)
{
        struct job_sync_config defcfg;
        job_sync_config_default(&defcfg);
        *out = (struct job_sync_result){
                .create = json_array(),
                .del = json_array(),
                .rm_finalizers = json_array(),
                .events = json_array(),
                .final_events = json_array(),
                .backoff = in->backoff,
        };
        struct ctx c = {
                .in = in,
                .cfg = in->cfg ? in->cfg : &defcfg,
                .out = out,
                .job = in->job,
                .now = in->now_ns,
        };
        int r = sync_inner(&c);
        free(c.p);
        json_decref(c.status);
        json_decref(c.unc_s);
        json_decref(c.unc_f);
        json_decref(c.delayed);
        ix_set_release(&c.prev_succ);
        ix_set_release(&c.succ_ix);
        ix_set_release(&c.failed_ix);
        cond_release(&c.fin);
        return r;
}
