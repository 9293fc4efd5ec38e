/* fuzz_selector.c — label and field selector parsers on arbitrary bytes.
 *
 * The first byte picks the target: 'l' label selector, 'f' field selector, 'j' a JSON
 * metav1.LabelSelector; anything else runs the whole input through both string parsers.
 * Invariants: a parsed selector's String() parses again when it fits the 4096-byte cap
 * (label: to the same String(); field: to a fixed point after one more round) and matches
 * the same objects, matching never crashes, and errors always come with a message. */
#include "types/selector.h"

#define CAP 4096 /* selector.c's input cap: String() may grow past it */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static json_t *sample_labels(void)
{
        json_t *l = json_object();
        json_object_set_new(l, "a", json_string("b"));
        json_object_set_new(l, "x", json_string("1"));
        json_object_set_new(l, "app", json_string(""));
        json_object_set_new(l, "example.com/k", json_string("v"));
        return l;
}

static void label_one(const char *s, json_t *labels)
{
        struct label_selector *sel = NULL, *sel2 = NULL;
        char err[1024] = "";
        if (label_selector_parse(s, &sel, err, sizeof(err)) < 0) {
                if (!err[0] || sel)
                        abort();
                return;
        }
        (void)label_selector_matches(sel, labels);
        (void)label_selector_matches(sel, NULL);
        char *str = label_selector_string(sel);
        if (label_selector_empty(sel) != (str[0] == 0))
                abort();
        if (strlen(str) > CAP) {
                free(str);
                label_selector_free(sel);
                return;
        }
        if (label_selector_parse(str, &sel2, err, sizeof(err)) < 0)
                abort();
        char *str2 = label_selector_string(sel2);
        if (strcmp(str, str2) != 0)
                abort();
        if (label_selector_matches(sel, labels) != label_selector_matches(sel2, labels))
                abort();
        free(str);
        free(str2);
        label_selector_free(sel);
        label_selector_free(sel2);
}

static void field_one(const char *s)
{
        static const char *const allowed[] = {"metadata.name", "metadata.namespace", NULL};
        struct field_selector *sel = NULL, *sel2 = NULL, *sel3 = NULL;
        char err[1024] = "";
        if (field_selector_parse(s, &sel, err, sizeof(err)) < 0) {
                if (!err[0] || sel)
                        abort();
                return;
        }
        json_t *f = json_object();
        json_object_set_new(f, "metadata.name", json_string("pi"));
        (void)field_selector_matches(sel, f);
        (void)field_selector_check(sel, allowed, err, sizeof(err));
        if (field_selector_name(sel) && field_selector_empty(sel))
                abort();
        char *s1 = field_selector_string(sel);
        if (strlen(s1) > CAP) {
                json_decref(f);
                free(s1);
                field_selector_free(sel);
                return;
        }
        if (field_selector_parse(s1, &sel2, err, sizeof(err)) < 0)
                abort();
        if (field_selector_matches(sel, f) != field_selector_matches(sel2, f))
                abort();
        char *s2 = field_selector_string(sel2);
        if (field_selector_parse(s2, &sel3, err, sizeof(err)) < 0)
                abort();
        char *s3 = field_selector_string(sel3);
        if (strcmp(s2, s3) != 0)
                abort();
        json_decref(f);
        free(s1);
        free(s2);
        free(s3);
        field_selector_free(sel);
        field_selector_free(sel2);
        field_selector_free(sel3);
}

static void json_one(const char *s, size_t n, json_t *labels)
{
        char err[1024] = "";
        json_t *j = jparse(s, n, JSON_MAX_DEPTH, err, sizeof(err));
        if (!j)
                return;
        struct label_selector *sel = NULL;
        if (label_selector_from_json(j, &sel, err, sizeof(err)) == 0) {
                (void)label_selector_matches(sel, labels);
                char *str = label_selector_string(sel);
                struct label_selector *sel2 = NULL;
                /* JSON selectors were validated like parsed ones: String() must parse */
                if (strlen(str) <= CAP && label_selector_parse(str, &sel2, err, sizeof(err)) < 0)
                        abort();
                free(str);
                label_selector_free(sel2);
                label_selector_free(sel);
        } else if (!err[0] || sel) {
                abort();
        }
        json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
        if (n > 16384)
                return 0;
        char *s = xmalloc(n + 1);
        memcpy(s, d, n);
        s[n] = 0;
        json_t *labels = sample_labels();
        if (n > 0 && d[0] == 'l') {
                label_one(s + 1, labels);
        } else if (n > 0 && d[0] == 'f') {
                field_one(s + 1);
        } else if (n > 0 && d[0] == 'j') {
                json_one(s + 1, n - 1, labels);
        } else {
                label_one(s, labels);
                field_one(s);
        }
        json_decref(labels);
        free(s);
        return 0;
}
