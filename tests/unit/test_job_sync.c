/* test_job_sync.c — table-driven tests of the Job sync logic with a fake clock and a fake
 * pod control, in the spirit of upstream pkg/controller/job/job_controller_test.go.
 * Cases carry upstream's test names where they mirror one. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "base/util.h"
#include "controller/job_apply.h"
#include "controller/job_indexes.h"
#include "controller/job_pods.h"
#include "controller/job_policy.h"
#include "controller/job_sync.h"
#include "harness.h"

#define SEC 1000000000LL
#define NOW_S 1700000000LL
static const int64_t NOW = NOW_S * SEC;

static json_t *jparse_s(const char *s)
{
        json_error_t e;
        json_t *j = json_loads(s, 0, &e);
        if (!j) {
                fprintf(stderr, "bad test json: %s: %s\n", s, e.text);
                abort();
        }
        return j;
}

static char *ts(int64_t sec)
{
        static char b[8][40];
        static int k;
        k = (k + 1) % 8;
        time_format_rfc3339(sec, b[k], sizeof(b[k]));
        return b[k];
}

/* A started Job: parallelism 2, completions 5, backoffLimit 6, overlay merged on top
 * (JSON null removes a field). */
static json_t *mkjob(const char *overlay)
{
        json_t *j = json_pack(
                "{s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:{s:i, s:i, s:i, s:{s:{s:s}}, "
                "s:{s:{s:{s:s}}, s:{s:s, s:[{s:s, s:s}]}}}, s:{s:s}}",
                "apiVersion", "batch/v1", "kind", "Job", "metadata", "name", "foobar",
                "namespace", "default", "uid", "job-uid", "resourceVersion", "1", "spec",
                "parallelism", 2, "completions", 5, "backoffLimit", 6, "selector", "matchLabels",
                "foo", "bar", "template", "metadata", "labels", "foo", "bar", "spec",
                "restartPolicy", "Never", "containers", "name", "main", "image", "busybox",
                "status", "startTime", ts(NOW_S - 1000));
        if (overlay) {
                json_t *o = jparse_s(overlay);
                json_object_update_recursive(j, o);
                json_decref(o);
        }
        return j;
}

static int pod_seq;

static json_t *mkpod(const char *phase)
{
        int n = ++pod_seq;
        char uid[32], name[32];
        snprintf(uid, sizeof(uid), "uid-%d", n);
        snprintf(name, sizeof(name), "foobar-%d", n);
        json_t *p = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:{s:s}, s:[s], s:[{s:s, s:s, "
                              "s:s, s:s, s:b}]}, s:{s:s}, s:{s:s}}",
                              "apiVersion", "v1", "kind", "Pod", "metadata", "name", name,
                              "namespace", "default", "uid", uid, "creationTimestamp",
                              ts(NOW_S - 500 + n), "labels", "foo", "bar", "finalizers",
                              JOB_TRACKING_FINALIZER, "ownerReferences", "apiVersion", "batch/v1",
                              "kind", "Job", "name", "foobar", "uid", "job-uid", "controller", 1,
                              "spec", "nodeName", "node1", "status", "phase", phase);
        if (streq(phase, "Succeeded") || streq(phase, "Failed"))
                json_object_set_new(
                        json_object_get(p, "status"), "containerStatuses",
                        json_pack("[{s:s, s:i, s:{s:{s:i, s:s}}}]", "name", "main",
                                  "restartCount", 0, "state", "terminated", "exitCode",
                                  streq(phase, "Failed") ? 1 : 0, "finishedAt", ts(NOW_S - 100)));
        return p;
}

static json_t *pset_index(json_t *p, int ix)
{
        char b[16];
        snprintf(b, sizeof(b), "%d", ix);
        jset_str(jobj_path(p, "metadata.annotations"), JOB_COMPLETION_INDEX_KEY, b);
        return p;
}

static json_t *pset_ready(json_t *p)
{
        json_object_set_new(json_object_get(p, "status"), "conditions",
                            json_pack("[{s:s, s:s, s:s}]", "type", "Ready", "status", "True",
                                      "lastTransitionTime", ts(NOW_S - 50)));
        return p;
}

static json_t *pset_deleting(json_t *p)
{
        jset_str(json_object_get(p, "metadata"), "deletionTimestamp", ts(NOW_S - 60));
        return p;
}

static json_t *pset_nofin(json_t *p)
{
        json_object_set_new(json_object_get(p, "metadata"), "finalizers", json_array());
        return p;
}

static json_t *pset_exit(json_t *p, int code)
{
        json_t *cs = json_array_get(jget(p, "status.containerStatuses"), 0);
        jset_int(jget(cs, "state.terminated"), "exitCode", code);
        return p;
}

static json_t *pset_finish(json_t *p, int64_t sec)
{
        json_t *cs = json_array_get(jget(p, "status.containerStatuses"), 0);
        jset_str(jget(cs, "state.terminated"), "finishedAt", ts(sec));
        return p;
}

static json_t *pset_cond(json_t *p, const char *type)
{
        json_t *st = json_object_get(p, "status");
        json_t *c = json_object_get(st, "conditions");
        if (!c) {
                c = json_array();
                json_object_set_new(st, "conditions", c);
        }
        json_array_append_new(c, json_pack("{s:s, s:s}", "type", type, "status", "True"));
        return p;
}

static json_t *pset_restarts(json_t *p, int n)
{
        json_object_set_new(json_object_get(p, "status"), "containerStatuses",
                            json_pack("[{s:s, s:i, s:{s:{}}}]", "name", "main", "restartCount", n,
                                      "state", "running"));
        return p;
}

static void add(json_t *pods, json_t *p)
{
        json_array_append_new(pods, p);
}

static void addn(json_t *pods, int n, const char *phase)
{
        for (int i = 0; i < n; i++)
                add(pods, mkpod(phase));
}

static struct job_sync_config test_cfg(void)
{
        struct job_sync_config c;
        job_sync_config_default(&c);
        return c;
}

static struct job_sync_config g_cfg;

static void run(json_t *job, json_t *pods, struct job_sync_result *r)
{
        g_cfg = test_cfg();
        struct job_sync_input in = {
                .job = job,
                .pods = pods,
                .now_ns = NOW,
                .expectations_satisfied = true,
                .cfg = &g_cfg,
        };
        CHECK_INT(job_sync(&in, r), 0);
}

/* The status the Job ends up with when every write of the plan succeeds. */
static json_t *final_status(json_t *job, struct job_sync_result *r)
{
        if (r->status_final)
                return r->status_final;
        if (r->status)
                return r->status;
        return jget(job, "status");
}

static int64_t sint(json_t *st, const char *k)
{
        int64_t v = 0;
        jint(st, k, &v);
        return v;
}

/* "Type/Reason,Type/Reason" of True conditions, in order. */
static char *conds(json_t *st)
{
        static char b[512];
        b[0] = 0;
        size_t i, len = 0;
        json_t *c;
        json_array_foreach(json_object_get(st, "conditions"), i, c)
        {
                len += (size_t)snprintf(b + len, sizeof(b) - len, "%s%s/%s%s", len ? "," : "",
                                        jstr(c, "type"), jstr(c, "reason"),
                                        streq(jstr(c, "status"), "False") ? "=False" : "");
        }
        return b;
}

static bool has_event(json_t *events, const char *reason, const char *msg)
{
        size_t i;
        json_t *e;
        json_array_foreach(events, i, e)
        {
                if (streq(jstr(e, "reason"), reason) && (!msg || streq(jstr(e, "message"), msg)))
                        return true;
        }
        return false;
}

/* ---- TestControllerSyncJob ---------------------------------------------------------- */

struct sync_case {
        const char *name;
        const char *overlay;
        int pending, active, ready, succeeded, failed, terminating;
        int creations, deletions;
        int e_active, e_ready, e_succeeded, e_failed, e_terminating;
        const char *e_conds;
};

static const struct sync_case sync_cases[] = {
        {"job start", NULL, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0, ""},
        {"WQ job start", "{\"spec\":{\"completions\":null}}", 0, 0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0,
         0, ""},
        {"pending pods", NULL, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, ""},
        {"correct # of pods", "{\"spec\":{\"parallelism\":3}}", 0, 3, 3, 0, 0, 0, 0, 0, 3, 3, 0,
         0, 0, ""},
        {"WQ job: correct # of pods", "{\"spec\":{\"completions\":null}}", 0, 2, 0, 0, 0, 0, 0, 0,
         2, 0, 0, 0, 0, ""},
        {"too few active pods", NULL, 0, 1, 0, 1, 0, 0, 1, 0, 2, 0, 1, 0, 0, ""},
        {"WQ job: recreate pods when failed",
         "{\"spec\":{\"completions\":null,\"parallelism\":1,\"podReplacementPolicy\":\"Failed\"}}",
         0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, ""},
        {"too many active pods", NULL, 0, 3, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, ""},
        {"failed + succeed pods: reset backoff delay", NULL, 0, 1, 0, 1, 1, 0, 1, 0, 2, 0, 1, 1,
         0, ""},
        {"new failed pod", NULL, 0, 1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 1, 0, ""},
        {"only new failed pod", NULL, 0, 0, 0, 0, 1, 0, 2, 0, 2, 0, 0, 1, 0, ""},
        {"job finish", NULL, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 5, 0, 0,
         "SuccessCriteriaMet/CompletionsReached,Complete/CompletionsReached"},
        {"WQ job finishing", "{\"spec\":{\"completions\":null}}", 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1,
         0, 0, ""},
        {"WQ job all finished", "{\"spec\":{\"completions\":null}}", 0, 0, 0, 2, 0, 0, 0, 0, 0, 0,
         2, 0, 0, "SuccessCriteriaMet/CompletionsReached,Complete/CompletionsReached"},
        {"WQ job all finished despite one failure", "{\"spec\":{\"completions\":null}}", 0, 0, 0,
         1, 1, 0, 0, 0, 0, 0, 1, 1, 0,
         "SuccessCriteriaMet/CompletionsReached,Complete/CompletionsReached"},
        {"more active pods than parallelism", NULL, 0, 10, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0, 0, ""},
        {"more active pods than remaining completions",
         "{\"spec\":{\"parallelism\":3,\"completions\":4}}", 0, 3, 0, 2, 0, 0, 0, 1, 2, 0, 2, 0,
         0, ""},
        {"status change", NULL, 0, 2, 0, 2, 0, 0, 0, 0, 2, 0, 2, 0, 0, ""},
        {"deleting job", "{\"metadata\":{\"deletionTimestamp\":\"2023-11-14T22:00:00Z\"}}", 1, 1,
         0, 1, 0, 0, 0, 0, 2, 0, 1, 0, 0, ""},
        {"too many job failures", "{\"spec\":{\"backoffLimit\":0}}", 0, 0, 0, 0, 1, 0, 0, 0, 0, 0,
         0, 1, 0, "FailureTarget/BackoffLimitExceeded,Failed/BackoffLimitExceeded"},
        {"count ready pods when job fails",
         "{\"spec\":{\"backoffLimit\":0,\"completions\":3}}", 0, 2, 2, 0, 1, 0, 0, 2, 0, 0, 0, 3,
         2, "FailureTarget/BackoffLimitExceeded"},
        {"parallelism 0 pauses", "{\"spec\":{\"parallelism\":0}}", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, ""},
        {"completions 0 completes at once", "{\"spec\":{\"completions\":0}}", 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, "SuccessCriteriaMet/CompletionsReached,Complete/CompletionsReached"},
        {"TerminatingOrFailed: deleted running pod counts failed and is replaced", NULL, 0, 1, 0,
         0, 0, 1, 1, 0, 2, 0, 0, 1, 1, ""},
        {"Failed policy: terminating pod is not replaced",
         "{\"spec\":{\"podReplacementPolicy\":\"Failed\"}}", 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1,
         ""},
        {"deadline exceeded", "{\"spec\":{\"activeDeadlineSeconds\":10}}", 0, 2, 1, 0, 0, 0, 0, 2,
         0, 0, 0, 2, 2, "FailureTarget/DeadlineExceeded"},
        {"deadline exceeded, no pods left", "{\"spec\":{\"activeDeadlineSeconds\":10}}", 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         "FailureTarget/DeadlineExceeded,Failed/DeadlineExceeded"},
        {"backoffLimit checked before deadline",
         "{\"spec\":{\"activeDeadlineSeconds\":10,\"backoffLimit\":0}}", 0, 0, 0, 0, 1, 0, 0, 0,
         0, 0, 0, 1, 0, "FailureTarget/BackoffLimitExceeded,Failed/BackoffLimitExceeded"},
};

TEST(controller_sync_job_table)
{
        for (size_t k = 0; k < ARRAY_SIZE(sync_cases); k++) {
                const struct sync_case *tc = &sync_cases[k];
                int before = harness_cur_failed;
                harness_cur_failed = 0;
                json_t *job = mkjob(tc->overlay);
                json_t *pods = json_array();
                addn(pods, tc->pending, "Pending");
                for (int i = 0; i < tc->active; i++)
                        add(pods, i < tc->ready ? pset_ready(mkpod("Running")) : mkpod("Running"));
                addn(pods, tc->succeeded, "Succeeded");
                for (int i = 0; i < tc->failed; i++)
                        add(pods, pset_finish(mkpod("Failed"), NOW_S - 100));
                for (int i = 0; i < tc->terminating; i++)
                        add(pods, pset_deleting(mkpod("Running")));
                struct job_sync_result r;
                run(job, pods, &r);
                json_t *st = final_status(job, &r);
                CHECK_INT(json_array_size(r.create), tc->creations);
                CHECK_INT(json_array_size(r.del), tc->deletions);
                CHECK_INT(sint(st, "active"), tc->e_active);
                CHECK_INT(sint(st, "ready"), tc->e_ready);
                CHECK_INT(sint(st, "succeeded"), tc->e_succeeded);
                CHECK_INT(sint(st, "failed"), tc->e_failed);
                CHECK_INT(sint(st, "terminating"), tc->e_terminating);
                CHECK_STR(conds(st), tc->e_conds);
                CHECK(json_is_object(json_object_get(st, "uncountedTerminatedPods")));
                CHECK_INT(json_object_size(json_object_get(st, "uncountedTerminatedPods")), 0);
                if (harness_cur_failed)
                        fprintf(stderr, "  ^ case: %s\n", tc->name);
                harness_cur_failed |= before;
                job_sync_result_release(&r);
                json_decref(job);
                json_decref(pods);
        }
}

/* ---- pods created --------------------------------------------------------------------- */

TEST(created_pod_shape_nonindexed)
{
        json_t *job = mkjob("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"a\":\"b\"}}}}}");
        json_t *pods = json_array();
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.create), 2);
        json_t *p = json_array_get(r.create, 0);
        CHECK_STR(jstr(p, "metadata.generateName"), "foobar-");
        CHECK_STR(jstr(p, "metadata.namespace"), "default");
        CHECK_STR(jstr(p, "metadata.labels.foo"), "bar");
        CHECK_STR(jstr(p, "metadata.annotations.a"), "b");
        CHECK(pod_has_finalizer(p, JOB_TRACKING_FINALIZER));
        json_t *ref = json_array_get(jget(p, "metadata.ownerReferences"), 0);
        CHECK_STR(jstr(ref, "apiVersion"), "batch/v1");
        CHECK_STR(jstr(ref, "kind"), "Job");
        CHECK_STR(jstr(ref, "name"), "foobar");
        CHECK_STR(jstr(ref, "uid"), "job-uid");
        CHECK(jbool(ref, "controller") && jbool(ref, "blockOwnerDeletion"));
        CHECK_STR(jstr(p, "spec.restartPolicy"), "Never");
        CHECK(jget(p, "spec.hostname") == NULL);
        CHECK(json_object_get(jget(p, "metadata.annotations"), JOB_COMPLETION_INDEX_KEY) == NULL);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(created_pod_shape_indexed)
{
        json_t *job = mkjob("{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":3,"
                            "\"template\":{\"spec\":{\"subdomain\":\"svc\",\"containers\":[{\"name\":"
                            "\"main\",\"image\":\"busybox\"},{\"name\":\"side\",\"image\":\"b\","
                            "\"env\":[{\"name\":\"JOB_COMPLETION_INDEX\",\"value\":\"x\"}]}]}}}}");
        json_t *pods = json_array();
        add(pods, pset_index(mkpod("Running"), 0));
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.create), 1);
        json_t *p = json_array_get(r.create, 0);
        CHECK_STR(jstr(p, "metadata.generateName"), "foobar-1-");
        json_t *ann = jget(p, "metadata.annotations"), *lab = jget(p, "metadata.labels");
        CHECK_STR(json_string_value(json_object_get(ann, JOB_COMPLETION_INDEX_KEY)), "1");
        CHECK_STR(json_string_value(json_object_get(lab, JOB_COMPLETION_INDEX_KEY)), "1");
        CHECK_STR(jstr(p, "spec.hostname"), "foobar-1");
        CHECK_STR(jstr(p, "spec.subdomain"), "svc");
        json_t *c0 = json_array_get(jget(p, "spec.containers"), 0);
        json_t *e = json_array_get(json_object_get(c0, "env"), 0);
        CHECK_STR(jstr(e, "name"), "JOB_COMPLETION_INDEX");
        CHECK_STR(jstr(e, "valueFrom.fieldRef.fieldPath"),
                  "metadata.labels['batch.kubernetes.io/job-completion-index']");
        json_t *c1 = json_array_get(jget(p, "spec.containers"), 1);
        CHECK_INT(json_array_size(json_object_get(c1, "env")), 1); /* user's value kept */
        CHECK(json_object_get(jget(p, "metadata.annotations"), JOB_INDEX_FAILURE_COUNT_KEY) == NULL);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);

        /* long names keep "-<index>-" within 58 characters */
        json_t *lj = mkjob("{\"metadata\":{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"},"
                           "\"spec\":{\"completionMode\":\"Indexed\",\"completions\":20,\"parallelism\":20}}");
        json_t *lp = job_new_pod(lj, 12, -1, 0);
        const char *gn = jstr(lp, "metadata.generateName");
        CHECK_INT(strlen(gn), 58);
        CHECK(strcmp(gn + 54, "-12-") == 0);
        json_decref(lp);
        json_decref(lj);
}

TEST(max_500_creations_per_sync)
{
        json_t *job = mkjob("{\"spec\":{\"parallelism\":1000,\"completions\":1000}}");
        json_t *pods = json_array();
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.create), 500);
        CHECK_INT(sint(r.status, "active"), 500);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(expectations_unsatisfied_no_create)
{
        json_t *job = mkjob(NULL);
        json_t *pods = json_array();
        struct job_sync_config cfg = test_cfg();
        struct job_sync_input in = {.job = job, .pods = pods, .now_ns = NOW, .cfg = &cfg};
        struct job_sync_result r;
        CHECK_INT(job_sync(&in, &r), 0);
        CHECK_INT(json_array_size(r.create), 0);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

/* ---- finalizer tracking ----------------------------------------------------------- */

TEST(track_two_step_uncounted_then_counted)
{
        json_t *job = mkjob(NULL);
        json_t *pods = json_array();
        add(pods, mkpod("Succeeded")); /* uid-N */
        const char *uid = jstr(json_array_get(pods, 0), "metadata.uid");
        add(pods, mkpod("Running"));
        struct job_sync_result r;
        run(job, pods, &r);
        /* step 2: the UID is recorded, not yet counted */
        CHECK(r.status != NULL);
        CHECK_INT(sint(r.status, "succeeded"), 0);
        json_t *us = jget(r.status, "uncountedTerminatedPods.succeeded");
        CHECK_INT(json_array_size(us), 1);
        CHECK_STR(json_string_value(json_array_get(us, 0)), uid);
        /* step 3: only the finished pod is released */
        CHECK_INT(json_array_size(r.rm_finalizers), 1);
        CHECK_STR(jstr(json_array_get(r.rm_finalizers, 0), "uid"), uid);
        /* step 4: counted */
        CHECK(r.status_final != NULL);
        CHECK_INT(sint(r.status_final, "succeeded"), 1);
        CHECK_INT(json_object_size(jget(r.status_final, "uncountedTerminatedPods")), 0);
        job_sync_result_release(&r);

        /* Crash after step 2: the Job has the UID, the pod still has its finalizer.  The
         * replay must not add it again, only release it, then count it once. */
        json_t *st = jparse_s("{\"succeeded\":0}");
        json_object_set_new(st, "uncountedTerminatedPods",
                            json_pack("{s:[s]}", "succeeded", uid));
        jset_str(st, "startTime", ts(NOW_S - 1000));
        json_object_set_new(job, "status", st);
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.rm_finalizers), 1);
        CHECK_INT(json_array_size(jget(final_status(job, &r), "uncountedTerminatedPods.succeeded")),
                  0);
        CHECK_INT(sint(final_status(job, &r), "succeeded"), 1);
        job_sync_result_release(&r);

        /* Crash after step 3: the pod has no finalizer (or is gone) and its UID is still
         * uncounted: counted exactly once, nothing to release. */
        json_array_remove(pods, 0);
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.rm_finalizers), 0);
        CHECK(r.status != NULL && r.status_final == NULL);
        CHECK_INT(sint(r.status, "succeeded"), 1);
        CHECK_INT(json_object_size(jget(r.status, "uncountedTerminatedPods")), 0);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(counted_pods_without_finalizer_are_not_recounted)
{
        json_t *job = mkjob("{\"status\":{\"succeeded\":2,\"failed\":1}}");
        json_t *pods = json_array();
        add(pods, pset_nofin(mkpod("Succeeded")));
        add(pods, pset_nofin(mkpod("Succeeded")));
        add(pods, pset_nofin(mkpod("Failed")));
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK_INT(sint(st, "succeeded"), 2);
        CHECK_INT(sint(st, "failed"), 1);
        CHECK_INT(json_array_size(r.create), 2);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(expected_finalizer_removal_hides_stale_cache)
{
        /* The cache still shows the finalizer we already removed; the Job status already
         * counts the pod.  With the expectation the pod is not "new" again. */
        json_t *job = mkjob("{\"status\":{\"succeeded\":1}}");
        json_t *pods = json_array();
        add(pods, mkpod("Succeeded"));
        json_t *exp = json_pack("{s:b}", jstr(json_array_get(pods, 0), "metadata.uid"), 1);
        struct job_sync_config cfg = test_cfg();
        struct job_sync_input in = {.job = job, .pods = pods, .now_ns = NOW,
                                    .expectations_satisfied = true,
                                    .rm_finalizer_expected = exp, .cfg = &cfg};
        struct job_sync_result r;
        CHECK_INT(job_sync(&in, &r), 0);
        CHECK_INT(sint(final_status(job, &r), "succeeded"), 1);
        CHECK_INT(json_array_size(r.rm_finalizers), 0);
        job_sync_result_release(&r);
        json_decref(exp);
        json_decref(job);
        json_decref(pods);
}

TEST(max_uncounted_per_sync)
{
        json_t *job = mkjob("{\"spec\":{\"completions\":1000,\"parallelism\":1}}");
        json_t *pods = json_array();
        addn(pods, 600, "Succeeded");
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(jget(r.status, "uncountedTerminatedPods.succeeded")), 500);
        CHECK_INT(json_array_size(r.rm_finalizers), 500);
        CHECK_INT(sint(r.status_final, "succeeded"), 500);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(finished_job_only_releases_finalizers)
{
        json_t *job = mkjob("{\"status\":{\"succeeded\":5,\"conditions\":[{\"type\":\"Complete\","
                            "\"status\":\"True\"}]}}");
        json_t *pods = json_array();
        add(pods, mkpod("Running"));
        add(pods, pset_nofin(mkpod("Succeeded")));
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK(r.finished);
        CHECK(r.status == NULL && r.status_final == NULL);
        CHECK_INT(json_array_size(r.create) + json_array_size(r.del), 0);
        CHECK_INT(json_array_size(r.rm_finalizers), 1);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(deleting_job_releases_all_finalizers)
{
        json_t *job = mkjob("{\"metadata\":{\"deletionTimestamp\":\"2023-11-14T22:00:00Z\"}}");
        json_t *pods = json_array();
        add(pods, mkpod("Running"));
        add(pods, mkpod("Succeeded"));
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.rm_finalizers), 2);
        CHECK_INT(json_array_size(r.create) + json_array_size(r.del), 0);
        CHECK_INT(sint(final_status(job, &r), "succeeded"), 1);
        CHECK_INT(sint(final_status(job, &r), "failed"), 0);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

/* ---- terminal conditions ------------------------------------------------------------ */

TEST(failure_target_then_failed_after_pods_gone)
{
        json_t *job = mkjob("{\"spec\":{\"backoffLimit\":0}}");
        json_t *pods = json_array();
        add(pods, mkpod("Failed"));
        add(pods, mkpod("Running"));
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.del), 1);
        CHECK(r.deleting_for_finish);
        CHECK(!jbool(json_array_get(r.del, 0), "removeFinalizer"));
        CHECK_STR(conds(r.status), "FailureTarget/BackoffLimitExceeded");
        json_t *st = final_status(job, &r);
        CHECK_INT(sint(st, "failed"), 2); /* the deleted running pod counts as failed */
        CHECK_INT(sint(st, "terminating"), 1);
        CHECK_STR(conds(st), "FailureTarget/BackoffLimitExceeded");
        CHECK(!r.finished);
        json_object_set(job, "status", st);
        job_sync_result_release(&r);

        /* next sync: the pod is terminating; still not Failed */
        json_decref(pods);
        pods = json_array();
        add(pods, pset_nofin(mkpod("Failed")));
        add(pods, pset_deleting(pset_nofin(mkpod("Running"))));
        run(job, pods, &r);
        st = final_status(job, &r);
        CHECK_STR(conds(st), "FailureTarget/BackoffLimitExceeded");
        CHECK_INT(sint(st, "failed"), 2);
        json_object_set(job, "status", st);
        job_sync_result_release(&r);

        /* pods gone: Failed with the same reason, Warning event, no completionTime */
        json_array_remove(pods, 1);
        run(job, pods, &r);
        st = final_status(job, &r);
        CHECK_STR(conds(st), "FailureTarget/BackoffLimitExceeded,Failed/BackoffLimitExceeded");
        json_t *failed = json_array_get(json_object_get(st, "conditions"), 1);
        CHECK_STR(jstr(failed, "message"), "Job has reached the specified backoff limit");
        CHECK(jget(st, "completionTime") == NULL);
        CHECK_INT(sint(st, "failed"), 2);
        CHECK_INT(sint(st, "terminating"), 0);
        CHECK(r.finished);
        CHECK(has_event(r.final_events, "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit"));
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(complete_sets_completion_time_and_event)
{
        json_t *job = mkjob("{\"spec\":{\"completions\":2}}");
        json_t *pods = json_array();
        addn(pods, 3, "Succeeded");
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK_STR(conds(st), "SuccessCriteriaMet/CompletionsReached,Complete/CompletionsReached");
        json_t *c = json_array_get(json_object_get(st, "conditions"), 1);
        CHECK_STR(jstr(c, "message"), "Reached expected number of succeeded pods");
        CHECK_STR(jstr(st, "completionTime"), ts(NOW_S));
        CHECK_STR(jstr(c, "lastTransitionTime"), ts(NOW_S));
        CHECK(has_event(r.final_events, "Completed", "Job completed"));
        CHECK(has_event(r.final_events, "TooManySucceededPods", NULL));
        CHECK(r.finished);
        /* the interim condition went out before the finalizers were released */
        CHECK_STR(conds(r.status), "SuccessCriteriaMet/CompletionsReached");
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(existing_failure_target_is_kept)
{
        json_t *job = mkjob("{\"status\":{\"conditions\":[{\"type\":\"FailureTarget\",\"status\":"
                            "\"True\",\"reason\":\"PodFailurePolicy\",\"message\":\"m\"}]}}");
        json_t *pods = json_array();
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK_STR(conds(st), "FailureTarget/PodFailurePolicy,Failed/PodFailurePolicy");
        CHECK_INT(json_array_size(r.create), 0);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(failure_target_false_is_ignored)
{
        json_t *job = mkjob("{\"status\":{\"conditions\":[{\"type\":\"FailureTarget\",\"status\":"
                            "\"False\",\"reason\":\"x\",\"message\":\"m\"}]}}");
        json_t *pods = json_array();
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.create), 2);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(managed_by_other_controller_is_skipped)
{
        json_t *job = mkjob("{\"spec\":{\"managedBy\":\"acme.io/foo\"},\"status\":{}}");
        json_t *pods = json_array();
        add(pods, mkpod("Succeeded"));
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK(r.skipped);
        CHECK(r.status == NULL && r.status_final == NULL);
        CHECK_INT(json_array_size(r.create) + json_array_size(r.rm_finalizers), 0);
        job_sync_result_release(&r);
        json_decref(job);
        job = mkjob("{\"spec\":{\"managedBy\":\"kubernetes.io/job-controller\"}}");
        run(job, pods, &r);
        CHECK(!r.skipped);
        CHECK_INT(json_array_size(r.create), 2);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(unknown_completion_mode_event)
{
        json_t *job = mkjob("{\"spec\":{\"completionMode\":\"Weird\"}}");
        json_t *pods = json_array();
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK(r.skipped);
        CHECK(has_event(r.events, "UnknownCompletionMode",
                        "Skipped Job sync because completion mode is unknown"));
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

/* ---- deadline, OnFailure ---------------------------------------------------------- */

TEST(active_deadline_requeue)
{
        json_t *job = mkjob("{\"spec\":{\"activeDeadlineSeconds\":1100}}");
        json_t *pods = json_array();
        addn(pods, 2, "Running");
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(r.requeue_after_ns, 100 * SEC);
        CHECK_STR(conds(final_status(job, &r)), "");
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(on_failure_restart_counts)
{
        json_t *job = mkjob("{\"spec\":{\"backoffLimit\":3,\"template\":{\"spec\":{"
                            "\"restartPolicy\":\"OnFailure\"}}}}");
        json_t *pods = json_array();
        add(pods, pset_restarts(mkpod("Running"), 2));
        add(pods, pset_restarts(mkpod("Running"), 0));
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_STR(conds(final_status(job, &r)), "");
        job_sync_result_release(&r);
        json_array_clear(pods);
        add(pods, pset_restarts(mkpod("Running"), 2));
        add(pods, pset_restarts(mkpod("Pending"), 1));
        run(job, pods, &r);
        CHECK_STR(conds(final_status(job, &r)), "FailureTarget/BackoffLimitExceeded");
        CHECK_INT(json_array_size(r.del), 2);
        CHECK_INT(sint(final_status(job, &r), "failed"), 2);
        job_sync_result_release(&r);
        /* backoffLimit 0: any restart fails the Job */
        json_decref(job);
        job = mkjob("{\"spec\":{\"backoffLimit\":0,\"template\":{\"spec\":{"
                    "\"restartPolicy\":\"OnFailure\"}}}}");
        json_array_clear(pods);
        add(pods, pset_restarts(mkpod("Running"), 1));
        run(job, pods, &r);
        CHECK_STR(conds(final_status(job, &r)), "FailureTarget/BackoffLimitExceeded");
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

/* ---- backoff ---------------------------------------------------------------------- */

TEST(backoff_remaining_table)
{
        int64_t base = 10 * SEC, cap = 600 * SEC;
        struct {
                int64_t failures, since_s, want_s;
        } cases[] = {{0, 0, 0},    {1, 0, 10},   {1, 4, 6},    {1, 10, 0},  {2, 0, 20},
                     {3, 5, 35},   {4, 0, 80},   {5, 0, 160},  {6, 0, 320}, {7, 0, 600},
                     {12, 0, 600}, {7, 700, 0}};
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                CHECK_INT(job_backoff_remaining(cases[i].failures, NOW - cases[i].since_s * SEC,
                                                NOW, base, cap),
                          cases[i].want_s * SEC);
}

TEST(backoff_record_update)
{
        struct job_backoff b = {0};
        json_t *f1 = pset_finish(mkpod("Failed"), NOW_S - 30);
        json_t *f2 = pset_finish(mkpod("Failed"), NOW_S - 20);
        json_t *s1 = pset_finish(mkpod("Succeeded"), NOW_S - 25);
        json_t *fs[2] = {f1, f2};
        job_backoff_update(&b, NULL, 0, fs, 2);
        CHECK_INT(b.failures, 2);
        CHECK_INT(b.last_failure_ns, (NOW_S - 20) * SEC);
        /* a success resets, keeping only the failures that finished after it */
        json_t *ss[1] = {s1};
        job_backoff_update(&b, ss, 1, fs, 2);
        CHECK_INT(b.failures, 1);
        CHECK_INT(b.last_failure_ns, (NOW_S - 20) * SEC);
        job_backoff_update(&b, ss, 1, NULL, 0);
        CHECK_INT(b.failures, 0);
        CHECK_INT(b.last_failure_ns, 0);
        json_decref(f1);
        json_decref(f2);
        json_decref(s1);
}

TEST(backoff_delays_replacement)
{
        /* a pod failed 3 s ago: the replacement waits 7 s more (10 s base) */
        json_t *job = mkjob("{\"spec\":{\"parallelism\":1}}");
        json_t *pods = json_array();
        add(pods, pset_finish(mkpod("Failed"), NOW_S - 3));
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.create), 0);
        CHECK_INT(r.requeue_after_ns, 7 * SEC);
        CHECK_INT(r.backoff.failures, 1);
        CHECK_INT(sint(final_status(job, &r), "failed"), 1);
        job_sync_result_release(&r);
        /* second failure in a row: 20 s */
        struct job_sync_config cfg = test_cfg();
        json_t *st = jparse_s("{\"failed\":1}");
        jset_str(st, "startTime", ts(NOW_S - 1000));
        json_object_set_new(job, "status", st);
        json_array_clear(pods);
        add(pods, pset_nofin(pset_finish(mkpod("Failed"), NOW_S - 40)));
        add(pods, pset_finish(mkpod("Failed"), NOW_S - 5));
        struct job_sync_input in = {.job = job, .pods = pods, .now_ns = NOW,
                                    .expectations_satisfied = true,
                                    .backoff = {1, (NOW_S - 40) * SEC}, .cfg = &cfg};
        CHECK_INT(job_sync(&in, &r), 0);
        CHECK_INT(json_array_size(r.create), 0);
        CHECK_INT(r.backoff.failures, 2);
        CHECK_INT(r.requeue_after_ns, 15 * SEC);
        job_sync_result_release(&r);
        /* configurable base: 100 ms base, min requeue floor applies */
        cfg.backoff_base_ns = 100000000LL;
        cfg.min_requeue_ns = 50000000LL;
        in.now_ns = (NOW_S - 5) * SEC + 20000000LL;
        CHECK_INT(job_sync(&in, &r), 0);
        CHECK_INT(r.requeue_after_ns, 180000000LL);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

/* ---- Indexed --------------------------------------------------------------------------- */

TEST(indexes_format_and_parse)
{
        struct {
                const char *in, *want;
                int64_t completions;
        } cases[] = {{"", "", 10},
                     {"1", "1", 10},
                     {"3,4", "3,4", 10},
                     {"0-3", "0-3", 10},
                     {"0,1,2,3", "0-3", 10},
                     {"2,4,5,7-9", "2,4,5,7-9", 10},
                     {"1,3-5,7", "1,3-5,7", 10},
                     {"0-5,8", "0-4", 5},
                     {"x,2,3-y,4", "2,4", 10},
                     {"5,1", "1,5", 10}};
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_ix_set_ struct ix_set s = {0};
                ix_set_parse(cases[i].in, cases[i].completions, &s);
                _cleanup_free_ char *f = ix_set_format(&s);
                CHECK_STR(f, cases[i].want);
        }
        _cleanup_ix_set_ struct ix_set s = {0};
        int64_t add_order[] = {7, 2, 9, 4, 8, 5};
        for (size_t i = 0; i < ARRAY_SIZE(add_order); i++)
                ix_set_add(&s, add_order[i]);
        _cleanup_free_ char *f = ix_set_format(&s);
        CHECK_STR(f, "2,4,5,7-9");
        ix_set_add(&s, 3);
        ix_set_add(&s, 6);
        _cleanup_free_ char *g = ix_set_format(&s);
        CHECK_STR(g, "2-9");
        CHECK_INT(ix_set_total(&s), 8);
        CHECK(ix_set_has(&s, 2) && ix_set_has(&s, 9) && !ix_set_has(&s, 1) && !ix_set_has(&s, 10));
        _cleanup_ix_set_ struct ix_set o = {0};
        ix_set_parse("0,11-12", 20, &o);
        ix_set_merge(&s, &o);
        _cleanup_free_ char *h = ix_set_format(&s);
        CHECK_STR(h, "0,2-9,11,12");

        char err[256];
        _cleanup_ix_set_ struct ix_set t = {0};
        CHECK_INT(ix_set_parse_strict("invalid-format", 5, &t, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "cannot convert string to integer for index: \"invalid\"");
        CHECK_INT(ix_set_parse_strict("1,7", 5, &t, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "too large index: \"7\"");
        CHECK_INT(ix_set_parse_strict("3,2", 5, &t, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "non-increasing order, previous: 3, current: 2");
        CHECK_INT(ix_set_parse_strict("3-3", 5, &t, err, sizeof(err)), -EINVAL);
        CHECK_INT(ix_set_parse_strict("1-2-3", 5, &t, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "the fragment \"1-2-3\" violates the requirement that an index interval "
                       "can have at most two parts separated by '-'");
        CHECK_INT(ix_set_parse_strict("0,2-4", 5, &t, err, sizeof(err)), 0);
        CHECK_INT(ix_set_total(&t), 4);
}

#define IDX(c, p) "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":" #c ",\"parallelism\":" #p "}}"

struct ipod {
        const char *phase;
        int index; /* -1: no annotation */
        bool deleting;
};

struct idx_case {
        const char *name;
        const char *overlay;
        struct ipod pods[12];
        int npods;
        const char *e_create; /* indexes of created pods "0,1" */
        int deletions;
        int e_active, e_succeeded, e_failed;
        const char *e_completed;
        const char *e_conds;
};

static const struct idx_case idx_cases[] = {
        {"indexed job start", IDX(5, 2), {{0}}, 0, "0,1", 0, 2, 0, 0, "", ""},
        {"indexed job completed", IDX(3, 2),
         {{"Succeeded", 0}, {"Failed", 1}, {"Succeeded", 1}, {"Succeeded", 2}}, 4, "", 0, 0, 3, 1,
         "0-2", "SuccessCriteriaMet/CompletionsReached,Complete/CompletionsReached"},
        {"indexed job repeated completed index", IDX(3, 2),
         {{"Succeeded", 0}, {"Succeeded", 1}, {"Succeeded", 1}}, 3, "2", 0, 1, 2, 0, "0,1", ""},
        {"indexed job some running and completed pods", IDX(10, 8),
         {{"Running", 8}, {"Succeeded", 2}, {"Running", 6}, {"Succeeded", 4}, {"Succeeded", 5},
          {"Pending", 0}, {"Succeeded", 7}, {"Succeeded", 8}, {"Succeeded", 9}},
         9, "1", 0, 4, 6, 0, "2,4,5,7-9", ""},
        {"indexed job some failed pods", IDX(4, 3),
         {{"Failed", 0}, {"Failed", 1}, {"Running", 1}, {"Succeeded", 3}}, 4, "0,2", 0, 3, 1, 2,
         "3", ""},
        {"indexed job some pods without index", IDX(5, 5),
         {{"Running", -1}, {"Succeeded", -1}, {"Failed", -1}, {"Running", 0}, {"Running", 1}},
         5, "", 1, 2, 0, 0, "", ""},
        {"indexed job repeated indexes", IDX(5, 5),
         {{"Succeeded", 0}, {"Pending", -1}, {"Running", 1}, {"Running", 1}, {"Pending", 2},
          {"Running", 2}, {"Running", 2}},
         7, "", 4, 2, 1, 0, "0", ""},
        {"indexed job with indexes outside of range", IDX(5, 2),
         {{"Succeeded", 0}, {"Succeeded", 5}, {"Running", 6}, {"Running", 7}}, 4, "", 2, 0, 1, 0,
         "0", ""},
        {"elastic indexed scale down drops completed indexes out of range",
         "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":2,\"parallelism\":2},"
         "\"status\":{\"succeeded\":3,\"completedIndexes\":\"0,2,3\"}}",
         {{"Running", 1}, {"Running", 4}}, 2, "", 1, 1, 1, 0, "0", ""},
        {"Failed replacement policy: terminating index not recreated",
         "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":3,\"parallelism\":3,"
         "\"podReplacementPolicy\":\"Failed\"}}",
         {{"Running", 0}, {"Running", 1, true}}, 2, "2", 0, 2, 0, 0, "", ""},
        {"TerminatingOrFailed: terminating index recreated", IDX(3, 3),
         {{"Running", 0}, {"Running", 1, true}}, 2, "1,2", 0, 3, 0, 1, "", ""},
        {"success policy by indexes",
         "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":5,\"parallelism\":2,"
         "\"successPolicy\":{\"rules\":[{\"succeededIndexes\":\"0\"}]}}}",
         {{"Succeeded", 0}, {"Running", 1}}, 2, "", 1, 0, 1, 0, "0",
         "SuccessCriteriaMet/SuccessPolicy"},
        {"success policy by count",
         "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":5,\"parallelism\":2,"
         "\"successPolicy\":{\"rules\":[{\"succeededIndexes\":\"3-4\"},{\"succeededCount\":2}]}}}",
         {{"Succeeded", 0}, {"Succeeded", 1}}, 2, "", 0, 0, 2, 0, "0,1",
         "SuccessCriteriaMet/SuccessPolicy,Complete/SuccessPolicy"},
        {"success policy not met", 
         "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":5,\"parallelism\":2,"
         "\"successPolicy\":{\"rules\":[{\"succeededIndexes\":\"0-2\",\"succeededCount\":3}]}}}",
         {{"Succeeded", 0}, {"Succeeded", 1}}, 2, "2,3", 0, 2, 2, 0, "0,1", ""},
};

static void build_index_pods(json_t *pods, const struct ipod *ps, int n)
{
        for (int i = 0; i < n; i++) {
                json_t *p = mkpod(ps[i].phase);
                if (ps[i].index >= 0)
                        pset_index(p, ps[i].index);
                if (ps[i].deleting)
                        pset_deleting(p);
                add(pods, p);
        }
}

static char *created_indexes(json_t *create)
{
        static char b[256];
        size_t i, len = 0;
        json_t *p;
        b[0] = 0;
        json_array_foreach(create, i, p)
        {
                len += (size_t)snprintf(b + len, sizeof(b) - len, "%s%s", len ? "," : "",
                                        json_string_value(json_object_get(jget(p, "metadata.annotations"),
                                             JOB_COMPLETION_INDEX_KEY)));
        }
        return b;
}

TEST(indexed_job_table)
{
        for (size_t k = 0; k < ARRAY_SIZE(idx_cases); k++) {
                const struct idx_case *tc = &idx_cases[k];
                int before = harness_cur_failed;
                harness_cur_failed = 0;
                json_t *job = mkjob(tc->overlay);
                json_t *pods = json_array();
                build_index_pods(pods, tc->pods, tc->npods);
                struct job_sync_result r;
                run(job, pods, &r);
                json_t *st = final_status(job, &r);
                CHECK_STR(created_indexes(r.create), tc->e_create);
                CHECK_INT(json_array_size(r.del), tc->deletions);
                CHECK_INT(sint(st, "active"), tc->e_active);
                CHECK_INT(sint(st, "succeeded"), tc->e_succeeded);
                CHECK_INT(sint(st, "failed"), tc->e_failed);
                CHECK_STR(jstr(st, "completedIndexes") ?: "", tc->e_completed);
                CHECK_STR(conds(st), tc->e_conds);
                if (harness_cur_failed)
                        fprintf(stderr, "  ^ case: %s\n", tc->name);
                harness_cur_failed |= before;
                job_sync_result_release(&r);
                json_decref(job);
                json_decref(pods);
        }
}

TEST(indexed_success_recorded_before_release)
{
        json_t *job = mkjob(IDX(3, 1));
        json_t *pods = json_array();
        add(pods, pset_index(mkpod("Succeeded"), 1));
        struct job_sync_result r;
        run(job, pods, &r);
        /* completedIndexes carries the success in step 2, no UID needed */
        CHECK(r.status != NULL);
        CHECK_STR(jstr(r.status, "completedIndexes"), "1");
        CHECK_INT(sint(r.status, "succeeded"), 1);
        CHECK_INT(json_object_size(jget(r.status, "uncountedTerminatedPods")), 0);
        CHECK_INT(json_array_size(r.rm_finalizers), 1);
        CHECK(r.status_final == NULL);
        CHECK_STR(created_indexes(r.create), "0");
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

/* ---- suspend / resume --------------------------------------------------------------- */

TEST(suspend_running_job)
{
        json_t *job = mkjob("{\"spec\":{\"suspend\":true}}");
        json_t *pods = json_array();
        add(pods, pset_ready(mkpod("Running")));
        add(pods, mkpod("Running"));
        add(pods, mkpod("Succeeded"));
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.del), 2);
        CHECK(jbool(json_array_get(r.del, 0), "removeFinalizer"));
        json_t *st = final_status(job, &r);
        CHECK_STR(conds(st), "Suspended/JobSuspended");
        CHECK_STR(jstr(json_array_get(json_object_get(st, "conditions"), 0), "message"),
                  "Job suspended");
        CHECK_INT(sint(st, "active"), 0);
        CHECK_INT(sint(st, "ready"), 0);
        CHECK_INT(sint(st, "failed"), 0);
        CHECK_INT(sint(st, "succeeded"), 1);
        CHECK_STR(jstr(st, "startTime"), ts(NOW_S - 1000)); /* not cleared */
        CHECK(has_event(r.events, "Suspended", "Job suspended"));
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(suspended_job_created)
{
        json_t *job = mkjob("{\"spec\":{\"suspend\":true}}");
        json_object_del(job, "status");
        json_t *pods = json_array();
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK(jget(st, "startTime") == NULL);
        CHECK_INT(json_array_size(r.create), 0);
        CHECK_STR(conds(st), "Suspended/JobSuspended");
        CHECK(json_is_integer(json_object_get(st, "ready")));
        CHECK(json_is_integer(json_object_get(st, "terminating")));
        CHECK(jget(st, "active") == NULL);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(resume_suspended_job)
{
        json_t *job = mkjob("{\"status\":{\"conditions\":[{\"type\":\"Suspended\",\"status\":"
                            "\"True\",\"reason\":\"JobSuspended\",\"message\":\"Job suspended\"}]}}");
        json_t *pods = json_array();
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK_INT(json_array_size(r.create), 2);
        CHECK_STR(conds(st), "Suspended/JobResumed=False");
        CHECK_STR(jstr(json_array_get(json_object_get(st, "conditions"), 0), "message"),
                  "Job resumed");
        CHECK_STR(jstr(st, "startTime"), ts(NOW_S)); /* reset */
        CHECK(has_event(r.events, "Resumed", "Job resumed"));
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(suspend_deleted_job_no_deletions)
{
        json_t *job = mkjob("{\"spec\":{\"suspend\":true},\"metadata\":{\"deletionTimestamp\":"
                            "\"2023-11-14T22:00:00Z\"}}");
        json_t *pods = json_array();
        addn(pods, 2, "Running");
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.del), 0);
        CHECK_STR(conds(final_status(job, &r)), "");
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(suspended_job_deadline_not_evaluated)
{
        json_t *job = mkjob("{\"spec\":{\"suspend\":true,\"activeDeadlineSeconds\":1}}");
        json_t *pods = json_array();
        struct job_sync_result r;
        run(job, pods, &r);
        CHECK_STR(conds(final_status(job, &r)), "Suspended/JobSuspended");
        CHECK_INT(r.requeue_after_ns, 0);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

/* ---- pod failure policy ---------------------------------------------------------------- */

#define PFP(rules) "{\"spec\":{\"podReplacementPolicy\":\"Failed\",\"podFailurePolicy\":{\"rules\":" rules "}}}"

TEST(pod_failure_policy_fail_job_on_exit_code)
{
        json_t *job = mkjob(PFP("[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\","
                                "\"values\":[5,6,7]}}]"));
        json_t *pods = json_array();
        add(pods, mkpod("Running"));
        json_t *f = pset_exit(mkpod("Failed"), 5);
        add(pods, f);
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK_STR(conds(st), "FailureTarget/PodFailurePolicy");
        _cleanup_free_ char *want = xasprintf(
                "Container main for pod default/%s failed with exit code 5 matching FailJob rule "
                "at index 0",
                jstr(f, "metadata.name"));
        CHECK_STR(jstr(json_array_get(json_object_get(st, "conditions"), 0), "message"), want);
        CHECK_INT(json_array_size(r.del), 1);
        CHECK_INT(sint(st, "failed"), 2);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(pod_failure_policy_rules)
{
        struct {
                const char *rules;
                int exit;
                const char *cond;
                enum pfp_action want;
                bool count;
        } cases[] = {
                {"[{\"action\":\"Ignore\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[1]}}]", 1,
                 NULL, PFP_IGNORE, false},
                {"[{\"action\":\"Count\",\"onExitCodes\":{\"operator\":\"NotIn\",\"values\":[3]}}]",
                 1, NULL, PFP_COUNT, true},
                {"[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"NotIn\",\"values\":[1]}}]",
                 1, NULL, PFP_NONE, true},
                /* both match: the first wins */
                {"[{\"action\":\"Ignore\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[2]}},"
                 "{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[2]}}]",
                 2, NULL, PFP_IGNORE, false},
                {"[{\"action\":\"Ignore\",\"onPodConditions\":[{\"type\":\"DisruptionTarget\"}]}]",
                 1, "DisruptionTarget", PFP_IGNORE, false},
                {"[{\"action\":\"FailJob\",\"onPodConditions\":[{\"type\":\"DisruptionTarget\","
                 "\"status\":\"False\"}]}]",
                 1, "DisruptionTarget", PFP_NONE, true},
                {"[{\"action\":\"FailIndex\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[4]}}]",
                 4, NULL, PFP_FAIL_INDEX, true},
                {"[{\"action\":\"FailJob\",\"onExitCodes\":{\"containerName\":\"other\","
                 "\"operator\":\"In\",\"values\":[4]}}]",
                 4, NULL, PFP_NONE, true},
                /* exit code 0 never matches NotIn */
                {"[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"NotIn\",\"values\":[1]}}]",
                 0, NULL, PFP_NONE, true},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                json_t *pol = json_pack("{s:o}", "rules", jparse_s(cases[i].rules));
                json_t *p = pset_exit(mkpod("Failed"), cases[i].exit);
                if (cases[i].cond)
                        pset_cond(p, cases[i].cond);
                bool count;
                char *msg = NULL;
                enum pfp_action a = pfp_match(pol, p, &count, &msg);
                CHECK_INT(a, cases[i].want);
                CHECK_INT(count, cases[i].count);
                free(msg);
                json_decref(p);
                json_decref(pol);
        }
        /* the condition message */
        json_t *pol = json_pack("{s:o}", "rules",
                                jparse_s("[{\"action\":\"FailJob\",\"onPodConditions\":[{\"type\":"
                                         "\"DisruptionTarget\"}]}]"));
        json_t *p = pset_cond(mkpod("Failed"), "DisruptionTarget");
        jset_str(json_object_get(p, "metadata"), "name", "p1");
        bool count;
        char *msg = NULL;
        CHECK_INT(pfp_match(pol, p, &count, &msg), PFP_FAIL_JOB);
        CHECK_STR(msg, "Pod default/p1 has condition DisruptionTarget matching FailJob rule at "
                       "index 0");
        free(msg);
        json_decref(p);
        json_decref(pol);
}

TEST(pod_failure_policy_ignore_not_counted_but_delays)
{
        json_t *job = mkjob(PFP("[{\"action\":\"Ignore\",\"onPodConditions\":[{\"type\":"
                                "\"DisruptionTarget\"}]}]"));
        json_object_set_new(json_object_get(job, "spec"), "backoffLimit", json_integer(0));
        json_t *pods = json_array();
        add(pods, mkpod("Running"));
        add(pods, pset_finish(pset_cond(mkpod("Failed"), "DisruptionTarget"), NOW_S - 2));
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK_STR(conds(st), "");
        CHECK_INT(sint(st, "failed"), 0);
        CHECK_INT(json_array_size(r.rm_finalizers), 1); /* released, not counted */
        CHECK_INT(json_array_size(r.create), 0);        /* backoff still applies */
        CHECK_INT(r.requeue_after_ns, 8 * SEC);
        CHECK_INT(r.backoff.failures, 1);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(pod_failure_policy_terminating_not_failed)
{
        json_t *job = mkjob(PFP("[{\"action\":\"Count\",\"onExitCodes\":{\"operator\":\"In\","
                                "\"values\":[1]}}]"));
        json_t *pods = json_array();
        add(pods, pset_deleting(mkpod("Running")));
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK_INT(sint(st, "failed"), 0);
        CHECK_INT(sint(st, "terminating"), 1);
        CHECK_INT(json_array_size(r.create), 1); /* parallelism 2 - 1 terminating */
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

/* ---- backoffLimitPerIndex ------------------------------------------------------------ */

#define BLPI(extra) "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":4,\"parallelism\":4,\"backoffLimitPerIndex\":1" extra "}}"

static json_t *failed_ix_pod(int ix, int failure_count, int64_t finish)
{
        json_t *p = pset_finish(pset_index(mkpod("Failed"), ix), finish);
        char b[8];
        snprintf(b, sizeof(b), "%d", failure_count);
        jset_str(jobj_path(p, "metadata.annotations"), JOB_INDEX_FAILURE_COUNT_KEY, b);
        return p;
}

TEST(backoff_limit_per_index)
{
        json_t *job = mkjob(BLPI(""));
        json_t *pods = json_array();
        add(pods, pset_index(mkpod("Running"), 0));
        add(pods, pset_index(mkpod("Running"), 1));
        add(pods, pset_index(mkpod("Running"), 2));
        add(pods, failed_ix_pod(3, 0, NOW_S - 100)); /* first failure of index 3: retry */
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK_STR(created_indexes(r.create), "3");
        json_t *np = json_array_get(r.create, 0);
        CHECK_STR(json_string_value(json_object_get(jget(np, "metadata.annotations"), JOB_INDEX_FAILURE_COUNT_KEY)), "1");
        CHECK_STR(jstr(st, "failedIndexes"), "");
        CHECK_INT(sint(st, "failed"), 0); /* counted when released */
        /* the failed pod keeps its finalizer until its replacement exists */
        CHECK_INT(json_array_size(r.rm_finalizers), 0);
        job_sync_result_release(&r);

        /* replacement exists: the old pod is released */
        add(pods, pset_index(mkpod("Running"), 3));
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.rm_finalizers), 1);
        CHECK_INT(json_array_size(r.create), 0);
        CHECK_INT(sint(final_status(job, &r), "failed"), 1);
        job_sync_result_release(&r);

        /* second failure of index 3 (count 1 >= limit 1): index failed, never retried */
        json_array_clear(pods);
        add(pods, pset_index(mkpod("Running"), 0));
        add(pods, pset_index(mkpod("Running"), 1));
        add(pods, pset_index(mkpod("Running"), 2));
        add(pods, failed_ix_pod(3, 1, NOW_S - 100));
        json_t *st2 = jparse_s("{\"failed\":1,\"failedIndexes\":\"\"}");
        jset_str(st2, "startTime", ts(NOW_S - 1000));
        json_object_set_new(job, "status", st2);
        run(job, pods, &r);
        st = final_status(job, &r);
        CHECK_STR(jstr(st, "failedIndexes"), "3");
        CHECK_INT(json_array_size(r.create), 0);
        CHECK_INT(sint(st, "failed"), 2);
        CHECK_STR(conds(st), "");
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

TEST(backoff_limit_per_index_outcomes)
{
        /* every index succeeded or failed, one failed: FailedIndexes */
        json_t *job = mkjob(BLPI(""));
        json_t *pods = json_array();
        add(pods, pset_index(mkpod("Succeeded"), 0));
        add(pods, pset_index(mkpod("Succeeded"), 1));
        add(pods, pset_index(mkpod("Succeeded"), 2));
        add(pods, failed_ix_pod(3, 1, NOW_S - 100));
        struct job_sync_result r;
        run(job, pods, &r);
        json_t *st = final_status(job, &r);
        CHECK_STR(conds(st), "FailureTarget/FailedIndexes,Failed/FailedIndexes");
        CHECK_STR(jstr(json_array_get(json_object_get(st, "conditions"), 0), "message"),
                  "Job has failed indexes");
        CHECK_STR(jstr(st, "completedIndexes"), "0-2");
        CHECK_STR(jstr(st, "failedIndexes"), "3");
        job_sync_result_release(&r);
        json_decref(job);

        /* maxFailedIndexes 0 exceeded */
        job = mkjob(BLPI(",\"maxFailedIndexes\":0"));
        json_array_clear(pods);
        add(pods, pset_index(mkpod("Running"), 0));
        add(pods, failed_ix_pod(3, 1, NOW_S - 100));
        run(job, pods, &r);
        st = final_status(job, &r);
        CHECK_STR(conds(st), "FailureTarget/MaxFailedIndexesExceeded");
        CHECK_STR(jstr(json_array_get(json_object_get(st, "conditions"), 0), "message"),
                  "Job has exceeded the specified maximal number of failed indexes");
        CHECK_INT(json_array_size(r.del), 1);
        CHECK_INT(sint(st, "failed"), 2);
        job_sync_result_release(&r);
        json_decref(job);

        /* FailIndex action fails the index at once */
        job = mkjob(BLPI(",\"podReplacementPolicy\":\"Failed\",\"podFailurePolicy\":{\"rules\":[{"
                         "\"action\":\"FailIndex\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[42]}}]}"));
        json_array_clear(pods);
        add(pods, pset_index(mkpod("Running"), 0));
        add(pods, pset_index(mkpod("Running"), 1));
        add(pods, pset_index(mkpod("Running"), 2));
        add(pods, pset_exit(failed_ix_pod(3, 0, NOW_S - 100), 42));
        run(job, pods, &r);
        st = final_status(job, &r);
        CHECK_STR(jstr(st, "failedIndexes"), "3");
        CHECK_INT(json_array_size(r.create), 0);
        job_sync_result_release(&r);
        json_decref(job);

        /* per-index backoff: the replacement waits for its own delay */
        job = mkjob(BLPI(""));
        json_object_set_new(json_object_get(job, "spec"), "backoffLimitPerIndex",
                            json_integer(5));
        json_array_clear(pods);
        add(pods, pset_index(mkpod("Running"), 0));
        add(pods, pset_index(mkpod("Running"), 1));
        add(pods, pset_index(mkpod("Running"), 2));
        add(pods, failed_ix_pod(3, 1, NOW_S - 5)); /* 2nd failure: 20 s delay */
        run(job, pods, &r);
        CHECK_INT(json_array_size(r.create), 0);
        CHECK_INT(r.requeue_after_ns, 15 * SEC);
        job_sync_result_release(&r);
        json_decref(job);
        json_decref(pods);
}

/* ---- apply: write order and failures (fake pod control) ------------------------------- */

static void add_event(json_t *l, const char *t, const char *r, const char *m);

struct fake_api {
        json_t *job;
        json_t *pods;     /* name -> pod */
        int64_t rv;
        int ops;          /* writes so far */
        int fail_at;      /* the write number that fails (and all after: a crash); 0 none */
        int fail_creates_after; /* creations succeed this many times, then fail; -1 never */
        int creates;
        json_t *log;      /* "create", "delete", "rmfin", "status" */
        json_t *events;
        int seq;
};

static bool fake_crash(struct fake_api *f)
{
        f->ops++;
        return f->fail_at && f->ops >= f->fail_at;
}

static int fake_create(void *ud, json_t *job, json_t *pod, char **ret_name, char *err, size_t n)
{
        struct fake_api *f = ud;
        if (fake_crash(f) || (f->fail_creates_after >= 0 && f->creates >= f->fail_creates_after)) {
                snprintf(err, n, "boom");
                return -EIO;
        }
        f->creates++;
        json_t *p = json_deep_copy(pod);
        char name[64], uid[64];
        snprintf(name, sizeof(name), "%sx%d", jstr(pod, "metadata.generateName"), ++f->seq);
        snprintf(uid, sizeof(uid), "fuid-%d", f->seq);
        jset_str(json_object_get(p, "metadata"), "name", name);
        jset_str(json_object_get(p, "metadata"), "uid", uid);
        jset_str(json_object_get(p, "metadata"), "creationTimestamp",
                 ts(clock_fake_ns / SEC));
        jset_str(jobj(p, "status"), "phase", "Pending");
        json_object_set_new(f->pods, name, p);
        json_array_append_new(f->log, json_string("create"));
        *ret_name = xstrdup(name);
        return 0;
}

static void fake_maybe_gone(struct fake_api *f, const char *name)
{
        json_t *p = json_object_get(f->pods, name);
        if (p && pod_deleting(p) && json_array_size(jget(p, "metadata.finalizers")) == 0 &&
            pod_is_finished(p))
                json_object_del(f->pods, name);
}

static int fake_delete(void *ud, json_t *job, const char *name, const char *uid, char *err,
                       size_t n)
{
        struct fake_api *f = ud;
        if (fake_crash(f)) {
                snprintf(err, n, "boom");
                return -EIO;
        }
        json_t *p = json_object_get(f->pods, name);
        if (!p)
                return 0;
        if (!pod_deleting(p))
                jset_str(json_object_get(p, "metadata"), "deletionTimestamp",
                         ts(clock_fake_ns / SEC));
        json_array_append_new(f->log, json_string("delete"));
        return 0;
}

static int fake_rmfin(void *ud, json_t *job, const char *name, const char *uid)
{
        struct fake_api *f = ud;
        if (fake_crash(f))
                return -EIO;
        json_t *p = json_object_get(f->pods, name);
        if (p) {
                json_object_set_new(json_object_get(p, "metadata"), "finalizers", json_array());
                fake_maybe_gone(f, name);
        }
        json_array_append_new(f->log, json_string("rmfin"));
        return 0;
}

static int fake_status(void *ud, json_t *job, json_t *status, json_t **ret)
{
        struct fake_api *f = ud;
        if (fake_crash(f))
                return -EIO;
        if (!streq(jstr(job, "metadata.resourceVersion"), jstr(f->job, "metadata.resourceVersion")))
                return -EAGAIN;
        json_object_set_new(f->job, "status", json_deep_copy(status));
        char rv[32];
        snprintf(rv, sizeof(rv), "%lld", (long long)++f->rv);
        jset_str(json_object_get(f->job, "metadata"), "resourceVersion", rv);
        json_array_append_new(f->log, json_string("status"));
        *ret = json_deep_copy(f->job);
        return 0;
}

static void fake_event(void *ud, json_t *job, const char *type, const char *reason,
                       const char *msg)
{
        struct fake_api *f = ud;
        add_event(f->events, type, reason, msg);
}

static const struct job_pod_control fake_ops = {
        .create_pod = fake_create,
        .delete_pod = fake_delete,
        .remove_finalizer = fake_rmfin,
        .update_status = fake_status,
        .event = fake_event,
};

static void add_event(json_t *l, const char *t, const char *r, const char *m)
{
        json_array_append_new(l, json_pack("{s:s, s:s, s:s}", "type", t, "reason", r, "message", m));
}

static void fake_init(struct fake_api *f, const char *overlay)
{
        *f = (struct fake_api){.job = mkjob(overlay), .pods = json_object(), .rv = 1,
                               .fail_creates_after = -1, .log = json_array(),
                               .events = json_array()};
        json_object_del(f->job, "status");
}

static void fake_release(struct fake_api *f)
{
        json_decref(f->job);
        json_decref(f->pods);
        json_decref(f->log);
        json_decref(f->events);
}

static json_t *fake_pod_list(struct fake_api *f)
{
        json_t *a = json_array();
        const char *k;
        json_t *v;
        json_object_foreach(f->pods, k, v)
        {
                json_array_append(a, v);
        }
        return a;
}

static int fake_sync(struct fake_api *f, struct job_backoff *bo, struct job_apply_report *rep)
{
        struct job_sync_config cfg = test_cfg();
        cfg.backoff_base_ns = 0; /* no pod-failure delay in the simulations */
        json_t *pods = fake_pod_list(f);
        json_t *job = json_deep_copy(f->job);
        struct job_sync_input in = {.job = job, .pods = pods, .now_ns = clock_fake_ns,
                                    .expectations_satisfied = true,
                                    .backoff = bo ? *bo : (struct job_backoff){0}, .cfg = &cfg};
        struct job_sync_result r;
        CHECK_INT(job_sync(&in, &r), 0);
        struct job_pod_control ops = fake_ops;
        ops.ud = f;
        int ret = job_sync_apply(&r, job, &ops, rep);
        if (bo && rep->status_written)
                *bo = r.backoff;
        job_sync_result_release(&r);
        json_decref(pods);
        json_decref(job);
        return ret;
}

static const char *log_str(struct fake_api *f)
{
        static char b[1024];
        size_t i, len = 0;
        json_t *v;
        b[0] = 0;
        json_array_foreach(f->log, i, v)
        {
                len += (size_t)snprintf(b + len, sizeof(b) - len, "%s%s", len ? " " : "",
                                        json_string_value(v));
        }
        return b;
}

TEST(apply_slow_start_batches_stop_on_error)
{
        clock_fake_ns = NOW;
        struct fake_api f;
        fake_init(&f, "{\"spec\":{\"parallelism\":20,\"completions\":20}}");
        f.fail_creates_after = 4; /* batches 1, 2 ok; batch of 4: 1 ok, 3 fail; 13 skipped */
        struct job_apply_report rep;
        int r = fake_sync(&f, NULL, &rep);
        CHECK_INT(r, -EIO);
        CHECK_INT(f.creates, 4);
        CHECK_INT(rep.creates_not_done, 16);
        CHECK_INT(sint(jget(f.job, "status"), "active"), 4);
        int failed_ev = 0, ok_ev = 0;
        size_t i;
        json_t *e;
        json_array_foreach(f.events, i, e)
        {
                failed_ev += streq(jstr(e, "reason"), "FailedCreate");
                ok_ev += streq(jstr(e, "reason"), "SuccessfulCreate");
        }
        CHECK_INT(ok_ev, 4);
        CHECK_INT(failed_ev, 3);
        CHECK(has_event(f.events, "FailedCreate", "Error creating: boom"));
        job_apply_report_release(&rep);
        fake_release(&f);
        clock_fake_ns = 0;
}

TEST(apply_status_before_finalizer_removal)
{
        clock_fake_ns = NOW;
        struct fake_api f;
        fake_init(&f, "{\"spec\":{\"parallelism\":1,\"completions\":1}}");
        struct job_apply_report rep;
        CHECK_INT(fake_sync(&f, NULL, &rep), 0);
        job_apply_report_release(&rep);
        CHECK_STR(log_str(&f), "create status");
        const char *k;
        json_t *p;
        json_object_foreach(f.pods, k, p)
        {
                jset_str(json_object_get(p, "status"), "phase", "Succeeded");
        }
        json_array_clear(f.log);
        CHECK_INT(fake_sync(&f, NULL, &rep), 0);
        job_apply_report_release(&rep);
        CHECK_STR(log_str(&f), "status rmfin status");
        json_t *st = jget(f.job, "status");
        CHECK_INT(sint(st, "succeeded"), 1);
        CHECK_STR(conds(st), "SuccessCriteriaMet/CompletionsReached,Complete/CompletionsReached");
        CHECK(has_event(f.events, "Completed", "Job completed"));
        CHECK(has_event(f.events, "SuccessfulCreate", NULL));

        /* the failing status write releases nothing */
        fake_release(&f);
        fake_init(&f, "{\"spec\":{\"parallelism\":1,\"completions\":1}}");
        CHECK_INT(fake_sync(&f, NULL, &rep), 0);
        job_apply_report_release(&rep);
        json_object_foreach(f.pods, k, p)
        {
                jset_str(json_object_get(p, "status"), "phase", "Succeeded");
        }
        json_array_clear(f.log);
        f.fail_at = f.ops + 1;
        CHECK(fake_sync(&f, NULL, &rep) < 0);
        CHECK(!rep.status_written);
        CHECK_INT(json_array_size(rep.rm_not_done), 1);
        job_apply_report_release(&rep);
        CHECK_STR(log_str(&f), "");
        json_object_foreach(f.pods, k, p)
        {
                CHECK(pod_has_finalizer(p, JOB_TRACKING_FINALIZER));
        }
        fake_release(&f);
        clock_fake_ns = 0;
}

TEST(apply_status_conflict)
{
        clock_fake_ns = NOW;
        struct fake_api f;
        fake_init(&f, NULL);
        json_t *stale = json_deep_copy(f.job);
        jset_str(json_object_get(f.job, "metadata"), "resourceVersion", "7");
        json_t *pods = json_array();
        struct job_sync_config cfg = test_cfg();
        struct job_sync_input in = {.job = stale, .pods = pods, .now_ns = NOW,
                                    .expectations_satisfied = true, .cfg = &cfg};
        struct job_sync_result r;
        CHECK_INT(job_sync(&in, &r), 0);
        struct job_apply_report rep;
        struct job_pod_control ops = fake_ops;
        ops.ud = &f;
        CHECK_INT(job_sync_apply(&r, stale, &ops, &rep), -EAGAIN);
        job_apply_report_release(&rep);
        job_sync_result_release(&r);
        json_decref(stale);
        json_decref(pods);
        fake_release(&f);
        clock_fake_ns = 0;
}

/* A fake kubelet: pods run, then succeed (or fail for every 7th pod); pods being deleted
 * finish; finished pods without finalizers may be garbage collected at random. */
static uint64_t rng = 88172645463325252ULL;
static uint64_t xrand(void)
{
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
}

static void kubelet_step(struct fake_api *f, int *ever_succeeded, int *ever_failed,
                         json_t *finished_uids, bool fail_some)
{
        json_t *list = fake_pod_list(f);
        size_t i;
        json_t *p;
        json_array_foreach(list, i, p)
        {
                const char *name = jstr(p, "metadata.name");
                json_t *live = json_object_get(f->pods, name);
                const char *ph = pod_phase(live);
                if (pod_deleting(live) && !pod_is_finished(live)) {
                        jset_str(json_object_get(live, "status"), "phase", "Failed");
                } else if (streq(ph, "Pending")) {
                        jset_str(json_object_get(live, "status"), "phase", "Running");
                } else if (streq(ph, "Running") && xrand() % 3 == 0) {
                        bool fail = fail_some && xrand() % 7 == 0;
                        jset_str(json_object_get(live, "status"), "phase",
                                 fail ? "Failed" : "Succeeded");
                }
                /* only pods finishing while tracked (finalizer held) must be counted */
                if (pod_is_finished(live) &&
                    pod_has_finalizer(live, JOB_TRACKING_FINALIZER) &&
                    !json_object_get(finished_uids, jstr(live, "metadata.uid"))) {
                        json_object_set(finished_uids, jstr(live, "metadata.uid"), json_true());
                        if (streq(pod_phase(live), "Succeeded"))
                                (*ever_succeeded)++;
                        else
                                (*ever_failed)++;
                }
                /* pods without finalizers that finished may disappear (GC, users) */
                if (pod_is_finished(live) &&
                    json_array_size(jget(live, "metadata.finalizers")) == 0 && xrand() % 2)
                        json_object_del(f->pods, name);
                else
                        fake_maybe_gone(f, name);
        }
        json_decref(list);
}

static int count_active(struct fake_api *f)
{
        int n = 0;
        const char *k;
        json_t *p;
        json_object_foreach(f->pods, k, p)
        {
                n += pod_is_active(p);
        }
        return n;
}

static void crash_simulation(const char *overlay, int completions, int parallelism,
                             bool fail_some, bool indexed)
{
        clock_fake_ns = NOW;
        struct fake_api f;
        fake_init(&f, overlay);
        json_t *finished = json_object();
        int ever_s = 0, ever_f = 0, crashes = 0, max_active = 0;
        struct job_backoff bo = {0};
        for (int round = 0; round < 4000; round++) {
                clock_fake_ns += SEC;
                /* a crash at a random write in about one sync in four */
                f.fail_at = xrand() % 4 == 0 ? f.ops + 1 + (int)(xrand() % 6) : 0;
                struct job_apply_report rep;
                int r = fake_sync(&f, &bo, &rep);
                if (r < 0 && f.fail_at) {
                        crashes++;
                        bo = (struct job_backoff){0}; /* in-memory state lost */
                }
                job_apply_report_release(&rep);
                f.fail_at = 0;
                int a = count_active(&f);
                if (a > max_active)
                        max_active = a;
                if (job_is_finished(f.job))
                        break;
                kubelet_step(&f, &ever_s, &ever_f, finished, fail_some);
        }
        json_t *st = jget(f.job, "status");
        CHECK(job_is_finished(f.job));
        CHECK(crashes >= 10);
        CHECK(max_active <= parallelism);
        if (indexed) {
                CHECK_INT(sint(st, "succeeded"), completions);
                char want[32];
                snprintf(want, sizeof(want), "0-%d", completions - 1);
                CHECK_STR(jstr(st, "completedIndexes"), want);
        } else {
                CHECK_INT(sint(st, "succeeded"), completions);
                /* every pod that ever succeeded was counted exactly once */
                CHECK_INT(ever_s, completions);
        }
        /* failures: never more than the pods that failed */
        CHECK(sint(st, "failed") <= ever_f);
        if (!indexed)
                CHECK_INT(sint(st, "failed"), ever_f);
        CHECK_INT(json_object_size(json_object_get(st, "uncountedTerminatedPods")), 0);
        CHECK_STR(conds(st), "SuccessCriteriaMet/CompletionsReached,Complete/CompletionsReached");
        /* no pod keeps our finalizer once the Job finished and cleanup ran */
        struct job_apply_report rep;
        fake_sync(&f, &bo, &rep);
        job_apply_report_release(&rep);
        const char *k;
        json_t *p;
        json_object_foreach(f.pods, k, p)
        {
                CHECK(!pod_has_finalizer(p, JOB_TRACKING_FINALIZER));
        }
        json_decref(finished);
        fake_release(&f);
        clock_fake_ns = 0;
}

TEST(crash_simulation_nonindexed_exact_counts)
{
        crash_simulation("{\"spec\":{\"completions\":60,\"parallelism\":6,\"backoffLimit\":1000}}",
                         60, 6, true, false);
}

TEST(crash_simulation_indexed_exact_counts)
{
        crash_simulation("{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":100,"
                         "\"parallelism\":5,\"backoffLimit\":1000}}",
                         100, 5, true, true);
}
