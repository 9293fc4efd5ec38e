/* test_job_controller.c — the wired Job controller against the in-process API (store in
 * a temporary directory, no HTTP): the test plays the node, writing pod status through
 * pods/{name}/status.  Also the work queue semantics. */
#include <stdlib.h>
#include <time.h>
#include "api/api.h"
#include "api/client.h"
#include "base/util.h"
#include "controller/job_controller.h"
#include "controller/job_pods.h"
#include "controller/workqueue.h"
#include "store/store.h"
#include "harness.h"

TEST(workqueue_dedup_and_processing)
{
        struct workqueue *q = wq_new(1000000, 8000000);
        wq_add(q, "a");
        wq_add(q, "a");
        wq_add(q, "b");
        CHECK_INT(wq_len(q), 2);
        char *k = NULL;
        CHECK_INT(wq_get(q, 0, &k), 0);
        CHECK_STR(k, "a");
        wq_add(q, "a"); /* while processing: not handed out twice */
        char *k2 = NULL;
        CHECK_INT(wq_get(q, 0, &k2), 0);
        CHECK_STR(k2, "b");
        char *k3 = NULL;
        CHECK_INT(wq_get(q, 10, &k3), -ETIMEDOUT);
        wq_done(q, k); /* re-queued now */
        CHECK_INT(wq_get(q, 0, &k3), 0);
        CHECK_STR(k3, "a");
        wq_done(q, k2);
        wq_done(q, k3);
        free(k);
        free(k2);
        free(k3);
        /* delayed and rate-limited adds */
        int64_t t0 = clock_mono_ns();
        wq_add_after(q, "d", 20000000);
        CHECK_INT(wq_get(q, 1000, &k), 0);
        CHECK(clock_mono_ns() - t0 >= 20000000);
        wq_done(q, k);
        free(k);
        wq_add_rate_limited(q, "r"); /* 1 ms */
        CHECK_INT(wq_get(q, 1000, &k), 0);
        wq_done(q, k);
        free(k);
        t0 = clock_mono_ns();
        wq_add_rate_limited(q, "r"); /* 2 ms */
        CHECK_INT(wq_get(q, 1000, &k), 0);
        CHECK(clock_mono_ns() - t0 >= 2000000);
        wq_done(q, k);
        free(k);
        wq_shutdown(q);
        CHECK_INT(wq_get(q, -1, &k), -ECANCELED);
        wq_free(q);
}

static json_t *get(const char *path)
{
        struct kresp r;
        if (kc_request("GET", path, NULL, NULL, NULL, &r) < 0 || r.code != 200) {
                kresp_release(&r);
                return NULL;
        }
        json_t *b = json_incref(r.body);
        kresp_release(&r);
        return b;
}

/* The node: every Pending pod runs; every Running pod succeeds (or fails). */
static void node_step(bool fail)
{
        _cleanup_json_ json_t *list = get("/api/v1/namespaces/default/pods");
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(list, "items"), i, p)
        {
                const char *ph = pod_phase(p);
                const char *next = NULL;
                if (streq(ph, "") || streq(ph, "Pending"))
                        next = "Running";
                else if (streq(ph, "Running"))
                        next = fail ? "Failed" : "Succeeded";
                if (!next)
                        continue;
                json_t *st = jobj(p, "status");
                jset_str(st, "phase", next);
                if (!streq(next, "Running")) {
                        char ts[40];
                        time_format_rfc3339(clock_now_s(), ts, sizeof(ts));
                        json_object_set_new(
                                st, "containerStatuses",
                                json_pack("[{s:s, s:i, s:{s:{s:i, s:s}}}]", "name", "main",
                                          "restartCount", 0, "state", "terminated", "exitCode",
                                          fail ? 1 : 0, "finishedAt", ts));
                }
                jset_str(p, "apiVersion", "v1");
                jset_str(p, "kind", "Pod");
                _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/default/pods/%s/status",
                                                      jstr(p, "metadata.name"));
                struct kresp r;
                kc_request("PUT", path, NULL, p, NULL, &r);
                kresp_release(&r);
        }
}

static json_t *wait_job(const char *name, const char *cond, int timeout_ms, bool fail)
{
        _cleanup_free_ char *path = xasprintf("/apis/batch/v1/namespaces/default/jobs/%s", name);
        for (int t = 0; t < timeout_ms; t += 20) {
                json_t *j = get(path);
                size_t i;
                json_t *c;
                json_array_foreach(jget(j, "status.conditions"), i, c)
                {
                        if (streq(jstr(c, "type"), cond) && streq(jstr(c, "status"), "True"))
                                return j;
                }
                json_decref(j);
                node_step(fail);
                usleep(20000);
        }
        return get(path);
}

static int count_events_now(const char *reason);

/* Events are posted right after the status write that the test observed: poll briefly. */
static int count_events(const char *reason)
{
        int n = 0;
        for (int t = 0; t < 100 && (n = count_events_now(reason)) == 0; t++)
                usleep(10000);
        return n;
}

static int count_events_now(const char *reason)
{
        _cleanup_json_ json_t *l = get("/api/v1/namespaces/default/events");
        int n = 0;
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(l, "items"), i, e)
        {
                n += streq(jstr(e, "reason"), reason);
        }
        return n;
}

static int64_t g_ttl = -1;

static void create_job(const char *name, int completions, int parallelism, int backoff)
{
        json_t *job = json_pack(
                "{s:s, s:s, s:{s:s, s:s}, s:{s:i, s:i, s:i, s:{s:{s:s, s:[{s:s, s:s}]}}}}",
                "apiVersion", "batch/v1", "kind", "Job", "metadata", "name", name, "namespace",
                "default", "spec", "completions", completions, "parallelism", parallelism,
                "backoffLimit", backoff, "template", "spec", "restartPolicy", "Never",
                "containers", "name", "main", "image", "busybox");
        if (g_ttl >= 0)
                jset_int(json_object_get(job, "spec"), "ttlSecondsAfterFinished", g_ttl);
        struct kresp r;
        CHECK_INT(kc_request("POST", "/apis/batch/v1/namespaces/default/jobs", NULL, job, NULL, &r),
                  0);
        if (r.code != 201) {
                /* Job validation is still being written by another engineer: store a fully
                 * formed Job directly so this test exercises only the controller. */
                fprintf(stderr, "note: create job answered %d, storing it directly\n", r.code);
                char uid[40], ts[40];
                uuid_v4(uid);
                time_format_rfc3339(clock_now_s(), ts, sizeof(ts));
                json_t *m = json_object_get(job, "metadata");
                jset_str(m, "uid", uid);
                jset_str(m, "creationTimestamp", ts);
                jset_int(m, "generation", 1);
                json_t *sel = json_pack("{s:{s:s}}", "matchLabels",
                                        "batch.kubernetes.io/controller-uid", uid);
                json_object_set_new(jget(job, "spec"), "selector", sel);
                json_object_set_new(jobj_path(job, "spec.template.metadata"), "labels",
                                    json_pack("{s:s, s:s}", "batch.kubernetes.io/controller-uid",
                                              uid, "batch.kubernetes.io/job-name", name));
                _cleanup_free_ char *key =
                        store_key(resource_find("batch", "v1", "jobs"), "default", name);
                int64_t rv;
                CHECK_INT(store_create(api.store, key, job, &rv), 0);
        }
        kresp_release(&r);
        json_decref(job);
}

TEST(controller_runs_jobs_in_process)
{
        char dir[] = "/tmp/jobd-jc-XXXXXX";
        if (!mkdtemp(dir)) {
                CHECK(0);
                return;
        }
        _cleanup_free_ char *db = xasprintf("%s/jobd.db", dir);
        char err[256];
        if (store_open(db, &api.store, err, sizeof(err)) < 0) {
                fprintf(stderr, "store_open: %s\n", err);
                CHECK(0);
                return;
        }
        api.data_dir = dir;
        {
                _cleanup_json_ json_t *ns = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1",
                                                      "kind", "Namespace", "metadata", "name",
                                                      "default");
                struct kresp r;
                kc_request("POST", "/api/v1/namespaces", NULL, ns, NULL, &r);
                kresp_release(&r);
        }
        struct job_controller_config cfg;
        job_controller_config_default(&cfg);
        cfg.sync_period_ns = 10000000LL;     /* 10 ms */
        cfg.backoff_base_ns = 10000000LL;    /* 10 ms */
        cfg.api_backoff_base_ns = 10000000LL;
        CHECK_INT(job_controller_start(&cfg), 0);
        CHECK_INT(job_controller_start(&cfg), -EALREADY);

        /* the guide's Job: completions 2, parallelism 2, backoffLimit 4 */
        create_job("pi", 2, 2, 4);
        _cleanup_json_ json_t *j = wait_job("pi", "Complete", 10000, false);
        CHECK_INT(jint(j, "status.succeeded", NULL) ? json_integer_value(jget(j, "status.succeeded")) : -1, 2);
        CHECK(jstr(j, "status.completionTime") != NULL);
        CHECK_INT(json_object_size(jget(j, "status.uncountedTerminatedPods")), 0);
        CHECK(count_events("SuccessfulCreate") >= 2);
        CHECK_INT(count_events("Completed"), 1);
        /* every pod released */
        _cleanup_json_ json_t *pods = get("/api/v1/namespaces/default/pods");
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(pods, "items"), i, p)
        {
                CHECK(!pod_has_finalizer(p, JOB_TRACKING_FINALIZER));
        }

        /* failing pods exceed backoffLimit 1: exactly 2 pods fail */
        create_job("fails", 1, 1, 1);
        _cleanup_json_ json_t *f = wait_job("fails", "Failed", 10000, true);
        int64_t failed = -1;
        jint(f, "status.failed", &failed);
        CHECK_INT(failed, 2);
        json_t *c1 = json_array_get(jget(f, "status.conditions"), 1);
        CHECK_STR(jstr(c1, "reason"), "BackoffLimitExceeded");
        CHECK_INT(count_events("BackoffLimitExceeded"), 1);
        if (getenv("JC_DEBUG")) {
                _cleanup_json_ json_t *ev = get("/api/v1/namespaces/default/events");
                _cleanup_free_ char *s = jdump(ev);
                fprintf(stderr, "%s\n", s);
        }

        /* ttlSecondsAfterFinished: 0 → deleted right after it completes */
        g_ttl = 0;
        create_job("ttl", 1, 1, 1);
        g_ttl = -1;
        /* NULL when the TTL controller was faster than this poll */
        _cleanup_json_ json_t *t = wait_job("ttl", "Complete", 10000, false);
        json_t *gone = NULL;
        for (int w = 0; w < 500; w++) {
                gone = get("/apis/batch/v1/namespaces/default/jobs/ttl");
                if (!gone || pod_deleting(gone))
                        break;
                json_decref(gone);
                gone = NULL;
                usleep(10000);
        }
        CHECK(gone == NULL || pod_deleting(gone));
        json_decref(gone);

        job_controller_stop();
        job_controller_stop();
        store_close(api.store);
        api.store = NULL;
        _cleanup_free_ char *cmd = xasprintf("rm -rf %s", dir);
        CHECK_INT(system(cmd), 0);
}
