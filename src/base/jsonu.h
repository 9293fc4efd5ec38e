/* jsonu.h — small helpers over jansson.  Objects in jobd are jansson trees end to end
 * (decode → default → validate → store → encode), so these keep the common access
 * patterns short.  All getters return borrowed references. */
#ifndef JOBD_JSONU_H
#define JOBD_JSONU_H
#include <stdbool.h>
#include <jansson.h>
#include "base/base.h"

static inline void jdecrefp(json_t **j)
{
        if (*j)
                json_decref(*j);
}
#define _cleanup_json_ _cleanup_(jdecrefp)

/* Dotted path lookup: jget(o, "spec.template.spec"); NULL if any step is missing. */
json_t *jget(json_t *o, const char *path);
const char *jstr(json_t *o, const char *path);          /* NULL unless a string */
bool jint(json_t *o, const char *path, int64_t *ret);    /* true if an integer */
bool jbool(json_t *o, const char *path);                 /* false unless true */
/* Child object of o under key, created (as {}) if absent or not an object. */
json_t *jobj(json_t *o, const char *key);
/* Dotted-path variant of jobj: creates every missing step. */
json_t *jobj_path(json_t *o, const char *path);
void jset_str(json_t *o, const char *key, const char *v);
void jset_int(json_t *o, const char *key, int64_t v);

/* Compact serialisation (caller frees). */
char *jdump(const json_t *j);
/* Append the compact JSON text of j to b (what jdump produces, without jansson's
 * per-container cycle bookkeeping).  Negative errno if b's cap is hit. */
struct buf;
int jwrite(struct buf *b, const json_t *j, int depth);
/* Parse with a nesting cap (hostile input): depth > max_depth fails with a message. */
json_t *jparse(const char *data, size_t len, int max_depth, char *err, size_t errlen);
#define JSON_MAX_DEPTH 64
#endif
