/* job_validation.c — batch/v1 Job defaulting, selector generation and validation.
 *
 * The order of the pipeline matters and is upstream's: decode-time defaults (which also
 * run again on every read, so they must be idempotent), then PrepareForCreate generates
 * the selector and the four job labels from the server-assigned name and uid, then
 * validation sees the final object.  Validation never stops at the first error: every
 * rule appends its causes, as pkg/apis/batch/validation/validation.go does, so one 422
 * tells the user everything.  Status writes (jobs/status) have their own rule set,
 * gated like getStatusValidationOptions: most checks only fire for the fields the write
 * changes, so a Job whose stored status already breaks a rule can still be updated. */
#include "types/workload.h"
#include "types/ferr.h"
#include "base/util.h"

#define MAX_PARALLELISM_INDEXED 100000
#define MAX_FAILED_INDEXES 100000
#define COMPLETIONS_SOFT_LIMIT 100000
#define PARALLELISM_LIMIT_HIGH_COMPLETIONS 10000
#define MAX_FAILED_INDEXES_HIGH_COMPLETIONS 10000
#define MAX_POD_FAILURE_POLICY_RULES 20
#define MAX_EXIT_CODE_VALUES 255
#define MAX_POD_CONDITION_PATTERNS 20
#define MAX_MANAGED_BY_LENGTH 63
#define MAX_SUCCEEDED_INDEXES_LENGTH (64 * 1024)
#define MAX_SUCCESS_POLICY_RULES 20

#define LABEL_JOB_NAME "batch.kubernetes.io/job-name"
#define LABEL_CONTROLLER_UID "batch.kubernetes.io/controller-uid"
#define LEGACY_JOB_NAME "job-name"
#define LEGACY_CONTROLLER_UID "controller-uid"

/* ---------------------------------------------------------------- small helpers */

static bool present(json_t *o, const char *key)
{
        json_t *v = json_object_get(o, key);
        return v && !json_is_null(v);
}

/* Pointer-typed scalars: nil (absent or null) differs from every value. */
static bool scalar_equal(json_t *a, json_t *b)
{
        bool na = !a || json_is_null(a), nb = !b || json_is_null(b);
        if (na || nb)
                return na == nb;
        if (json_is_number(a) && json_is_number(b))
                return json_number_value(a) == json_number_value(b);
        return json_equal(a, b);
}

static char *render_scalar(json_t *v)
{
        if (!v || json_is_null(v))
                return xstrdup("null");
        if (json_is_string(v))
                return go_quote(json_string_value(v));
        if (json_is_integer(v))
                return xasprintf("%lld", (long long)json_integer_value(v));
        if (json_is_boolean(v))
                return xstrdup(json_is_true(v) ? "true" : "false");
        return jdump(v);
}

static char *render_time(json_t *t)
{
        int64_t sec;
        if (!json_is_string(t))
                return xstrdup("null");
        if (time_parse_rfc3339(json_string_value(t), &sec) < 0)
                return go_quote(json_string_value(t));
        struct tm tm;
        time_t tt = (time_t)sec;
        char out[64];
        gmtime_r(&tt, &tm);
        strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
        return xstrdup(out);
}

static void nonneg(json_t *o, const char *key, const char *path, json_t *causes)
{
        int64_t v;
        if (jint(o, key, &v) && v < 0) {
                _cleanup_free_ char *p = xasprintf("%s.%s", path, key);
                ferr_invalid_int(causes, p, v, "must be greater than or equal to 0");
        }
}

static bool in_list(const char *s, const char *const *list)
{
        for (size_t i = 0; s && list[i]; i++)
                if (streq(s, list[i]))
                        return true;
        return false;
}

/* ---------------------------------------------------------------- defaults */

void job_default(json_t *job)
{
        if (!json_is_object(job))
                return;
        json_t *spec = jobj(job, "spec");
        if (!present(spec, "completions") && !present(spec, "parallelism")) {
                jset_int(spec, "completions", 1);
                jset_int(spec, "parallelism", 1);
        }
        if (!present(spec, "parallelism"))
                jset_int(spec, "parallelism", 1);
        if (!present(spec, "backoffLimit"))
                jset_int(spec, "backoffLimit",
                         present(spec, "backoffLimitPerIndex") ? INT32_MAX : 6);
        json_t *tmpl = jobj(spec, "template");
        json_t *tmd = jobj(tmpl, "metadata");
        if (!json_object_get(tmd, "creationTimestamp"))
                json_object_set_new(tmd, "creationTimestamp", json_null());
        json_t *tlabels = json_object_get(tmd, "labels");
        json_t *md = jobj(job, "metadata");
        json_t *labels = json_object_get(md, "labels");
        if (json_is_object(tlabels) && json_object_size(tlabels) &&
            (!json_is_object(labels) || json_object_size(labels) == 0))
                json_object_set_new(md, "labels", json_deep_copy(tlabels));
        if (!present(spec, "completionMode"))
                jset_str(spec, "completionMode", "NonIndexed");
        if (!present(spec, "suspend"))
                json_object_set_new(spec, "suspend", json_false());
        if (!present(spec, "podReplacementPolicy"))
                jset_str(spec, "podReplacementPolicy",
                         present(spec, "podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
        if (!present(spec, "manualSelector"))
                json_object_set_new(spec, "manualSelector", json_false());
        json_t *rules = jget(spec, "podFailurePolicy.rules");
        for (size_t i = 0; i < json_array_size(rules); i++) {
                json_t *pats = json_object_get(json_array_get(rules, i), "onPodConditions");
                for (size_t j = 0; j < json_array_size(pats); j++) {
                        json_t *p = json_array_get(pats, j);
                        const char *st = jstr(p, "status");
                        if (json_is_object(p) && (!st || !*st))
                                jset_str(p, "status", "True");
                }
        }
        podspec_default(jobj(tmpl, "spec"));
}

void job_prepare_create(json_t *job)
{
        if (!json_is_object(job))
                return;
        json_t *md = jobj(job, "metadata");
        json_t *spec = jobj(job, "spec");
        const char *name = jstr(md, "name"), *uid = jstr(md, "uid");
        name = name ? name : "";
        uid = uid ? uid : "";
        if (!jbool(spec, "manualSelector")) {
                json_t *tlabels = jobj_path(spec, "template.metadata.labels");
                /* sorted, as Go serialises maps */
                if (!json_object_get(tlabels, LABEL_CONTROLLER_UID))
                        jset_str(tlabels, LABEL_CONTROLLER_UID, uid);
                if (!json_object_get(tlabels, LABEL_JOB_NAME))
                        jset_str(tlabels, LABEL_JOB_NAME, name);
                if (!json_object_get(tlabels, LEGACY_CONTROLLER_UID))
                        jset_str(tlabels, LEGACY_CONTROLLER_UID, uid);
                if (!json_object_get(tlabels, LEGACY_JOB_NAME))
                        jset_str(tlabels, LEGACY_JOB_NAME, name);
                json_t *ml = jobj(jobj(spec, "selector"), "matchLabels");
                if (!json_object_get(ml, LABEL_CONTROLLER_UID))
                        jset_str(ml, LABEL_CONTROLLER_UID, uid);
        }
        json_object_set_new(job, "status", json_object());
        jset_int(md, "generation", 1);
        json_t *labels = json_object_get(md, "labels");
        json_t *tlabels = jget(spec, "template.metadata.labels");
        if ((!json_is_object(labels) || json_object_size(labels) == 0) && json_is_object(tlabels) &&
            json_object_size(tlabels))
                json_object_set_new(md, "labels", json_deep_copy(tlabels));
}

/* ---------------------------------------------------------------- index intervals */

/* strconv.Atoi */
static bool go_atoi(const char *s, size_t n, int64_t *ret)
{
        size_t i = 0;
        bool neg = false;
        if (n && (s[0] == '+' || s[0] == '-')) {
                neg = s[0] == '-';
                i = 1;
        }
        if (i == n)
                return false;
        int64_t v = 0;
        for (; i < n; i++) {
                if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - 9) / 10)
                        return false;
                v = v * 10 + (s[i] - '0');
        }
        *ret = neg ? -v : v;
        return true;
}

/* parseIndexInterval: 0, or -1 with err set */
static int parse_interval(const char *s, size_t n, int64_t completions, int64_t *x, int64_t *y,
                          char **err)
{
        const char *dash = memchr(s, '-', n);
        if (dash && memchr(dash + 1, '-', n - (size_t)(dash - s) - 1)) {
                _cleanup_free_ char *frag = xstrndup(s, n);
                _cleanup_free_ char *q = go_quote(frag);
                *err = xasprintf("the fragment %s violates the requirement that an index interval "
                                 "can have at most two parts separated by '-'",
                                 q);
                return -1;
        }
        size_t n0 = dash ? (size_t)(dash - s) : n;
        const char *parts[2] = {s, dash ? dash + 1 : NULL};
        size_t lens[2] = {n0, dash ? n - n0 - 1 : 0};
        int64_t vals[2];
        for (int i = 0; i < (dash ? 2 : 1); i++) {
                _cleanup_free_ char *part = xstrndup(parts[i], lens[i]);
                _cleanup_free_ char *q = go_quote(part);
                if (!go_atoi(parts[i], lens[i], &vals[i])) {
                        *err = xasprintf("cannot convert string to integer for index: %s", q);
                        return -1;
                }
                if (vals[i] >= completions) {
                        *err = xasprintf("too large index: %s", q);
                        return -1;
                }
        }
        *x = vals[0];
        *y = dash ? vals[1] : vals[0];
        if (dash && *x >= *y) {
                *err = xasprintf("non-increasing order, previous: %lld, current: %lld",
                                 (long long)*x, (long long)*y);
                return -1;
        }
        return 0;
}

/* validateIndexesFormat: total number of indexes, or -1 with err set */
static int64_t indexes_format(const char *s, int64_t completions, char **err)
{
        int64_t total = 0, last = 0;
        bool have_last = false;
        size_t n = strlen(s), start = 0;
        if (n == 0)
                return 0;
        for (size_t i = 0; i <= n; i++) {
                if (i < n && s[i] != ',')
                        continue;
                int64_t x, y;
                if (parse_interval(s + start, i - start, completions, &x, &y, err) < 0)
                        return -1;
                if (have_last && last >= x) {
                        *err = xasprintf("non-increasing order, previous: %lld, current: %lld",
                                         (long long)last, (long long)x);
                        return -1;
                }
                total += y - x + 1;
                last = y;
                have_last = true;
                start = i + 1;
        }
        return total;
}

struct intervals {
        const char *s;
        size_t pos, n;
};

/* next interval of a comma list; returns false at the end; *ok false on a parse error */
static bool next_interval(struct intervals *it, int64_t completions, int64_t *x, int64_t *y,
                          bool *ok)
{
        if (it->pos > it->n)
                return false;
        const char *comma = memchr(it->s + it->pos, ',', it->n - it->pos);
        size_t end = comma ? (size_t)(comma - it->s) : it->n;
        char *err = NULL;
        *ok = parse_interval(it->s + it->pos, end - it->pos, completions, x, y, &err) == 0;
        free(err);
        it->pos = end + 1;
        return true;
}

/* validateFailedIndexesNotOverlapCompleted */
static char *indexes_overlap(const char *completed, const char *failed, int64_t completions)
{
        if (!*completed || !*failed)
                return NULL;
        struct intervals c = {completed, 0, strlen(completed)}, f = {failed, 0, strlen(failed)};
        int64_t cx = 0, cy = 0, fx = 0, fy = 0;
        bool cok, fok;
        bool cmore = next_interval(&c, completions, &cx, &cy, &cok);
        bool fmore = next_interval(&f, completions, &fx, &fy, &fok);
        while (cmore && fmore) {
                if (!cok)
                        cmore = next_interval(&c, completions, &cx, &cy, &cok);
                else if (!fok)
                        fmore = next_interval(&f, completions, &fx, &fy, &fok);
                else {
                        if (cx <= fy && fx <= cy)
                                return xasprintf("failedIndexes and completedIndexes overlap at "
                                                 "index: %lld",
                                                 (long long)(cx > fx ? cx : fx));
                        if (cx <= fx)
                                cmore = next_interval(&c, completions, &cx, &cy, &cok);
                        else
                                fmore = next_interval(&f, completions, &fx, &fy, &fok);
                }
        }
        return NULL;
}

/* ---------------------------------------------------------------- spec rules */

static const char *const pfp_actions[] = {"Count", "FailIndex", "FailJob", "Ignore", NULL};
static const char *const exit_code_ops[] = {"In", "NotIn", NULL};
static const char *const cond_statuses[] = {"False", "True", "Unknown", NULL};

static void exit_codes_validate(json_t *req, const char *path, json_t *names, json_t *causes)
{
        const char *op = jstr(req, "operator"), *cn = jstr(req, "containerName");
        _cleanup_free_ char *opp = xasprintf("%s.operator", path);
        if (!op || !*op)
                ferr_required(causes, opp, "valid values: [\"In\" \"NotIn\"]");
        else if (!in_list(op, exit_code_ops))
                ferr_not_supported(causes, opp, op, exit_code_ops);
        if (cn && !json_object_get(names, cn)) {
                _cleanup_free_ char *p = xasprintf("%s.containerName", path);
                ferr_invalid_str(causes, p, cn,
                                 "must be one of the container or initContainer names in the pod "
                                 "template");
        }
        json_t *values = json_object_get(req, "values");
        size_t n = json_array_size(values);
        _cleanup_free_ char *vp = xasprintf("%s.values", path);
        if (n == 0)
                ferr_invalid_raw(causes, vp, json_is_array(values) ? "[]int32{}" : "[]int32(nil)",
                                 "at least one value is required");
        else if (n > MAX_EXIT_CODE_VALUES)
                ferr_too_many(causes, vp, (int64_t)n, MAX_EXIT_CODE_VALUES);
        bool ordered = true;
        json_t *seen = json_object(); /* a set: the list length is the user's */
        for (size_t j = 0; j < n; j++) {
                int64_t v = json_integer_value(json_array_get(values, j));
                _cleanup_free_ char *ip = xasprintf("%s[%zu]", vp, j);
                char r[32];
                snprintf(r, sizeof(r), "%lld", (long long)v);
                if (streq(op, "In") && v == 0)
                        ferr_invalid_int(causes, ip, v, "must not be 0 for the In operator");
                if (json_object_get(seen, r))
                        ferr_duplicate_raw(causes, ip, r);
                else
                        json_object_set_new(seen, r, json_true());
                if (j > 0 && json_integer_value(json_array_get(values, j - 1)) > v)
                        ordered = false;
        }
        json_decref(seen);
        if (!ordered) {
                char *r = xstrdup("[]int32{");
                for (size_t j = 0; j < n; j++) {
                        char *t =
                            xasprintf("%s%s%lld", r, j ? ", " : "",
                                      (long long)json_integer_value(json_array_get(values, j)));
                        free(r);
                        r = t;
                }
                char *t = xasprintf("%s}", r);
                free(r);
                ferr_invalid_raw(causes, vp, t, "must be ordered");
                free(t);
        }
}

static void pod_failure_policy_validate(json_t *spec, json_t *causes)
{
        json_t *rules = jget(spec, "podFailurePolicy.rules");
        const char *rp = "spec.podFailurePolicy.rules";
        size_t n = json_array_size(rules);
        if (n > MAX_POD_FAILURE_POLICY_RULES)
                ferr_too_many(causes, rp, (int64_t)n, MAX_POD_FAILURE_POLICY_RULES);
        json_t *names = json_object();
        static const char *const lists[] = {"template.spec.containers",
                                            "template.spec.initContainers"};
        for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
                json_t *cs = jget(spec, lists[l]);
                for (size_t i = 0; i < json_array_size(cs); i++) {
                        const char *cn = jstr(json_array_get(cs, i), "name");
                        json_object_set_new(names, cn ? cn : "", json_true());
                }
        }
        for (size_t i = 0; i < n; i++) {
                json_t *rule = json_array_get(rules, i);
                _cleanup_free_ char *p = xasprintf("%s[%zu]", rp, i);
                _cleanup_free_ char *ap = xasprintf("%s.action", p);
                const char *action = jstr(rule, "action");
                if (!action || !*action)
                        ferr_required(
                            causes, ap,
                            "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]");
                else if (streq(action, "FailIndex")) {
                        if (!present(spec, "backoffLimitPerIndex"))
                                ferr_invalid_str(causes, ap, action,
                                                 "requires the backoffLimitPerIndex to be set");
                } else if (!in_list(action, pfp_actions))
                        ferr_not_supported(causes, ap, action, pfp_actions);
                bool has_codes = present(rule, "onExitCodes");
                json_t *pats = json_object_get(rule, "onPodConditions");
                size_t np = json_array_size(pats);
                if (has_codes) {
                        _cleanup_free_ char *cp = xasprintf("%s.onExitCodes", p);
                        exit_codes_validate(json_object_get(rule, "onExitCodes"), cp, names,
                                            causes);
                }
                if (np > 0) {
                        _cleanup_free_ char *pp = xasprintf("%s.onPodConditions", p);
                        if (np > MAX_POD_CONDITION_PATTERNS)
                                ferr_too_many(causes, pp, (int64_t)np, MAX_POD_CONDITION_PATTERNS);
                        for (size_t j = 0; j < np; j++) {
                                json_t *pat = json_array_get(pats, j);
                                const char *type = jstr(pat, "type"), *st = jstr(pat, "status");
                                _cleanup_free_ char *tp = xasprintf("%s[%zu].type", pp, j);
                                _cleanup_free_ char *sp = xasprintf("%s[%zu].status", pp, j);
                                qualified_name_validate(type ? type : "", tp, causes);
                                if (!st || !*st)
                                        ferr_required(
                                            causes, sp,
                                            "valid values: [\"False\" \"True\" \"Unknown\"]");
                                else if (!in_list(st, cond_statuses))
                                        ferr_not_supported(causes, sp, st, cond_statuses);
                        }
                }
                if (has_codes && np > 0)
                        ferr_invalid_omit(causes, p,
                                          "specifying both OnExitCodes and OnPodConditions is not "
                                          "supported");
                if (!has_codes && np == 0)
                        ferr_invalid_omit(causes, p,
                                          "specifying one of OnExitCodes and OnPodConditions is "
                                          "required");
        }
        json_decref(names);
}

static void success_policy_validate(json_t *spec, json_t *causes)
{
        json_t *rules = jget(spec, "successPolicy.rules");
        const char *rp = "spec.successPolicy.rules";
        size_t n = json_array_size(rules);
        int64_t completions = 0;
        bool has_completions = jint(spec, "completions", &completions);
        if (n == 0)
                ferr_required(causes, rp,
                              "at least one rules must be specified when the successPolicy is "
                              "specified");
        if (n > MAX_SUCCESS_POLICY_RULES)
                ferr_too_many(causes, rp, (int64_t)n, MAX_SUCCESS_POLICY_RULES);
        for (size_t i = 0; i < n; i++) {
                json_t *rule = json_array_get(rules, i);
                _cleanup_free_ char *p = xasprintf("%s[%zu]", rp, i);
                bool has_count = present(rule, "succeededCount");
                bool has_idx = present(rule, "succeededIndexes");
                if (!has_count && !has_idx)
                        ferr_required(causes, p,
                                      "at least one of succeededCount or succeededIndexes must be "
                                      "specified");
                int64_t total = 0;
                if (has_idx) {
                        const char *idx = jstr(rule, "succeededIndexes");
                        idx = idx ? idx : "";
                        _cleanup_free_ char *ip = xasprintf("%s.succeededIndexes", p);
                        if (strlen(idx) > MAX_SUCCEEDED_INDEXES_LENGTH)
                                ferr_too_long(causes, ip, MAX_SUCCEEDED_INDEXES_LENGTH);
                        char *err = NULL;
                        total = has_completions ? indexes_format(idx, completions, &err) : 0;
                        if (total < 0) {
                                _cleanup_free_ char *d =
                                    xasprintf("error parsing succeededIndexes: %s", err);
                                ferr_invalid_str(causes, ip, idx, d);
                                total = 0;
                        }
                        free(err);
                }
                if (has_count) {
                        int64_t cnt = 0;
                        jint(rule, "succeededCount", &cnt);
                        _cleanup_free_ char *cp = xasprintf("%s.succeededCount", p);
                        if (cnt < 0)
                                ferr_invalid_int(causes, cp, cnt,
                                                 "must be greater than or equal to 0");
                        if (has_completions && cnt > completions) {
                                _cleanup_free_ char *d =
                                    xasprintf("must be less than or equal to %lld (the number of "
                                              "specified completions)",
                                              (long long)completions);
                                ferr_invalid_int(causes, cp, cnt, d);
                        }
                        if (has_idx && cnt > total) {
                                _cleanup_free_ char *d = xasprintf(
                                    "must be less than or equal to %lld (the number of indexes "
                                    "in the specified succeededIndexes field)",
                                    (long long)total);
                                ferr_invalid_int(causes, cp, cnt, d);
                        }
                }
        }
}

/* IsDomainPrefixedPath, then the length cap */
static void managed_by_validate(const char *v, json_t *causes)
{
        const char *p = "spec.managedBy";
        const char *slash = strchr(v, '/');
        if (!*v)
                ferr_required(causes, p, NULL);
        else if (!slash || slash == v || !slash[1])
                ferr_invalid_str(causes, p, v,
                                 "must be a domain-prefixed path (such as \"acme.io/foo\")");
        else {
                _cleanup_free_ char *host = xstrndup(v, (size_t)(slash - v));
                dns1123_subdomain_validate(host, p, causes);
                const char *c = slash + 1;
                c += strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                               "/-._~%!$&'()*+,;=:");
                if (*c)
                        ferr_invalid_str(causes, p, slash + 1,
                                         "Invalid path (regex used for validation is "
                                         "'[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')");
        }
        if (strlen(v) > MAX_MANAGED_BY_LENGTH)
                ferr_too_long(causes, p, MAX_MANAGED_BY_LENGTH);
}

static void template_validate(json_t *tmpl, json_t *causes)
{
        json_t *md = json_object_get(tmpl, "metadata");
        labels_validate(json_object_get(md, "labels"), "spec.template.labels", causes);
        annotations_validate(json_object_get(md, "annotations"), "spec.template.annotations",
                             causes);
        json_t *spec = json_object_get(tmpl, "spec");
        podspec_validate(spec, "spec.template.spec", causes);
        if (json_array_size(json_object_get(spec, "ephemeralContainers")) > 0)
                ferr_forbidden(causes, "spec.template.spec.ephemeralContainers",
                               "ephemeral containers not allowed in pod template");
}

/* validateJobSpec */
static void job_spec_rules(json_t *spec, json_t *causes)
{
        static const char *const ints[] = {"parallelism",
                                           "completions",
                                           "activeDeadlineSeconds",
                                           "backoffLimit",
                                           "ttlSecondsAfterFinished",
                                           "backoffLimitPerIndex",
                                           "maxFailedIndexes"};
        for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
                nonneg(spec, ints[i], "spec", causes);
        if (present(spec, "maxFailedIndexes") && !present(spec, "backoffLimitPerIndex"))
                ferr_required(causes, "spec.backoffLimitPerIndex",
                              "when maxFailedIndexes is specified");
        if (present(spec, "managedBy")) {
                const char *mb = jstr(spec, "managedBy");
                managed_by_validate(mb ? mb : "", causes);
        }
        int64_t completions = 0, parallelism = 0, mfi = 0;
        bool has_c = jint(spec, "completions", &completions);
        bool has_p = jint(spec, "parallelism", &parallelism);
        bool has_mfi = jint(spec, "maxFailedIndexes", &mfi);
        bool has_blpi = present(spec, "backoffLimitPerIndex");
        const char *mode = jstr(spec, "completionMode");
        if (present(spec, "completionMode")) {
                static const char *const modes[] = {"NonIndexed", "Indexed", NULL};
                if (!in_list(mode, modes))
                        ferr_not_supported(causes, "spec.completionMode", mode ? mode : "", modes);
                if (streq(mode, "Indexed")) {
                        if (!has_c)
                                ferr_required(causes, "spec.completions",
                                              "when completion mode is Indexed");
                        if (has_p && parallelism > MAX_PARALLELISM_INDEXED)
                                ferr_invalid_int(causes, "spec.parallelism", parallelism,
                                                 "must be less than or equal to 100000 when "
                                                 "completion mode is Indexed");
                        if (has_c && has_mfi && mfi > completions)
                                ferr_invalid_int(causes, "spec.maxFailedIndexes", mfi,
                                                 "must be less than or equal to completions");
                        if (has_mfi && mfi > MAX_FAILED_INDEXES)
                                ferr_invalid_int(causes, "spec.maxFailedIndexes", mfi,
                                                 "must be less than or equal to 100000");
                        if (has_c && completions > COMPLETIONS_SOFT_LIMIT && has_blpi) {
                                if (!has_mfi)
                                        ferr_required(causes, "spec.maxFailedIndexes",
                                                      "must be specified when completions is above "
                                                      "100000");
                                if (has_p && parallelism > PARALLELISM_LIMIT_HIGH_COMPLETIONS)
                                        ferr_invalid_int(causes, "spec.parallelism", parallelism,
                                                         "must be less than or equal to 10000 when "
                                                         "completions are above 100000 and used "
                                                         "with backoff limit per index");
                                if (has_mfi && mfi > MAX_FAILED_INDEXES_HIGH_COMPLETIONS)
                                        ferr_invalid_int(causes, "spec.maxFailedIndexes", mfi,
                                                         "must be less than or equal to 10000 when "
                                                         "completions are above 100000 and used "
                                                         "with backoff limit per index");
                        }
                }
        }
        if (!present(spec, "completionMode") || streq(mode, "NonIndexed")) {
                int64_t v;
                if (jint(spec, "backoffLimitPerIndex", &v))
                        ferr_invalid_int(causes, "spec.backoffLimitPerIndex", v,
                                         "requires indexed completion mode");
                if (has_mfi)
                        ferr_invalid_int(causes, "spec.maxFailedIndexes", mfi,
                                         "requires indexed completion mode");
        }
        bool has_pfp = present(spec, "podFailurePolicy");
        if (has_pfp)
                pod_failure_policy_validate(spec, causes);
        if (present(spec, "successPolicy")) {
                if (!streq(mode, "Indexed"))
                        ferr_invalid_raw(causes, "spec.successPolicy", "batch.SuccessPolicy{...}",
                                         "requires indexed completion mode");
                else
                        success_policy_validate(spec, causes);
        }
        if (present(spec, "podReplacementPolicy")) {
                const char *prp = jstr(spec, "podReplacementPolicy");
                static const char *const failed_only[] = {"Failed", NULL};
                static const char *const all[] = {"Failed", "TerminatingOrFailed", NULL};
                if (has_pfp && !streq(prp, "Failed"))
                        ferr_not_supported(causes, "spec.podReplacementPolicy", prp ? prp : "",
                                           failed_only);
                else if (!has_pfp && !in_list(prp, all))
                        ferr_not_supported(causes, "spec.podReplacementPolicy", prp ? prp : "",
                                           all);
        }
        template_validate(json_object_get(spec, "template"), causes);
        const char *rp = jstr(spec, "template.spec.restartPolicy");
        static const char *const job_policies[] = {"OnFailure", "Never", NULL};
        const char *rpp = "spec.template.spec.restartPolicy";
        if (!rp || !*rp || streq(rp, "Always"))
                ferr_required(causes, rpp, "valid values: \"OnFailure\", \"Never\"");
        else if (!in_list(rp, job_policies))
                ferr_not_supported(causes, rpp, rp, job_policies);
        else if (has_pfp && !streq(rp, "Never"))
                ferr_invalid_str(causes, rpp, rp,
                                 "only \"Never\" is supported when podFailurePolicy is specified");
}

/* ValidateJobSpec: validateJobSpec + selector presence, syntax and match */
static void job_spec_validate(json_t *spec, json_t *causes)
{
        job_spec_rules(spec, causes);
        json_t *sel = json_object_get(spec, "selector");
        if (!json_is_object(sel))
                ferr_required(causes, "spec.selector", NULL);
        else
                label_selector_validate(sel, "spec.selector", causes);
        json_t *tlabels = jget(spec, "template.metadata.labels");
        bool ok;
        bool match = label_selector_json_matches(json_is_object(sel) ? sel : NULL, tlabels, &ok);
        if (ok && !match) {
                _cleanup_free_ char *r = go_render_strmap(json_is_object(tlabels) ? tlabels : NULL);
                ferr_invalid_raw(causes, "spec.template.metadata.labels", r,
                                 "`selector` does not match template `labels`");
        }
}

static void has_label(json_t *tlabels, const char *key, const char *want, json_t *causes)
{
        _cleanup_free_ char *p = xasprintf("spec.template.metadata.labels[%s]", key);
        _cleanup_free_ char *d = xasprintf("must be '%s'", want);
        json_t *v = json_object_get(tlabels, key);
        if (!v) {
                ferr_required(causes, p, d);
                return;
        }
        if (!streq(json_string_value(v), want)) {
                _cleanup_free_ char *r = go_render_strmap(tlabels);
                ferr_invalid_raw(causes, p, r, d);
        }
}

/* validateGeneratedSelector */
static void generated_selector_validate(json_t *job, bool prefixed, json_t *causes)
{
        json_t *spec = json_object_get(job, "spec");
        json_t *sel = json_object_get(spec, "selector");
        if (jbool(spec, "manualSelector") || !json_is_object(sel))
                return;
        const char *uid = jstr(job, "metadata.uid"), *name = jstr(job, "metadata.name");
        uid = uid ? uid : "";
        name = name ? name : "";
        if (!*uid)
                ferr_required(causes, "metadata.uid", NULL);
        json_t *tlabels = jget(spec, "template.metadata.labels");
        if (!json_is_object(tlabels))
                tlabels = NULL;
        has_label(tlabels, LEGACY_CONTROLLER_UID, uid, causes);
        has_label(tlabels, LEGACY_JOB_NAME, name, causes);
        json_t *expected = json_object();
        if (prefixed) {
                has_label(tlabels, LABEL_CONTROLLER_UID, uid, causes);
                has_label(tlabels, LABEL_JOB_NAME, name, causes);
                jset_str(expected, LABEL_CONTROLLER_UID, uid);
                jset_str(expected, LABEL_JOB_NAME, name);
        }
        jset_str(expected, LEGACY_CONTROLLER_UID, uid);
        jset_str(expected, LEGACY_JOB_NAME, name);
        bool ok;
        bool match = label_selector_json_matches(sel, expected, &ok);
        if (ok && !match) {
                _cleanup_free_ char *r = go_render_label_selector(sel);
                ferr_invalid_raw(causes, "spec.selector", r, "`selector` not auto-generated");
        }
        json_decref(expected);
}

/* ---------------------------------------------------------------- updates */

static void immutable_scalar(json_t *spec, json_t *ospec, const char *key, json_t *causes)
{
        json_t *a = json_object_get(spec, key), *b = json_object_get(ospec, key);
        if (scalar_equal(a, b))
                return;
        _cleanup_free_ char *p = xasprintf("spec.%s", key);
        _cleanup_free_ char *r = render_scalar(a);
        ferr_invalid_raw(causes, p, r, "field is immutable");
}

static void immutable_struct(json_t *spec, json_t *ospec, const char *key, const char *gotype,
                             json_t *causes)
{
        json_t *a = json_object_get(spec, key), *b = json_object_get(ospec, key);
        bool na = !a || json_is_null(a), nb = !b || json_is_null(b);
        if (na && nb)
                return;
        if (na == nb && json_semantic_equal(a, b))
                return;
        _cleanup_free_ char *p = xasprintf("spec.%s", key);
        ferr_invalid_raw(causes, p, na ? "null" : gotype, "field is immutable");
}

static void copy_member(json_t *dst, json_t *src, const char *key)
{
        json_t *v = json_object_get(src, key);
        if (v)
                json_object_set(dst, key, v);
        else
                json_object_del(dst, key);
}

/* validatePodTemplateUpdate with AllowMutableSchedulingDirectives */
static void template_update_validate(json_t *spec, json_t *ospec, bool allow_sched, json_t *causes)
{
        json_t *tmpl = json_object_get(spec, "template");
        json_t *otmpl = json_deep_copy(json_object_get(ospec, "template"));
        if (allow_sched) {
                if (!json_is_object(otmpl)) {
                        json_decref(otmpl);
                        otmpl = json_object();
                }
                json_t *ps = jobj(otmpl, "spec"), *md = jobj(otmpl, "metadata");
                json_t *nps = json_object_get(tmpl, "spec"),
                       *nmd = json_object_get(tmpl, "metadata");
                json_t *naff = json_object_get(nps, "affinity"),
                       *oaff = json_object_get(ps, "affinity");
                bool has_n = json_is_object(naff), has_o = json_is_object(oaff);
                if (!has_n && has_o) {
                        json_object_del(oaff, "nodeAffinity");
                        if (json_semantic_equal(oaff, NULL))
                                json_object_del(ps, "affinity");
                } else if (has_n && !has_o) {
                        json_t *a = json_object();
                        copy_member(a, naff, "nodeAffinity");
                        json_object_set_new(ps, "affinity", a);
                } else if (has_n && has_o) {
                        copy_member(oaff, naff, "nodeAffinity");
                }
                copy_member(ps, nps, "nodeSelector");
                copy_member(ps, nps, "tolerations");
                copy_member(ps, nps, "schedulingGates");
                copy_member(md, nmd, "annotations");
                copy_member(md, nmd, "labels");
        }
        if (!json_semantic_equal(tmpl, otmpl))
                ferr_invalid_raw(causes, "spec.template", "core.PodTemplateSpec{...}",
                                 "field is immutable");
        json_decref(otmpl);
}

static void job_spec_update_validate(json_t *job, json_t *old, json_t *causes)
{
        json_t *spec = json_object_get(job, "spec"), *ospec = json_object_get(old, "spec");
        /* validateCompletions: immutable unless Indexed, where it moves with parallelism */
        if (!streq(jstr(spec, "completionMode"), "Indexed"))
                immutable_scalar(spec, ospec, "completions", causes);
        else if (!scalar_equal(json_object_get(spec, "completions"),
                               json_object_get(ospec, "completions")) &&
                 present(spec, "completions")) {
                int64_t c = 0, p = 0;
                jint(spec, "completions", &c);
                bool has_p = jint(spec, "parallelism", &p);
                if (!has_p || c != p)
                        ferr_invalid_int(causes, "spec.completions", c,
                                         "can only be modified in tandem with spec.parallelism");
        }
        json_t *sel = json_object_get(spec, "selector"), *osel = json_object_get(ospec, "selector");
        if (!((!sel || json_is_null(sel)) && (!osel || json_is_null(osel))) &&
            (!sel || !osel || !json_semantic_equal(sel, osel))) {
                _cleanup_free_ char *r =
                    json_is_object(sel) ? go_render_label_selector(sel) : xstrdup("null");
                ferr_invalid_raw(causes, "spec.selector", r, "field is immutable");
        }
        bool suspended = jbool(ospec, "suspend");
        bool started = present(json_object_get(old, "status"), "startTime");
        template_update_validate(spec, ospec, suspended && !started, causes);
        immutable_scalar(spec, ospec, "completionMode", causes);
        immutable_struct(spec, ospec, "podFailurePolicy", "batch.PodFailurePolicy{...}", causes);
        immutable_scalar(spec, ospec, "backoffLimitPerIndex", causes);
        immutable_scalar(spec, ospec, "managedBy", causes);
        immutable_struct(spec, ospec, "successPolicy", "batch.SuccessPolicy{...}", causes);
}

void job_validate(json_t *job, json_t *old, json_t *causes)
{
        bool prefixed = true;
        if (old) {
                json_t *olabels = jget(old, "spec.template.metadata.labels");
                prefixed = json_object_get(olabels, LABEL_JOB_NAME) &&
                           json_object_get(olabels, LABEL_CONTROLLER_UID);
        }
        generated_selector_validate(job, prefixed, causes);
        json_t *spec = json_object_get(job, "spec");
        job_spec_validate(spec, causes);
        int64_t completions;
        if (streq(jstr(spec, "completionMode"), "Indexed") &&
            jint(spec, "completions", &completions) && completions > 0) {
                const char *name = jstr(job, "metadata.name");
                _cleanup_free_ char *host =
                    xasprintf("%s-%lld", name ? name : "", (long long)(completions - 1));
                if (dns1123_label_error(host)) {
                        _cleanup_free_ char *d =
                            xasprintf("will not able to create pod with invalid "
                                      "DNS label: %s",
                                      host);
                        ferr_invalid_str(causes, "metadata.name", name ? name : "", d);
                }
        }
        if (old) {
                meta_validate_update(job, old, causes);
                job_spec_update_validate(job, old, causes);
        }
}

/* ---------------------------------------------------------------- status */

static bool cond_true(json_t *job, const char *type)
{
        json_t *conds = jget(job, "status.conditions");
        for (size_t i = 0; i < json_array_size(conds); i++) {
                json_t *c = json_array_get(conds, i);
                if (streq(jstr(c, "type"), type) && streq(jstr(c, "status"), "True"))
                        return true;
        }
        return false;
}

static bool finished(json_t *job)
{
        return cond_true(job, "Complete") || cond_true(job, "Failed");
}

struct status_opts {
        bool dec_succeeded, dec_failed, disable_terminal, completed_idx, failed_idx, overlap,
            completed_nonindexed, failed_no_blpi, failed_without_target, complete_without_scm,
            finished_active, finished_no_start, finished_uncounted, start_time_update,
            completion_before_start, mutating_completion, complete_without_completion_time,
            completion_time_not_complete, complete_and_failed, complete_and_target, more_ready,
            finished_terminating;
};

static bool member_changed(json_t *a, json_t *b, const char *key)
{
        return !scalar_equal(json_object_get(a, key), json_object_get(b, key));
}

static int64_t status_int(json_t *st, const char *key)
{
        int64_t v = 0;
        jint(st, key, &v);
        return v;
}

static bool time_equal(json_t *a, json_t *b)
{
        int64_t sa = 0, sb = 0;
        bool ha = json_is_string(a) && time_parse_rfc3339(json_string_value(a), &sa) == 0;
        bool hb = json_is_string(b) && time_parse_rfc3339(json_string_value(b), &sb) == 0;
        return ha == hb && sa == sb;
}

static struct status_opts status_options(json_t *job, json_t *old)
{
        if (!old) /* no previous status: every rule that needs no old value applies */
                return (struct status_opts){
                    .completed_idx = true,
                    .failed_idx = true,
                    .overlap = true,
                    .completed_nonindexed = true,
                    .failed_no_blpi = true,
                    .failed_without_target = true,
                    .complete_without_scm = true,
                    .finished_active = true,
                    .finished_no_start = true,
                    .finished_uncounted = true,
                    .completion_before_start = true,
                    .complete_without_completion_time = true,
                    .completion_time_not_complete = true,
                    .complete_and_failed = true,
                    .complete_and_target = true,
                    .more_ready = true,
                    .finished_terminating = true,
                };
        json_t *st = json_object_get(job, "status"), *ost = json_object_get(old, "status");
        json_t *spec = json_object_get(job, "spec");
        bool indexed = streq(jstr(spec, "completionMode"), "Indexed");
        bool fin = finished(job) != finished(old);
        bool complete = cond_true(job, "Complete") != cond_true(old, "Complete");
        bool failed = cond_true(job, "Failed") != cond_true(old, "Failed");
        bool target = cond_true(job, "FailureTarget") != cond_true(old, "FailureTarget");
        bool scm = cond_true(job, "SuccessCriteriaMet") != cond_true(old, "SuccessCriteriaMet");
        bool cidx = member_changed(st, ost, "completedIndexes");
        bool fidx = member_changed(st, ost, "failedIndexes");
        bool active = status_int(st, "active") != status_int(ost, "active");
        bool ready = member_changed(st, ost, "ready");
        bool terminating = member_changed(st, ost, "terminating");
        bool start =
            !time_equal(json_object_get(st, "startTime"), json_object_get(ost, "startTime"));
        bool ctime = !time_equal(json_object_get(st, "completionTime"),
                                 json_object_get(ost, "completionTime"));
        bool uncounted = !json_semantic_equal(json_object_get(st, "uncountedTerminatedPods"),
                                              json_object_get(ost, "uncountedTerminatedPods"));
        return (struct status_opts){
            .dec_succeeded = !indexed || !scalar_equal(json_object_get(spec, "completions"),
                                                       json_object_get(spec, "parallelism")),
            .dec_failed = true,
            .disable_terminal = true,
            .completed_idx = cidx,
            .failed_idx = fidx,
            .overlap = cidx || fidx,
            .completed_nonindexed = cidx,
            .failed_no_blpi = fidx,
            .failed_without_target = failed || target,
            .complete_without_scm = complete || scm,
            .finished_active = fin || active,
            .finished_no_start = fin || start,
            .finished_uncounted = fin || uncounted,
            .start_time_update = start,
            .completion_before_start = start || ctime,
            .mutating_completion = true,
            .complete_without_completion_time = complete || ctime,
            .completion_time_not_complete = complete || ctime,
            .complete_and_failed = complete || failed,
            .complete_and_target = complete || target,
            .more_ready = ready || active,
            .finished_terminating = fin || terminating,
        };
}

static void uid_list_validate(json_t *list, const char *path, json_t *seen, json_t *causes)
{
        for (size_t i = 0; i < json_array_size(list); i++) {
                const char *uid = json_string_value(json_array_get(list, i));
                _cleanup_free_ char *p = xasprintf("%s[%zu]", path, i);
                if (!uid || !*uid)
                        ferr_invalid_str(causes, p, "", "must not be empty");
                else if (json_object_get(seen, uid))
                        ferr_duplicate_str(causes, p, uid);
                else
                        json_object_set_new(seen, uid, json_true());
        }
}

/* validateJobStatus */
static void job_status_rules(json_t *job, const struct status_opts *o, json_t *causes)
{
        json_t *st = json_object_get(job, "status"), *spec = json_object_get(job, "spec");
        static const char *const counters[] = {"active", "succeeded", "failed", "ready",
                                               "terminating"};
        for (size_t i = 0; i < ARRAY_SIZE(counters); i++)
                nonneg(st, counters[i], "status", causes);
        json_t *unc = json_object_get(st, "uncountedTerminatedPods");
        if (json_is_object(unc)) {
                json_t *seen = json_object();
                uid_list_validate(json_object_get(unc, "succeeded"),
                                  "status.uncountedTerminatedPods.succeeded", seen, causes);
                uid_list_validate(json_object_get(unc, "failed"),
                                  "status.uncountedTerminatedPods.failed", seen, causes);
                json_decref(seen);
        }
        bool complete = cond_true(job, "Complete"), failed = cond_true(job, "Failed");
        bool target = cond_true(job, "FailureTarget"), scm = cond_true(job, "SuccessCriteriaMet");
        bool fin = complete || failed;
        json_t *ct = json_object_get(st, "completionTime"), *stt = json_object_get(st, "startTime");
        bool has_ct = ct && !json_is_null(ct), has_st = stt && !json_is_null(stt);
        if (o->complete_and_failed && complete && failed)
                ferr_invalid_omit(causes, "status.conditions",
                                  "cannot set Complete=True and Failed=true conditions");
        if (o->complete_and_target && complete && target)
                ferr_invalid_omit(causes, "status.conditions",
                                  "cannot set Complete=True and FailureTarget=true conditions");
        if (o->completion_time_not_complete && has_ct && !complete) {
                _cleanup_free_ char *r = render_time(ct);
                ferr_invalid_raw(
                    causes, "status.completionTime", r,
                    "cannot set completionTime when there is no Complete=True condition");
        }
        if (o->complete_without_completion_time && !has_ct && complete)
                ferr_required(causes, "status.completionTime",
                              "completionTime is required for Complete jobs");
        int64_t sct, sst;
        if (o->completion_before_start && has_st && has_ct &&
            time_parse_rfc3339(json_string_value(ct), &sct) == 0 &&
            time_parse_rfc3339(json_string_value(stt), &sst) == 0 && sct < sst) {
                _cleanup_free_ char *r = render_time(ct);
                ferr_invalid_raw(causes, "status.completionTime", r,
                                 "must be equal to or after `startTime`");
        }
        if (o->failed_without_target && failed && !target)
                ferr_invalid_omit(causes, "status.conditions",
                                  "cannot set Failed=True condition without the FailureTarget=true "
                                  "condition");
        if (o->complete_without_scm && complete && !scm)
                ferr_invalid_omit(
                    causes, "status.conditions",
                    "cannot set Complete=True condition without the SuccessCriteriaMet=true "
                    "condition");
        int64_t active = status_int(st, "active");
        if (o->finished_active && fin && active > 0)
                ferr_invalid_int(causes, "status.active", active,
                                 "active>0 is invalid for finished job");
        if (o->finished_no_start && fin && !has_st)
                ferr_required(causes, "status.startTime", "startTime is required for finished job");
        if (o->finished_uncounted && fin && json_is_object(unc) &&
            json_array_size(json_object_get(unc, "succeeded")) +
                    json_array_size(json_object_get(unc, "failed")) >
                0)
                ferr_invalid_raw(causes, "status.uncountedTerminatedPods",
                                 "batch.UncountedTerminatedPods{...}",
                                 "must be empty for finished job");
        int64_t completions = 0;
        bool has_c = jint(spec, "completions", &completions);
        const char *cidx = jstr(st, "completedIndexes");
        json_t *fidx_v = json_object_get(st, "failedIndexes");
        const char *fidx = json_string_value(fidx_v);
        bool has_fidx = fidx_v && !json_is_null(fidx_v);
        bool has_blpi = present(spec, "backoffLimitPerIndex");
        if (o->completed_idx && has_c) {
                char *err = NULL;
                if (indexes_format(cidx ? cidx : "", completions, &err) < 0) {
                        _cleanup_free_ char *d =
                            xasprintf("error parsing completedIndexes: %s", err);
                        ferr_invalid_str(causes, "status.completedIndexes", cidx ? cidx : "", d);
                }
                free(err);
        }
        if (o->failed_idx && has_c && has_blpi && has_fidx) {
                char *err = NULL;
                if (indexes_format(fidx ? fidx : "", completions, &err) < 0) {
                        _cleanup_free_ char *d = xasprintf("error parsing failedIndexes: %s", err);
                        ferr_invalid_str(causes, "status.failedIndexes", fidx ? fidx : "", d);
                }
                free(err);
        }
        bool indexed = streq(jstr(spec, "completionMode"), "Indexed");
        if (o->completed_nonindexed && cidx && *cidx && !indexed)
                ferr_invalid_str(
                    causes, "status.completedIndexes", cidx,
                    "cannot set non-empty completedIndexes when non-indexed completion mode");
        if (o->failed_no_blpi && !has_blpi && has_fidx)
                ferr_invalid_str(
                    causes, "status.failedIndexes", fidx ? fidx : "",
                    "cannot set non-null failedIndexes when backoffLimitPerIndex is null");
        if (o->overlap && has_c && has_fidx) {
                _cleanup_free_ char *e =
                    indexes_overlap(cidx ? cidx : "", fidx ? fidx : "", completions);
                if (e)
                        ferr_invalid_str(causes, "status.failedIndexes", fidx ? fidx : "", e);
        }
        int64_t terminating;
        if (o->finished_terminating && fin && jint(st, "terminating", &terminating) &&
            terminating > 0)
                ferr_invalid_int(causes, "status.terminating", terminating,
                                 "terminating>0 is invalid for finished job");
        int64_t ready;
        if (o->more_ready && jint(st, "ready", &ready) && ready > active)
                ferr_invalid_int(causes, "status.ready", ready,
                                 "cannot set more ready pods than active");
        if (scm && failed)
                ferr_invalid_omit(causes, "status.conditions",
                                  "cannot set SuccessCriteriaMet=True and Failed=true conditions");
        if (scm && target)
                ferr_invalid_omit(
                    causes, "status.conditions",
                    "cannot set SuccessCriteriaMet=True and FailureTarget=true conditions");
        if (present(spec, "successPolicy") && !scm && complete)
                ferr_invalid_omit(causes, "status.conditions",
                                  "cannot set Complete=True for Job with SuccessPolicy unless "
                                  "SuccessCriteriaMet=True");
}

void job_status_validate(json_t *job, json_t *old, json_t *causes)
{
        struct status_opts o = status_options(job, old);
        if (old)
                meta_validate_update(job, old, causes);
        job_status_rules(job, &o, causes);
        if (!old)
                return;
        json_t *st = json_object_get(job, "status"), *ost = json_object_get(old, "status");
        if (o.disable_terminal) {
                static const char *const terminal[] = {"Failed", "Complete", "FailureTarget"};
                for (size_t i = 0; i < ARRAY_SIZE(terminal); i++)
                        if (cond_true(old, terminal[i]) && !cond_true(job, terminal[i])) {
                                _cleanup_free_ char *d =
                                    xasprintf("cannot disable the terminal %s=True "
                                              "condition",
                                              terminal[i]);
                                ferr_invalid_omit(causes, "status.conditions", d);
                        }
        }
        if (o.dec_failed && status_int(st, "failed") < status_int(ost, "failed"))
                ferr_invalid_int(causes, "status.failed", status_int(st, "failed"),
                                 "cannot decrease the failed counter");
        if (o.dec_succeeded && status_int(st, "succeeded") < status_int(ost, "succeeded"))
                ferr_invalid_int(causes, "status.succeeded", status_int(st, "succeeded"),
                                 "cannot decrease the succeeded counter");
        json_t *ct = json_object_get(st, "completionTime"),
               *oct = json_object_get(ost, "completionTime");
        if (o.mutating_completion && json_is_string(ct) && json_is_string(oct) &&
            !time_equal(ct, oct)) {
                _cleanup_free_ char *r = render_time(ct);
                ferr_invalid_raw(causes, "status.completionTime", r, "field is immutable");
        }
        json_t *stt = json_object_get(st, "startTime"), *ostt = json_object_get(ost, "startTime");
        if (o.start_time_update && json_is_string(ostt) && !time_equal(stt, ostt) &&
            !jbool(json_object_get(job, "spec"), "suspend"))
                ferr_required(causes, "status.startTime",
                              "startTime cannot be removed for unsuspended job");
        if (cond_true(old, "SuccessCriteriaMet") && !cond_true(job, "SuccessCriteriaMet"))
                ferr_invalid_omit(causes, "status.conditions",
                                  "cannot disable the SuccessCriteriaMet=True condition");
        if (cond_true(old, "Complete") && !cond_true(old, "SuccessCriteriaMet") &&
            cond_true(job, "SuccessCriteriaMet"))
                ferr_invalid_omit(causes, "status.conditions",
                                  "cannot set SuccessCriteriaMet=True for Job already has "
                                  "Complete=true conditions");
}
