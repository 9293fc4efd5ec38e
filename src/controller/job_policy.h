/* job_policy.h — spec.podFailurePolicy and spec.successPolicy evaluation
 * (upstream pod_failure_policy.go and success_policy.go).
 *
 * Both are pure functions of (policy, pod) or (policy, succeeded indexes) so the sync
 * can ask them repeatedly (counting, per-index failure, FailJob message) and get the
 * same answer each time; rules are evaluated in order and the first match wins. */
#ifndef JOBD_JOB_POLICY_H
#define JOBD_JOB_POLICY_H
#include <stdbool.h>
#include "base/jsonu.h"
#include "controller/job_indexes.h"

enum pfp_action {
        PFP_NONE = 0, /* no rule matched: default handling (counted) */
        PFP_FAIL_JOB,
        PFP_IGNORE,
        PFP_COUNT,
        PFP_FAIL_INDEX,
};

/* matchPodFailurePolicy for a failed pod.  *count_failed tells whether the failure
 * counts toward backoffLimit / status.failed (false only for Ignore).  For FailJob, if
 * msg is non-NULL, *msg receives the upstream condition message (caller frees).
 * A NULL/absent policy returns PFP_NONE with *count_failed = true. */
enum pfp_action pfp_match(json_t *policy, json_t *pod, bool *count_failed, char **msg);

/* matchSuccessPolicy: true with *msg = "Matched rules at index <i>" (caller frees) when a
 * rule is satisfied by the succeeded index set. */
bool success_policy_match(json_t *policy, int64_t completions, const struct ix_set *succeeded,
                          char **msg);
#endif
