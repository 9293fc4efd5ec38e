/* util.h — clock (fakeable for tests), RFC3339 times, Kubernetes' human durations,
 * random identifiers. */
#ifndef JOBD_UTIL_H
#define JOBD_UTIL_H
#include <sys/types.h>
#include <time.h>
#include "base/base.h"

/* Wall clock in nanoseconds.  Tests set clock_fake_ns to freeze or step time. */
extern int64_t clock_fake_ns;
int64_t clock_now_ns(void);
static inline int64_t clock_now_s(void)
{
        return clock_now_ns() / 1000000000LL;
}
/* Monotonic, never faked: for timeouts and measurements. */
int64_t clock_mono_ns(void);

/* "2026-11-30T05:13:38Z" (seconds precision, as metav1.Time) into out (>= 32 bytes). */
void time_format_rfc3339(int64_t sec, char *out, size_t n);
/* RFC3339 with nanoseconds, as CRI log lines and logs?timestamps=true. */
void time_format_rfc3339nano(int64_t ns, char *out, size_t n);
/* Parse "YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)"; returns 0 and seconds, or -EINVAL. */
int time_parse_rfc3339(const char *s, int64_t *ret_sec);
/* apimachinery duration.HumanDuration: "5s", "2m3s", "12m", "3h4m", "5d", "2y". */
void human_duration(int64_t seconds, char *out, size_t n);

/* Random RFC 4122 v4 UUID into out (>= 37 bytes). */
void uuid_v4(char *out);
/* n random characters from Kubernetes' generateName alphabet "bcdfghjklmnpqrstvwxz2456789". */
void random_suffix(char *out, size_t n);
/* Fill with random bytes (getrandom). */
void random_bytes(void *p, size_t n);
/* mkdir -p with mode for every created directory; 0 or negative errno. */
int mkdir_p(const char *path, mode_t mode);
#endif
