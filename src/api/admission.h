/* admission.h — per-kind create/update hooks (see admission.c). */
#ifndef JOBD_ADMISSION_H
#define JOBD_ADMISSION_H
#include "api/api.h"

/* 400-class decode checks; err is the text after "<Kind> in version ... as a <Kind>: ". */
int admit_decode(const struct resource *r, json_t *obj, char *err, size_t errlen);
/* Defaults, prepares (uid/name/creationTimestamp already set) and validates a new object. */
void admit_create(const struct resource *r, json_t *obj, json_t *causes);
/* Builds the object to store from old + the client's new version for subresource sub
 * ("" or "status"), defaults and validates it.  Returns a new object. */
json_t *admit_update(const struct resource *r, json_t *old, json_t *new_in, const char *sub,
                     json_t *causes);
#endif
