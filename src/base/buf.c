/* buf.c — see buf.h. */
#include <stdarg.h>
#include "base/buf.h"

void buf_init(struct buf *b, size_t max)
{
        *b = (struct buf){.max = max};
}

void buf_release(struct buf *b)
{
        free(b->data);
        *b = (struct buf){.max = b->max};
}

static int buf_reserve(struct buf *b, size_t extra)
{
        if (b->max && b->len + extra > b->max)
                return -EMSGSIZE;
        if (b->len + extra + 1 <= b->cap)
                return 0;
        size_t ncap = b->cap ? b->cap * 2 : 256;
        while (ncap < b->len + extra + 1)
                ncap *= 2;
        b->data = xrealloc(b->data, ncap);
        b->cap = ncap;
        return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
        int r = buf_reserve(b, n);
        if (r < 0)
                return r;
        if (n)
                memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = 0;
        return 0;
}

int buf_puts(struct buf *b, const char *s)
{
        return buf_append(b, s, strlen(s));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        int r = buf_reserve(b, (size_t)n);
        if (r < 0)
                return r;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
        return 0;
}

char *buf_steal(struct buf *b)
{
        char *d = b->data ? b->data : xstrdup("");
        *b = (struct buf){.max = b->max};
        return d;
}
