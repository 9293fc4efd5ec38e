/* resources.c — the catalogue of served resources.  Discovery, routing, Status messages
 * and field selectors all read this one table, so adding a resource is one entry. */
#include "api/api.h"
#include "types/selector.h"

static void fields_pod(json_t *o, json_t *out)
{
        const char *v;
        jset_str(out, "spec.nodeName", (v = jstr(o, "spec.nodeName")) ? v : "");
        jset_str(out, "status.phase", (v = jstr(o, "status.phase")) ? v : "");
        jset_str(out, "spec.restartPolicy", (v = jstr(o, "spec.restartPolicy")) ? v : "");
        jset_str(out, "spec.schedulerName", (v = jstr(o, "spec.schedulerName")) ? v : "");
        jset_str(out, "spec.serviceAccountName",
                 (v = jstr(o, "spec.serviceAccountName")) ? v : "");
        jset_str(out, "status.podIP", (v = jstr(o, "status.podIP")) ? v : "");
        jset_str(out, "status.nominatedNodeName",
                 (v = jstr(o, "status.nominatedNodeName")) ? v : "");
}

static void fields_job(json_t *o, json_t *out)
{
        int64_t n = 0;
        jint(o, "status.succeeded", &n);
        char b[32];
        snprintf(b, sizeof(b), "%lld", (long long)n);
        jset_str(out, "status.successful", b);
}

static void fields_event(json_t *o, json_t *out)
{
        static const char *const keys[] = {"kind", "namespace", "name", "uid", "apiVersion",
                                           "resourceVersion", "fieldPath"};
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                char path[64];
                snprintf(path, sizeof(path), "involvedObject.%s", keys[i]);
                const char *v = jstr(o, path);
                jset_str(out, path, v ? v : "");
        }
        const char *v;
        jset_str(out, "reason", (v = jstr(o, "reason")) ? v : "");
        jset_str(out, "type", (v = jstr(o, "type")) ? v : "");
        jset_str(out, "source", (v = jstr(o, "source.component")) ? v : "");
        jset_str(out, "reportingComponent", (v = jstr(o, "reportingComponent")) ? v : "");
}

static void fields_namespace(json_t *o, json_t *out)
{
        const char *v = jstr(o, "status.phase");
        jset_str(out, "status.phase", v ? v : "");
}

static void fields_node(json_t *o, json_t *out)
{
        jset_str(out, "spec.unschedulable", jbool(o, "spec.unschedulable") ? "true" : "false");
}

static void fields_secret(json_t *o, json_t *out)
{
        const char *v = jstr(o, "type");
        jset_str(out, "type", v ? v : "");
}

static const char *const pod_fields[] = {"spec.nodeName", "status.phase", "spec.restartPolicy",
                                         "spec.schedulerName", "spec.serviceAccountName",
                                         "status.podIP", "status.nominatedNodeName", NULL};
static const char *const job_fields[] = {"status.successful", NULL};
static const char *const event_fields[] = {
        "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "type", "source", "reportingComponent", NULL};
static const char *const ns_fields[] = {"status.phase", NULL};
static const char *const node_fields[] = {"spec.unschedulable", NULL};
static const char *const secret_fields[] = {"type", NULL};

const struct resource api_resources[] = {
        {"", "v1", "namespaces", "namespace", "Namespace", "NamespaceList", false, {"ns"},
         false, true, false, ns_fields, fields_namespace},
        {"", "v1", "pods", "pod", "Pod", "PodList", true, {"po"}, true, true, true, pod_fields,
         fields_pod},
        {"", "v1", "nodes", "node", "Node", "NodeList", false, {"no"}, false, true, false,
         node_fields, fields_node},
        {"", "v1", "configmaps", "configmap", "ConfigMap", "ConfigMapList", true, {"cm"}, false,
         false, false, NULL, NULL},
        {"", "v1", "secrets", "secret", "Secret", "SecretList", true, {NULL}, false, false,
         false, secret_fields, fields_secret},
        {"", "v1", "events", "event", "Event", "EventList", true, {"ev"}, false, false, false,
         event_fields, fields_event},
        {"", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim",
         "PersistentVolumeClaimList", true, {"pvc"}, false, true, false, NULL, NULL},
        {"", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume",
         "PersistentVolumeList", false, {"pv"}, false, true, false, NULL, NULL},
        {"coordination.k8s.io", "v1", "leases", "lease", "Lease", "LeaseList", true, {NULL},
         false, false, false, NULL, NULL},
        {"batch", "v1", "jobs", "job", "Job", "JobList", true, {NULL}, true, true, false,
         job_fields, fields_job},
};
const size_t api_nresources = ARRAY_SIZE(api_resources);

const struct resource *resource_find(const char *group, const char *version,
                                     const char *plural)
{
        for (size_t i = 0; i < api_nresources; i++) {
                const struct resource *r = &api_resources[i];
                if (streq(r->group, group) && streq(r->version, version) &&
                    streq(r->plural, plural))
                        return r;
        }
        return NULL;
}

void resource_qualified(const struct resource *r, char *out, size_t n)
{
        if (r->group[0])
                snprintf(out, n, "%s.%s", r->plural, r->group);
        else
                snprintf(out, n, "%s", r->plural);
}

const char *resource_api_version(const struct resource *r)
{
        if (!r->group[0])
                return r->version;
        if (streq(r->group, "batch"))
                return "batch/v1";
        if (streq(r->group, "coordination.k8s.io"))
                return "coordination.k8s.io/v1";
        return r->version;
}

char *store_key(const struct resource *r, const char *ns, const char *name)
{
        if (r->namespaced)
                return xasprintf("%s/%s/%s", r->plural, ns, name);
        return xasprintf("%s/%s", r->plural, name);
}

char *store_prefix(const struct resource *r, const char *ns)
{
        if (r->namespaced && ns)
                return xasprintf("%s/%s/", r->plural, ns);
        return xasprintf("%s/", r->plural);
}

json_t *object_fields(const struct resource *r, json_t *obj)
{
        json_t *f = json_object();
        const char *v;
        jset_str(f, "metadata.name", (v = jstr(obj, "metadata.name")) ? v : "");
        jset_str(f, "metadata.namespace", (v = jstr(obj, "metadata.namespace")) ? v : "");
        if (r->fields)
                r->fields(obj, f);
        return f;
}

bool object_matches(const struct resource *r, json_t *obj, struct label_selector *ls,
                    struct field_selector *fs)
{
        if (ls && !label_selector_matches(ls, jget(obj, "metadata.labels")))
                return false;
        if (fs) {
                _cleanup_json_ json_t *f = object_fields(r, obj);
                if (!field_selector_matches(fs, f))
                        return false;
        }
        return true;
}
