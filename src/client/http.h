/* http.h — the agent's (and later jobctl's) Kubernetes API client over HTTP (libcurl),
 * and the decoder for NDJSON watch streams.  Same shape as the in-process client
 * (api/client.h) so code can move between the two. */
#ifndef JOBD_HTTP_CLIENT_H
#define JOBD_HTTP_CLIENT_H
#include <stdbool.h>
#include "base/buf.h"
#include "base/jsonu.h"

struct hc;
struct hresp {
        int code;     /* HTTP status; 0 if the request never got an answer */
        json_t *body; /* parsed body (object or Status) or NULL, owned */
};
void hresp_release(struct hresp *r);

/* base_url like "http://127.0.0.1:6443". */
struct hc *hc_new(const char *base_url);
void hc_free(struct hc *c);
/* Returns 0 and fills ret for any HTTP answer (also 4xx/5xx); negative errno when the
 * server could not be reached.  body is borrowed; ctype NULL = application/json. */
int hc_request(struct hc *c, const char *method, const char *path, const char *query,
               json_t *body, const char *ctype, struct hresp *ret);

/* Streams a watch (path + "?watch=1&..." query).  cb gets each event's type and object
 * (borrowed); a non-zero return from cb ends the watch with that value.  Returns when
 * *stop becomes true (0), the stream ends (0), or on error (negative; -ESTALE for
 * 410 Gone / an ERROR event with code 410). */
typedef int (*hc_watch_cb)(void *ud, const char *type, json_t *obj);
int hc_watch(struct hc *c, const char *path, const char *query, volatile bool *stop,
             hc_watch_cb cb, void *ud);

/* NDJSON decoding: bytes in, one callback per complete line.  Lines are capped at
 * max bytes (-EMSGSIZE).  Exposed for tests. */
struct ndjson {
        struct buf line;
        int err;
};
void ndjson_init(struct ndjson *d, size_t max);
void ndjson_release(struct ndjson *d);
int ndjson_feed(struct ndjson *d, const char *data, size_t n, hc_watch_cb cb, void *ud);

/* Percent-encode s for a query value (caller frees). */
char *hc_escape(const char *s);
#endif
