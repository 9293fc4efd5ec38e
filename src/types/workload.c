/* workload.c — decode-time type checks for Jobs and Pods, and semantic equality.
 *
 * Upstream decodes JSON into typed Go structs; a value of the wrong JSON type never
 * reaches validation but fails the decode with encoding/json's message, which the API
 * server returns as a 400.  We keep objects as JSON trees, so this file carries a small
 * schema of the Job/Pod fields jobd understands and walks it the way encoding/json does:
 * the first type mismatch is remembered ("json: cannot unmarshal string into Go struct
 * field JobSpec.spec.completions of type int32") while walking on, and a hard error from a
 * custom unmarshaler (Quantity, IntOrString, Time) wins over it — encoding/json aborts on
 * those.  Fields not in the schema are left alone (strict field validation is the API
 * layer's business).
 *
 * json_semantic_equal lives here too: immutability checks compare decoded structs in Go,
 * where nil and empty collections and absent scalars are the same value. */
#include <math.h>
#include "types/workload.h"
#include "types/quantity.h"
#include "base/util.h"

static bool json_is_zero(json_t *v)
{
        if (!v || json_is_null(v) || json_is_false(v))
                return true;
        if (json_is_string(v))
                return json_string_length(v) == 0;
        if (json_is_integer(v))
                return json_integer_value(v) == 0;
        if (json_is_real(v))
                return json_real_value(v) == 0.0;
        if (json_is_array(v))
                return json_array_size(v) == 0;
        if (json_is_object(v))
                return json_object_size(v) == 0;
        return false;
}

bool json_semantic_equal(json_t *a, json_t *b)
{
        if (json_is_zero(a) && json_is_zero(b))
                return true;
        if (!a || !b)
                return false;
        if (json_is_number(a) && json_is_number(b))
                return json_number_value(a) == json_number_value(b);
        if (json_typeof(a) != json_typeof(b))
                return false;
        if (json_is_object(a)) {
                const char *k;
                json_t *v;
                json_object_foreach(
                    a, k, v) if (!json_semantic_equal(v, json_object_get(b, k))) return false;
                json_object_foreach(b, k,
                                    v) if (!json_object_get(a, k) && !json_is_zero(v)) return false;
                return true;
        }
        if (json_is_array(a)) {
                if (json_array_size(a) != json_array_size(b))
                        return false;
                for (size_t i = 0; i < json_array_size(a); i++)
                        if (!json_semantic_equal(json_array_get(a, i), json_array_get(b, i)))
                                return false;
                return true;
        }
        return json_equal(a, b);
}

/* ---- the schema ---- */

enum st {
        S_STR,
        S_INT32,
        S_INT64,
        S_BOOL,
        S_OBJ,     /* struct: sub lists its fields, subname is its Go name */
        S_ARR,     /* slice: elem is the element kind, sub/subname as for S_OBJ */
        S_MAPSTR,  /* map[string]string */
        S_RESLIST, /* v1.ResourceList: map of quantities */
        S_QTY,     /* resource.Quantity */
        S_INTSTR,  /* intstr.IntOrString */
        S_TIME,    /* metav1.Time */
};

struct sfield {
        const char *name;
        enum st type;
        const char *gotype;
        const struct sfield *sub;
        const char *subname;
        enum st elem;
};

#define F_STR(n)                                                                                   \
        {                                                                                          \
                n, S_STR, "string", NULL, NULL, 0                                                  \
        }
#define F_TSTR(n, t)                                                                               \
        {                                                                                          \
                n, S_STR, t, NULL, NULL, 0                                                         \
        }
#define F_I32(n)                                                                                   \
        {                                                                                          \
                n, S_INT32, "int32", NULL, NULL, 0                                                 \
        }
#define F_I64(n)                                                                                   \
        {                                                                                          \
                n, S_INT64, "int64", NULL, NULL, 0                                                 \
        }
#define F_BOOL(n)                                                                                  \
        {                                                                                          \
                n, S_BOOL, "bool", NULL, NULL, 0                                                   \
        }
#define F_TIME(n)                                                                                  \
        {                                                                                          \
                n, S_TIME, "v1.Time", NULL, NULL, 0                                                \
        }
#define F_MAP(n)                                                                                   \
        {                                                                                          \
                n, S_MAPSTR, "map[string]string", NULL, NULL, 0                                    \
        }
#define F_RES(n)                                                                                   \
        {                                                                                          \
                n, S_RESLIST, "v1.ResourceList", NULL, NULL, 0                                     \
        }
#define F_QTY(n)                                                                                   \
        {                                                                                          \
                n, S_QTY, "resource.Quantity", NULL, NULL, 0                                       \
        }
#define F_INTSTR(n)                                                                                \
        {                                                                                          \
                n, S_INTSTR, "intstr.IntOrString", NULL, NULL, 0                                   \
        }
#define F_OBJ(n, sn, s)                                                                            \
        {                                                                                          \
                n, S_OBJ, "v1." sn, s, sn, 0                                                       \
        }
#define F_OBJS(n, sn, s)                                                                           \
        {                                                                                          \
                n, S_ARR, "[]v1." sn, s, sn, S_OBJ                                                 \
        }
#define F_STRS(n)                                                                                  \
        {                                                                                          \
                n, S_ARR, "[]string", NULL, NULL, S_STR                                            \
        }
#define F_TSTRS(n, t)                                                                              \
        {                                                                                          \
                n, S_ARR, "[]" t, NULL, NULL, S_STR                                                \
        }
#define F_I32S(n)                                                                                  \
        {                                                                                          \
                n, S_ARR, "[]int32", NULL, NULL, S_INT32                                           \
        }
#define F_I64S(n)                                                                                  \
        {                                                                                          \
                n, S_ARR, "[]int64", NULL, NULL, S_INT64                                           \
        }
#define F_END                                                                                      \
        {                                                                                          \
                NULL, 0, NULL, NULL, NULL, 0                                                       \
        }

static const struct sfield f_owner_ref[] = {
    F_STR("apiVersion"),
    F_STR("kind"),
    F_STR("name"),
    F_TSTR("uid", "types.UID"),
    F_BOOL("controller"),
    F_BOOL("blockOwnerDeletion"),
    F_END,
};
static const struct sfield f_object_meta[] = {
    F_STR("name"),
    F_STR("generateName"),
    F_STR("namespace"),
    F_STR("selfLink"),
    F_TSTR("uid", "types.UID"),
    F_STR("resourceVersion"),
    F_I64("generation"),
    F_TIME("creationTimestamp"),
    F_TIME("deletionTimestamp"),
    F_I64("deletionGracePeriodSeconds"),
    F_MAP("labels"),
    F_MAP("annotations"),
    F_OBJS("ownerReferences", "OwnerReference", f_owner_ref),
    F_STRS("finalizers"),
    F_END,
};
static const struct sfield f_selector_req[] = {
    F_STR("key"),
    F_TSTR("operator", "v1.LabelSelectorOperator"),
    F_STRS("values"),
    F_END,
};
static const struct sfield f_label_selector[] = {
    F_MAP("matchLabels"),
    F_OBJS("matchExpressions", "LabelSelectorRequirement", f_selector_req),
    F_END,
};

/* core/v1 */
static const struct sfield f_exec[] = {F_STRS("command"), F_END};
static const struct sfield f_http_header[] = {F_STR("name"), F_STR("value"), F_END};
static const struct sfield f_http_get[] = {
    F_STR("path"),
    F_INTSTR("port"),
    F_STR("host"),
    F_TSTR("scheme", "v1.URIScheme"),
    F_OBJS("httpHeaders", "HTTPHeader", f_http_header),
    F_END,
};
static const struct sfield f_tcp[] = {F_INTSTR("port"), F_STR("host"), F_END};
static const struct sfield f_grpc[] = {F_I32("port"), F_STR("service"), F_END};
static const struct sfield f_sleep[] = {F_I64("seconds"), F_END};
static const struct sfield f_probe[] = {
    F_OBJ("exec", "ExecAction", f_exec),
    F_OBJ("httpGet", "HTTPGetAction", f_http_get),
    F_OBJ("tcpSocket", "TCPSocketAction", f_tcp),
    F_OBJ("grpc", "GRPCAction", f_grpc),
    F_I32("initialDelaySeconds"),
    F_I32("timeoutSeconds"),
    F_I32("periodSeconds"),
    F_I32("successThreshold"),
    F_I32("failureThreshold"),
    F_I64("terminationGracePeriodSeconds"),
    F_END,
};
static const struct sfield f_handler[] = {
    F_OBJ("exec", "ExecAction", f_exec),
    F_OBJ("httpGet", "HTTPGetAction", f_http_get),
    F_OBJ("tcpSocket", "TCPSocketAction", f_tcp),
    F_OBJ("sleep", "SleepAction", f_sleep),
    F_END,
};
static const struct sfield f_lifecycle[] = {
    F_OBJ("postStart", "LifecycleHandler", f_handler),
    F_OBJ("preStop", "LifecycleHandler", f_handler),
    F_END,
};
static const struct sfield f_port[] = {
    F_STR("name"),          F_I32("hostPort"),
    F_I32("containerPort"), F_TSTR("protocol", "v1.Protocol"),
    F_STR("hostIP"),        F_END,
};
static const struct sfield f_field_sel[] = {F_STR("apiVersion"), F_STR("fieldPath"), F_END};
static const struct sfield f_res_field_sel[] = {
    F_STR("containerName"),
    F_STR("resource"),
    F_QTY("divisor"),
    F_END,
};
static const struct sfield f_key_sel[] = {
    F_STR("name"),
    F_STR("key"),
    F_BOOL("optional"),
    F_END,
};
static const struct sfield f_env_source[] = {
    F_OBJ("fieldRef", "ObjectFieldSelector", f_field_sel),
    F_OBJ("resourceFieldRef", "ResourceFieldSelector", f_res_field_sel),
    F_OBJ("configMapKeyRef", "ConfigMapKeySelector", f_key_sel),
    F_OBJ("secretKeyRef", "SecretKeySelector", f_key_sel),
    F_END,
};
static const struct sfield f_env[] = {
    F_STR("name"),
    F_STR("value"),
    F_OBJ("valueFrom", "EnvVarSource", f_env_source),
    F_END,
};
static const struct sfield f_ref_opt[] = {F_STR("name"), F_BOOL("optional"), F_END};
static const struct sfield f_env_from[] = {
    F_STR("prefix"),
    F_OBJ("configMapRef", "ConfigMapEnvSource", f_ref_opt),
    F_OBJ("secretRef", "SecretEnvSource", f_ref_opt),
    F_END,
};
static const struct sfield f_resources[] = {F_RES("limits"), F_RES("requests"), F_END};
static const struct sfield f_mount[] = {
    F_STR("name"),
    F_BOOL("readOnly"),
    F_STR("mountPath"),
    F_STR("subPath"),
    F_TSTR("mountPropagation", "v1.MountPropagationMode"),
    F_STR("subPathExpr"),
    F_END,
};
static const struct sfield f_caps[] = {
    F_TSTRS("add", "v1.Capability"),
    F_TSTRS("drop", "v1.Capability"),
    F_END,
};
static const struct sfield f_sec_ctx[] = {
    F_OBJ("capabilities", "Capabilities", f_caps),
    F_BOOL("privileged"),
    F_I64("runAsUser"),
    F_I64("runAsGroup"),
    F_BOOL("runAsNonRoot"),
    F_BOOL("readOnlyRootFilesystem"),
    F_BOOL("allowPrivilegeEscalation"),
    F_END,
};
static const struct sfield f_container[] = {
    F_STR("name"),
    F_STR("image"),
    F_STRS("command"),
    F_STRS("args"),
    F_STR("workingDir"),
    F_OBJS("ports", "ContainerPort", f_port),
    F_OBJS("envFrom", "EnvFromSource", f_env_from),
    F_OBJS("env", "EnvVar", f_env),
    F_OBJ("resources", "ResourceRequirements", f_resources),
    F_TSTR("restartPolicy", "v1.ContainerRestartPolicy"),
    F_OBJS("volumeMounts", "VolumeMount", f_mount),
    F_OBJ("livenessProbe", "Probe", f_probe),
    F_OBJ("readinessProbe", "Probe", f_probe),
    F_OBJ("startupProbe", "Probe", f_probe),
    F_OBJ("lifecycle", "Lifecycle", f_lifecycle),
    F_STR("terminationMessagePath"),
    F_TSTR("terminationMessagePolicy", "v1.TerminationMessagePolicy"),
    F_TSTR("imagePullPolicy", "v1.PullPolicy"),
    F_OBJ("securityContext", "SecurityContext", f_sec_ctx),
    F_BOOL("stdin"),
    F_BOOL("stdinOnce"),
    F_BOOL("tty"),
    F_END,
};
static const struct sfield f_key_to_path[] = {F_STR("key"), F_STR("path"), F_I32("mode"), F_END};
static const struct sfield f_host_path[] = {
    F_STR("path"),
    F_TSTR("type", "v1.HostPathType"),
    F_END,
};
static const struct sfield f_empty_dir[] = {
    F_TSTR("medium", "v1.StorageMedium"),
    F_QTY("sizeLimit"),
    F_END,
};
static const struct sfield f_secret_vol[] = {
    F_STR("secretName"),
    F_OBJS("items", "KeyToPath", f_key_to_path),
    F_I32("defaultMode"),
    F_BOOL("optional"),
    F_END,
};
static const struct sfield f_cm_vol[] = {
    F_STR("name"),
    F_OBJS("items", "KeyToPath", f_key_to_path),
    F_I32("defaultMode"),
    F_BOOL("optional"),
    F_END,
};
static const struct sfield f_nfs[] = {F_STR("server"), F_STR("path"), F_BOOL("readOnly"), F_END};
static const struct sfield f_pvc_vol[] = {F_STR("claimName"), F_BOOL("readOnly"), F_END};
static const struct sfield f_volume[] = {
    F_STR("name"),
    F_OBJ("hostPath", "HostPathVolumeSource", f_host_path),
    F_OBJ("emptyDir", "EmptyDirVolumeSource", f_empty_dir),
    F_OBJ("secret", "SecretVolumeSource", f_secret_vol),
    F_OBJ("nfs", "NFSVolumeSource", f_nfs),
    F_OBJ("persistentVolumeClaim", "PersistentVolumeClaimVolumeSource", f_pvc_vol),
    F_OBJ("configMap", "ConfigMapVolumeSource", f_cm_vol),
    F_END,
};
static const struct sfield f_pod_sec_ctx[] = {
    F_I64("runAsUser"),           F_I64("runAsGroup"), F_BOOL("runAsNonRoot"),
    F_I64S("supplementalGroups"), F_I64("fsGroup"),    F_END,
};
static const struct sfield f_local_ref[] = {F_STR("name"), F_END};
static const struct sfield f_toleration[] = {
    F_STR("key"),
    F_TSTR("operator", "v1.TolerationOperator"),
    F_STR("value"),
    F_TSTR("effect", "v1.TaintEffect"),
    F_I64("tolerationSeconds"),
    F_END,
};
static const struct sfield f_pod_spec[] = {
    F_OBJS("volumes", "Volume", f_volume),
    F_OBJS("initContainers", "Container", f_container),
    F_OBJS("containers", "Container", f_container),
    F_TSTR("restartPolicy", "v1.RestartPolicy"),
    F_I64("terminationGracePeriodSeconds"),
    F_I64("activeDeadlineSeconds"),
    F_TSTR("dnsPolicy", "v1.DNSPolicy"),
    F_MAP("nodeSelector"),
    F_STR("serviceAccountName"),
    F_STR("serviceAccount"),
    F_BOOL("automountServiceAccountToken"),
    F_STR("nodeName"),
    F_BOOL("hostNetwork"),
    F_BOOL("hostPID"),
    F_BOOL("hostIPC"),
    F_BOOL("shareProcessNamespace"),
    F_OBJ("securityContext", "PodSecurityContext", f_pod_sec_ctx),
    F_OBJS("imagePullSecrets", "LocalObjectReference", f_local_ref),
    F_STR("hostname"),
    F_STR("subdomain"),
    F_STR("schedulerName"),
    F_OBJS("tolerations", "Toleration", f_toleration),
    F_STR("priorityClassName"),
    F_I32("priority"),
    F_BOOL("enableServiceLinks"),
    F_RES("overhead"),
    F_END,
};
static const struct sfield f_template[] = {
    F_OBJ("metadata", "ObjectMeta", f_object_meta),
    F_OBJ("spec", "PodSpec", f_pod_spec),
    F_END,
};

/* batch/v1 */
static const struct sfield f_on_exit_codes[] = {
    F_STR("containerName"),
    F_TSTR("operator", "v1.PodFailurePolicyOnExitCodesOperator"),
    F_I32S("values"),
    F_END,
};
static const struct sfield f_on_pod_cond[] = {
    F_TSTR("type", "v1.PodConditionType"),
    F_TSTR("status", "v1.ConditionStatus"),
    F_END,
};
static const struct sfield f_pfp_rule[] = {
    F_TSTR("action", "v1.PodFailurePolicyAction"),
    F_OBJ("onExitCodes", "PodFailurePolicyOnExitCodesRequirement", f_on_exit_codes),
    F_OBJS("onPodConditions", "PodFailurePolicyOnPodConditionsPattern", f_on_pod_cond),
    F_END,
};
static const struct sfield f_pfp[] = {F_OBJS("rules", "PodFailurePolicyRule", f_pfp_rule), F_END};
static const struct sfield f_sp_rule[] = {
    F_STR("succeededIndexes"),
    F_I32("succeededCount"),
    F_END,
};
static const struct sfield f_sp[] = {F_OBJS("rules", "SuccessPolicyRule", f_sp_rule), F_END};
static const struct sfield f_job_spec[] = {
    F_I32("parallelism"),
    F_I32("completions"),
    F_I64("activeDeadlineSeconds"),
    F_OBJ("podFailurePolicy", "PodFailurePolicy", f_pfp),
    F_OBJ("successPolicy", "SuccessPolicy", f_sp),
    F_I32("backoffLimit"),
    F_I32("backoffLimitPerIndex"),
    F_I32("maxFailedIndexes"),
    F_OBJ("selector", "LabelSelector", f_label_selector),
    F_BOOL("manualSelector"),
    F_OBJ("template", "PodTemplateSpec", f_template),
    F_I32("ttlSecondsAfterFinished"),
    F_TSTR("completionMode", "v1.CompletionMode"),
    F_BOOL("suspend"),
    F_TSTR("podReplacementPolicy", "v1.PodReplacementPolicy"),
    F_STR("managedBy"),
    F_END,
};
static const struct sfield f_job_cond[] = {
    F_TSTR("type", "v1.JobConditionType"),
    F_TSTR("status", "v1.ConditionStatus"),
    F_TIME("lastProbeTime"),
    F_TIME("lastTransitionTime"),
    F_STR("reason"),
    F_STR("message"),
    F_END,
};
static const struct sfield f_uncounted[] = {
    F_TSTRS("succeeded", "types.UID"),
    F_TSTRS("failed", "types.UID"),
    F_END,
};
static const struct sfield f_job_status[] = {
    F_OBJS("conditions", "JobCondition", f_job_cond),
    F_TIME("startTime"),
    F_TIME("completionTime"),
    F_I32("active"),
    F_I32("succeeded"),
    F_I32("failed"),
    F_I32("terminating"),
    F_STR("completedIndexes"),
    F_STR("failedIndexes"),
    F_OBJ("uncountedTerminatedPods", "UncountedTerminatedPods", f_uncounted),
    F_I32("ready"),
    F_END,
};
static const struct sfield f_job[] = {
    F_STR("kind"),
    F_STR("apiVersion"),
    F_OBJ("metadata", "ObjectMeta", f_object_meta),
    F_OBJ("spec", "JobSpec", f_job_spec),
    F_OBJ("status", "JobStatus", f_job_status),
    F_END,
};
static const struct sfield f_pod_status[] = {F_END};
static const struct sfield f_pod[] = {
    F_STR("kind"),
    F_STR("apiVersion"),
    F_OBJ("metadata", "ObjectMeta", f_object_meta),
    F_OBJ("spec", "PodSpec", f_pod_spec),
    F_OBJ("status", "PodStatus", f_pod_status),
    F_END,
};

/* ---- the walk ---- */

struct dctx {
        char *soft; /* first UnmarshalTypeError, with context */
        char *hard; /* first error from a custom unmarshaler: aborts decoding upstream */
        int depth;
};

#define DECODE_MAX_DEPTH 64

/* The shortest %g that reads back the same double, as Go prints a float literal. */
static void number_literal(json_t *v, char *out, size_t n)
{
        if (json_is_integer(v)) {
                snprintf(out, n, "%lld", (long long)json_integer_value(v));
                return;
        }
        double d = json_real_value(v);
        for (int prec = 1; prec <= 17; prec++) {
                snprintf(out, n, "%.*g", prec, d);
                if (strtod(out, NULL) == d)
                        return;
        }
}

static const char *json_kind(json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_STRING:
                return "string";
        case JSON_INTEGER:
        case JSON_REAL:
                return "number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "bool";
        case JSON_ARRAY:
                return "array";
        case JSON_OBJECT:
                return "object";
        default:
                return "null";
        }
}

static void soft_error(struct dctx *c, const char *value, const char *structname, const char *path,
                       const char *gotype)
{
        if (c->soft)
                return;
        if (structname)
                c->soft =
                    xasprintf("json: cannot unmarshal %s into Go struct field %s.%s of type %s",
                              value, structname, path, gotype);
        else
                c->soft =
                    xasprintf("json: cannot unmarshal %s into Go value of type %s", value, gotype);
}

static void hard_error(struct dctx *c, char *msg)
{
        if (c->hard)
                free(msg);
        else
                c->hard = msg;
}

static void check_fields(struct dctx *c, json_t *obj, const struct sfield *fields,
                         const char *structname, const char *path);

static void check_int(struct dctx *c, json_t *v, int bits, const char *structname, const char *path,
                      const char *gotype)
{
        if (json_is_integer(v)) {
                int64_t x = json_integer_value(v);
                if (bits == 64 || (x >= INT32_MIN && x <= INT32_MAX))
                        return;
        }
        if (json_is_number(v)) {
                char lit[64], val[80];
                number_literal(v, lit, sizeof(lit));
                snprintf(val, sizeof(val), "number %s", lit);
                soft_error(c, val, structname, path, gotype);
                return;
        }
        soft_error(c, json_kind(v), structname, path, gotype);
}

static void check_quantity(struct dctx *c, json_t *v)
{
        char text[64], err[256] = "";
        const char *s;
        if (json_is_null(v))
                return;
        if (json_is_string(v))
                s = json_string_value(v);
        else if (json_is_number(v)) {
                number_literal(v, text, sizeof(text));
                s = text;
        } else
                s = json_is_true(v) ? "true" : json_is_false(v) ? "false" : "{}";
        /* ParseQuantity(strings.TrimSpace(s)) */
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
                s++;
        _cleanup_free_ char *trimmed = xstrdup(s);
        size_t n = strlen(trimmed);
        while (n && strchr(" \t\n\r", trimmed[n - 1]))
                trimmed[--n] = 0;
        struct quantity q;
        /* -EINVAL: upstream's decode messages; -ERANGE: out of range, refused (A8) */
        if (quantity_parse(trimmed, &q, err, sizeof(err)) < 0)
                hard_error(c, xstrdup(err[0] ? err
                                             : "quantities must match the regular expression "
                                               "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
}

static void check_value(struct dctx *c, json_t *v, const struct sfield *f, enum st type,
                        const char *gotype, const char *structname, const char *path)
{
        if (!v || json_is_null(v))
                return;
        switch (type) {
        case S_STR:
                if (!json_is_string(v))
                        soft_error(c, json_kind(v), structname, path, gotype);
                break;
        case S_INT32:
        case S_INT64:
                check_int(c, v, type == S_INT32 ? 32 : 64, structname, path, gotype);
                break;
        case S_BOOL:
                if (!json_is_boolean(v))
                        soft_error(c, json_kind(v), structname, path, gotype);
                break;
        case S_OBJ:
                if (!json_is_object(v))
                        soft_error(c, json_kind(v), structname, path, gotype);
                else if (c->depth < DECODE_MAX_DEPTH) {
                        c->depth++;
                        check_fields(c, v, f->sub, f->subname, path);
                        c->depth--;
                }
                break;
        case S_ARR:
                if (!json_is_array(v)) {
                        soft_error(c, json_kind(v), structname, path, gotype);
                        break;
                }
                for (size_t i = 0; i < json_array_size(v); i++)
                        check_value(c, json_array_get(v, i), f, f->elem, gotype + 2, structname,
                                    path);
                break;
        case S_MAPSTR:
        case S_RESLIST: {
                if (!json_is_object(v)) {
                        soft_error(c, json_kind(v), structname, path, gotype);
                        break;
                }
                const char *k;
                json_t *e;
                json_object_foreach(v, k, e)
                {
                        if (type == S_RESLIST)
                                check_quantity(c, e);
                        else if (!json_is_null(e) && !json_is_string(e))
                                soft_error(c, json_kind(e), structname, path, "string");
                }
                break;
        }
        case S_QTY:
                check_quantity(c, v);
                break;
        case S_INTSTR:
                /* IntOrString.UnmarshalJSON: a string, else json.Unmarshal into int32 */
                if (json_is_string(v) ||
                    (json_is_integer(v) && json_integer_value(v) >= INT32_MIN &&
                     json_integer_value(v) <= INT32_MAX))
                        break;
                if (json_is_number(v)) {
                        char lit[64];
                        number_literal(v, lit, sizeof(lit));
                        hard_error(c, xasprintf("json: cannot unmarshal number %s into Go value of "
                                                "type int32",
                                                lit));
                } else
                        hard_error(c, xasprintf("json: cannot unmarshal %s into Go value of type "
                                                "int32",
                                                json_kind(v)));
                break;
        case S_TIME: {
                int64_t sec;
                if (!json_is_string(v))
                        hard_error(c, xasprintf("json: cannot unmarshal %s into Go value of type "
                                                "string",
                                                json_kind(v)));
                else if (time_parse_rfc3339(json_string_value(v), &sec) < 0) {
                        _cleanup_free_ char *q = xasprintf("\"%s\"", json_string_value(v));
                        hard_error(c, xasprintf("parsing time %s as \"2006-01-02T15:04:05Z07:00\": "
                                                "cannot parse %s as \"2006\"",
                                                q, q));
                }
                break;
        }
        }
}

static void check_fields(struct dctx *c, json_t *obj, const struct sfield *fields,
                         const char *structname, const char *path)
{
        const char *k;
        json_t *v;
        /* document order, as encoding/json reports the first mismatch it meets */
        json_object_foreach(obj, k, v)
        {
                for (const struct sfield *f = fields; f && f->name; f++) {
                        if (!streq(f->name, k))
                                continue;
                        _cleanup_free_ char *p = *path ? xasprintf("%s.%s", path, k) : xstrdup(k);
                        check_value(c, v, f, f->type, f->gotype, structname, p);
                        break;
                }
        }
}

static int decode_check(json_t *obj, const struct sfield *fields, const char *structname, char *err,
                        size_t errlen)
{
        struct dctx c = {0};
        if (!json_is_object(obj)) {
                snprintf(err, errlen, "json: cannot unmarshal %s into Go value of type v1.%s",
                         json_kind(obj), structname);
                return -EINVAL;
        }
        check_fields(&c, obj, fields, structname, "");
        const char *msg = c.hard ? c.hard : c.soft;
        int r = 0;
        if (msg) {
                snprintf(err, errlen, "%s", msg);
                r = -EINVAL;
        }
        free(c.hard);
        free(c.soft);
        return r;
}

int job_decode_check(json_t *job, char *err, size_t errlen)
{
        return decode_check(job, f_job, "Job", err, errlen);
}

int pod_decode_check(json_t *pod, char *err, size_t errlen)
{
        return decode_check(pod, f_pod, "Pod", err, errlen);
}
