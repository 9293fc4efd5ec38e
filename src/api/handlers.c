/* handlers.c — routing and the generic REST verbs over the store.
 *
 * Kind-specific behaviour lives in admission.c (defaults, validation) and tables.c
 * (printing); everything here is the same for every resource: path parsing, Status
 * errors, optimistic concurrency (resourceVersion preconditions, retried read-modify-write
 * for PATCH), finalizers and deletionTimestamp, propagationPolicy, selectors, paging and
 * the choice of answer format (object, list, Table, watch).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include "api/admission.h"
#include "api/api.h"
#include "api/patch.h"
#include "api/protobuf.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "types/ferr.h"
#include "types/selector.h"

struct api_state api;

struct target {
        const struct resource *res;
        char *ns;   /* NULL for cluster scope / all namespaces */
        char *name; /* NULL for collections */
        char *sub;  /* "", "status", "log", "binding" */
};

static void target_release(struct target *t)
{
        free(t->ns);
        free(t->name);
        free(t->sub);
}

/* Split path into at most max segments; returns count or -1 if too many/empty segment. */
static int split_path(const char *path, char **segs, int max)
{
        int n = 0;
        const char *p = path;
        while (*p == '/')
                p++;
        while (*p) {
                const char *e = strchr(p, '/');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                if (n == max || len == 0 || len > 253) {
                        for (int i = 0; i < n; i++)
                                free(segs[i]);
                        return -1;
                }
                segs[n++] = xstrndup(p, len);
                p += len;
                while (*p == '/')
                        p++;
        }
        return n;
}

/* Parse /api/v1/... and /apis/<group>/v1/...; 0 ok, -ENOENT unknown path. */
static int parse_target(const char *path, struct target *t)
{
        char *s[8] = {0};
        int n = split_path(path, s, 8);
        int r = -ENOENT;
        if (n < 0)
                return r;
        int i;
        const char *group;
        if (n >= 2 && streq(s[0], "api") && streq(s[1], "v1")) {
                group = "";
                i = 2;
        } else if (n >= 3 && streq(s[0], "apis")) {
                group = s[1];
                i = 3;
                if (!streq(s[2], "v1"))
                        goto out;
        } else {
                goto out;
        }
        if (i >= n)
                goto out;
        /* /namespaces/{ns}/{resource}... unless it addresses the namespace itself */
        if (streq(s[i], "namespaces") && i + 2 < n) {
                t->ns = xstrdup(s[i + 1]);
                i += 2;
        }
        t->res = resource_find(group, "v1", s[i]);
        if (!t->res)
                goto out;
        if (t->ns && !t->res->namespaced)
                goto out;
        i++;
        if (i < n)
                t->name = xstrdup(s[i++]);
        t->sub = xstrdup(i < n ? s[i++] : "");
        if (i < n)
                goto out;
        if (t->sub[0]) {
                bool ok = (streq(t->sub, "status") && t->res->has_status) ||
                          (streq(t->sub, "log") && t->res->has_log) ||
                          (streq(t->sub, "binding") && streq(t->res->plural, "pods"));
                if (!ok)
                        goto out;
        }
        /* a namespaced item needs a namespace */
        if (t->name && t->res->namespaced && !t->ns)
                goto out;
        r = 0;
out:
        for (int k = 0; k < n; k++)
                free(s[k]);
        if (r < 0) {
                target_release(t);
                *t = (struct target){0};
        }
        return r;
}

static const char *q(struct req *rq, const char *k)
{
        return jstr(rq->query, k);
}

static bool q_true(struct req *rq, const char *k)
{
        const char *v = q(rq, k);
        return v && (streq(v, "true") || streq(v, "1"));
}

static bool dry_run(struct req *rq)
{
        const char *v = q(rq, "dryRun");
        return v && v[0];
}

static void resp_json(struct resp *rs, int code, json_t *body)
{
        rs->code = code;
        rs->ctype = "application/json";
        rs->body = body;
}

static void resp_invalid(struct resp *rs, const struct resource *r, const char *name,
                         json_t *causes)
{
        _cleanup_free_ char *agg = ferr_aggregate(causes);
        char group_kind[128];
        snprintf(group_kind, sizeof(group_kind), "%s%s%s", r->kind, r->group[0] ? "." : "",
                 r->group);
        _cleanup_free_ char *m =
                xasprintf("%s \"%s\" is invalid: %s", group_kind, name ? name : "", agg);
        json_t *d = json_pack("{s:s, s:s, s:s, s:O}", "name", name ? name : "", "group",
                              r->group, "kind", r->kind, "causes", causes);
        resp_status(rs, 422, "Invalid", m, d);
}

static void resp_conflict(struct resp *rs, const struct resource *r, const char *name)
{
        char qn[128];
        resource_qualified(r, qn, sizeof(qn));
        _cleanup_free_ char *m = xasprintf(
                "Operation cannot be fulfilled on %s \"%s\": the object has been modified; "
                "please apply your changes to the latest version and try again",
                qn, name);
        resp_status(rs, 409, "Conflict", m, status_details(r, name));
}

static void resp_bad_decode(struct resp *rs, const struct resource *r, const char *why)
{
        resp_statusf(rs, 400, "BadRequest", "%s in version \"v1\" cannot be handled as a %s: %s",
                     r->kind, r->kind, why);
}

static int64_t obj_rv(json_t *o)
{
        const char *s = jstr(o, "metadata.resourceVersion");
        return s ? strtoll(s, NULL, 10) : 0;
}

/* Decode the request body to a JSON object: JSON or Kubernetes protobuf. */
static json_t *decode_body(struct req *rq, const struct resource *r, struct resp *rs)
{
        if (rq->body_too_large) {
                resp_statusf(rs, 413, "RequestEntityTooLarge",
                             "Request entity too large: limit is %u", API_MAX_BODY);
                return NULL;
        }
        if (!rq->body || !rq->body_len) {
                resp_status(rs, 400, "BadRequest", "the request body is empty", NULL);
                return NULL;
        }
        const char *ct = rq->content_type ? rq->content_type : "application/json";
        char err[256] = "";
        json_t *o = NULL;
        if (startswith(ct, "application/vnd.kubernetes.protobuf")) {
                o = k8s_protobuf_decode((const uint8_t *)rq->body, rq->body_len, err,
                                        sizeof(err));
        } else if (startswith(ct, "application/json") || startswith(ct, "application/merge-patch+json") ||
                   startswith(ct, "application/strategic-merge-patch+json") ||
                   startswith(ct, "application/json-patch+json") || startswith(ct, "*/*") ||
                   startswith(ct, "text/plain")) {
                o = jparse(rq->body, rq->body_len, JSON_MAX_DEPTH, err, sizeof(err));
        } else {
                resp_statusf(rs, 415, "UnsupportedMediaType",
                             "the body of the request was in an unknown format - accepted "
                             "media types include: application/json, application/yaml, "
                             "application/vnd.kubernetes.protobuf");
                return NULL;
        }
        if (!o) {
                if (r)
                        resp_bad_decode(rs, r, err);
                else
                        resp_status(rs, 400, "BadRequest", err, NULL);
                return NULL;
        }
        return o;
}

static bool namespace_ok(const char *ns, bool creating, struct resp *rs)
{
        _cleanup_free_ char *k = xasprintf("namespaces/%s", ns);
        _cleanup_json_ json_t *o = store_get(api.store, k);
        if (!o) {
                _cleanup_free_ char *m = xasprintf("namespaces \"%s\" not found", ns);
                json_t *d = json_pack("{s:s, s:s, s:s}", "name", ns, "group", "", "kind",
                                      "namespaces");
                resp_status(rs, 404, "NotFound", m, d);
                return false;
        }
        if (creating && jget(o, "metadata.deletionTimestamp")) {
                _cleanup_free_ char *m = xasprintf(
                        "unable to create new content in namespace %s because it is being "
                        "terminated",
                        ns);
                resp_status(rs, 403, "Forbidden", m, NULL);
                return false;
        }
        return true;
}

static bool object_too_large(json_t *o, struct resp *rs)
{
        _cleanup_free_ char *s = jdump(o);
        if (strlen(s) > API_MAX_OBJECT) {
                resp_statusf(rs, 413, "RequestEntityTooLarge",
                             "Request entity too large: object exceeds %u bytes",
                             API_MAX_OBJECT);
                return true;
        }
        return false;
}

/* apiVersion/kind in a body must name this resource (empty is filled in). */
static bool check_type_meta(const struct resource *r, json_t *o, struct resp *rs)
{
        const char *av = jstr(o, "apiVersion");
        const char *kind = jstr(o, "kind");
        const char *want = resource_api_version(r);
        if (av && av[0] && !streq(av, want)) {
                resp_statusf(rs, 400, "BadRequest",
                             "the API version in the data (%s) does not match the expected API "
                             "version (%s)",
                             av, want);
                return false;
        }
        if (kind && kind[0] && !streq(kind, r->kind)) {
                resp_statusf(rs, 400, "BadRequest",
                             "%s in version \"v1\" cannot be handled as a %s: no kind \"%s\" is "
                             "registered for version \"%s\"",
                             r->kind, r->kind, kind, want);
                return false;
        }
        /* keep apiVersion/kind first in the stored JSON, as Kubernetes prints them */
        json_t *copy = json_copy(o); /* shallow: only the top-level order changes */
        json_object_clear(o);
        jset_str(o, "apiVersion", want);
        jset_str(o, "kind", r->kind);
        const char *k;
        json_t *v;
        json_object_foreach(copy, k, v)
        {
                if (!streq(k, "apiVersion") && !streq(k, "kind"))
                        json_object_set(o, k, v);
        }
        json_decref(copy);
        return true;
}

static void now_rfc3339(char *b, size_t n)
{
        time_format_rfc3339(clock_now_s(), b, n);
}

/* fieldValidation: unknown fields are always dropped (Kubernetes never stores them);
 * Strict turns them into a 400, Warn (the default) into Warning headers. */
static bool field_validation(struct req *rq, const struct resource *r, json_t *o,
                             struct resp *rs)
{
        const char *fv = q(rq, "fieldValidation");
        if (!fv || !fv[0])
                fv = "Warn";
        if (!streq(fv, "Strict") && !streq(fv, "Warn") && !streq(fv, "Ignore")) {
                resp_statusf(rs, 400, "BadRequest",
                             "fieldValidation parameter unsupported: %s (must be one of Ignore, "
                             "Warn, Strict)",
                             fv);
                return false;
        }
        _cleanup_json_ json_t *unknown = json_array();
        k8s_schema_prune(o, r->kind, unknown);
        if (!json_array_size(unknown) || streq(fv, "Ignore"))
                return true;
        struct buf b;
        buf_init(&b, 0);
        json_t *u;
        size_t i;
        json_array_foreach(unknown, i, u)
        {
                _cleanup_free_ char *one = xasprintf("unknown field \"%s\"", json_string_value(u));
                if (streq(fv, "Warn"))
                        resp_warning(rs, one);
                else if (buf_printf(&b, "%s%s", i ? ", " : "", one) < 0)
                        break;
        }
        _cleanup_free_ char *msg = buf_steal(&b);
        if (streq(fv, "Strict")) {
                _cleanup_free_ char *why = xasprintf("strict decoding error: %s", msg);
                json_t *warnings = TAKE_PTR(rs->warnings);
                resp_bad_decode(rs, r, why);
                rs->warnings = warnings;
                return false;
        }
        return true;
}

/* Body → object of this resource: decoded, type-checked, unknown fields handled,
 * decode-time (400) checks done.  NULL with rs filled on any error. */
static json_t *decode_object(struct req *rq, const struct resource *r, struct resp *rs)
{
        json_t *o = decode_body(rq, r, rs);
        if (!o)
                return NULL;
        char err[512] = "";
        if (!json_is_object(o)) {
                resp_bad_decode(rs, r, "the body must be a JSON object");
        } else if (check_type_meta(r, o, rs) && field_validation(rq, r, o, rs)) {
                if (admit_decode(r, o, err, sizeof(err)) == 0)
                        return o;
                resp_bad_decode(rs, r, err);
        }
        json_decref(o);
        return NULL;
}

static bool namespace_matches(const struct resource *r, json_t *o, const char *ns,
                              struct resp *rs)
{
        const char *bns = jstr(o, "metadata.namespace");
        if (r->namespaced && bns && bns[0] && !streq(bns, ns)) {
                resp_status(rs, 400, "BadRequest",
                            "the namespace of the provided object does not match the namespace "
                            "sent on the request",
                            NULL);
                return false;
        }
        return true;
}

/* ---------- create ---------- */

static void do_create(struct req *rq, struct target *t, struct resp *rs)
{
        const struct resource *r = t->res;
        _cleanup_json_ json_t *o = decode_object(rq, r, rs);
        if (!o)
                return;
        json_t *meta = jobj(o, "metadata");
        if (!namespace_matches(r, o, t->ns, rs))
                return;
        if (r->namespaced) {
                jset_str(meta, "namespace", t->ns);
                if (!namespace_ok(t->ns, true, rs))
                        return;
        } else {
                json_object_del(meta, "namespace");
        }
        if (jstr(meta, "resourceVersion") && jstr(meta, "resourceVersion")[0]) {
                resp_status(rs, 400, "BadRequest",
                            "resourceVersion should not be set on objects to be created", NULL);
                return;
        }
        static const char *const server_fields[] = {"uid", "creationTimestamp",
                                                    "deletionTimestamp",
                                                    "deletionGracePeriodSeconds", "selfLink",
                                                    "generation", "managedFields"};
        for (size_t i = 0; i < ARRAY_SIZE(server_fields); i++)
                json_object_del(meta, server_fields[i]);
        char uid[40], ts[40];
        uuid_v4(uid);
        now_rfc3339(ts, sizeof(ts));
        jset_str(meta, "uid", uid);
        jset_str(meta, "creationTimestamp", ts);
        const char *gen_name = jstr(meta, "generateName");
        bool generated = false;
        const char *name = jstr(meta, "name");
        if ((!name || !name[0]) && gen_name && gen_name[0]) {
                char suf[8];
                random_suffix(suf, 5);
                size_t glen = strlen(gen_name);
                if (glen > 58)
                        glen = 58; /* upstream truncates the prefix to fit 63 */
                _cleanup_free_ char *nm = xasprintf("%.*s%s", (int)glen, gen_name, suf);
                jset_str(meta, "name", nm);
                generated = true;
        }
        _cleanup_json_ json_t *causes = json_array();
        admit_create(r, o, causes);
        name = jstr(o, "metadata.name");
        if (json_array_size(causes)) {
                resp_invalid(rs, r, name, causes);
                return;
        }
        if (object_too_large(o, rs))
                return;
        if (dry_run(rq)) {
                resp_json(rs, 201, json_incref(o));
                return;
        }
        for (int attempt = 0;; attempt++) {
                _cleanup_free_ char *key = store_key(r, t->ns, name);
                json_t *stored = json_deep_copy(o);
                int ret = store_create(api.store, key, json_incref(stored), NULL);
                if (ret == 0) {
                        resp_json(rs, 201, stored);
                        return;
                }
                json_decref(stored);
                if (ret == -EEXIST && generated && attempt < 8) {
                        char suf[8];
                        random_suffix(suf, 5);
                        size_t glen = strlen(gen_name);
                        if (glen > 58)
                                glen = 58;
                        _cleanup_free_ char *nm = xasprintf("%.*s%s", (int)glen, gen_name, suf);
                        jset_str(jobj(o, "metadata"), "name", nm);
                        name = jstr(o, "metadata.name");
                        continue;
                }
                if (ret == -EEXIST) {
                        char qn[128];
                        resource_qualified(r, qn, sizeof(qn));
                        _cleanup_free_ char *m = xasprintf("%s \"%s\" already exists", qn, name);
                        resp_status(rs, 409, "AlreadyExists", m, status_details(r, name));
                } else {
                        resp_status(rs, 500, "InternalError", "storage write failed", NULL);
                }
                return;
        }
}

/* ---------- update (PUT and PATCH share finish_update) ---------- */

/* Validates and writes new_in over old.  Returns 0 (rs filled), or -ESTALE when the store
 * changed under us (caller retries or answers Conflict). */
static int finish_update(struct req *rq, struct target *t, json_t *old, json_t *new_in,
                         struct resp *rs)
{
        const struct resource *r = t->res;
        const char *name = t->name;
        _cleanup_json_ json_t *causes = json_array();
        _cleanup_json_ json_t *obj = admit_update(r, old, new_in, t->sub, causes);
        if (json_array_size(causes)) {
                resp_invalid(rs, r, name, causes);
                return 0;
        }
        if (jget(old, "metadata.deletionTimestamp")) {
                /* finalizers can only be removed from an object being deleted */
                json_t *nf = jget(obj, "metadata.finalizers");
                json_t *f;
                size_t i;
                json_array_foreach(nf, i, f)
                {
                        bool had = false;
                        json_t *of;
                        size_t j;
                        json_array_foreach(jget(old, "metadata.finalizers"), j, of)
                                had |= json_equal(of, f);
                        if (!had) {
                                _cleanup_json_ json_t *c = json_array();
                                ferr_forbidden(c, "metadata.finalizers",
                                               "no new finalizers can be added if the object is "
                                               "being deleted");
                                resp_invalid(rs, r, name, c);
                                return 0;
                        }
                }
        }
        if (object_too_large(obj, rs))
                return 0;
        /* drop the resourceVersion the client sent before comparing */
        json_object_set(jobj(obj, "metadata"), "resourceVersion",
                        json_object_get(jget(old, "metadata"), "resourceVersion"));
        /* an object being deleted goes once its last finalizer is gone (a pod only once
         * its grace period was cut to 0 by its node, or it never ran) */
        int64_t grace = 1;
        jint(obj, "metadata.deletionGracePeriodSeconds", &grace);
        bool gone = jget(obj, "metadata.deletionTimestamp") &&
                    json_array_size(jget(obj, "metadata.finalizers")) == 0 &&
                    !(streq(r->plural, "namespaces") &&
                      json_array_size(jget(obj, "spec.finalizers")) > 0) &&
                    (!streq(r->plural, "pods") || grace == 0);
        if (!gone && json_equal(obj, old)) {
                resp_json(rs, 200, json_incref(old));
                return 0;
        }
        if (dry_run(rq)) {
                resp_json(rs, 200, json_incref(obj));
                return 0;
        }
        _cleanup_free_ char *key = store_key(r, t->ns, name);
        int ret;
        if (gone)
                ret = store_delete(api.store, key, obj_rv(old), json_incref(obj), NULL);
        else
                ret = store_update(api.store, key, json_incref(obj), obj_rv(old), NULL);
        if (ret == -ESTALE || ret == -ENOENT)
                return -ESTALE;
        if (ret < 0) {
                resp_status(rs, 500, "InternalError", "storage write failed", NULL);
                return 0;
        }
        resp_json(rs, 200, json_incref(obj));
        return 0;
}

static json_t *get_current(struct target *t, struct resp *rs)
{
        _cleanup_free_ char *key = store_key(t->res, t->ns, t->name);
        json_t *o = store_get(api.store, key);
        if (!o)
                resp_not_found(rs, t->res, t->name);
        return o;
}

static void do_update(struct req *rq, struct target *t, struct resp *rs)
{
        const struct resource *r = t->res;
        _cleanup_json_ json_t *o = decode_object(rq, r, rs);
        if (!o)
                return;
        const char *bname = jstr(o, "metadata.name");
        if (bname && !streq(bname, t->name)) {
                resp_statusf(rs, 400, "BadRequest",
                             "the name of the object (%s) does not match the name on the URL (%s)",
                             bname, t->name);
                return;
        }
        if (!namespace_matches(r, o, t->ns, rs))
                return;
        int64_t want_rv = obj_rv(o);
        for (int attempt = 0; attempt < 10; attempt++) {
                _cleanup_json_ json_t *old = get_current(t, rs);
                if (!old)
                        return;
                if (want_rv && want_rv != obj_rv(old)) {
                        resp_conflict(rs, r, t->name);
                        return;
                }
                if (finish_update(rq, t, old, o, rs) == 0)
                        return;
                if (want_rv) {
                        resp_conflict(rs, r, t->name);
                        return;
                }
        }
        resp_conflict(rs, r, t->name);
}

static void do_patch(struct req *rq, struct target *t, struct resp *rs)
{
        const struct resource *r = t->res;
        const char *ct = rq->content_type ? rq->content_type : "";
        if (startswith(ct, "application/apply-patch")) {
                resp_status(rs, 415, "UnsupportedMediaType",
                            "server-side apply is not supported by jobd yet; use client-side "
                            "kubectl apply (without --server-side)",
                            NULL);
                return;
        }
        enum { P_MERGE, P_STRATEGIC, P_JSON } kind;
        if (startswith(ct, "application/merge-patch+json"))
                kind = P_MERGE;
        else if (startswith(ct, "application/strategic-merge-patch+json"))
                kind = P_STRATEGIC;
        else if (startswith(ct, "application/json-patch+json"))
                kind = P_JSON;
        else {
                resp_statusf(rs, 415, "UnsupportedMediaType",
                             "the body of the request was in an unknown format - accepted media "
                             "types include: application/json-patch+json, "
                             "application/merge-patch+json, "
                             "application/strategic-merge-patch+json");
                return;
        }
        _cleanup_json_ json_t *p = decode_body(rq, NULL, rs);
        if (!p)
                return;
        for (int attempt = 0; attempt < 10; attempt++) {
                _cleanup_json_ json_t *old = get_current(t, rs);
                if (!old)
                        return;
                char err[512] = "";
                _cleanup_json_ json_t *n = NULL;
                if (kind == P_MERGE)
                        n = patch_merge(old, p, err, sizeof(err));
                else if (kind == P_STRATEGIC)
                        n = patch_strategic(old, p, r->kind, err, sizeof(err));
                else
                        n = patch_json(old, p, err, sizeof(err));
                if (!n) {
                        if (kind == P_JSON && strstr(err, "test"))
                                resp_status(rs, 422, "Invalid", err, NULL);
                        else
                                resp_status(rs, 400, "BadRequest", err, NULL);
                        return;
                }
                if (!json_is_object(n)) {
                        resp_status(rs, 400, "BadRequest", "the patch result is not an object",
                                    NULL);
                        return;
                }
                const char *nn = jstr(n, "metadata.name");
                if (!streq(nn, t->name)) {
                        resp_statusf(rs, 400, "BadRequest",
                                     "the name of the object (%s) does not match the name on "
                                     "the URL (%s)",
                                     nn ? nn : "", t->name);
                        return;
                }
                if (rs->warnings) { /* a retry warns afresh */
                        json_decref(rs->warnings);
                        rs->warnings = NULL;
                }
                if (!field_validation(rq, r, n, rs))
                        return;
                if (admit_decode(r, n, err, sizeof(err)) < 0) {
                        resp_bad_decode(rs, r, err);
                        return;
                }
                /* a resourceVersion inside the patch is a precondition */
                int64_t want = 0;
                const char *prv = jstr(p, "metadata.resourceVersion");
                if (prv)
                        want = strtoll(prv, NULL, 10);
                if (want && want != obj_rv(old)) {
                        resp_conflict(rs, r, t->name);
                        return;
                }
                if (finish_update(rq, t, old, n, rs) == 0)
                        return;
        }
        resp_conflict(rs, r, t->name);
}

/* ---------- delete ---------- */

static bool finalizers_has(json_t *o, const char *f)
{
        json_t *v;
        size_t i;
        json_array_foreach(jget(o, "metadata.finalizers"), i, v)
        {
                if (streq(json_string_value(v), f))
                        return true;
        }
        return false;
}

struct delete_opts {
        const char *policy; /* Background / Foreground / Orphan, NULL = default */
        int64_t grace;      /* -1 = default */
        const char *pre_uid, *pre_rv;
};

static bool parse_delete_opts(struct req *rq, const struct resource *r, json_t **ret_body,
                              struct delete_opts *o, struct resp *rs)
{
        *o = (struct delete_opts){.grace = -1};
        json_t *b = NULL;
        if (rq->body && rq->body_len) {
                if (rq->body_too_large) {
                        resp_status(rs, 413, "RequestEntityTooLarge", "Request entity too large",
                                    NULL);
                        return false;
                }
                char err[256];
                b = jparse(rq->body, rq->body_len, 8, err, sizeof(err));
                if (!b || !json_is_object(b)) {
                        if (b)
                                json_decref(b);
                        resp_statusf(rs, 400, "BadRequest", "invalid DeleteOptions: %s",
                                     b ? "not an object" : err);
                        return false;
                }
        }
        *ret_body = b;
        o->policy = jstr(b, "propagationPolicy");
        if (!o->policy)
                o->policy = q(rq, "propagationPolicy");
        json_t *orphan = jget(b, "orphanDependents");
        if (!o->policy && json_is_boolean(orphan))
                o->policy = json_is_true(orphan) ? "Orphan" : "Background";
        if (!o->policy && q(rq, "orphanDependents"))
                o->policy = q_true(rq, "orphanDependents") ? "Orphan" : "Background";
        if (o->policy && !streq(o->policy, "Background") && !streq(o->policy, "Foreground") &&
            !streq(o->policy, "Orphan")) {
                _cleanup_json_ json_t *c = json_array();
                static const char *const sup[] = {"Foreground", "Background", "Orphan", NULL};
                ferr_not_supported(c, "propagationPolicy", o->policy, sup);
                _cleanup_free_ char *agg = ferr_aggregate(c);
                _cleanup_free_ char *m = xasprintf("DeleteOptions.meta.k8s.io \"\" is invalid: %s",
                                                   agg);
                resp_status(rs, 422, "Invalid", m, NULL);
                return false;
        }
        int64_t g;
        if (jint(b, "gracePeriodSeconds", &g))
                o->grace = g;
        else if (q(rq, "gracePeriodSeconds"))
                o->grace = strtoll(q(rq, "gracePeriodSeconds"), NULL, 10);
        o->pre_uid = jstr(b, "preconditions.uid");
        o->pre_rv = jstr(b, "preconditions.resourceVersion");
        (void)r;
        return true;
}

/* Deletes (or starts deleting) one object.  Fills rs with the answer. */
static void delete_one(struct req *rq, const struct resource *r, const char *ns,
                       const char *name, struct delete_opts *o, struct resp *rs)
{
        _cleanup_free_ char *key = store_key(r, ns, name);
        for (int attempt = 0; attempt < 10; attempt++) {
                _cleanup_json_ json_t *old = store_get(api.store, key);
                if (!old) {
                        resp_not_found(rs, r, name);
                        return;
                }
                const char *uid = jstr(old, "metadata.uid");
                if (o->pre_uid && !streq(o->pre_uid, uid)) {
                        resp_statusf(rs, 409, "Conflict",
                                     "Precondition failed: UID in precondition: %s, UID in "
                                     "object meta: %s",
                                     o->pre_uid, uid);
                        return;
                }
                if (o->pre_rv && !streq(o->pre_rv, jstr(old, "metadata.resourceVersion"))) {
                        resp_statusf(rs, 409, "Conflict",
                                     "Precondition failed: ResourceVersion in precondition: %s, "
                                     "ResourceVersion in object meta: %s",
                                     o->pre_rv, jstr(old, "metadata.resourceVersion"));
                        return;
                }
                const char *policy = o->policy;
                if (!policy)
                        policy = streq(r->kind, "Job") ? "Orphan" : "Background";
                _cleanup_json_ json_t *n = json_deep_copy(old);
                json_t *meta = jobj(n, "metadata");
                json_t *fin = json_object_get(meta, "finalizers");
                if (!json_is_array(fin)) {
                        fin = json_array();
                        json_object_set_new(meta, "finalizers", fin);
                }
                bool already = jget(old, "metadata.deletionTimestamp") != NULL;
                if (streq(policy, "Orphan") && !finalizers_has(n, "orphan") && !already)
                        json_array_append_new(fin, json_string("orphan"));
                if (streq(policy, "Foreground") && !finalizers_has(n, "foregroundDeletion") &&
                    !already)
                        json_array_append_new(fin, json_string("foregroundDeletion"));
                /* pods on a node that are still running end gracefully through the node */
                int64_t grace = o->grace;
                bool graceful = false;
                if (streq(r->kind, "Pod")) {
                        const char *phase = jstr(old, "status.phase");
                        int64_t tgp = 30;
                        jint(old, "spec.terminationGracePeriodSeconds", &tgp);
                        if (grace < 0)
                                grace = tgp;
                        bool terminal = streq(phase, "Succeeded") || streq(phase, "Failed");
                        const char *node = jstr(old, "spec.nodeName");
                        if (!node || !node[0] || terminal)
                                grace = 0;
                        graceful = grace > 0;
                }
                if (streq(r->kind, "Namespace"))
                        graceful = true; /* contents are removed first (gc.c) */
                if (json_array_size(fin) == 0 && !graceful) {
                        if (dry_run(rq)) {
                                resp_json(rs, 200, json_incref(old));
                                return;
                        }
                        int ret = store_delete(api.store, key, obj_rv(old), NULL, NULL);
                        if (ret == -ESTALE || ret == -ENOENT)
                                continue;
                        if (ret < 0) {
                                resp_status(rs, 500, "InternalError", "storage write failed",
                                            NULL);
                                return;
                        }
                        json_t *d = status_details(r, name);
                        jset_str(d, "uid", uid);
                        resp_status(rs, 200, "", NULL, d);
                        return;
                }
                if (!already) {
                        char ts[40];
                        time_format_rfc3339(clock_now_s() + (graceful ? grace : 0), ts,
                                            sizeof(ts));
                        jset_str(meta, "deletionTimestamp", ts);
                        jset_int(meta, "deletionGracePeriodSeconds", graceful ? grace : 0);
                        if (streq(r->kind, "Namespace"))
                                jset_str(jobj(n, "status"), "phase", "Terminating");
                } else if (streq(r->kind, "Pod") && o->grace == 0) {
                        jset_int(meta, "deletionGracePeriodSeconds", 0);
                        if (json_array_size(fin) == 0) {
                                int ret = store_delete(api.store, key, obj_rv(old), NULL, NULL);
                                if (ret == -ESTALE || ret == -ENOENT)
                                        continue;
                                json_t *d = status_details(r, name);
                                jset_str(d, "uid", uid);
                                resp_status(rs, 200, "", NULL, d);
                                return;
                        }
                }
                if (json_equal(n, old) || dry_run(rq)) {
                        resp_json(rs, 200, json_incref(dry_run(rq) ? n : old));
                        return;
                }
                int ret = store_update(api.store, key, json_incref(n), obj_rv(old), NULL);
                if (ret == -ESTALE || ret == -ENOENT)
                        continue;
                if (ret < 0) {
                        resp_status(rs, 500, "InternalError", "storage write failed", NULL);
                        return;
                }
                resp_json(rs, 200, json_incref(n));
                return;
        }
        resp_conflict(rs, r, name);
}

static void do_delete(struct req *rq, struct target *t, struct resp *rs)
{
        _cleanup_json_ json_t *body = NULL;
        struct delete_opts o;
        if (!parse_delete_opts(rq, t->res, &body, &o, rs))
                return;
        if (streq(t->res->kind, "Namespace") &&
            (streq(t->name, "default") || streq(t->name, "kube-system") ||
             streq(t->name, "kube-public"))) {
                resp_statusf(rs, 403, "Forbidden",
                             "namespaces \"%s\" is forbidden: this namespace may not be deleted",
                             t->name);
                return;
        }
        delete_one(rq, t->res, t->ns, t->name, &o, rs);
        if (rs->code == 200 && !o.policy && streq(t->res->kind, "Job"))
                resp_warning(rs, "child pods are preserved by default when jobs are deleted; "
                                 "set propagationPolicy=Background to remove them or set "
                                 "propagationPolicy=Orphan to suppress this warning");
}

/* ---------- list / get ---------- */

struct list_ctx {
        const struct resource *r;
        struct label_selector *ls;
        struct field_selector *fs;
        const char *name_only;
        int64_t limit;
        int64_t count;
        bool more;
        char *last_key;
        bool table;
        bool full_object;
        struct buf items;
        json_t *objs; /* for watch initial events */
};

static int list_visit(void *ud, const char *key, json_t *obj, const char *json)
{
        struct list_ctx *c = ud;
        if (c->name_only && !streq(jstr(obj, "metadata.name"), c->name_only))
                return 0;
        if (!object_matches(c->r, obj, c->ls, c->fs))
                return 0;
        if (c->limit && c->count == c->limit) {
                c->more = true;
                return 1;
        }
        c->count++;
        free(c->last_key);
        c->last_key = xstrdup(key);
        if (c->objs) /* Tables are rendered after the store's read lock is released */
                json_array_append(c->objs, obj);
        else if ((c->items.len && buf_puts(&c->items, ",") < 0) || buf_puts(&c->items, json) < 0)
                return 1;
        return 0;
}

static char *b64(const char *s)
{
        size_t n = strlen(s);
        char *out = xmalloc(4 * ((n + 2) / 3) + 1);
        EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
        return out;
}

static char *unb64(const char *s)
{
        size_t n = strlen(s);
        if (n > 4096 || n % 4)
                return NULL;
        unsigned char *out = xmalloc(n + 1);
        int m = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
        if (m < 0) {
                free(out);
                return NULL;
        }
        while (m > 0 && n > 0 && s[n - 1] == '=') {
                m--;
                n--;
        }
        out[m] = 0;
        if (strlen((char *)out) != (size_t)m) {
                free(out);
                return NULL;
        }
        return (char *)out;
}

static bool parse_selectors(struct req *rq, const struct resource *r, struct label_selector **ls,
                            struct field_selector **fs, struct resp *rs)
{
        char err[512];
        const char *l = q(rq, "labelSelector");
        const char *f = q(rq, "fieldSelector");
        *ls = NULL;
        *fs = NULL;
        if (l && l[0] && label_selector_parse(l, ls, err, sizeof(err)) < 0) {
                resp_statusf(rs, 400, "BadRequest", "unable to parse requirement: %s", err);
                return false;
        }
        if (f && f[0]) {
                if (field_selector_parse(f, fs, err, sizeof(err)) < 0) {
                        resp_statusf(rs, 400, "BadRequest", "%s", err);
                        label_selector_free(*ls);
                        *ls = NULL;
                        return false;
                }
                const char *allowed[32];
                size_t n = 0;
                allowed[n++] = "metadata.name";
                allowed[n++] = "metadata.namespace";
                for (const char *const *e = r->extra_fields; e && *e && n < 31; e++)
                        allowed[n++] = *e;
                allowed[n] = NULL;
                if (field_selector_check(*fs, allowed, err, sizeof(err)) < 0) {
                        resp_statusf(rs, 400, "BadRequest", "%s", err);
                        label_selector_free(*ls);
                        field_selector_free(*fs);
                        *ls = NULL;
                        *fs = NULL;
                        return false;
                }
        }
        return true;
}

static void do_watch(struct req *rq, struct target *t, struct label_selector *ls,
                     struct field_selector *fs, struct resp *rs)
{
        struct watch_opts o = {
                .res = t->res,
                .prefix = store_prefix(t->res, t->ns),
                .ls = ls,
                .fs = fs,
                .table = accept_wants_table(rq->accept),
                .bookmarks = q_true(rq, "allowWatchBookmarks"),
        };
        const char *rv = q(rq, "resourceVersion");
        o.initial_events = !rv || !rv[0] || streq(rv, "0");
        o.from_rv = o.initial_events ? 0 : strtoll(rv, NULL, 10);
        if (!o.initial_events && o.from_rv <= 0) {
                free(o.prefix);
                label_selector_free(ls);
                field_selector_free(fs);
                resp_statusf(rs, 400, "BadRequest", "invalid resource version: %s", rv);
                return;
        }
        if (q(rq, "timeoutSeconds"))
                o.timeout_s = strtoll(q(rq, "timeoutSeconds"), NULL, 10);
        struct api_watch *w = NULL;
        if (api_watch_open(&o, &w, rs) < 0)
                return;
        rs->code = 200;
        rs->ctype = o.table ? "application/json;as=Table;v=v1;g=meta.k8s.io"
                            : "application/json";
        rs->watch = w;
}

static void do_list(struct req *rq, struct target *t, struct resp *rs)
{
        const struct resource *r = t->res;
        struct label_selector *ls;
        struct field_selector *fs;
        if (!parse_selectors(rq, r, &ls, &fs, rs))
                return;
        if (q_true(rq, "watch")) {
                do_watch(rq, t, ls, fs, rs);
                return;
        }
        struct list_ctx c = {.r = r, .ls = ls, .fs = fs};
        buf_init(&c.items, 0);
        c.table = accept_wants_table(rq->accept);
        c.full_object = streq(q(rq, "includeObject"), "Object");
        if (q(rq, "limit")) {
                c.limit = strtoll(q(rq, "limit"), NULL, 10);
                if (c.limit < 0)
                        c.limit = 0;
                if (c.limit > API_MAX_LIST_LIMIT)
                        c.limit = API_MAX_LIST_LIMIT;
        }
        _cleanup_free_ char *start = NULL;
        const char *cont = q(rq, "continue");
        if (cont && cont[0]) {
                start = unb64(cont);
                _cleanup_free_ char *pfx = store_prefix(r, t->ns);
                if (!start || !startswith(start, pfx)) {
                        label_selector_free(ls);
                        field_selector_free(fs);
                        resp_status(rs, 400, "BadRequest",
                                    "continue key is not valid: incorrect encoded start "
                                    "resourceVersion (version meta.k8s.io/v1)",
                                    NULL);
                        return;
                }
        }
        if (c.table)
                c.objs = json_array();
        _cleanup_free_ char *prefix = store_prefix(r, t->ns);
        int64_t rv = 0;
        store_list(api.store, prefix, start, list_visit, &c, &rv);
        char rvs[32];
        snprintf(rvs, sizeof(rvs), "%lld", (long long)rv);
        _cleanup_free_ char *next = c.more && c.last_key ? b64(c.last_key) : NULL;
        if (c.table) {
                rs->code = 200;
                rs->ctype = "application/json;as=Table;v=v1;g=meta.k8s.io";
                rs->raw = table_render(r, c.objs, c.full_object, rvs, next, &rs->raw_len);
                json_decref(c.objs);
        } else {
                /* lists are assembled from the stored JSON text: no re-encoding */
                struct buf out;
                buf_init(&out, 0);
                int e = buf_printf(&out,
                                   "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{"
                                   "\"resourceVersion\":\"%s\"%s%s%s},\"items\":[",
                                   r->list_kind, resource_api_version(r), rvs,
                                   next ? ",\"continue\":\"" : "", next ? next : "",
                                   next ? "\"" : "");
                if (e == 0 && c.items.len)
                        e = buf_append(&out, c.items.data, c.items.len);
                if (e == 0)
                        e = buf_puts(&out, "]}");
                rs->code = 200;
                rs->ctype = "application/json";
                rs->raw_len = out.len;
                rs->raw = buf_steal(&out);
        }
        buf_release(&c.items);
        free(c.last_key);
        label_selector_free(ls);
        field_selector_free(fs);
}

static void do_get(struct req *rq, struct target *t, struct resp *rs)
{
        if (!accept_wants_table(rq->accept) && !rq->internal) {
                _cleanup_free_ char *key = store_key(t->res, t->ns, t->name);
                rs->raw = store_get_json(api.store, key, &rs->raw_len);
                if (!rs->raw) {
                        resp_not_found(rs, t->res, t->name);
                        return;
                }
                rs->code = 200;
                rs->ctype = "application/json";
                return;
        }
        _cleanup_json_ json_t *o = get_current(t, rs);
        if (!o)
                return;
        if (accept_wants_table(rq->accept)) {
                json_t *tb = table_new(t->res, true);
                jset_str(jobj(tb, "metadata"), "resourceVersion",
                         jstr(o, "metadata.resourceVersion"));
                table_add_row(tb, t->res, o, streq(q(rq, "includeObject"), "Object"));
                resp_json(rs, 200, tb);
                rs->ctype = "application/json;as=Table;v=v1;g=meta.k8s.io";
                return;
        }
        resp_json(rs, 200, json_incref(o));
}

/* ---------- deletecollection ---------- */

static int collect_names(void *ud, const char *key, json_t *obj, const char *json)
{
        struct list_ctx *c = ud;
        if (object_matches(c->r, obj, c->ls, c->fs))
                json_array_append(c->objs, obj);
        return 0;
}

static void do_delete_collection(struct req *rq, struct target *t, struct resp *rs)
{
        const struct resource *r = t->res;
        struct label_selector *ls;
        struct field_selector *fs;
        if (!parse_selectors(rq, r, &ls, &fs, rs))
                return;
        _cleanup_json_ json_t *body = NULL;
        struct delete_opts o;
        if (!parse_delete_opts(rq, r, &body, &o, rs)) {
                label_selector_free(ls);
                field_selector_free(fs);
                return;
        }
        struct list_ctx c = {.r = r, .ls = ls, .fs = fs, .objs = json_array()};
        _cleanup_free_ char *prefix = store_prefix(r, t->ns);
        int64_t rv = 0;
        store_list(api.store, prefix, NULL, collect_names, &c, &rv);
        json_t *items = json_array();
        json_t *obj;
        size_t i;
        json_array_foreach(c.objs, i, obj)
        {
                struct resp one = {0};
                delete_one(rq, r, jstr(obj, "metadata.namespace"), jstr(obj, "metadata.name"),
                           &o, &one);
                if (one.code == 200)
                        json_array_append(items, obj);
                resp_release(&one);
        }
        json_decref(c.objs);
        label_selector_free(ls);
        field_selector_free(fs);
        char rvs[32];
        snprintf(rvs, sizeof(rvs), "%lld", (long long)store_current_rv(api.store));
        resp_json(rs, 200,
                  json_pack("{s:s, s:s, s:{s:s}, s:o}", "kind", r->list_kind, "apiVersion",
                            resource_api_version(r), "metadata", "resourceVersion", rvs,
                            "items", items));
}

/* ---------- pods/binding and pods/log ---------- */

static void do_binding(struct req *rq, struct target *t, struct resp *rs)
{
        _cleanup_json_ json_t *b = decode_body(rq, NULL, rs);
        if (!b)
                return;
        const char *node = jstr(b, "target.name");
        if (!node || !node[0]) {
                _cleanup_json_ json_t *c = json_array();
                ferr_required(c, "target.name", NULL);
                resp_invalid(rs, t->res, t->name, c);
                return;
        }
        for (int attempt = 0; attempt < 10; attempt++) {
                _cleanup_json_ json_t *old = get_current(t, rs);
                if (!old)
                        return;
                const char *cur = jstr(old, "spec.nodeName");
                if (cur && cur[0]) {
                        resp_statusf(rs, 409, "Conflict",
                                     "Operation cannot be fulfilled on pods/binding \"%s\": pod "
                                     "%s is already assigned to node \"%s\"",
                                     t->name, t->name, cur);
                        return;
                }
                if (jget(old, "metadata.deletionTimestamp")) {
                        resp_statusf(rs, 409, "Conflict",
                                     "Operation cannot be fulfilled on pods/binding \"%s\": pod "
                                     "%s is being deleted, cannot be assigned to a host",
                                     t->name, t->name);
                        return;
                }
                _cleanup_json_ json_t *n = json_deep_copy(old);
                jset_str(jobj(n, "spec"), "nodeName", node);
                json_t *st = jobj(n, "status");
                json_t *conds = json_object_get(st, "conditions");
                if (!json_is_array(conds)) {
                        conds = json_array();
                        json_object_set_new(st, "conditions", conds);
                }
                json_t *c;
                size_t i;
                json_array_foreach(conds, i, c)
                {
                        if (streq(jstr(c, "type"), "PodScheduled")) {
                                json_array_remove(conds, i);
                                break;
                        }
                }
                char ts[40];
                now_rfc3339(ts, sizeof(ts));
                json_array_append_new(conds, json_pack("{s:s, s:s, s:n, s:s}", "type",
                                                       "PodScheduled", "status", "True",
                                                       "lastProbeTime", "lastTransitionTime",
                                                       ts));
                _cleanup_free_ char *key = store_key(t->res, t->ns, t->name);
                int ret = store_update(api.store, key, json_incref(n), obj_rv(old), NULL);
                if (ret == -ESTALE)
                        continue;
                if (ret < 0) {
                        resp_status(rs, 500, "InternalError", "storage write failed", NULL);
                        return;
                }
                resp_status(rs, 201, "", NULL, NULL);
                return;
        }
        resp_conflict(rs, t->res, t->name);
}

static void url_escape(struct buf *b, const char *s)
{
        for (; *s; s++) {
                unsigned char ch = (unsigned char)*s;
                int r;
                if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~')
                        r = buf_append(b, s, 1);
                else
                        r = buf_printf(b, "%%%02X", ch);
                if (r < 0)
                        return;
        }
}

/* Log requests are served by the node agent (as the apiserver proxies to the kubelet):
 * the server opens an HTTP/1.0 request to the agent's log endpoint, answers with the
 * agent's status line and streams the body through (rs->proxy_fd).  HTTP/1.0 makes the
 * agent end a follow stream by closing, so no chunked decoding is needed here. */
static void proxy_logs(struct req *rq, struct target *t, const char *node,
                       const char *container, struct resp *rs)
{
        _cleanup_free_ char *nkey = xasprintf("nodes/%s", node ? node : "");
        _cleanup_json_ json_t *n = node ? store_get(api.store, nkey) : NULL;
        int64_t port = 0;
        jint(n, "status.daemonEndpoints.kubeletEndpoint.Port", &port);
        const char *addr = NULL;
        json_t *a;
        size_t i;
        json_array_foreach(jget(n, "status.addresses"), i, a)
        {
                if (streq(jstr(a, "type"), "InternalIP"))
                        addr = jstr(a, "address");
        }
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        if (!n || port <= 0 || port > 65535 || !addr ||
            inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
                resp_statusf(rs, 503, "ServiceUnavailable",
                             "logs of container \"%s\" in pod \"%s\" are not available: node "
                             "\"%s\" has no jobd agent log endpoint",
                             container, t->name, node ? node : "");
                return;
        }
        struct buf path;
        buf_init(&path, 8192);
        int e = buf_printf(&path, "GET /containerLogs/%s/%s/%s?", t->ns, t->name, container);
        const char *k;
        json_t *v;
        static const char *const fwd[] = {"follow", "tailLines", "timestamps", "previous",
                                          "sinceSeconds", "sinceTime", "limitBytes"};
        json_object_foreach(rq->query, k, v)
        {
                bool ok = false;
                for (size_t j = 0; j < ARRAY_SIZE(fwd); j++)
                        ok |= streq(k, fwd[j]);
                if (!ok)
                        continue;
                if (e == 0)
                        e = buf_printf(&path, "%s=", k);
                url_escape(&path, json_string_value(v));
                if (e == 0)
                        e = buf_puts(&path, "&");
        }
        if (e == 0)
                e = buf_puts(&path, " HTTP/1.0\r\nHost: agent\r\n\r\n");
        _cleanup_free_ char *reqs = buf_steal(&path);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct timeval tv = {.tv_sec = 10};
        if (fd >= 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (e < 0 || fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            write(fd, reqs, strlen(reqs)) != (ssize_t)strlen(reqs)) {
                if (fd >= 0)
                        close(fd);
                resp_statusf(rs, 503, "ServiceUnavailable",
                             "cannot reach the jobd agent of node \"%s\" for logs", node);
                return;
        }
        /* read the agent's status line and headers; the rest is body */
        struct buf hb;
        buf_init(&hb, 16384);
        char *end = NULL;
        while (!end) {
                char chunk[4096];
                ssize_t r = read(fd, chunk, sizeof(chunk));
                if (r <= 0 || buf_append(&hb, chunk, (size_t)r) < 0)
                        break;
                end = strstr(hb.data, "\r\n\r\n");
        }
        int code = 0;
        if (!end || sscanf(hb.data, "HTTP/%*s %d", &code) != 1) {
                close(fd);
                buf_release(&hb);
                resp_statusf(rs, 502, "InternalError",
                             "bad answer from the jobd agent of node \"%s\"", node);
                return;
        }
        rs->code = code;
        rs->ctype = code == 200 ? "text/plain" : "application/json";
        size_t body_off = (size_t)(end + 4 - hb.data);
        rs->raw_len = hb.len - body_off;
        rs->raw = xmalloc(rs->raw_len + 1);
        memcpy(rs->raw, hb.data + body_off, rs->raw_len);
        rs->proxy_fd = fd;
        rs->proxy = true;
        buf_release(&hb);
        tv.tv_sec = 0;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void do_log(struct req *rq, struct target *t, struct resp *rs)
{
        _cleanup_json_ json_t *pod = get_current(t, rs);
        if (!pod)
                return;
        const char *container = q(rq, "container");
        json_t *cs = jget(pod, "spec.containers");
        if (!container || !container[0]) {
                if (json_array_size(cs) != 1) {
                        resp_statusf(rs, 400, "BadRequest",
                                     "a container name must be specified for pod %s", t->name);
                        return;
                }
                container = jstr(json_array_get(cs, 0), "name");
        }
        bool found = false;
        json_t *c;
        size_t i;
        json_array_foreach(cs, i, c) found |= streq(jstr(c, "name"), container);
        json_array_foreach(jget(pod, "spec.initContainers"), i, c) found |=
                streq(jstr(c, "name"), container);
        if (!found) {
                resp_statusf(rs, 400, "BadRequest",
                             "container %s is not valid for pod %s", container, t->name);
                return;
        }
        const char *waiting = NULL;
        bool started = false;
        static const char *const lists[] = {"status.containerStatuses",
                                            "status.initContainerStatuses"};
        for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
                json_array_foreach(jget(pod, lists[l]), i, c)
                {
                        if (!streq(jstr(c, "name"), container))
                                continue;
                        waiting = jstr(c, "state.waiting.reason");
                        started = jget(c, "state.running") || jget(c, "state.terminated") ||
                                  jget(c, "lastState.terminated");
                }
        }
        if (!started) {
                resp_statusf(rs, 400, "BadRequest",
                             "container \"%s\" in pod \"%s\" is waiting to start: %s", container,
                             t->name, waiting ? waiting : "ContainerCreating");
                return;
        }
        const char *node = jstr(pod, "spec.nodeName");
        proxy_logs(rq, t, node, container, rs);
}

/* ---------- entry ---------- */

void api_handle(struct req *rq, struct resp *rs)
{
        *rs = (struct resp){0};
        if (discovery_handle(rq, rs))
                return;
        struct target t = {0};
        if (parse_target(rq->path, &t) < 0) {
                resp_status(rs, 404, "NotFound", "the server could not find the requested resource",
                            json_object());
                return;
        }
        const char *m = rq->method;
        const struct resource *r = t.res;
        if (!t.name) {
                if (streq(m, "GET"))
                        do_list(rq, &t, rs);
                else if (streq(m, "POST")) {
                        if (r->namespaced && !t.ns)
                                resp_status(rs, 405, "MethodNotAllowed",
                                            "the server does not allow this method on the "
                                            "requested resource",
                                            NULL);
                        else
                                do_create(rq, &t, rs);
                } else if (streq(m, "DELETE"))
                        do_delete_collection(rq, &t, rs);
                else
                        resp_status(rs, 405, "MethodNotAllowed",
                                    "the server does not allow this method on the requested "
                                    "resource",
                                    NULL);
        } else if (streq(t.sub, "log")) {
                if (streq(m, "GET"))
                        do_log(rq, &t, rs);
                else
                        resp_status(rs, 405, "MethodNotAllowed",
                                    "the server does not allow this method on the requested "
                                    "resource",
                                    NULL);
        } else if (streq(t.sub, "binding")) {
                if (streq(m, "POST"))
                        do_binding(rq, &t, rs);
                else
                        resp_status(rs, 405, "MethodNotAllowed",
                                    "the server does not allow this method on the requested "
                                    "resource",
                                    NULL);
        } else if (streq(m, "GET")) {
                do_get(rq, &t, rs);
        } else if (streq(m, "PUT")) {
                do_update(rq, &t, rs);
        } else if (streq(m, "PATCH")) {
                do_patch(rq, &t, rs);
        } else if (streq(m, "DELETE") && !t.sub[0]) {
                do_delete(rq, &t, rs);
        } else {
                resp_status(rs, 405, "MethodNotAllowed",
                            "the server does not allow this method on the requested resource",
                            NULL);
        }
        target_release(&t);
}
