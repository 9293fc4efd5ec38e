/* base.h — the few macros every jobd file uses.
 *
 * Ownership is explicit: a variable declared with a _cleanup_*_ attribute is freed when it
 * leaves scope unless ownership is handed off with TAKE_PTR().  Errors are negative
 * errno-style ints; functions that can fail with a user-visible reason also fill a
 * caller-provided message buffer or Status object.
 *
 * Unsafe string functions are poisoned at the bottom so that any use fails to compile.
 * Include this header after the system headers.
 */
#ifndef JOBD_BASE_H
#define JOBD_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _warn_unused_ __attribute__((warn_unused_result))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Hand ownership of *p to the caller and leave NULL behind for the cleanup handler. */
#define TAKE_PTR(p)                                                                            \
        ({                                                                                     \
                __typeof__(p) _p_ = (p);                                                       \
                (p) = NULL;                                                                    \
                _p_;                                                                           \
        })

static inline void freep(void *p)
{
        free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline int streq(const char *a, const char *b)
{
        return a && b && strcmp(a, b) == 0;
}

static inline int startswith(const char *s, const char *prefix)
{
        return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Allocation failure is not recoverable in a server that must not lie about state. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

#pragma GCC poison strcpy strcat sprintf vsprintf gets strtok
#endif
