/* quantity.h — Kubernetes resource.Quantity: parse "100m", "1.5Gi", "2e3", compare, and
 * render canonically.  Values are held as an exact integer number of milli-units (enough
 * for every resource jobd handles: cpu, memory, storage, gpu counts), with overflow
 * detection. */
#ifndef JOBD_QUANTITY_H
#define JOBD_QUANTITY_H
#include <stdbool.h>
#include "base/base.h"

struct quantity {
        int64_t milli;  /* value * 1000, rounded up (as SetDefaults_ResourceList) */
        int format;     /* QF_DECIMAL_SI, QF_BINARY_SI, QF_DECIMAL_EXPONENT */
};
enum { QF_DECIMAL_SI, QF_BINARY_SI, QF_DECIMAL_EXPONENT };

/* 0 on success; -EINVAL with err set to Kubernetes' decode message:
 *  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
 *  or "unable to parse quantity's suffix"; -ERANGE if it overflows. */
int quantity_parse(const char *s, struct quantity *ret, char *err, size_t errlen);
int quantity_cmp(const struct quantity *a, const struct quantity *b);
/* Canonical string as Kubernetes serialises it ("100m", "1Gi", "2", "1500m"), caller frees. */
char *quantity_format(const struct quantity *q);
/* Whole units, rounded up (cpu "100m" → 1, memory "1Gi" → 1073741824); negative values
 * round away from zero, as upstream Value(). */
int64_t quantity_value(const struct quantity *q);
/* The string the API server stores and echoes for input s after SetDefaults_ResourceList
 * (RoundUp to milli): upstream keeps the input text when its fast path already found it
 * canonical enough ("+1", "1.500", "01Ki", "1E3" come back verbatim), otherwise it is
 * quantity_format() of the rounded value ("0.5" → "500m", "1024Ki" → "1Mi").  Same errors
 * as quantity_parse; *ret is malloc'ed. */
int quantity_normalize(const char *s, char **ret, char *err, size_t errlen);
#endif
