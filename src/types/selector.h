/* selector.h — label and field selectors, as apimachinery's labels.Parse and
 * fields.ParseSelector.
 *
 * Label syntax: k=v, k==v, k!=v, k, !k, k in (a,b), k notin (a,b); comma = AND (and, as
 * upstream, k>n / k<n integer comparisons).
 * Field syntax: f=v, f==v, f!=v; comma = AND; "\," "\=" "\\" escapes in values.
 * Fields are matched against a flat JSON object of field name → string value that the
 * resource computes (e.g. {"metadata.name":"pi","status.phase":"Running"}). */
#ifndef JOBD_SELECTOR_H
#define JOBD_SELECTOR_H
#include <stdbool.h>
#include "base/jsonu.h"

struct label_selector;
struct field_selector;

/* Parse; empty string = match everything. On error returns -EINVAL with a message like
 * upstream's ("unable to parse requirement: ..."). Caps: 4096 bytes, 64 requirements. */
int label_selector_parse(const char *s, struct label_selector **ret, char *err, size_t errlen);
/* From a metav1.LabelSelector JSON object {matchLabels, matchExpressions}; a NULL/absent
 * selector matches nothing (as a nil LabelSelector in the Job controller), {} matches all. */
int label_selector_from_json(json_t *sel, struct label_selector **ret, char *err, size_t errlen);
bool label_selector_matches(const struct label_selector *s, json_t *labels);
bool label_selector_empty(const struct label_selector *s);
void label_selector_free(struct label_selector *s);
/* Render as upstream String(): "a=b,c in (d,e)" (caller frees). */
char *label_selector_string(const struct label_selector *s);

int field_selector_parse(const char *s, struct field_selector **ret, char *err, size_t errlen);
/* Checks every field in the selector is in the NULL-terminated allowed list; on failure
 * fills err with 'field label not supported: <f>' and returns -EINVAL. */
int field_selector_check(const struct field_selector *s, const char *const *allowed, char *err,
                         size_t errlen);
bool field_selector_matches(const struct field_selector *s, json_t *fields);
void field_selector_free(struct field_selector *s);
/* If the selector pins metadata.name (=/==), return that name (borrowed) else NULL. */
const char *field_selector_name(const struct field_selector *s);
/* True if the selector has no requirement (matches everything). */
bool field_selector_empty(const struct field_selector *s);
/* Render as upstream String(): terms in sorted order, "f=v" / "f!=v" with values escaped
 * (caller frees). */
char *field_selector_string(const struct field_selector *s);
#endif
