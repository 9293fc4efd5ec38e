/* fuzz_request.c — the whole request path (routing, body decode, defaulting, validation,
 * patching, store writes, list/table/watch answers) fed with arbitrary requests.
 * Input: "METHOD\nPATH\nQUERY\nCONTENT-TYPE\nACCEPT\nBODY...".  The store lives in a
 * temporary directory for the life of the process. */
#include <stdlib.h>
#include "api/api.h"
#include "base/jsonu.h"

static void init_once(void)
{
        static int done;
        if (done)
                return;
        done = 1;
        char tmpl[] = "/tmp/jobd-fuzz-XXXXXX";
        if (!mkdtemp(tmpl))
                abort();
        _cleanup_free_ char *db = xasprintf("%s/fuzz.db", tmpl);
        char err[256];
        if (store_open(db, &api.store, err, sizeof(err)) < 0)
                abort();
        api.data_dir = xstrdup(tmpl);
        static const char *const ns[] = {"default", "kube-system"};
        for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
                _cleanup_free_ char *body = xasprintf("{\"metadata\":{\"name\":\"%s\"}}", ns[i]);
                _cleanup_json_ json_t *q = json_object();
                struct req rq = {.method = "POST", .path = "/api/v1/namespaces", .query = q,
                                 .content_type = "application/json", .body = body,
                                 .body_len = strlen(body)};
                struct resp rs;
                api_handle(&rq, &rs);
                resp_release(&rs);
        }
}

static char *take_line(const char **p, const char *end)
{
        const char *nl = memchr(*p, '\n', (size_t)(end - *p));
        const char *e = nl ? nl : end;
        char *s = xstrndup(*p, (size_t)(e - *p));
        *p = nl ? nl + 1 : end;
        return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        init_once();
        const char *p = (const char *)data, *end = p + size;
        _cleanup_free_ char *method = take_line(&p, end);
        _cleanup_free_ char *path = take_line(&p, end);
        _cleanup_free_ char *query = take_line(&p, end);
        _cleanup_free_ char *ctype = take_line(&p, end);
        _cleanup_free_ char *accept = take_line(&p, end);
        if (path[0] != '/')
                return 0;
        _cleanup_json_ json_t *q = json_object();
        char *save = NULL;
        for (char *kv = strtok_r(query, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
                char *eq = strchr(kv, '=');
                if (eq)
                        *eq++ = 0;
                json_object_set_new(q, kv, json_string(eq ? eq : ""));
        }
        /* a watch or a long stream is drained a little, never waited on */
        json_object_del(q, "timeoutSeconds");
        struct req rq = {.method = method, .path = path, .query = q, .accept = accept,
                         .content_type = ctype[0] ? ctype : NULL, .body = p,
                         .body_len = (size_t)(end - p)};
        struct resp rs;
        api_handle(&rq, &rs);
        if (rs.watch) {
                for (int i = 0; i < 3; i++) {
                        json_t *ev = NULL;
                        if (api_watch_next(rs.watch, 0, &ev) < 0)
                                break;
                        json_decref(ev);
                }
        }
        resp_release(&rs);
        return 0;
}
