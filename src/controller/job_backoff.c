/* job_backoff.c — see job_backoff.h. */
#include "controller/job_backoff.h"
#include "controller/job_pods.h"

static int64_t latest_finish(json_t **pods, size_t n)
{
        int64_t t = 0;
        for (size_t i = 0; i < n; i++) {
                int64_t f = pod_finished_time_ns(pods[i]);
                if (f > t)
                        t = f;
        }
        return t;
}

void job_backoff_update(struct job_backoff *b, json_t **succeeded, size_t ns, json_t **failed,
                        size_t nf)
{
        if (ns == 0) {
                if (nf == 0)
                        return;
                b->failures += (int64_t)nf;
                b->last_failure_ns = latest_finish(failed, nf);
                return;
        }
        b->failures = 0;
        b->last_failure_ns = 0;
        int64_t last_success = latest_finish(succeeded, ns);
        for (size_t i = 0; i < nf; i++) {
                int64_t t = pod_finished_time_ns(failed[i]);
                if (t > last_success) {
                        b->failures++;
                        if (t > b->last_failure_ns)
                                b->last_failure_ns = t;
                }
        }
}

int64_t job_backoff_remaining(int64_t failures, int64_t last_ns, int64_t now_ns, int64_t base_ns,
                              int64_t cap_ns)
{
        if (failures <= 0)
                return 0;
        int64_t d = base_ns;
        for (int64_t i = 1; i < failures; i++) {
                d *= 2;
                if (d >= cap_ns) {
                        d = cap_ns;
                        break;
                }
        }
        int64_t elapsed = now_ns - last_ns;
        if (d < elapsed)
                return 0;
        return d - elapsed;
}
