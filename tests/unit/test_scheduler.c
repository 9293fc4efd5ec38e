/* test_scheduler.c — the scheduler's pure decision (requests, filters, messages, scores)
 * and its incremental cache (per-node accounting, the queue of pods to schedule). */
#include "harness.h"
#include "scheduler/scheduler_int.h"

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

/* ---------- the incremental cache ---------- */

/* A pod "default/<name>" requesting cpu; node "" = unbound, phase NULL = none yet. */
static json_t *cpod(const char *name, const char *uid, const char *rv, const char *created,
                    const char *node, const char *phase, const char *cpu)
{
        json_t *p = json_pack("{s:{s:s, s:s, s:s, s:s, s:s}, s:{s:[{s:s, s:{s:{s:s}}}]}, s:{}}",
                              "metadata", "name", name, "namespace", "default", "uid", uid,
                              "resourceVersion", rv, "creationTimestamp", created, "spec",
                              "containers", "name", "c", "resources", "requests", "cpu", cpu,
                              "status");
        if (node && *node)
                jset_str(jobj(p, "spec"), "nodeName", node);
        if (phase)
                jset_str(jobj(p, "status"), "phase", phase);
        return p;
}

static void put(struct sched_cache *c, json_t *p)
{
        sched_cache_pod_put(c, p);
        json_decref(p);
}

static int64_t used_cpu(struct sched_cache *c, const char *node)
{
        struct sched_res r;
        sched_cache_node_used(c, node, &r);
        return r.cpu_milli;
}

static int64_t used_pods(struct sched_cache *c, const char *node)
{
        struct sched_res r;
        sched_cache_node_used(c, node, &r);
        return r.pods;
}

/* One pass as scheduler.c runs it, with no API: returns how many pods were bound. */
static int run_pass(struct sched_cache *c, int64_t now, char **ret_last_msg)
{
        struct sched_batch b;
        sched_cache_pop(c, &b);
        int bound = 0;
        for (size_t i = 0; i < b.nitems; i++) {
                char *msg = NULL;
                int best = sched_pick(b.items[i].pod, b.nodes, b.nnodes, &msg);
                sched_cache_done(c, &b, &b.items[i],
                                 best >= 0 ? SCHED_BOUND : SCHED_UNSCHEDULABLE,
                                 best >= 0 ? b.nodes[best].name : NULL, now);
                bound += best >= 0;
                if (ret_last_msg && msg) {
                        free(*ret_last_msg);
                        *ret_last_msg = msg;
                } else {
                        free(msg);
                }
        }
        sched_batch_release(&b);
        return bound;
}

TEST(cache_terminal_pod_frees_resources)
{
        struct sched_cache *c = sched_cache_new();
        json_t *n = node("n1", "2", "8Gi", true);
        sched_cache_node_put(c, n);
        json_decref(n);
        put(c, cpod("a", "u-a", "1", "2026-01-01T00:00:00Z", "n1", NULL, "1500m"));
        CHECK_INT(used_cpu(c, "n1"), 1500);
        CHECK_INT(used_pods(c, "n1"), 1);
        put(c, cpod("a", "u-a", "2", "2026-01-01T00:00:00Z", "n1", "Running", "1500m"));
        CHECK_INT(used_cpu(c, "n1"), 1500);
        put(c, cpod("a", "u-a", "3", "2026-01-01T00:00:00Z", "n1", "Succeeded", "1500m"));
        CHECK_INT(used_cpu(c, "n1"), 0);
        CHECK_INT(used_pods(c, "n1"), 0);
        put(c, cpod("b", "u-b", "4", "2026-01-01T00:00:00Z", "n1", "Failed", "1"));
        CHECK_INT(used_cpu(c, "n1"), 0);
        CHECK_INT(sched_cache_pending(c), 0);
        sched_cache_free(c);
}

TEST(cache_delete_frees_resources)
{
        struct sched_cache *c = sched_cache_new();
        json_t *n = node("n1", "2", "8Gi", true);
        sched_cache_node_put(c, n);
        json_decref(n);
        json_t *a = cpod("a", "u-a", "1", "2026-01-01T00:00:00Z", "n1", "Running", "1");
        sched_cache_pod_put(c, a);
        put(c, cpod("b", "u-b", "2", "2026-01-01T00:00:00Z", "n1", "Running", "250m"));
        CHECK_INT(used_cpu(c, "n1"), 1250);
        sched_cache_pod_delete(c, a);
        CHECK_INT(used_cpu(c, "n1"), 250);
        CHECK_INT(used_pods(c, "n1"), 1);
        sched_cache_pod_delete(c, a); /* twice: nothing more */
        CHECK_INT(used_cpu(c, "n1"), 250);
        /* a relist that no longer has b takes it back as well */
        json_t *fresh = json_object();
        sched_cache_pods_replace(c, fresh);
        CHECK_INT(used_cpu(c, "n1"), 0);
        CHECK_INT(used_pods(c, "n1"), 0);
        json_decref(fresh);
        json_decref(a);
        sched_cache_free(c);
}

TEST(cache_bound_elsewhere_counts_there)
{
        struct sched_cache *c = sched_cache_new();
        json_t *n1 = node("n1", "4", "8Gi", true), *n2 = node("n2", "4", "8Gi", true);
        sched_cache_node_put(c, n1);
        sched_cache_node_put(c, n2);
        put(c, cpod("a", "u-a", "1", "2026-01-01T00:00:00Z", "n2", NULL, "3"));
        CHECK_INT(used_cpu(c, "n1"), 0);
        CHECK_INT(used_cpu(c, "n2"), 3000);
        /* bound to a node we have not seen: charged to the name, counted once it appears */
        put(c, cpod("b", "u-b", "2", "2026-01-01T00:00:00Z", "n3", NULL, "1"));
        CHECK_INT(used_cpu(c, "n3"), 1000);
        json_t *n3 = node("n3", "1", "8Gi", true);
        sched_cache_node_put(c, n3);
        put(c, cpod("p", "u-p", "3", "2026-01-01T00:00:01Z", "", NULL, "2"));
        struct sched_batch b;
        sched_cache_pop(c, &b);
        CHECK_INT(b.nitems, 1);
        CHECK_INT(b.nnodes, 3);
        char *msg = NULL;
        /* n2 has 1 cpu left, n3 none: only n1 fits */
        int best = sched_pick(b.items[0].pod, b.nodes, b.nnodes, &msg);
        CHECK(best >= 0 && streq(b.nodes[best].name, "n1"));
        CHECK_INT(b.nodes[2].used.cpu_milli, 1000);
        sched_cache_done(c, &b, &b.items[0], SCHED_BOUND, "n1", 0);
        sched_batch_release(&b);
        CHECK_INT(used_cpu(c, "n1"), 2000); /* assumed before the watch echoes it */
        CHECK_INT(sched_cache_pending(c), 0);
        /* the echo (a new resourceVersion, same node) charges nothing more */
        put(c, cpod("p", "u-p", "4", "2026-01-01T00:00:01Z", "n1", NULL, "2"));
        CHECK_INT(used_cpu(c, "n1"), 2000);
        CHECK_INT(used_pods(c, "n1"), 1);
        /* a pod whose node changes moves its charge */
        put(c, cpod("a", "u-a", "5", "2026-01-01T00:00:00Z", "n1", NULL, "3"));
        CHECK_INT(used_cpu(c, "n2"), 0);
        CHECK_INT(used_cpu(c, "n1"), 5000);
        /* a node that goes away keeps nothing once its pods are gone */
        sched_cache_node_delete(c, n3);
        CHECK_INT(used_cpu(c, "n3"), 1000);
        put(c, cpod("b", "u-b", "6", "2026-01-01T00:00:00Z", "n3", "Succeeded", "1"));
        struct sched_res r;
        CHECK(!sched_cache_node_used(c, "n3", &r));
        /* the same name with a new uid is a new pod: the old one's charge goes */
        put(c, cpod("a", "u-a2", "7", "2026-01-01T00:00:00Z", "n2", NULL, "1"));
        CHECK_INT(used_cpu(c, "n1"), 2000);
        CHECK_INT(used_cpu(c, "n2"), 1000);
        json_decref(n1);
        json_decref(n2);
        json_decref(n3);
        sched_cache_free(c);
}

TEST(cache_unschedulable_until_room_frees)
{
        struct sched_cache *c = sched_cache_new();
        json_t *n = node("n1", "2", "8Gi", true);
        sched_cache_node_put(c, n);
        json_decref(n);
        put(c, cpod("a", "u-a", "1", "2026-01-01T00:00:00Z", "n1", "Running", "1500m"));
        put(c, cpod("p", "u-p", "2", "2026-01-01T00:00:01Z", "", NULL, "1"));
        CHECK(sched_cache_has_active(c));
        char *msg = NULL;
        CHECK_INT(run_pass(c, 0, &msg), 0);
        CHECK_STR(msg, "0/1 nodes are available: 1 Insufficient cpu.");
        CHECK(!sched_cache_has_active(c));
        CHECK_INT(sched_cache_pending(c), 1);
        /* unrelated events do not wake it: its own status write, another pod bound, a
         * node heartbeat, a pending pod of another scheduler */
        json_t *p = cpod("p", "u-p", "3", "2026-01-01T00:00:01Z", "", "Pending", "1");
        json_object_set_new(jobj(p, "status"), "conditions",
                            json_pack("[{s:s, s:s, s:s}]", "type", "PodScheduled", "status",
                                      "False", "message", msg));
        put(c, p);
        put(c, cpod("x", "u-x", "4", "2026-01-01T00:00:00Z", "n1", "Running", "100m"));
        n = node("n1", "2", "8Gi", true);
        json_object_set_new(jobj(n, "metadata"), "resourceVersion", json_string("5"));
        sched_cache_node_put(c, n);
        json_decref(n);
        json_t *o = cpod("other", "u-o", "6", "2026-01-01T00:00:00Z", "", NULL, "1");
        jset_str(jobj(o, "spec"), "schedulerName", "someone-else");
        put(c, o);
        CHECK(!sched_cache_has_active(c));
        CHECK_INT(sched_cache_pending(c), 1);
        /* a as terminal frees 1.5 cpu: p is tried again and fits */
        put(c, cpod("a", "u-a", "7", "2026-01-01T00:00:00Z", "n1", "Succeeded", "1500m"));
        CHECK(sched_cache_has_active(c));
        CHECK_INT(run_pass(c, 0, NULL), 1);
        CHECK_INT(used_cpu(c, "n1"), 1100);
        CHECK_INT(sched_cache_pending(c), 0);
        free(msg);
        sched_cache_free(c);
}

TEST(cache_parked_pod_retried_on_node_change_and_timer)
{
        struct sched_cache *c = sched_cache_new();
        json_t *n = node("n1", "1", "8Gi", true);
        sched_cache_node_put(c, n);
        json_decref(n);
        put(c, cpod("p", "u-p", "1", "2026-01-01T00:00:01Z", "", NULL, "2"));
        CHECK_INT(run_pass(c, 1000, NULL), 0);
        CHECK(!sched_cache_has_active(c));
        sched_cache_flush(c, 1000 + SCHED_UNSCHEDULABLE_FLUSH_NS - 1);
        CHECK(!sched_cache_has_active(c));
        sched_cache_flush(c, 1000 + SCHED_UNSCHEDULABLE_FLUSH_NS);
        CHECK(sched_cache_has_active(c));
        CHECK_INT(run_pass(c, 2000, NULL), 0);
        CHECK(!sched_cache_has_active(c));
        /* the node grows: tried again, and fits */
        n = node("n1", "4", "8Gi", true);
        sched_cache_node_put(c, n);
        json_decref(n);
        CHECK(sched_cache_has_active(c));
        CHECK_INT(run_pass(c, 3000, NULL), 1);
        CHECK_INT(used_cpu(c, "n1"), 2000);
        sched_cache_free(c);
}

TEST(cache_room_freed_mid_pass_is_not_lost)
{
        struct sched_cache *c = sched_cache_new();
        json_t *n = node("n1", "2", "8Gi", true);
        sched_cache_node_put(c, n);
        json_decref(n);
        put(c, cpod("a", "u-a", "1", "2026-01-01T00:00:00Z", "n1", "Running", "2"));
        put(c, cpod("p", "u-p", "2", "2026-01-01T00:00:01Z", "", NULL, "1"));
        struct sched_batch b;
        sched_cache_pop(c, &b);
        CHECK_INT(b.nitems, 1);
        char *msg = NULL;
        CHECK_INT(sched_pick(b.items[0].pod, b.nodes, b.nnodes, &msg), -1);
        free(msg);
        /* a finishes while the pass decides without the lock */
        put(c, cpod("a", "u-a", "3", "2026-01-01T00:00:00Z", "n1", "Succeeded", "2"));
        sched_cache_done(c, &b, &b.items[0], SCHED_UNSCHEDULABLE, NULL, 0);
        sched_batch_release(&b);
        CHECK(sched_cache_has_active(c));
        CHECK_INT(run_pass(c, 0, NULL), 1);
        sched_cache_free(c);
}

TEST(cache_queue_order_and_leaving)
{
        struct sched_cache *c = sched_cache_new();
        json_t *n = node("n1", "8", "8Gi", true);
        sched_cache_node_put(c, n);
        json_decref(n);
        put(c, cpod("late", "u-1", "1", "2026-01-01T00:00:05Z", "", NULL, "1"));
        put(c, cpod("early-b", "u-2", "2", "2026-01-01T00:00:01Z", "", NULL, "1"));
        put(c, cpod("early-a", "u-3", "3", "2026-01-01T00:00:01Z", "", NULL, "1"));
        json_t *d = cpod("gone", "u-4", "4", "2026-01-01T00:00:00Z", "", NULL, "1");
        json_object_set_new(jobj(d, "metadata"), "deletionTimestamp",
                            json_string("2026-01-01T00:00:09Z"));
        put(c, d);
        json_t *del = cpod("deleted", "u-5", "5", "2026-01-01T00:00:00Z", "", NULL, "1");
        sched_cache_pod_put(c, del);
        sched_cache_pod_delete(c, del);
        json_decref(del);
        CHECK_INT(sched_cache_pending(c), 3);
        struct sched_batch b;
        sched_cache_pop(c, &b);
        CHECK_INT(b.nitems, 3);
        if (b.nitems == 3) {
                CHECK_STR(b.items[0].name, "early-a");
                CHECK_STR(b.items[1].name, "early-b");
                CHECK_STR(b.items[2].name, "late");
        }
        /* bound by someone else while in flight: the pass's outcome changes nothing */
        put(c, cpod("late", "u-1", "6", "2026-01-01T00:00:05Z", "n1", NULL, "1"));
        CHECK_INT(sched_cache_pending(c), 2);
        sched_cache_done(c, &b, &b.items[2], SCHED_UNSCHEDULABLE, NULL, 0);
        CHECK_INT(sched_cache_pending(c), 2);
        CHECK_INT(used_cpu(c, "n1"), 1000);
        /* a failed write parks with a backoff */
        sched_cache_done(c, &b, &b.items[0], SCHED_ERROR, NULL, 0);
        sched_cache_done(c, &b, &b.items[1], SCHED_BOUND, "n1", 0);
        sched_batch_release(&b);
        CHECK_INT(used_cpu(c, "n1"), 2000);
        CHECK_INT(sched_cache_pending(c), 1);
        CHECK(!sched_cache_has_active(c));
        sched_cache_flush(c, SCHED_BACKOFF_BASE_NS);
        CHECK(sched_cache_has_active(c));
        sched_cache_free(c);
}
