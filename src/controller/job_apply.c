/* job_apply.c — see job_apply.h and the write order in job_sync.h.
 *
 * Failure rules (each keeps the exactly-once invariant of job_sync.c):
 *  - a failed delete while the Job is finishing aborts the whole plan: the terminal
 *    decision is retried on the next sync (upstream resets finishedCondition);
 *  - creations run in slow-start batches 1, 2, 4, ...; the first batch with an error stops
 *    the rest, and status.active is lowered by what was not created;
 *  - finalizers are removed only after the status that records their pods is stored; if
 *    that write fails nothing is released;
 *  - the final status is written only if every removal succeeded; otherwise the next sync
 *    recomputes it from the cache (UIDs stay in uncountedTerminatedPods meanwhile, which
 *    is safe). */
#include "base/log.h"
#include "controller/job_apply.h"

void job_apply_report_release(struct job_apply_report *r)
{
        json_decref(r->rm_not_done);
        json_decref(r->job);
        *r = (struct job_apply_report){0};
}

static void adjust_active(struct job_sync_result *res, int64_t delta)
{
        json_t *sts[2] = {res->status, res->status_final};
        for (int i = 0; i < 2; i++) {
                if (!sts[i])
                        continue;
                int64_t a = 0, r = 0;
                jint(sts[i], "active", &a);
                jint(sts[i], "ready", &r);
                a += delta;
                if (a < 0)
                        a = 0;
                if (a)
                        jset_int(sts[i], "active", a);
                else
                        json_object_del(sts[i], "active");
                if (r > a)
                        jset_int(sts[i], "ready", a);
        }
}

static void emit_all(const struct job_pod_control *pc, json_t *job, json_t *events)
{
        size_t i;
        json_t *e;
        json_array_foreach(events, i, e)
        {
                pc->event(pc->ud, job, jstr(e, "type"), jstr(e, "reason"), jstr(e, "message"));
        }
}

static void all_rm_not_done(struct job_sync_result *res, struct job_apply_report *rep)
{
        size_t i;
        json_t *f;
        json_array_foreach(res->rm_finalizers, i, f)
        {
                json_array_append_new(rep->rm_not_done, json_string(jstr(f, "uid") ?: ""));
        }
}

int job_sync_apply(struct job_sync_result *res, json_t *job, const struct job_pod_control *pc,
                   struct job_apply_report *rep)
{
        *rep = (struct job_apply_report){.rm_not_done = json_array()};
        char err[512];
        int first_err = 0;

        /* 1a. deletions */
        size_t i;
        json_t *d;
        int del_failed = 0;
        json_array_foreach(res->del, i, d)
        {
                const char *name = jstr(d, "name"), *uid = jstr(d, "uid");
                int r = 0;
                err[0] = 0;
                if (jbool(d, "removeFinalizer")) {
                        r = pc->remove_finalizer(pc->ud, job, name, uid);
                        if (r < 0)
                                snprintf(err, sizeof(err), "removing completion finalizer: %s",
                                         strerror(-r));
                }
                if (r >= 0)
                        r = pc->delete_pod(pc->ud, job, name, uid, err, sizeof(err));
                if (r < 0) {
                        del_failed++;
                        if (!first_err)
                                first_err = r;
                        _cleanup_free_ char *m = xasprintf("Error deleting: %s", err);
                        pc->event(pc->ud, job, "Warning", "FailedDelete", m);
                } else {
                        _cleanup_free_ char *m = xasprintf("Deleted pod: %s", name ?: "");
                        pc->event(pc->ud, job, "Normal", "SuccessfulDelete", m);
                }
        }
        rep->deletes_not_done = del_failed;
        if (del_failed && res->deleting_for_finish) {
                all_rm_not_done(res, rep);
                rep->creates_not_done = (int)json_array_size(res->create);
                return first_err;
        }
        if (del_failed)
                adjust_active(res, del_failed);

        /* 1b. creations, slow start */
        size_t n = json_array_size(res->create), done = 0;
        int create_failed = 0;
        for (size_t batch = n ? 1 : 0; done < n; batch = batch * 2) {
                if (batch > n - done)
                        batch = n - done;
                int batch_err = 0;
                for (size_t k = 0; k < batch; k++) {
                        json_t *pod = json_array_get(res->create, done + k);
                        _cleanup_free_ char *name = NULL;
                        err[0] = 0;
                        int r = pc->create_pod(pc->ud, job, pod, &name, err, sizeof(err));
                        if (r < 0) {
                                batch_err++;
                                if (!first_err)
                                        first_err = r;
                                _cleanup_free_ char *m = xasprintf("Error creating: %s", err);
                                pc->event(pc->ud, job, "Warning", "FailedCreate", m);
                        } else {
                                _cleanup_free_ char *m =
                                        xasprintf("Created pod: %s", name ? name : "");
                                pc->event(pc->ud, job, "Normal", "SuccessfulCreate", m);
                        }
                }
                done += batch;
                create_failed += batch_err;
                if (batch_err) {
                        create_failed += (int)(n - done); /* skipped: retried next sync */
                        break;
                }
        }
        rep->creates_not_done = create_failed;
        if (create_failed)
                adjust_active(res, -create_failed);

        /* 2. status (records finished pods before any of them is released) */
        json_t *cur = json_incref(job);
        if (res->status) {
                json_t *nj = NULL;
                int r = pc->update_status(pc->ud, cur, res->status, &nj);
                if (r < 0) {
                        json_decref(cur);
                        all_rm_not_done(res, rep);
                        return first_err ? first_err : r;
                }
                json_decref(cur);
                cur = nj;
                rep->status_written = true;
        }
        emit_all(pc, cur, res->events);

        /* 3. release finalizers */
        int rm_failed = 0;
        json_t *f;
        json_array_foreach(res->rm_finalizers, i, f)
        {
                int r = pc->remove_finalizer(pc->ud, cur, jstr(f, "name"), jstr(f, "uid"));
                if (r < 0) {
                        rm_failed++;
                        if (!first_err)
                                first_err = r;
                        json_array_append_new(rep->rm_not_done,
                                              json_string(jstr(f, "uid") ?: ""));
                }
        }

        /* 4. count the released pods, terminal condition */
        if (!rm_failed && res->status_final) {
                json_t *nj = NULL;
                int r = pc->update_status(pc->ud, cur, res->status_final, &nj);
                if (r < 0) {
                        rep->job = cur;
                        return first_err ? first_err : r;
                }
                json_decref(cur);
                cur = nj;
        }
        rep->job = cur;
        if (!rm_failed) {
                emit_all(pc, cur, res->final_events);
                rep->final_written = true;
        }
        return first_err;
}
