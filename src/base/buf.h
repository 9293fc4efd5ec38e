/* buf.h — growable byte buffer with a hard cap.  Every buffer that holds user-controlled
 * data is a struct buf with max set: appends beyond it fail with -EMSGSIZE instead of
 * growing without bound.  data is always NUL-terminated for convenience. */
#ifndef JOBD_BUF_H
#define JOBD_BUF_H
#include "base/base.h"

struct buf {
        char *data;
        size_t len, cap, max; /* max 0 = no cap (only for data we produce ourselves) */
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
int buf_append(struct buf *b, const void *p, size_t n) _warn_unused_;
int buf_puts(struct buf *b, const char *s) _warn_unused_;
int buf_printf(struct buf *b, const char *fmt, ...) _printf_(2, 3) _warn_unused_;
/* Detach the data (caller frees); the buffer is left empty. */
char *buf_steal(struct buf *b);
#endif
