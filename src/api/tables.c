/* tables.c — server-side printing (meta.k8s.io/v1 Table) with the columns and cell rules
 * of upstream pkg/printers/internalversion/printers.go.  kubectl 1.32 has no client-side
 * columns any more, so these cells are exactly what `kubectl get` shows.  Ages and
 * durations use apimachinery's HumanDuration. */
#include "api/api.h"
#include "base/util.h"
#include "base/buf.h"

bool accept_wants_table(const char *accept)
{
        return accept && strstr(accept, "as=Table");
}

struct col {
        const char *name;
        int priority;
};

static const struct col job_cols[] = {{"Name", 0},     {"Status", 0},     {"Completions", 0},
                                      {"Duration", 0}, {"Age", 0},        {"Containers", 1},
                                      {"Images", 1},   {"Selector", 1},   {NULL, 0}};
static const struct col pod_cols[] = {{"Name", 0},  {"Ready", 0}, {"Status", 0},
                                      {"Restarts", 0}, {"Age", 0}, {"IP", 1},
                                      {"Node", 1},  {"Nominated Node", 1},
                                      {"Readiness Gates", 1}, {NULL, 0}};
static const struct col node_cols[] = {{"Name", 0},           {"Status", 0},
                                       {"Roles", 0},          {"Age", 0},
                                       {"Version", 0},        {"Internal-IP", 1},
                                       {"External-IP", 1},    {"OS-Image", 1},
                                       {"Kernel-Version", 1}, {"Container-Runtime", 1},
                                       {NULL, 0}};
static const struct col ns_cols[] = {{"Name", 0}, {"Status", 0}, {"Age", 0}, {NULL, 0}};
static const struct col cm_cols[] = {{"Name", 0}, {"Data", 0}, {"Age", 0}, {NULL, 0}};
static const struct col secret_cols[] = {{"Name", 0}, {"Type", 0}, {"Data", 0}, {"Age", 0},
                                         {NULL, 0}};
static const struct col event_cols[] = {{"Last Seen", 0}, {"Type", 0},      {"Reason", 0},
                                        {"Object", 0},    {"Message", 0},   {"Subobject", 1},
                                        {"Source", 1},    {"First Seen", 1}, {"Count", 1},
                                        {"Name", 1},      {NULL, 0}};
static const struct col pvc_cols[] = {{"Name", 0},         {"Status", 0},
                                      {"Volume", 0},       {"Capacity", 0},
                                      {"Access Modes", 0}, {"StorageClass", 0},
                                      {"Age", 0},          {"VolumeMode", 1},
                                      {NULL, 0}};
static const struct col pv_cols[] = {{"Name", 0},   {"Capacity", 0}, {"Access Modes", 0},
                                     {"Reclaim Policy", 0}, {"Status", 0}, {"Claim", 0},
                                     {"StorageClass", 0},  {"Reason", 0}, {"Age", 0},
                                     {"VolumeMode", 1}, {NULL, 0}};
static const struct col lease_cols[] = {{"Name", 0}, {"Holder", 0}, {"Age", 0}, {NULL, 0}};

static const struct col *cols_for(const struct resource *r)
{
        const char *p = r->plural;
        if (streq(p, "jobs"))
                return job_cols;
        if (streq(p, "pods"))
                return pod_cols;
        if (streq(p, "nodes"))
                return node_cols;
        if (streq(p, "namespaces"))
                return ns_cols;
        if (streq(p, "configmaps"))
                return cm_cols;
        if (streq(p, "secrets"))
                return secret_cols;
        if (streq(p, "events"))
                return event_cols;
        if (streq(p, "persistentvolumeclaims"))
                return pvc_cols;
        if (streq(p, "persistentvolumes"))
                return pv_cols;
        return lease_cols;
}

json_t *table_new(const struct resource *r, bool with_columns)
{
        json_t *t = json_pack("{s:s, s:s, s:{}}", "kind", "Table", "apiVersion",
                              "meta.k8s.io/v1", "metadata");
        if (with_columns) {
                json_t *cd = json_array();
                for (const struct col *c = cols_for(r); c->name; c++) {
                        json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:i}", "name", c->name,
                                              "type", "string", "format",
                                              streq(c->name, "Name") ? "name" : "",
                                              "description", "", "priority", c->priority);
                        json_array_append_new(cd, d);
                }
                json_object_set_new(t, "columnDefinitions", cd);
        } else {
                json_object_set_new(t, "columnDefinitions", json_null());
        }
        json_object_set_new(t, "rows", json_array());
        return t;
}

static void age_of(json_t *o, const char *path, char *out, size_t n)
{
        int64_t t;
        if (time_parse_rfc3339(jstr(o, path), &t) < 0) {
                snprintf(out, n, "<unknown>");
                return;
        }
        human_duration(clock_now_s() - t, out, n);
}

static bool cond_true(json_t *o, const char *type)
{
        json_t *c;
        size_t i;
        json_array_foreach(jget(o, "status.conditions"), i, c)
        {
                if (streq(jstr(c, "type"), type) && streq(jstr(c, "status"), "True"))
                        return true;
        }
        return false;
}

static char *join_field(json_t *arr, const char *key)
{
        struct buf b;
        buf_init(&b, 0);
        json_t *c;
        size_t i;
        json_array_foreach(arr, i, c)
        {
                const char *v = jstr(c, key);
                if (buf_printf(&b, "%s%s", i ? "," : "", v ? v : "") < 0)
                        break;
        }
        return buf_steal(&b);
}

static char *selector_string(json_t *sel)
{
        struct buf b;
        buf_init(&b, 0);
        const char *k;
        json_t *v;
        int n = 0;
        json_object_foreach(jget(sel, "matchLabels"), k, v)
        {
                if (buf_printf(&b, "%s%s=%s", n++ ? "," : "", k, json_string_value(v)) < 0)
                        break;
        }
        json_t *e;
        size_t i;
        json_array_foreach(jget(sel, "matchExpressions"), i, e)
        {
                const char *op = jstr(e, "operator");
                const char *key = jstr(e, "key");
                int r = 0;
                if (streq(op, "Exists"))
                        r = buf_printf(&b, "%s%s", n++ ? "," : "", key);
                else if (streq(op, "DoesNotExist"))
                        r = buf_printf(&b, "%s!%s", n++ ? "," : "", key);
                else {
                        _cleanup_free_ char *vals = NULL;
                        struct buf vb;
                        buf_init(&vb, 0);
                        json_t *x;
                        size_t j;
                        json_array_foreach(jget(e, "values"), j, x)
                        {
                                if (buf_printf(&vb, "%s%s", j ? "," : "",
                                               json_string_value(x)) < 0)
                                        break;
                        }
                        vals = buf_steal(&vb);
                        r = buf_printf(&b, "%s%s %s (%s)", n++ ? "," : "", key,
                                       streq(op, "In") ? "in" : "notin", vals);
                }
                if (r < 0)
                        break;
        }
        if (!n)
                return xstrdup("<none>");
        return buf_steal(&b);
}

/* Upstream's Job STATUS precedence; the conditions are read in one pass because a
 * 10,000-row listing makes every lookup count. */
static const char *job_status(json_t *o)
{
        static const char *const order[] = {"Complete", "Failed", "Terminating", "Suspended",
                                            "FailureTarget", "SuccessCriteriaMet"};
        bool set[ARRAY_SIZE(order)] = {0};
        set[2] = jget(o, "metadata.deletionTimestamp") != NULL;
        json_t *c;
        size_t i;
        json_array_foreach(jget(o, "status.conditions"), i, c)
        {
                const char *st = json_string_value(json_object_get(c, "status"));
                if (!streq(st, "True"))
                        continue;
                const char *type = json_string_value(json_object_get(c, "type"));
                for (size_t k = 0; k < ARRAY_SIZE(order); k++)
                        if (k != 2 && streq(type, order[k]))
                                set[k] = true;
        }
        for (size_t k = 0; k < ARRAY_SIZE(order); k++)
                if (set[k])
                        return order[k];
        return "Running";
}

static void job_cells(json_t *o, json_t *cells)
{
        const char *status = job_status(o);
        int64_t succ = 0, comp = 0, par = 1;
        jint(o, "status.succeeded", &succ);
        jint(o, "spec.parallelism", &par);
        char completions[64];
        if (jint(o, "spec.completions", &comp))
                snprintf(completions, sizeof(completions), "%lld/%lld", (long long)succ,
                         (long long)comp);
        else if (par > 1)
                snprintf(completions, sizeof(completions), "%lld/1 of %lld", (long long)succ,
                         (long long)par);
        else
                snprintf(completions, sizeof(completions), "%lld/1", (long long)succ);
        char duration[32] = "";
        int64_t st, ct;
        if (time_parse_rfc3339(jstr(o, "status.startTime"), &st) == 0) {
                if (time_parse_rfc3339(jstr(o, "status.completionTime"), &ct) == 0)
                        human_duration(ct - st, duration, sizeof(duration));
                else
                        human_duration(clock_now_s() - st, duration, sizeof(duration));
        }
        char age[32];
        age_of(o, "metadata.creationTimestamp", age, sizeof(age));
        json_t *containers = jget(o, "spec.template.spec.containers");
        json_array_append_new(cells, json_string(status));
        json_array_append_new(cells, json_string(completions));
        json_array_append_new(cells, json_string(duration));
        json_array_append_new(cells, json_string(age));
        _cleanup_free_ char *names = join_field(containers, "name");
        _cleanup_free_ char *images = join_field(containers, "image");
        _cleanup_free_ char *sel = selector_string(jget(o, "spec.selector"));
        json_array_append_new(cells, json_string(names));
        json_array_append_new(cells, json_string(images));
        json_array_append_new(cells, json_string(sel));
}

static void pod_cells(json_t *o, json_t *cells)
{
        json_t *specs = jget(o, "spec.containers");
        json_t *sts = jget(o, "status.containerStatuses");
        int64_t ready = 0, restarts = 0, total = (int64_t)json_array_size(specs);
        const char *reason = jstr(o, "status.reason");
        if (!reason)
                reason = jstr(o, "status.phase");
        if (!reason)
                reason = "Pending";
        char rbuf[96];
        /* init containers first, as upstream */
        json_t *inits = jget(o, "status.initContainerStatuses");
        size_t ninit = json_array_size(jget(o, "spec.initContainers"));
        bool initializing = false;
        json_t *c;
        size_t i;
        json_array_foreach(inits, i, c)
        {
                int64_t rc = 0;
                jint(c, "restartCount", &rc);
                restarts += rc;
                int64_t ec = 0;
                if (jget(c, "state.terminated") && jint(c, "state.terminated.exitCode", &ec) &&
                    ec == 0)
                        continue;
                initializing = true;
                const char *wr = jstr(c, "state.waiting.reason");
                if (jget(c, "state.terminated")) {
                        const char *tr = jstr(c, "state.terminated.reason");
                        if (tr)
                                snprintf(rbuf, sizeof(rbuf), "Init:%s", tr);
                        else
                                snprintf(rbuf, sizeof(rbuf), "Init:ExitCode:%lld",
                                         (long long)ec);
                } else if (wr && !streq(wr, "PodInitializing")) {
                        snprintf(rbuf, sizeof(rbuf), "Init:%s", wr);
                } else {
                        snprintf(rbuf, sizeof(rbuf), "Init:%zu/%zu", i, ninit);
                }
                reason = rbuf;
                break;
        }
        if (!initializing) {
                bool has_running = false;
                for (size_t k = json_array_size(sts); k-- > 0;) {
                        c = json_array_get(sts, k);
                        int64_t rc = 0;
                        jint(c, "restartCount", &rc);
                        restarts += rc;
                        const char *wr = jstr(c, "state.waiting.reason");
                        const char *tr = jstr(c, "state.terminated.reason");
                        if (wr && wr[0]) {
                                reason = wr;
                        } else if (tr && tr[0]) {
                                reason = tr;
                        } else if (jget(c, "state.terminated")) {
                                int64_t sig = 0, ec = 0;
                                jint(c, "state.terminated.signal", &sig);
                                jint(c, "state.terminated.exitCode", &ec);
                                if (sig)
                                        snprintf(rbuf, sizeof(rbuf), "Signal:%lld",
                                                 (long long)sig);
                                else
                                        snprintf(rbuf, sizeof(rbuf), "ExitCode:%lld",
                                                 (long long)ec);
                                reason = rbuf;
                        } else if (jbool(c, "ready") && jget(c, "state.running")) {
                                has_running = true;
                                ready++;
                        }
                }
                if (streq(reason, "Completed") && has_running)
                        reason = cond_true(o, "Ready") ? "Running" : "NotReady";
        }
        if (jget(o, "metadata.deletionTimestamp"))
                reason = streq(jstr(o, "status.reason"), "NodeLost") ? "Unknown"
                                                                      : "Terminating";
        char readys[48], rs[32], age[32];
        snprintf(readys, sizeof(readys), "%lld/%lld", (long long)ready, (long long)total);
        snprintf(rs, sizeof(rs), "%lld", (long long)restarts);
        age_of(o, "metadata.creationTimestamp", age, sizeof(age));
        const char *ip = jstr(o, "status.podIP");
        const char *node = jstr(o, "spec.nodeName");
        const char *nom = jstr(o, "status.nominatedNodeName");
        json_array_append_new(cells, json_string(readys));
        json_array_append_new(cells, json_string(reason));
        json_array_append_new(cells, json_string(rs));
        json_array_append_new(cells, json_string(age));
        json_array_append_new(cells, json_string(ip && ip[0] ? ip : "<none>"));
        json_array_append_new(cells, json_string(node && node[0] ? node : "<none>"));
        json_array_append_new(cells, json_string(nom && nom[0] ? nom : "<none>"));
        json_array_append_new(cells, json_string("<none>"));
}

static const char *node_address(json_t *o, const char *type)
{
        json_t *a;
        size_t i;
        json_array_foreach(jget(o, "status.addresses"), i, a)
        {
                if (streq(jstr(a, "type"), type))
                        return jstr(a, "address");
        }
        return "<none>";
}

static void node_cells(json_t *o, json_t *cells)
{
        const char *status = "Unknown";
        json_t *c;
        size_t i;
        json_array_foreach(jget(o, "status.conditions"), i, c)
        {
                if (streq(jstr(c, "type"), "Ready"))
                        status = streq(jstr(c, "status"), "True") ? "Ready" : "NotReady";
        }
        char st[64];
        snprintf(st, sizeof(st), "%s%s", status,
                 jbool(o, "spec.unschedulable") ? ",SchedulingDisabled" : "");
        struct buf roles;
        buf_init(&roles, 0);
        const char *k;
        json_t *v;
        json_object_foreach(jget(o, "metadata.labels"), k, v)
        {
                if (startswith(k, "node-role.kubernetes.io/") &&
                    buf_printf(&roles, "%s%s", roles.len ? "," : "",
                               k + strlen("node-role.kubernetes.io/")) < 0)
                        break;
        }
        _cleanup_free_ char *rl = buf_steal(&roles);
        char age[32];
        age_of(o, "metadata.creationTimestamp", age, sizeof(age));
        const char *ver = jstr(o, "status.nodeInfo.kubeletVersion");
        const char *osimg = jstr(o, "status.nodeInfo.osImage");
        const char *kern = jstr(o, "status.nodeInfo.kernelVersion");
        const char *rt = jstr(o, "status.nodeInfo.containerRuntimeVersion");
        json_array_append_new(cells, json_string(st));
        json_array_append_new(cells, json_string(rl[0] ? rl : "<none>"));
        json_array_append_new(cells, json_string(age));
        json_array_append_new(cells, json_string(ver ? ver : ""));
        json_array_append_new(cells, json_string(node_address(o, "InternalIP")));
        json_array_append_new(cells, json_string(node_address(o, "ExternalIP")));
        json_array_append_new(cells, json_string(osimg ? osimg : "<unknown>"));
        json_array_append_new(cells, json_string(kern ? kern : "<unknown>"));
        json_array_append_new(cells, json_string(rt ? rt : "<unknown>"));
}

static void event_cells(json_t *o, json_t *cells)
{
        char last[32], first[32];
        const char *lt = jstr(o, "lastTimestamp") ? "lastTimestamp" : "eventTime";
        age_of(o, lt, last, sizeof(last));
        age_of(o, jstr(o, "firstTimestamp") ? "firstTimestamp" : lt, first, sizeof(first));
        const char *kind = jstr(o, "involvedObject.kind");
        const char *name = jstr(o, "involvedObject.name");
        _cleanup_free_ char *obj = xasprintf("%s/%s", kind ? kind : "",
                                             name ? name : "");
        for (char *p = obj; *p && *p != '/'; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char)(*p - 'A' + 'a');
        const char *type = jstr(o, "type");
        const char *reason = jstr(o, "reason");
        const char *msg = jstr(o, "message");
        const char *fp = jstr(o, "involvedObject.fieldPath");
        const char *src = jstr(o, "source.component");
        if (!src)
                src = jstr(o, "reportingComponent");
        int64_t count = 1;
        jint(o, "count", &count);
        char cnt[24];
        snprintf(cnt, sizeof(cnt), "%lld", (long long)count);
        json_array_set_new(cells, 0, json_string(last));
        json_array_append_new(cells, json_string(type ? type : ""));
        json_array_append_new(cells, json_string(reason ? reason : ""));
        json_array_append_new(cells, json_string(obj));
        json_array_append_new(cells, json_string(msg ? msg : ""));
        json_array_append_new(cells, json_string(fp ? fp : ""));
        json_array_append_new(cells, json_string(src ? src : ""));
        json_array_append_new(cells, json_string(first));
        json_array_append_new(cells, json_string(cnt));
        json_array_append_new(cells, json_string(jstr(o, "metadata.name")));
}

static void simple_cells(const struct resource *r, json_t *o, json_t *cells)
{
        char age[32];
        age_of(o, "metadata.creationTimestamp", age, sizeof(age));
        const char *p = r->plural;
        if (streq(p, "namespaces")) {
                const char *ph = jstr(o, "status.phase");
                json_array_append_new(cells, json_string(ph ? ph : "Active"));
        } else if (streq(p, "configmaps")) {
                json_array_append_new(cells,
                                      json_integer((json_int_t)(json_object_size(jget(o, "data")) +
                                                   json_object_size(jget(o, "binaryData")))));
        } else if (streq(p, "secrets")) {
                const char *t = jstr(o, "type");
                json_array_append_new(cells, json_string(t ? t : "Opaque"));
                json_array_append_new(cells,
                                      json_integer((json_int_t)json_object_size(jget(o, "data"))));
        } else if (streq(p, "leases")) {
                const char *h = jstr(o, "spec.holderIdentity");
                json_array_append_new(cells, json_string(h ? h : ""));
        } else if (streq(p, "persistentvolumeclaims")) {
                const char *ph = jstr(o, "status.phase");
                const char *vol = jstr(o, "spec.volumeName");
                const char *cap = jstr(o, "status.capacity.storage");
                const char *sc = jstr(o, "spec.storageClassName");
                json_array_append_new(cells, json_string(ph ? ph : "Pending"));
                json_array_append_new(cells, json_string(vol ? vol : ""));
                json_array_append_new(cells, json_string(cap ? cap : ""));
                json_array_append_new(cells, json_string(""));
                json_array_append_new(cells, json_string(sc ? sc : "<unset>"));
                json_array_append_new(cells, json_string(age));
                const char *vm = jstr(o, "spec.volumeMode");
                json_array_append_new(cells, json_string(vm ? vm : "Filesystem"));
                return;
        } else if (streq(p, "persistentvolumes")) {
                const char *cap = jstr(o, "spec.capacity.storage");
                const char *rp = jstr(o, "spec.persistentVolumeReclaimPolicy");
                const char *ph = jstr(o, "status.phase");
                const char *cns = jstr(o, "spec.claimRef.namespace");
                const char *cn = jstr(o, "spec.claimRef.name");
                _cleanup_free_ char *claim = cn ? xasprintf("%s/%s", cns ? cns : "", cn)
                                                : xstrdup("");
                const char *sc = jstr(o, "spec.storageClassName");
                json_array_append_new(cells, json_string(cap ? cap : ""));
                json_array_append_new(cells, json_string(""));
                json_array_append_new(cells, json_string(rp ? rp : "Retain"));
                json_array_append_new(cells, json_string(ph ? ph : "Pending"));
                json_array_append_new(cells, json_string(claim));
                json_array_append_new(cells, json_string(sc ? sc : ""));
                json_array_append_new(cells, json_string(""));
                json_array_append_new(cells, json_string(age));
                const char *vm = jstr(o, "spec.volumeMode");
                json_array_append_new(cells, json_string(vm ? vm : "Filesystem"));
                return;
        }
        json_array_append_new(cells, json_string(age));
}

static json_t *partial_meta(json_t *o)
{
        static const char *const keys[] = {"name", "namespace", "uid", "resourceVersion",
                                           "creationTimestamp", "labels", "annotations",
                                           "ownerReferences", "deletionTimestamp",
                                           "generateName", "generation", "finalizers"};
        json_t *m = json_object();
        const char *k;
        json_t *v;
        /* one walk of metadata instead of a hashed lookup per wanted key */
        json_object_foreach(jget(o, "metadata"), k, v)
        {
                for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                        if (streq(k, keys[i])) {
                                json_object_set(m, k, v);
                                break;
                        }
                }
        }
        return json_pack("{s:s, s:s, s:o}", "kind", "PartialObjectMetadata", "apiVersion",
                         "meta.k8s.io/v1", "metadata", m);
}

json_t *table_row(const struct resource *r, json_t *obj, bool full_object)
{
        json_t *cells = json_array();
        const char *name = jstr(obj, "metadata.name");
        json_array_append_new(cells, json_string(name ? name : ""));
        if (streq(r->plural, "jobs"))
                job_cells(obj, cells);
        else if (streq(r->plural, "pods"))
                pod_cells(obj, cells);
        else if (streq(r->plural, "nodes"))
                node_cells(obj, cells);
        else if (streq(r->plural, "events"))
                event_cells(obj, cells);
        else
                simple_cells(r, obj, cells);
        json_t *row = json_pack("{s:o}", "cells", cells);
        json_object_set_new(row, "object",
                            full_object ? json_incref(obj) : partial_meta(obj));
        return row;
}

void table_add_row(json_t *table, const struct resource *r, json_t *obj, bool full_object)
{
        json_array_append_new(json_object_get(table, "rows"), table_row(r, obj, full_object));
}

/* A list as a Table, rendered row by row into text: no tree of the whole answer is ever
 * built, so a 10,000-row table costs one small tree at a time. */
char *table_render(const struct resource *r, json_t *objs, bool full_object, const char *rv,
                   const char *cont, size_t *ret_len)
{
        struct buf b;
        buf_init(&b, 0);
        _cleanup_json_ json_t *head = table_new(r, true);
        json_t *m = jobj(head, "metadata");
        jset_str(m, "resourceVersion", rv);
        if (cont)
                jset_str(m, "continue", cont);
        json_object_del(head, "rows");
        _cleanup_free_ char *h = jdump(head);
        int e = buf_append(&b, h, strlen(h) - 1); /* without the closing brace */
        if (e == 0)
                e = buf_puts(&b, ",\"rows\":[");
        json_t *o;
        size_t i;
        json_array_foreach(objs, i, o)
        {
                json_t *row = table_row(r, o, full_object);
                if (e == 0 && i)
                        e = buf_puts(&b, ",");
                if (e == 0)
                        e = jwrite(&b, row, 0);
                json_decref(row);
        }
        if (e == 0)
                e = buf_puts(&b, "]}");
        *ret_len = b.len;
        return buf_steal(&b);
}
