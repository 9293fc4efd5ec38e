/* workload.h — defaulting and validation of Jobs and Pods (and metadata of every object),
 * per spec/job-semantics.md §1–2, with Kubernetes' exact messages.
 *
 * Pipeline in the API server for a create:
 *   decode_check → (server sets uid/name/creationTimestamp) → *_default →
 *   job_prepare_create (selector + labels) → meta_validate + *_validate → store.
 * For an update: *_default(new) → meta_validate(new) + *_validate(new, old) (as upstream's
 * ValidateUpdate runs ValidateJob on the new object; *_validate adds the metadata-update
 * rules itself when old != NULL).  A status write: job_status_validate(new, old).
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

/* SetDefaults_PodSpec + containers, probes, ports, volumes, resource lists: what a pod
 * template gets (job_default calls it on spec.template.spec). */
void podspec_default(json_t *spec);
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

/* ---- building blocks shared by the validators, usable for any other resource ---- */

/* ValidateObjectMetaUpdate: name, namespace, uid, creationTimestamp, deletionTimestamp and
 * deletionGracePeriodSeconds immutable; generation not decremented; no new finalizers while
 * deleting; labels, annotations, ownerReferences, finalizers re-validated.  job_validate and
 * pod_validate call it themselves when given an old object. */
void meta_validate_update(json_t *obj, json_t *old, json_t *causes);
/* One Invalid cause per upstream message (ValidateDNS1123Label / ...Subdomain /
 * ValidateQualifiedName); each returns true when s is valid. */
bool dns1123_label_validate(const char *s, const char *path, json_t *causes);
bool dns1123_subdomain_validate(const char *s, const char *path, json_t *causes);
bool qualified_name_validate(const char *s, const char *path, json_t *causes);
/* metav1 ValidateLabels (keys qualified names, values ≤63 bytes + regex), ValidateAnnotations
 * (keys qualified, total size ≤ 256 KiB), ValidateLabelSelector, all at path. */
void labels_validate(json_t *labels, const char *path, json_t *causes);
void annotations_validate(json_t *annotations, const char *path, json_t *causes);
void label_selector_validate(json_t *sel, const char *path, json_t *causes);
/* metav1.LabelSelectorAsSelector(sel).Matches(labels): NULL selector matches nothing, {}
 * matches everything.  *ret_ok (optional) is false when the selector cannot be converted
 * (invalid operator, key or value), in which case false is returned. */
bool label_selector_json_matches(json_t *sel, json_t *labels, bool *ret_ok);
/* Go %#v of a metav1.LabelSelector (v1.LabelSelector{MatchLabels:..., MatchExpressions:...}). */
char *go_render_label_selector(json_t *sel);
/* apiequality.Semantic.DeepEqual over JSON: null, "", 0, false, [] and {} equal an absent
 * member (Go zero values and nil/empty collections compare equal). */
bool json_semantic_equal(json_t *a, json_t *b);
#endif
