/* workload.h — defaulting and validation of Jobs and Pods (and metadata of every object),
 * per spec/job-semantics.md §1–2, with Kubernetes' exact messages.
 *
 * Pipeline in the API server for a create:
 *   decode_check → (server sets uid/name/creationTimestamp) → *_default →
 *   job_prepare_create (selector + labels) → meta_validate + *_validate → store.
 * For an update: *_default(new) → *_validate(new, old).
 * Validation appends causes (see ferr.h) and never stops at the first error. */
#ifndef JOBD_WORKLOAD_H
#define JOBD_WORKLOAD_H
#include <stdbool.h>
#include "base/jsonu.h"

/* Decode-time checks that upstream reports as 400 BadRequest (wrong JSON types of known
 * fields, unparsable quantities).  Returns 0, or -EINVAL with err set to the part after
 * '<Kind> in version "v1" cannot be handled as a <Kind>: '. */
int job_decode_check(json_t *job, char *err, size_t errlen);
int pod_decode_check(json_t *pod, char *err, size_t errlen);

/* Metadata rules every object shares: name/generateName (DNS subdomain, or DNS label for
 * namespaces), label keys/values, annotation total size (256 KiB), namespace presence. */
void meta_validate(json_t *obj, bool namespaced, bool name_is_label, json_t *causes);

/* SetDefaults_Job + pod template defaults (idempotent; safe to re-run on read). */
void job_default(json_t *job);
/* PrepareForCreate: generated selector and the four job labels (uses metadata.uid and
 * metadata.name, which must already be set), status cleared, generation=1, labels copied. */
void job_prepare_create(json_t *job);
/* ValidateJob (old == NULL) or ValidateJobUpdate (old != NULL). */
void job_validate(json_t *job, json_t *old, json_t *causes);
/* validateJobStatus / ValidateJobStatusUpdate for writes to jobs/status. */
void job_status_validate(json_t *job, json_t *old, json_t *causes);

/* SetDefaults_Pod + PodSpec + containers (incl. requests from limits). */
void pod_default(json_t *pod);
/* ValidatePodCreate / ValidatePodUpdate (spec is immutable except image, activeDeadline,
 * tolerations additions; metadata labels/annotations mutable). */
void pod_validate(json_t *pod, json_t *old, json_t *causes);
/* Validation of a PodSpec at path (e.g. "spec.template.spec"), shared by jobs and pods. */
void podspec_validate(json_t *spec, const char *path, json_t *causes);

/* imagePullPolicy default for an image reference: "Always" or "IfNotPresent". */
const char *image_default_pull_policy(const char *image);
/* DNS-1123 helpers returning NULL if valid, else the upstream message (static string). */
const char *dns1123_label_error(const char *s);
const char *dns1123_subdomain_error(const char *s);
#endif
