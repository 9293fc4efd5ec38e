/* discovery.c — /version, legacy discovery and the tiny OpenAPI v3.
 *
 * Legacy discovery (APIVersions / APIGroupList / APIResourceList, plain JSON) is four
 * small documents built from the resource table; kubectl falls back to it cleanly when
 * the answer is not the aggregated content type (spec/kubectl-protocol.md §5).
 * The OpenAPI v3 documents carry only one PATCH operation per kind listing the
 * fieldValidation parameter: that is what makes kubectl send fieldValidation=Strict and
 * skip client-side validation (§6.3).  No strategic-merge requestBody is advertised, so
 * kubectl apply computes patches from its built-in types. */
#include "api/api.h"
#include "api/web.h"

static json_t *verbs(void)
{
        return json_pack("[s,s,s,s,s,s,s,s]", "create", "delete", "deletecollection", "get",
                         "list", "patch", "update", "watch");
}

static json_t *resource_list(const char *group, const char *version)
{
        json_t *list = json_array();
        for (size_t i = 0; i < api_nresources; i++) {
                const struct resource *r = &api_resources[i];
                if (!streq(r->group, group) || !streq(r->version, version))
                        continue;
                json_t *e = json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", r->plural,
                                      "singularName", r->singular, "namespaced", r->namespaced,
                                      "kind", r->kind, "verbs", verbs());
                if (r->short_names[0]) {
                        json_t *sn = json_array();
                        for (size_t k = 0; k < ARRAY_SIZE(r->short_names) && r->short_names[k];
                             k++)
                                json_array_append_new(sn, json_string(r->short_names[k]));
                        json_object_set_new(e, "shortNames", sn);
                }
                if (r->category_all)
                        json_object_set_new(e, "categories", json_pack("[s]", "all"));
                json_array_append_new(list, e);
                if (r->has_status) {
                        _cleanup_free_ char *n = xasprintf("%s/status", r->plural);
                        json_array_append_new(
                                list, json_pack("{s:s, s:s, s:b, s:s, s:[s,s,s]}", "name", n,
                                                "singularName", "", "namespaced", r->namespaced,
                                                "kind", r->kind, "verbs", "get", "patch",
                                                "update"));
                }
                if (r->has_log) {
                        _cleanup_free_ char *n = xasprintf("%s/log", r->plural);
                        json_array_append_new(list,
                                              json_pack("{s:s, s:s, s:b, s:s, s:[s]}", "name", n,
                                                        "singularName", "", "namespaced",
                                                        r->namespaced, "kind", r->kind, "verbs",
                                                        "get"));
                }
        }
        const char *gv = group[0] ? NULL : version;
        _cleanup_free_ char *gvs = group[0] ? xasprintf("%s/%s", group, version) : NULL;
        return json_pack("{s:s, s:s, s:s, s:o}", "kind", "APIResourceList", "apiVersion", "v1",
                         "groupVersion", gv ? gv : gvs, "resources", list);
}

static const char *const groups[] = {"batch", "coordination.k8s.io"};

static json_t *openapi_root(void)
{
        json_t *paths = json_object();
        json_object_set_new(paths, "api/v1",
                            json_pack("{s:s}", "serverRelativeURL", "/openapi/v3/api/v1"));
        for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
                _cleanup_free_ char *k = xasprintf("apis/%s/v1", groups[i]);
                _cleanup_free_ char *u = xasprintf("/openapi/v3/apis/%s/v1", groups[i]);
                json_object_set_new(paths, k, json_pack("{s:s}", "serverRelativeURL", u));
        }
        return json_pack("{s:o}", "paths", paths);
}

static json_t *openapi_gv(const char *group)
{
        json_t *paths = json_object();
        for (size_t i = 0; i < api_nresources; i++) {
                const struct resource *r = &api_resources[i];
                if (!streq(r->group, group))
                        continue;
                const char *root = group[0] ? "/apis/" : "/api";
                _cleanup_free_ char *p =
                        r->namespaced
                                ? xasprintf("%s%s%sv1/namespaces/{namespace}/%s/{name}", root,
                                            group, group[0] ? "/" : "/", r->plural)
                                : xasprintf("%s%s%sv1/%s/{name}", root, group,
                                            group[0] ? "/" : "/", r->plural);
                json_t *params = json_pack("[{s:s, s:s, s:{s:s}}, {s:s, s:s, s:{s:s}}]", "name",
                                           "fieldValidation", "in", "query", "schema", "type",
                                           "string", "name", "dryRun", "in", "query", "schema",
                                           "type", "string");
                json_t *op = json_pack("{s:o, s:{s:s, s:s, s:s}}", "parameters", params,
                                       "x-kubernetes-group-version-kind", "group", group,
                                       "version", r->version, "kind", r->kind);
                json_t *post = json_deep_copy(op);
                json_object_set_new(paths, p, json_pack("{s:o}", "patch", op));
                _cleanup_free_ char *coll =
                        r->namespaced ? xasprintf("%s%s%sv1/namespaces/{namespace}/%s", root,
                                                  group, group[0] ? "/" : "/", r->plural)
                                      : xasprintf("%s%s%sv1/%s", root, group,
                                                  group[0] ? "/" : "/", r->plural);
                json_object_set_new(paths, coll, json_pack("{s:o}", "post", post));
        }
        return json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:{}}}", "openapi", "3.0.0", "info",
                         "title", "jobd", "version", "v1.32.0", "paths", paths, "components",
                         "schemas");
}

static void answer(struct resp *rs, json_t *body)
{
        rs->code = 200;
        rs->ctype = "application/json";
        rs->body = body;
}

/* The console: "/" redirects to it, "/console/..." serves the embedded files (index.html
 * for the directory itself and for client-side routes without a file extension). */
static bool console_handle(struct req *rq, struct resp *rs)
{
        const char *p = rq->path;
        if (streq(p, "/")) {
                rs->code = 302;
                rs->ctype = "text/html";
                rs->raw = xstrdup("<a href=\"/console/\">/console/</a>\n");
                rs->raw_len = strlen(rs->raw);
                rs->location = "/console/";
                return true;
        }
        if (!startswith(p, "/console"))
                return false;
        const char *file = p + strlen("/console");
        if (!file[0] || streq(file, "/") || !strchr(strrchr(file, '/'), '.'))
                file = "/index.html";
        for (const struct web_asset *a = web_assets; a->path; a++) {
                if (streq(a->path, file)) {
                        rs->code = 200;
                        rs->ctype = a->ctype;
                        rs->raw = xmalloc(a->len + 1);
                        memcpy(rs->raw, a->data, a->len);
                        rs->raw_len = a->len;
                        return true;
                }
        }
        resp_status(rs, 404, "NotFound", "the server could not find the requested resource",
                    NULL);
        return true;
}

bool discovery_handle(struct req *rq, struct resp *rs)
{
        const char *p = rq->path;
        if (!streq(rq->method, "GET"))
                return false;
        if (console_handle(rq, rs))
                return true;
        if (streq(p, "/version") || streq(p, "/version/")) {
                answer(rs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "major",
                                     "1", "minor", "32", "gitVersion", "v1.32.0-jobd",
                                     "gitCommit", "0000000000000000000000000000000000000000",
                                     "gitTreeState", "clean", "buildDate",
                                     "2026-11-30T00:00:00Z", "goVersion", "none", "compiler",
                                     "gcc", "platform", "linux/amd64"));
                return true;
        }
        if (streq(p, "/api") || streq(p, "/api/")) {
                answer(rs, json_pack("{s:s, s:[s], s:[{s:s, s:s}]}", "kind", "APIVersions",
                                     "versions", "v1", "serverAddressByClientCIDRs",
                                     "clientCIDR", "0.0.0.0/0", "serverAddress",
                                     "127.0.0.1:6443"));
                return true;
        }
        if (streq(p, "/apis") || streq(p, "/apis/")) {
                json_t *gl = json_array();
                for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
                        _cleanup_free_ char *gv = xasprintf("%s/v1", groups[i]);
                        json_array_append_new(
                                gl, json_pack("{s:s, s:[{s:s, s:s}], s:{s:s, s:s}}", "name",
                                              groups[i], "versions", "groupVersion", gv,
                                              "version", "v1", "preferredVersion",
                                              "groupVersion", gv, "version", "v1"));
                }
                answer(rs, json_pack("{s:s, s:s, s:o}", "kind", "APIGroupList", "apiVersion",
                                     "v1", "groups", gl));
                return true;
        }
        if (streq(p, "/api/v1")) {
                answer(rs, resource_list("", "v1"));
                return true;
        }
        for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
                char b[96];
                snprintf(b, sizeof(b), "/apis/%s/v1", groups[i]);
                if (streq(p, b)) {
                        answer(rs, resource_list(groups[i], "v1"));
                        return true;
                }
                snprintf(b, sizeof(b), "/apis/%s", groups[i]);
                if (streq(p, b)) {
                        _cleanup_free_ char *gv = xasprintf("%s/v1", groups[i]);
                        answer(rs, json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}], s:{s:s, s:s}}",
                                             "kind", "APIGroup", "apiVersion", "v1", "name",
                                             groups[i], "versions", "groupVersion", gv,
                                             "version", "v1", "preferredVersion",
                                             "groupVersion", gv, "version", "v1"));
                        return true;
                }
                snprintf(b, sizeof(b), "/openapi/v3/apis/%s/v1", groups[i]);
                if (streq(p, b)) {
                        answer(rs, openapi_gv(groups[i]));
                        return true;
                }
        }
        if (streq(p, "/openapi/v3") || streq(p, "/openapi/v3/")) {
                answer(rs, openapi_root());
                return true;
        }
        if (streq(p, "/openapi/v3/api/v1")) {
                answer(rs, openapi_gv(""));
                return true;
        }
        if (streq(p, "/healthz") || streq(p, "/readyz") || streq(p, "/livez")) {
                rs->code = 200;
                rs->ctype = "text/plain";
                rs->raw = xstrdup("ok");
                rs->raw_len = 2;
                return true;
        }
        return false;
}
