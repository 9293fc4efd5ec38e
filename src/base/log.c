/* log.c — one line per message, timestamped, written with a single write(2) so that lines
 * from concurrent threads never interleave. */
#include <stdarg.h>
#include <time.h>
#include "base/log.h"

enum log_level log_min_level = LOG_INFO;

void log_msg(enum log_level lvl, const char *fmt, ...)
{
        static const char *names[] = {"debug", "info", "warn", "error"};
        if (lvl < log_min_level)
                return;
        char line[2048];
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        int n = snprintf(line, sizeof(line), "%02d:%02d:%02d.%03ld jobd %s: ", tm.tm_hour,
                         tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, names[lvl]);
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
        va_end(ap);
        size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
        if (len > sizeof(line) - 2)
                len = sizeof(line) - 2;
        line[len++] = '\n';
        ssize_t w _unused_ = write(STDERR_FILENO, line, len);
}
