/* test_util.c — RFC 3339 parsing/formatting and Kubernetes' HumanDuration. */
#include "harness.h"
#include "base/util.h"

TEST(rfc3339_parse)
{
        static const struct {
                const char *in;
                long long want;
        } ok[] = {
                {"1970-01-01T00:00:00Z", 0},
                {"2026-11-30T05:13:38Z", 1796015618},
                {"2000-02-29T12:00:00.123Z", 951825600},
                {"2026-11-30T05:13:38+02:00", 1796008418},
                {"1999-12-31T23:59:59-05:30", 946704599},
                {"1969-12-31T23:59:59Z", -1},
        };
        for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
                int64_t t = 0;
                CHECK_INT(time_parse_rfc3339(ok[i].in, &t), 0);
                CHECK_INT(t, ok[i].want);
        }
        static const char *const bad[] = {"", "garbage", "2026-11-30T05:13:38", "2026-13-01T00:00:00Z",
                                          "2026-11-30 05:13:38Z", "2026-11-30T05:13:38Zx",
                                          "2026-11-30T05:13:38+0200", NULL};
        for (size_t i = 0; bad[i]; i++) {
                int64_t t;
                CHECK(time_parse_rfc3339(bad[i], &t) < 0);
        }
        int64_t t;
        CHECK(time_parse_rfc3339(NULL, &t) < 0);
}

TEST(rfc3339_round_trip)
{
        char b[40];
        for (int64_t s = 0; s < 4102444800LL; s += 86400 * 37 + 3671) {
                time_format_rfc3339(s, b, sizeof(b));
                int64_t t = -1;
                CHECK_INT(time_parse_rfc3339(b, &t), 0);
                if (t != s) {
                        CHECK_INT(t, s);
                        break;
                }
        }
}

TEST(human_duration)
{
        static const struct {
                int64_t s;
                const char *want;
        } t[] = {{0, "0s"},         {5, "5s"},          {119, "119s"},     {120, "2m"},
                 {123, "2m3s"},      {599, "9m59s"},     {600, "10m"},      {3 * 3600 - 1, "179m"},
                 {3 * 3600, "3h"},   {3 * 3600 + 240, "3h4m"}, {8 * 3600, "8h"},
                 {47 * 3600, "47h"}, {48 * 3600, "2d"},  {50 * 3600, "2d2h"}, {8 * 86400, "8d"},
                 {800 * 86400, "2y70d"}, {3650 * 86400LL, "10y"}, {-1, "<invalid>"}};
        for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
                char b[32];
                human_duration(t[i].s, b, sizeof(b));
                CHECK_STR(b, t[i].want);
        }
}

#include "base/buf.h"
#include "base/jsonu.h"

/* jwrite must produce what jdump produces (the same text, not just equal JSON). */
TEST(jwrite_matches_jdump)
{
        static const char *const docs[] = {
                "{}", "[]", "\"\"", "0", "-12345678901234", "true", "false", "null",
                "{\"a\":\"q\\\"uote\\\\back\\nline\\ttab\\u0001ctl\\u001f\",\"b\":[1,2,{\"c\":null}]}",
                "{\"metadata\":{\"name\":\"pi\",\"labels\":{\"job-name\":\"pi\"},\"generation\":1},"
                "\"u\":\"\\u00e9\\u4e2d\\ud83d\\ude00\",\"deep\":[[[[{\"x\":[true,false]}]]]]}",
        };
        for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
                json_error_t e;
                json_t *j = json_loads(docs[i], JSON_DECODE_ANY, &e);
                CHECK(j != NULL);
                char *want = jdump(j);
                struct buf b;
                buf_init(&b, 0);
                CHECK_INT(jwrite(&b, j, 0), 0);
                CHECK_STR(b.data, want);
                free(want);
                buf_release(&b);
                json_decref(j);
        }
        /* a cap is honoured */
        json_t *big = json_pack("{s:s}", "k", "0123456789012345678901234567890123456789");
        struct buf small;
        buf_init(&small, 16);
        CHECK(jwrite(&small, big, 0) < 0);
        buf_release(&small);
        json_decref(big);
}
