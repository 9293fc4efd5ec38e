/* client.h — the in-process API client used by controllers (and the scheduler).
 *
 * It goes through exactly the same request handling as HTTP (routing, defaulting,
 * validation, admission, store transaction, Status errors) — only the socket is skipped —
 * so controllers see the semantics every other client sees (DESIGN.md §1, §5).
 *
 * Watches are pull-based: kc_watch_next() blocks up to a timeout for the next event.  A
 * watcher that falls too far behind gets -ESTALE (the 410 Expired of HTTP) and must re-list.
 */
#ifndef JOBD_CLIENT_H
#define JOBD_CLIENT_H
#include "base/jsonu.h"

struct kresp {
        int code;     /* HTTP status code: 200, 201, 404, 409, 422 ... */
        json_t *body; /* parsed response body (object or Status), owned */
};
void kresp_release(struct kresp *r);

/* method "GET"/"POST"/"PUT"/"PATCH"/"DELETE"; path like
 * "/apis/batch/v1/namespaces/default/jobs/pi/status"; query like "labelSelector=a%3Db" or
 * NULL; body borrowed (NULL for none); content_type NULL means application/json (PATCH
 * needs one of the patch types).  Returns 0 and fills ret (even for 4xx/5xx answers). */
int kc_request(const char *method, const char *path, const char *query, json_t *body,
               const char *content_type, struct kresp *ret);

struct kc_watch;
/* Watch a collection path ("/api/v1/pods", "/apis/batch/v1/namespaces/ns/jobs") from
 * resource version rv (exclusive; the list's metadata.resourceVersion).  label/field
 * selectors may be NULL. */
int kc_watch_start(const char *path, const char *label_selector, const char *field_selector,
                   int64_t rv, struct kc_watch **ret);
/* 0 and *type ("ADDED"/"MODIFIED"/"DELETED"), *obj for an event: a reference the caller
 * owns but must not modify — it is the store's own immutable object (deep-copy to edit);
 * -ETIMEDOUT when nothing came within timeout_ms; -ESTALE when the watcher was dropped
 * (overflow or history gap: re-list); -ECANCELED when the server shuts down. */
int kc_watch_next(struct kc_watch *w, int timeout_ms, const char **type, json_t **obj);
void kc_watch_stop(struct kc_watch *w);
#endif
