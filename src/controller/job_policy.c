/* job_policy.c — see job_policy.h.  Messages are upstream's byte for byte because users
 * (and acceptance tests) read them in `kubectl describe job`. */
#include "controller/job_policy.h"

static bool exit_code_matches(json_t *req, int64_t code)
{
        const char *op = jstr(req, "operator");
        bool in = false;
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(req, "values"), i, v)
        {
                if (json_is_integer(v) && json_integer_value(v) == code)
                        in = true;
        }
        if (streq(op, "In"))
                return in;
        if (streq(op, "NotIn"))
                return !in;
        return false;
}

/* getMatchingContainerFromList: a terminated container with a non-zero exit code that
 * satisfies the requirement (and its containerName, if any). */
static json_t *match_container(json_t *statuses, json_t *req)
{
        const char *cname = jstr(req, "containerName");
        size_t i;
        json_t *cs;
        json_array_foreach(statuses, i, cs)
        {
                json_t *term = jget(cs, "state.terminated");
                if (!json_is_object(term))
                        continue;
                if (cname && !streq(cname, jstr(cs, "name")))
                        continue;
                int64_t code = 0;
                jint(term, "exitCode", &code);
                if (code != 0 && exit_code_matches(req, code))
                        return cs;
        }
        return NULL;
}

static json_t *match_conditions(json_t *pod, json_t *patterns)
{
        size_t i, j;
        json_t *c, *p;
        json_array_foreach(jget(pod, "status.conditions"), i, c)
        {
                json_array_foreach(patterns, j, p)
                {
                        const char *want = jstr(p, "status");
                        if (!want)
                                want = "True"; /* API default */
                        if (streq(jstr(c, "type"), jstr(p, "type")) &&
                            streq(jstr(c, "status"), want))
                                return c;
                }
        }
        return NULL;
}

enum pfp_action pfp_match(json_t *policy, json_t *pod, bool *count_failed, char **msg)
{
        *count_failed = true;
        if (msg)
                *msg = NULL;
        json_t *rules = json_object_get(policy, "rules");
        size_t i;
        json_t *rule;
        json_array_foreach(rules, i, rule)
        {
                const char *action = jstr(rule, "action");
                json_t *onexit = json_object_get(rule, "onExitCodes");
                json_t *oncond = json_object_get(rule, "onPodConditions");
                json_t *cs = NULL, *cond = NULL;
                if (json_is_object(onexit)) {
                        cs = match_container(jget(pod, "status.containerStatuses"), onexit);
                        if (!cs)
                                cs = match_container(jget(pod, "status.initContainerStatuses"),
                                                     onexit);
                        if (!cs)
                                continue;
                } else if (json_is_array(oncond)) {
                        cond = match_conditions(pod, oncond);
                        if (!cond)
                                continue;
                } else {
                        continue;
                }
                if (streq(action, "Ignore")) {
                        *count_failed = false;
                        return PFP_IGNORE;
                }
                if (streq(action, "FailIndex"))
                        return PFP_FAIL_INDEX;
                if (streq(action, "Count"))
                        return PFP_COUNT;
                if (streq(action, "FailJob")) {
                        if (msg) {
                                const char *ns = jstr(pod, "metadata.namespace");
                                const char *name = jstr(pod, "metadata.name");
                                if (cs) {
                                        int64_t code = 0;
                                        jint(cs, "state.terminated.exitCode", &code);
                                        *msg = xasprintf("Container %s for pod %s/%s failed with "
                                                         "exit code %lld matching FailJob rule "
                                                         "at index %zu",
                                                         jstr(cs, "name") ?: "", ns ?: "",
                                                         name ?: "", (long long)code, i);
                                } else {
                                        *msg = xasprintf("Pod %s/%s has condition %s matching "
                                                         "FailJob rule at index %zu",
                                                         ns ?: "", name ?: "",
                                                         jstr(cond, "type") ?: "", i);
                                }
                        }
                        return PFP_FAIL_JOB;
                }
                /* unknown action (validation rejects it): keep looking, as upstream's
                 * switch falls through to the next rule */
        }
        return PFP_NONE;
}

bool success_policy_match(json_t *policy, int64_t completions, const struct ix_set *succeeded,
                          char **msg)
{
        *msg = NULL;
        if (!json_is_object(policy) || ix_set_total(succeeded) == 0)
                return false;
        size_t i;
        json_t *rule;
        json_array_foreach(json_object_get(policy, "rules"), i, rule)
        {
                json_t *sidx = json_object_get(rule, "succeededIndexes");
                int64_t count = 0;
                bool has_count = jint(rule, "succeededCount", &count);
                bool matched = false;
                if (json_is_string(sidx)) {
                        _cleanup_ix_set_ struct ix_set req = {0};
                        ix_set_parse(json_string_value(sidx), completions, &req);
                        if (req.n == 0)
                                continue;
                        int64_t contains = ix_set_overlap(&req, succeeded);
                        matched = contains == ix_set_total(&req) ||
                                  (has_count && contains >= count);
                } else if (has_count) {
                        matched = ix_set_total(succeeded) >= count;
                }
                if (matched) {
                        *msg = xasprintf("Matched rules at index %zu", i);
                        return true;
                }
        }
        return false;
}
