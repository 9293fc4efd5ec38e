/* patch.c — JSON merge patch, JSON patch and strategic merge patch over jansson trees.
 *
 * Ownership: every entry point deep-copies doc once and then edits that private copy in
 * place; values taken from the patch are always copied, so neither argument is touched and
 * a failure half way through leaves nothing behind.
 *
 * Strategic merge follows apimachinery's strategicpatch.mergeMap as the API server runs it
 * (MergeParallelList and IgnoreUnmatchedNulls on), with the Go struct tags replaced by a
 * small table of the list fields that carry patchStrategy/patchMergeKey in k8s.io/api
 * (smp_* types below), looked up by walking the object from its kind.  A list with no
 * entry is atomic and replaced, as upstream does for fields without a strategy.  Element
 * order follows upstream's normalizeElementOrder: patch (or $setElementOrder) order for
 * the elements the patch names, live order for the rest, interleaved by live position.
 * Where upstream would be odd we are deliberately plainer: a value added where nothing is
 * merged has its nulls and directives stripped (upstream drops a whole map carrying
 * $patch: replace there), and `$patch: merge` is accepted as the explicit default instead
 * of an error.  Element identities (merge-key values, primitives) are hashed so a hostile
 * list costs O(n), not upstream's O(n²).
 *
 * Hostile input: all three refuse documents nested deeper than JSON_MAX_DEPTH (the same
 * cap as request bodies, so a patched object can always be parsed again), JSON patch is
 * limited to PATCH_MAX_OPS operations and a budget of nodes walked or copied (a chain of
 * copy operations otherwise doubles the document each step). */
#include <limits.h>
#include <stdarg.h>
#include "api/patch.h"

#define PATCH_MAX_DEPTH JSON_MAX_DEPTH
#define PATCH_MAX_OPS 10000           /* as the Kubernetes API server */
#define PATCH_MAX_WORK (8u << 20)     /* JSON patch: nodes copied, compared or measured */

struct patch_ctx {
        char *err;
        size_t errlen;
        size_t work;
};

static int pfail(struct patch_ctx *c, const char *fmt, ...) _printf_(2, 3);
static int pfail(struct patch_ctx *c, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        if (c->err && c->errlen)
                vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

static const char *jtype_name(const json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_OBJECT:
                return "object";
        case JSON_ARRAY:
                return "list";
        case JSON_STRING:
                return "string";
        case JSON_INTEGER:
        case JSON_REAL:
                return "number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "boolean";
        default:
                return "null";
        }
}

/* Depth of v (a scalar is 0, {} is 1), or PATCH_MAX_DEPTH + 1 as soon as that is exceeded;
 * *nodes counts what was visited.  Recursion never goes deeper than the cap. */
static int jdepth(const json_t *v, int level, size_t *nodes)
{
        (*nodes)++;
        if (!json_is_object(v) && !json_is_array(v))
                return 0;
        if (level >= PATCH_MAX_DEPTH)
                return PATCH_MAX_DEPTH + 1;
        int max = 0;
        if (json_is_object(v)) {
                const char *k;
                json_t *x;
                json_object_foreach((json_t *)v, k, x) {
                        int d = jdepth(x, level + 1, nodes);
                        if (d > max)
                                max = d;
                        if (max > PATCH_MAX_DEPTH)
                                break;
                }
        } else {
                size_t i;
                json_t *x;
                json_array_foreach(v, i, x) {
                        int d = jdepth(x, level + 1, nodes);
                        if (d > max)
                                max = d;
                        if (max > PATCH_MAX_DEPTH)
                                break;
                }
        }
        return max + 1 > PATCH_MAX_DEPTH ? PATCH_MAX_DEPTH + 1 : max + 1;
}

static int check_depth(struct patch_ctx *c, const json_t *v, const char *what)
{
        size_t nodes = 0;
        if (jdepth(v, 0, &nodes) > PATCH_MAX_DEPTH)
                return pfail(c, "%s nesting exceeds the maximum depth of %d", what,
                             PATCH_MAX_DEPTH);
        return 0;
}

/* Numbers compare by value (1 == 1.0), objects regardless of key order. */
static bool jequal(const json_t *a, const json_t *b)
{
        if (json_is_number(a) && json_is_number(b)) {
                if (json_is_integer(a) && json_is_integer(b))
                        return json_integer_value(a) == json_integer_value(b);
                return json_number_value(a) == json_number_value(b);
        }
        if (json_typeof(a) != json_typeof(b))
                return false;
        if (json_is_object(a)) {
                if (json_object_size(a) != json_object_size(b))
                        return false;
                const char *k;
                json_t *x;
                json_object_foreach((json_t *)a, k, x) {
                        json_t *y = json_object_get(b, k);
                        if (!y || !jequal(x, y))
                                return false;
                }
                return true;
        }
        if (json_is_array(a)) {
                if (json_array_size(a) != json_array_size(b))
                        return false;
                for (size_t i = 0; i < json_array_size(a); i++)
                        if (!jequal(json_array_get(a, i), json_array_get(b, i)))
                                return false;
                return true;
        }
        return json_equal(a, b);
}

/* ======================================================================================
 * JSON merge patch (RFC 7386)
 * ====================================================================================== */

/* target is owned (may be NULL) and edited in place; returns the result, owned. */
static json_t *merge_apply(json_t *target, json_t *patch)
{
        if (!json_is_object(patch)) {
                json_decref(target);
                return json_deep_copy(patch);
        }
        if (!json_is_object(target)) {
                json_decref(target);
                target = json_object();
        }
        const char *k;
        json_t *v;
        json_object_foreach(patch, k, v) {
                if (json_is_null(v)) {
                        json_object_del(target, k);
                        continue;
                }
                json_t *cur = json_object_get(target, k);
                json_object_set_new(target, k, merge_apply(json_incref(cur), v));
        }
        return target;
}

json_t *patch_merge(json_t *doc, json_t *patch, char *err, size_t errlen)
{
        struct patch_ctx c = {.err = err, .errlen = errlen};
        if (!doc || !patch) {
                pfail(&c, "merge patch: missing document or patch");
                return NULL;
        }
        if (check_depth(&c, doc, "document") < 0 || check_depth(&c, patch, "patch") < 0)
                return NULL;
        return merge_apply(json_deep_copy(doc), patch);
}

/* ======================================================================================
 * JSON patch (RFC 6902) with JSON pointers (RFC 6901)
 * ====================================================================================== */

struct jptr {
        char **tok;
        size_t n;
};

static void jptr_release(struct jptr *p)
{
        for (size_t i = 0; i < p->n; i++)
                free(p->tok[i]);
        free(p->tok);
        *p = (struct jptr){0};
}

static int jptr_parse(struct patch_ctx *c, const char *s, struct jptr *ret)
{
        *ret = (struct jptr){0};
        if (!*s)
                return 0;
        if (*s != '/')
                return pfail(c, "JSON pointer \"%.200s\" does not start with '/'", s);
        size_t n = 0;
        for (const char *p = s; *p; p++)
                n += *p == '/';
        ret->tok = xcalloc(n, sizeof(char *));
        const char *p = s + 1;
        for (;;) {
                const char *slash = strchr(p, '/');
                size_t len = slash ? (size_t)(slash - p) : strlen(p);
                char *t = xmalloc(len + 1);
                size_t j = 0;
                ret->tok[ret->n++] = t;
                for (size_t i = 0; i < len; i++) {
                        if (p[i] != '~') {
                                t[j++] = p[i];
                                continue;
                        }
                        if (i + 1 < len && (p[i + 1] == '0' || p[i + 1] == '1')) {
                                t[j++] = p[i + 1] == '0' ? '~' : '/';
                                i++;
                                continue;
                        }
                        t[j] = 0;
                        jptr_release(ret);
                        return pfail(c, "JSON pointer \"%.200s\" has an invalid escape "
                                        "(only ~0 and ~1)", s);
                }
                t[j] = 0;
                if (!slash)
                        break;
                p = slash + 1;
        }
        return 0;
}

/* An array index token: digits without leading zeros; "-" (one past the end) if allowed. */
static int jptr_index(struct patch_ctx *c, const char *tok, size_t size, bool allow_end,
                      const char *path, size_t *ret)
{
        if (streq(tok, "-")) {
                if (!allow_end)
                        return pfail(c, "path %.200s: \"-\" names no existing element", path);
                *ret = size;
                return 0;
        }
        size_t len = strlen(tok);
        if (len == 0 || len > 9 || (len > 1 && tok[0] == '0') || strspn(tok, "0123456789") != len)
                return pfail(c, "path %.200s: \"%.40s\" is not a valid list index", path, tok);
        size_t idx = (size_t)strtoul(tok, NULL, 10);
        if (idx > size || (idx == size && !allow_end))
                return pfail(c, "path %.200s: index %zu is out of range (list has %zu elements)",
                             path, idx, size);
        *ret = idx;
        return 0;
}

/* The container holding the last token of p (p->n >= 1). */
static int jptr_parent(struct patch_ctx *c, json_t *doc, const struct jptr *p, const char *path,
                       json_t **ret)
{
        json_t *cur = doc;
        for (size_t i = 0; i + 1 < p->n; i++) {
                if (json_is_object(cur)) {
                        cur = json_object_get(cur, p->tok[i]);
                } else if (json_is_array(cur)) {
                        size_t idx;
                        int r = jptr_index(c, p->tok[i], json_array_size(cur), false, path, &idx);
                        if (r < 0)
                                return r;
                        cur = json_array_get(cur, idx);
                } else {
                        cur = NULL;
                }
                if (!cur)
                        return pfail(c, "path %.200s does not exist", path);
        }
        if (!json_is_object(cur) && !json_is_array(cur))
                return pfail(c, "path %.200s: parent is a %s, not an object or list", path,
                             cur ? jtype_name(cur) : "missing value");
        *ret = cur;
        return 0;
}

/* Borrowed value at p, or an error if it does not exist. */
static int jptr_get(struct patch_ctx *c, json_t *doc, const struct jptr *p, const char *path,
                    json_t **ret)
{
        if (p->n == 0) {
                *ret = doc;
                return 0;
        }
        json_t *parent;
        int r = jptr_parent(c, doc, p, path, &parent);
        if (r < 0)
                return r;
        const char *last = p->tok[p->n - 1];
        json_t *v;
        if (json_is_object(parent)) {
                v = json_object_get(parent, last);
        } else {
                size_t idx;
                r = jptr_index(c, last, json_array_size(parent), false, path, &idx);
                if (r < 0)
                        return r;
                v = json_array_get(parent, idx);
        }
        if (!v)
                return pfail(c, "path %.200s does not exist", path);
        *ret = v;
        return 0;
}

/* Place value (owned; consumed on every path) at p.  replace=true demands an existing
 * target and overwrites it; otherwise this is RFC 6902 "add". */
static int jptr_put(struct patch_ctx *c, json_t **doc, const struct jptr *p, const char *path,
                    json_t *value, bool replace)
{
        size_t nodes = 0;
        int vd = jdepth(value, 0, &nodes);
        c->work += nodes;
        if (vd + (int)p->n > PATCH_MAX_DEPTH) {
                json_decref(value);
                return pfail(c, "path %.200s: result nesting exceeds the maximum depth of %d", path,
                             PATCH_MAX_DEPTH);
        }
        if (p->n == 0) {
                json_decref(*doc);
                *doc = value;
                return 0;
        }
        json_t *parent;
        int r = jptr_parent(c, *doc, p, path, &parent);
        if (r < 0) {
                json_decref(value);
                return r;
        }
        const char *last = p->tok[p->n - 1];
        if (json_is_object(parent)) {
                if (replace && !json_object_get(parent, last)) {
                        json_decref(value);
                        return pfail(c, "path %.200s does not exist", path);
                }
                json_object_set_new(parent, last, value);
                return 0;
        }
        size_t idx;
        r = jptr_index(c, last, json_array_size(parent), !replace, path, &idx);
        if (r < 0) {
                json_decref(value);
                return r;
        }
        if (replace)
                json_array_set_new(parent, idx, value);
        else
                json_array_insert_new(parent, idx, value);
        return 0;
}

/* Detach the value at p (returned owned). */
static int jptr_remove(struct patch_ctx *c, json_t *doc, const struct jptr *p, const char *path,
                       json_t **ret)
{
        if (p->n == 0)
                return pfail(c, "cannot remove the whole document");
        json_t *parent;
        int r = jptr_parent(c, doc, p, path, &parent);
        if (r < 0)
                return r;
        const char *last = p->tok[p->n - 1];
        if (json_is_object(parent)) {
                json_t *v = json_object_get(parent, last);
                if (!v)
                        return pfail(c, "path %.200s does not exist", path);
                *ret = json_incref(v);
                json_object_del(parent, last);
                return 0;
        }
        size_t idx;
        r = jptr_index(c, last, json_array_size(parent), false, path, &idx);
        if (r < 0)
                return r;
        *ret = json_incref(json_array_get(parent, idx));
        json_array_remove(parent, idx);
        return 0;
}

static bool jptr_is_prefix(const struct jptr *a, const struct jptr *b)
{
        if (a->n > b->n)
                return false;
        for (size_t i = 0; i < a->n; i++)
                if (!streq(a->tok[i], b->tok[i]))
                        return false;
        return true;
}

/* One operation; errors say what went wrong, patch_json() adds which operation. */
static int json_patch_op(struct patch_ctx *c, json_t **doc, json_t *op)
{
        if (!json_is_object(op))
                return pfail(c, "is a %s, not an object", jtype_name(op));
        const char *name = jstr(op, "op");
        const char *path = jstr(op, "path");
        if (!name)
                return pfail(c, "has no \"op\" string");
        if (!path)
                return pfail(c, "has no \"path\" string");
        json_t *value = json_object_get(op, "value");
        const char *from = jstr(op, "from");
        bool is_move = streq(name, "move"), is_copy = streq(name, "copy");
        if ((streq(name, "add") || streq(name, "replace") || streq(name, "test")) && !value)
                return pfail(c, "has no \"value\"");
        if ((is_move || is_copy) && !from)
                return pfail(c, "has no \"from\" string");

        struct jptr p, f = {0};
        int r = jptr_parse(c, path, &p);
        if (r < 0)
                return r;
        if ((is_move || is_copy) && (r = jptr_parse(c, from, &f)) < 0) {
                jptr_release(&p);
                return r;
        }
        json_t *v = NULL;
        size_t nodes = 0;
        if (streq(name, "add")) {
                r = jptr_put(c, doc, &p, path, json_deep_copy(value), false);
        } else if (streq(name, "replace")) {
                r = jptr_put(c, doc, &p, path, json_deep_copy(value), true);
        } else if (streq(name, "remove")) {
                r = jptr_remove(c, *doc, &p, path, &v);
                if (r >= 0)
                        json_decref(v);
        } else if (streq(name, "test")) {
                r = jptr_get(c, *doc, &p, path, &v);
                if (r >= 0) {
                        jdepth(v, 0, &nodes);
                        c->work += nodes;
                        if (!jequal(v, value))
                                r = pfail(c, "test failed: the value at %.200s differs", path);
                }
        } else if (is_copy) {
                r = jptr_get(c, *doc, &f, from, &v);
                if (r >= 0) {
                        jdepth(v, 0, &nodes);
                        c->work += nodes;
                        if (c->work > PATCH_MAX_WORK)
                                r = pfail(c, "copies exceed the size budget of a JSON patch");
                        else
                                r = jptr_put(c, doc, &p, path, json_deep_copy(v), false);
                }
        } else if (is_move) {
                if (f.n < p.n && jptr_is_prefix(&f, &p)) {
                        r = pfail(c, "cannot move %.200s into its own child", from);
                } else if (f.n == p.n && jptr_is_prefix(&f, &p)) {
                        r = jptr_get(c, *doc, &f, from, &v); /* a no-op, but from must exist */
                } else {
                        r = jptr_remove(c, *doc, &f, from, &v);
                        if (r >= 0)
                                r = jptr_put(c, doc, &p, path, v, false);
                }
        } else {
                r = pfail(c, "unknown op (only add, remove, replace, move, copy, test)");
        }
        jptr_release(&p);
        jptr_release(&f);
        if (r >= 0 && c->work > PATCH_MAX_WORK)
                r = pfail(c, "exceeds the size budget of a JSON patch");
        return r;
}

json_t *patch_json(json_t *doc, json_t *ops, char *err, size_t errlen)
{
        struct patch_ctx c = {.err = err, .errlen = errlen};
        if (!doc || !json_is_array(ops)) {
                pfail(&c, "JSON patch must be a list of operations");
                return NULL;
        }
        if (json_array_size(ops) > PATCH_MAX_OPS) {
                pfail(&c, "JSON patch has %zu operations, the maximum is %d", json_array_size(ops),
                      PATCH_MAX_OPS);
                return NULL;
        }
        if (check_depth(&c, doc, "document") < 0 || check_depth(&c, ops, "patch") < 0)
                return NULL;
        _cleanup_json_ json_t *res = json_deep_copy(doc);
        size_t i;
        json_t *op;
        json_array_foreach(ops, i, op) {
                char msg[512];
                struct patch_ctx oc = {.err = msg, .errlen = sizeof(msg), .work = c.work};
                if (json_patch_op(&oc, &res, op) < 0) {
                        const char *name = jstr(op, "op"), *path = jstr(op, "path");
                        if (name && path)
                                pfail(&c, "JSON patch operation %zu (%.20s %.200s): %s", i, name,
                                      path, msg);
                        else
                                pfail(&c, "JSON patch operation %zu %s", i, msg);
                        return NULL;
                }
                c.work = oc.work;
        }
        return TAKE_PTR(res);
}

/* ======================================================================================
 * Strategic merge patch
 * ====================================================================================== */

enum { SMP_ATOMIC, SMP_MERGE };

struct smp_type;
struct smp_field {
        const char *name;
        const char *merge_key;       /* list of objects merged by this key; NULL: a set */
        uint8_t strategy;            /* lists only: SMP_MERGE or SMP_ATOMIC (replace) */
        const struct smp_type *type; /* object type of the value / list elements, or NULL */
};

struct smp_type {
        const char *name;
        const struct smp_field *fields;
        size_t nfields;
};

#define SMP_TYPE(var, nm, ...)                                                                  \
        static const struct smp_field var##_fields[] = {__VA_ARGS__};                          \
        static const struct smp_type var = {nm, var##_fields, ARRAY_SIZE(var##_fields)}
#define KEYED(nm, key, t) {nm, key, SMP_MERGE, t}
#define SET(nm) {nm, NULL, SMP_MERGE, NULL}
#define OBJ(nm, t) {nm, NULL, SMP_ATOMIC, t}

/* patchStrategy:"merge" fields of k8s.io/api core/v1, batch/v1 and meta/v1 reachable from
 * the kinds jobd serves.  Everything else (tolerations, args, command, taints, CronJob
 * status.active, Namespace spec.finalizers, containerStatuses, ...) is atomic. */
SMP_TYPE(smp_objectmeta, "ObjectMeta", KEYED("ownerReferences", "uid", NULL), SET("finalizers"));
SMP_TYPE(smp_container, "Container", KEYED("ports", "containerPort", NULL),
         KEYED("env", "name", NULL), KEYED("volumeMounts", "mountPath", NULL),
         KEYED("volumeDevices", "devicePath", NULL));
SMP_TYPE(smp_podspec, "PodSpec", KEYED("volumes", "name", NULL),
         KEYED("initContainers", "name", &smp_container),
         KEYED("containers", "name", &smp_container),
         KEYED("ephemeralContainers", "name", &smp_container),
         KEYED("imagePullSecrets", "name", NULL), KEYED("hostAliases", "ip", NULL),
         KEYED("topologySpreadConstraints", "topologyKey", NULL),
         KEYED("schedulingGates", "name", NULL), KEYED("resourceClaims", "name", NULL));
SMP_TYPE(smp_podstatus, "PodStatus", KEYED("conditions", "type", NULL),
         KEYED("hostIPs", "ip", NULL), KEYED("podIPs", "ip", NULL),
         KEYED("resourceClaimStatuses", "name", NULL));
SMP_TYPE(smp_pod, "Pod", OBJ("metadata", &smp_objectmeta), OBJ("spec", &smp_podspec),
         OBJ("status", &smp_podstatus));
SMP_TYPE(smp_podtemplatespec, "PodTemplateSpec", OBJ("metadata", &smp_objectmeta),
         OBJ("spec", &smp_podspec));
SMP_TYPE(smp_podtemplate, "PodTemplate", OBJ("metadata", &smp_objectmeta),
         OBJ("template", &smp_podtemplatespec));
SMP_TYPE(smp_jobspec, "JobSpec", OBJ("template", &smp_podtemplatespec));
SMP_TYPE(smp_jobstatus, "JobStatus", KEYED("conditions", "type", NULL));
SMP_TYPE(smp_job, "Job", OBJ("metadata", &smp_objectmeta), OBJ("spec", &smp_jobspec),
         OBJ("status", &smp_jobstatus));
SMP_TYPE(smp_jobtemplatespec, "JobTemplateSpec", OBJ("metadata", &smp_objectmeta),
         OBJ("spec", &smp_jobspec));
SMP_TYPE(smp_cronjobspec, "CronJobSpec", OBJ("jobTemplate", &smp_jobtemplatespec));
SMP_TYPE(smp_cronjob, "CronJob", OBJ("metadata", &smp_objectmeta), OBJ("spec", &smp_cronjobspec));
SMP_TYPE(smp_conditioned, "Status", KEYED("conditions", "type", NULL));
SMP_TYPE(smp_namespace, "Namespace", OBJ("metadata", &smp_objectmeta),
         OBJ("status", &smp_conditioned));
SMP_TYPE(smp_pvc, "PersistentVolumeClaim", OBJ("metadata", &smp_objectmeta),
         OBJ("status", &smp_conditioned));
SMP_TYPE(smp_nodespec, "NodeSpec", SET("podCIDRs"));
SMP_TYPE(smp_nodestatus, "NodeStatus", KEYED("conditions", "type", NULL),
         KEYED("addresses", "type", NULL));
SMP_TYPE(smp_node, "Node", OBJ("metadata", &smp_objectmeta), OBJ("spec", &smp_nodespec),
         OBJ("status", &smp_nodestatus));
SMP_TYPE(smp_generic, "Object", OBJ("metadata", &smp_objectmeta));

static const struct {
        const char *kind;
        const struct smp_type *type;
} smp_kinds[] = {
        {"Pod", &smp_pod},
        {"Job", &smp_job},
        {"CronJob", &smp_cronjob},
        {"PodTemplate", &smp_podtemplate},
        {"Namespace", &smp_namespace},
        {"PersistentVolumeClaim", &smp_pvc},
        {"Node", &smp_node},
};

static const struct smp_field *smp_lookup(const struct smp_type *t, const char *name)
{
        for (size_t i = 0; t && i < t->nfields; i++)
                if (streq(t->fields[i].name, name))
                        return &t->fields[i];
        return NULL;
}

#define DIRECTIVE "$patch"
#define RETAIN_KEYS "$retainKeys"
#define SET_ORDER_PREFIX "$setElementOrder"
#define DELETE_PRIMITIVE_PREFIX "$deleteFromPrimitiveList"

/* The list name after "<prefix>/", or NULL if key is not of that form. */
static const char *smp_directive_key(const char *key, const char *prefix)
{
        size_t n = strlen(prefix);
        if (strncmp(key, prefix, n) != 0 || key[n] != '/' || !key[n + 1])
                return NULL;
        return key + n + 1;
}

static int smp_directive_error(struct patch_ctx *c, const json_t *d)
{
        if (json_is_string(d))
                return pfail(c, "unknown patch type: %.40s", json_string_value(d));
        return pfail(c, "unknown patch type: a %s", jtype_name(d));
}

static bool smp_list_directive(const json_t *el)
{
        const char *d = json_string_value(json_object_get(el, DIRECTIVE));
        return d && (!streq(d, "merge") || json_object_size(el) == 1);
}

/* A patch value copied to a place where nothing is merged: nulls dropped from objects,
 * directives resolved ($patch: delete drops the value, NULL *ret).  In a list, an element
 * carrying $patch (other than merge) is a directive about the list and is dropped, as
 * upstream's removeDirectives does. */
static int smp_clean(struct patch_ctx *c, json_t *v, json_t **ret)
{
        *ret = NULL;
        if (json_is_array(v)) {
                _cleanup_json_ json_t *a = json_array();
                size_t i;
                json_t *x;
                json_array_foreach(v, i, x) {
                        if (json_is_object(x) && smp_list_directive(x))
                                continue;
                        json_t *cx;
                        int r = smp_clean(c, x, &cx);
                        if (r < 0)
                                return r;
                        if (cx)
                                json_array_append_new(a, cx);
                }
                *ret = TAKE_PTR(a);
                return 0;
        }
        if (!json_is_object(v)) {
                *ret = json_deep_copy(v);
                return 0;
        }
        json_t *d = json_object_get(v, DIRECTIVE);
        if (d) {
                if (json_is_string(d) && streq(json_string_value(d), "delete"))
                        return 0;
                if (!json_is_string(d) || (!streq(json_string_value(d), "replace") &&
                                           !streq(json_string_value(d), "merge")))
                        return smp_directive_error(c, d);
        }
        _cleanup_json_ json_t *o = json_object();
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
                if (json_is_null(x) || streq(k, DIRECTIVE) || streq(k, RETAIN_KEYS) ||
                    startswith(k, SET_ORDER_PREFIX) || startswith(k, DELETE_PRIMITIVE_PREFIX))
                        continue;
                json_t *cx;
                int r = smp_clean(c, x, &cx);
                if (r < 0)
                        return r;
                if (cx)
                        json_object_set_new(o, k, cx);
        }
        *ret = TAKE_PTR(o);
        return 0;
}

/* ---- element identity and order --------------------------------------------------------- */

/* A hashable encoding of a list element's identity: the merge key's value for objects in
 * keyed lists, the element itself otherwise.  NULL if an object lacks the merge key. */
static char *smp_ident(const json_t *el, const char *merge_key)
{
        const json_t *v = el;
        if (merge_key) {
                if (!json_is_object(el))
                        return NULL;
                v = json_object_get(el, merge_key);
                if (!v)
                        return NULL;
        }
        switch (json_typeof(v)) {
        case JSON_STRING:
                return xasprintf("s%s", json_string_value(v));
        case JSON_INTEGER:
                return xasprintf("n%lld", (long long)json_integer_value(v));
        case JSON_REAL: {
                double d = json_real_value(v);
                if (d >= -9e15 && d <= 9e15 && d == (double)(long long)d)
                        return xasprintf("n%lld", (long long)d);
                return xasprintf("n%.17g", d);
        }
        case JSON_TRUE:
                return xstrdup("t");
        case JSON_FALSE:
                return xstrdup("f");
        case JSON_NULL:
                return xstrdup("z");
        default: {
                char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
                char *r = xasprintf("j%s", s ? s : "");
                free(s);
                return r;
        }
        }
}

static int smp_no_key(struct patch_ctx *c, const json_t *el, const char *merge_key)
{
        if (!json_is_object(el))
                return pfail(c, "expected a list of objects with merge key %s, found a %s",
                             merge_key, jtype_name(el));
        return pfail(c, "map does not contain declared merge key: %s", merge_key);
}

/* identity → first position in list (a jansson object used as a hash map). */
static int smp_index(struct patch_ctx *c, json_t *list, const char *merge_key, json_t **ret)
{
        _cleanup_json_ json_t *idx = json_object();
        size_t i;
        json_t *el;
        json_array_foreach(list, i, el) {
                _cleanup_free_ char *id = smp_ident(el, merge_key);
                if (!id)
                        return smp_no_key(c, el, merge_key);
                if (!json_object_get(idx, id))
                        json_object_set_new_nocheck(idx, id, json_integer((json_int_t)i));
        }
        *ret = TAKE_PTR(idx);
        return 0;
}

static long smp_pos(json_t *idx, const char *id)
{
        json_t *v = json_object_get(idx, id);
        return v ? (long)json_integer_value(v) : -1;
}

struct smp_item {
        json_t *v;
        long order; /* position in the list that orders this group (-1: absent) */
        long live;  /* position in the live list (-1: absent) */
        size_t pos; /* position in merged, for a stable sort */
};

static int smp_item_cmp(const void *a, const void *b)
{
        const struct smp_item *x = a, *y = b;
        long xo = x->order < 0 ? LONG_MAX : x->order, yo = y->order < 0 ? LONG_MAX : y->order;
        if (xo != yo)
                return xo < yo ? -1 : 1;
        return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* upstream normalizeElementOrder + mergeSortedSlice: the elements of merged that order
 * names, sorted by order; the others ("server only"), sorted by live; then interleaved:
 * a server-only element goes first when both are in live and it comes earlier there. */
static int smp_order(struct patch_ctx *c, json_t *merged, json_t *order, json_t *live,
                     const char *merge_key, json_t **ret)
{
        _cleanup_json_ json_t *oidx = NULL, *lidx = NULL;
        int r = smp_index(c, order, merge_key, &oidx);
        if (r < 0)
                return r;
        r = smp_index(c, live, merge_key, &lidx);
        if (r < 0)
                return r;
        size_t n = json_array_size(merged), np = 0, ns = 0;
        _cleanup_free_ struct smp_item *pi = xcalloc(n, sizeof(*pi));
        _cleanup_free_ struct smp_item *si = xcalloc(n, sizeof(*si));
        for (size_t i = 0; i < n; i++) {
                json_t *el = json_array_get(merged, i);
                _cleanup_free_ char *id = smp_ident(el, merge_key);
                if (!id)
                        return smp_no_key(c, el, merge_key);
                long o = smp_pos(oidx, id), l = smp_pos(lidx, id);
                if (o >= 0)
                        pi[np++] = (struct smp_item){el, o, l, i};
                else
                        si[ns++] = (struct smp_item){el, l, l, i};
        }
        qsort(pi, np, sizeof(*pi), smp_item_cmp);
        qsort(si, ns, sizeof(*si), smp_item_cmp);
        json_t *out = json_array();
        size_t i = 0, j = 0;
        while (i < ns || j < np) {
                bool left = j >= np || (i < ns && si[i].live >= 0 && pi[j].live >= 0 &&
                                        si[i].live < pi[j].live);
                json_array_append(out, left ? si[i++].v : pi[j++].v);
        }
        *ret = out;
        return 0;
}

/* ---- merging ------------------------------------------------------------------------------ */

static int smp_map(struct patch_ctx *c, json_t **orig, json_t *patch, const struct smp_type *t,
                   int depth);

static bool smp_is_primitive(const json_t *v)
{
        return !json_is_object(v) && !json_is_array(v);
}

/* All elements of both lists must be of one kind, and not lists (upstream sliceElementType). */
static int smp_elem_kind(struct patch_ctx *c, json_t *a, json_t *b, const char *name, int *ret)
{
        int kind = -1;
        json_t *lists[2] = {a, b};
        for (int l = 0; l < 2; l++) {
                size_t i;
                json_t *el;
                json_array_foreach(lists[l], i, el) {
                        if (json_is_array(el))
                                return pfail(c, "%s: lists of lists are not supported", name);
                        int k = json_is_integer(el) ? JSON_REAL : (int)json_typeof(el);
                        if (json_is_boolean(el))
                                k = JSON_TRUE;
                        if (kind >= 0 && k != kind)
                                return pfail(c, "%s: list element types are not identical", name);
                        kind = k;
                }
        }
        *ret = kind;
        return 0;
}

static int smp_copy_list(struct patch_ctx *c, json_t *src, json_t **ret)
{
        return smp_clean(c, src, ret);
}

/* Merge the patch list into cur (a list of the live document) per field f.  ret_live, if
 * given, gets the live order a following $setElementOrder must use (see the end). */
static int smp_list(struct patch_ctx *c, json_t *cur, json_t *patch, const struct smp_field *f,
                    int depth, json_t **ret, json_t **ret_live)
{
        if (json_array_size(cur) == 0 && json_array_size(patch) == 0) {
                *ret = json_incref(cur);
                return 0;
        }
        int kind = -1;
        int r = smp_elem_kind(c, cur, patch, f->name, &kind);
        if (r < 0)
                return r;
        if (kind != JSON_OBJECT) {
                /* a set of primitives: live ∪ patch, duplicates dropped */
                _cleanup_json_ json_t *merged = json_array(), *seen = json_object();
                json_t *lists[2] = {cur, patch};
                for (int l = 0; l < 2; l++) {
                        size_t i;
                        json_t *el;
                        json_array_foreach(lists[l], i, el) {
                                _cleanup_free_ char *id = smp_ident(el, NULL);
                                if (json_object_get(seen, id))
                                        continue;
                                json_object_set_new_nocheck(seen, id, json_true());
                                json_array_append_new(merged, json_deep_copy(el));
                        }
                }
                return smp_order(c, merged, patch, cur, NULL, ret);
        }
        const char *mk = f->merge_key;
        if (!mk)
                return pfail(c, "cannot merge lists without merge key for %s", f->name);

        /* special elements first: $patch delete / replace */
        _cleanup_json_ json_t *work = json_copy(cur), *pend = json_array(), *gone = json_object();
        bool replace = false;
        size_t i;
        json_t *el;
        json_array_foreach(patch, i, el) {
                json_t *d = json_object_get(el, DIRECTIVE);
                if (!d) {
                        json_array_append(pend, el);
                        continue;
                }
                const char *ds = json_string_value(d);
                if (streq(ds, "delete")) {
                        _cleanup_free_ char *id = smp_ident(el, mk);
                        if (!id)
                                return smp_no_key(c, el, mk);
                        json_object_set_new_nocheck(gone, id, json_true());
                } else if (streq(ds, "replace")) {
                        replace = true;
                } else if (streq(ds, "merge")) {
                        if (json_object_size(el) > 1)
                                json_array_append(pend, el);
                } else {
                        return smp_directive_error(c, d);
                }
        }
        if (json_object_size(gone)) {
                _cleanup_json_ json_t *kept = json_array();
                json_array_foreach(work, i, el) {
                        _cleanup_free_ char *id = smp_ident(el, mk);
                        if (!id || !json_object_get(gone, id))
                                json_array_append(kept, el);
                }
                json_decref(work);
                work = TAKE_PTR(kept);
        }
        if (replace) {
                json_decref(work);
                work = NULL;
                r = smp_copy_list(c, pend, &work);
                if (r < 0)
                        return r;
                json_array_clear(pend);
        }
        _cleanup_json_ json_t *live = json_copy(work), *idx = NULL, *added = json_array();
        r = smp_index(c, work, mk, &idx);
        if (r < 0)
                return r;
        json_array_foreach(pend, i, el) {
                _cleanup_free_ char *id = smp_ident(el, mk);
                if (!id)
                        return smp_no_key(c, el, mk);
                long at = smp_pos(idx, id);
                if (at >= 0) {
                        json_t *m = json_incref(json_array_get(work, (size_t)at));
                        r = smp_map(c, &m, el, f->type, depth + 1);
                        if (r < 0) {
                                json_decref(m);
                                return r;
                        }
                        json_array_set_new(work, (size_t)at, m);
                        continue;
                }
                json_t *nv;
                r = smp_clean(c, el, &nv);
                if (r < 0)
                        return r;
                if (!nv)
                        continue;
                json_object_set_new_nocheck(idx, id,
                                            json_integer((json_int_t)json_array_size(work)));
                json_array_append(added, nv);
                json_array_append_new(work, nv);
        }
        if (ret_live) {
                /* Upstream's $setElementOrder pass orders by the live slice, which Go has
                 * meanwhile edited in place: deletions shifted it left and appends refilled
                 * the freed slots.  With the API server's exactly sized slices that is the
                 * list after deletions, then as many added elements as were deleted. */
                json_t *seen = json_copy(replace ? cur : live);
                size_t room = json_array_size(cur) > json_array_size(live) && !replace
                                      ? json_array_size(cur) - json_array_size(live)
                                      : 0;
                for (i = 0; i < room && i < json_array_size(added); i++)
                        json_array_append(seen, json_array_get(added, i));
                *ret_live = seen;
        }
        return smp_order(c, work, pend, live, mk, ret);
}

/* upstream validatePatchWithSetOrderList: the patch's elements must appear in the
 * $setElementOrder list, in the same relative order. */
static int smp_check_order(struct patch_ctx *c, json_t *plist, json_t *order, const char *mk,
                           const char *name)
{
        size_t pi = 0, oi = 0, np = json_array_size(plist), no = json_array_size(order);
        while (pi < np && oi < no) {
                json_t *p = json_array_get(plist, pi);
                if (json_is_object(p) && json_object_get(p, DIRECTIVE)) {
                        pi++;
                        continue;
                }
                json_t *o = json_array_get(order, oi);
                _cleanup_free_ char *a = smp_ident(p, mk), *b = smp_ident(o, mk);
                if (!a)
                        return smp_no_key(c, p, mk);
                if (!b)
                        return smp_no_key(c, o, mk);
                if (streq(a, b))
                        pi++;
                oi++;
        }
        while (pi < np) { /* only directives may be left over */
                json_t *p = json_array_get(plist, pi);
                if (!no || !json_is_object(p) || !json_object_get(p, DIRECTIVE))
                        return no ? pfail(c, "the order in the patch list %s doesn't match the "
                                             "$setElementOrder list", name)
                                  : 0;
                pi++;
        }
        return 0;
}

/* $setElementOrder/<name>: merge the list (if the patch has one) and impose the order. */
static int smp_set_order(struct patch_ctx *c, json_t *orig, json_t *patch, const char *name,
                         json_t *order, const struct smp_type *t, int depth)
{
        if (!json_is_array(order))
                return pfail(c, "invalid patch format of setElementOrder list %s", name);
        const struct smp_field *f = smp_lookup(t, name);
        const char *mk = f ? f->merge_key : NULL;
        json_t *cur = json_object_get(orig, name), *plist = json_object_get(patch, name);
        if (cur && !json_is_array(cur))
                return pfail(c, "%s: expected a list, the object has a %s", name, jtype_name(cur));
        if (plist && !json_is_array(plist))
                return pfail(c, "%s: expected a list in the patch, found a %s", name,
                             jtype_name(plist));
        if (!cur && !plist)
                return 0;
        int r = 0;
        if (plist && json_array_size(plist) && json_array_size(order)) {
                bool keyed = mk && json_is_object(json_array_get(plist, 0));
                r = smp_check_order(c, plist, order, keyed ? mk : NULL, name);
                if (r < 0)
                        return r;
        }
        _cleanup_json_ json_t *merged = NULL, *live = NULL;
        if (!plist)
                merged = json_incref(cur);
        else if (!cur)
                r = smp_clean(c, plist, &merged);
        else if (f && f->strategy == SMP_MERGE)
                r = smp_list(c, cur, plist, f, depth, &merged, &live);
        else
                merged = json_deep_copy(plist);
        if (r < 0)
                return r;
        json_t *first = json_array_get(merged, 0);
        if (first && (smp_is_primitive(first) || mk)) {
                json_t *res;
                const char *key = smp_is_primitive(first) ? NULL : mk;
                if (!live)
                        live = cur ? json_incref(cur) : json_array();
                r = smp_order(c, merged, order, live, key, &res);
                if (r < 0)
                        return r;
                json_decref(merged);
                merged = res;
        }
        json_object_set(orig, name, merged);
        return 0;
}

/* $retainKeys: keys of the live object not listed are cleared; the patch may only set
 * listed keys. */
static int smp_retain_keys(struct patch_ctx *c, json_t *orig, json_t *patch, json_t *keys)
{
        if (!json_is_array(keys))
                return pfail(c, "invalid patch format of retainKeys: not a list");
        _cleanup_json_ json_t *set = json_object();
        size_t i;
        json_t *k;
        json_array_foreach(keys, i, k) {
                if (!json_is_string(k))
                        return pfail(c, "invalid patch format of retainKeys: a %s in the list",
                                     jtype_name(k));
                json_object_set_new(set, json_string_value(k), json_true());
        }
        const char *pk;
        json_t *pv;
        json_object_foreach(patch, pk, pv) {
                if (json_is_null(pv) || pk[0] == '$')
                        continue;
                if (!json_object_get(set, pk))
                        return pfail(c, "invalid patch format of retainKeys: %.200s is not in the "
                                        "$retainKeys list", pk);
        }
        void *tmp;
        json_object_foreach_safe(orig, tmp, pk, pv) {
                if (!json_object_get(set, pk))
                        json_object_del(orig, pk);
        }
        return 0;
}

/* Merge patch[k] = v into orig[k].  A delete list ($deleteFromPrimitiveList/k) removes
 * its elements from the live list and never adds anything. */
static int smp_field(struct patch_ctx *c, json_t *orig, const char *k, json_t *v,
                     const struct smp_type *t, bool delete_list, int depth)
{
        const struct smp_field *f = smp_lookup(t, k);
        json_t *cur = json_object_get(orig, k);
        if (json_is_null(v)) {
                json_object_del(orig, k);
                return 0;
        }
        if (delete_list && !json_is_array(v))
                return pfail(c, "invalid patch format of primitive list %s: not a list", k);
        int r;
        if (json_is_object(cur) && json_is_object(v) && !delete_list) {
                json_t *m = json_incref(cur);
                r = smp_map(c, &m, v, f ? f->type : NULL, depth + 1);
                if (r < 0) {
                        json_decref(m);
                        return r;
                }
                json_object_set_new(orig, k, m);
                return 0;
        }
        if (json_is_array(cur) && json_is_array(v)) {
                json_t *res;
                if (delete_list) {
                        _cleanup_json_ json_t *gone = json_object();
                        size_t i;
                        json_t *el;
                        json_array_foreach(v, i, el) {
                                _cleanup_free_ char *id = smp_ident(el, NULL);
                                json_object_set_new_nocheck(gone, id, json_true());
                        }
                        res = json_array();
                        json_array_foreach(cur, i, el) {
                                _cleanup_free_ char *id = smp_ident(el, NULL);
                                if (!json_object_get(gone, id))
                                        json_array_append(res, el);
                        }
                } else if (f && f->strategy == SMP_MERGE) {
                        r = smp_list(c, cur, v, f, depth, &res, NULL);
                        if (r < 0)
                                return r;
                } else {
                        res = json_deep_copy(v); /* atomic list: replaced as sent */
                }
                json_object_set_new(orig, k, res);
                return 0;
        }
        if (delete_list)
                return 0; /* nothing (or not a list) to delete from */
        json_t *nv;
        r = smp_clean(c, v, &nv);
        if (r < 0)
                return r;
        if (nv)
                json_object_set_new(orig, k, nv);
        else
                json_object_del(orig, k);
        return 0;
}

/* Merge patch (an object) into *orig (owned, an object; may be replaced). */
static int smp_map(struct patch_ctx *c, json_t **orig, json_t *patch, const struct smp_type *t,
                   int depth)
{
        if (depth > PATCH_MAX_DEPTH)
                return pfail(c, "patch nesting exceeds the maximum depth of %d", PATCH_MAX_DEPTH);
        json_t *d = json_object_get(patch, DIRECTIVE);
        if (d) {
                const char *ds = json_string_value(d);
                if (streq(ds, "replace")) {
                        json_t *nv;
                        int r = smp_clean(c, patch, &nv);
                        if (r < 0)
                                return r;
                        json_decref(*orig);
                        *orig = nv;
                        return 0;
                }
                if (streq(ds, "delete")) {
                        json_decref(*orig);
                        *orig = json_object();
                        return 0;
                }
                if (!streq(ds, "merge"))
                        return smp_directive_error(c, d);
        }
        json_t *o = *orig;
        json_t *keys = json_object_get(patch, RETAIN_KEYS);
        int r;
        if (keys && (r = smp_retain_keys(c, o, patch, keys)) < 0)
                return r;

        _cleanup_json_ json_t *done = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(patch, k, v) {
                if (!startswith(k, SET_ORDER_PREFIX))
                        continue;
                const char *name = smp_directive_key(k, SET_ORDER_PREFIX);
                if (!name)
                        return pfail(c, "invalid patch format of setElementOrder list: %.200s", k);
                r = smp_set_order(c, o, patch, name, v, t, depth);
                if (r < 0)
                        return r;
                json_object_set_new(done, name, json_true());
        }
        json_object_foreach(patch, k, v) {
                if (streq(k, DIRECTIVE) || streq(k, RETAIN_KEYS) ||
                    startswith(k, SET_ORDER_PREFIX) || startswith(k, DELETE_PRIMITIVE_PREFIX) ||
                    json_object_get(done, k))
                        continue;
                r = smp_field(c, o, k, v, t, false, depth);
                if (r < 0)
                        return r;
        }
        /* deletions from primitive lists after the additions, whatever the key order */
        json_object_foreach(patch, k, v) {
                if (!startswith(k, DELETE_PRIMITIVE_PREFIX))
                        continue;
                const char *name = smp_directive_key(k, DELETE_PRIMITIVE_PREFIX);
                if (!name)
                        return pfail(c, "invalid patch format of primitive list: %.200s", k);
                r = smp_field(c, o, name, v, t, true, depth);
                if (r < 0)
                        return r;
        }
        return 0;
}

json_t *patch_strategic(json_t *doc, json_t *patch, const char *kind, char *err, size_t errlen)
{
        struct patch_ctx c = {.err = err, .errlen = errlen};
        if (!json_is_object(doc) || !json_is_object(patch)) {
                pfail(&c, "strategic merge patch: the document and the patch must be JSON objects");
                return NULL;
        }
        if (check_depth(&c, doc, "document") < 0 || check_depth(&c, patch, "patch") < 0)
                return NULL;
        const struct smp_type *t = &smp_generic;
        for (size_t i = 0; i < ARRAY_SIZE(smp_kinds); i++)
                if (streq(kind, smp_kinds[i].kind))
                        t = smp_kinds[i].type;
        json_t *res = json_deep_copy(doc);
        char msg[512] = "";
        struct patch_ctx mc = {.err = msg, .errlen = sizeof(msg)};
        if (smp_map(&mc, &res, patch, t, 1) < 0) {
                json_decref(res);
                pfail(&c, "strategic merge patch: %s", msg);
                return NULL;
        }
        return res;
}
