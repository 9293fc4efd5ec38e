/* pod_validation.c — Pod and PodSpec defaulting and validation.
 *
 * A PodSpec reaches jobd twice: inside a Job template (validated when the Job is
 * written) and as a Pod the Job controller creates from it.  Both paths share the code
 * here, with the few upstream differences kept behind one flag (is_pod: hostPort must
 * equal containerPort under hostNetwork, image whitespace, requests defaulted from
 * limits, enableServiceLinks).  Messages follow pkg/apis/core/validation/validation.go;
 * the subset covered is what jobd runs (containers, init containers, env, resources,
 * ports, probes, volumes of the kinds the agent mounts, scheduling fields).  Affinity,
 * topology spread, DNS config and the exotic volume plugins are accepted unvalidated.
 *
 * Pod updates follow ValidatePodUpdate: everything in spec is immutable except container
 * images, activeDeadlineSeconds (only shortened), tolerations (only additions), and
 * terminationGracePeriodSeconds from negative to 1; the check munges those fields into
 * the old spec and compares the rest semantically. */
#include "types/workload.h"
#include "types/ferr.h"
#include "types/quantity.h"
#include "base/buf.h"

#define INT32_MAX_STR "2147483647"

/* ---------------------------------------------------------------- image references */

static int is_lower_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_word(char c)
{
        return is_lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '_';
}

/* path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | __ | [-]+ */
static int path_component_ok(const char *s, size_t n)
{
        size_t i = 0;
        if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
                return 0;
        while (i < n) {
                if (is_lower_alnum(s[i])) {
                        i++;
                        continue;
                }
                size_t j = i;
                if (s[i] == '-') {
                        while (j < n && s[j] == '-')
                                j++;
                } else if (s[i] == '_' && i + 1 < n && s[i + 1] == '_')
                        j = i + 2;
                else if (s[i] == '_' || s[i] == '.')
                        j = i + 1;
                else
                        return 0;
                if (j >= n || !is_lower_alnum(s[j]))
                        return 0;
                i = j;
        }
        return 1;
}

/* host [':' port]: dot-separated ([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]), or [v6] */
static int domain_ok(const char *s, size_t n)
{
        size_t hn = n;
        const char *colon = NULL;
        if (n && s[0] == '[') {
                const char *close = memchr(s, ']', n);
                if (!close)
                        return 0;
                hn = (size_t)(close - s) + 1;
                if (hn < n && s[hn] != ':')
                        return 0;
        } else {
                colon = memchr(s, ':', n);
                if (colon)
                        hn = (size_t)(colon - s);
                size_t start = 0;
                for (size_t i = 0; i <= hn; i++) {
                        if (i < hn && s[i] != '.')
                                continue;
                        size_t len = i - start;
                        const char *c = s + start;
                        if (len == 0)
                                return 0;
                        for (size_t k = 0; k < len; k++) {
                                int ok = (c[k] >= 'a' && c[k] <= 'z') ||
                                         (c[k] >= 'A' && c[k] <= 'Z') ||
                                         (c[k] >= '0' && c[k] <= '9') ||
                                         (c[k] == '-' && k > 0 && k + 1 < len);
                                if (!ok)
                                        return 0;
                        }
                        start = i + 1;
                }
        }
        if (hn < n) { /* ":port" */
                if (hn + 1 >= n)
                        return 0;
                for (size_t i = hn + 1; i < n; i++)
                        if (s[i] < '0' || s[i] > '9')
                                return 0;
        }
        return 1;
}

static int digest_ok(const char *d)
{
        const char *colon = strchr(d, ':');
        if (!colon)
                return 0;
        size_t alen = (size_t)(colon - d), hlen = strlen(colon + 1), want;
        if (alen == 6 && !strncmp(d, "sha256", 6))
                want = 64;
        else if (alen == 6 && !strncmp(d, "sha384", 6))
                want = 96;
        else if (alen == 6 && !strncmp(d, "sha512", 6))
                want = 128;
        else
                return 0;
        if (hlen != want)
                return 0;
        for (const char *p = colon + 1; *p; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
                        return 0;
        return 1;
}

/* docker reference.ParseNormalizedNamed + parsers.ParseImageName; 0 if unparsable. */
static int image_parse(const char *image, int *ret_has_tag, int *ret_latest, int *ret_has_digest)
{
        size_t n = strlen(image);
        if (n == 0 || n > 4096)
                return 0;
        if (n == 64) { /* a bare 64-hex identifier is refused */
                size_t i = 0;
                while (i < n && ((image[i] >= '0' && image[i] <= '9') ||
                                 (image[i] >= 'a' && image[i] <= 'f')))
                        i++;
                if (i == n)
                        return 0;
        }
        _cleanup_free_ char *s = xstrdup(image);
        char *at = strchr(s, '@');
        *ret_has_digest = 0;
        if (at) {
                *at = 0;
                if (!digest_ok(at + 1))
                        return 0;
                *ret_has_digest = 1;
        }
        char *slash = strrchr(s, '/');
        char *colon = strrchr(slash ? slash : s, ':');
        *ret_has_tag = 0;
        *ret_latest = 0;
        if (colon) {
                *colon = 0;
                const char *tag = colon + 1;
                size_t tn = strlen(tag);
                if (tn == 0 || tn > 128 || !is_word(tag[0]))
                        return 0;
                for (size_t i = 1; i < tn; i++)
                        if (!is_word(tag[i]) && tag[i] != '.' && tag[i] != '-')
                                return 0;
                *ret_has_tag = 1;
                *ret_latest = streq(tag, "latest");
        }
        /* splitDockerDomain */
        char *first = strchr(s, '/');
        const char *remainder = s;
        size_t domain_len = 9; /* docker.io */
        if (first) {
                size_t fl = (size_t)(first - s);
                int has_upper = 0;
                for (size_t i = 0; i < fl; i++)
                        has_upper |= s[i] >= 'A' && s[i] <= 'Z';
                int is_domain = memchr(s, '.', fl) || memchr(s, ':', fl) ||
                                (fl == 9 && !strncmp(s, "localhost", 9)) || has_upper;
                if (is_domain) {
                        if (!domain_ok(s, fl))
                                return 0;
                        remainder = first + 1;
                        domain_len = fl;
                }
        }
        size_t rn = strlen(remainder);
        if (domain_len + 1 + rn + (strchr(remainder, '/') ? 0 : 8) > 255)
                return 0;
        size_t start = 0;
        for (size_t i = 0; i <= rn; i++) {
                if (i < rn && remainder[i] != '/')
                        continue;
                if (!path_component_ok(remainder + start, i - start))
                        return 0; /* also refuses upper case in the repository */
                start = i + 1;
        }
        return 1;
}

const char *image_default_pull_policy(const char *image)
{
        int has_tag, latest, has_digest;
        if (!image_parse(image ? image : "", &has_tag, &latest, &has_digest))
                return "IfNotPresent";
        if (latest || (!has_tag && !has_digest))
                return "Always";
        return "IfNotPresent";
}

/* ---------------------------------------------------------------- defaults */

static void set_default_str(json_t *o, const char *key, const char *v)
{
        const char *cur = jstr(o, key);
        if (!cur || !*cur)
                jset_str(o, key, v);
}

static void set_default_int(json_t *o, const char *key, int64_t v)
{
        int64_t cur;
        if (!jint(o, key, &cur) || cur == 0)
                jset_int(o, key, v);
}

static void set_default_int_if_absent(json_t *o, const char *key, int64_t v)
{
        json_t *cur = json_object_get(o, key);
        if (!cur || json_is_null(cur))
                jset_int(o, key, v);
}

/* SetDefaults_ResourceList: quantities rounded up to milli-units, rendered canonically. */
static void resource_list_default(json_t *list)
{
        const char *k;
        json_t *v;
        json_object_foreach(list, k, v)
        {
                char text[64], err[128];
                const char *s = json_string_value(v);
                if (json_is_integer(v)) {
                        snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
                        s = text;
                } else if (json_is_real(v)) {
                        snprintf(text, sizeof(text), "%.17g", json_real_value(v));
                        s = text;
                }
                char *canon = NULL;
                if (!s || quantity_normalize(s, &canon, err, sizeof(err)) < 0)
                        continue;
                json_object_set_new(list, k, json_string(canon));
                free(canon);
        }
}

static void http_get_default(json_t *h)
{
        if (!json_is_object(h))
                return;
        set_default_str(h, "path", "/");
        set_default_str(h, "scheme", "HTTP");
}

static void handler_default(json_t *h)
{
        if (json_is_object(h))
                http_get_default(json_object_get(h, "httpGet"));
}

static void probe_default(json_t *p)
{
        if (!json_is_object(p))
                return;
        set_default_int(p, "timeoutSeconds", 1);
        set_default_int(p, "periodSeconds", 10);
        set_default_int(p, "successThreshold", 1);
        set_default_int(p, "failureThreshold", 3);
        handler_default(p);
}

static void field_ref_default(json_t *fr)
{
        if (json_is_object(fr))
                set_default_str(fr, "apiVersion", "v1");
}

static void container_default(json_t *c)
{
        if (!json_is_object(c))
                return;
        const char *pp = jstr(c, "imagePullPolicy");
        if (!pp || !*pp)
                jset_str(c, "imagePullPolicy", image_default_pull_policy(jstr(c, "image")));
        set_default_str(c, "terminationMessagePath", "/dev/termination-log");
        set_default_str(c, "terminationMessagePolicy", "File");
        json_t *res = jobj(c, "resources"); /* a struct, always serialised */
        resource_list_default(json_object_get(res, "limits"));
        resource_list_default(json_object_get(res, "requests"));
        json_t *ports = json_object_get(c, "ports");
        for (size_t i = 0; i < json_array_size(ports); i++)
                if (json_is_object(json_array_get(ports, i)))
                        set_default_str(json_array_get(ports, i), "protocol", "TCP");
        probe_default(json_object_get(c, "livenessProbe"));
        probe_default(json_object_get(c, "readinessProbe"));
        probe_default(json_object_get(c, "startupProbe"));
        json_t *lc = json_object_get(c, "lifecycle");
        if (json_is_object(lc)) {
                handler_default(json_object_get(lc, "postStart"));
                handler_default(json_object_get(lc, "preStop"));
        }
        json_t *env = json_object_get(c, "env");
        for (size_t i = 0; i < json_array_size(env); i++)
                field_ref_default(jget(json_array_get(env, i), "valueFrom.fieldRef"));
}

/* In validateVolumeSource's order, which decides which of two sources is "more than 1". */
static const char *const volume_sources[] = {
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
    "image",
    NULL,
};

static void volume_default(json_t *v)
{
        if (!json_is_object(v))
                return;
        bool any = false;
        for (size_t i = 0; volume_sources[i]; i++) {
                json_t *s = json_object_get(v, volume_sources[i]);
                any |= s && !json_is_null(s);
        }
        if (!any)
                json_object_set_new(v, "emptyDir", json_object());
        static const char *const with_mode[] = {"secret", "configMap", "downwardAPI", "projected"};
        for (size_t i = 0; i < ARRAY_SIZE(with_mode); i++) {
                json_t *s = json_object_get(v, with_mode[i]);
                if (json_is_object(s))
                        set_default_int_if_absent(s, "defaultMode", 0644);
        }
        json_t *hp = json_object_get(v, "hostPath");
        if (json_is_object(hp) && !json_is_string(json_object_get(hp, "type")))
                jset_str(hp, "type", "");
        json_t *items = jget(v, "downwardAPI.items");
        for (size_t i = 0; i < json_array_size(items); i++)
                field_ref_default(json_object_get(json_array_get(items, i), "fieldRef"));
}

static void host_network_ports(json_t *containers)
{
        for (size_t i = 0; i < json_array_size(containers); i++) {
                json_t *ports = json_object_get(json_array_get(containers, i), "ports");
                for (size_t j = 0; j < json_array_size(ports); j++) {
                        json_t *p = json_array_get(ports, j);
                        int64_t hp = 0, cp = 0;
                        jint(p, "hostPort", &hp);
                        if (json_is_object(p) && hp == 0 && jint(p, "containerPort", &cp))
                                jset_int(p, "hostPort", cp);
                }
        }
}

void podspec_default(json_t *spec)
{
        if (!json_is_object(spec))
                return;
        set_default_str(spec, "dnsPolicy", "ClusterFirst");
        set_default_str(spec, "restartPolicy", "Always");
        if (jbool(spec, "hostNetwork")) {
                host_network_ports(json_object_get(spec, "containers"));
                host_network_ports(json_object_get(spec, "initContainers"));
        }
        if (!json_is_object(json_object_get(spec, "securityContext")))
                json_object_set_new(spec, "securityContext", json_object());
        set_default_int_if_absent(spec, "terminationGracePeriodSeconds", 30);
        set_default_str(spec, "schedulerName", "default-scheduler");
        json_t *vols = json_object_get(spec, "volumes");
        for (size_t i = 0; i < json_array_size(vols); i++)
                volume_default(json_array_get(vols, i));
        static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
        for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
                json_t *cs = json_object_get(spec, lists[l]);
                for (size_t i = 0; i < json_array_size(cs); i++)
                        container_default(json_array_get(cs, i));
        }
}

/* SetDefaults_Pod: requests default to limits for keys missing in requests. */
static void requests_from_limits(json_t *containers)
{
        for (size_t i = 0; i < json_array_size(containers); i++) {
                json_t *c = json_array_get(containers, i);
                json_t *limits = jget(c, "resources.limits");
                if (!json_is_object(limits))
                        continue;
                json_t *req = jobj(jobj(c, "resources"), "requests");
                const char *k;
                json_t *v;
                json_object_foreach(limits, k, v) if (!json_object_get(req, k))
                    json_object_set(req, k, v);
        }
}

void pod_default(json_t *pod)
{
        if (!json_is_object(pod))
                return;
        json_t *spec = jobj(pod, "spec");
        requests_from_limits(json_object_get(spec, "containers"));
        requests_from_limits(json_object_get(spec, "initContainers"));
        if (!json_is_boolean(json_object_get(spec, "enableServiceLinks")))
                json_object_set_new(spec, "enableServiceLinks", json_true());
        podspec_default(spec);
}

/* ---------------------------------------------------------------- validation helpers */

static const char *const restart_policies[] = {"Always", "OnFailure", "Never", NULL};
static const char *const dns_policies[] = {"ClusterFirstWithHostNet", "ClusterFirst", "Default",
                                           "None", NULL};
static const char *const pull_policies[] = {"Always", "IfNotPresent", "Never", NULL};
static const char *const msg_policies[] = {"File", "FallbackToLogsOnError", NULL};
static const char *const protocols[] = {"SCTP", "TCP", "UDP", NULL};
static const char *const schemes[] = {"HTTP", "HTTPS", NULL};
static const char *const env_field_paths[] = {
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
    NULL,
};
static const char *const convertible_field_paths[] = {
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.serviceAccountName",
    "spec.schedulerName",
    "status.phase",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
    NULL,
};
static const char *const resource_field_paths[] = {
    "limits.cpu",   "limits.ephemeral-storage",   "limits.memory",
    "requests.cpu", "requests.ephemeral-storage", "requests.memory",
    NULL,
};
static const char *const host_path_types[] = {
    "",       "DirectoryOrCreate", "Directory",   "FileOrCreate", "File",
    "Socket", "CharDevice",        "BlockDevice", NULL,
};

static bool in_list(const char *s, const char *const *list)
{
        for (size_t i = 0; s && list[i]; i++)
                if (streq(s, list[i]))
                        return true;
        return false;
}

/* Required when empty, NotSupported when not one of the list. */
static void enum_validate(json_t *o, const char *key, const char *path,
                          const char *const *supported, json_t *causes)
{
        const char *v = jstr(o, key);
        _cleanup_free_ char *p = xasprintf("%s.%s", path, key);
        if (!v || !*v)
                ferr_required(causes, p, NULL);
        else if (!in_list(v, supported))
                ferr_not_supported(causes, p, v, supported);
}

static void nonneg_validate(json_t *o, const char *key, const char *path, json_t *causes)
{
        int64_t v;
        if (jint(o, key, &v) && v < 0) {
                _cleanup_free_ char *p = xasprintf("%s.%s", path, key);
                ferr_invalid_int(causes, p, v, "must be greater than or equal to 0");
        }
}

static void id_range_validate(json_t *o, const char *key, const char *path, json_t *causes)
{
        int64_t v;
        if (jint(o, key, &v) && (v < 0 || v > INT32_MAX)) {
                _cleanup_free_ char *p = xasprintf("%s.%s", path, key);
                ferr_invalid_int(causes, p, v,
                                 "must be between 0 and " INT32_MAX_STR ", inclusive");
        }
}

/* validateLocalDescendingPath / validatePathNoBacksteps */
static void no_backsteps_validate(const char *v, const char *path, json_t *causes)
{
        _cleanup_free_ char *copy = xstrdup(v);
        char *save = NULL;
        for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save))
                if (streq(part, "..")) {
                        ferr_invalid_str(causes, path, v, "must not contain '..'");
                        return;
                }
}

static void local_descending_path_validate(const char *v, const char *path, json_t *causes)
{
        if (v[0] == '/')
                ferr_invalid_str(causes, path, v, "must be a relative path");
        no_backsteps_validate(v, path, causes);
}

/* validation.IsValidPortName */
static int port_name_validate(const char *name, const char *path, json_t *causes)
{
        size_t n = strlen(name);
        int errs = 0, letter = 0, charset = 1;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                letter |= c >= 'a' && c <= 'z';
                if (!is_lower_alnum(c) && c != '-')
                        charset = 0;
        }
        if (n > 15)
                errs++, ferr_invalid_str(causes, path, name, "must be no more than 15 bytes");
        if (!charset || n == 0)
                errs++, ferr_invalid_str(causes, path, name,
                                         "must contain only alpha-numeric characters (a-z, 0-9), "
                                         "and hyphens (-)");
        if (!letter)
                errs++,
                    ferr_invalid_str(causes, path, name, "must contain at least one letter (a-z)");
        if (strstr(name, "--"))
                errs++,
                    ferr_invalid_str(causes, path, name, "must not contain consecutive hyphens");
        if (n && (name[0] == '-' || name[n - 1] == '-'))
                errs++, ferr_invalid_str(causes, path, name, "must not begin or end with a hyphen");
        return errs;
}

static void port_num_validate(int64_t port, const char *path, json_t *causes)
{
        if (port < 1 || port > 65535)
                ferr_invalid_int(causes, path, port, "must be between 1 and 65535, inclusive");
}

/* ValidatePortNumOrName over an IntOrString */
static void port_num_or_name_validate(json_t *port, const char *path, json_t *causes)
{
        if (json_is_string(port))
                port_name_validate(json_string_value(port), path, causes);
        else
                port_num_validate(json_is_integer(port) ? json_integer_value(port) : 0, path,
                                  causes);
}

static void config_key_validate(const char *key, const char *path, json_t *causes)
{
        size_t n = strlen(key);
        bool ok = n > 0;
        for (size_t i = 0; i < n; i++)
                if (!is_word(key[i]) && key[i] != '-' && key[i] != '.')
                        ok = false;
        if (n > 253)
                ferr_invalid_str(causes, path, key, "must be no more than 253 bytes");
        if (!ok)
                ferr_invalid_str(causes, path, key,
                                 "a valid config key must consist of alphanumeric characters, "
                                 "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or "
                                 "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
        if (streq(key, "."))
                ferr_invalid_str(causes, path, key, "must not be '.'");
        else if (streq(key, ".."))
                ferr_invalid_str(causes, path, key, "must not be '..'");
        else if (startswith(key, ".."))
                ferr_invalid_str(causes, path, key, "must not start with '..'");
}

/* NameIsDNSSubdomain(name, prefix) */
static void object_name_validate(const char *name, bool prefix, const char *path, json_t *causes)
{
        _cleanup_free_ char *m = xstrdup(name);
        size_t n = strlen(m);
        if (prefix && n > 1 && m[n - 1] == '-')
                m[n - 1] = 'a';
        const char *e1 = n > 253 ? "must be no more than 253 bytes" : NULL;
        const char *e2 = dns1123_subdomain_error(m);
        if (e1)
                ferr_invalid_str(causes, path, name, e1);
        if (e2 && e2 != e1)
                ferr_invalid_str(causes, path, name, e2);
}

static void env_name_validate(const char *name, const char *path, json_t *causes)
{
        for (const unsigned char *p = (const unsigned char *)name; *p; p++)
                if (*p < 0x20 || *p > 0x7e || *p == '=') {
                        ferr_invalid_str(causes, path, name,
                                         "a valid environment variable name must consist only of "
                                         "printable ASCII characters other than '='");
                        return;
                }
}

/* ---------------------------------------------------------------- resources */

static bool is_native_resource(const char *n)
{
        return !strchr(n, '/') || strstr(n, "kubernetes.io/");
}

static bool is_hugepages(const char *n)
{
        return startswith(n, "hugepages-");
}

static bool is_extended_resource(const char *n)
{
        if (is_native_resource(n) || startswith(n, "requests."))
                return false;
        _cleanup_free_ char *q = xasprintf("requests.%s", n);
        return qualified_name_validate(q, "", NULL);
}

static bool is_standard_resource(const char *n)
{
        static const char *const std[] = {
            "cpu",
            "memory",
            "ephemeral-storage",
            "requests.cpu",
            "requests.memory",
            "requests.ephemeral-storage",
            "limits.cpu",
            "limits.memory",
            "limits.ephemeral-storage",
            "pods",
            "services",
            "replicationcontrollers",
            "resourcequotas",
            "secrets",
            "configmaps",
            "persistentvolumeclaims",
            "storage",
            "requests.storage",
            "services.nodeports",
            "services.loadbalancers",
            NULL,
        };
        return in_list(n, std) || is_hugepages(n) || startswith(n, "requests.hugepages-");
}

static void resource_name_validate(const char *name, const char *path, json_t *causes)
{
        /* core.ResourceName is a Stringer: printed without quotes */
        json_t *tmp = json_array();
        bool qualified = qualified_name_validate(name, path, tmp);
        for (size_t i = 0; i < json_array_size(tmp); i++) {
                const char *m = jstr(json_array_get(tmp, i), "message");
                const char *detail = m ? strstr(m, "\": ") : NULL;
                ferr_invalid_raw(causes, path, name, detail ? detail + 3 : m);
        }
        json_decref(tmp);
        bool plain = !strchr(name, '/');
        if (qualified && plain && !is_standard_resource(name))
                ferr_invalid_raw(causes, path, name,
                                 "must be a standard resource type or fully qualified");
        if (plain) {
                if (strcmp(name, "cpu") && strcmp(name, "memory") &&
                    strcmp(name, "ephemeral-storage") && !is_hugepages(name))
                        ferr_invalid_raw(causes, path, name,
                                         "must be a standard resource for containers");
        } else if (!is_native_resource(name) && !is_extended_resource(name)) {
                ferr_invalid_raw(causes, path, name,
                                 "doesn't follow extended resource name standard");
        }
}

static bool quantity_of(json_t *v, struct quantity *q)
{
        char text[64], err[128];
        const char *s = json_string_value(v);
        if (json_is_integer(v)) {
                snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
                s = text;
        } else if (json_is_real(v)) {
                snprintf(text, sizeof(text), "%.17g", json_real_value(v));
                s = text;
        }
        return s && quantity_parse(s, q, err, sizeof(err)) == 0;
}

static void quantity_value_validate(const char *name, const struct quantity *q, const char *path,
                                    json_t *causes)
{
        struct quantity zero = {0, QF_DECIMAL_SI};
        _cleanup_free_ char *canon = quantity_format(q);
        if (quantity_cmp(q, &zero) < 0)
                ferr_invalid_str(causes, path, canon, "must be greater than or equal to 0");
        if (is_extended_resource(name) && q->milli % 1000 != 0) {
                _cleanup_free_ char *r = xasprintf(
                    "resource.Quantity{i:resource.int64Amount{value:%lld, scale:-3}, "
                    "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"%s\", Format:\"%s\"}",
                    (long long)q->milli, canon,
                    q->format == QF_BINARY_SI          ? "BinarySI"
                    : q->format == QF_DECIMAL_EXPONENT ? "DecimalExponent"
                                                       : "DecimalSI");
                ferr_invalid_raw(causes, path, r, "must be an integer");
        }
}

static void resources_validate(json_t *res, const char *path, json_t *causes)
{
        json_t *limits = json_object_get(res, "limits"),
               *requests = json_object_get(res, "requests");
        _cleanup_free_ char *lpath = xasprintf("%s.limits", path);
        _cleanup_free_ char *rpath = xasprintf("%s.requests", path);
        bool lim_cpu_mem = false, req_cpu_mem = false, huge = false;
        const char *k;
        json_t *v;
        json_object_foreach(limits, k, v)
        {
                _cleanup_free_ char *p = xasprintf("%s[%s]", lpath, k);
                struct quantity q;
                resource_name_validate(k, p, causes);
                if (quantity_of(v, &q))
                        quantity_value_validate(k, &q, p, causes);
                huge |= is_hugepages(k);
                lim_cpu_mem |= streq(k, "cpu") || streq(k, "memory");
        }
        json_object_foreach(requests, k, v)
        {
                _cleanup_free_ char *p = xasprintf("%s[%s]", rpath, k);
                struct quantity q, lq;
                resource_name_validate(k, p, causes);
                bool have = quantity_of(v, &q);
                if (have)
                        quantity_value_validate(k, &q, p, causes);
                bool overcommit = is_native_resource(k) && !is_hugepages(k);
                json_t *lv = json_object_get(limits, k);
                if (lv && have && quantity_of(lv, &lq)) {
                        _cleanup_free_ char *qs = quantity_format(&q);
                        _cleanup_free_ char *ls = quantity_format(&lq);
                        int c = quantity_cmp(&q, &lq);
                        if (c != 0 && !overcommit) {
                                _cleanup_free_ char *d =
                                    xasprintf("must be equal to %s limit of %s", k, ls);
                                ferr_invalid_str(causes, rpath, qs, d);
                        } else if (c > 0) {
                                _cleanup_free_ char *d = xasprintf(
                                    "must be less than or equal to %s limit of %s", k, ls);
                                ferr_invalid_str(causes, rpath, qs, d);
                        }
                } else if (!lv && !overcommit) {
                        ferr_required(causes, lpath,
                                      "Limit must be set for non overcommitable resources");
                }
                huge |= is_hugepages(k);
                req_cpu_mem |= streq(k, "cpu") || streq(k, "memory");
        }
        if (huge && !lim_cpu_mem && !req_cpu_mem)
                ferr_forbidden(causes, path, "HugePages require cpu or memory");
}

/* ---------------------------------------------------------------- env */

static void field_ref_validate(json_t *fr, const char *path, json_t *causes)
{
        const char *av = jstr(fr, "apiVersion"), *fp = jstr(fr, "fieldPath");
        _cleanup_free_ char *avp = xasprintf("%s.apiVersion", path);
        _cleanup_free_ char *fpp = xasprintf("%s.fieldPath", path);
        if (!av || !*av) {
                ferr_required(causes, avp, NULL);
                return;
        }
        if (!fp || !*fp) {
                ferr_required(causes, fpp, NULL);
                return;
        }
        const char *open = strchr(fp, '[');
        if (!streq(av, "v1")) {
                _cleanup_free_ char *d = xasprintf("error converting fieldPath: unsupported pod "
                                                   "version: %s",
                                                   av);
                ferr_invalid_str(causes, fpp, fp, d);
                return;
        }
        if (open) {
                size_t n = strlen(fp);
                _cleanup_free_ char *base = xstrndup(fp, (size_t)(open - fp));
                if (n < (size_t)(open - fp) + 4 || open[1] != '\'' || fp[n - 1] != ']' ||
                    fp[n - 2] != '\'') {
                        _cleanup_free_ char *d =
                            xasprintf("error converting fieldPath: field label "
                                      "not supported: %s",
                                      fp);
                        ferr_invalid_str(causes, fpp, fp, d);
                        return;
                }
                _cleanup_free_ char *sub = xstrndup(open + 2, n - (size_t)(open - fp) - 4);
                if (streq(base, "metadata.annotations")) {
                        for (char *p = sub; *p; p++)
                                if (*p >= 'A' && *p <= 'Z')
                                        *p = (char)(*p - 'A' + 'a');
                        qualified_name_validate(sub, path, causes);
                } else if (streq(base, "metadata.labels"))
                        qualified_name_validate(sub, path, causes);
                else
                        ferr_invalid_str(causes, path, base, "does not support subscript");
                return;
        }
        if (!in_list(fp, convertible_field_paths)) {
                _cleanup_free_ char *d = xasprintf("error converting fieldPath: field label not "
                                                   "supported: %s",
                                                   fp);
                ferr_invalid_str(causes, fpp, fp, d);
        } else if (!in_list(fp, env_field_paths))
                ferr_not_supported(causes, fpp, fp, env_field_paths);
}

static void key_selector_validate(json_t *sel, const char *path, json_t *causes)
{
        const char *name = jstr(sel, "name"), *key = jstr(sel, "key");
        _cleanup_free_ char *np = xasprintf("%s.name", path);
        _cleanup_free_ char *kp = xasprintf("%s.key", path);
        object_name_validate(name ? name : "", false, np, causes);
        if (!key || !*key)
                ferr_required(causes, kp, NULL);
        else
                config_key_validate(key, kp, causes);
}

static void env_validate(json_t *env, const char *path, json_t *causes)
{
        for (size_t i = 0; i < json_array_size(env); i++) {
                json_t *e = json_array_get(env, i);
                const char *name = jstr(e, "name"), *value = jstr(e, "value");
                _cleanup_free_ char *np = xasprintf("%s[%zu].name", path, i);
                if (!name || !*name)
                        ferr_required(causes, np, NULL);
                else
                        env_name_validate(name, np, causes);
                json_t *vf = json_object_get(e, "valueFrom");
                if (!json_is_object(vf))
                        continue;
                _cleanup_free_ char *vp = xasprintf("%s[%zu].valueFrom", path, i);
                int sources = 0;
                json_t *s;
                if (json_is_object(s = json_object_get(vf, "fieldRef"))) {
                        sources++;
                        _cleanup_free_ char *p = xasprintf("%s.fieldRef", vp);
                        field_ref_validate(s, p, causes);
                }
                if (json_is_object(s = json_object_get(vf, "resourceFieldRef"))) {
                        sources++;
                        _cleanup_free_ char *p = xasprintf("%s.resourceFieldRef.resource", vp);
                        const char *r = jstr(s, "resource");
                        if (!r || !*r)
                                ferr_required(causes, p, NULL);
                        else if (!in_list(r, resource_field_paths) &&
                                 !startswith(r, "requests.hugepages-") &&
                                 !startswith(r, "limits.hugepages-"))
                                ferr_not_supported(causes, p, r, resource_field_paths);
                }
                if (json_is_object(s = json_object_get(vf, "configMapKeyRef"))) {
                        sources++;
                        _cleanup_free_ char *p = xasprintf("%s.configMapKeyRef", vp);
                        key_selector_validate(s, p, causes);
                }
                if (json_is_object(s = json_object_get(vf, "secretKeyRef"))) {
                        sources++;
                        _cleanup_free_ char *p = xasprintf("%s.secretKeyRef", vp);
                        key_selector_validate(s, p, causes);
                }
                if (sources == 0)
                        ferr_invalid_str(causes, vp, "",
                                         "must specify one of: `fieldRef`, `resourceFieldRef`, "
                                         "`configMapKeyRef` or `secretKeyRef`");
                else if (value && *value)
                        ferr_invalid_str(causes, vp, "",
                                         "may not be specified when `value` is not empty");
                else if (sources > 1)
                        ferr_invalid_str(causes, vp, "",
                                         "may not have more than one field specified at a time");
        }
}

static void env_from_validate(json_t *list, const char *path, json_t *causes)
{
        for (size_t i = 0; i < json_array_size(list); i++) {
                json_t *e = json_array_get(list, i);
                const char *prefix = jstr(e, "prefix");
                if (prefix && *prefix) {
                        _cleanup_free_ char *p = xasprintf("%s[%zu].prefix", path, i);
                        env_name_validate(prefix, p, causes);
                }
                int sources = 0;
                static const char *const refs[] = {"configMapRef", "secretRef"};
                for (size_t r = 0; r < ARRAY_SIZE(refs); r++) {
                        json_t *ref = json_object_get(e, refs[r]);
                        if (!json_is_object(ref))
                                continue;
                        sources++;
                        const char *name = jstr(ref, "name");
                        _cleanup_free_ char *p = xasprintf("%s[%zu].%s.name", path, i, refs[r]);
                        if (!name || !*name)
                                ferr_required(causes, p, NULL);
                        else
                                object_name_validate(name, true, p, causes);
                }
                if (sources == 0)
                        ferr_invalid_str(causes, path, "",
                                         "must specify one of: `configMapRef` or `secretRef`");
                else if (sources > 1)
                        ferr_invalid_str(causes, path, "",
                                         "may not have more than one field specified at a time");
        }
}

/* ---------------------------------------------------------------- probes, ports, mounts */

static void handler_validate(json_t *h, const char *path, json_t *causes)
{
        int handlers = 0;
        static const char *const kinds[] = {"exec", "httpGet", "tcpSocket", "grpc", "sleep"};
        for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
                json_t *a = json_object_get(h, kinds[i]);
                if (!json_is_object(a))
                        continue;
                _cleanup_free_ char *p = xasprintf("%s.%s", path, kinds[i]);
                if (handlers++ > 0) {
                        ferr_forbidden(causes, p, "may not specify more than 1 handler type");
                        continue;
                }
                if (i == 0) {
                        if (json_array_size(json_object_get(a, "command")) == 0) {
                                _cleanup_free_ char *cp = xasprintf("%s.command", p);
                                ferr_required(causes, cp, NULL);
                        }
                } else if (i == 1) {
                        const char *hp = jstr(a, "path");
                        if (!hp || !*hp) {
                                _cleanup_free_ char *pp = xasprintf("%s.path", p);
                                ferr_required(causes, pp, NULL);
                        }
                        _cleanup_free_ char *portp = xasprintf("%s.port", p);
                        port_num_or_name_validate(json_object_get(a, "port"), portp, causes);
                        const char *sc = jstr(a, "scheme");
                        if (!in_list(sc ? sc : "", schemes)) {
                                _cleanup_free_ char *sp = xasprintf("%s.scheme", p);
                                ferr_not_supported(causes, sp, sc ? sc : "", schemes);
                        }
                } else if (i == 2 || i == 3) {
                        _cleanup_free_ char *portp = xasprintf("%s.port", p);
                        port_num_or_name_validate(json_object_get(a, "port"), portp, causes);
                }
        }
        if (handlers == 0)
                ferr_required(causes, path, "must specify a handler type");
}

enum probe_kind { PROBE_LIVENESS, PROBE_READINESS, PROBE_STARTUP };

static void probe_validate(json_t *p, enum probe_kind kind, const char *path, json_t *causes)
{
        if (!json_is_object(p))
                return;
        handler_validate(p, path, causes);
        static const char *const nonneg[] = {"initialDelaySeconds", "timeoutSeconds",
                                             "periodSeconds", "successThreshold",
                                             "failureThreshold"};
        for (size_t i = 0; i < ARRAY_SIZE(nonneg); i++)
                nonneg_validate(p, nonneg[i], path, causes);
        int64_t tg;
        _cleanup_free_ char *tgp = xasprintf("%s.terminationGracePeriodSeconds", path);
        if (jint(p, "terminationGracePeriodSeconds", &tg) && tg <= 0)
                ferr_invalid_int(causes, tgp, tg, "must be greater than 0");
        int64_t st = 0;
        jint(p, "successThreshold", &st);
        if (kind != PROBE_READINESS && st != 1) {
                _cleanup_free_ char *sp = xasprintf("%s.successThreshold", path);
                ferr_invalid_int(causes, sp, st, "must be 1");
        }
        if (kind == PROBE_READINESS && jint(p, "terminationGracePeriodSeconds", &tg))
                ferr_invalid_int(causes, tgp, tg, "must not be set for readinessProbes");
}

static void ports_validate(json_t *ports, const char *path, json_t *causes)
{
        json_t *names = json_object();
        for (size_t i = 0; i < json_array_size(ports); i++) {
                json_t *p = json_array_get(ports, i);
                const char *name = jstr(p, "name"), *proto = jstr(p, "protocol");
                int64_t cp = 0, hp = 0;
                jint(p, "containerPort", &cp);
                jint(p, "hostPort", &hp);
                if (name && *name) {
                        _cleanup_free_ char *np = xasprintf("%s[%zu].name", path, i);
                        if (port_name_validate(name, np, causes) == 0) {
                                if (json_object_get(names, name))
                                        ferr_duplicate_str(causes, np, name);
                                else
                                        json_object_set_new(names, name, json_true());
                        }
                }
                _cleanup_free_ char *cpp = xasprintf("%s[%zu].containerPort", path, i);
                if (cp == 0)
                        ferr_required(causes, cpp, NULL);
                else
                        port_num_validate(cp, cpp, causes);
                if (hp != 0) {
                        _cleanup_free_ char *hpp = xasprintf("%s[%zu].hostPort", path, i);
                        port_num_validate(hp, hpp, causes);
                }
                _cleanup_free_ char *pp = xasprintf("%s[%zu].protocol", path, i);
                if (!proto || !*proto)
                        ferr_required(causes, pp, NULL);
                else if (!in_list(proto, protocols))
                        ferr_not_supported(causes, pp, proto, protocols);
        }
        json_decref(names);
}

/* AccumulateUniqueHostPorts over containers[from..to) into seen */
static void host_ports_unique(json_t *containers, size_t from, size_t to, const char *path,
                              json_t *seen, json_t *causes)
{
        for (size_t ci = from; ci < to; ci++) {
                json_t *ports = json_object_get(json_array_get(containers, ci), "ports");
                for (size_t pi = 0; pi < json_array_size(ports); pi++) {
                        json_t *p = json_array_get(ports, pi);
                        int64_t hp = 0;
                        jint(p, "hostPort", &hp);
                        if (hp == 0)
                                continue;
                        const char *proto = jstr(p, "protocol"), *ip = jstr(p, "hostIP");
                        _cleanup_free_ char *key = xasprintf("%s/%s/%lld", proto ? proto : "",
                                                             ip ? ip : "", (long long)hp);
                        if (json_object_get(seen, key)) {
                                _cleanup_free_ char *hpp =
                                    xasprintf("%s[%zu].ports[%zu].hostPort", path, ci, pi);
                                ferr_duplicate_str(causes, hpp, key);
                        } else
                                json_object_set_new(seen, key, json_true());
                }
        }
}

static void mounts_validate(json_t *mounts, json_t *vols, const char *path, json_t *causes)
{
        json_t *points = json_object();
        for (size_t i = 0; i < json_array_size(mounts); i++) {
                json_t *m = json_array_get(mounts, i);
                const char *name = jstr(m, "name"), *mp = jstr(m, "mountPath");
                const char *sub = jstr(m, "subPath"), *subx = jstr(m, "subPathExpr");
                _cleanup_free_ char *np = xasprintf("%s[%zu].name", path, i);
                _cleanup_free_ char *mpp = xasprintf("%s[%zu].mountPath", path, i);
                name = name ? name : "";
                mp = mp ? mp : "";
                if (!*name)
                        ferr_required(causes, np, NULL);
                if (!json_object_get(vols, name))
                        ferr_not_found(causes, np, name);
                if (!*mp)
                        ferr_required(causes, mpp, NULL);
                if (json_object_get(points, mp))
                        ferr_invalid_str(causes, mpp, mp, "must be unique");
                json_object_set_new(points, mp, json_true());
                /* upstream reports these two at the list path, not the item */
                if (sub && *sub) {
                        _cleanup_free_ char *p = xasprintf("%s.subPath", path);
                        local_descending_path_validate(sub, p, causes);
                }
                if (subx && *subx) {
                        if (sub && *sub) {
                                _cleanup_free_ char *p = xasprintf("%s[%zu].subPathExpr", path, i);
                                ferr_invalid_str(causes, p, subx,
                                                 "subPathExpr and subPath are mutually exclusive");
                        }
                        _cleanup_free_ char *p = xasprintf("%s.subPathExpr", path);
                        local_descending_path_validate(subx, p, causes);
                }
        }
        json_decref(points);
}

static void container_security_validate(json_t *sc, const char *path, json_t *causes)
{
        if (!json_is_object(sc))
                return;
        id_range_validate(sc, "runAsUser", path, causes);
        id_range_validate(sc, "runAsGroup", path, causes);
        json_t *ape = json_object_get(sc, "allowPrivilegeEscalation");
        if (json_is_false(ape)) {
                if (jbool(sc, "privileged"))
                        ferr_invalid_raw(causes, path, "core.SecurityContext{...}",
                                         "cannot set `allowPrivilegeEscalation` to false and "
                                         "`privileged` to true");
                json_t *add = jget(sc, "capabilities.add");
                for (size_t i = 0; i < json_array_size(add); i++)
                        if (streq(json_string_value(json_array_get(add, i)), "CAP_SYS_ADMIN"))
                                ferr_invalid_raw(causes, path, "core.SecurityContext{...}",
                                                 "cannot set `allowPrivilegeEscalation` to false "
                                                 "and `capabilities.Add` CAP_SYS_ADMIN");
        }
}

/* validateContainerCommon */
static void container_common_validate(json_t *c, json_t *vols, const char *path, json_t *causes)
{
        const char *name = jstr(c, "name"), *image = jstr(c, "image");
        _cleanup_free_ char *np = xasprintf("%s.name", path);
        if (!name || !*name)
                ferr_required(causes, np, NULL);
        else
                dns1123_label_validate(name, np, causes);
        if (!image || !*image) {
                _cleanup_free_ char *ip = xasprintf("%s.image", path);
                ferr_required(causes, ip, NULL);
        }
        enum_validate(c, "terminationMessagePolicy", path, msg_policies, causes);
        _cleanup_free_ char *pp = xasprintf("%s.ports", path);
        ports_validate(json_object_get(c, "ports"), pp, causes);
        _cleanup_free_ char *ep = xasprintf("%s.env", path);
        env_validate(json_object_get(c, "env"), ep, causes);
        _cleanup_free_ char *efp = xasprintf("%s.envFrom", path);
        env_from_validate(json_object_get(c, "envFrom"), efp, causes);
        _cleanup_free_ char *mp = xasprintf("%s.volumeMounts", path);
        mounts_validate(json_object_get(c, "volumeMounts"), vols, mp, causes);
        enum_validate(c, "imagePullPolicy", path, pull_policies, causes);
        _cleanup_free_ char *rp = xasprintf("%s.resources", path);
        resources_validate(json_object_get(c, "resources"), rp, causes);
        _cleanup_free_ char *sp = xasprintf("%s.securityContext", path);
        container_security_validate(json_object_get(c, "securityContext"), sp, causes);
}

static void probes_validate(json_t *c, const char *path, json_t *causes)
{
        _cleanup_free_ char *lc = xasprintf("%s.lifecycle", path);
        json_t *l = json_object_get(c, "lifecycle");
        if (json_is_object(l)) {
                static const char *const hooks[] = {"postStart", "preStop"};
                for (size_t i = 0; i < ARRAY_SIZE(hooks); i++)
                        if (json_is_object(json_object_get(l, hooks[i]))) {
                                _cleanup_free_ char *p = xasprintf("%s.%s", lc, hooks[i]);
                                handler_validate(json_object_get(l, hooks[i]), p, causes);
                        }
        }
        static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
        for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
                _cleanup_free_ char *p = xasprintf("%s.%s", path, probes[i]);
                probe_validate(json_object_get(c, probes[i]), (enum probe_kind)i, p, causes);
        }
}

static void containers_validate(json_t *spec, json_t *vols, const char *path, json_t *causes)
{
        json_t *cs = json_object_get(spec, "containers");
        _cleanup_free_ char *cp = xasprintf("%s.containers", path);
        if (json_array_size(cs) == 0) {
                ferr_required(causes, cp, NULL);
                return;
        }
        json_t *names = json_object();
        for (size_t i = 0; i < json_array_size(cs); i++) {
                json_t *c = json_array_get(cs, i);
                const char *name = jstr(c, "name");
                _cleanup_free_ char *p = xasprintf("%s[%zu]", cp, i);
                container_common_validate(c, vols, p, causes);
                if (json_object_get(names, name ? name : "")) {
                        _cleanup_free_ char *np = xasprintf("%s.name", p);
                        ferr_duplicate_str(causes, np, name ? name : "");
                } else
                        json_object_set_new(names, name ? name : "", json_true());
                probes_validate(c, p, causes);
                if (json_object_get(c, "restartPolicy") &&
                    !json_is_null(json_object_get(c, "restartPolicy"))) {
                        _cleanup_free_ char *rp = xasprintf("%s.restartPolicy", p);
                        ferr_forbidden(causes, rp, "may not be set for non-init containers");
                }
        }
        json_decref(names);
        json_t *seen = json_object();
        host_ports_unique(cs, 0, json_array_size(cs), cp, seen, causes);
        json_decref(seen);
}

static void init_containers_validate(json_t *spec, json_t *vols, const char *path, json_t *causes)
{
        json_t *cs = json_object_get(spec, "initContainers");
        _cleanup_free_ char *cp = xasprintf("%s.initContainers", path);
        json_t *names = json_object();
        json_t *regular = json_object_get(spec, "containers");
        for (size_t i = 0; i < json_array_size(regular); i++) {
                const char *n = jstr(json_array_get(regular, i), "name");
                json_object_set_new(names, n ? n : "", json_true());
        }
        for (size_t i = 0; i < json_array_size(cs); i++) {
                json_t *c = json_array_get(cs, i);
                const char *name = jstr(c, "name");
                _cleanup_free_ char *p = xasprintf("%s[%zu]", cp, i);
                container_common_validate(c, vols, p, causes);
                bool always = false;
                const char *rp = jstr(c, "restartPolicy");
                if (rp) {
                        static const char *const allowed[] = {"Always", NULL};
                        _cleanup_free_ char *rpp = xasprintf("%s.restartPolicy", p);
                        if (!streq(rp, "Always"))
                                ferr_not_supported(causes, rpp, rp, allowed);
                        always = streq(rp, "Always");
                }
                if (name && json_object_get(names, name)) {
                        _cleanup_free_ char *np = xasprintf("%s.name", p);
                        ferr_duplicate_str(causes, np, name);
                } else if (name && *name)
                        json_object_set_new(names, name, json_true());
                json_t *seen = json_object();
                host_ports_unique(cs, i, i + 1, cp, seen, causes);
                json_decref(seen);
                if (always)
                        probes_validate(c, p, causes);
                else {
                        static const char *const fields[] = {"lifecycle", "livenessProbe",
                                                             "readinessProbe", "startupProbe"};
                        for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
                                json_t *v = json_object_get(c, fields[f]);
                                if (!v || json_is_null(v))
                                        continue;
                                _cleanup_free_ char *fp = xasprintf("%s.%s", p, fields[f]);
                                ferr_forbidden(causes, fp,
                                               "may not be set for init containers without "
                                               "restartPolicy=Always");
                        }
                }
        }
        json_decref(names);
}

/* ValidateVolumes: returns the map of valid volumes (name → source), caller decrefs. */
static json_t *volumes_validate(json_t *spec, const char *path, json_t *causes)
{
        json_t *vols = json_object();
        json_t *list = json_object_get(spec, "volumes");
        for (size_t i = 0; i < json_array_size(list); i++) {
                json_t *v = json_array_get(list, i);
                json_t *el = json_array();
                const char *name = jstr(v, "name");
                _cleanup_free_ char *vp = xasprintf("%s.volumes[%zu]", path, i);
                int kinds = 0;
                for (size_t k = 0; volume_sources[k]; k++) {
                        json_t *s = json_object_get(v, volume_sources[k]);
                        if (!s || json_is_null(s))
                                continue;
                        _cleanup_free_ char *sp = xasprintf("%s.%s", vp, volume_sources[k]);
                        if (kinds++ > 0) {
                                /* upstream spells two of these paths its own way */
                                const char *src = volume_sources[k];
                                _cleanup_free_ char *fp =
                                    xasprintf("%s.%s", vp,
                                              streq(src, "downwardAPI") ? "downwarAPI"
                                              : streq(src, "cephfs")    ? "cephFS"
                                                                        : src);
                                ferr_forbidden(el, fp, "may not specify more than 1 volume type");
                                continue;
                        }
                        const char *src = volume_sources[k];
                        if (streq(src, "hostPath")) {
                                const char *hp = jstr(s, "path");
                                _cleanup_free_ char *pp = xasprintf("%s.path", sp);
                                if (!hp || !*hp)
                                        ferr_required(el, pp, NULL);
                                else {
                                        no_backsteps_validate(hp, pp, el);
                                        const char *t = jstr(s, "type");
                                        if (t && !in_list(t, host_path_types)) {
                                                _cleanup_free_ char *tp = xasprintf("%s.type", sp);
                                                ferr_not_supported(el, tp, t, host_path_types);
                                        }
                                }
                        } else if (streq(src, "emptyDir")) {
                                struct quantity q, zero = {0, QF_DECIMAL_SI};
                                if (quantity_of(json_object_get(s, "sizeLimit"), &q) &&
                                    quantity_cmp(&q, &zero) < 0) {
                                        _cleanup_free_ char *lp = xasprintf("%s.sizeLimit", sp);
                                        ferr_forbidden(el, lp,
                                                       "SizeLimit field must be a valid "
                                                       "resource quantity");
                                }
                        } else if (streq(src, "secret") || streq(src, "configMap")) {
                                const char *key = streq(src, "secret") ? "secretName" : "name";
                                const char *n = jstr(s, key);
                                _cleanup_free_ char *kp = xasprintf("%s.%s", sp, key);
                                if (!n || !*n)
                                        ferr_required(el, kp, NULL);
                                else
                                        object_name_validate(n, false, kp, el);
                                int64_t mode;
                                if (jint(s, "defaultMode", &mode) && (mode < 0 || mode > 0777)) {
                                        _cleanup_free_ char *mp = xasprintf("%s.defaultMode", sp);
                                        ferr_invalid_int(el, mp, mode,
                                                         "must be a number between 0 and 0777 "
                                                         "(octal), both inclusive");
                                }
                        } else if (streq(src, "persistentVolumeClaim")) {
                                const char *cn = jstr(s, "claimName");
                                if (!cn || !*cn) {
                                        _cleanup_free_ char *cp = xasprintf("%s.claimName", sp);
                                        ferr_required(el, cp, NULL);
                                }
                        } else if (streq(src, "nfs")) {
                                const char *server = jstr(s, "server"), *np = jstr(s, "path");
                                _cleanup_free_ char *spp = xasprintf("%s.server", sp);
                                _cleanup_free_ char *ppp = xasprintf("%s.path", sp);
                                if (!server || !*server)
                                        ferr_required(el, spp, NULL);
                                if (!np || !*np)
                                        ferr_required(el, ppp, NULL);
                                else if (np[0] != '/')
                                        ferr_invalid_str(el, ppp, np, "must be an absolute path");
                        }
                }
                if (kinds == 0)
                        ferr_required(el, vp, "must specify a volume type");
                _cleanup_free_ char *np = xasprintf("%s.name", vp);
                if (!name || !*name)
                        ferr_required(el, np, NULL);
                else
                        dns1123_label_validate(name, np, el);
                if (json_object_get(vols, name ? name : ""))
                        ferr_duplicate_str(el, np, name ? name : "");
                if (json_array_size(el) == 0)
                        json_object_set(vols, name ? name : "", v);
                else
                        json_array_extend(causes, el);
                json_decref(el);
        }
        return vols;
}

static void tolerations_validate(json_t *tols, const char *path, json_t *causes)
{
        static const char *const ops[] = {"Equal", "Exists", NULL};
        static const char *const effects[] = {"NoSchedule", "PreferNoSchedule", "NoExecute", NULL};
        for (size_t i = 0; i < json_array_size(tols); i++) {
                json_t *t = json_array_get(tols, i);
                const char *key = jstr(t, "key"), *op = jstr(t, "operator");
                const char *value = jstr(t, "value"), *effect = jstr(t, "effect");
                key = key ? key : "";
                op = op ? op : "";
                value = value ? value : "";
                effect = effect ? effect : "";
                _cleanup_free_ char *kp = xasprintf("%s[%zu].key", path, i);
                _cleanup_free_ char *opp = xasprintf("%s[%zu].operator", path, i);
                _cleanup_free_ char *ep = xasprintf("%s[%zu].effect", path, i);
                if (*key)
                        qualified_name_validate(key, kp, causes);
                if (!*key && !streq(op, "Exists"))
                        ferr_invalid_str(causes, opp, op,
                                         "operator must be Exists when `key` is empty, which means "
                                         "\"match all values and all keys\"");
                if (json_is_integer(json_object_get(t, "tolerationSeconds")) &&
                    !streq(effect, "NoExecute"))
                        ferr_invalid_str(
                            causes, ep, effect,
                            "effect must be 'NoExecute' when `tolerationSeconds` is set");
                if (!*op || streq(op, "Equal")) {
                        json_t *tmp = json_array();
                        json_t *m = json_pack("{ss}", "k", value);
                        labels_validate(m, opp, tmp);
                        if (json_array_size(tmp)) {
                                /* the value messages joined with ";" into one cause */
                                struct buf b;
                                buf_init(&b, 0);
                                int r = 0;
                                _cleanup_free_ char *q = go_quote(value);
                                for (size_t j = 0; j < json_array_size(tmp) && r >= 0; j++) {
                                        const char *msg = jstr(json_array_get(tmp, j), "message");
                                        size_t skip = strlen("Invalid value: ") + strlen(q) + 2;
                                        if (msg && strlen(msg) > skip)
                                                r = buf_printf(&b, "%s%s", j ? ";" : "",
                                                               msg + skip);
                                }
                                _cleanup_free_ char *d = buf_steal(&b);
                                ferr_invalid_str(causes, opp, value, d);
                        }
                        json_decref(m);
                        json_decref(tmp);
                } else if (streq(op, "Exists")) {
                        if (*value)
                                ferr_invalid_str(causes, opp, value,
                                                 "value must be empty when `operator` is 'Exists'");
                } else
                        ferr_not_supported(causes, opp, op, ops);
                if (*effect && !in_list(effect, effects))
                        ferr_not_supported(causes, ep, effect, effects);
        }
}

static void podspec_validate_opts(json_t *spec, const char *path, bool is_pod, json_t *causes)
{
        if (!json_is_object(spec))
                spec = NULL;
        _cleanup_free_ char *tgp = xasprintf("%s.terminationGracePeriodSeconds", path);
        if (!json_is_integer(json_object_get(spec, "terminationGracePeriodSeconds")))
                ferr_required(causes, tgp, NULL);
        json_t *vols = volumes_validate(spec, path, causes);
        containers_validate(spec, vols, path, causes);
        init_containers_validate(spec, vols, path, causes);
        json_decref(vols);
        if (jbool(spec, "hostNetwork")) {
                json_t *cs = json_object_get(spec, "containers");
                for (size_t i = 0; i < json_array_size(cs); i++) {
                        json_t *ports = json_object_get(json_array_get(cs, i), "ports");
                        for (size_t j = 0; j < json_array_size(ports); j++) {
                                int64_t hp = 0, cp = 0;
                                jint(json_array_get(ports, j), "hostPort", &hp);
                                jint(json_array_get(ports, j), "containerPort", &cp);
                                if ((is_pod || hp != 0) && hp != cp) {
                                        _cleanup_free_ char *p = xasprintf(
                                            "%s.containers[%zu].ports[%zu].hostPort", path, i, j);
                                        ferr_invalid_int(causes, p, hp,
                                                         "must match `containerPort` when "
                                                         "`hostNetwork` is true");
                                }
                        }
                }
        }
        enum_validate(spec, "restartPolicy", path, restart_policies, causes);
        enum_validate(spec, "dnsPolicy", path, dns_policies, causes);
        _cleanup_free_ char *nsp = xasprintf("%s.nodeSelector", path);
        labels_validate(json_object_get(spec, "nodeSelector"), nsp, causes);
        json_t *psc = json_object_get(spec, "securityContext");
        if (json_is_object(psc)) {
                _cleanup_free_ char *p = xasprintf("%s.securityContext", path);
                id_range_validate(psc, "fsGroup", p, causes);
                id_range_validate(psc, "runAsUser", p, causes);
                id_range_validate(psc, "runAsGroup", p, causes);
                json_t *groups = json_object_get(psc, "supplementalGroups");
                for (size_t i = 0; i < json_array_size(groups); i++) {
                        json_t *g = json_array_get(groups, i);
                        if (json_is_integer(g) &&
                            (json_integer_value(g) < 0 || json_integer_value(g) > INT32_MAX)) {
                                _cleanup_free_ char *gp =
                                    xasprintf("%s.supplementalGroups[%zu]", p, i);
                                ferr_invalid_int(causes, gp, json_integer_value(g),
                                                 "must be between 0 and " INT32_MAX_STR
                                                 ", inclusive");
                        }
                }
        }
        static const char *const subdomains[] = {"serviceAccountName", "nodeName",
                                                 "priorityClassName"};
        for (size_t i = 0; i < ARRAY_SIZE(subdomains); i++) {
                const char *v = jstr(spec, subdomains[i]);
                if (v && *v) {
                        _cleanup_free_ char *p = xasprintf("%s.%s", path, subdomains[i]);
                        object_name_validate(v, false, p, causes);
                }
        }
        int64_t ads;
        if (jint(spec, "activeDeadlineSeconds", &ads) && (ads < 1 || ads > INT32_MAX)) {
                _cleanup_free_ char *p = xasprintf("%s.activeDeadlineSeconds", path);
                ferr_invalid_int(causes, p, ads,
                                 "must be between 1 and " INT32_MAX_STR ", inclusive");
        }
        static const char *const labels[] = {"hostname", "subdomain"};
        for (size_t i = 0; i < ARRAY_SIZE(labels); i++) {
                const char *v = jstr(spec, labels[i]);
                if (v && *v) {
                        _cleanup_free_ char *p = xasprintf("%s.%s", path, labels[i]);
                        dns1123_label_validate(v, p, causes);
                }
        }
        _cleanup_free_ char *tp = xasprintf("%s.tolerations", path);
        tolerations_validate(json_object_get(spec, "tolerations"), tp, causes);
}

void podspec_validate(json_t *spec, const char *path, json_t *causes)
{
        podspec_validate_opts(spec, path, false, causes);
}

/* ---------------------------------------------------------------- pods */

static void pod_only_validate(json_t *spec, json_t *causes)
{
        static const char *const lists[] = {"containers", "initContainers"};
        for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
                json_t *cs = json_object_get(spec, lists[l]);
                for (size_t i = 0; i < json_array_size(cs); i++) {
                        const char *image = jstr(json_array_get(cs, i), "image");
                        size_t n = image ? strlen(image) : 0;
                        if (n && (strchr(" \t\n\r\v\f", image[0]) ||
                                  strchr(" \t\n\r\v\f", image[n - 1]))) {
                                _cleanup_free_ char *p =
                                    xasprintf("spec.%s[%zu].image", lists[l], i);
                                ferr_invalid_str(causes, p, image,
                                                 "must not have leading or trailing whitespace");
                        }
                }
        }
}

static bool container_updates_validate(json_t *nc, json_t *oc, const char *path, json_t *causes)
{
        if (json_array_size(nc) != json_array_size(oc)) {
                ferr_forbidden(causes, path, "pod updates may not add or remove containers");
                return false;
        }
        for (size_t i = 0; i < json_array_size(nc); i++) {
                const char *image = jstr(json_array_get(nc, i), "image");
                if (!image || !*image) {
                        _cleanup_free_ char *p = xasprintf("%s[%zu].image", path, i);
                        ferr_required(causes, p, NULL);
                }
        }
        return true;
}

/* A toleration with its tolerationSeconds and zero-valued members dropped, serialised with
 * sorted keys: equal keys mean "equal except tolerationSeconds" (semantically). */
static char *toleration_key(json_t *t)
{
        json_t *c = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(t, k, v) if (!streq(k, "tolerationSeconds") &&
                                         !json_semantic_equal(v, NULL)) json_object_set(c, k, v);
        char *key = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(c);
        return key ? key : xstrdup("");
}

/* A short, cmp.Diff-like account of what changed, one "-"/"+" pair per top-level field. */
static char *spec_diff(json_t *old, json_t *new)
{
        struct buf b;
        buf_init(&b, 64 * 1024);
        int r = buf_puts(&b, "  core.PodSpec{\n");
        json_t *keys = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(old, k, v) json_object_set_new(keys, k, json_true());
        json_object_foreach(new, k, v) json_object_set_new(keys, k, json_true());
        json_object_foreach(keys, k, v)
        {
                json_t *a = json_object_get(old, k), *c = json_object_get(new, k);
                if (json_semantic_equal(a, c) || r < 0)
                        continue;
                _cleanup_free_ char *sa = a ? jdump(a) : xstrdup("nil");
                _cleanup_free_ char *sc = c ? jdump(c) : xstrdup("nil");
                r = buf_printf(&b, "- \t%c%s: %s,\n+ \t%c%s: %s,\n", k[0] & ~0x20, k + 1, sa,
                               k[0] & ~0x20, k + 1, sc);
        }
        json_decref(keys);
        if (r >= 0)
                r = buf_puts(&b, "  }\n");
        return buf_steal(&b);
}

static void pod_update_validate(json_t *pod, json_t *old, json_t *causes)
{
        json_t *spec = json_object_get(pod, "spec"), *ospec = json_object_get(old, "spec");
        if (!container_updates_validate(json_object_get(spec, "containers"),
                                        json_object_get(ospec, "containers"), "spec.containers",
                                        causes))
                return;
        if (!container_updates_validate(json_object_get(spec, "initContainers"),
                                        json_object_get(ospec, "initContainers"),
                                        "spec.initContainers", causes))
                return;
        int64_t nads, oads;
        bool has_n = jint(spec, "activeDeadlineSeconds", &nads);
        bool has_o = jint(ospec, "activeDeadlineSeconds", &oads);
        if (has_n) {
                if (nads < 0 || nads > INT32_MAX) {
                        ferr_invalid_int(causes, "spec.activeDeadlineSeconds", nads,
                                         "must be between 0 and " INT32_MAX_STR ", inclusive");
                        return;
                }
                if (has_o && oads < nads) {
                        ferr_invalid_int(causes, "spec.activeDeadlineSeconds", nads,
                                         "must be less than or equal to previous value");
                        return;
                }
        } else if (has_o) {
                ferr_invalid_raw(causes, "spec.activeDeadlineSeconds", "null",
                                 "must not update from a positive integer to nil value");
        }
        json_t *ntol = json_object_get(spec, "tolerations");
        json_t *otol = json_object_get(ospec, "tolerations");
        json_t *have = json_object(); /* set of new tolerations, keyed without the seconds */
        for (size_t j = 0; j < json_array_size(ntol); j++) {
                _cleanup_free_ char *key = toleration_key(json_array_get(ntol, j));
                json_object_set_new(have, key, json_true());
        }
        for (size_t i = 0; i < json_array_size(otol); i++) {
                _cleanup_free_ char *key = toleration_key(json_array_get(otol, i));
                if (!json_object_get(have, key)) {
                        ferr_forbidden(causes, "spec.tolerations",
                                       "existing toleration can not be modified except its "
                                       "tolerationSeconds");
                        break;
                }
        }
        json_decref(have);
        if (json_semantic_equal(spec, ospec))
                return;
        json_t *munged = json_deep_copy(json_is_object(spec) ? spec : NULL);
        if (!munged)
                munged = json_object();
        static const char *const lists[] = {"containers", "initContainers"};
        for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
                json_t *cs = json_object_get(munged, lists[l]),
                       *ocs = json_object_get(ospec, lists[l]);
                for (size_t i = 0; i < json_array_size(cs); i++) {
                        json_t *oi = json_object_get(json_array_get(ocs, i), "image");
                        if (oi)
                                json_object_set(json_array_get(cs, i), "image", oi);
                        else
                                json_object_del(json_array_get(cs, i), "image");
                }
        }
        static const char *const copied[] = {"activeDeadlineSeconds", "schedulingGates",
                                             "tolerations"};
        for (size_t i = 0; i < ARRAY_SIZE(copied); i++) {
                json_t *ov = json_object_get(ospec, copied[i]);
                if (ov)
                        json_object_set(munged, copied[i], ov);
                else
                        json_object_del(munged, copied[i]);
        }
        int64_t otg, ntg;
        if (jint(ospec, "terminationGracePeriodSeconds", &otg) && otg < 0 &&
            jint(munged, "terminationGracePeriodSeconds", &ntg) && ntg == 1)
                jset_int(munged, "terminationGracePeriodSeconds", otg);
        if (json_array_size(json_object_get(ospec, "schedulingGates")) > 0) {
                /* gated pods may gain nodeSelector entries */
                json_t *ons = json_object_get(ospec, "nodeSelector");
                json_t *nns = json_object_get(munged, "nodeSelector");
                const char *k;
                json_t *v;
                bool additions_only = true;
                json_object_foreach(ons, k, v) additions_only &=
                    json_equal(v, json_object_get(nns, k));
                if (additions_only) {
                        if (ons)
                                json_object_set(munged, "nodeSelector", ons);
                        else
                                json_object_del(munged, "nodeSelector");
                }
        }
        if (!json_semantic_equal(munged, ospec)) {
                _cleanup_free_ char *diff = spec_diff(ospec, munged);
                _cleanup_free_ char *d = xasprintf(
                    "pod updates may not change fields other than "
                    "`spec.containers[*].image`,`spec.initContainers[*].image`,"
                    "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
                    "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be "
                    "set to 1 if it was previously negative)\n%s",
                    diff);
                ferr_forbidden(causes, "spec", d);
        }
        json_decref(munged);
}

void pod_validate(json_t *pod, json_t *old, json_t *causes)
{
        json_t *spec = json_object_get(pod, "spec");
        if (old)
                meta_validate_update(pod, old, causes);
        podspec_validate_opts(spec, "spec", true, causes);
        pod_only_validate(spec, causes);
        if (!old) {
                if (json_array_size(json_object_get(spec, "ephemeralContainers")) > 0)
                        ferr_forbidden(causes, "spec.ephemeralContainers",
                                       "cannot be set on create");
                const char *node = jstr(spec, "nodeName");
                if (node && *node && json_array_size(json_object_get(spec, "schedulingGates")) > 0)
                        ferr_forbidden(causes, "spec.nodeName",
                                       "cannot be set until all schedulingGates have been cleared");
                return;
        }
        pod_update_validate(pod, old, causes);
}
