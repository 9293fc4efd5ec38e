/* job_pods.h — read-only questions the Job controller asks about a Pod object, and the
 * construction of the Pods it creates.
 *
 * Why a separate file: the sync logic, the pod-failure policy, the backoff computation
 * and the controller's event handlers all classify pods the same way (active, ready,
 * terminating, failed, finish time, completion index); having one definition of each
 * keeps them from drifting apart, which upstream guards against with shared helpers in
 * pkg/controller/controller_utils.go. */
#ifndef JOBD_JOB_PODS_H
#define JOBD_JOB_PODS_H
#include <stdbool.h>
#include "base/jsonu.h"

#define JOB_TRACKING_FINALIZER "batch.kubernetes.io/job-tracking"
#define JOB_COMPLETION_INDEX_KEY "batch.kubernetes.io/job-completion-index"
#define JOB_INDEX_FAILURE_COUNT_KEY "batch.kubernetes.io/job-index-failure-count"
#define JOB_INDEX_IGNORED_FAILURE_COUNT_KEY "batch.kubernetes.io/job-index-ignored-failure-count"
#define JOB_COMPLETION_INDEX_ENV "JOB_COMPLETION_INDEX"
#define JOB_CONTROLLER_NAME "kubernetes.io/job-controller"

const char *pod_phase(json_t *pod); /* "" when absent */
bool pod_deleting(json_t *pod);     /* metadata.deletionTimestamp set */
bool pod_is_finished(json_t *pod);  /* Succeeded or Failed */
bool pod_is_active(json_t *pod);    /* not finished and not deleting */
bool pod_is_terminating(json_t *pod);
bool pod_is_ready(json_t *pod);     /* condition Ready=True */
bool pod_has_finalizer(json_t *pod, const char *fin);
/* Completion index from the annotation; -1 if absent or malformed. */
int64_t pod_completion_index(json_t *pod);
/* Non-negative integer annotation value, 0 if absent or malformed. */
int64_t pod_annotation_int(json_t *pod, const char *key);
/* Time in ns of an RFC3339 field at path; 0 if absent or malformed. */
int64_t obj_time_ns(json_t *obj, const char *path);
/* getFinishedTime: latest container finishedAt if all terminated, else Ready=False
 * transition, else deletionTimestamp - grace, else creationTimestamp. */
int64_t pod_finished_time_ns(json_t *pod);
/* Sum of restartCount over containers and init containers. */
int64_t pod_restart_count(json_t *pod);
/* controller.ActivePods ordering: true when a should be deleted before b. */
bool pod_delete_before(json_t *a, json_t *b);
/* The controller ownerReference's uid, or NULL. */
const char *pod_controller_uid(json_t *pod);

/* A new Pod for job (index -1 for NonIndexed); failure counts only with
 * backoffLimitPerIndex (pass -1 to omit). Returns a new reference. */
json_t *job_new_pod(json_t *job, int64_t index, int64_t failure_count,
                    int64_t ignored_failure_count);
#endif
