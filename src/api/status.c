/* status.c — metav1.Status answers.  Every error a client sees is one of these, with
 * Kubernetes' reason and code, so kubectl prints "Error from server (<Reason>): <msg>". */
#include <stdarg.h>
#include "api/api.h"

void resp_release(struct resp *r)
{
        if (r->body)
                json_decref(r->body);
        if (r->warnings)
                json_decref(r->warnings);
        free(r->raw);
        if (r->proxy)
                close(r->proxy_fd);
        if (r->watch)
                api_watch_free(r->watch);
        *r = (struct resp){0};
}

void resp_status(struct resp *rs, int code, const char *reason, const char *msg,
                 json_t *details)
{
        if (rs->body)
                json_decref(rs->body);
        json_t *s = json_pack("{s:s, s:s, s:{}, s:s}", "kind", "Status", "apiVersion", "v1",
                              "metadata", "status", code < 300 ? "Success" : "Failure");
        if (msg)
                jset_str(s, "message", msg);
        if (reason && reason[0])
                jset_str(s, "reason", reason);
        if (details)
                json_object_set_new(s, "details", details);
        jset_int(s, "code", code);
        rs->code = code;
        rs->body = s;
        rs->ctype = "application/json";
}

void resp_statusf(struct resp *rs, int code, const char *reason, const char *fmt, ...)
{
        va_list ap;
        char *m = NULL;
        va_start(ap, fmt);
        if (vasprintf(&m, fmt, ap) < 0)
                m = NULL;
        va_end(ap);
        resp_status(rs, code, reason, m, NULL);
        free(m);
}

json_t *status_details(const struct resource *r, const char *name)
{
        json_t *d = json_object();
        if (name)
                jset_str(d, "name", name);
        if (r) {
                jset_str(d, "group", r->group);
                jset_str(d, "kind", r->plural);
        }
        return d;
}

void resp_not_found(struct resp *rs, const struct resource *r, const char *name)
{
        char q[128];
        resource_qualified(r, q, sizeof(q));
        _cleanup_free_ char *m = xasprintf("%s \"%s\" not found", q, name);
        resp_status(rs, 404, "NotFound", m, status_details(r, name));
}

void resp_warning(struct resp *rs, const char *msg)
{
        if (!rs->warnings)
                rs->warnings = json_array();
        json_array_append_new(rs->warnings, json_string(msg));
}
