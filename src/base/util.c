/* util.c — see util.h. */
#include <sys/random.h>
#include <sys/stat.h>
#include "base/util.h"

int64_t clock_fake_ns;

int64_t clock_now_ns(void)
{
        if (clock_fake_ns)
                return clock_fake_ns;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t clock_mono_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void time_format_rfc3339(int64_t sec, char *out, size_t n)
{
        struct tm tm;
        time_t t = (time_t)sec;
        gmtime_r(&t, &tm);
        strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_format_rfc3339nano(int64_t ns, char *out, size_t n)
{
        struct tm tm;
        time_t t = (time_t)(ns / 1000000000LL);
        gmtime_r(&t, &tm);
        char base[32];
        strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(out, n, "%s.%09lldZ", base, (long long)(ns % 1000000000LL));
}

static int digits(const char *s, int n)
{
        int v = 0;
        for (int i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        return v;
}

/* Hand-rolled: strptime showed up in Table listings (two timestamps per row). */
int time_parse_rfc3339(const char *s, int64_t *ret_sec)
{
        if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
            s[13] != ':' || s[16] != ':')
                return -EINVAL;
        int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
        int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
        if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
            mi > 59 || se < 0 || se > 60)
                return -EINVAL;
        const char *p = s + 19;
        if (*p == '.') {
                p++;
                while (*p >= '0' && *p <= '9')
                        p++;
        }
        int64_t off = 0;
        if (*p == 'Z' || *p == 'z') {
                p++;
        } else if ((*p == '+' || *p == '-') && strlen(p) >= 6 && p[3] == ':') {
                int oh = digits(p + 1, 2), om = digits(p + 4, 2);
                if (oh < 0 || om < 0)
                        return -EINVAL;
                off = (oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
                p += 6;
        } else {
                return -EINVAL;
        }
        if (*p)
                return -EINVAL;
        /* days from civil (Howard Hinnant's algorithm), valid for the proleptic Gregorian
         * calendar */
        int64_t yy = y - (mo <= 2);
        int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
        int64_t yoe = yy - era * 400;
        int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        int64_t days = era * 146097 + doe - 719468;
        *ret_sec = days * 86400 + h * 3600 + mi * 60 + se - off;
        return 0;
}

void human_duration(int64_t d, char *out, size_t n)
{
        if (d < 0) {
                snprintf(out, n, "<invalid>");
                return;
        }
        if (d < 60 * 2) {
                snprintf(out, n, "%llds", (long long)d);
                return;
        }
        int64_t m = d / 60;
        if (m < 10) {
                int64_t s = d % 60;
                if (s == 0)
                        snprintf(out, n, "%lldm", (long long)m);
                else
                        snprintf(out, n, "%lldm%llds", (long long)m, (long long)s);
                return;
        }
        if (m < 60 * 3) {
                snprintf(out, n, "%lldm", (long long)m);
                return;
        }
        int64_t h = d / 3600;
        if (h < 8) {
                int64_t mm = (d / 60) % 60;
                if (mm == 0)
                        snprintf(out, n, "%lldh", (long long)h);
                else
                        snprintf(out, n, "%lldh%lldm", (long long)h, (long long)mm);
                return;
        }
        if (h < 48) {
                snprintf(out, n, "%lldh", (long long)h);
                return;
        }
        if (h < 24 * 8) {
                int64_t hh = h % 24;
                if (hh == 0)
                        snprintf(out, n, "%lldd", (long long)(h / 24));
                else
                        snprintf(out, n, "%lldd%lldh", (long long)(h / 24), (long long)hh);
                return;
        }
        if (h < 24 * 365 * 2) {
                snprintf(out, n, "%lldd", (long long)(h / 24));
                return;
        }
        if (h < 24 * 365 * 8) {
                int64_t dy = (h / 24) % 365;
                if (dy == 0)
                        snprintf(out, n, "%lldy", (long long)(h / 24 / 365));
                else
                        snprintf(out, n, "%lldy%lldd", (long long)(h / 24 / 365), (long long)dy);
                return;
        }
        snprintf(out, n, "%lldy", (long long)(h / 24 / 365));
}

void random_bytes(void *p, size_t n)
{
        uint8_t *b = p;
        while (n > 0) {
                ssize_t r = getrandom(b, n, 0);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        abort();
                }
                b += r;
                n -= (size_t)r;
        }
}

void uuid_v4(char *out)
{
        uint8_t b[16];
        random_bytes(b, sizeof(b));
        b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
        b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
        snprintf(out, 37,
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                 b[14], b[15]);
}

void random_suffix(char *out, size_t n)
{
        static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
        uint8_t b[64];
        if (n > sizeof(b))
                n = sizeof(b);
        random_bytes(b, n);
        for (size_t i = 0; i < n; i++)
                out[i] = alpha[b[i] % (sizeof(alpha) - 1)];
        out[n] = 0;
}

int mkdir_p(const char *path, mode_t mode)
{
        _cleanup_free_ char *p = xstrdup(path);
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}
