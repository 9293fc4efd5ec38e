/* gostr.c — Go's string rendering rules, shared by every message that must match
 * Kubernetes byte for byte (field errors, selector errors): utf8.DecodeRune,
 * strconv.IsPrint (approximated outside ASCII) and strconv.Quote (%q). */
#include "base/buf.h"
#include "types/gostr.h"

/* utf8.DecodeRuneInString: returns the rune and its width; invalid input → (0xFFFD, 1). */
uint32_t go_decode_rune(const unsigned char *s, size_t n, size_t *width)
{
        uint32_t r;
        size_t w;
        unsigned char c = s[0];

        *width = 1;
        if (c < 0x80)
                return c;
        if (c >= 0xC2 && c <= 0xDF) {
                w = 2;
                r = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
                w = 3;
                r = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
                w = 4;
                r = c & 0x07;
        } else {
                return 0xFFFD;
        }
        if (n < w)
                return 0xFFFD;
        for (size_t i = 1; i < w; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0xFFFD;
                r = (r << 6) | (s[i] & 0x3F);
        }
        if ((w == 3 && r < 0x800) || (w == 4 && (r < 0x10000 || r > 0x10FFFF)) ||
            (r >= 0xD800 && r <= 0xDFFF))
                return 0xFFFD;
        *width = w;
        return r;
}

/* An approximation of strconv.IsPrint for non-ASCII runes: the control, format, separator,
 * private-use and non-character ranges a label or field value could plausibly contain. */
bool go_is_print(uint32_t r)
{
        if (r < 0x80)
                return r >= 0x20 && r < 0x7F;
        if (r < 0xA1 || r == 0xAD || r == 0x1680 || (r >= 0x2000 && r <= 0x200F) ||
            (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F) || r == 0x3000 ||
            (r >= 0xD800 && r <= 0xF8FF) || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) ||
            (r & 0xFFFE) == 0xFFFE || r >= 0xF0000)
                return false;
        return true;
}

/* Go %q (strconv.Quote) of s[0..n). */
void go_quote_buf(struct buf *b, const char *s, size_t n)
{
        static const char hex[] = "0123456789abcdef";
        const unsigned char *p = (const unsigned char *)s;
        int r = buf_append(b, "\"", 1);

        for (size_t i = 0; i < n && r == 0;) {
                size_t w;
                uint32_t c = go_decode_rune(p + i, n - i, &w);
                if (c == 0xFFFD && w == 1) {
                        char e[4] = {'\\', 'x', hex[p[i] >> 4], hex[p[i] & 15]};
                        r = buf_append(b, e, 4);
                } else if (c == '"' || c == '\\') {
                        char e[2] = {'\\', (char)c};
                        r = buf_append(b, e, 2);
                } else if (go_is_print(c)) {
                        r = buf_append(b, p + i, w);
                } else if (c == '\a' || c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
                           c == '\t' || c == '\v') {
                        static const char esc[] = "abtnvfr";
                        char e[2] = {'\\', esc[c - 7]};
                        r = buf_append(b, e, 2);
                } else if (c < ' ' || c == 0x7F) {
                        char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
                        r = buf_append(b, e, 4);
                } else if (c < 0x10000) {
                        r = buf_printf(b, "\\u%04x", (unsigned)c);
                } else {
                        r = buf_printf(b, "\\U%08x", (unsigned)c);
                }
                i += w;
        }
        if (r == 0)
                r = buf_append(b, "\"", 1);
        (void)r; /* a capped message is truncated, never an error */
}

