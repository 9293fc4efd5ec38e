/* test_patch.c — the three PATCH flavours, table-driven.  Each row is a document, a patch
 * and either the exact result (arrays compare in order) or a fragment of the error.  Every
 * row also checks that the input document was left untouched. */
#include "api/patch.h"
#include "harness.h"

enum { MERGE, JSONPATCH, SMP };

struct pcase {
        int type;
        const char *kind; /* SMP only */
        const char *doc, *patch;
        const char *want; /* NULL: an error containing err */
        const char *err;
};

static json_t *parse(const char *s)
{
        char err[256];
        json_t *j = jparse(s, strlen(s), JSON_MAX_DEPTH, err, sizeof(err));
        if (!j)
                fprintf(stderr, "  bad test JSON (%s): %s\n", err, s);
        return j;
}

static int run_case(const struct pcase *c, size_t i)
{
        _cleanup_json_ json_t *doc = parse(c->doc), *patch = parse(c->patch);
        _cleanup_json_ json_t *doc_before = parse(c->doc);
        if (!doc || !patch)
                return 0;
        char err[512] = "";
        _cleanup_json_ json_t *got = NULL;
        if (c->type == MERGE)
                got = patch_merge(doc, patch, err, sizeof(err));
        else if (c->type == JSONPATCH)
                got = patch_json(doc, patch, err, sizeof(err));
        else
                got = patch_strategic(doc, patch, c->kind, err, sizeof(err));
        int ok = 1;
        if (!json_equal(doc, doc_before)) {
                fprintf(stderr, "  row %zu: the input document was modified\n", i);
                ok = 0;
        }
        if (!c->want) {
                if (got) {
                        _cleanup_free_ char *g = jdump(got);
                        fprintf(stderr, "  row %zu: expected an error, got %s\n", i, g);
                        return 0;
                }
                if (!strstr(err, c->err)) {
                        fprintf(stderr, "  row %zu: error \"%s\" lacks \"%s\"\n", i, err, c->err);
                        return 0;
                }
                return ok;
        }
        _cleanup_json_ json_t *want = parse(c->want);
        if (!got) {
                fprintf(stderr, "  row %zu: failed: %s\n", i, err);
                return 0;
        }
        if (!want || !json_equal(got, want)) {
                _cleanup_free_ char *g = jdump(got);
                fprintf(stderr, "  row %zu:\n    got:  %s\n    want: %s\n", i, g, c->want);
                return 0;
        }
        return ok;
}

static void run_table(const struct pcase *t, size_t n)
{
        for (size_t i = 0; i < n; i++)
                CHECK(run_case(&t[i], i));
}

/* ---- RFC 7386 ---------------------------------------------------------------------------- */

static const struct pcase merge_cases[] = {
        /* Appendix A */
        {MERGE, NULL, "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}", NULL},
        {MERGE, NULL, "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}", NULL},
        {MERGE, NULL, "{\"a\":\"b\"}", "{\"a\":null}", "{}", NULL},
        {MERGE, NULL, "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}", NULL},
        {MERGE, NULL, "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}", NULL},
        {MERGE, NULL, "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}", NULL},
        {MERGE, NULL, "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
         "{\"a\":{\"b\":\"d\"}}", NULL},
        {MERGE, NULL, "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}", NULL},
        {MERGE, NULL, "[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]", NULL},
        {MERGE, NULL, "{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]", NULL},
        {MERGE, NULL, "{\"a\":\"foo\"}", "null", "null", NULL},
        {MERGE, NULL, "{\"a\":\"foo\"}", "\"bar\"", "\"bar\"", NULL},
        {MERGE, NULL, "{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}", NULL},
        {MERGE, NULL, "[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}", NULL},
        {MERGE, NULL, "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}", NULL},
        /* section 3 */
        {MERGE, NULL,
         "{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
         "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
         "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\",\"author\":{\"familyName\":null},"
         "\"tags\":[\"example\"]}",
         "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
         "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}",
         NULL},
        /* a Kubernetes object: lists are replaced wholesale */
        {MERGE, NULL,
         "{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"spec\":{\"template\":{\"spec\":{\"containers\":"
         "[{\"name\":\"a\",\"image\":\"x\"}]}}}}",
         "{\"metadata\":{\"labels\":{\"b\":\"2\"}},\"spec\":{\"template\":{\"spec\":{\"containers\":"
         "[{\"name\":\"a\",\"image\":\"y\"}]}}}}",
         "{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"spec\":{\"template\":{\"spec\":"
         "{\"containers\":[{\"name\":\"a\",\"image\":\"y\"}]}}}}",
         NULL},
};

TEST(merge_patch_rfc7386)
{
        run_table(merge_cases, ARRAY_SIZE(merge_cases));
}

/* ---- RFC 6902 ---------------------------------------------------------------------------- */

static const struct pcase json_cases[] = {
        /* A.1 .. A.16 */
        {JSONPATCH, NULL, "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
         "{\"baz\":\"qux\",\"foo\":\"bar\"}", NULL},
        {JSONPATCH, NULL, "{\"foo\":[\"bar\",\"baz\"]}",
         "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]", "{\"foo\":[\"bar\",\"qux\",\"baz\"]}",
         NULL},
        {JSONPATCH, NULL, "{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]",
         "{\"foo\":\"bar\"}", NULL},
        {JSONPATCH, NULL, "{\"foo\":[\"bar\",\"qux\",\"baz\"]}",
         "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]", "{\"foo\":[\"bar\",\"baz\"]}", NULL},
        {JSONPATCH, NULL, "{\"baz\":\"qux\",\"foo\":\"bar\"}",
         "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]", "{\"baz\":\"boo\",\"foo\":\"bar\"}",
         NULL},
        {JSONPATCH, NULL, "{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
         "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
         "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}", NULL},
        {JSONPATCH, NULL, "{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
         "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
         "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}", NULL},
        {JSONPATCH, NULL, "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
         "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},"
         "{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
         "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}", NULL},
        {JSONPATCH, NULL, "{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]",
         NULL, "JSON patch operation 0 (test /baz): test failed: the value at /baz differs"},
        {JSONPATCH, NULL, "{\"foo\":\"bar\"}",
         "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
         "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}", NULL},
        {JSONPATCH, NULL, "{\"foo\":\"bar\"}",
         "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]",
         "{\"foo\":\"bar\",\"baz\":\"qux\"}", NULL},
        {JSONPATCH, NULL, "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]",
         NULL, "path /baz/bat does not exist"},
        {JSONPATCH, NULL, "{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]",
         "{\"/\":9,\"~1\":10}", NULL},
        {JSONPATCH, NULL, "{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]",
         NULL, "test failed"},
        {JSONPATCH, NULL, "{\"foo\":[\"bar\"]}",
         "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
         "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}", NULL},
        /* escapes, copy, root, numbers */
        {JSONPATCH, NULL, "{\"a/b\":1,\"m~n\":2}",
         "[{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":3},{\"op\":\"remove\",\"path\":\"/m~0n\"}]",
         "{\"a/b\":3}", NULL},
        {JSONPATCH, NULL, "{\"a\":{\"b\":[1,2]}}",
         "[{\"op\":\"copy\",\"from\":\"/a/b\",\"path\":\"/c\"},{\"op\":\"add\",\"path\":\"/c/0\",\"value\":0}]",
         "{\"a\":{\"b\":[1,2]},\"c\":[0,1,2]}", NULL},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"b\":2}}]",
         "{\"b\":2}", NULL},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":1.0}]", "{\"a\":1}",
         NULL},
        {JSONPATCH, NULL, "{\"a\":{\"x\":[1,{\"y\":null}]}}",
         "[{\"op\":\"test\",\"path\":\"\",\"value\":{\"a\":{\"x\":[1,{\"y\":null}]}}}]",
         "{\"a\":{\"x\":[1,{\"y\":null}]}}", NULL},
        {JSONPATCH, NULL, "{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a\"}]",
         "{\"a\":{\"b\":1}}", NULL},
        {JSONPATCH, NULL, "{\"\":1}", "[{\"op\":\"replace\",\"path\":\"/\",\"value\":2}]", "{\"\":2}",
         NULL},
        {JSONPATCH, NULL, "{\"spec\":{\"parallelism\":2}}",
         "[{\"op\":\"replace\",\"path\":\"/spec/parallelism\",\"value\":1},"
         "{\"op\":\"add\",\"path\":\"/metadata\",\"value\":{\"labels\":{\"a\":\"b\"}}}]",
         "{\"spec\":{\"parallelism\":1},\"metadata\":{\"labels\":{\"a\":\"b\"}}}", NULL},
        /* errors (and atomicity: the first op succeeded, nothing is kept) */
        {JSONPATCH, NULL, "{\"a\":[1]}",
         "[{\"op\":\"add\",\"path\":\"/b\",\"value\":1},{\"op\":\"remove\",\"path\":\"/a/-\"}]", NULL,
         "JSON patch operation 1 (remove /a/-)"},
        {JSONPATCH, NULL, "{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/01\",\"value\":1}]", NULL,
         "\"01\" is not a valid list index"},
        {JSONPATCH, NULL, "{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/2\",\"value\":1}]", NULL,
         "index 2 is out of range"},
        {JSONPATCH, NULL, "{\"a\":[1]}", "[{\"op\":\"replace\",\"path\":\"/a/1\",\"value\":1}]", NULL,
         "out of range"},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b\"}]", NULL,
         "path /b does not exist"},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":1}]", NULL,
         "path /b does not exist"},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"\"}]", NULL,
         "cannot remove the whole document"},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a~2\",\"value\":1}]", NULL,
         "invalid escape"},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]", NULL,
         "does not start with '/'"},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"frob\",\"path\":\"/a\"}]", NULL, "unknown op"},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a\"}]", NULL, "has no \"value\""},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"copy\",\"path\":\"/b\"}]", NULL, "has no \"from\""},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"path\":\"/a\"}]", NULL, "operation 0 has no \"op\""},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"add\",\"value\":1}]", NULL, "has no \"path\""},
        {JSONPATCH, NULL, "{\"a\":1}", "[1]", NULL, "operation 0 is a number, not an object"},
        {JSONPATCH, NULL, "{\"a\":1}", "{\"op\":\"add\"}", NULL, "must be a list of operations"},
        {JSONPATCH, NULL, "{\"a\":{\"b\":{}}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b/c\"}]",
         NULL, "cannot move /a into its own child"},
        {JSONPATCH, NULL, "{\"a\":\"s\"}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":1}]", NULL,
         "parent is a string"},
        {JSONPATCH, NULL, "{\"a\":1}", "[{\"op\":\"copy\",\"from\":\"/x\",\"path\":\"/b\"}]", NULL,
         "path /x does not exist"},
};

TEST(json_patch_rfc6902)
{
        run_table(json_cases, ARRAY_SIZE(json_cases));
}

/* A chain of self-copies doubles the document each step: stopped by the budget. */
TEST(json_patch_limits)
{
        char err[512];
        _cleanup_json_ json_t *doc = parse("{\"a\":[0,1,2,3,4,5,6,7,8,9]}");
        _cleanup_json_ json_t *ops = json_array();
        for (int i = 0; i < 40; i++) {
                json_array_append_new(ops, json_pack("{s:s,s:s,s:s}", "op", "copy", "from", "/a",
                                                     "path", "/a/-"));
        }
        json_t *res = patch_json(doc, ops, err, sizeof(err));
        CHECK(!res);
        CHECK(strstr(err, "budget") != NULL);
        json_decref(res);

        /* nesting grows one level per add: refused past JSON_MAX_DEPTH */
        json_array_clear(ops);
        char path[512] = "/b";
        json_array_append_new(ops, json_pack("{s:s,s:s,s:{}}", "op", "add", "path", path, "value"));
        for (int i = 0; i < 70; i++) {
                size_t l = strlen(path);
                snprintf(path + l, sizeof(path) - l, "/x");
                json_array_append_new(ops, json_pack("{s:s,s:s,s:{}}", "op", "add", "path", path,
                                                     "value"));
        }
        res = patch_json(doc, ops, err, sizeof(err));
        CHECK(!res);
        CHECK(strstr(err, "maximum depth") != NULL);
        json_decref(res);

        json_array_clear(ops);
        for (int i = 0; i < 10001; i++)
                json_array_append_new(ops, json_pack("{s:s,s:s}", "op", "test", "path", ""));
        res = patch_json(doc, ops, err, sizeof(err));
        CHECK(!res);
        CHECK(strstr(err, "maximum is 10000") != NULL);
        json_decref(res);
}

/* ---- strategic merge patch ---------------------------------------------------------------- */

#define JOB_DOC                                                                                 \
        "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"pi\",\"namespace\":" \
        "\"default\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"    \
        "\"old\\n\"},\"labels\":{\"job-name\":\"pi\"},\"finalizers\":[\"a\",\"b\"]},"           \
        "\"spec\":{\"parallelism\":2,\"completions\":2,\"backoffLimit\":4,\"template\":{"       \
        "\"metadata\":{\"labels\":{\"job-name\":\"pi\"}},\"spec\":{\"containers\":[{\"name\":"  \
        "\"pi\",\"image\":\"perl\",\"command\":[\"perl\",\"-Mbignum=bpi\",\"-wle\","            \
        "\"print bpi(2000)\"],\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\","       \
        "\"value\":\"2\"}],\"ports\":[{\"containerPort\":80},{\"containerPort\":443}]}],"       \
        "\"tolerations\":[{\"key\":\"k1\"}],\"restartPolicy\":\"Never\"}}}}"

/* the doc with spec.template.spec.containers[0] replaced by C */
#define JOB_WITH(C)                                                                             \
        "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"pi\",\"namespace\":" \
        "\"default\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"    \
        "\"old\\n\"},\"labels\":{\"job-name\":\"pi\"},\"finalizers\":[\"a\",\"b\"]},"           \
        "\"spec\":{\"parallelism\":2,\"completions\":2,\"backoffLimit\":4,\"template\":{"       \
        "\"metadata\":{\"labels\":{\"job-name\":\"pi\"}},\"spec\":{\"containers\":[" C "],"     \
        "\"tolerations\":[{\"key\":\"k1\"}],\"restartPolicy\":\"Never\"}}}}"

#define PI_CMD "\"command\":[\"perl\",\"-Mbignum=bpi\",\"-wle\",\"print bpi(2000)\"]"
#define PI_ENV "\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]"
#define PI_PORTS "\"ports\":[{\"containerPort\":80},{\"containerPort\":443}]"
#define TSPEC(X) "{\"spec\":{\"template\":{\"spec\":" X "}}}"

static const struct pcase smp_cases[] = {
        /* kubectl apply, manifest changed: label added, parallelism 1 (spec §10.2) */
        {SMP, "Job", JOB_DOC,
         "{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
         "\"new\\n\"},\"labels\":{\"team\":\"a\"}},\"spec\":{\"parallelism\":1}}",
         "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"pi\",\"namespace\":"
         "\"default\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
         "\"new\\n\"},\"labels\":{\"job-name\":\"pi\",\"team\":\"a\"},\"finalizers\":[\"a\",\"b\"]},"
         "\"spec\":{\"parallelism\":1,\"completions\":2,\"backoffLimit\":4,\"template\":{"
         "\"metadata\":{\"labels\":{\"job-name\":\"pi\"}},\"spec\":{\"containers\":[{\"name\":"
         "\"pi\",\"image\":\"perl\"," PI_CMD "," PI_ENV "," PI_PORTS "}],"
         "\"tolerations\":[{\"key\":\"k1\"}],\"restartPolicy\":\"Never\"}}}}",
         NULL},
        /* the image change kubectl sends with $setElementOrder (§10.2) */
        {SMP, "Job", JOB_DOC,
         TSPEC("{\"$setElementOrder/containers\":[{\"name\":\"pi\"}],\"containers\":[{\"image\":"
               "\"perl:5.34\",\"name\":\"pi\"}]}"),
         JOB_WITH("{\"name\":\"pi\",\"image\":\"perl:5.34\"," PI_CMD "," PI_ENV "," PI_PORTS "}"),
         NULL},
        /* env merged by name: B changed, C appended, A kept in place */
        {SMP, "Job", JOB_DOC,
         TSPEC("{\"containers\":[{\"name\":\"pi\",\"env\":[{\"name\":\"B\",\"value\":\"3\"},"
               "{\"name\":\"C\",\"value\":\"4\"}]}]}"),
         JOB_WITH("{\"name\":\"pi\",\"image\":\"perl\"," PI_CMD ",\"env\":[{\"name\":\"A\","
                  "\"value\":\"1\"},{\"name\":\"B\",\"value\":\"3\"},{\"name\":\"C\",\"value\":\"4\"}],"
                  PI_PORTS "}"),
         NULL},
        /* $patch: delete of one env entry, null deletes a key of a merged element */
        {SMP, "Job", JOB_DOC,
         TSPEC("{\"containers\":[{\"name\":\"pi\",\"image\":null,\"env\":[{\"name\":\"A\","
               "\"$patch\":\"delete\"}]}]}"),
         JOB_WITH("{\"name\":\"pi\"," PI_CMD ",\"env\":[{\"name\":\"B\",\"value\":\"2\"}],"
                  PI_PORTS "}"),
         NULL},
        /* ports merged by the integer containerPort; command (atomic) replaced */
        {SMP, "Job", JOB_DOC,
         TSPEC("{\"containers\":[{\"name\":\"pi\",\"command\":[\"sh\"],\"ports\":[{\"containerPort\":"
               "443,\"name\":\"https\"},{\"containerPort\":8080}]}]}"),
         JOB_WITH("{\"name\":\"pi\",\"image\":\"perl\",\"command\":[\"sh\"]," PI_ENV ",\"ports\":"
                  "[{\"containerPort\":80},{\"containerPort\":443,\"name\":\"https\"},"
                  "{\"containerPort\":8080}]}"),
         NULL},
        /* a second container is added: without $setElementOrder upstream puts what the live
         * list lacks first (mergeSortedSlice); tolerations are atomic */
        {SMP, "Job", JOB_DOC,
         TSPEC("{\"containers\":[{\"name\":\"side\",\"image\":\"busybox\",\"args\":null}],"
               "\"tolerations\":[{\"key\":\"k2\"}]}"),
         "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"pi\",\"namespace\":"
         "\"default\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
         "\"old\\n\"},\"labels\":{\"job-name\":\"pi\"},\"finalizers\":[\"a\",\"b\"]},"
         "\"spec\":{\"parallelism\":2,\"completions\":2,\"backoffLimit\":4,\"template\":{"
         "\"metadata\":{\"labels\":{\"job-name\":\"pi\"}},\"spec\":{\"containers\":[{\"name\":"
         "\"side\",\"image\":\"busybox\"},{\"name\":\"pi\",\"image\":\"perl\"," PI_CMD ","
         PI_ENV "," PI_PORTS "}],\"tolerations\":[{\"key\":\"k2\"}],\"restartPolicy\":\"Never\"}}}}",
         NULL},
        /* $patch: delete of a whole container */
        {SMP, "Job", JOB_DOC, TSPEC("{\"containers\":[{\"name\":\"pi\",\"$patch\":\"delete\"}]}"),
         JOB_WITH(""), NULL},
        /* null deletion at several levels */
        {SMP, "Job", JOB_DOC,
         "{\"metadata\":{\"labels\":{\"job-name\":null},\"annotations\":null},"
         "\"spec\":{\"completions\":null,\"template\":{\"spec\":{\"tolerations\":null}}}}",
         "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"pi\",\"namespace\":"
         "\"default\",\"labels\":{},\"finalizers\":[\"a\",\"b\"]},"
         "\"spec\":{\"parallelism\":2,\"backoffLimit\":4,\"template\":{"
         "\"metadata\":{\"labels\":{\"job-name\":\"pi\"}},\"spec\":{\"containers\":[{\"name\":"
         "\"pi\",\"image\":\"perl\"," PI_CMD "," PI_ENV "," PI_PORTS "}],"
         "\"restartPolicy\":\"Never\"}}}}",
         NULL},
        /* finalizers: a set of primitives; then $deleteFromPrimitiveList */
        {SMP, "Job", "{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}",
         "{\"metadata\":{\"finalizers\":[\"b\",\"c\"]}}", "{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}",
         NULL},
        {SMP, "Job", "{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}",
         "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"b\",\"x\"]}}",
         "{\"metadata\":{\"finalizers\":[\"a\",\"c\"]}}", NULL},
        {SMP, "Job", "{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}",
         "{\"metadata\":{\"$setElementOrder/finalizers\":[\"b\",\"a\"]}}",
         "{\"metadata\":{\"finalizers\":[\"b\",\"a\"]}}", NULL},
        /* $setElementOrder places a new container between the live ones */
        {SMP, "Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
         "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"a\"},{\"name\":\"c\"},{\"name\":\"b\"}],"
         "\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"c\",\"image\":\"x\"},{\"name\":\"b\"}]}}",
         NULL},
        {SMP, "Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
         "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"b\"},{\"name\":\"a\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"b\"},{\"name\":\"a\"}]}}", NULL},
        {SMP, "Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
         "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"a\"}],\"containers\":[{\"name\":\"b\","
         "\"image\":\"y\"}]}}",
         NULL, "doesn't match the $setElementOrder list"},
        /* upstream's vectors "add map to merging list by pointer" and "add map and delete map
         * from merging list": with a deletion the new element ranks after the live ones */
        {SMP, "Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"c\"}]}}",
         "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
         "\"containers\":[{\"name\":\"b\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"b\"},{\"name\":\"c\"}]}}",
         NULL},
        {SMP, "Pod",
         "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\",\"image\":\"b\"},{\"name\":\"d\","
         "\"image\":\"c\"}]}}",
         "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"b\"},{\"name\":\"c\"}],"
         "\"containers\":[{\"name\":\"c\"},{\"name\":\"a\",\"$patch\":\"delete\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"b\"},{\"name\":\"d\",\"image\":\"c\"},"
         "{\"name\":\"c\"}]}}",
         NULL},
        /* $retainKeys on a volume: emptyDir → hostPath */
        {SMP, "Pod", "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}},{\"name\":\"w\",\"emptyDir\":{}}]}}",
         "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"$retainKeys\":[\"name\",\"hostPath\"],"
         "\"hostPath\":{\"path\":\"/tmp\"}}]}}",
         "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"/tmp\"}},{\"name\":\"w\","
         "\"emptyDir\":{}}]}}",
         NULL},
        {SMP, "Pod", "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]}}",
         "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"$retainKeys\":[\"name\"],\"hostPath\":{}}]}}", NULL,
         "hostPath is not in the $retainKeys list"},
        /* $patch: replace on a list and on a map, $patch: delete on a map */
        {SMP, "Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"c\"},{\"$patch\":\"replace\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}", NULL},
        {SMP, "Job", "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"1\"}}}}",
         "{\"spec\":{\"selector\":{\"$patch\":\"replace\",\"matchExpressions\":[]}}}",
         "{\"spec\":{\"selector\":{\"matchExpressions\":[]}}}", NULL},
        {SMP, "Job", "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"1\"}}}}",
         "{\"spec\":{\"selector\":{\"$patch\":\"delete\"}}}", "{\"spec\":{\"selector\":{}}}", NULL},
        {SMP, "Job", "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"1\"}}}}",
         "{\"spec\":{\"selector\":{\"$patch\":\"merge\",\"matchLabels\":{\"b\":\"2\"}}}}",
         "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"1\",\"b\":\"2\"}}}}", NULL},
        {SMP, "Job", "{\"spec\":{\"selector\":{}}}", "{\"spec\":{\"selector\":{\"$patch\":\"frob\"}}}",
         NULL, "unknown patch type: frob"},
        /* merge keys are found by path: a Pod's containers are at spec.containers, a Job's not */
        {SMP, "Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"y\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"y\"}]}}", NULL},
        {SMP, "Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"tty\":true}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"y\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"y\",\"tty\":true}]}}", NULL},
        {SMP, "Job", "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"tty\":true}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"y\"}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"y\"}]}}", NULL},
        /* CronJob: four levels down */
        {SMP, "CronJob",
         "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":"
         "\"a\",\"image\":\"x\",\"tty\":true}]}}}}}}",
         "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":"
         "\"a\",\"image\":\"y\"}]}}}}}}",
         "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":"
         "\"a\",\"image\":\"y\",\"tty\":true}]}}}}}}",
         NULL},
        /* status conditions by type, ownerReferences by uid */
        {SMP, "Job",
         "{\"status\":{\"conditions\":[{\"type\":\"Complete\",\"status\":\"False\"},{\"type\":"
         "\"Failed\",\"status\":\"False\"}]}}",
         "{\"status\":{\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"}]}}",
         "{\"status\":{\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"},{\"type\":"
         "\"Failed\",\"status\":\"False\"}]}}",
         NULL},
        {SMP, "Pod",
         "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"1\",\"name\":\"a\"},{\"uid\":\"2\",\"name\":\"b\"}]}}",
         "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"2\",\"controller\":true}]}}",
         "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"1\",\"name\":\"a\"},{\"uid\":\"2\",\"name\":"
         "\"b\",\"controller\":true}]}}",
         NULL},
        /* added values lose their nulls and directives */
        {SMP, "Pod", "{\"spec\":{}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":null,\"env\":[{\"name\":\"X\","
         "\"$patch\":\"delete\"},{\"name\":\"Y\"}],\"$setElementOrder/env\":[{\"name\":\"Y\"}]}]}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\",\"env\":[{\"name\":\"Y\"}]}]}}", NULL},
        {SMP, "Pod", "{\"spec\":{}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"$patch\":\"replace\"}],\"volumes\":"
         "[{\"name\":\"v\",\"$patch\":\"merge\"},{\"$patch\":\"merge\"}],"
         "\"nodeSelector\":{\"$patch\":\"replace\",\"a\":\"b\"},\"affinity\":{\"$patch\":\"delete\"}}}",
         "{\"spec\":{\"containers\":[{\"name\":\"a\"}],\"volumes\":[{\"name\":\"v\"}],"
         "\"nodeSelector\":{\"a\":\"b\"}}}",
         NULL},
        /* a scalar replaced by an object and back */
        {SMP, "Job", "{\"spec\":{\"x\":1,\"y\":{\"a\":1}}}", "{\"spec\":{\"x\":{\"b\":null,\"c\":2},\"y\":3}}",
         "{\"spec\":{\"x\":{\"c\":2},\"y\":3}}", NULL},
        /* errors */
        {SMP, "Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}",
         "{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}", NULL,
         "does not contain declared merge key: name"},
        {SMP, "Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}",
         "{\"spec\":{\"containers\":[\"x\"]}}", NULL, "list element types are not identical"},
        {SMP, "Pod", "{\"metadata\":{\"finalizers\":[\"a\"]}}",
         "{\"metadata\":{\"finalizers\":[[\"x\"]]}}", NULL, "lists of lists"},
        {SMP, "Pod", "{\"metadata\":{\"finalizers\":[\"a\"]}}",
         "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":\"a\"}}", NULL,
         "invalid patch format of primitive list"},
        {SMP, "Pod", "{\"spec\":{}}", "{\"spec\":{\"$setElementOrder\":[]}}", NULL,
         "invalid patch format of setElementOrder list"},
        {SMP, "Pod", "{}", "[]", NULL, "must be JSON objects"},
};

TEST(strategic_merge_patch)
{
        run_table(smp_cases, ARRAY_SIZE(smp_cases));
}

/* Long keyed lists merge in linear time (upstream is quadratic). */
TEST(strategic_large_lists)
{
        char err[256];
        _cleanup_json_ json_t *env = json_array(), *penv = json_array();
        for (int i = 0; i < 50000; i++) {
                char n[32];
                snprintf(n, sizeof(n), "V%d", i);
                json_array_append_new(env, json_pack("{s:s,s:s}", "name", n, "value", "a"));
                if (i % 2 == 0)
                        json_array_append_new(penv, json_pack("{s:s,s:s}", "name", n, "value", "b"));
        }
        _cleanup_json_ json_t *doc = json_pack("{s:{s:[{s:s,s:O}]}}", "spec", "containers", "name",
                                               "c", "env", env);
        _cleanup_json_ json_t *patch = json_pack("{s:{s:[{s:s,s:O}]}}", "spec", "containers", "name",
                                                 "c", "env", penv);
        _cleanup_json_ json_t *res = patch_strategic(doc, patch, "Pod", err, sizeof(err));
        CHECK(res != NULL);
        json_t *out = json_array_get(jget(res, "spec.containers"), 0);
        out = json_object_get(out, "env");
        CHECK_INT(json_array_size(out), 50000);
        CHECK_STR(jstr(json_array_get(out, 0), "value"), "b");
        CHECK_STR(jstr(json_array_get(out, 1), "value"), "a");
        CHECK_STR(jstr(json_array_get(out, 49998), "name"), "V49998");
}

TEST(depth_caps)
{
        char err[256];
        json_t *deep = json_object(), *cur = deep;
        for (int i = 0; i < JSON_MAX_DEPTH + 5; i++) {
                json_t *n = json_object();
                json_object_set_new(cur, "a", n);
                cur = n;
        }
        _cleanup_json_ json_t *doc = json_object();
        json_t *r = patch_merge(doc, deep, err, sizeof(err));
        CHECK(!r && strstr(err, "maximum depth"));
        r = patch_strategic(doc, deep, "Job", err, sizeof(err));
        CHECK(!r && strstr(err, "maximum depth"));
        _cleanup_json_ json_t *ops = json_array();
        r = patch_json(deep, ops, err, sizeof(err));
        CHECK(!r && strstr(err, "maximum depth"));
        json_decref(deep);
}
