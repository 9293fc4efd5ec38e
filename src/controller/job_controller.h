/* job_controller.h — the batch/v1 Job controller and the TTL-after-finished controller,
 * running inside `jobd server` against the in-process API client (DESIGN.md §5).
 *
 * Start after the API layer can serve requests (api_handle works) and stop before it is
 * torn down:
 *
 *     struct job_controller_config cfg;
 *     job_controller_config_default(&cfg);
 *     cfg.backoff_base_ns = ...;           // flags
 *     if (job_controller_start(&cfg) < 0) ...
 *     ...
 *     job_controller_stop();
 */
#ifndef JOBD_JOB_CONTROLLER_H
#define JOBD_JOB_CONTROLLER_H
#include <stdbool.h>
#include "base/jsonu.h"

struct job_controller_config {
        int workers;             /* concurrent Job syncs (one per key at a time); 4 */
        int64_t backoff_base_ns; /* pod failure backoff base; 10 s */
        int64_t backoff_cap_ns;  /* and cap; 10 min (upstream's MaxJobPodFailureBackOff) */
        int64_t sync_period_ns;  /* syncJobBatchPeriod: pod/status events coalesce; 1 s */
        int64_t resync_period_ns; /* periodic re-sync of every Job; 0 = never */
        int64_t api_backoff_base_ns; /* requeue after a failed sync: 1 s ... */
        int64_t api_backoff_cap_ns;  /* ... to 60 s */
        bool disable_ttl;        /* do not run the TTL-after-finished controller */
        /* propagationPolicy of TTL deletions: "Background" (default here, as the lead
         * asked) or "Foreground" (upstream's choice, spec §3.21). */
        const char *ttl_propagation;
};
void job_controller_config_default(struct job_controller_config *c);

/* Lists Jobs then Pods, and starts the workers once both caches are filled.  A NULL cfg
 * or zero fields mean the defaults.  Returns 0, -EALREADY, or a negative errno. */
int job_controller_start(const struct job_controller_config *cfg);
/* Stops workers and informers; safe to call when not started. */
void job_controller_stop(void);

/* TTL-after-finished controller (ttl.c), started by job_controller_start. */
struct informer;
int ttl_controller_start(struct informer *jobs, const char *propagation);
void ttl_controller_stop(void);
/* Called by the Job informer handlers for every added/updated Job. */
void ttl_job_changed(json_t *job);
#endif
