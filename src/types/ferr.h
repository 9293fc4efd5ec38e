/* ferr.h — field errors, rendered exactly as apimachinery's field.Error.
 *
 * A validation pass appends causes to a JSON array; each cause is
 *   {"reason":"FieldValueInvalid","message":"Invalid value: \"X\": detail","field":"spec.x"}
 * and the API layer wraps them in a 422 Status whose message is
 *   <Kind>.<group> "<name>" is invalid: <field>: <message>[, ...]
 * Value rendering follows Go: strings quoted (Go %q), ints bare. */
#ifndef JOBD_FERR_H
#define JOBD_FERR_H
#include "base/jsonu.h"

void ferr_required(json_t *causes, const char *field, const char *detail /* NULL ok */);
void ferr_invalid_str(json_t *causes, const char *field, const char *value, const char *detail);
void ferr_invalid_int(json_t *causes, const char *field, int64_t value, const char *detail);
/* value already rendered (Go %#v style composite, or anything else printed verbatim) */
void ferr_invalid_raw(json_t *causes, const char *field, const char *rendered, const char *detail);
/* "Unsupported value: \"X\": supported values: \"a\", \"b\"" — supported is NULL-terminated */
void ferr_not_supported(json_t *causes, const char *field, const char *value,
                        const char *const *supported);
void ferr_duplicate_str(json_t *causes, const char *field, const char *value);
void ferr_forbidden(json_t *causes, const char *field, const char *detail);
void ferr_too_long(json_t *causes, const char *field, int64_t max);
void ferr_too_many(json_t *causes, const char *field, int64_t actual, int64_t max);
/* "Invalid value: <detail>" (field.OmitValueType: no value printed). */
void ferr_invalid_omit(json_t *causes, const char *field, const char *detail);
/* As ferr_not_supported with the value already rendered (e.g. a bool). */
void ferr_not_supported_raw(json_t *causes, const char *field, const char *rendered,
                            const char *const *supported);
void ferr_duplicate_raw(json_t *causes, const char *field, const char *rendered);
/* "Not found: \"X\"" (FieldValueNotFound). */
void ferr_not_found(json_t *causes, const char *field, const char *value);
/* Go %#v of a map[string]string JSON object: map[string]string{"a":"b", "c":"d"}
 * (keys sorted), or map[string]string(nil) when m is not an object.  Caller frees. */
char *go_render_strmap(json_t *m);
/* Go %q quoting of s into a malloc'ed string. */
char *go_quote(const char *s);
/* "a, b" aggregate of causes as printed in the Status message ("[e1, e2]" when several). */
char *ferr_aggregate(json_t *causes);
#endif
