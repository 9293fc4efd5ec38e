/* test_scheduler.c — the scheduler's pure decision: requests, filters, messages, scores. */
#include "harness.h"
#include "scheduler/sched_core.h"

static json_t *J(const char *s)
{
        json_error_t e;
        json_t *j = json_loads(s, 0, &e);
        if (!j)
                fprintf(stderr, "bad json: %s: %s\n", e.text, s);
        return j;
}

static json_t *node(const char *name, const char *cpu, const char *mem, bool ready)
{
        json_t *n = json_pack("{s:{s:s, s:{s:s}}, s:{s:{s:s, s:s, s:s}, s:[{s:s, s:s}]}}",
                              "metadata", "name", name, "labels", "disk", "ssd", "status",
                              "allocatable", "cpu", cpu, "memory", mem, "pods", "110",
                              "conditions", "type", "Ready", "status", ready ? "True" : "False");
        return n;
}

TEST(requests_sum_and_init_max)
{
        json_t *p = J("{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"250m\","
                      "\"memory\":\"64Mi\"}}},{\"resources\":{\"limits\":{\"cpu\":\"1\"}}}],"
                      "\"initContainers\":[{\"resources\":{\"requests\":{\"cpu\":\"2\"}}}]}}");
        struct sched_res r;
        sched_pod_requests(p, &r);
        CHECK_INT(r.cpu_milli, 2000);
        CHECK_INT(r.mem_milli, 64LL * 1024 * 1024 * 1000);
        CHECK_INT(r.pods, 1);
        json_decref(p);
}

TEST(insufficient_cpu_message)
{
        json_t *n = node("n1", "2", "8Gi", true);
        json_t *p = J("{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"3\"}}}]}}");
        struct sched_node sn;
        sched_node_init(&sn, n);
        char *msg = NULL;
        CHECK_INT(sched_pick(p, &sn, 1, &msg), -1);
        CHECK_STR(msg, "0/1 nodes are available: 1 Insufficient cpu.");
        free(msg);
        json_decref(p);
        json_decref(n);
}

TEST(fits_and_charges)
{
        json_t *n = node("n1", "2", "8Gi", true);
        json_t *p = J("{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1500m\"}}}]}}");
        struct sched_node sn;
        sched_node_init(&sn, n);
        char *msg = NULL;
        CHECK_INT(sched_pick(p, &sn, 1, &msg), 0);
        CHECK(msg == NULL);
        CHECK_INT(sn.used.cpu_milli, 1500);
        CHECK_INT(sched_pick(p, &sn, 1, &msg), -1);
        CHECK_STR(msg, "0/1 nodes are available: 1 Insufficient cpu.");
        free(msg);
        json_decref(p);
        json_decref(n);
}

TEST(mixed_reasons_sorted)
{
        json_t *ns[3] = {node("a", "1", "1Gi", true), node("b", "8", "64Mi", true),
                         node("c", "8", "8Gi", false)};
        json_t *p = J("{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"2\","
                      "\"memory\":\"128Mi\"}}}]}}");
        struct sched_node sn[3];
        for (int i = 0; i < 3; i++)
                sched_node_init(&sn[i], ns[i]);
        char *msg = NULL;
        CHECK_INT(sched_pick(p, sn, 3, &msg), -1);
        CHECK_STR(msg, "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 "
                       "node(s) had untolerated taint {node.kubernetes.io/not-ready: }.");
        free(msg);
        json_decref(p);
        for (int i = 0; i < 3; i++)
                json_decref(ns[i]);
}

TEST(node_selector_and_affinity)
{
        json_t *n = node("n1", "2", "8Gi", true);
        json_t *p = J("{\"spec\":{\"nodeSelector\":{\"disk\":\"hdd\"},\"containers\":[{}]}}");
        struct sched_node sn;
        sched_node_init(&sn, n);
        char *msg = NULL;
        CHECK_INT(sched_pick(p, &sn, 1, &msg), -1);
        CHECK_STR(msg, "0/1 nodes are available: 1 node(s) didn't match Pod's node "
                       "affinity/selector.");
        free(msg);
        json_decref(p);
        p = J("{\"spec\":{\"nodeSelector\":{\"disk\":\"ssd\"},\"affinity\":{\"nodeAffinity\":{"
              "\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{"
              "\"matchExpressions\":[{\"key\":\"disk\",\"operator\":\"In\",\"values\":[\"ssd\"]}]}"
              "]}}},\"containers\":[{}]}}");
        CHECK(sched_node_selector_matches(p, n));
        CHECK_INT(sched_pick(p, &sn, 1, &msg), 0);
        json_decref(p);
        json_decref(n);
}

TEST(scores_prefer_least_allocated)
{
        json_t *a = node("a", "2", "8Gi", true), *b = node("b", "16", "32Gi", true);
        json_t *p = J("{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\","
                      "\"memory\":\"1Gi\"}}}]}}");
        struct sched_node sn[2];
        sched_node_init(&sn[0], a);
        sched_node_init(&sn[1], b);
        char *msg = NULL;
        CHECK_INT(sched_pick(p, sn, 2, &msg), 1);
        json_decref(p);
        json_decref(a);
        json_decref(b);
}

TEST(gpu_and_pod_count)
{
        json_t *n = J("{\"metadata\":{\"name\":\"g\"},\"status\":{\"allocatable\":{\"cpu\":\"4\","
                      "\"memory\":\"1Gi\",\"pods\":\"1\",\"nvidia.com/gpu\":\"1\"},\"conditions\":"
                      "[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
        json_t *p = J("{\"spec\":{\"containers\":[{\"resources\":{\"limits\":{\"nvidia.com/gpu\":"
                      "\"2\"}}}]}}");
        struct sched_node sn;
        sched_node_init(&sn, n);
        sn.used.pods = 1;
        char *msg = NULL;
        CHECK_INT(sched_pick(p, &sn, 1, &msg), -1);
        CHECK_STR(msg, "0/1 nodes are available: 1 Insufficient nvidia.com/gpu, 1 Too many pods.");
        free(msg);
        json_decref(p);
        json_decref(n);
}
