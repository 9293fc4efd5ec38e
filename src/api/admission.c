/* admission.c — per-kind hooks of the write path: what the registry strategies of
 * Kubernetes do around a create or update (PrepareForCreate/Update, defaulting,
 * validation, status/spec separation).  handlers.c stays kind-agnostic and calls these. */
#include "api/admission.h"
#include "base/util.h"
#include "types/ferr.h"
#include "types/workload.h"

static void pod_qos(json_t *pod)
{
        bool any = false, guaranteed = true;
        static const char *const lists[] = {"spec.containers", "spec.initContainers"};
        for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
                json_t *c;
                size_t i;
                json_array_foreach(jget(pod, lists[l]), i, c)
                {
                        json_t *req = jget(c, "resources.requests");
                        json_t *lim = jget(c, "resources.limits");
                        if (json_object_size(req) || json_object_size(lim))
                                any = true;
                        static const char *const res[] = {"cpu", "memory"};
                        for (size_t k = 0; k < 2; k++) {
                                json_t *lv = json_object_get(lim, res[k]);
                                json_t *rv = json_object_get(req, res[k]);
                                if (!lv || (rv && !json_equal(lv, rv)))
                                        guaranteed = false;
                        }
                }
        }
        const char *q = !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
        jset_str(jobj(pod, "status"), "qosClass", q);
}

int admit_decode(const struct resource *r, json_t *obj, char *err, size_t errlen)
{
        if (streq(r->kind, "Job"))
                return job_decode_check(obj, err, errlen);
        if (streq(r->kind, "Pod"))
                return pod_decode_check(obj, err, errlen);
        return 0;
}

void admit_create(const struct resource *r, json_t *obj, json_t *causes)
{
        json_t *meta = jobj(obj, "metadata");
        if (streq(r->kind, "Job")) {
                job_default(obj);
                job_prepare_create(obj);
        } else if (streq(r->kind, "Pod")) {
                pod_default(obj);
                json_object_set_new(obj, "status", json_pack("{s:s}", "phase", "Pending"));
                pod_qos(obj);
        } else if (streq(r->kind, "Namespace")) {
                const char *name = jstr(obj, "metadata.name");
                jset_str(jobj(meta, "labels"), "kubernetes.io/metadata.name", name ? name : "");
                json_object_set_new(jobj(obj, "spec"), "finalizers", json_pack("[s]",
                                                                               "kubernetes"));
                json_object_set_new(obj, "status", json_pack("{s:s}", "phase", "Active"));
        } else if (streq(r->kind, "Secret")) {
                if (!jstr(obj, "type"))
                        jset_str(obj, "type", "Opaque");
        } else if (streq(r->kind, "PersistentVolumeClaim")) {
                if (!jget(obj, "status.phase"))
                        jset_str(jobj(obj, "status"), "phase", "Pending");
        } else if (streq(r->kind, "PersistentVolume")) {
                if (!jget(obj, "status.phase"))
                        jset_str(jobj(obj, "status"), "phase", "Pending");
        }
        if (streq(r->kind, "Job") || streq(r->kind, "Pod"))
                jset_int(meta, "generation", 1);
        meta_validate(obj, r->namespaced, streq(r->kind, "Namespace"), causes);
        if (streq(r->kind, "Job"))
                job_validate(obj, NULL, causes);
        else if (streq(r->kind, "Pod"))
                pod_validate(obj, NULL, causes);
        else if (streq(r->kind, "Event") && !jget(obj, "involvedObject"))
                ferr_required(causes, "involvedObject", NULL);
}

static void copy_key(json_t *dst, json_t *src, const char *key)
{
        json_t *v = json_object_get(src, key);
        if (v)
                json_object_set(dst, key, v);
        else
                json_object_del(dst, key);
}

json_t *admit_update(const struct resource *r, json_t *old, json_t *new_in, const char *sub,
                     json_t *causes)
{
        json_t *obj;
        if (streq(sub, "status")) {
                /* a status write changes only .status (ResetObjectMetaForStatus) */
                obj = json_deep_copy(old);
                json_t *st = json_object_get(new_in, "status");
                if (st)
                        json_object_set(obj, "status", st);
                else
                        json_object_del(obj, "status");
        } else {
                obj = json_deep_copy(new_in);
                if (r->has_status)
                        copy_key(obj, old, "status");
        }
        json_t *meta = jobj(obj, "metadata");
        json_t *ometa = jget(old, "metadata");
        static const char *const keep[] = {"uid", "creationTimestamp", "namespace", "name",
                                           "deletionTimestamp", "deletionGracePeriodSeconds",
                                           "generateName", "selfLink"};
        for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
                if (streq(keep[i], "generateName") && json_object_get(meta, keep[i]))
                        continue;
                copy_key(meta, ometa, keep[i]);
        }
        /* a deleting object may only lose finalizers, never gain new ones */
        if (streq(r->kind, "Job"))
                job_default(obj);
        else if (streq(r->kind, "Pod"))
                pod_default(obj);
        int64_t gen = 0;
        if (jint(old, "metadata.generation", &gen)) {
                bool spec_changed = !json_equal(jget(old, "spec"), jget(obj, "spec"));
                jset_int(meta, "generation", spec_changed ? gen + 1 : gen);
        }
        meta_validate(obj, r->namespaced, streq(r->kind, "Namespace"), causes);
        if (streq(r->kind, "Job")) {
                if (streq(sub, "status"))
                        job_status_validate(obj, old, causes);
                else
                        job_validate(obj, old, causes);
        } else if (streq(r->kind, "Pod") && !streq(sub, "status")) {
                pod_validate(obj, old, causes);
        }
        return obj;
}
