/* job_indexes.h — sets of completion indexes, kept as ordered disjoint intervals, in
 * the compressed text form of status.completedIndexes / status.failedIndexes
 * ("1,3-5,7": ranges of three or more as a-b, a pair of neighbours as a,b).
 *
 * Why intervals and not a bitmap: an Indexed Job may have 10^5+ completions, the
 * status string is usually a handful of ranges, and every sync re-parses it; interval
 * arithmetic keeps both the memory and the per-sync work proportional to the string,
 * as upstream's orderedIntervals (pkg/controller/job/indexed_job_utils.go) does. */
#ifndef JOBD_JOB_INDEXES_H
#define JOBD_JOB_INDEXES_H
#include <stdbool.h>
#include "base/base.h"

struct ix_interval {
        int64_t first, last; /* inclusive */
};

struct ix_set {
        struct ix_interval *v;
        size_t n, cap;
};

void ix_set_release(struct ix_set *s);
static inline void ix_set_releasep(struct ix_set *s)
{
        ix_set_release(s);
}
#define _cleanup_ix_set_ _cleanup_(ix_set_releasep)

/* Lenient parse as upstream parseIndexesFromString: malformed fragments are skipped,
 * indexes >= completions dropped (elastic scale-down), the result is normalised
 * (sorted, merged).  s may be NULL or "". */
void ix_set_parse(const char *s, int64_t completions, struct ix_set *out);
/* Strict parse as API validation (validateIndexesFormat): 0, or -EINVAL with the upstream
 * message ("cannot convert string to integer for index: \"x\"", "too large index: \"7\"",
 * "non-increasing order, previous: 3, current: 2", ...). */
int ix_set_parse_strict(const char *s, int64_t completions, struct ix_set *out, char *err,
                        size_t errlen);
/* The compressed form (caller frees); "" for the empty set. */
char *ix_set_format(const struct ix_set *s);
void ix_set_add(struct ix_set *s, int64_t ix);
void ix_set_merge(struct ix_set *s, const struct ix_set *o);
bool ix_set_has(const struct ix_set *s, int64_t ix);
int64_t ix_set_total(const struct ix_set *s);
/* Number of indexes of a that are also in b. */
int64_t ix_set_overlap(const struct ix_set *a, const struct ix_set *b);
#endif
