/* patch.h — the three PATCH flavours kubectl and clients send:
 *  - JSON merge patch (RFC 7386), application/merge-patch+json
 *  - JSON patch (RFC 6902), application/json-patch+json (add/remove/replace/move/copy/test)
 *  - strategic merge patch, application/strategic-merge-patch+json: lists of known kinds
 *    merged by their patch merge key (containers/initContainers/env/volumes/ports/…), the
 *    directives $patch (replace/delete/merge), $setElementOrder/<list>, $retainKeys,
 *    $deleteFromPrimitiveList/<list>; unknown lists are replaced as in merge patch.
 * Each returns a new document (doc untouched) or NULL with err set (400 material). */
#ifndef JOBD_PATCH_H
#define JOBD_PATCH_H
#include "base/jsonu.h"

json_t *patch_merge(json_t *doc, json_t *patch, char *err, size_t errlen);
json_t *patch_json(json_t *doc, json_t *ops, char *err, size_t errlen);
/* kind is the object's kind ("Job", "Pod", ...) — merge keys are looked up by JSON path. */
json_t *patch_strategic(json_t *doc, json_t *patch, const char *kind, char *err, size_t errlen);
#endif
