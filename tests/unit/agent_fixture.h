/* agent_fixture.h — helpers shared by the agent's unit tests (test_agent.c with the fake
 * runtime, test_agent_crun.c with real crun): small API calls through the agent's own HTTP
 * client and polling a pod until a predicate holds; and the process-wide bring-up of a
 * store, API server, scheduler and agent.  The including file defines WAIT_POD_SECONDS. */
#ifndef JOBD_AGENT_FIXTURE_H
#define JOBD_AGENT_FIXTURE_H
#include "agent/agent.h"
#include "api/api.h"
#include "api/client.h"
#include "api/server.h"
#include "base/log.h"
#include "base/util.h"
#include "client/http.h"
#include "image/safepath.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

static struct hc *hc;
static struct agent_config saved_cfg; /* what the agent was started with (url owned) */
static char data_dir[128];
static bool up;

static void fixture_teardown(void)
{
        /* delete every pod so no container outlives the test */
        struct hresp r;
        if (hc_request(hc, "DELETE", "/api/v1/namespaces/default/pods", NULL, NULL, NULL, &r) == 0)
                hresp_release(&r);
        for (int i = 0; i < 1000; i++) {
                if (hc_request(hc, "GET", "/api/v1/namespaces/default/pods", NULL, NULL, NULL, &r) < 0)
                        break;
                size_t n = json_array_size(jget(r.body, "items"));
                hresp_release(&r);
                if (n == 0)
                        break;
                usleep(20 * 1000);
        }
        agent_stop();
        scheduler_stop();
        api_server_stop();
        store_close(api.store);
        hc_free(hc);
        rm_rf(data_dir);
        free((char *)saved_cfg.server_url);
}

/* Once per process: a store in a temp dir, the API server on a free loopback port, the
 * scheduler, and the agent with the given runtime (busybox/perl images built offline and
 * auto-imported when images is true). */
static void fixture_up(const char *runtime, bool images)
{
        if (up)
                return;
        up = true;
        log_min_level = LOG_WARN;
        snprintf(data_dir, sizeof(data_dir), "/tmp/jobd-test-%s-XXXXXX", runtime);
        if (!mkdtemp(data_dir))
                abort();
        char err[256];
        if (images) {
                char *cmd = xasprintf("scripts/build-images.sh %s/images >/dev/null", data_dir);
                if (system(cmd) != 0)
                        abort();
                free(cmd);
        }
        char *db = xasprintf("%s/jobd.db", data_dir);
        if (store_open(db, &api.store, err, sizeof(err)) < 0) {
                fprintf(stderr, "store: %s\n", err);
                abort();
        }
        free(db);
        api.data_dir = data_dir;
        const char *nss[] = {"default", "kube-node-lease"};
        for (size_t i = 0; i < 2; i++) {
                json_t *ns = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind",
                                       "Namespace", "metadata", "name", nss[i]);
                struct kresp r;
                kc_request("POST", "/api/v1/namespaces", NULL, ns, NULL, &r);
                kresp_release(&r);
                json_decref(ns);
        }
        if (api_server_start("127.0.0.1", 0, err, sizeof(err)) < 0) {
                fprintf(stderr, "server: %s\n", err);
                abort();
        }
        char *url = xasprintf("http://127.0.0.1:%u", api_server_port());
        hc = hc_new(url);
        scheduler_start();
        static const char *const labels[] = {"team=batch", NULL};
        struct agent_config cfg = {.server_url = url,
                                   .node_name = "test-node",
                                   .data_dir = data_dir,
                                   .runtime = runtime,
                                   .node_labels = labels,
                                   .backoff_base_ms = 100,
                                   .backoff_cap_ms = 400};
        saved_cfg = cfg; /* takes url */
        if (agent_start(&cfg) < 0)
                abort();
        atexit(fixture_teardown);
}


static json_t *J(const char *s)
{
        json_error_t e;
        json_t *j = json_loads(s, 0, &e);
        if (!j)
                fprintf(stderr, "bad json: %s\n", e.text);
        return j;
}

static json_t *get(const char *path)
{
        struct hresp r;
        if (hc_request(hc, "GET", path, NULL, NULL, NULL, &r) < 0 || r.code != 200) {
                hresp_release(&r);
                return NULL;
        }
        return r.body;
}

static _unused_ int post(const char *path, const char *body)
{
        json_t *b = J(body);
        struct hresp r;
        int e = hc_request(hc, "POST", path, NULL, b, NULL, &r);
        int code = e < 0 ? e : r.code;
        hresp_release(&r);
        json_decref(b);
        return code;
}

typedef bool (*pod_pred)(json_t *pod);

/* Poll the pod until pred holds (or 15 s pass); returns the pod (owned) or NULL. */
static json_t *wait_pod(const char *name, pod_pred pred)
{
        char *path = xasprintf("/api/v1/namespaces/default/pods/%s", name);
        int64_t deadline = clock_mono_ns() + WAIT_POD_SECONDS * 1000000000LL;
        json_t *pod = NULL;
        while (clock_mono_ns() < deadline) {
                json_decref(pod);
                pod = get(path);
                if (pred(pod))
                        break;
                usleep(20 * 1000);
        }
        free(path);
        if (!pred(pod)) {
                char *s = pod ? json_dumps(pod, JSON_INDENT(1)) : NULL;
                fprintf(stderr, "  pod %s never reached the expected state:\n%s\n", name,
                        s ? s : "(absent)");
                free(s);
                json_decref(pod);
                return NULL;
        }
        return pod;
}

static _unused_ bool succeeded(json_t *p)
{
        return streq(jstr(p, "status.phase"), "Succeeded");
}
static _unused_ bool failed(json_t *p)
{
        return streq(jstr(p, "status.phase"), "Failed");
}
static _unused_ bool running(json_t *p)
{
        return streq(jstr(p, "status.phase"), "Running");
}
static _unused_ bool absent(json_t *p)
{
        return p == NULL;
}
static _unused_ bool restarted_twice(json_t *p)
{
        int64_t n = 0;
        jint(json_array_get(jget(p, "status.containerStatuses"), 0), "restartCount", &n);
        return n >= 2;
}
static _unused_ bool unschedulable(json_t *p)
{
        json_t *c;
        size_t i;
        json_array_foreach(jget(p, "status.conditions"), i, c) if (streq(jstr(c, "type"), "PodScheduled") &&
                                                                  streq(jstr(c, "status"), "False"))
                return true;
        return false;
}

#endif
