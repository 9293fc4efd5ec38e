/* test_agent.c — the agent end to end with the fake runtime: an in-process API server
 * (the same handlers `jobd server` serves), the scheduler, and the agent talking to it over
 * real HTTP.  Covers node registration and lease, the pod lifecycle and its status,
 * restart policies with backoff, env resolution, deletion with grace, the log endpoint,
 * and unschedulable pods.  Waits poll with deadlines; nothing sleeps to synchronise. */
#include <arpa/inet.h>
#include <sys/stat.h>
#include "harness.h"
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

#define WAIT_POD_SECONDS 15LL
#include "agent_fixture.h"

static void ensure_up(void)
{
        fixture_up("fake", false);
}

static char *agent_logs(const char *pod, const char *query)
{
        json_t *node = get("/api/v1/nodes/test-node");
        int64_t port = 0;
        jint(node, "status.daemonEndpoints.kubeletEndpoint.Port", &port);
        json_decref(node);
        char *path = xasprintf("/containerLogs/default/%s/c", pod);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        char *out = NULL;
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
                char *req = xasprintf("GET %s?%s HTTP/1.0\r\n\r\n", path, query ? query : "");
                if (write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
                        struct buf b;
                        buf_init(&b, 1 << 20);
                        char tmp[4096];
                        ssize_t n;
                        while ((n = read(fd, tmp, sizeof(tmp))) > 0)
                                if (buf_append(&b, tmp, (size_t)n) < 0)
                                        break;
                        char *body = b.data ? strstr(b.data, "\r\n\r\n") : NULL;
                        out = xstrdup(body ? body + 4 : "");
                        buf_release(&b);
                }
                free(req);
        }
        close(fd);
        free(path);
        return out;
}

TEST(node_registered_with_lease)
{
        ensure_up();
        json_t *n = get("/api/v1/nodes/test-node");
        CHECK(n != NULL);
        json_t *labels = jget(n, "metadata.labels");
        CHECK_STR(json_string_value(json_object_get(labels, "kubernetes.io/hostname")), "test-node");
        CHECK_STR(json_string_value(json_object_get(labels, "kubernetes.io/os")), "linux");
        CHECK_STR(json_string_value(json_object_get(labels, "team")), "batch");
        CHECK(jstr(n, "status.allocatable.cpu") != NULL);
        CHECK_STR(jstr(n, "status.allocatable.pods"), "110");
        int64_t port = 0;
        CHECK(jint(n, "status.daemonEndpoints.kubeletEndpoint.Port", &port) && port > 0);
        json_t *c = json_array_get(jget(n, "status.conditions"), 3);
        CHECK_STR(jstr(c, "type"), "Ready");
        CHECK_STR(jstr(c, "status"), "True");
        CHECK_STR(jstr(json_array_get(jget(n, "status.addresses"), 0), "address"), "127.0.0.1");
        json_decref(n);
        json_t *l = get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/test-node");
        CHECK(l != NULL);
        CHECK_STR(jstr(l, "spec.holderIdentity"), "test-node");
        json_decref(l);
}

TEST(pod_succeeds_with_kubelet_status)
{
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"ok\"},"
                       "\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\","
                       "\"image\":\"busybox\",\"command\":[\"echo\",\"hello\"],\"env\":[{\"name\":"
                       "\"FAKE_DURATION_MS\",\"value\":\"50\"}]}]}}"),
                  201);
        json_t *p = wait_pod("ok", succeeded);
        CHECK(p != NULL);
        json_t *cs = json_array_get(jget(p, "status.containerStatuses"), 0);
        CHECK_STR(jstr(cs, "state.terminated.reason"), "Completed");
        int64_t code = -1;
        CHECK(jint(cs, "state.terminated.exitCode", &code) && code == 0);
        CHECK_STR(jstr(cs, "image"), "docker.io/library/busybox:latest");
        CHECK_STR(jstr(p, "spec.nodeName"), "test-node");
        CHECK_STR(jstr(p, "status.hostIP"), "127.0.0.1");
        CHECK(jstr(p, "status.startTime") != NULL);
        json_t *c;
        size_t i;
        bool ready_completed = false;
        json_array_foreach(jget(p, "status.conditions"), i, c) if (streq(jstr(c, "type"), "Ready"))
                ready_completed = streq(jstr(c, "reason"), "PodCompleted") &&
                                  streq(jstr(c, "status"), "False");
        CHECK(ready_completed);
        json_decref(p);
        char *logs = agent_logs("ok", NULL);
        CHECK(logs && strstr(logs, "echo hello\n") != NULL);
        free(logs);
        logs = agent_logs("ok", "timestamps=true");
        CHECK(logs && strlen(logs) > 31 && logs[4] == '-' && logs[29] == 'Z' &&
              strstr(logs, "Z echo hello\n"));
        free(logs);
        bool created = false, started = false, scheduled = false;
        /* events are posted asynchronously: poll */
        for (int k = 0; k < 500 && !(created && started && scheduled); k++) {
                json_t *evs = get("/api/v1/namespaces/default/events");
                json_t *e;
                json_array_foreach(jget(evs, "items"), i, e)
                {
                        if (!streq(jstr(e, "involvedObject.name"), "ok"))
                                continue;
                        created |= streq(jstr(e, "reason"), "Created");
                        started |= streq(jstr(e, "reason"), "Started");
                        scheduled |= streq(jstr(e, "reason"), "Scheduled");
                }
                json_decref(evs);
                if (!(created && started && scheduled))
                        usleep(10 * 1000);
        }
        CHECK(created && started && scheduled);
}

TEST(never_policy_fails)
{
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"bad\"},"
                       "\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\","
                       "\"image\":\"busybox\",\"env\":[{\"name\":\"FAKE_EXIT_CODE\",\"value\":\"3\"}],"
                       "\"command\":[\"false\"]}]}}"),
                  201);
        json_t *p = wait_pod("bad", failed);
        CHECK(p != NULL);
        json_t *cs = json_array_get(jget(p, "status.containerStatuses"), 0);
        CHECK_STR(jstr(cs, "state.terminated.reason"), "Error");
        int64_t code = 0;
        CHECK(jint(cs, "state.terminated.exitCode", &code) && code == 3);
        json_decref(p);
}

TEST(on_failure_restarts_with_backoff)
{
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"crash\"},"
                       "\"spec\":{\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"c\","
                       "\"image\":\"busybox\",\"env\":[{\"name\":\"FAKE_EXIT_CODE\",\"value\":\"1\"}],"
                       "\"command\":[\"false\"]}]}}"),
                  201);
        json_t *p = wait_pod("crash", restarted_twice);
        CHECK(p != NULL);
        json_t *cs = json_array_get(jget(p, "status.containerStatuses"), 0);
        int64_t code = 0;
        CHECK(jint(cs, "lastState.terminated.exitCode", &code) && code == 1);
        CHECK(!streq(jstr(p, "status.phase"), "Failed"));
        json_decref(p);
        /* previous=true serves the last attempt's log */
        char *logs = agent_logs("crash", "previous=true");
        CHECK(logs && strstr(logs, "false") != NULL);
        free(logs);
}

TEST(env_from_configmap_secret_and_fields)
{
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/configmaps",
                       "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},"
                       "\"data\":{\"color\":\"blue\",\"size\":\"xl\"}}"),
                  201);
        CHECK_INT(post("/api/v1/namespaces/default/secrets",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"sec\"},"
                       "\"data\":{\"pw\":\"czNjcjN0\"}}"),
                  201);
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"envp\"},"
                       "\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\","
                       "\"image\":\"busybox\",\"command\":[\"echo\",\"$(COLOR)/$(PW)/$(ME)/$(size)/$$(X)\"],"
                       "\"envFrom\":[{\"configMapRef\":{\"name\":\"cm\"}}],"
                       "\"env\":[{\"name\":\"COLOR\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"cm\",\"key\":\"color\"}}},"
                       "{\"name\":\"PW\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"sec\",\"key\":\"pw\"}}},"
                       "{\"name\":\"ME\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}}]}]}}"),
                  201);
        json_t *p = wait_pod("envp", succeeded);
        CHECK(p != NULL);
        json_decref(p);
        char *logs = agent_logs("envp", NULL);
        CHECK(logs && strstr(logs, "echo blue/s3cr3t/envp/xl/$(X)\n") != NULL);
        if (logs && !strstr(logs, "blue/s3cr3t"))
                fprintf(stderr, "  logs: %s\n", logs);
        free(logs);
        /* a missing configMap key is CreateContainerConfigError */
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"envbad\"},"
                       "\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\","
                       "\"image\":\"busybox\",\"env\":[{\"name\":\"X\",\"valueFrom\":{\"configMapKeyRef\":"
                       "{\"name\":\"nope\",\"key\":\"k\"}}}]}]}}"),
                  201);
        bool config_error = false;
        for (int i = 0; i < 300 && !config_error; i++) {
                json_t *q = get("/api/v1/namespaces/default/pods/envbad");
                json_t *cs = json_array_get(jget(q, "status.containerStatuses"), 0);
                config_error = streq(jstr(cs, "state.waiting.reason"), "CreateContainerConfigError") &&
                               streq(jstr(cs, "state.waiting.message"), "configmap \"nope\" not found");
                json_decref(q);
                if (!config_error)
                        usleep(20 * 1000);
        }
        CHECK(config_error);
}

TEST(delete_running_pod_stops_and_cleans)
{
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"long\"},"
                       "\"spec\":{\"restartPolicy\":\"Never\",\"terminationGracePeriodSeconds\":5,"
                       "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"command\":[\"sleep\"],"
                       "\"env\":[{\"name\":\"FAKE_DURATION_MS\",\"value\":\"600000\"}]}]}}"),
                  201);
        json_t *p = wait_pod("long", running);
        CHECK(p != NULL);
        char *dir = xasprintf("%s/agent/pods/%s", data_dir, jstr(p, "metadata.uid"));
        CHECK(access(dir, F_OK) == 0);
        json_decref(p);
        struct hresp r;
        CHECK(hc_request(hc, "DELETE", "/api/v1/namespaces/default/pods/long", NULL, NULL, NULL, &r) == 0);
        hresp_release(&r);
        int64_t t0 = clock_mono_ns();
        p = wait_pod("long", absent);
        CHECK(clock_mono_ns() - t0 < 5LL * 1000000000LL);
        CHECK(access(dir, F_OK) != 0);
        free(dir);
}

TEST(unschedulable_pod_reports_reason)
{
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"huge\"},"
                       "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"resources\":"
                       "{\"requests\":{\"cpu\":\"1000\"}}}]}}"),
                  201);
        json_t *p = wait_pod("huge", unschedulable);
        CHECK(p != NULL);
        json_t *c;
        size_t i;
        json_array_foreach(jget(p, "status.conditions"), i, c) if (streq(jstr(c, "type"), "PodScheduled"))
        {
                CHECK_STR(jstr(c, "reason"), "Unschedulable");
                CHECK_STR(jstr(c, "message"), "0/1 nodes are available: 1 Insufficient cpu.");
        }
        json_decref(p);
        p = wait_pod("huge", unschedulable);
        json_decref(p);
        /* and a selector nobody matches */
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"picky\"},"
                       "\"spec\":{\"nodeSelector\":{\"team\":\"web\"},\"containers\":[{\"name\":\"c\","
                       "\"image\":\"busybox\"}]}}"),
                  201);
        p = wait_pod("picky", unschedulable);
        CHECK(p != NULL);
        json_decref(p);
}

TEST(init_containers_run_first)
{
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"withinit\"},"
                       "\"spec\":{\"restartPolicy\":\"Never\",\"initContainers\":[{\"name\":\"i\","
                       "\"image\":\"busybox\",\"command\":[\"true\"]}],\"containers\":[{\"name\":\"c\","
                       "\"image\":\"busybox\",\"command\":[\"true\"]}]}}"),
                  201);
        json_t *p = wait_pod("withinit", succeeded);
        CHECK(p != NULL);
        json_t *ics = json_array_get(jget(p, "status.initContainerStatuses"), 0);
        CHECK_STR(jstr(ics, "state.terminated.reason"), "Completed");
        json_decref(p);
}
