/* jsonu.c — see jsonu.h. */
#include "base/buf.h"
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

/* A plain recursive writer.  jansson's dumper tracks every container it enters in a
 * hashtable keyed by the pointer's printed form (cycle detection), which made it the top
 * cost of large Table lists; our trees are acyclic by construction, so depth is the only
 * guard needed. */
static int jwrite_str(struct buf *b, const char *s, size_t n)
{
        static const char hex[] = "0123456789ABCDEF"; /* as jansson writes them */
        int r = buf_append(b, "\"", 1);
        size_t start = 0;
        for (size_t i = 0; i < n && r == 0; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 0x20 && c != '"' && c != '\\')
                        continue;
                r = buf_append(b, s + start, i - start);
                start = i + 1;
                char e[6] = {'\\', 0};
                size_t el = 2;
                switch (c) {
                case '"':
                        e[1] = '"';
                        break;
                case '\\':
                        e[1] = '\\';
                        break;
                case '\n':
                        e[1] = 'n';
                        break;
                case '\r':
                        e[1] = 'r';
                        break;
                case '\t':
                        e[1] = 't';
                        break;
                case '\b':
                        e[1] = 'b';
                        break;
                case '\f':
                        e[1] = 'f';
                        break;
                default:
                        e[1] = 'u';
                        e[2] = '0';
                        e[3] = '0';
                        e[4] = hex[c >> 4];
                        e[5] = hex[c & 15];
                        el = 6;
                }
                if (r == 0)
                        r = buf_append(b, e, el);
        }
        if (r == 0)
                r = buf_append(b, s + start, n - start);
        if (r == 0)
                r = buf_append(b, "\"", 1);
        return r;
}

int jwrite(struct buf *b, const json_t *j, int depth)
{
        if (depth > 2 * JSON_MAX_DEPTH)
                return -ELOOP;
        int r = 0;
        switch (json_typeof(j)) {
        case JSON_OBJECT: {
                r = buf_append(b, "{", 1);
                const char *k;
                json_t *v;
                bool first = true;
                json_object_foreach((json_t *)j, k, v)
                {
                        if (r == 0 && !first)
                                r = buf_append(b, ",", 1);
                        first = false;
                        if (r == 0)
                                r = jwrite_str(b, k, strlen(k));
                        if (r == 0)
                                r = buf_append(b, ":", 1);
                        if (r == 0)
                                r = jwrite(b, v, depth + 1);
                }
                if (r == 0)
                        r = buf_append(b, "}", 1);
                return r;
        }
        case JSON_ARRAY: {
                r = buf_append(b, "[", 1);
                for (size_t i = 0; r == 0 && i < json_array_size(j); i++) {
                        if (i)
                                r = buf_append(b, ",", 1);
                        if (r == 0)
                                r = jwrite(b, json_array_get(j, i), depth + 1);
                }
                if (r == 0)
                        r = buf_append(b, "]", 1);
                return r;
        }
        case JSON_STRING:
                return jwrite_str(b, json_string_value(j), json_string_length(j));
        case JSON_INTEGER:
                return buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        case JSON_REAL: {
                /* rare in Kubernetes objects: let jansson pick the shortest exact form */
                char *t = json_dumps(j, JSON_ENCODE_ANY);
                r = t ? buf_puts(b, t) : -ENOMEM;
                free(t);
                return r;
        }
        case JSON_TRUE:
                return buf_append(b, "true", 4);
        case JSON_FALSE:
                return buf_append(b, "false", 5);
        default:
                return buf_append(b, "null", 4);
        }
}
