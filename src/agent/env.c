/* env.c — a container's environment as the kubelet builds it: envFrom sources first (in
 * order, keys that are not valid names skipped), then env entries overriding; values from
 * configMapKeyRef / secretKeyRef / fieldRef / resourceFieldRef; $(VAR) in values expands
 * from what was defined before it.  Missing references give the kubelet's
 * CreateContainerConfigError messages. */
#include <stdarg.h>
#include "agent/agent_int.h"
#include "base/buf.h"
#include "runtime/bundle.h"
#include "volume/volume.h"

static int b64v(int c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

static char *b64dec(const char *s)
{
        size_t n = strlen(s), o = 0;
        char *out = xmalloc(n + 1);
        uint32_t acc = 0;
        int bits = 0;
        for (size_t i = 0; i < n; i++) {
                int v = b64v((unsigned char)s[i]);
                if (v < 0)
                        continue;
                acc = (acc << 6) | (uint32_t)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        out[o++] = (char)((acc >> bits) & 0xff);
                }
        }
        out[o] = 0;
        return out;
}

static bool valid_env_name(const char *k)
{
        if (!k || !*k || (*k >= '0' && *k <= '9'))
                return false;
        for (const char *p = k; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
                        return false;
        return true;
}

static void put(json_t *order, json_t *vals, const char *k, const char *v)
{
        if (!json_object_get(vals, k))
                json_array_append_new(order, json_string(k));
        json_object_set_new(vals, k, json_string(v));
}

json_t *env_resolve(json_t *pod, json_t *c, char *err, size_t errlen)
{
        const char *ns = jstr(pod, "metadata.namespace") ?: "default";
        _cleanup_json_ json_t *order = json_array(), *vals = json_object(), *cache = json_object();
        json_t *src;
        size_t i;
        json_array_foreach(jget(c, "envFrom"), i, src)
        {
                bool secret = jget(src, "secretRef") != NULL;
                const char *name = jstr(src, secret ? "secretRef.name" : "configMapRef.name");
                bool optional = jbool(src, secret ? "secretRef.optional" : "configMapRef.optional");
                const char *prefix = jstr(src, "prefix") ?: "";
                int code = 0;
                _cleanup_json_ json_t *obj =
                        agent_get_object(secret ? "secrets" : "configmaps", ns, name ?: "", &code);
                if (!obj) {
                        if (optional)
                                continue;
                        snprintf(err, errlen, "%s \"%s\" not found", secret ? "secret" : "configmap",
                                 name ?: "");
                        return NULL;
                }
                const char *k;
                json_t *v;
                json_object_foreach(jget(obj, "data"), k, v)
                {
                        _cleanup_free_ char *key = xasprintf("%s%s", prefix, k);
                        if (!valid_env_name(key))
                                continue;
                        _cleanup_free_ char *val =
                                secret ? b64dec(json_string_value(v) ?: "") : xstrdup(json_string_value(v) ?: "");
                        put(order, vals, key, val);
                }
        }
        json_t *e;
        json_array_foreach(jget(c, "env"), i, e)
        {
                const char *name = jstr(e, "name");
                if (!name)
                        continue;
                json_t *vf = jget(e, "valueFrom");
                _cleanup_free_ char *val = NULL;
                if (!vf) {
                        val = bundle_expand(jstr(e, "value") ?: "", vals);
                } else if (jget(vf, "configMapKeyRef") || jget(vf, "secretKeyRef")) {
                        bool secret = jget(vf, "secretKeyRef") != NULL;
                        json_t *ref = jget(vf, secret ? "secretKeyRef" : "configMapKeyRef");
                        const char *on = jstr(ref, "name") ?: "", *key = jstr(ref, "key") ?: "";
                        _cleanup_free_ char *ck = xasprintf("%s/%s", secret ? "s" : "c", on);
                        json_t *obj = json_object_get(cache, ck);
                        if (!obj) {
                                int code = 0;
                                obj = agent_get_object(secret ? "secrets" : "configmaps", ns, on, &code);
                                json_object_set_new(cache, ck, obj ? obj : json_null());
                                obj = json_object_get(cache, ck);
                        }
                        json_t *v = json_is_null(obj) ? NULL : json_object_get(jget(obj, "data"), key);
                        if (!v) {
                                if (jbool(ref, "optional"))
                                        continue;
                                if (json_is_null(obj))
                                        snprintf(err, errlen, "%s \"%s\" not found",
                                                 secret ? "secret" : "configmap", on);
                                else
                                        snprintf(err, errlen, "couldn't find key %s in %s %s/%s", key,
                                                 secret ? "Secret" : "ConfigMap", ns, on);
                                return NULL;
                        }
                        val = secret ? b64dec(json_string_value(v) ?: "") : xstrdup(json_string_value(v) ?: "");
                } else if (jget(vf, "fieldRef")) {
                        val = pod_field_value(pod, jstr(vf, "fieldRef.fieldPath"));
                        if (!val) {
                                snprintf(err, errlen, "unsupported fieldPath %s",
                                         jstr(vf, "fieldRef.fieldPath") ?: "");
                                return NULL;
                        }
                } else if (jget(vf, "resourceFieldRef")) {
                        const char *cn = jstr(vf, "resourceFieldRef.containerName");
                        json_t *target = c;
                        if (cn && *cn) {
                                json_t *x;
                                size_t j;
                                json_array_foreach(jget(pod, "spec.containers"), j, x) if (streq(jstr(x, "name"), cn))
                                        target = x;
                        }
                        val = pod_resource_value(pod, target, jstr(vf, "resourceFieldRef.resource"),
                                                 jstr(vf, "resourceFieldRef.divisor"));
                        if (!val)
                                val = xstrdup("0");
                } else {
                        val = xstrdup("");
                }
                put(order, vals, name, val);
        }
        json_t *out = json_array(), *k;
        json_array_foreach(order, i, k)
        {
                const char *kn = json_string_value(k);
                json_array_append_new(out, json_pack("{s:s, s:O}", "name", kn, "value",
                                                     json_object_get(vals, kn)));
        }
        return out;
}
