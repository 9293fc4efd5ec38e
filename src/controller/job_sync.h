/* job_sync.h — one reconciliation of a batch/v1 Job, as a pure function.
 *
 * Why pure: every decision of the Job controller (how many pods, which to delete, what
 * to count, when the Job is finished) is a function of the Job, its pods as the cache
 * has them, the clock and a little in-memory state.  Keeping the I/O out lets the unit
 * tests drive every branch of spec/job-semantics.md §3 with a fake clock and plain JSON,
 * in the spirit of upstream's job_controller_test.go, and lets a test replay a crash at
 * any point between the writes (tests/unit/test_job_sync.c).
 *
 * The caller (job_controller.c via job_sync_apply()) performs the plan in this order,
 * which is what makes the accounting exactly-once (see the design comment in
 * job_sync.c):
 *   1. deletes (with the finalizer removed first when `removeFinalizer`), else creates
 *      in slow-start batches — never both;
 *   2. PUT `status` (if non-NULL) — records new finished pods in
 *      uncountedTerminatedPods / completedIndexes / failedIndexes and interim
 *      FailureTarget / SuccessCriteriaMet conditions;
 *   3. only if step 2 succeeded: remove the tracking finalizer from `rm_finalizers`;
 *   4. only if every removal succeeded: PUT `status_final` (if non-NULL) — moves those
 *      UIDs into succeeded/failed and adds the terminal Complete/Failed condition; then
 *      emit `final_events`.
 */
#ifndef JOBD_JOB_SYNC_H
#define JOBD_JOB_SYNC_H
#include <stdbool.h>
#include "base/jsonu.h"
#include "controller/job_backoff.h"

struct job_sync_config {
        int64_t backoff_base_ns;     /* pod failure backoff base, default 10 s */
        int64_t backoff_cap_ns;      /* cap, default 10 min (upstream code) */
        int64_t min_requeue_ns;      /* floor of backoff requeues (syncJobBatchPeriod) 1 s */
        int max_create_delete;       /* per sync, default 500 */
        int max_uncounted;           /* UIDs added to uncountedTerminatedPods per sync, 500 */
};
void job_sync_config_default(struct job_sync_config *c);

struct job_sync_input {
        json_t *job;  /* the Job (borrowed) */
        json_t *pods; /* array of owned Pods (borrowed), incl. ones being deleted */
        int64_t now_ns;
        /* Creations/deletions issued earlier have all been observed by the cache. */
        bool expectations_satisfied;
        /* Object of pod UIDs whose finalizer removal was issued but not yet observed
         * (treated as already removed), or NULL. */
        json_t *rm_finalizer_expected;
        struct job_backoff backoff; /* the in-memory record for this Job */
        const struct job_sync_config *cfg;
};

struct job_sync_result {
        bool skipped;          /* managed elsewhere or unknown completion mode: no writes */
        bool finished;         /* the Job is (now) terminal: forget its in-memory state */
        json_t *create;        /* array of Pod objects to POST, in creation order */
        json_t *del;           /* array of {"name","uid","removeFinalizer":bool,"ready":bool} */
        json_t *status;        /* new status for step 2, or NULL when unchanged */
        json_t *rm_finalizers; /* array of {"name","uid"} for step 3 */
        json_t *status_final;  /* status for step 4, or NULL */
        json_t *events;        /* array of {"type","reason","message"}: emit after step 2 */
        json_t *final_events;  /* emit after step 4 (or step 2 when status_final is NULL) */
        int64_t requeue_after_ns; /* 0: no timed re-sync needed */
        struct job_backoff backoff; /* store once step 2 is done */
        bool deleting_for_finish;   /* deletes are the "job finished" kind (see apply) */
};
void job_sync_result_release(struct job_sync_result *r);

/* Compute one sync.  Returns 0 (the result is always filled) or -EINVAL for a Job
 * object too malformed to reconcile. */
int job_sync(const struct job_sync_input *in, struct job_sync_result *out);

/* Helpers shared with the controller. */
bool job_is_finished(json_t *job); /* Complete=True or Failed=True */
/* spec.managedBy names another controller. */
bool job_managed_elsewhere(json_t *job);
#endif
