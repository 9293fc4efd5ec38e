/* test_selector.c — label and field selectors.  Error texts were checked against kubectl
 * 1.32 (which vendors the same apimachinery parser); String() forms follow upstream's
 * selector_test.go. */
#include "harness.h"
#include "types/selector.h"

#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_ERR                                                                                  \
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "        \
        "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "      \
        "used for validation is '" QNAME_FMT "')"
#define VALUE_ERR                                                                                  \
        "a valid label must be an empty string or consist of alphanumeric characters, '-', "       \
        "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "     \
        "or 'my_value',  or '12345', regex used for validation is '(" QNAME_FMT ")?')"
#define DNS_ERR                                                                                    \
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "      \
        "'-' or '.', and must start and end with an alphanumeric character (e.g. "                 \
        "'example.com', regex used for validation is "                                             \
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define REQ "unable to parse requirement: "
#define X64 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

/* want: "=<String()>" on success, otherwise the exact error */
static const struct {
        const char *in, *want;
} label_cases[] = {
    {"", "="},
    {"   ", "="},
    {"x=a", "=x=a"},
    {"x==a", "=x==a"},
    {"x!=a", "=x!=a"},
    {"x", "=x"},
    {"!x", "=!x"},
    {"x>1", "=x>1"},
    {"x<-1", REQ "values[0][x]: Invalid value: \"-1\": " VALUE_ERR},
    {"x in (a,b)", "=x in (a,b)"},
    {"x notin (b,a)", "=x notin (a,b)"},
    {"x in (b,a,,a)", "=x in (,a,b)"},
    {"x in ()", "=x in ()"},
    {"x in (,)", "=x in ()"},
    {"x in (a,)", "=x in (,a)"},
    {"x=", "=x="},
    {"x=,y", "=x=,y"},
    {" x  in  ( a , b )  ", "=x in (a,b)"},
    {"\tx\r\n=\na", "=x=a"},
    {"z=1,y,!x,w in (q),a!=b", "=a!=b,w in (q),!x,y,z=1"},
    {"b=1,a=2,b=0", "=a=2,b=1,b=0"}, /* stable by key */
    {"in in (notin)", "=in in (notin)"},
    {"notin notin (in)", "=notin notin (in)"},
    {"x in (in,notin)", "=x in (in,notin)"},
    {"x = y", "=x=y"},
    {"x ,y", "=x,y"},
    {"example.com/app=web", "=example.com/app=web"},
    {"a.b-c_d=e.f-g_h", "=a.b-c_d=e.f-g_h"},
    {"x=" X64 "x",
     REQ "values[0][x]: Invalid value: \"" X64 "x\": must be no more than 63 characters"},
    {"x=-" X64, REQ "values[0][x]: Invalid value: \"-" X64
                    "\": must be no more than 63 characters; " VALUE_ERR},
    /* errors outside a requirement */
    {",a", "found ',', expected: !, identifier, or 'end of string'"},
    {"a,", "found '', expected: identifier after ','"},
    {"a,,b", "found ',', expected: identifier after ','"},
    {"a=b c", "found 'c', expected: ',' or 'end of string'"},
    {"!x=1", "found '=', expected: ',' or 'end of string'"},
    {"x=a=b", "found '=', expected: ',' or 'end of string'"},
    {"x in (a)(", "found '(', expected: ',' or 'end of string'"},
    {"x in (a) y", "found 'y', expected: ',' or 'end of string'"},
    {"<a", "found '<', expected: !, identifier, or 'end of string'"},
    {")", "found ')', expected: !, identifier, or 'end of string'"},
    /* errors inside a requirement */
    {"!", REQ "found '', expected: identifier"},
    {"!!x", REQ "found '!', expected: identifier"},
    {"x (", REQ "found '(', expected: in, notin, =, ==, !=, gt, lt"},
    {"a b", REQ "found 'b', expected: in, notin, =, ==, !=, gt, lt"},
    {"x!", REQ "found '!', expected: in, notin, =, ==, !=, gt, lt"},
    {"env IN (a)", REQ "found 'IN', expected: in, notin, =, ==, !=, gt, lt"},
    {"x==(", REQ "found '(', expected: identifier"},
    {"x in a", REQ "found 'a' expected: '('"},
    {"x in", REQ "found '' expected: '('"},
    {"x in (", REQ "found '', expected: ',', ')' or identifier"},
    {"x in (=", REQ "found '=', expected: ',', ')' or identifier"},
    {"x in (a,b", REQ "found '', expected: ',' or ')'"},
    {"x in (a b)", REQ "found 'b', expected: ',' or ')'"},
    {"x in (a,", REQ "found '', expected: ',', or identifier"},
    {"x in (a,=)", REQ "found '=', expected: ',', or identifier"},
    {"x>a",
     REQ "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"},
    {"x>-a", REQ "[values[0]: Invalid value: \"-a\": for 'Gt', 'Lt' operators, the value must "
                 "be an integer, values[0][x]: Invalid value: \"-a\": " VALUE_ERR "]"},
    {"x in (a,-b,-c)", REQ "[values[0][x]: Invalid value: \"-b\": " VALUE_ERR
                           ", values[1][x]: Invalid value: \"-c\": " VALUE_ERR "]"},
    {"x=\"q\"", REQ "values[0][x]: Invalid value: \"\\\"q\\\"\": " VALUE_ERR},
    {"x=a\\b", REQ "values[0][x]: Invalid value: \"a\\\\b\": " VALUE_ERR},
    {"x=b\xe2\x98\x83", REQ "values[0][x]: Invalid value: \"b\xe2\x98\x83\": " VALUE_ERR},
    {"x=b\x01\xff", REQ "values[0][x]: Invalid value: \"b\\x01\\xff\": " VALUE_ERR},
    /* key validation */
    {"-abc", REQ "<nil>: Invalid value: \"-abc\": name part " QNAME_ERR},
    {"a/b/c=d", REQ "<nil>: Invalid value: \"a/b/c\": a qualified name " QNAME_ERR
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
    {"/a=b", REQ "<nil>: Invalid value: \"/a\": prefix part must be non-empty"},
    {"a/=b", REQ "<nil>: Invalid value: \"a/\": name part must be non-empty; name part " QNAME_ERR},
    {"A.b/c=d", REQ "<nil>: Invalid value: \"A.b/c\": prefix part " DNS_ERR},
    {"-a.b/c=d", REQ "<nil>: Invalid value: \"-a.b/c\": prefix part " DNS_ERR},
    {"a..b/c", REQ "<nil>: Invalid value: \"a..b/c\": prefix part " DNS_ERR},
    {X64 "x=b",
     REQ "<nil>: Invalid value: \"" X64 "x\": name part must be no more than 63 characters"},
    {"_" X64, REQ "<nil>: Invalid value: \"_" X64
                  "\": name part must be no more than 63 characters; name part " QNAME_ERR},
    {"!-x", REQ "<nil>: Invalid value: \"-x\": name part " QNAME_ERR},
};

TEST(label_parse_table)
{
        for (size_t i = 0; i < ARRAY_SIZE(label_cases); i++) {
                struct label_selector *s = NULL;
                char err[4096] = "";
                int r = label_selector_parse(label_cases[i].in, &s, err, sizeof(err));
                const char *want = label_cases[i].want;
                if (want[0] == '=') {
                        if (r != 0)
                                fprintf(stderr, "  input '%s': %s\n", label_cases[i].in, err);
                        CHECK_INT(r, 0);
                        char *str = label_selector_string(s);
                        CHECK_STR(str, want + 1);
                        /* String() parses back to the same selector */
                        struct label_selector *s2 = NULL;
                        CHECK_INT(label_selector_parse(str, &s2, NULL, 0), 0);
                        char *str2 = label_selector_string(s2);
                        CHECK_STR(str2, str);
                        CHECK(label_selector_empty(s) == (str[0] == 0));
                        free(str);
                        free(str2);
                        label_selector_free(s2);
                        label_selector_free(s);
                } else {
                        if (r == 0)
                                fprintf(stderr, "  input '%s' parsed\n", label_cases[i].in);
                        CHECK_INT(r, -EINVAL);
                        CHECK_STR(err, want);
                        CHECK(s == NULL);
                }
        }
}

static json_t *J(const char *text)
{
        json_error_t e;
        json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
        if (!j)
                fprintf(stderr, "  bad test JSON: %s\n", text);
        return j;
}

static const struct {
        const char *sel, *labels;
        bool want;
} match_cases[] = {
    {"", "{}", true},
    {"", "{\"a\":\"b\"}", true},
    {"a=b", "{\"a\":\"b\"}", true},
    {"a=b", "{\"a\":\"c\"}", false},
    {"a=b", "{}", false},
    {"a==b", "{\"a\":\"b\"}", true},
    {"a!=b", "{\"a\":\"c\"}", true},
    {"a!=b", "{\"a\":\"b\"}", false},
    {"a!=b", "{}", true},
    {"a", "{\"a\":\"\"}", true},
    {"a", "{\"b\":\"x\"}", false},
    {"!a", "{\"b\":\"x\"}", true},
    {"!a", "{\"a\":\"x\"}", false},
    {"a in (x,y)", "{\"a\":\"y\"}", true},
    {"a in (x,y)", "{\"a\":\"z\"}", false},
    {"a in (x,y)", "{}", false},
    {"a notin (x,y)", "{\"a\":\"z\"}", true},
    {"a notin (x,y)", "{\"a\":\"x\"}", false},
    {"a notin (x,y)", "{}", true},
    {"a in ()", "{\"a\":\"\"}", true},
    {"a=", "{\"a\":\"\"}", true},
    {"a=", "{}", false},
    {"a>5", "{\"a\":\"6\"}", true},
    {"a>5", "{\"a\":\"5\"}", false},
    {"a>5", "{\"a\":\"x\"}", false},
    {"a>5", "{}", false},
    {"a<5", "{\"a\":\"-10\"}", true},
    {"a<5", "{\"a\":\"+4\"}", true},
    {"a=b,c=d", "{\"a\":\"b\",\"c\":\"d\"}", true},
    {"a=b,c=d", "{\"a\":\"b\",\"c\":\"e\"}", false},
    {"a=b", "null", false},
    {"!a", "null", true},
    {"a=b", "{\"a\":1}", false}, /* non-string label values count as absent */
};

TEST(label_matches)
{
        for (size_t i = 0; i < ARRAY_SIZE(match_cases); i++) {
                struct label_selector *s = NULL;
                json_t *labels = J(match_cases[i].labels);
                CHECK_INT(label_selector_parse(match_cases[i].sel, &s, NULL, 0), 0);
                if (label_selector_matches(s, labels) != match_cases[i].want)
                        fprintf(stderr, "  '%s' vs %s\n", match_cases[i].sel,
                                match_cases[i].labels);
                CHECK(label_selector_matches(s, labels) == match_cases[i].want);
                json_decref(labels);
                label_selector_free(s);
        }
}

/* want: "=<String()>" on success, otherwise the exact error */
static const struct {
        const char *json, *want;
} json_cases[] = {
    {"{}", "="},
    {"{\"matchLabels\":{}}", "="},
    {"{\"matchLabels\":null,\"matchExpressions\":[]}", "="},
    {"{\"matchLabels\":{\"b\":\"2\",\"a\":\"1\"}}", "=a=1,b=2"},
    {"{\"matchLabels\":{\"job-name\":\"pi\",\"batch.kubernetes.io/controller-uid\":\"1a2b\"}}",
     "=batch.kubernetes.io/controller-uid=1a2b,job-name=pi"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"In\",\"values\":[\"b\",\"a\",\"b\"]}]}",
     "=x in (a,b,b)"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"NotIn\",\"values\":[\"a\"]},"
     "{\"key\":\"w\",\"operator\":\"Exists\"},{\"key\":\"y\",\"operator\":\"DoesNotExist\"}],"
     "\"matchLabels\":{\"x\":\"z\"}}",
     "=w,x=z,x notin (a),!y"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"Gt\",\"values\":[\"1\"]}]}",
     "\"Gt\" is not a valid label selector operator"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"in\",\"values\":[\"1\"]}]}",
     "\"in\" is not a valid label selector operator"},
    {"{\"matchExpressions\":[{\"key\":\"x\"}]}", "\"\" is not a valid label selector operator"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"In\"}]}",
     "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be "
     "empty"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"NotIn\",\"values\":[]}]}",
     "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be "
     "empty"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"Exists\",\"values\":[\"a\",\"b\"]}]}",
     "values: Invalid value: []string{\"a\", \"b\"}: values set must be empty for exists and "
     "does not exist"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"DoesNotExist\",\"values\":[\"b\\\"\"]}]"
     "}",
     "[values: Invalid value: []string{\"b\\\"\"}: values set must be empty for exists and "
     "does not exist, values[0][x]: Invalid value: \"b\\\"\": " VALUE_ERR "]"},
    {"{\"matchLabels\":{\"-a\":\"b\"}}", "key: Invalid value: \"-a\": name part " QNAME_ERR},
    {"{\"matchLabels\":{\"-a\":\"-b\"}}", "[key: Invalid value: \"-a\": name part " QNAME_ERR
                                          ", values[0][-a]: Invalid value: \"-b\": " VALUE_ERR "]"},
    {"{\"matchLabels\":{\"a\\nb\":\"-x\"}}",
     "[key: Invalid value: \"a\\nb\": name part " QNAME_ERR
     ", values[0][a\nb]: Invalid value: \"-x\": " VALUE_ERR "]"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"In\",\"values\":[\"ok\",\"-b\"]}]}",
     "values[1][x]: Invalid value: \"-b\": " VALUE_ERR},
    {"{\"matchExpressions\":[{\"key\":\"\",\"operator\":\"Exists\"}]}",
     "key: Invalid value: \"\": name part must be non-empty; name part " QNAME_ERR},
    {"[]", "label selector must be an object"},
    {"{\"matchLabels\":[]}", "matchLabels must be an object"},
    {"{\"matchLabels\":{\"a\":1}}", "matchLabels[a] must be a string"},
    {"{\"matchExpressions\":{}}", "matchExpressions must be an array"},
    {"{\"matchExpressions\":[1]}", "matchExpressions[0] must be an object"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"In\",\"values\":[1]}]}",
     "matchExpressions[0].values[0] must be a string"},
    {"{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"In\",\"values\":\"a\"}]}",
     "matchExpressions[0].values must be an array"},
};

TEST(label_from_json)
{
        for (size_t i = 0; i < ARRAY_SIZE(json_cases); i++) {
                struct label_selector *s = NULL;
                char err[4096] = "";
                json_t *j = J(json_cases[i].json);
                int r = label_selector_from_json(j, &s, err, sizeof(err));
                const char *want = json_cases[i].want;
                if (want[0] == '=') {
                        if (r != 0)
                                fprintf(stderr, "  %s: %s\n", json_cases[i].json, err);
                        CHECK_INT(r, 0);
                        char *str = label_selector_string(s);
                        CHECK_STR(str, want + 1);
                        free(str);
                        label_selector_free(s);
                } else {
                        CHECK_INT(r, -EINVAL);
                        CHECK_STR(err, want);
                        CHECK(s == NULL);
                }
                json_decref(j);
        }
}

TEST(label_from_json_nil_and_empty)
{
        struct label_selector *s = NULL;
        json_t *labels = J("{\"a\":\"b\"}"), *empty = J("{}"), *null = json_null();

        /* absent selector: matches nothing, is not "empty" */
        CHECK_INT(label_selector_from_json(NULL, &s, NULL, 0), 0);
        CHECK(!label_selector_matches(s, labels));
        CHECK(!label_selector_matches(s, empty));
        CHECK(!label_selector_empty(s));
        char *str = label_selector_string(s);
        CHECK_STR(str, "");
        free(str);
        label_selector_free(s);

        CHECK_INT(label_selector_from_json(null, &s, NULL, 0), 0);
        CHECK(!label_selector_matches(s, labels));
        label_selector_free(s);

        /* {}: matches everything */
        CHECK_INT(label_selector_from_json(empty, &s, NULL, 0), 0);
        CHECK(label_selector_matches(s, labels));
        CHECK(label_selector_matches(s, empty));
        CHECK(label_selector_empty(s));
        label_selector_free(s);

        /* matching through JSON-built requirements */
        json_t *sel = J("{\"matchLabels\":{\"a\":\"b\"},\"matchExpressions\":"
                        "[{\"key\":\"c\",\"operator\":\"DoesNotExist\"}]}");
        CHECK_INT(label_selector_from_json(sel, &s, NULL, 0), 0);
        CHECK(label_selector_matches(s, labels));
        json_object_set_new(labels, "c", json_string("x"));
        CHECK(!label_selector_matches(s, labels));
        label_selector_free(s);

        json_decref(sel);
        json_decref(labels);
        json_decref(empty);
        json_decref(null);
        label_selector_free(NULL);
}

TEST(label_caps)
{
        char err[8192] = "";
        struct label_selector *s = NULL;
        struct buf_like {
                char *p;
                size_t n;
        } b = {calloc(1, 8192), 0};

        /* 4096 bytes ok, 4097 rejected */
        memset(b.p, 'a', 4096);
        CHECK_INT(label_selector_parse(b.p, &s, err, sizeof(err)), -EINVAL); /* key too long */
        CHECK(strstr(err, "name part must be no more than 63 characters") != NULL);
        b.p[4096] = 'a';
        CHECK_INT(label_selector_parse(b.p, &s, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "label selector too long: must be at most 4096 bytes");

        /* 64 requirements ok, 65 rejected */
        memset(b.p, 0, 8192);
        b.n = 0;
        for (int i = 0; i < 64; i++)
                b.n += (size_t)snprintf(b.p + b.n, 8192 - b.n, "%sk%d=v", i ? "," : "", i);
        CHECK_INT(label_selector_parse(b.p, &s, err, sizeof(err)), 0);
        label_selector_free(s);
        s = NULL;
        snprintf(b.p + b.n, 8192 - b.n, ",k64");
        CHECK_INT(label_selector_parse(b.p, &s, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "label selector has too many requirements: must be at most 64");

        /* 64 values ok, 65 rejected; duplicates count once */
        b.n = (size_t)snprintf(b.p, 8192, "x in (");
        for (int i = 0; i < 64; i++)
                b.n += (size_t)snprintf(b.p + b.n, 8192 - b.n, "v%d,v%d,", i, i);
        snprintf(b.p + b.n, 8192 - b.n, "v0)");
        CHECK_INT(label_selector_parse(b.p, &s, err, sizeof(err)), 0);
        label_selector_free(s);
        s = NULL;
        snprintf(b.p + b.n, 8192 - b.n, "v64)");
        CHECK_INT(label_selector_parse(b.p, &s, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, REQ "too many values in set: must be at most 64");

        /* the same caps on the JSON form */
        json_t *sel = json_object(), *ml = json_object();
        for (int i = 0; i < 65; i++) {
                char k[16];
                snprintf(k, sizeof(k), "k%d", i);
                json_object_set_new(ml, k, json_string("v"));
        }
        json_object_set_new(sel, "matchLabels", ml);
        CHECK_INT(label_selector_from_json(sel, &s, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "label selector has too many requirements: must be at most 64");
        json_decref(sel);
        sel = J("{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"In\",\"values\":[]}]}");
        json_t *vals =
            json_object_get(json_array_get(json_object_get(sel, "matchExpressions"), 0), "values");
        for (int i = 0; i < 65; i++)
                json_array_append_new(vals, json_string("v"));
        CHECK_INT(label_selector_from_json(sel, &s, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "too many values in set: must be at most 64");
        json_decref(sel);
        free(b.p);

        /* NULL input is the empty selector; NULL err buffer is fine */
        CHECK_INT(label_selector_parse(NULL, &s, NULL, 0), 0);
        CHECK(label_selector_empty(s));
        label_selector_free(s);
        CHECK_INT(label_selector_parse("!", &s, NULL, 0), -EINVAL);
}

/* ---- field selectors ---- */

static const struct {
        const char *in, *want;
} field_cases[] = {
    {"", "="},
    {"metadata.name=pi", "=metadata.name=pi"},
    {"metadata.name==pi", "=metadata.name=pi"},
    {"status.phase!=Running", "=status.phase!=Running"},
    {"b=2,a=1", "=a=1,b=2"},
    {"a=1,,b=2,", "=a=1,b=2"},
    {",", "="},
    {"=", "="}, /* empty field and value: dropped */
    {"a=", "=a="},
    {"=v", "==v"},
    {"a=x\\,y", "=a=x\\,y"},
    {"a=x\\=y\\\\z", "=a=x\\=y\\\\z"},
    {"a==b\\,c,d!=e", "=a=b\\,c,d!=e"},
    {"a!b=c", "=a!b=c"},
    {" a = b ", "= a = b "}, /* no whitespace trimming in field selectors */
    {"involvedObject.name=pi,involvedObject.namespace=default,involvedObject.kind=Job",
     "=involvedObject.kind=Job,involvedObject.name=pi,involvedObject.namespace=default"},
    {"a", "invalid selector: 'a'; can't understand 'a'"},
    {"a=1,b", "invalid selector: 'a=1,b'; can't understand 'b'"},
    {"a!b", "invalid selector: 'a!b'; can't understand 'a!b'"},
    {"a=b=c", "invalid field selector: unescaped character in value: 61"},
    {"a==b=c", "invalid field selector: unescaped character in value: 61"},
    {"a=b\\", "invalid field selector: invalid escape sequence: \\"},
    {"a=b\\n", "invalid field selector: invalid escape sequence: \\n"},
    {"a=b\\\xe2\x98\x83", "invalid field selector: invalid escape sequence: \\\xe2\x98\x83"},
    {"a=b\\\xff", "invalid field selector: invalid escape sequence: \\\xef\xbf\xbd"},
};

TEST(field_parse_table)
{
        for (size_t i = 0; i < ARRAY_SIZE(field_cases); i++) {
                struct field_selector *s = NULL;
                char err[1024] = "";
                int r = field_selector_parse(field_cases[i].in, &s, err, sizeof(err));
                const char *want = field_cases[i].want;
                if (want[0] == '=') {
                        if (r != 0)
                                fprintf(stderr, "  input '%s': %s\n", field_cases[i].in, err);
                        CHECK_INT(r, 0);
                        char *str = field_selector_string(s);
                        CHECK_STR(str, want + 1);
                        CHECK(field_selector_empty(s) == (str[0] == 0));
                        struct field_selector *s2 = NULL;
                        CHECK_INT(field_selector_parse(str, &s2, NULL, 0), 0);
                        char *str2 = field_selector_string(s2);
                        CHECK_STR(str2, str);
                        free(str);
                        free(str2);
                        field_selector_free(s2);
                        field_selector_free(s);
                } else {
                        if (r == 0)
                                fprintf(stderr, "  input '%s' parsed\n", field_cases[i].in);
                        CHECK_INT(r, -EINVAL);
                        CHECK_STR(err, want);
                        CHECK(s == NULL);
                }
        }
}

TEST(field_unescape_invalid_utf8)
{
        /* values holding an escape are re-encoded rune by rune, like Go's range loop */
        struct field_selector *s = NULL;
        CHECK_INT(field_selector_parse("a=\\,\xff", &s, NULL, 0), 0);
        json_t *f = json_object();
        json_object_set_new(f, "a", json_string(",\xef\xbf\xbd"));
        CHECK(field_selector_matches(s, f));
        json_decref(f);
        field_selector_free(s);
        /* without special characters the bytes are kept as they are */
        CHECK_INT(field_selector_parse("a=\xe2\x98\x83", &s, NULL, 0), 0);
        f = json_object();
        json_object_set_new(f, "a", json_string("\xe2\x98\x83"));
        CHECK(field_selector_matches(s, f));
        json_decref(f);
        field_selector_free(s);
}

static const struct {
        const char *sel, *fields;
        bool want;
} field_match_cases[] = {
    {"", "{}", true},
    {"metadata.name=pi", "{\"metadata.name\":\"pi\",\"status.phase\":\"Running\"}", true},
    {"metadata.name=pi", "{\"metadata.name\":\"pj\"}", false},
    {"metadata.name=pi,status.phase=Running",
     "{\"metadata.name\":\"pi\",\"status.phase\":\"Running\"}", true},
    {"metadata.name=pi,status.phase!=Running",
     "{\"metadata.name\":\"pi\",\"status.phase\":\"Running\"}", false},
    {"status.phase!=Running", "{}", true},
    {"spec.nodeName=", "{}", true}, /* missing field reads as "" */
    {"spec.nodeName=", "{\"spec.nodeName\":\"n1\"}", false},
    {"spec.nodeName!=", "{\"spec.nodeName\":\"n1\"}", true},
    {"a=x\\,y", "{\"a\":\"x,y\"}", true},
    {"a=x\\=y", "{\"a\":\"x=y\"}", true},
    {"a=x\\\\y", "{\"a\":\"x\\\\y\"}", true},
    {"metadata.name=pi", "null", false},
};

TEST(field_matches)
{
        for (size_t i = 0; i < ARRAY_SIZE(field_match_cases); i++) {
                struct field_selector *s = NULL;
                json_t *f = J(field_match_cases[i].fields);
                CHECK_INT(field_selector_parse(field_match_cases[i].sel, &s, NULL, 0), 0);
                if (field_selector_matches(s, f) != field_match_cases[i].want)
                        fprintf(stderr, "  '%s' vs %s\n", field_match_cases[i].sel,
                                field_match_cases[i].fields);
                CHECK(field_selector_matches(s, f) == field_match_cases[i].want);
                json_decref(f);
                field_selector_free(s);
        }
}

TEST(field_check_and_name)
{
        static const char *const job_fields[] = {"metadata.name", "metadata.namespace",
                                                 "status.successful", NULL};
        struct field_selector *s = NULL;
        char err[256] = "";

        CHECK_INT(field_selector_parse("metadata.name=pi,status.successful=1", &s, NULL, 0), 0);
        CHECK_INT(field_selector_check(s, job_fields, err, sizeof(err)), 0);
        CHECK_STR(field_selector_name(s), "pi");
        field_selector_free(s);

        CHECK_INT(
            field_selector_parse("status.phase=Running,spec.foo=1,metadata.name=x", &s, NULL, 0),
            0);
        CHECK_INT(field_selector_check(s, job_fields, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "field label not supported: spec.foo"); /* first in sorted order */
        field_selector_free(s);

        CHECK_INT(field_selector_parse("=v", &s, NULL, 0), 0);
        CHECK_INT(field_selector_check(s, job_fields, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "field label not supported: ");
        field_selector_free(s);

        CHECK_INT(field_selector_parse("metadata.name!=pi", &s, NULL, 0), 0);
        CHECK(field_selector_name(s) == NULL);
        field_selector_free(s);

        CHECK_INT(
            field_selector_parse("metadata.name!=a,metadata.name==b,metadata.name=c", &s, NULL, 0),
            0);
        CHECK_STR(field_selector_name(s), "b"); /* first =/== term in sorted order */
        field_selector_free(s);

        CHECK_INT(field_selector_parse("", &s, NULL, 0), 0);
        CHECK(field_selector_name(s) == NULL);
        CHECK(field_selector_empty(s));
        CHECK_INT(field_selector_check(s, job_fields, err, sizeof(err)), 0);
        field_selector_free(s);
        field_selector_free(NULL);
}

TEST(field_caps)
{
        char err[256] = "";
        struct field_selector *s = NULL;
        char *p = calloc(1, 8192);
        size_t n = 0;

        for (int i = 0; i < 64; i++)
                n += (size_t)snprintf(p + n, 8192 - n, "%sf%d=v", i ? "," : "", i);
        CHECK_INT(field_selector_parse(p, &s, err, sizeof(err)), 0);
        field_selector_free(s);
        s = NULL;
        snprintf(p + n, 8192 - n, ",f64=v");
        CHECK_INT(field_selector_parse(p, &s, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "field selector has too many requirements: must be at most 64");

        memset(p, 'a', 4097);
        p[1] = '=';
        p[4097] = 0;
        CHECK_INT(field_selector_parse(p, &s, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "field selector too long: must be at most 4096 bytes");
        p[4096] = 0;
        CHECK_INT(field_selector_parse(p, &s, err, sizeof(err)), 0);
        field_selector_free(s);
        free(p);
}
