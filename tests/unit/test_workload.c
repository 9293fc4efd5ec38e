/* test_workload.c — defaulting and validation of Jobs, Pods and metadata.
 *
 * Table-driven in the spirit of upstream validation_test.go: each case patches a valid
 * object (JSON merge patch) and names one exact "<field>: <message>" that must appear
 * among the causes.  The expected strings are copied from spec/job-semantics.md §2 and
 * from upstream, so a drift in wording fails here first. */
#include "types/ferr.h"
#include "types/workload.h"
#include "harness.h"

#define PI_JOB                                                                                     \
        "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"pi\"},"            \
        "\"spec\":{\"completions\":2,\"parallelism\":2,\"template\":{\"spec\":{\"containers\":"    \
        "[{\"name\":\"pi\",\"image\":\"perl\",\"command\":[\"perl\",\"-Mbignum=bpi\",\"-wle\","    \
        "\"print bpi(2000)\"]}],\"restartPolicy\":\"Never\"}},\"backoffLimit\":4}}"

static json_t *J(const char *s)
{
        json_error_t e;
        json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
        if (!j) {
                fprintf(stderr, "bad test JSON: %s: %s\n", e.text, s);
                abort();
        }
        return j;
}

/* RFC 7386 merge patch */
static void merge_patch(json_t *target, json_t *patch)
{
        const char *k;
        json_t *v;
        json_object_foreach(patch, k, v)
        {
                json_t *t = json_object_get(target, k);
                if (json_is_null(v))
                        json_object_del(target, k);
                else if (json_is_object(v) && json_is_object(t))
                        merge_patch(t, v);
                else
                        json_object_set_new(target, k, json_deep_copy(v));
        }
}

static void patch(json_t *obj, const char *p)
{
        if (!p)
                return;
        json_t *pj = J(p);
        merge_patch(obj, pj);
        json_decref(pj);
}

/* A created Job: as the API server has it just before validation. */
static json_t *pi_job(void)
{
        json_t *job = J(PI_JOB);
        jset_str(jobj(job, "metadata"), "namespace", "default");
        jset_str(jobj(job, "metadata"), "uid", "1a2b3c");
        job_default(job);
        job_prepare_create(job);
        return job;
}

static char *causes_text(json_t *causes)
{
        char *out = xstrdup("");
        for (size_t i = 0; i < json_array_size(causes); i++) {
                json_t *c = json_array_get(causes, i);
                char *n = xasprintf("%s    %s: %s\n", out, jstr(c, "field"), jstr(c, "message"));
                free(out);
                out = n;
        }
        return out;
}

static int has_cause(json_t *causes, const char *want)
{
        for (size_t i = 0; i < json_array_size(causes); i++) {
                json_t *c = json_array_get(causes, i);
                char *line = xasprintf("%s: %s", jstr(c, "field"), jstr(c, "message"));
                int eq = streq(line, want);
                free(line);
                if (eq)
                        return 1;
        }
        return 0;
}

#define CHECK_CAUSE(causes, want)                                                                  \
        do {                                                                                       \
                if (!has_cause((causes), (want))) {                                                \
                        char *_t = causes_text(causes);                                            \
                        fprintf(stderr, "  %s:%d: missing cause\n    want: %s\n  got:\n%s",        \
                                __FILE__, __LINE__, (want), _t);                                   \
                        free(_t);                                                                  \
                        harness_cur_failed = 1;                                                    \
                }                                                                                  \
        } while (0)

#define CHECK_NO_CAUSES(causes)                                                                    \
        do {                                                                                       \
                if (json_array_size(causes)) {                                                     \
                        char *_t = causes_text(causes);                                            \
                        fprintf(stderr, "  %s:%d: unexpected causes:\n%s", __FILE__, __LINE__,     \
                                _t);                                                               \
                        free(_t);                                                                  \
                        harness_cur_failed = 1;                                                    \
                }                                                                                  \
        } while (0)

/* ------------------------------------------------------------------ ferr */

TEST(go_quote_like_strconv_quote)
{
        static const struct {
                const char *in, *want;
        } cases[] = {
            {"Always", "\"Always\""},
            {"", "\"\""},
            {"a\"b", "\"a\\\"b\""},
            {"back\\slash", "\"back\\\\slash\""},
            {"line\nbreak\ttab", "\"line\\nbreak\\ttab\""},
            {"\x01\x7f", "\"\\x01\\x7f\""},
            {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
            {"bad\xff", "\"bad\\xff\""},
            {"nbsp\xc2\xa0", "\"nbsp\\u00a0\""},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                char *q = go_quote(cases[i].in);
                CHECK_STR(q, cases[i].want);
                free(q);
        }
}

TEST(ferr_builders_render_like_field_error)
{
        json_t *c = json_array();
        static const char *const sup[] = {"OnFailure", "Never", NULL};
        ferr_required(c, "a", NULL);
        ferr_required(c, "b", "when completion mode is Indexed");
        ferr_invalid_str(c, "c", "My_Job", "bad");
        ferr_invalid_int(c, "d", -1, "must be greater than or equal to 0");
        ferr_not_supported(c, "e", "Always", sup);
        ferr_duplicate_str(c, "f", "c");
        ferr_forbidden(c, "g", "not allowed on this type");
        ferr_too_long(c, "h", 63);
        ferr_too_many(c, "i", 21, 20);
        ferr_invalid_omit(c, "j", "specifying both");
        ferr_not_found(c, "k", "vol");
        ferr_invalid_raw(c, "l", "[]int32{}", "at least one value is required");
        CHECK_CAUSE(c, "a: Required value");
        CHECK_CAUSE(c, "b: Required value: when completion mode is Indexed");
        CHECK_CAUSE(c, "c: Invalid value: \"My_Job\": bad");
        CHECK_CAUSE(c, "d: Invalid value: -1: must be greater than or equal to 0");
        CHECK_CAUSE(c,
                    "e: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
        CHECK_CAUSE(c, "f: Duplicate value: \"c\"");
        CHECK_CAUSE(c, "g: Forbidden: not allowed on this type");
        CHECK_CAUSE(c, "h: Too long: may not be more than 63 bytes");
        CHECK_CAUSE(c, "i: Too many: 21: must have at most 20 items");
        CHECK_CAUSE(c, "j: Invalid value: specifying both");
        CHECK_CAUSE(c, "k: Not found: \"vol\"");
        CHECK_CAUSE(c, "l: Invalid value: []int32{}: at least one value is required");
        static const char *const reasons[] = {
            "FieldValueRequired",  "FieldValueRequired",     "FieldValueInvalid",
            "FieldValueInvalid",   "FieldValueNotSupported", "FieldValueDuplicate",
            "FieldValueForbidden", "FieldValueTooLong",      "FieldValueTooMany",
            "FieldValueInvalid",   "FieldValueNotFound",     "FieldValueInvalid",
        };
        CHECK_INT(json_array_size(c), ARRAY_SIZE(reasons));
        for (size_t i = 0; i < ARRAY_SIZE(reasons) && i < json_array_size(c); i++)
                CHECK_STR(jstr(json_array_get(c, i), "reason"), reasons[i]);
        json_decref(c);
}

TEST(ferr_aggregate_one_many_and_duplicates)
{
        json_t *c = json_array();
        char *s = ferr_aggregate(c);
        CHECK_STR(s, "");
        free(s);
        ferr_required(c, "spec.selector", NULL);
        s = ferr_aggregate(c);
        CHECK_STR(s, "spec.selector: Required value");
        free(s);
        ferr_required(c, "spec.selector", NULL);
        s = ferr_aggregate(c);
        CHECK_STR(s, "spec.selector: Required value");
        free(s);
        ferr_invalid_int(c, "spec.parallelism", -1, "must be greater than or equal to 0");
        s = ferr_aggregate(c);
        CHECK_STR(s, "[spec.selector: Required value, spec.parallelism: Invalid value: -1: must be "
                     "greater than or equal to 0]");
        free(s);
        json_decref(c);
}

TEST(go_render_maps_and_selectors)
{
        json_t *m = J("{\"y\":\"z\",\"a\":\"b\"}");
        char *s = go_render_strmap(m);
        CHECK_STR(s, "map[string]string{\"a\":\"b\", \"y\":\"z\"}");
        free(s);
        s = go_render_strmap(NULL);
        CHECK_STR(s, "map[string]string(nil)");
        free(s);
        json_decref(m);
        json_t *sel = J("{\"matchLabels\":{\"a\":\"b\"}}");
        s = go_render_label_selector(sel);
        CHECK_STR(s, "v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\"}, "
                     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}");
        free(s);
        json_decref(sel);
        sel = J("{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"In\",\"values\":[\"v\"]}]}");
        s = go_render_label_selector(sel);
        CHECK_STR(s, "v1.LabelSelector{MatchLabels:map[string]string(nil), "
                     "MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{"
                     "Key:\"k\", Operator:\"In\", Values:[]string{\"v\"}}}}");
        free(s);
        json_decref(sel);
}

/* ------------------------------------------------------------------ names, images */

#define DNS_LABEL_MSG                                                                              \
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "   \
        "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "   \
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS_SUBDOMAIN_MSG                                                                          \
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "  \
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "      \
        "regex used for validation is "                                                            \
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

static char *repeat(char c, size_t n)
{
        char *s = xmalloc(n + 1);
        memset(s, c, n);
        s[n] = 0;
        return s;
}

TEST(dns1123_helpers)
{
        static const struct {
                const char *s;
                int label_ok, subdomain_ok;
        } cases[] = {
            {"pi", 1, 1}, {"a-b-1", 1, 1}, {"a.b", 0, 1},  {"My_Job", 0, 0}, {"-a", 0, 0},
            {"a-", 0, 0}, {"", 0, 0},      {"a..b", 0, 0}, {"1abc", 1, 1},   {"abc.", 0, 0},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                CHECK((dns1123_label_error(cases[i].s) == NULL) == cases[i].label_ok);
                CHECK((dns1123_subdomain_error(cases[i].s) == NULL) == cases[i].subdomain_ok);
        }
        CHECK_STR(dns1123_label_error("Bad_Name"), DNS_LABEL_MSG);
        CHECK_STR(dns1123_subdomain_error("My_Job"), DNS_SUBDOMAIN_MSG);
        char *l64 = repeat('a', 64), *s254 = repeat('a', 254);
        CHECK_STR(dns1123_label_error(l64), "must be no more than 63 bytes");
        CHECK(dns1123_subdomain_error(l64) == NULL);
        CHECK_STR(dns1123_subdomain_error(s254), "must be no more than 253 bytes");
        free(l64);
        free(s254);
}

TEST(image_pull_policy_rule)
{
        static const struct {
                const char *image, *want;
        } cases[] = {
            {"busybox", "Always"},
            {"busybox:latest", "Always"},
            {"busybox:1.36", "IfNotPresent"},
            {"busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
             "IfNotPresent"},
            {"busybox:1.36@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
             "IfNotPresent"},
            {"busybox:latest@sha256:"
             "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
             "Always"},
            {"perl", "Always"},
            {"docker.io/library/perl", "Always"},
            {"registry.example.com:5000/team/app", "Always"},
            {"registry.example.com:5000/team/app:v2", "IfNotPresent"},
            {"localhost/app:dev", "IfNotPresent"},
            {"ccr.ccs.tencentyun.com/library/nginx:latest", "Always"},
            {"BusyBox", "IfNotPresent"}, /* unparsable: no tag found */
            {"", "IfNotPresent"},
            {"busybox:", "IfNotPresent"},
            {"busybox@sha256:abc", "IfNotPresent"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                const char *got = image_default_pull_policy(cases[i].image);
                if (!streq(got, cases[i].want))
                        fprintf(stderr, "  image %s\n", cases[i].image);
                CHECK_STR(got, cases[i].want);
        }
}

/* ------------------------------------------------------------------ metadata */

struct meta_case {
        const char *name;
        const char *obj;
        bool namespaced, label;
        const char *want; /* NULL: valid */
};

TEST(meta_validate_table)
{
        char *long63 = repeat('a', 64);
        char *big = repeat('x', 256 * 1024);
        char *obj_label = xasprintf("{\"metadata\":{\"name\":\"pi\",\"namespace\":\"default\","
                                    "\"labels\":{\"job-name\":\"%s\"}}}",
                                    long63);
        char *obj_ann = xasprintf("{\"metadata\":{\"name\":\"pi\",\"namespace\":\"default\","
                                  "\"annotations\":{\"a\":\"%s\"}}}",
                                  big);
        char *long_name = repeat('a', 254);
        char *obj_long =
            xasprintf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"d\"}}", long_name);
        const struct meta_case cases[] = {
            {"valid", "{\"metadata\":{\"name\":\"pi\",\"namespace\":\"default\"}}", true, false,
             NULL},
            {"dotted name", "{\"metadata\":{\"name\":\"pi.v2\",\"namespace\":\"default\"}}", true,
             false, NULL},
            {"no name", "{\"metadata\":{\"namespace\":\"default\"}}", true, false,
             "metadata.name: Required value: name or generateName is required"},
            {"bad name", "{\"metadata\":{\"name\":\"My_Job\",\"namespace\":\"default\"}}", true,
             false, "metadata.name: Invalid value: \"My_Job\": " DNS_SUBDOMAIN_MSG},
            {"name too long", obj_long, true, false,
             "metadata.name: Invalid value: \"" /* checked by prefix below */},
            {"generateName prefix",
             "{\"metadata\":{\"name\":\"pi-x7k2p\",\"generateName\":"
             "\"pi-\",\"namespace\":\"d\"}}",
             true, false, NULL},
            {"bad generateName",
             "{\"metadata\":{\"name\":\"x\",\"generateName\":\"Pi-\","
             "\"namespace\":\"d\"}}",
             true, false, "metadata.generateName: Invalid value: \"Pi-\": " DNS_SUBDOMAIN_MSG},
            {"no namespace", "{\"metadata\":{\"name\":\"pi\"}}", true, false,
             "metadata.namespace: Required value"},
            {"bad namespace", "{\"metadata\":{\"name\":\"pi\",\"namespace\":\"a.b\"}}", true, false,
             "metadata.namespace: Invalid value: \"a.b\": " DNS_LABEL_MSG},
            {"namespace on cluster object", "{\"metadata\":{\"name\":\"n1\",\"namespace\":\"x\"}}",
             false, true, "metadata.namespace: Forbidden: not allowed on this type"},
            {"namespace name is a label", "{\"metadata\":{\"name\":\"a.b\"}}", false, true,
             "metadata.name: Invalid value: \"a.b\": " DNS_LABEL_MSG},
            {"label value too long", obj_label, true, false,
             NULL /* checked below: must be no more than 63 bytes */},
            {"bad label key",
             "{\"metadata\":{\"name\":\"pi\",\"namespace\":\"d\","
             "\"labels\":{\"a/b/c\":\"x\"}}}",
             true, false,
             "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of "
             "alphanumeric characters, '-', '_' or '.', and must start and end with an "
             "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
             "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional "
             "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
            {"empty label prefix",
             "{\"metadata\":{\"name\":\"pi\",\"namespace\":\"d\","
             "\"labels\":{\"/x\":\"y\"}}}",
             true, false, "metadata.labels: Invalid value: \"/x\": prefix part must be non-empty"},
            {"bad label value",
             "{\"metadata\":{\"name\":\"pi\",\"namespace\":\"d\","
             "\"labels\":{\"a\":\"-x\"}}}",
             true, false,
             "metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or "
             "consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
             "an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex "
             "used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
            {"annotations too big", obj_ann, true, false,
             "metadata.annotations: Too long: may not be more than 262144 bytes"},
            {"bad finalizer",
             "{\"metadata\":{\"name\":\"pi\",\"namespace\":\"d\","
             "\"finalizers\":[\"mine\"]}}",
             true, false,
             "metadata.finalizers[0]: Invalid value: \"mine\": name is neither a standard "
             "finalizer name nor is it fully qualified"},
            {"owner without uid",
             "{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\","
             "\"ownerReferences\":[{\"apiVersion\":\"batch/v1\","
             "\"kind\":\"Job\",\"name\":\"pi\"}]}}",
             true, false,
             "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty"},
            {"negative generation",
             "{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\","
             "\"generation\":-1}}",
             true, false,
             "metadata.generation: Invalid value: -1: must be greater than or equal to 0"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                json_t *o = J(cases[i].obj), *c = json_array();
                meta_validate(o, cases[i].namespaced, cases[i].label, c);
                if (streq(cases[i].name, "label value too long")) {
                        char *w = xasprintf("metadata.labels: Invalid value: \"%s\": must be no "
                                            "more than 63 bytes",
                                            long63);
                        CHECK_CAUSE(c, w);
                        CHECK_INT(json_array_size(c), 1);
                        free(w);
                } else if (streq(cases[i].name, "name too long")) {
                        char *w = xasprintf("metadata.name: Invalid value: \"%s\": must be no more "
                                            "than 253 bytes",
                                            long_name);
                        CHECK_CAUSE(c, w);
                        free(w);
                } else if (!cases[i].want) {
                        if (json_array_size(c))
                                fprintf(stderr, "  case %s\n", cases[i].name);
                        CHECK_NO_CAUSES(c);
                } else {
                        if (!has_cause(c, cases[i].want))
                                fprintf(stderr, "  case %s\n", cases[i].name);
                        CHECK_CAUSE(c, cases[i].want);
                }
                json_decref(o);
                json_decref(c);
        }
        free(long63);
        free(big);
        free(obj_label);
        free(obj_ann);
        free(long_name);
        free(obj_long);
}

TEST(meta_validate_update_immutables)
{
        json_t *old = J("{\"metadata\":{\"name\":\"pi\",\"namespace\":\"default\",\"uid\":\"u1\","
                        "\"generation\":2,\"creationTimestamp\":\"2026-11-30T05:13:38Z\"}}");
        json_t *new = json_deep_copy(old), *c = json_array();
        meta_validate_update(new, old, c);
        CHECK_NO_CAUSES(c);
        patch(new, "{\"metadata\":{\"name\":\"pi2\",\"uid\":\"u2\",\"generation\":1,"
                   "\"creationTimestamp\":\"2026-11-30T05:13:39Z\"}}");
        meta_validate_update(new, old, c);
        CHECK_CAUSE(c, "metadata.name: Invalid value: \"pi2\": field is immutable");
        CHECK_CAUSE(c, "metadata.uid: Invalid value: \"u2\": field is immutable");
        CHECK_CAUSE(c, "metadata.generation: Invalid value: 1: must not be decremented");
        CHECK_CAUSE(c, "metadata.creationTimestamp: Invalid value: 2026-11-30 05:13:39 +0000 UTC: "
                       "field is immutable");
        json_decref(old);
        json_decref(new);
        json_decref(c);
        old = J("{\"metadata\":{\"name\":\"pi\",\"deletionTimestamp\":\"2026-11-30T05:13:38Z\","
                "\"finalizers\":[\"orphan\"]}}");
        new = json_deep_copy(old);
        c = json_array();
        patch(new, "{\"metadata\":{\"finalizers\":[\"orphan\",\"example.com/x\"]}}");
        meta_validate_update(new, old, c);
        CHECK_CAUSE(c, "metadata.finalizers: Forbidden: no new finalizers can be added if the "
                       "object is being deleted, found new finalizers []string{\"example.com/x\"}");
        json_decref(old);
        json_decref(new);
        json_decref(c);
}

TEST(label_selector_matching)
{
        json_t *labels = J("{\"app\":\"pi\",\"tier\":\"batch\"}");
        static const struct {
                const char *sel;
                bool match, ok;
        } cases[] = {
            {"{}", true, true},
            {"{\"matchLabels\":{\"app\":\"pi\"}}", true, true},
            {"{\"matchLabels\":{\"app\":\"x\"}}", false, true},
            {"{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"a\","
             "\"batch\"]}]}",
             true, true},
            {"{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"NotIn\",\"values\":["
             "\"batch\"]}]}",
             false, true},
            {"{\"matchExpressions\":[{\"key\":\"gone\",\"operator\":\"DoesNotExist\"}]}", true,
             true},
            {"{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Exists\"}]}", true, true},
            {"{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Bogus\"}]}", false, false},
            {"{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\",\"values\":[]}]}", false,
             false},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                json_t *sel = J(cases[i].sel);
                bool ok;
                CHECK(label_selector_json_matches(sel, labels, &ok) == cases[i].match);
                CHECK(ok == cases[i].ok);
                json_decref(sel);
        }
        bool ok;
        CHECK(!label_selector_json_matches(NULL, labels, &ok) && ok);
        json_t *c = json_array();
        json_t *bad =
            J("{\"matchLabels\":{\"a\":\"b\"},\"matchExpressions\":[{\"key\":\"k\","
              "\"operator\":\"In\"},{\"key\":\"k\",\"operator\":\"Exists\",\"values\":[\"v\"]},"
              "{\"key\":\"k\",\"operator\":\"Near\"}]}");
        label_selector_validate(bad, "spec.selector", c);
        CHECK_CAUSE(c,
                    "spec.selector.matchExpressions[0].values: Required value: must be specified "
                    "when `operator` is 'In' or 'NotIn'");
        CHECK_CAUSE(c, "spec.selector.matchExpressions[1].values: Forbidden: may not be specified "
                       "when `operator` is 'Exists' or 'DoesNotExist'");
        CHECK_CAUSE(c, "spec.selector.matchExpressions[2].operator: Invalid value: \"Near\": not a "
                       "valid selector operator");
        json_decref(bad);
        json_decref(c);
        json_decref(labels);
}

TEST(semantic_equality)
{
        static const struct {
                const char *a, *b;
                bool eq;
        } cases[] = {
            {"{}", "{\"x\":null}", true},
            {"{\"x\":[]}", "{}", true},
            {"{\"x\":{}}", "{}", true},
            {"{\"x\":\"\"}", "{}", true},
            {"{\"x\":1}", "{\"x\":1.0}", true},
            {"{\"x\":1}", "{}", false},
            {"{\"x\":[1,2]}", "{\"x\":[2,1]}", false},
            {"{\"a\":{\"b\":[{\"c\":\"d\",\"e\":[]}]}}", "{\"a\":{\"b\":[{\"c\":\"d\"}]}}", true},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                json_t *a = J(cases[i].a), *b = J(cases[i].b);
                CHECK(json_semantic_equal(a, b) == cases[i].eq);
                CHECK(json_semantic_equal(b, a) == cases[i].eq);
                json_decref(a);
                json_decref(b);
        }
}

/* ------------------------------------------------------------------ job defaults */

TEST(job_defaults_pi_guide_example)
{
        json_t *job = pi_job();
        /* spec/kubectl-protocol.md §13.5, with manualSelector from spec/job-semantics.md §1.6 */
        json_t *want =
            J("{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\","
              "\"metadata\":{\"name\":\"pi\",\"namespace\":\"default\",\"uid\":\"1a2b3c\","
              "\"generation\":1,\"labels\":{\"batch.kubernetes.io/controller-uid\":\"1a2b3c\","
              "\"batch.kubernetes.io/job-name\":\"pi\",\"controller-uid\":\"1a2b3c\","
              "\"job-name\":\"pi\"}},"
              "\"spec\":{\"backoffLimit\":4,\"completions\":2,\"parallelism\":2,"
              "\"template\":{\"metadata\":{\"creationTimestamp\":null,\"labels\":{"
              "\"batch.kubernetes.io/controller-uid\":\"1a2b3c\",\"batch.kubernetes.io/job-name\":"
              "\"pi\",\"controller-uid\":\"1a2b3c\",\"job-name\":\"pi\"}},"
              "\"spec\":{\"containers\":[{\"name\":\"pi\",\"image\":\"perl\",\"command\":[\"perl\","
              "\"-Mbignum=bpi\",\"-wle\",\"print bpi(2000)\"],\"imagePullPolicy\":\"Always\","
              "\"resources\":{},\"terminationMessagePath\":\"/dev/termination-log\","
              "\"terminationMessagePolicy\":\"File\"}],\"restartPolicy\":\"Never\","
              "\"dnsPolicy\":\"ClusterFirst\",\"schedulerName\":\"default-scheduler\","
              "\"securityContext\":{},\"terminationGracePeriodSeconds\":30}},"
              "\"selector\":{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"1a2b3c\"}},"
              "\"completionMode\":\"NonIndexed\",\"suspend\":false,\"manualSelector\":false,"
              "\"podReplacementPolicy\":\"TerminatingOrFailed\"},"
              "\"status\":{}}");
        if (!json_equal(job, want)) {
                char *g = jdump(job), *w = jdump(want);
                fprintf(stderr, "  got:  %s\n  want: %s\n", g, w);
                free(g);
                free(w);
        }
        CHECK(json_equal(job, want));
        /* defaulting re-runs on every read: it must be idempotent */
        job_default(job);
        CHECK(json_equal(job, want));
        json_t *c = json_array();
        job_validate(job, NULL, c);
        meta_validate(job, true, false, c);
        CHECK_NO_CAUSES(c);
        json_decref(c);
        json_decref(job);
        json_decref(want);
}

TEST(job_defaults_table)
{
        static const struct {
                const char *spec, *path;
                const char *want; /* JSON of the value at path, or "absent" */
        } cases[] = {
            {"{}", "completions", "1"},
            {"{}", "parallelism", "1"},
            {"{\"completions\":5}", "parallelism", "1"},
            {"{\"parallelism\":3}", "completions", "absent"},
            {"{}", "backoffLimit", "6"},
            {"{\"backoffLimitPerIndex\":1}", "backoffLimit", "2147483647"},
            {"{}", "completionMode", "\"NonIndexed\""},
            {"{}", "suspend", "false"},
            {"{}", "manualSelector", "false"},
            {"{}", "podReplacementPolicy", "\"TerminatingOrFailed\""},
            {"{\"podFailurePolicy\":{\"rules\":[]}}", "podReplacementPolicy", "\"Failed\""},
            {"{\"podFailurePolicy\":{\"rules\":[{\"action\":\"Ignore\",\"onPodConditions\":"
             "[{\"type\":\"DisruptionTarget\"}]}]}}",
             "podFailurePolicy.rules",
             "[{\"action\":\"Ignore\",\"onPodConditions\":"
             "[{\"type\":\"DisruptionTarget\",\"status\":\"True\"}]}]"},
            {"{}", "template.spec.restartPolicy", "\"Always\""},
            {"{}", "selector", "absent"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                json_t *job = json_pack("{s:o}", "spec", J(cases[i].spec));
                job_default(job);
                json_t *v = jget(json_object_get(job, "spec"), cases[i].path);
                char *got = v ? jdump(v) : xstrdup("absent");
                json_t *w = streq(cases[i].want, "absent") ? NULL : J(cases[i].want);
                if (!(w ? json_equal(v, w) : !v))
                        fprintf(stderr, "  case %zu %s: got %s want %s\n", i, cases[i].path, got,
                                cases[i].want);
                CHECK(w ? json_equal(v, w) : !v);
                free(got);
                json_decref(w);
                json_decref(job);
        }
}

TEST(job_labels_copied_and_user_labels_kept)
{
        /* user template labels: the Job gets them (defaulting copies), not the generated ones */
        json_t *job = J(PI_JOB);
        patch(job, "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"pi\"}}}}}");
        jset_str(jobj(job, "metadata"), "uid", "u1");
        job_default(job);
        job_prepare_create(job);
        json_t *want = J("{\"app\":\"pi\"}");
        CHECK(json_equal(jget(job, "metadata.labels"), want));
        CHECK_INT(json_object_size(jget(job, "spec.template.metadata.labels")), 5);
        json_decref(want);
        json_decref(job);
        /* a conflicting user value is kept and rejected by validation */
        job = J(PI_JOB);
        patch(job,
              "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"controller-uid\":\"x\"}}}}}");
        jset_str(jobj(job, "metadata"), "uid", "1a2b3c");
        job_default(job);
        job_prepare_create(job);
        json_t *c = json_array();
        job_validate(job, NULL, c);
        CHECK_CAUSE(c, "spec.template.metadata.labels[controller-uid]: Invalid value: "
                       "map[string]string{\"batch.kubernetes.io/controller-uid\":\"1a2b3c\", "
                       "\"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"x\", "
                       "\"job-name\":\"pi\"}: must be '1a2b3c'");
        json_decref(c);
        json_decref(job);
}

/* ------------------------------------------------------------------ job validation */

struct job_case {
        const char *name;
        const char *patch;
        const char *want;
        void (*mutate)(json_t *job);
};

static void many_pfp_rules(json_t *job)
{
        json_t *rules = json_array();
        for (int i = 0; i < 21; i++)
                json_array_append_new(rules, J("{\"action\":\"Ignore\",\"onExitCodes\":"
                                               "{\"operator\":\"In\",\"values\":[1]}}"));
        json_object_set_new(jobj(jobj(job, "spec"), "podFailurePolicy"), "rules", rules);
}

static void many_exit_codes(json_t *job)
{
        json_t *vals = json_array();
        for (int i = 1; i <= 256; i++)
                json_array_append_new(vals, json_integer(i));
        json_t *rule = J("{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\"}}");
        json_object_set_new(jobj(rule, "onExitCodes"), "values", vals);
        json_object_set_new(jobj(jobj(job, "spec"), "podFailurePolicy"), "rules",
                            json_pack("[o]", rule));
}

static void many_pod_conditions(json_t *job)
{
        json_t *pats = json_array();
        for (int i = 0; i < 21; i++)
                json_array_append_new(pats, J("{\"type\":\"Ready\",\"status\":\"True\"}"));
        json_t *rule = J("{\"action\":\"Ignore\"}");
        json_object_set_new(rule, "onPodConditions", pats);
        json_object_set_new(jobj(jobj(job, "spec"), "podFailurePolicy"), "rules",
                            json_pack("[o]", rule));
}

static void many_success_rules(json_t *job)
{
        json_t *rules = json_array();
        for (int i = 0; i < 21; i++)
                json_array_append_new(rules, J("{\"succeededCount\":1}"));
        json_t *spec = jobj(job, "spec");
        jset_str(spec, "completionMode", "Indexed");
        json_object_set_new(jobj(spec, "successPolicy"), "rules", rules);
}

static void long_succeeded_indexes(json_t *job)
{
        char *s = repeat('1', 65537);
        json_t *spec = jobj(job, "spec");
        jset_str(spec, "completionMode", "Indexed");
        json_object_set_new(jobj(spec, "successPolicy"), "rules",
                            json_pack("[{s:s}]", "succeededIndexes", s));
        free(s);
}

static void long_managed_by(json_t *job)
{
        char *tail = repeat('a', 60);
        char *v = xasprintf("acme.io/%s", tail);
        jset_str(jobj(job, "spec"), "managedBy", v);
        free(tail);
        free(v);
}

static void no_selector_manual(json_t *job)
{
        json_t *spec = jobj(job, "spec");
        json_object_del(spec, "selector");
        json_object_set_new(spec, "manualSelector", json_true());
}

static void user_selector(json_t *job)
{
        json_object_set_new(jobj(job, "spec"), "selector", J("{\"matchLabels\":{\"a\":\"b\"}}"));
        json_object_set_new(jobj(jobj(jobj(job, "spec"), "template"), "metadata"), "labels",
                            J("{\"a\":\"b\",\"controller-uid\":\"1a2b3c\",\"job-name\":\"pi\","
                              "\"batch.kubernetes.io/controller-uid\":\"1a2b3c\","
                              "\"batch.kubernetes.io/job-name\":\"pi\"}"));
}

#define CTR                                                                                        \
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"pi\",\"image\":\"perl\","  \
        "\"imagePullPolicy\":\"Always\",\"terminationMessagePolicy\":\"File\""
#define CTR_END "}]}}}}"
#define IDX "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":5,"
#define PFP(rules) "{\"spec\":{\"podFailurePolicy\":{\"rules\":" rules "}}}"
#define SP(rules) IDX "\"successPolicy\":{\"rules\":" rules "}}}"

static const struct job_case job_cases[] = {
    /* §2.4.1 non-negative ints */
    {"parallelism", "{\"spec\":{\"parallelism\":-1}}",
     "spec.parallelism: Invalid value: -1: must be greater than or equal to 0", NULL},
    {"completions", "{\"spec\":{\"completions\":-1}}",
     "spec.completions: Invalid value: -1: must be greater than or equal to 0", NULL},
    {"activeDeadlineSeconds", "{\"spec\":{\"activeDeadlineSeconds\":-1}}",
     "spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0", NULL},
    {"backoffLimit", "{\"spec\":{\"backoffLimit\":-1}}",
     "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0", NULL},
    {"ttl", "{\"spec\":{\"ttlSecondsAfterFinished\":-1}}",
     "spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0", NULL},
    {"backoffLimitPerIndex", IDX "\"backoffLimitPerIndex\":-1}}",
     "spec.backoffLimitPerIndex: Invalid value: -1: must be greater than or equal to 0", NULL},
    {"maxFailedIndexes", IDX "\"backoffLimitPerIndex\":1,\"maxFailedIndexes\":-1}}",
     "spec.maxFailedIndexes: Invalid value: -1: must be greater than or equal to 0", NULL},
    /* §2.4.2 completionMode */
    {"completionMode", "{\"spec\":{\"completionMode\":\"X\"}}",
     "spec.completionMode: Unsupported value: \"X\": supported values: \"NonIndexed\", \"Indexed\"",
     NULL},
    {"indexed needs completions",
     "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":null}}",
     "spec.completions: Required value: when completion mode is Indexed", NULL},
    {"indexed parallelism cap", IDX "\"parallelism\":100001}}",
     "spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when "
     "completion mode is Indexed",
     NULL},
    {"indexed name is a hostname", NULL, NULL, NULL}, /* see job_indexed_name_check */
    /* §2.4.3 backoffLimitPerIndex / maxFailedIndexes */
    {"blpi needs indexed", "{\"spec\":{\"backoffLimitPerIndex\":1}}",
     "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode", NULL},
    {"mfi needs indexed", "{\"spec\":{\"backoffLimitPerIndex\":1,\"maxFailedIndexes\":1}}",
     "spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode", NULL},
    {"mfi needs blpi", IDX "\"maxFailedIndexes\":1}}",
     "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified", NULL},
    {"mfi <= completions",
     "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":10,"
     "\"backoffLimitPerIndex\":1,\"maxFailedIndexes\":11}}",
     "spec.maxFailedIndexes: Invalid value: 11: must be less than or equal to completions", NULL},
    {"mfi cap",
     "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":200000,"
     "\"parallelism\":1,\"backoffLimitPerIndex\":1,\"maxFailedIndexes\":100001}}",
     "spec.maxFailedIndexes: Invalid value: 100001: must be less than or equal to 100000", NULL},
    {"mfi required above 1e5",
     "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":"
     "100001,\"parallelism\":1,\"backoffLimitPerIndex\":1}}",
     "spec.maxFailedIndexes: Required value: must be specified when completions is above 100000",
     NULL},
    {"parallelism cap above 1e5",
     "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":"
     "100001,\"parallelism\":50000,\"backoffLimitPerIndex\":1,"
     "\"maxFailedIndexes\":1}}",
     "spec.parallelism: Invalid value: 50000: must be less than or equal to 10000 when "
     "completions are above 100000 and used with backoff limit per index",
     NULL},
    {"mfi cap above 1e5",
     "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":100001,"
     "\"parallelism\":1,\"backoffLimitPerIndex\":1,"
     "\"maxFailedIndexes\":10001}}",
     "spec.maxFailedIndexes: Invalid value: 10001: must be less than or equal to 10000 when "
     "completions are above 100000 and used with backoff limit per index",
     NULL},
    /* §2.4.4 managedBy */
    {"managedBy path", "{\"spec\":{\"managedBy\":\"invalid custom controller name\"}}",
     "spec.managedBy: Invalid value: \"invalid custom controller name\": must be a "
     "domain-prefixed path (such as \"acme.io/foo\")",
     NULL},
    {"managedBy length", NULL, "spec.managedBy: Too long: may not be more than 63 bytes",
     long_managed_by},
    /* §2.4.5 podFailurePolicy */
    {"pfp too many rules", NULL,
     "spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items", many_pfp_rules},
    {"pfp action required",
     PFP("[{\"action\":\"\",\"onExitCodes\":{\"operator\":\"In\","
         "\"values\":[1]}}]"),
     "spec.podFailurePolicy.rules[0].action: Required value: valid values: [\"Count\" "
     "\"FailIndex\" \"FailJob\" \"Ignore\"]",
     NULL},
    {"pfp action unknown",
     PFP("[{\"action\":\"UnknownAction\",\"onExitCodes\":{\"operator\":"
         "\"In\",\"values\":[1]}}]"),
     "spec.podFailurePolicy.rules[0].action: Unsupported value: \"UnknownAction\": supported "
     "values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\"",
     NULL},
    {"pfp FailIndex",
     PFP("[{\"action\":\"FailIndex\",\"onExitCodes\":{\"operator\":\"In\","
         "\"values\":[1]}}]"),
     "spec.podFailurePolicy.rules[0].action: Invalid value: \"FailIndex\": requires the "
     "backoffLimitPerIndex to be set",
     NULL},
    {"pfp both",
     PFP("[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\",\"values\":"
         "[1]},\"onPodConditions\":[{\"type\":\"DisruptionTarget\"}]}]"),
     "spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and "
     "OnPodConditions is not supported",
     NULL},
    {"pfp neither", PFP("[{\"action\":\"FailJob\"}]"),
     "spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and "
     "OnPodConditions is required",
     NULL},
    {"pfp operator required", PFP("[{\"action\":\"FailJob\",\"onExitCodes\":{\"values\":[1]}}]"),
     "spec.podFailurePolicy.rules[0].onExitCodes.operator: Required value: valid values: "
     "[\"In\" \"NotIn\"]",
     NULL},
    {"pfp operator unknown",
     PFP("[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":"
         "\"UnknownOperator\",\"values\":[1]}}]"),
     "spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: "
     "\"UnknownOperator\": supported values: \"In\", \"NotIn\"",
     NULL},
    {"pfp container name",
     PFP("[{\"action\":\"Ignore\",\"onPodConditions\":[{\"type\":\"A\"}]},"
         "{\"action\":\"FailJob\",\"onExitCodes\":{\"containerName\":"
         "\"xyz\",\"operator\":\"In\",\"values\":[1]}}]"),
     "spec.podFailurePolicy.rules[1].onExitCodes.containerName: Invalid value: \"xyz\": must "
     "be one of the container or initContainer names in the pod template",
     NULL},
    {"pfp no values",
     PFP("[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\","
         "\"values\":[]}}]"),
     "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{}: at least "
     "one value is required",
     NULL},
    {"pfp too many values", NULL,
     "spec.podFailurePolicy.rules[0].onExitCodes.values: Too many: 256: must have at most 255 "
     "items",
     many_exit_codes},
    {"pfp duplicate value",
     PFP("[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":"
         "\"In\",\"values\":[11,11]}}]"),
     "spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Duplicate value: 11", NULL},
    {"pfp unordered",
     PFP("[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\","
         "\"values\":[19,11]}}]"),
     "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{19, 11}: must "
     "be ordered",
     NULL},
    {"pfp zero with In",
     PFP("[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\","
         "\"values\":[1,0]}}]"),
     "spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 "
     "for the In operator",
     NULL},
    {"pfp too many patterns", NULL,
     "spec.podFailurePolicy.rules[0].onPodConditions: Too many: 21: must have at most 20 items",
     many_pod_conditions},
    {"pfp pattern type",
     PFP("[{\"action\":\"Ignore\",\"onPodConditions\":[{\"type\":\"\","
         "\"status\":\"True\"}]}]"),
     "spec.podFailurePolicy.rules[0].onPodConditions[0].type: Invalid value: \"\": name part "
     "must be non-empty",
     NULL},
    {"pfp pattern status",
     PFP("[{\"action\":\"Ignore\",\"onPodConditions\":[{\"type\":\"A\","
         "\"status\":\"\"}]}]"),
     "spec.podFailurePolicy.rules[0].onPodConditions[0].status: Required value: valid values: "
     "[\"False\" \"True\" \"Unknown\"]",
     NULL},
    {"pfp pattern status unknown",
     PFP("[{\"action\":\"Ignore\",\"onPodConditions\":"
         "[{\"type\":\"A\",\"status\":\"Maybe\"}]}]"),
     "spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: \"Maybe\": "
     "supported values: \"False\", \"True\", \"Unknown\"",
     NULL},
    {"pfp restartPolicy",
     "{\"spec\":{\"podFailurePolicy\":{\"rules\":[{\"action\":\"Ignore\","
     "\"onPodConditions\":[{\"type\":\"A\",\"status\":\"True\"}]}]},"
     "\"template\":{\"spec\":{\"restartPolicy\":\"OnFailure\"}}}}",
     "spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is "
     "supported when podFailurePolicy is specified",
     NULL},
    /* §2.4.6 successPolicy */
    {"sp needs indexed", "{\"spec\":{\"successPolicy\":{\"rules\":[{\"succeededCount\":1}]}}}",
     "spec.successPolicy: Invalid value: batch.SuccessPolicy{...}: requires indexed completion "
     "mode",
     NULL},
    {"sp rules required", SP("[]"),
     "spec.successPolicy.rules: Required value: at least one rules must be specified when the "
     "successPolicy is specified",
     NULL},
    {"sp too many rules", NULL,
     "spec.successPolicy.rules: Too many: 21: must have at most 20 items", many_success_rules},
    {"sp empty rule", SP("[{}]"),
     "spec.successPolicy.rules[0]: Required value: at least one of succeededCount or "
     "succeededIndexes must be specified",
     NULL},
    {"sp indexes too long", NULL,
     "spec.successPolicy.rules[0].succeededIndexes: Too long: may not be more than 65536 bytes",
     long_succeeded_indexes},
    {"sp bad indexes", SP("[{\"succeededIndexes\":\"invalid-format\"}]"),
     "spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"invalid-format\": error "
     "parsing succeededIndexes: cannot convert string to integer for index: \"invalid\"",
     NULL},
    {"sp index too large", SP("[{\"succeededIndexes\":\"1-7\"}]"),
     "spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"1-7\": error parsing "
     "succeededIndexes: too large index: \"7\"",
     NULL},
    {"sp index order", SP("[{\"succeededIndexes\":\"3,2\"}]"),
     "spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"3,2\": error parsing "
     "succeededIndexes: non-increasing order, previous: 3, current: 2",
     NULL},
    {"sp index 3-3", SP("[{\"succeededIndexes\":\"3-3\"}]"),
     "spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"3-3\": error parsing "
     "succeededIndexes: non-increasing order, previous: 3, current: 3",
     NULL},
    {"sp fragment", SP("[{\"succeededIndexes\":\"1-2-3\"}]"),
     "spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"1-2-3\": error parsing "
     "succeededIndexes: the fragment \"1-2-3\" violates the requirement that an index interval "
     "can have at most two parts separated by '-'",
     NULL},
    {"sp count > completions", SP("[{\"succeededCount\":6}]"),
     "spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal "
     "to 5 (the number of specified completions)",
     NULL},
    {"sp count > indexes", SP("[{\"succeededIndexes\":\"0-2\",\"succeededCount\":4}]"),
     "spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal "
     "to 3 (the number of indexes in the specified succeededIndexes field)",
     NULL},
    {"sp count negative", SP("[{\"succeededCount\":-1}]"),
     "spec.successPolicy.rules[0].succeededCount: Invalid value: -1: must be greater than or "
     "equal to 0",
     NULL},
    /* §2.4.7 podReplacementPolicy */
    {"prp with pfp",
     "{\"spec\":{\"podReplacementPolicy\":\"TerminatingOrFailed\","
     "\"podFailurePolicy\":{\"rules\":[]}}}",
     "spec.podReplacementPolicy: Unsupported value: \"TerminatingOrFailed\": supported values: "
     "\"Failed\"",
     NULL},
    {"prp empty", "{\"spec\":{\"podReplacementPolicy\":\"\"}}",
     "spec.podReplacementPolicy: Unsupported value: \"\": supported values: \"Failed\", "
     "\"TerminatingOrFailed\"",
     NULL},
    /* §2.4.8-9 selector */
    {"selector required", NULL, "spec.selector: Required value", no_selector_manual},
    {"selector does not match",
     "{\"spec\":{\"manualSelector\":true,\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
     "\"template\":{\"metadata\":{\"labels\":null}}}}",
     NULL, NULL}, /* see job_selector_mismatch */
    {"generated label missing",
     "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"controller-uid\":null}}}}}",
     "spec.template.metadata.labels[controller-uid]: Required value: must be '1a2b3c'", NULL},
    {"selector not auto-generated", NULL,
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\"}, "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated",
     user_selector},
    {"selector syntax", "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"-b\"}}}}",
     "spec.selector.matchLabels: Invalid value: \"-b\": a valid label must be an empty string "
     "or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
     "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
     "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
     NULL},
    /* §2.4.10 restartPolicy */
    {"restartPolicy Always", "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Always\"}}}}",
     "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
     NULL},
    {"restartPolicy unknown (pod)",
     "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Invalid\"}}}}",
     "spec.template.spec.restartPolicy: Unsupported value: \"Invalid\": supported values: "
     "\"Always\", \"OnFailure\", \"Never\"",
     NULL},
    {"restartPolicy unknown (job)",
     "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Invalid\"}}}}",
     "spec.template.spec.restartPolicy: Unsupported value: \"Invalid\": supported values: "
     "\"OnFailure\", \"Never\"",
     NULL},
    /* §2.4.11 pod template */
    {"containers required", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[]}}}}",
     "spec.template.spec.containers: Required value", NULL},
    {"container name required", CTR ",\"name\":\"\"" CTR_END,
     "spec.template.spec.containers[0].name: Required value", NULL},
    {"container name label", CTR ",\"name\":\"Bad_Name\"" CTR_END,
     "spec.template.spec.containers[0].name: Invalid value: \"Bad_Name\": " DNS_LABEL_MSG, NULL},
    {"container name duplicate",
     "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\","
     "\"imagePullPolicy\":\"Always\",\"terminationMessagePolicy\":\"File\"},{\"name\":\"c\","
     "\"image\":\"x\",\"imagePullPolicy\":\"Always\",\"terminationMessagePolicy\":\"File\"}]}}}}",
     "spec.template.spec.containers[1].name: Duplicate value: \"c\"", NULL},
    {"init container name duplicate",
     "{\"spec\":{\"template\":{\"spec\":{\"initContainers\":[{\"name\":\"pi\",\"image\":\"x\","
     "\"imagePullPolicy\":\"Always\",\"terminationMessagePolicy\":\"File\"}]}}}}",
     "spec.template.spec.initContainers[0].name: Duplicate value: \"pi\"", NULL},
    {"image required", CTR ",\"image\":\"\"" CTR_END,
     "spec.template.spec.containers[0].image: Required value", NULL},
    {"env name required", CTR ",\"env\":[{\"name\":\"\",\"value\":\"x\"}]" CTR_END,
     "spec.template.spec.containers[0].env[0].name: Required value", NULL},
    {"env name with =", CTR ",\"env\":[{\"name\":\"KEY=1\",\"value\":\"x\"}]" CTR_END,
     "spec.template.spec.containers[0].env[0].name: Invalid value: \"KEY=1\": a valid "
     "environment variable name must consist only of printable ASCII characters other than '='",
     NULL},
    {"negative request", CTR ",\"resources\":{\"requests\":{\"cpu\":\"-1\"}}" CTR_END,
     "spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be "
     "greater than or equal to 0",
     NULL},
    {"request above cpu limit",
     CTR ",\"resources\":{\"requests\":{\"cpu\":\"100m\"},\"limits\":{\"cpu\":\"10m\"}}" CTR_END,
     "spec.template.spec.containers[0].resources.requests: Invalid value: \"100m\": must be "
     "less than or equal to cpu limit of 10m",
     NULL},
    {"request above memory limit",
     CTR
     ",\"resources\":{\"requests\":{\"memory\":\"2Gi\"},\"limits\":{\"memory\":\"1Gi\"}}" CTR_END,
     "spec.template.spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be "
     "less than or equal to memory limit of 1Gi",
     NULL},
    {"template label", "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"a b\":\"c\"}}}}}",
     "spec.template.labels: Invalid value: \"a b\": name part must consist of alphanumeric "
     "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
     "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
     "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
     NULL},
    {"volume mount not found",
     CTR ",\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/d\"}]" CTR_END,
     "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"data\"", NULL},
};

TEST(job_validation_messages)
{
        for (size_t i = 0; i < ARRAY_SIZE(job_cases); i++) {
                const struct job_case *tc = &job_cases[i];
                if (!tc->want)
                        continue;
                json_t *job = pi_job(), *c = json_array();
                patch(job, tc->patch);
                if (tc->mutate)
                        tc->mutate(job);
                job_validate(job, NULL, c);
                if (!has_cause(c, tc->want))
                        fprintf(stderr, "  case \"%s\"\n", tc->name);
                CHECK_CAUSE(c, tc->want);
                json_decref(c);
                json_decref(job);
        }
}

TEST(job_valid_variants_have_no_causes)
{
        static const char *const patches[] = {
            "{\"spec\":{\"parallelism\":0}}",
            "{\"spec\":{\"completions\":0}}",
            "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"OnFailure\"}}}}",
            "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":5,\"backoffLimitPerIndex\":"
            "1,"
            "\"maxFailedIndexes\":2,\"successPolicy\":{\"rules\":[{\"succeededIndexes\":\"0-2,4\","
            "\"succeededCount\":2}]}}}",
            "{\"spec\":{\"podReplacementPolicy\":\"Failed\",\"podFailurePolicy\":{\"rules\":[{"
            "\"action\":\"FailJob\",\"onExitCodes\":{\"containerName\":\"pi\",\"operator\":\"In\","
            "\"values\":[1,2,42]}},{\"action\":\"Ignore\",\"onPodConditions\":[{\"type\":"
            "\"DisruptionTarget\",\"status\":\"True\"}]}]}}}",
            "{\"spec\":{\"managedBy\":\"kueue.x-k8s.io/multikueue\"}}",
            "{\"spec\":{\"activeDeadlineSeconds\":100,\"ttlSecondsAfterFinished\":0}}",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"pi\",\"image\":"
            "\"perl\","
            "\"imagePullPolicy\":\"Always\",\"terminationMessagePolicy\":\"File\",\"env\":[{"
            "\"name\":\"JOB_COMPLETION_INDEX\",\"valueFrom\":{\"fieldRef\":{\"apiVersion\":\"v1\","
            "\"fieldPath\":\"metadata.labels['batch.kubernetes.io/job-completion-index']\"}}}],"
            "\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\",\"nvidia.com/gpu\":\"1\"},"
            "\"requests\":{\"cpu\":\"500m\",\"memory\":\"512Mi\",\"nvidia.com/gpu\":\"1\"}},"
            "\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/"
            "data\"}]}],\"volumes\":[{\"name\":"
            "\"data\",\"emptyDir\":{}}],\"nodeSelector\":{\"kubernetes.io/"
            "hostname\":\"node-1\"}}}}}",
        };
        for (size_t i = 0; i < ARRAY_SIZE(patches); i++) {
                json_t *job = pi_job(), *c = json_array();
                patch(job, patches[i]);
                job_validate(job, NULL, c);
                if (json_array_size(c))
                        fprintf(stderr, "  patch %zu\n", i);
                CHECK_NO_CAUSES(c);
                json_decref(c);
                json_decref(job);
        }
}

TEST(job_restart_policy_unknown_gives_two_errors)
{
        json_t *job = pi_job(), *c = json_array();
        patch(job, "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Invalid\"}}}}");
        job_validate(job, NULL, c);
        CHECK_INT(json_array_size(c), 2);
        char *agg = ferr_aggregate(c);
        CHECK_STR(agg,
                  "[spec.template.spec.restartPolicy: Unsupported value: \"Invalid\": supported "
                  "values: \"Always\", \"OnFailure\", \"Never\", spec.template.spec.restartPolicy: "
                  "Unsupported value: \"Invalid\": supported values: \"OnFailure\", \"Never\"]");
        free(agg);
        json_decref(c);
        json_decref(job);
        /* an omitted restartPolicy defaults to Always: the guide's most common mistake */
        job = J(PI_JOB);
        patch(job, "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":null}}}}");
        jset_str(jobj(job, "metadata"), "uid", "1a2b3c");
        job_default(job);
        job_prepare_create(job);
        c = json_array();
        job_validate(job, NULL, c);
        agg = ferr_aggregate(c);
        CHECK_STR(agg, "spec.template.spec.restartPolicy: Required value: valid values: "
                       "\"OnFailure\", \"Never\"");
        CHECK_STR(jstr(json_array_get(c, 0), "reason"), "FieldValueRequired");
        free(agg);
        json_decref(c);
        json_decref(job);
}

TEST(job_selector_mismatch)
{
        json_t *job = pi_job(), *c = json_array();
        patch(job,
              "{\"spec\":{\"manualSelector\":true,\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
              "\"template\":{\"metadata\":{\"labels\":null}}}}");
        json_object_set_new(jobj(jobj(jobj(job, "spec"), "template"), "metadata"), "labels",
                            J("{\"y\":\"z\"}"));
        json_object_set_new(jobj(job, "spec"), "selector", J("{\"matchLabels\":{\"a\":\"b\"}}"));
        job_validate(job, NULL, c);
        CHECK_CAUSE(c,
                    "spec.template.metadata.labels: Invalid value: map[string]string{\"y\":\"z\"}: "
                    "`selector` does not match template `labels`");
        CHECK_INT(json_array_size(c), 1);
        json_decref(c);
        json_decref(job);
}

TEST(job_name_limits)
{
        /* a 64-byte name is a valid subdomain but not a valid job-name label value */
        char *name = repeat('a', 64);
        json_t *job = J(PI_JOB), *c = json_array();
        jset_str(jobj(job, "metadata"), "name", name);
        jset_str(jobj(job, "metadata"), "namespace", "default");
        jset_str(jobj(job, "metadata"), "uid", "1a2b3c");
        job_default(job);
        job_prepare_create(job);
        meta_validate(job, true, false, c);
        job_validate(job, NULL, c);
        char *want =
            xasprintf("spec.template.labels: Invalid value: \"%s\": must be no more than 63 "
                      "bytes",
                      name);
        CHECK_CAUSE(c, want);
        char *agg = ferr_aggregate(c);
        CHECK(strstr(agg, want) != NULL);
        free(agg);
        free(want);
        json_decref(c);
        json_decref(job);
        free(name);
        /* Indexed: <name>-<completions-1> must be a DNS label */
        name = repeat('b', 62);
        job = J(PI_JOB);
        c = json_array();
        jset_str(jobj(job, "metadata"), "name", name);
        jset_str(jobj(job, "metadata"), "uid", "1a2b3c");
        patch(job, "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":10}}");
        job_default(job);
        job_prepare_create(job);
        job_validate(job, NULL, c);
        want = xasprintf("metadata.name: Invalid value: \"%s\": will not able to create pod with "
                         "invalid DNS label: %s-9",
                         name, name);
        CHECK_CAUSE(c, want);
        free(want);
        json_decref(c);
        json_decref(job);
        free(name);
}

/* ------------------------------------------------------------------ job updates */

static json_t *stored_job(void)
{
        json_t *job = pi_job();
        jset_str(jobj(job, "metadata"), "resourceVersion", "10");
        return job;
}

TEST(job_update_immutable_fields)
{
        static const struct {
                const char *patch, *want;
        } cases[] = {
            {"{\"spec\":{\"completions\":3}}",
             "spec.completions: Invalid value: 3: field is immutable"},
            {"{\"spec\":{\"completionMode\":\"Indexed\"}}",
             "spec.completionMode: Invalid value: \"Indexed\": field is immutable"},
            {"{\"spec\":{\"selector\":{\"matchLabels\":{\"x\":\"y\"}}}}",
             "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
             "\"batch.kubernetes.io/controller-uid\":\"1a2b3c\", \"x\":\"y\"}, "
             "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"},
            {"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"pi\",\"image\":"
             "\"perl:5\"}]}}}}",
             "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"},
            {"{\"spec\":{\"podReplacementPolicy\":\"Failed\",\"podFailurePolicy\":{\"rules\":[{"
             "\"action\":\"Ignore\",\"onPodConditions\":[{\"type\":\"A\",\"status\":\"True\"}]}]}}"
             "}",
             "spec.podFailurePolicy: Invalid value: batch.PodFailurePolicy{...}: field is "
             "immutable"},
            {"{\"spec\":{\"managedBy\":\"acme.io/foo\"}}",
             "spec.managedBy: Invalid value: \"acme.io/foo\": field is immutable"},
            {"{\"metadata\":{\"name\":\"other\"}}",
             "metadata.name: Invalid value: \"other\": field is immutable"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                json_t *old = stored_job(), *new = json_deep_copy(old), *c = json_array();
                patch(new, cases[i].patch);
                job_default(new);
                job_validate(new, old, c);
                CHECK_CAUSE(c, cases[i].want);
                json_decref(c);
                json_decref(old);
                json_decref(new);
        }
        /* immutable fields on Indexed Jobs: backoffLimitPerIndex, successPolicy, elastic
         * completions */
        json_t *old = pi_job();
        patch(old, "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":4,\"parallelism\":2,"
                   "\"backoffLimitPerIndex\":1}}");
        json_t *new = json_deep_copy(old), *c = json_array();
        patch(new, "{\"spec\":{\"completions\":4,\"backoffLimitPerIndex\":2,\"successPolicy\":"
                   "{\"rules\":[{\"succeededCount\":1}]}}}");
        job_validate(new, old, c);
        CHECK_CAUSE(c, "spec.backoffLimitPerIndex: Invalid value: 2: field is immutable");
        CHECK_CAUSE(
            c, "spec.successPolicy: Invalid value: batch.SuccessPolicy{...}: field is immutable");
        json_decref(new);
        json_decref(c);
        new = json_deep_copy(old);
        c = json_array();
        patch(new, "{\"spec\":{\"completions\":6,\"parallelism\":2}}");
        job_validate(new, old, c);
        CHECK_CAUSE(c, "spec.completions: Invalid value: 6: can only be modified in tandem with "
                       "spec.parallelism");
        json_decref(new);
        json_decref(c);
        new = json_deep_copy(old);
        c = json_array();
        patch(new, "{\"spec\":{\"completions\":3,\"parallelism\":3}}");
        job_validate(new, old, c);
        CHECK_NO_CAUSES(c);
        json_decref(new);
        json_decref(c);
        json_decref(old);
}

TEST(job_update_mutable_fields)
{
        json_t *old = stored_job(), *new = json_deep_copy(old), *c = json_array();
        patch(new, "{\"metadata\":{\"labels\":{\"team\":\"a\"},\"annotations\":{\"x\":\"y\"}},"
                   "\"spec\":{\"parallelism\":5,\"activeDeadlineSeconds\":60,\"backoffLimit\":1,"
                   "\"ttlSecondsAfterFinished\":30,\"suspend\":true,"
                   "\"podReplacementPolicy\":\"Failed\"}}");
        job_validate(new, old, c);
        CHECK_NO_CAUSES(c);
        json_decref(c);
        json_decref(new);
        json_decref(old);
}

TEST(job_update_suspended_never_started_template)
{
        static const char *sched =
            "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"q\":\"1\"},"
            "\"annotations\":{\"a\":\"b\"}},\"spec\":{\"nodeSelector\":{\"zone\":"
            "\"a\"},\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\"}],"
            "\"affinity\":{\"nodeAffinity\":{}}}}}}";
        /* suspended and never started: scheduling directives may change */
        json_t *old = stored_job();
        patch(old, "{\"spec\":{\"suspend\":true}}");
        json_t *new = json_deep_copy(old), *c = json_array();
        patch(new, sched);
        job_validate(new, old, c);
        CHECK_NO_CAUSES(c);
        json_decref(c);
        /* ... but nothing else in the template */
        c = json_array();
        patch(new, "{\"spec\":{\"template\":{\"spec\":{\"terminationGracePeriodSeconds\":5}}}}");
        job_validate(new, old, c);
        CHECK_CAUSE(c,
                    "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable");
        json_decref(c);
        json_decref(new);
        /* once started, no template change at all */
        patch(old, "{\"status\":{\"startTime\":\"2026-11-30T05:13:38Z\"}}");
        new = json_deep_copy(old);
        c = json_array();
        patch(new, sched);
        job_validate(new, old, c);
        CHECK_CAUSE(c,
                    "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable");
        json_decref(c);
        json_decref(new);
        /* not suspended: the same */
        patch(old, "{\"spec\":{\"suspend\":false},\"status\":null}");
        new = json_deep_copy(old);
        c = json_array();
        patch(new, sched);
        job_validate(new, old, c);
        CHECK_CAUSE(c,
                    "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable");
        json_decref(c);
        json_decref(new);
        json_decref(old);
}

/* ------------------------------------------------------------------ job status */

static json_t *running_job(void)
{
        json_t *job = stored_job();
        patch(job, "{\"status\":{\"startTime\":\"2026-11-30T05:13:38Z\",\"active\":2,\"ready\":0,"
                   "\"terminating\":0,\"uncountedTerminatedPods\":{}}}");
        return job;
}

TEST(job_status_rules)
{
        static const struct {
                const char *patch, *want;
        } cases[] = {
            {"{\"status\":{\"active\":-1}}",
             "status.active: Invalid value: -1: must be greater than or equal to 0"},
            {"{\"status\":{\"ready\":3}}",
             "status.ready: Invalid value: 3: cannot set more ready pods than active"},
            {"{\"status\":{\"uncountedTerminatedPods\":{\"succeeded\":[\"a\",\"\"],\"failed\":["
             "\"a\"]}}}",
             "status.uncountedTerminatedPods.succeeded[1]: Invalid value: \"\": must not be empty"},
            {"{\"status\":{\"uncountedTerminatedPods\":{\"succeeded\":[\"a\"],\"failed\":[\"a\"]}}"
             "}",
             "status.uncountedTerminatedPods.failed[0]: Duplicate value: \"a\""},
            {"{\"status\":{\"active\":0,\"completionTime\":\"2026-11-30T05:13:41Z\",\"conditions\":"
             "["
             "{\"type\":\"Complete\",\"status\":\"True\"},{\"type\":\"Failed\",\"status\":\"True\"}"
             "]}}",
             "status.conditions: Invalid value: cannot set Complete=True and Failed=true "
             "conditions"},
            {"{\"status\":{\"active\":0,\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\"}]}"
             "}",
             "status.conditions: Invalid value: cannot set Failed=True condition without the "
             "FailureTarget=true condition"},
            {"{\"status\":{\"active\":0,\"completionTime\":\"2026-11-30T05:13:41Z\",\"conditions\":"
             "[{\"type\":\"Complete\",\"status\":\"True\"}]}}",
             "status.conditions: Invalid value: cannot set Complete=True condition without the "
             "SuccessCriteriaMet=true condition"},
            {"{\"status\":{\"completionTime\":\"2026-11-30T05:13:41Z\"}}",
             "status.completionTime: Invalid value: 2026-11-30 05:13:41 +0000 UTC: cannot set "
             "completionTime when there is no Complete=True condition"},
            {"{\"status\":{\"active\":0,\"conditions\":[{\"type\":\"SuccessCriteriaMet\","
             "\"status\":"
             "\"True\"},{\"type\":\"Complete\",\"status\":\"True\"}]}}",
             "status.completionTime: Required value: completionTime is required for Complete jobs"},
            {"{\"status\":{\"conditions\":[{\"type\":\"FailureTarget\",\"status\":\"True\"},"
             "{\"type\":\"Failed\",\"status\":\"True\"}]}}",
             "status.active: Invalid value: 2: active>0 is invalid for finished job"},
            {"{\"status\":{\"completedIndexes\":\"1\"}}",
             "status.completedIndexes: Invalid value: \"1\": cannot set non-empty completedIndexes "
             "when non-indexed completion mode"},
            {"{\"status\":{\"failedIndexes\":\"1\"}}",
             "status.failedIndexes: Invalid value: \"1\": cannot set non-null failedIndexes when "
             "backoffLimitPerIndex is null"},
            {"{\"status\":{\"completedIndexes\":\"0,x\"}}",
             "status.completedIndexes: Invalid value: \"0,x\": error parsing completedIndexes: "
             "cannot convert string to integer for index: \"x\""},
            {"{\"status\":{\"failed\":0,\"startTime\":null}}",
             "status.startTime: Required value: startTime cannot be removed for unsuspended job"},
            {"{\"status\":{\"startTime\":\"2026-11-30T05:13:40Z\",\"completionTime\":"
             "\"2026-11-30T05:13:39Z\",\"active\":0,\"conditions\":[{\"type\":"
             "\"SuccessCriteriaMet\","
             "\"status\":\"True\"},{\"type\":\"Complete\",\"status\":\"True\"}]}}",
             "status.completionTime: Invalid value: 2026-11-30 05:13:39 +0000 UTC: must be equal "
             "to "
             "or after `startTime`"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                json_t *old = running_job(), *new = json_deep_copy(old), *c = json_array();
                patch(new, cases[i].patch);
                job_status_validate(new, old, c);
                if (!has_cause(c, cases[i].want))
                        fprintf(stderr, "  case %zu\n", i);
                CHECK_CAUSE(c, cases[i].want);
                json_decref(c);
                json_decref(old);
                json_decref(new);
        }
}

TEST(job_status_transitions)
{
        /* the controller's own sequence is accepted */
        json_t *old = running_job(), *c = json_array();
        json_t *done = json_deep_copy(old);
        patch(done, "{\"status\":{\"active\":0,\"succeeded\":2,\"ready\":0,\"completionTime\":"
                    "\"2026-11-30T05:13:41Z\",\"conditions\":[{\"type\":\"SuccessCriteriaMet\","
                    "\"status\":\"True\",\"reason\":\"CompletionsReached\"},{\"type\":\"Complete\","
                    "\"status\":\"True\",\"reason\":\"CompletionsReached\"}]}}");
        job_status_validate(done, old, c);
        CHECK_NO_CAUSES(c);
        json_decref(c);
        /* terminal conditions, counters and completionTime stick */
        json_t *back = json_deep_copy(done);
        c = json_array();
        patch(back, "{\"status\":{\"succeeded\":1,\"failed\":0,\"completionTime\":"
                    "\"2026-11-30T05:13:45Z\",\"conditions\":[]}}");
        job_status_validate(back, done, c);
        CHECK_CAUSE(c,
                    "status.conditions: Invalid value: cannot disable the terminal Complete=True "
                    "condition");
        CHECK_CAUSE(c, "status.succeeded: Invalid value: 1: cannot decrease the succeeded counter");
        CHECK_CAUSE(c, "status.completionTime: Invalid value: 2026-11-30 05:13:45 +0000 UTC: field "
                       "is immutable");
        CHECK_CAUSE(c,
                    "status.conditions: Invalid value: cannot disable the SuccessCriteriaMet=True "
                    "condition");
        json_decref(c);
        json_decref(back);
        /* failures: FailureTarget first, then Failed */
        json_t *failing = json_deep_copy(old);
        c = json_array();
        patch(failing, "{\"status\":{\"failed\":7,\"conditions\":[{\"type\":\"FailureTarget\","
                       "\"status\":\"True\",\"reason\":\"BackoffLimitExceeded\"}]}}");
        job_status_validate(failing, old, c);
        CHECK_NO_CAUSES(c);
        json_decref(c);
        json_t *failed = json_deep_copy(failing);
        c = json_array();
        patch(
            failed,
            "{\"status\":{\"active\":0,\"failed\":6,\"conditions\":[{\"type\":"
            "\"FailureTarget\",\"status\":\"True\"},{\"type\":\"Failed\",\"status\":\"True\"}]}}");
        job_status_validate(failed, failing, c);
        CHECK_CAUSE(c, "status.failed: Invalid value: 6: cannot decrease the failed counter");
        CHECK_INT(json_array_size(c), 1);
        json_decref(c);
        json_decref(failed);
        json_decref(failing);
        json_decref(done);
        json_decref(old);
        /* indexed: overlap of failed and completed indexes */
        old = pi_job();
        patch(old,
              "{\"spec\":{\"completionMode\":\"Indexed\",\"completions\":6,"
              "\"backoffLimitPerIndex\":1},\"status\":{\"startTime\":\"2026-11-30T05:13:38Z\"}}");
        json_t *new = json_deep_copy(old);
        c = json_array();
        patch(new, "{\"status\":{\"completedIndexes\":\"0-2\",\"failedIndexes\":\"2,4\"}}");
        job_status_validate(new, old, c);
        CHECK_CAUSE(c, "status.failedIndexes: Invalid value: \"2,4\": failedIndexes and "
                       "completedIndexes overlap at index: 2");
        json_decref(c);
        json_decref(new);
        json_decref(old);
}

/* ------------------------------------------------------------------ decode checks */

TEST(decode_check_messages)
{
        static const struct {
                bool pod;
                const char *obj, *want;
        } cases[] = {
            {false, "{\"spec\":{\"completions\":\"2\"}}",
             "json: cannot unmarshal string into Go struct field JobSpec.spec.completions of type "
             "int32"},
            {false, "{\"spec\":{\"completions\":1.5}}",
             "json: cannot unmarshal number 1.5 into Go struct field JobSpec.spec.completions of "
             "type int32"},
            {false, "{\"spec\":{\"parallelism\":3000000000}}",
             "json: cannot unmarshal number 3000000000 into Go struct field "
             "JobSpec.spec.parallelism "
             "of type int32"},
            {false, "{\"spec\":{\"suspend\":\"yes\"}}",
             "json: cannot unmarshal string into Go struct field JobSpec.spec.suspend of type "
             "bool"},
            {false, "{\"spec\":\"x\"}",
             "json: cannot unmarshal string into Go struct field Job.spec of type v1.JobSpec"},
            {false, "{\"metadata\":{\"labels\":{\"a\":1}}}",
             "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of "
             "type "
             "string"},
            {false, "{\"spec\":{\"template\":{\"spec\":{\"containers\":[\"x\"]}}}}",
             "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec."
             "containers of type v1.Container"},
            {false, "{\"spec\":{\"template\":{\"spec\":{\"containers\":{}}}}}",
             "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec."
             "containers of type []v1.Container"},
            {false, "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":1}}}}",
             "json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec."
             "restartPolicy of type v1.RestartPolicy"},
            {false,
             "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\","
             "\"resources\":{\"limits\":{\"cpu\":\"abc\"}}}]}}}}",
             "quantities must match the regular expression "
             "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
            {false,
             "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\","
             "\"resources\":{\"requests\":{\"memory\":\"10K\"}}}]}}}}",
             "unable to parse quantity's suffix"},
            /* a quantity error aborts decoding: it wins over an earlier type mismatch */
            {false,
             "{\"spec\":{\"completions\":\"2\",\"template\":{\"spec\":{\"containers\":[{"
             "\"resources\":{\"limits\":{\"cpu\":true}}}]}}}}",
             "quantities must match the regular expression "
             "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
            {false, "{\"status\":{\"startTime\":5}}",
             "json: cannot unmarshal number into Go value of type string"},
            {true, "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":5}]}}",
             "json: cannot unmarshal number into Go struct field Container.spec.containers.image "
             "of type string"},
            {true,
             "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":"
             "\"80\"}]}]}}",
             "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers."
             "ports.containerPort of type int32"},
            {true,
             "{\"spec\":{\"containers\":[{\"name\":\"a\",\"livenessProbe\":{\"httpGet\":{"
             "\"port\":true}}}]}}",
             "json: cannot unmarshal bool into Go value of type int32"},
            {true, "{\"spec\":{\"terminationGracePeriodSeconds\":\"30\"}}",
             "json: cannot unmarshal string into Go struct field PodSpec.spec."
             "terminationGracePeriodSeconds of type int64"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                json_t *o = J(cases[i].obj);
                char err[512] = "";
                int r = cases[i].pod ? pod_decode_check(o, err, sizeof(err))
                                     : job_decode_check(o, err, sizeof(err));
                CHECK_INT(r, -EINVAL);
                if (!streq(err, cases[i].want))
                        fprintf(stderr, "  case %zu\n", i);
                CHECK_STR(err, cases[i].want);
                json_decref(o);
        }
        json_t *ok = J(PI_JOB);
        char err[256] = "";
        CHECK_INT(job_decode_check(ok, err, sizeof(err)), 0);
        json_decref(ok);
        ok = J(
            "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"b\",\"resources\":{\"limits\":"
            "{\"cpu\":1,\"memory\":\"1Gi\"}},\"livenessProbe\":{\"httpGet\":{\"port\":\"http\"}}}],"
            "\"nodeSelector\":null}}");
        CHECK_INT(pod_decode_check(ok, err, sizeof(err)), 0);
        json_decref(ok);
}

/* ------------------------------------------------------------------ pods */

#define POD                                                                                        \
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":"      \
        "\"d\"},"                                                                                  \
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.36\"}],"                  \
        "\"restartPolicy\":\"Never\"}}"

static json_t *pod(const char *p)
{
        json_t *o = J(POD);
        patch(o, p);
        pod_default(o);
        return o;
}

TEST(pod_defaults)
{
        json_t *o = pod("{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\","
                        "\"resources\":{\"limits\":{\"cpu\":\"0.5\",\"memory\":\"128Mi\"},"
                        "\"requests\":{\"cpu\":\"100m\"}},\"ports\":[{\"containerPort\":80}],"
                        "\"livenessProbe\":{\"httpGet\":{\"port\":80}},"
                        "\"env\":[{\"name\":\"N\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":"
                        "\"metadata.name\"}}}]}],"
                        "\"volumes\":[{\"name\":\"scratch\"},{\"name\":\"cfg\",\"configMap\":"
                        "{\"name\":\"c\"}},{\"name\":\"h\",\"hostPath\":{\"path\":\"/tmp\"}}]}}");
        json_t *want = J(
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":"
            "\"d\"},"
            "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\","
            "\"imagePullPolicy\":\"Always\",\"terminationMessagePath\":\"/dev/termination-log\","
            "\"terminationMessagePolicy\":\"File\","
            "\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"128Mi\"},"
            "\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}},"
            "\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],"
            "\"livenessProbe\":{\"httpGet\":{\"port\":80,\"path\":\"/\",\"scheme\":\"HTTP\"},"
            "\"timeoutSeconds\":1,\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":"
            "3},"
            "\"env\":[{\"name\":\"N\",\"valueFrom\":{\"fieldRef\":{\"apiVersion\":\"v1\","
            "\"fieldPath\":\"metadata.name\"}}}]}],"
            "\"volumes\":[{\"name\":\"scratch\",\"emptyDir\":{}},{\"name\":\"cfg\",\"configMap\":"
            "{\"name\":\"c\",\"defaultMode\":420}},{\"name\":\"h\",\"hostPath\":{\"path\":\"/tmp\","
            "\"type\":\"\"}}],"
            "\"restartPolicy\":\"Never\",\"dnsPolicy\":\"ClusterFirst\",\"schedulerName\":"
            "\"default-scheduler\",\"securityContext\":{},\"terminationGracePeriodSeconds\":30,"
            "\"enableServiceLinks\":true}}");
        if (!json_equal(o, want)) {
                char *g = jdump(o), *w = jdump(want);
                fprintf(stderr, "  got:  %s\n  want: %s\n", g, w);
                free(g);
                free(w);
        }
        CHECK(json_equal(o, want));
        pod_default(o);
        CHECK(json_equal(o, want));
        json_t *c = json_array();
        pod_validate(o, NULL, c);
        CHECK_NO_CAUSES(c);
        json_decref(c);
        json_decref(want);
        json_decref(o);
        /* restartPolicy defaults to Always for a bare pod; hostNetwork copies ports */
        o = J("{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"image\":\"a:1\","
              "\"ports\":[{\"containerPort\":8080}]}]}}");
        pod_default(o);
        CHECK_STR(jstr(o, "spec.restartPolicy"), "Always");
        CHECK_STR(jstr(json_array_get(jget(o, "spec.containers"), 0), "imagePullPolicy"),
                  "IfNotPresent");
        int64_t hp = 0;
        CHECK(jint(json_array_get(jget(json_array_get(jget(o, "spec.containers"), 0), "ports"), 0),
                   "hostPort", &hp));
        CHECK_INT(hp, 8080);
        json_decref(o);
}

TEST(pod_validation_messages)
{
        static const struct {
                const char *patch, *want;
        } cases[] = {
            {"{\"spec\":{\"containers\":[]}}", "spec.containers: Required value"},
            {"{\"spec\":{\"containers\":[{\"name\":\"Bad_Name\",\"image\":\"x\"}]}}",
             "spec.containers[0].name: Invalid value: \"Bad_Name\": " DNS_LABEL_MSG},
            {"{\"spec\":{\"initContainers\":[{\"name\":\"c\",\"image\":\"x\"}]}}",
             "spec.initContainers[0].name: Duplicate value: \"c\""},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
             "spec.containers[0].image: Required value"},
            {"{\"spec\":{\"restartPolicy\":\"Sometimes\"}}",
             "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
             "\"OnFailure\", \"Never\""},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"imagePullPolicy\":"
             "\"Sometimes\"}]}}",
             "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported "
             "values: \"Always\", \"IfNotPresent\", \"Never\""},
            {"{\"spec\":{\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}},{\"name\":\"v\","
             "\"emptyDir\":{}}]}}",
             "spec.volumes[1].name: Duplicate value: \"v\""},
            {"{\"spec\":{\"volumes\":[{\"name\":\"v\",\"emptyDir\":{},\"hostPath\":{\"path\":"
             "\"/x\"}}]}}",
             "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"},
            {"{\"spec\":{\"volumes\":[{\"name\":\"v\",\"secret\":{}}]}}",
             "spec.volumes[0].secret.secretName: Required value"},
            {"{\"spec\":{\"volumes\":[{\"name\":\"v\",\"nfs\":{\"server\":\"s\",\"path\":\"rel\"}}]"
             "}}",
             "spec.volumes[0].nfs.path: Invalid value: \"rel\": must be an absolute path"},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"volumeMounts\":[{"
             "\"name\":\"missing\",\"mountPath\":\"/m\"}]}]}}",
             "spec.containers[0].volumeMounts[0].name: Not found: \"missing\""},
            {"{\"spec\":{\"volumes\":[{\"name\":\"v\"}],\"containers\":[{\"name\":\"c\",\"image\":"
             "\"x\",\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/m\"},{\"name\":\"v\","
             "\"mountPath\":\"/m\",\"subPath\":\"../up\"}]}]}}",
             "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/m\": must be unique"},
            {"{\"spec\":{\"volumes\":[{\"name\":\"v\"}],\"containers\":[{\"name\":\"c\",\"image\":"
             "\"x\",\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/m\",\"subPath\":\"../"
             "up\"}]}]}}",
             "spec.containers[0].volumeMounts.subPath: Invalid value: \"../up\": must not contain "
             "'..'"},
            {"{\"spec\":{\"nodeSelector\":{\"disk\":\"ssd fast\"}}}",
             "spec.nodeSelector: Invalid value: \"ssd fast\": a valid label must be an empty "
             "string "
             "or consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
             "an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
             "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"ports\":[{"
             "\"containerPort\":"
             "70000}]}]}}",
             "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 "
             "and 65535, inclusive"},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"ports\":[{"
             "\"containerPort\":"
             "80,\"hostPort\":80},{\"containerPort\":81,\"hostPort\":80}]}]}}",
             "spec.containers[0].ports[1].hostPort: Duplicate value: \"TCP//80\""},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"resources\":{"
             "\"requests\":{\"nvidia.com/gpu\":\"1\"}}}]}}",
             "spec.containers[0].resources.limits: Required value: Limit must be set for non "
             "overcommitable resources"},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"resources\":{"
             "\"limits\":{\"bogus\":\"1\"}}}]}}",
             "spec.containers[0].resources.limits[bogus]: Invalid value: bogus: must be a "
             "standard resource for containers"},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\" x\"}]}}",
             "spec.containers[0].image: Invalid value: \" x\": must not have leading or trailing "
             "whitespace"},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"env\":[{\"name\":\"A\","
             "\"valueFrom\":{}}]}]}}",
             "spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: "
             "`fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"env\":[{\"name\":\"A\","
             "\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.restartPolicy\"}}}]}]}}",
             "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "
             "\"spec.restartPolicy\": supported values: \"metadata.name\", \"metadata.namespace\", "
             "\"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", "
             "\"status.hostIPs\", \"status.podIP\", \"status.podIPs\""},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"livenessProbe\":{}}]}}",
             "spec.containers[0].livenessProbe: Required value: must specify a handler type"},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"livenessProbe\":{"
             "\"exec\":{\"command\":[\"true\"]},\"successThreshold\":2}}]}}",
             "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"},
            {"{\"spec\":{\"activeDeadlineSeconds\":0}}",
             "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, "
             "inclusive"},
            {"{\"spec\":{\"tolerations\":[{\"operator\":\"Equal\",\"value\":\"x\"}]}}",
             "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when "
             "`key` is empty, which means \"match all values and all keys\""},
            {"{\"spec\":{\"ephemeralContainers\":[{\"name\":\"e\",\"image\":\"x\"}]}}",
             "spec.ephemeralContainers: Forbidden: cannot be set on create"},
            {"{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"image\":\"x\","
             "\"ports\":[{\"containerPort\":80,\"hostPort\":81}]}]}}",
             "spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` "
             "when `hostNetwork` is true"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                json_t *o = pod(cases[i].patch), *c = json_array();
                pod_validate(o, NULL, c);
                if (!has_cause(c, cases[i].want))
                        fprintf(stderr, "  case %zu\n", i);
                CHECK_CAUSE(c, cases[i].want);
                json_decref(c);
                json_decref(o);
        }
}

TEST(podspec_validate_is_the_template_rule_set)
{
        /* in a template hostPort 0 under hostNetwork is allowed (it is defaulted on the pod) */
        json_t *spec =
            J("{\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"image\":\"x\","
              "\"imagePullPolicy\":\"Always\",\"terminationMessagePolicy\":\"File\","
              "\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}]}],\"restartPolicy\":"
              "\"Never\",\"dnsPolicy\":\"ClusterFirst\",\"terminationGracePeriodSeconds\":30}");
        json_t *c = json_array();
        podspec_validate(spec, "spec.template.spec", c);
        CHECK_NO_CAUSES(c);
        json_object_del(spec, "terminationGracePeriodSeconds");
        podspec_validate(spec, "spec.template.spec", c);
        CHECK_CAUSE(c, "spec.template.spec.terminationGracePeriodSeconds: Required value");
        json_decref(c);
        json_decref(spec);
}

TEST(pod_update_rules)
{
        json_t *old =
            pod("{\"spec\":{\"activeDeadlineSeconds\":100,\"tolerations\":[{\"key\":\"k\","
                "\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":10}]}}");
        /* allowed: image, shorter deadline, toleration additions and seconds, labels */
        json_t *new = json_deep_copy(old), *c = json_array();
        patch(new,
              "{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"activeDeadlineSeconds\":50,"
              "\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.37\",\"imagePullPolicy\":"
              "\"IfNotPresent\",\"terminationMessagePath\":\"/dev/termination-log\","
              "\"terminationMessagePolicy\":\"File\",\"resources\":{}}],"
              "\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
              "\"tolerationSeconds\":20},{\"key\":\"n\",\"operator\":\"Exists\"}]}}");
        pod_validate(new, old, c);
        CHECK_NO_CAUSES(c);
        json_decref(c);
        json_decref(new);
        /* forbidden: anything else in spec */
        new = json_deep_copy(old);
        c = json_array();
        patch(new, "{\"spec\":{\"restartPolicy\":\"OnFailure\"}}");
        pod_validate(new, old, c);
        CHECK_INT(json_array_size(c), 1);
        const char *msg = jstr(json_array_get(c, 0), "message");
        CHECK_STR(jstr(json_array_get(c, 0), "field"), "spec");
        CHECK(startswith(msg,
                         "Forbidden: pod updates may not change fields other than "
                         "`spec.containers[*].image`,`spec.initContainers[*].image`,"
                         "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
                         "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to "
                         "be set to 1 if it was previously negative)\n"));
        CHECK(msg && strstr(msg, "RestartPolicy") != NULL);
        json_decref(c);
        json_decref(new);
        /* deadline rules, containers added, tolerations modified */
        static const struct {
                const char *patch, *want;
        } cases[] = {
            {"{\"spec\":{\"activeDeadlineSeconds\":200}}",
             "spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to "
             "previous value"},
            {"{\"spec\":{\"activeDeadlineSeconds\":null}}",
             "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive "
             "integer to nil value"},
            {"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"},{\"name\":\"d\","
             "\"image\":\"y\"}]}}",
             "spec.containers: Forbidden: pod updates may not add or remove containers"},
            {"{\"spec\":{\"tolerations\":[{\"key\":\"other\",\"operator\":\"Exists\"}]}}",
             "spec.tolerations: Forbidden: existing toleration can not be modified except its "
             "tolerationSeconds"},
            {"{\"metadata\":{\"namespace\":\"e\"}}",
             "metadata.namespace: Invalid value: \"e\": field is immutable"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                new = json_deep_copy(old);
                c = json_array();
                patch(new, cases[i].patch);
                pod_default(new);
                pod_validate(new, old, c);
                CHECK_CAUSE(c, cases[i].want);
                json_decref(c);
                json_decref(new);
        }
        json_decref(old);
}

/* ------------------------------------------------------------------ hostile sizes */

TEST(large_lists_stay_linear)
{
        /* 50k duplicate exit codes and 20k bad env names: quadratic code would take minutes */
        json_t *job = pi_job();
        json_t *vals = json_array();
        for (int i = 0; i < 50000; i++)
                json_array_append_new(vals, json_integer(7));
        json_t *rule = J("{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\"}}");
        json_object_set_new(jobj(rule, "onExitCodes"), "values", vals);
        json_object_set_new(jobj(jobj(job, "spec"), "podFailurePolicy"), "rules",
                            json_pack("[o]", rule));
        json_t *env = json_array();
        for (int i = 0; i < 20000; i++)
                json_array_append_new(env, json_pack("{s:s}", "name", "A=B"));
        json_object_set_new(json_array_get(jget(job, "spec.template.spec.containers"), 0), "env",
                            env);
        json_t *c = json_array();
        job_validate(job, NULL, c);
        CHECK(json_array_size(c) > 69000);
        char *agg = ferr_aggregate(c);
        CHECK(agg && agg[0] == '[');
        free(agg);
        json_decref(c);
        json_decref(job);
        /* 10k tolerations kept on a pod update */
        json_t *old = pod(NULL);
        json_t *tols = json_array();
        for (int i = 0; i < 10000; i++) {
                char k[32];
                snprintf(k, sizeof(k), "k%d", i);
                json_array_append_new(tols, json_pack("{s:s,s:s}", "key", k, "operator", "Exists"));
        }
        json_object_set_new(jobj(old, "spec"), "tolerations", tols);
        json_t *new = json_deep_copy(old);
        c = json_array();
        pod_validate(new, old, c);
        CHECK_NO_CAUSES(c);
        json_decref(c);
        json_decref(new);
        json_decref(old);
}
