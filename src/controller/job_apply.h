/* job_apply.h — carry out a job_sync() plan through a pod-control ops table.
 *
 * Why an ops table: the order of the writes and what happens when one of them fails is
 * where exactly-once accounting is won or lost, so it must be tested as hard as the
 * decisions themselves.  The controller plugs in the in-process API client; the unit
 * tests plug in a fake API that can fail or "crash" at any write (as upstream's
 * FakePodControl and fake status handler do). */
#ifndef JOBD_JOB_APPLY_H
#define JOBD_JOB_APPLY_H
#include "controller/job_sync.h"

struct job_pod_control {
        void *ud;
        /* POST the pod; on success *ret_name is the server-chosen name (caller frees). */
        int (*create_pod)(void *ud, json_t *job, json_t *pod, char **ret_name, char *err,
                          size_t errlen);
        int (*delete_pod)(void *ud, json_t *job, const char *name, const char *uid, char *err,
                          size_t errlen);
        int (*remove_finalizer)(void *ud, json_t *job, const char *name, const char *uid);
        /* PUT jobs/{name}/status with job's resourceVersion; *ret_job is the stored Job.
         * -EAGAIN on 409 Conflict. */
        int (*update_status)(void *ud, json_t *job, json_t *status, json_t **ret_job);
        void (*event)(void *ud, json_t *job, const char *type, const char *reason,
                      const char *message);
};

struct job_apply_report {
        int creates_not_done; /* failed or skipped creations (lower expectations by it) */
        int deletes_not_done;
        json_t *rm_not_done;  /* array of pod UIDs whose finalizer removal was not done */
        json_t *job;          /* the Job as last written (new ref), or NULL */
        bool status_written;  /* step 2 (or the merged write) succeeded */
        bool final_written;   /* the plan was applied completely */
};
void job_apply_report_release(struct job_apply_report *r);

/* Returns 0 when the whole plan was applied, else the first error (negative errno; -EAGAIN
 * for a status conflict).  The report is filled in both cases. */
int job_sync_apply(struct job_sync_result *res, json_t *job, const struct job_pod_control *pc,
                   struct job_apply_report *rep);
#endif
