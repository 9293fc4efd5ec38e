/* job_backoff.h — the delay before replacing failed pods (upstream backoff_utils.go).
 *
 * The record is deliberately in memory only, as upstream: it is an optimisation against
 * hot crash loops, not a correctness property, and persisting it would cost a write per
 * failure.  A controller restart forgets it, so replacements may come sooner after a
 * restart (spec §6.9). */
#ifndef JOBD_JOB_BACKOFF_H
#define JOBD_JOB_BACKOFF_H
#include "base/jsonu.h"

struct job_backoff {
        int64_t failures;        /* failuresAfterLastSuccess */
        int64_t last_failure_ns; /* 0 = none */
};

/* newBackoffRecord: fold this sync's newly finished pods (not yet counted) into b.
 * A success resets the count to the failures that finished after it. */
void job_backoff_update(struct job_backoff *b, json_t **succeeded, size_t ns, json_t **failed,
                        size_t nf);
/* Remaining delay in ns for `failures` consecutive failures, the last at last_ns:
 * base * 2^(failures-1) capped at cap, minus the time elapsed since; 0 when none. */
int64_t job_backoff_remaining(int64_t failures, int64_t last_ns, int64_t now_ns, int64_t base_ns,
                              int64_t cap_ns);
#endif
