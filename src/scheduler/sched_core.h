/* sched_core.h — the scheduler's pure decision logic (no API calls), exposed for tests:
 * pod requests, node accounting, the filter and score tables, and the pick. */
#ifndef JOBD_SCHED_CORE_H
#define JOBD_SCHED_CORE_H
#include <stdbool.h>
#include "base/jsonu.h"

struct sched_res {
        int64_t cpu_milli, mem_milli, gpu_milli, eph_milli; /* milli-units */
        int64_t pods;
};

struct sched_node {
        json_t *node; /* borrowed */
        const char *name;
        struct sched_res alloc, used;
};

/* Effective request: max(sum of containers, largest init container); limits stand in
 * for absent requests. */
void sched_pod_requests(json_t *pod, struct sched_res *ret);
void sched_node_init(struct sched_node *n, json_t *node);
void sched_node_charge(struct sched_node *n, const struct sched_res *r);
bool sched_node_selector_matches(json_t *pod, json_t *node);

/* A filter writes up to max reason strings (static) and returns how many; 0 = fits. */
struct sched_filter {
        const char *name;
        int (*fn)(json_t *pod, const struct sched_res *req, const struct sched_node *n,
                  const char **reasons, int max);
};
struct sched_score {
        const char *name;
        int64_t (*fn)(json_t *pod, const struct sched_res *req, const struct sched_node *n);
        int weight;
};
extern const struct sched_filter sched_filters[];
extern const struct sched_score sched_scores[];

/* Index of the chosen node (already charged with the pod's requests), or -1 with
 * *ret_msg = upstream's FitError text ("0/1 nodes are available: 1 Insufficient cpu."). */
int sched_pick(json_t *pod, struct sched_node *nodes, size_t n, char **ret_msg);
#endif
