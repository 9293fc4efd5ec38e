/* ferr.c — field errors rendered byte for byte like apimachinery's field.Error.
 *
 * Clients (kubectl, scripts, our acceptance tests) match on these strings, so the rendering
 * rules live in one place: a cause carries the body without the field ("Invalid value:
 * \"x\": detail"), and the Status message is the aggregate of "<field>: <body>" with
 * duplicates dropped, exactly as field.ErrorList.ToAggregate().Error() prints it.
 * Values are rendered the way ErrorBody does: strings through Go's %q, integers bare,
 * composites pre-rendered by the caller (Go %#v look-alikes, see go_render_strmap). */
#include "types/ferr.h"
#include "types/gostr.h"
#include "base/buf.h"

/* A Status message never needs to be larger than the object that caused it. */
#define FERR_AGGREGATE_MAX (2u << 20)

static void add_cause(json_t *causes, const char *reason, const char *field, char *message)
{
        if (!causes) {
                free(message);
                return;
        }
        json_t *c = json_object();
        json_object_set_new(c, "reason", json_string(reason));
        json_object_set_new(c, "message", json_string(message));
        json_object_set_new(c, "field", json_string(field ? field : ""));
        json_array_append_new(causes, c);
        free(message);
}

static int has_text(const char *s)
{
        return s && *s;
}

void ferr_required(json_t *causes, const char *field, const char *detail)
{
        add_cause(causes, "FieldValueRequired", field,
                  has_text(detail) ? xasprintf("Required value: %s", detail)
                                   : xstrdup("Required value"));
}

void ferr_invalid_raw(json_t *causes, const char *field, const char *rendered, const char *detail)
{
        add_cause(causes, "FieldValueInvalid", field,
                  has_text(detail) ? xasprintf("Invalid value: %s: %s", rendered, detail)
                                   : xasprintf("Invalid value: %s", rendered));
}

void ferr_invalid_str(json_t *causes, const char *field, const char *value, const char *detail)
{
        _cleanup_free_ char *q = go_quote(value ? value : "");
        ferr_invalid_raw(causes, field, q, detail);
}

void ferr_invalid_int(json_t *causes, const char *field, int64_t value, const char *detail)
{
        char v[32];
        snprintf(v, sizeof(v), "%lld", (long long)value);
        ferr_invalid_raw(causes, field, v, detail);
}

void ferr_invalid_omit(json_t *causes, const char *field, const char *detail)
{
        add_cause(causes, "FieldValueInvalid", field,
                  has_text(detail) ? xasprintf("Invalid value: %s", detail)
                                   : xstrdup("Invalid value"));
}

void ferr_not_supported(json_t *causes, const char *field, const char *value,
                        const char *const *supported)
{
        _cleanup_free_ char *q = go_quote(value ? value : "");
        ferr_not_supported_raw(causes, field, q, supported);
}

void ferr_not_supported_raw(json_t *causes, const char *field, const char *rendered,
                            const char *const *supported)
{
        struct buf b;
        buf_init(&b, 0);
        int r = buf_printf(&b, "Unsupported value: %s", rendered);
        for (size_t i = 0; r >= 0 && supported && supported[i]; i++) {
                _cleanup_free_ char *q = go_quote(supported[i]);
                r = buf_printf(&b, "%s%s", i ? ", " : ": supported values: ", q);
        }
        add_cause(causes, "FieldValueNotSupported", field, buf_steal(&b));
}

void ferr_duplicate_str(json_t *causes, const char *field, const char *value)
{
        _cleanup_free_ char *q = go_quote(value ? value : "");
        ferr_duplicate_raw(causes, field, q);
}

void ferr_duplicate_raw(json_t *causes, const char *field, const char *rendered)
{
        add_cause(causes, "FieldValueDuplicate", field, xasprintf("Duplicate value: %s", rendered));
}

void ferr_not_found(json_t *causes, const char *field, const char *value)
{
        _cleanup_free_ char *q = go_quote(value ? value : "");
        add_cause(causes, "FieldValueNotFound", field, xasprintf("Not found: %s", q));
}

void ferr_forbidden(json_t *causes, const char *field, const char *detail)
{
        add_cause(causes, "FieldValueForbidden", field,
                  has_text(detail) ? xasprintf("Forbidden: %s", detail) : xstrdup("Forbidden"));
}

void ferr_too_long(json_t *causes, const char *field, int64_t max)
{
        add_cause(causes, "FieldValueTooLong", field,
                  xasprintf("Too long: may not be more than %lld bytes", (long long)max));
}

void ferr_too_many(json_t *causes, const char *field, int64_t actual, int64_t max)
{
        add_cause(causes, "FieldValueTooMany", field,
                  xasprintf("Too many: %lld: must have at most %lld items", (long long)actual,
                            (long long)max));
}

char *go_quote(const char *s)
{
        struct buf b;
        buf_init(&b, 0);
        go_quote_buf(&b, s ? s : "", s ? strlen(s) : 0);
        return buf_steal(&b);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *go_render_strmap(json_t *m)
{
        size_t n = json_is_object(m) ? json_object_size(m) : 0;
        if (!json_is_object(m))
                return xstrdup("map[string]string(nil)");
        const char **keys = xcalloc(n, sizeof(*keys));
        size_t i = 0;
        const char *k;
        json_t *v;
        json_object_foreach(m, k, v) keys[i++] = k;
        qsort(keys, n, sizeof(*keys), cmp_str); /* Go prints maps with sorted keys */
        struct buf b;
        buf_init(&b, 0);
        int r = buf_puts(&b, "map[string]string{");
        for (i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *qk = go_quote(keys[i]);
                const char *sv = json_string_value(json_object_get(m, keys[i]));
                _cleanup_free_ char *qv = go_quote(sv ? sv : "");
                r = buf_printf(&b, "%s%s:%s", i ? ", " : "", qk, qv);
        }
        if (r >= 0)
                r = buf_puts(&b, "}");
        free(keys);
        return buf_steal(&b);
}

char *ferr_aggregate(json_t *causes)
{
        struct buf b;
        buf_init(&b, FERR_AGGREGATE_MAX);
        size_t n = json_array_size(causes), shown = 0;
        char **lines = xcalloc(n, sizeof(*lines));
        json_t *seen = json_object(); /* a set, so many causes stay linear */
        for (size_t i = 0; i < n; i++) {
                json_t *c = json_array_get(causes, i);
                const char *field = jstr(c, "field"), *msg = jstr(c, "message");
                char *line = xasprintf("%s: %s", field ? field : "", msg ? msg : "");
                if (json_object_get(seen, line)) {
                        free(line);
                        continue;
                }
                json_object_set_new(seen, line, json_true());
                lines[shown++] = line;
        }
        json_decref(seen);
        int r = 0;
        if (shown > 1)
                r = buf_puts(&b, "[");
        for (size_t i = 0; i < shown && r >= 0; i++) {
                if (i)
                        r = buf_puts(&b, ", ");
                if (r >= 0)
                        r = buf_puts(&b, lines[i]);
        }
        if (shown > 1 && r >= 0)
                r = buf_puts(&b, "]");
        for (size_t i = 0; i < shown; i++)
                free(lines[i]);
        free(lines);
        if (!b.data)
                return xstrdup("");
        return buf_steal(&b);
}
