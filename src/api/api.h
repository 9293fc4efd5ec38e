/* api.h — internals shared by the API server's files.
 *
 * One request path for every client: the HTTP glue (server.c) and the in-process client
 * (client.c) both build a struct req and call api_handle(), which routes, decodes,
 * defaults, validates, writes the store and fills a struct resp.  Watches come back as an
 * api_watch that the caller drains: server.c turns it into a chunked NDJSON stream,
 * client.c into kc_watch_next().
 */
#ifndef JOBD_API_H
#define JOBD_API_H
#include <stdbool.h>
#include "base/jsonu.h"
#include "store/store.h"

#define API_MAX_BODY (3u << 20)         /* request body: 3 MiB → 413 */
#define API_MAX_OBJECT (1536u << 10)    /* stored object: 1.5 MiB → 413 */
#define API_MAX_LIST_LIMIT 5000         /* page size cap for ?limit */
#define API_MAX_WATCHERS 2000           /* concurrent watches, all clients */

struct resource {
        const char *group;    /* "" for core */
        const char *version;  /* "v1" */
        const char *plural, *singular, *kind, *list_kind;
        bool namespaced;
        const char *short_names[3];
        bool category_all;
        bool has_status, has_log;
        /* field selector labels accepted besides metadata.name/metadata.namespace */
        const char *const *extra_fields;
        /* flat {"field":"value"} of the selectable fields of obj (caller owns result) */
        void (*fields)(json_t *obj, json_t *out);
};

extern const struct resource api_resources[];
extern const size_t api_nresources;
const struct resource *resource_find(const char *group, const char *version,
                                     const char *plural);
/* "jobs.batch" or "pods" as used in Status messages. */
void resource_qualified(const struct resource *r, char *out, size_t n);
/* "batch/v1" or "v1" */
const char *resource_api_version(const struct resource *r);

struct req {
        const char *method;
        const char *path;
        json_t *query;          /* {"name":"value"} URL-decoded */
        const char *accept;     /* may be NULL */
        const char *content_type;
        const char *body;       /* may be NULL */
        size_t body_len;
        bool body_too_large;
        bool internal;          /* in-process client */
};

struct api_watch;

struct resp {
        int code;
        const char *ctype;      /* static string */
        json_t *body;           /* JSON answer (owned), or */
        char *raw;              /* raw bytes answer (owned) */
        size_t raw_len;
        json_t *warnings;       /* array of strings → Warning: 299 headers */
        struct api_watch *watch; /* streaming answer (owned) */
        const char *location;   /* Location header (redirects), static string */
        bool proxy;             /* after raw, stream the body read from proxy_fd */
        int proxy_fd;
};
void resp_release(struct resp *r);

/* Global server state (one server per process). */
struct api_state {
        struct store *store;
        const char *data_dir;
};
extern struct api_state api;

void api_handle(struct req *rq, struct resp *rs);

/* Status helpers: fill rs with a Status answer. */
void resp_status(struct resp *rs, int code, const char *reason, const char *msg,
                 json_t *details /* stolen, may be NULL */);
void resp_statusf(struct resp *rs, int code, const char *reason, const char *fmt, ...)
        _printf_(4, 5);
json_t *status_details(const struct resource *r, const char *name);
void resp_not_found(struct resp *rs, const struct resource *r, const char *name);
void resp_warning(struct resp *rs, const char *msg);

/* discovery.c */
bool discovery_handle(struct req *rq, struct resp *rs);
/* tables.c: wants a Table? and building one */
bool accept_wants_table(const char *accept);
json_t *table_new(const struct resource *r, bool with_columns);
void table_add_row(json_t *table, const struct resource *r, json_t *obj, bool full_object);
json_t *table_row(const struct resource *r, json_t *obj, bool full_object);
char *table_render(const struct resource *r, json_t *objs, bool full_object, const char *rv,
                   const char *cont, size_t *ret_len);

/* watch.c */
struct watch_opts {
        const struct resource *res;
        char *prefix;           /* store key prefix (owned by the watch) */
        struct label_selector *ls; /* owned */
        struct field_selector *fs; /* owned */
        int64_t from_rv;
        bool initial_events;    /* rv 0 / absent: synthetic ADDED first */
        bool table;
        bool bookmarks;
        int64_t timeout_s;      /* 0 = default (30–60 min) */
};
int api_watch_open(struct watch_opts *o, struct api_watch **ret, struct resp *err_rs);
/* Next event line as JSON {"type":..,"object":..}: 0, -ETIMEDOUT, or -EPIPE (ended: the
 * stream must close; the caller already got the final ERROR event if there was one). */
int api_watch_next(struct api_watch *w, int timeout_ms, json_t **ret_event);
void api_watch_free(struct api_watch *w);

/* Store key helpers */
char *store_key(const struct resource *r, const char *ns, const char *name);
char *store_prefix(const struct resource *r, const char *ns);
/* selectable fields of obj for r, always incl. metadata.name/namespace (new object) */
json_t *object_fields(const struct resource *r, json_t *obj);
bool object_matches(const struct resource *r, json_t *obj, struct label_selector *ls,
                    struct field_selector *fs);
#endif
