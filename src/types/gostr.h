/* gostr.h — Go string rendering (see gostr.c). */
#ifndef JOBD_GOSTR_H
#define JOBD_GOSTR_H
#include <stdbool.h>
#include "base/buf.h"

/* utf8.DecodeRune: the rune at s (n bytes available) and its width; invalid → 0xFFFD, 1. */
uint32_t go_decode_rune(const unsigned char *s, size_t n, size_t *width);
/* strconv.IsPrint, approximated outside ASCII. */
bool go_is_print(uint32_t r);
/* Appends strconv.Quote(s[0..n)) to b; a capped buffer truncates, never fails. */
void go_quote_buf(struct buf *b, const char *s, size_t n);
#endif
