/* job_pods.c — see job_pods.h.  Everything here reads JSON defensively: pods come from
 * the API and a field of the wrong type is treated as absent, never trusted. */
#include "base/util.h"
#include "controller/job_pods.h"

const char *pod_phase(json_t *pod)
{
        const char *p = jstr(pod, "status.phase");
        return p ? p : "";
}

bool pod_deleting(json_t *pod)
{
        json_t *d = jget(pod, "metadata.deletionTimestamp");
        return d && !json_is_null(d);
}

bool pod_is_finished(json_t *pod)
{
        const char *p = pod_phase(pod);
        return streq(p, "Succeeded") || streq(p, "Failed");
}

bool pod_is_active(json_t *pod)
{
        return !pod_is_finished(pod) && !pod_deleting(pod);
}

bool pod_is_terminating(json_t *pod)
{
        return pod_deleting(pod) && !pod_is_finished(pod);
}

static json_t *pod_condition(json_t *pod, const char *type)
{
        json_t *conds = jget(pod, "status.conditions");
        size_t i;
        json_t *c;
        json_array_foreach(conds, i, c)
        {
                if (streq(jstr(c, "type"), type))
                        return c;
        }
        return NULL;
}

bool pod_is_ready(json_t *pod)
{
        json_t *c = pod_condition(pod, "Ready");
        return c && streq(jstr(c, "status"), "True");
}

bool pod_has_finalizer(json_t *pod, const char *fin)
{
        json_t *f = jget(pod, "metadata.finalizers");
        size_t i;
        json_t *v;
        json_array_foreach(f, i, v)
        {
                if (streq(json_string_value(v), fin))
                        return true;
        }
        return false;
}

static int64_t parse_nonneg(const char *s)
{
        if (!s || !*s || strlen(s) > 18)
                return -1;
        int64_t v = 0;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -1;
                v = v * 10 + (*p - '0');
        }
        return v;
}

int64_t pod_completion_index(json_t *pod)
{
        json_t *ann = jget(pod, "metadata.annotations");
        return parse_nonneg(json_string_value(json_object_get(ann, JOB_COMPLETION_INDEX_KEY)));
}

int64_t pod_annotation_int(json_t *pod, const char *key)
{
        json_t *ann = jget(pod, "metadata.annotations");
        int64_t v = parse_nonneg(json_string_value(json_object_get(ann, key)));
        return v < 0 ? 0 : v;
}

int64_t obj_time_ns(json_t *obj, const char *path)
{
        const char *s = jstr(obj, path);
        int64_t sec;
        if (!s || time_parse_rfc3339(s, &sec) < 0)
                return 0;
        int64_t ns = 0;
        const char *dot = strchr(s, '.');
        if (dot) {
                int64_t scale = 100000000;
                for (const char *p = dot + 1; *p >= '0' && *p <= '9' && scale > 0; p++) {
                        ns += (*p - '0') * scale;
                        scale /= 10;
                }
        }
        return sec * 1000000000LL + ns;
}

/* latestFinishTime over one container status list; false if some container has not
 * terminated (then the containers give no finish time). */
static bool latest_finish(json_t *statuses, bool only_restartable_init, json_t *pod,
                          int64_t *latest)
{
        size_t i;
        json_t *cs;
        json_array_foreach(statuses, i, cs)
        {
                if (only_restartable_init) {
                        /* sidecars: init containers with restartPolicy Always */
                        json_t *inits = jget(pod, "spec.initContainers");
                        bool restartable = false;
                        size_t j;
                        json_t *c;
                        json_array_foreach(inits, j, c)
                        {
                                if (streq(jstr(c, "name"), jstr(cs, "name")) &&
                                    streq(jstr(c, "restartPolicy"), "Always"))
                                        restartable = true;
                        }
                        if (!restartable)
                                continue;
                }
                int64_t t = obj_time_ns(cs, "state.terminated.finishedAt");
                if (!t)
                        return false;
                if (t > *latest)
                        *latest = t;
        }
        return true;
}

int64_t pod_finished_time_ns(json_t *pod)
{
        int64_t t = 0;
        if (latest_finish(jget(pod, "status.containerStatuses"), false, pod, &t) &&
            latest_finish(jget(pod, "status.initContainerStatuses"), true, pod, &t) && t)
                return t;
        json_t *ready = pod_condition(pod, "Ready");
        if (ready && streq(jstr(ready, "status"), "False")) {
                t = obj_time_ns(ready, "lastTransitionTime");
                if (t)
                        return t;
        }
        t = obj_time_ns(pod, "metadata.deletionTimestamp");
        if (t) {
                int64_t grace = 0;
                jint(pod, "metadata.deletionGracePeriodSeconds", &grace);
                return t - grace * 1000000000LL;
        }
        return obj_time_ns(pod, "metadata.creationTimestamp");
}

static int64_t sum_restarts(json_t *statuses, bool max_only)
{
        int64_t s = 0;
        size_t i;
        json_t *cs;
        json_array_foreach(statuses, i, cs)
        {
                int64_t r = 0;
                jint(cs, "restartCount", &r);
                if (max_only)
                        s = r > s ? r : s;
                else
                        s += r;
        }
        return s;
}

int64_t pod_restart_count(json_t *pod)
{
        return sum_restarts(jget(pod, "status.containerStatuses"), false) +
               sum_restarts(jget(pod, "status.initContainerStatuses"), false);
}

static int phase_ordinal(json_t *pod)
{
        const char *p = pod_phase(pod);
        if (streq(p, "Pending"))
                return 0;
        if (streq(p, "Unknown"))
                return 1;
        if (streq(p, "Running"))
                return 2;
        return 3;
}

/* afterOrZero: a zero time sorts first, then the later time. */
static bool after_or_zero(int64_t a, int64_t b)
{
        if (!a || !b)
                return !a;
        return a > b;
}

bool pod_delete_before(json_t *a, json_t *b)
{
        const char *na = jstr(a, "spec.nodeName"), *nb = jstr(b, "spec.nodeName");
        bool ua = !na || !*na, ub = !nb || !*nb;
        if (ua != ub)
                return ua;
        int oa = phase_ordinal(a), ob = phase_ordinal(b);
        if (oa != ob)
                return oa < ob;
        bool ra = pod_is_ready(a), rb = pod_is_ready(b);
        if (ra != rb)
                return !ra;
        if (ra && rb) {
                int64_t ta = obj_time_ns(pod_condition(a, "Ready"), "lastTransitionTime");
                int64_t tb = obj_time_ns(pod_condition(b, "Ready"), "lastTransitionTime");
                if (ta != tb)
                        return after_or_zero(ta, tb);
        }
        int64_t xa = sum_restarts(jget(a, "status.containerStatuses"), true);
        int64_t xb = sum_restarts(jget(b, "status.containerStatuses"), true);
        if (xa != xb)
                return xa > xb;
        int64_t ca = obj_time_ns(a, "metadata.creationTimestamp");
        int64_t cb = obj_time_ns(b, "metadata.creationTimestamp");
        if (ca != cb)
                return after_or_zero(ca, cb);
        return false;
}

const char *pod_controller_uid(json_t *pod)
{
        json_t *refs = jget(pod, "metadata.ownerReferences");
        size_t i;
        json_t *r;
        json_array_foreach(refs, i, r)
        {
                if (jbool(r, "controller"))
                        return jstr(r, "uid");
        }
        return NULL;
}

static void add_index_env(json_t *containers)
{
        size_t i;
        json_t *c;
        json_array_foreach(containers, i, c)
        {
                json_t *env = json_object_get(c, "env");
                bool found = false;
                size_t j;
                json_t *e;
                json_array_foreach(env, j, e)
                {
                        if (streq(jstr(e, "name"), JOB_COMPLETION_INDEX_ENV))
                                found = true;
                }
                if (found)
                        continue;
                if (!json_is_array(env)) {
                        env = json_array();
                        json_object_set_new(c, "env", env);
                }
                json_array_append_new(
                        env, json_pack("{s:s, s:{s:{s:s}}}", "name", JOB_COMPLETION_INDEX_ENV,
                                       "valueFrom", "fieldRef", "fieldPath",
                                       "metadata.labels['" JOB_COMPLETION_INDEX_KEY "']"));
        }
}

/* names.MaxGeneratedNameLength: 63 - 5 random characters. */
#define MAX_GENERATED_PREFIX 58

json_t *job_new_pod(json_t *job, int64_t index, int64_t failure_count,
                    int64_t ignored_failure_count)
{
        const char *name = jstr(job, "metadata.name");
        json_t *tmeta = jget(job, "spec.template.metadata");
        json_t *tspec = jget(job, "spec.template.spec");
        json_t *pod = json_pack("{s:s, s:s, s:{}}", "apiVersion", "v1", "kind", "Pod", "metadata");
        json_t *meta = json_object_get(pod, "metadata");

        _cleanup_free_ char *prefix = NULL;
        if (index >= 0) {
                _cleanup_free_ char *suffix = xasprintf("-%lld-", (long long)index);
                size_t nl = strlen(name ? name : ""), sl = strlen(suffix);
                if (nl + sl > MAX_GENERATED_PREFIX)
                        nl = MAX_GENERATED_PREFIX > sl ? MAX_GENERATED_PREFIX - sl : 0;
                prefix = xasprintf("%.*s%s", (int)nl, name ? name : "", suffix);
        } else {
                prefix = xasprintf("%s-", name ? name : "");
        }
        jset_str(meta, "generateName", prefix);
        if (jstr(job, "metadata.namespace"))
                jset_str(meta, "namespace", jstr(job, "metadata.namespace"));

        json_t *labels = json_object_get(tmeta, "labels");
        json_object_set_new(meta, "labels",
                            json_is_object(labels) ? json_deep_copy(labels) : json_object());
        json_t *ann = json_object_get(tmeta, "annotations");
        json_object_set_new(meta, "annotations",
                            json_is_object(ann) ? json_deep_copy(ann) : json_object());
        json_t *fins = json_object_get(tmeta, "finalizers");
        fins = json_is_array(fins) ? json_deep_copy(fins) : json_array();
        bool have = false;
        size_t fi;
        json_t *f;
        json_array_foreach(fins, fi, f)
        {
                if (streq(json_string_value(f), JOB_TRACKING_FINALIZER))
                        have = true;
        }
        if (!have)
                json_array_append_new(fins, json_string(JOB_TRACKING_FINALIZER));
        json_object_set_new(meta, "finalizers", fins);
        json_object_set_new(
                meta, "ownerReferences",
                json_pack("[{s:s, s:s, s:s, s:s, s:b, s:b}]", "apiVersion", "batch/v1", "kind",
                          "Job", "name", name ? name : "", "uid",
                          jstr(job, "metadata.uid") ? jstr(job, "metadata.uid") : "",
                          "controller", 1, "blockOwnerDeletion", 1));

        json_t *spec = json_is_object(tspec) ? json_deep_copy(tspec) : json_object();
        json_object_set_new(pod, "spec", spec);

        if (index >= 0) {
                char ixs[24];
                snprintf(ixs, sizeof(ixs), "%lld", (long long)index);
                jset_str(json_object_get(meta, "annotations"), JOB_COMPLETION_INDEX_KEY, ixs);
                jset_str(json_object_get(meta, "labels"), JOB_COMPLETION_INDEX_KEY, ixs);
                _cleanup_free_ char *host = xasprintf("%s-%lld", name ? name : "", (long long)index);
                jset_str(spec, "hostname", host);
                add_index_env(json_object_get(spec, "initContainers"));
                add_index_env(json_object_get(spec, "containers"));
                if (failure_count >= 0) {
                        snprintf(ixs, sizeof(ixs), "%lld", (long long)failure_count);
                        jset_str(json_object_get(meta, "annotations"),
                                 JOB_INDEX_FAILURE_COUNT_KEY, ixs);
                        if (ignored_failure_count > 0) {
                                snprintf(ixs, sizeof(ixs), "%lld",
                                         (long long)ignored_failure_count);
                                jset_str(json_object_get(meta, "annotations"),
                                         JOB_INDEX_IGNORED_FAILURE_COUNT_KEY, ixs);
                        }
                }
        }
        return pod;
}
