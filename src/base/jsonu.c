/* jsonu.c — see jsonu.h. */
#include "base/jsonu.h"

json_t *jget(json_t *o, const char *path)
{
        const char *p = path;
        while (o && *p) {
                const char *dot = strchr(p, '.');
                size_t n = dot ? (size_t)(dot - p) : strlen(p);
                if (!json_is_object(o))
                        return NULL;
                o = json_object_getn(o, p, n);
                p += n;
                if (*p == '.')
                        p++;
        }
        return o;
}

const char *jstr(json_t *o, const char *path)
{
        json_t *v = jget(o, path);
        return json_is_string(v) ? json_string_value(v) : NULL;
}

bool jint(json_t *o, const char *path, int64_t *ret)
{
        json_t *v = jget(o, path);
        if (!json_is_integer(v))
                return false;
        if (ret)
                *ret = json_integer_value(v);
        return true;
}

bool jbool(json_t *o, const char *path)
{
        return json_is_true(jget(o, path));
}

json_t *jobj(json_t *o, const char *key)
{
        json_t *c = json_object_get(o, key);
        if (json_is_object(c))
                return c;
        c = json_object();
        json_object_set_new(o, key, c);
        return c;
}

json_t *jobj_path(json_t *o, const char *path)
{
        const char *p = path;
        while (*p) {
                const char *dot = strchr(p, '.');
                size_t n = dot ? (size_t)(dot - p) : strlen(p);
                _cleanup_free_ char *k = xstrndup(p, n);
                o = jobj(o, k);
                p += n;
                if (*p == '.')
                        p++;
        }
        return o;
}

void jset_str(json_t *o, const char *key, const char *v)
{
        json_object_set_new(o, key, json_string(v));
}

void jset_int(json_t *o, const char *key, int64_t v)
{
        json_object_set_new(o, key, json_integer(v));
}

char *jdump(const json_t *j)
{
        char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!s)
                abort();
        return s;
}

/* jansson's own limit is 2048 levels; a cheap pre-scan enforces ours before parsing. */
static int json_depth_ok(const char *d, size_t n, int max)
{
        int depth = 0;
        bool in_str = false;
        for (size_t i = 0; i < n; i++) {
                char c = d[i];
                if (in_str) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_str = false;
                        continue;
                }
                if (c == '"')
                        in_str = true;
                else if (c == '{' || c == '[') {
                        if (++depth > max)
                                return 0;
                } else if (c == '}' || c == ']')
                        depth--;
        }
        return 1;
}

json_t *jparse(const char *data, size_t len, int max_depth, char *err, size_t errlen)
{
        if (!json_depth_ok(data, len, max_depth)) {
                snprintf(err, errlen, "JSON nesting exceeds the maximum depth of %d", max_depth);
                return NULL;
        }
        json_error_t je;
        json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
        if (!j)
                snprintf(err, errlen, "%s (line %d, column %d)", je.text, je.line, je.column);
        return j;
}
