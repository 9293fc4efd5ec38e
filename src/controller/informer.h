/* informer.h — a list+watch cache of one resource collection, fed through the in-process
 * client (client.h), with event callbacks and one optional secondary index.
 *
 * Why: controllers must read a consistent, cheap local view and react to changes without
 * polling (DESIGN.md §5).  The cache keeps the objects exactly as the API returned them;
 * they are immutable once cached (replaced, never modified), so readers get a reference
 * and no copy.  On -ESTALE (410 Expired) the informer re-lists and emits synthetic
 * add/update/delete events for the difference, as client-go's Reflector does.
 * informer_start() returns only after the first list is cached ("HasSynced"). */
#ifndef JOBD_INFORMER_H
#define JOBD_INFORMER_H
#include <stdbool.h>
#include "base/jsonu.h"

struct informer_handlers {
        void *ud;
        void (*on_add)(void *ud, json_t *obj);
        void (*on_update)(void *ud, json_t *old, json_t *cur);
        void (*on_delete)(void *ud, json_t *obj);
};

/* Secondary index: returns the index value of obj (borrowed from obj) or NULL. */
typedef const char *(*informer_index_fn)(json_t *obj);

struct informer;

/* path: collection path ("/api/v1/pods"). */
struct informer *informer_new(const char *path, const struct informer_handlers *h,
                              informer_index_fn index);
int informer_start(struct informer *inf);
void informer_stop(struct informer *inf);
void informer_free(struct informer *inf);

/* New reference or NULL. */
json_t *informer_get(struct informer *inf, const char *ns, const char *name);
/* New array of the objects whose index value is v. */
json_t *informer_by_index(struct informer *inf, const char *v);
/* New array of every object. */
json_t *informer_list(struct informer *inf);
/* Store obj if it is newer (resourceVersion) than the cached copy — after our own write,
 * so the next sync does not decide on a version we know is stale.  No callbacks. */
void informer_put(struct informer *inf, json_t *obj);
#endif
