/* protobuf.h — decoder for Kubernetes protobuf request bodies ("k8s\0" + runtime.Unknown),
 * as sent by kubectl's create namespace|configmap|secret|job generators (client-go typed
 * clients always send protobuf).  Produces the JSON object the same request would have
 * carried as JSON (apiVersion/kind from the envelope's typeMeta), so the rest of the server
 * sees one format.  Schema: a static table of field numbers for the messages reachable from
 * Namespace, ConfigMap, Secret, Job, CronJob, Pod (k8s.io/api v0.32 generated.proto).
 * Hostile input: every length is bounds-checked, nesting is capped, unknown fields skipped. */
#ifndef JOBD_PROTOBUF_H
#define JOBD_PROTOBUF_H
#include "base/jsonu.h"

/* Returns a new JSON object, or NULL with err set (e.g. "protobuf: truncated varint"). */
json_t *k8s_protobuf_decode(const uint8_t *data, size_t len, char *err, size_t errlen);
/* Drops every field of obj (a Namespace, ConfigMap, Secret, Job, CronJob or Pod) that the
 * kind does not have, appending each one's JSON path ("spec.template.spec.foo",
 * "spec.containers[0].bar") to the array unknown.  -ENOENT for kinds without a schema. */
int k8s_schema_prune(json_t *obj, const char *kind, json_t *unknown);
#endif
