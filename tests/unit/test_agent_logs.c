/* test_agent_logs.c — CRI log lines (what conmon writes) and what the agent's log endpoint
 * makes of them for kubectl: prefix stripped, partial lines joined, timestamps in
 * RFC3339Nano UTC, tailLines, sinceTime filtering, limitBytes. */
#include "harness.h"
#include "agent/agent_int.h"

static const char LOG[] =
        "2026-11-30T06:59:22.846473217+00:00 stdout F first line\n"
        "2026-11-30T06:59:23.000000001+00:00 stderr F err line\n"
        "2026-11-30T06:59:24.5+00:00 stdout P part-\n"
        "2026-11-30T06:59:24.600000000Z stdout F ial\n"
        "2026-11-30T06:59:25.000000000+00:00 stdout F \n"
        "garbage without fields\n"
        "2026-11-30T06:59:26.000000000+00:00 stdout F last\n";

TEST(parse_line)
{
        struct cri_line l;
        const char *s = "2026-11-30T06:59:22.846473217+00:00 stderr P hello world";
        CHECK_INT(cri_parse_line(s, strlen(s), &l), 0);
        CHECK_INT(l.ts_len, 35);
        CHECK(l.partial);
        CHECK(l.stream_len == 6 && !memcmp(l.stream, "stderr", 6));
        CHECK(l.msg_len == 11 && !memcmp(l.msg, "hello world", 11));
        s = "2026-11-30T06:59:22Z stdout F";
        CHECK_INT(cri_parse_line(s, strlen(s), &l), 0);
        CHECK_INT(l.msg_len, 0);
        s = "2026-11-30T06:59:22Z stdin F x";
        CHECK(cri_parse_line(s, strlen(s), &l) < 0);
        s = "nonsense";
        CHECK(cri_parse_line(s, strlen(s), &l) < 0);
}

TEST(parse_time)
{
        const char *t = "2026-11-30T06:59:22.846473217+00:00";
        int64_t ns = cri_parse_time(t, strlen(t));
        CHECK_INT(ns % 1000000000LL, 846473217);
        t = "2026-11-30T07:59:22.5+01:00";
        CHECK_INT(cri_parse_time(t, strlen(t)), ns - 346473217);
        CHECK_INT(cri_parse_time("x", 1), -1);
}

TEST(render_plain_and_partial)
{
        char *s = cri_render(LOG, strlen(LOG), -1, false, 0, -1);
        CHECK_STR(s, "first line\nerr line\npart-ial\n\nlast\n");
        free(s);
}

TEST(render_timestamps)
{
        char *s = cri_render(LOG, strlen(LOG), 2, true, 0, -1);
        CHECK_STR(s, "2026-11-30T06:59:25.000000000Z \n2026-11-30T06:59:26.000000000Z last\n");
        free(s);
}

TEST(render_tail)
{
        char *s = cri_render(LOG, strlen(LOG), 3, false, 0, -1);
        CHECK_STR(s, "part-ial\n\nlast\n");
        free(s);
        s = cri_render(LOG, strlen(LOG), 0, false, 0, -1);
        CHECK_STR(s, "");
        free(s);
        s = cri_render(LOG, strlen(LOG), 100, false, 0, -1);
        CHECK_STR(s, "first line\nerr line\npart-ial\n\nlast\n");
        free(s);
}

TEST(render_since_and_limit)
{
        const char *t = "2026-11-30T06:59:24.000000000Z";
        char *s = cri_render(LOG, strlen(LOG), -1, false, cri_parse_time(t, strlen(t)), -1);
        CHECK_STR(s, "part-ial\n\nlast\n");
        free(s);
        s = cri_render(LOG, strlen(LOG), -1, false, 0, 7);
        CHECK_STR(s, "first l");
        free(s);
}
