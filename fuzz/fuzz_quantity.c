/* fuzz_quantity.c — quantity_parse on arbitrary bytes.  Besides memory safety it checks the
 * invariants callers rely on: a parsed value renders to text that parses back to the same
 * milli value and reaches a fixed point after one more round (not at once: a BinarySI
 * 64000 renders "64000", which reads back as DecimalSI and renders "64k"), errors are one of the
 * three documented codes with a message, and quantity_normalize agrees with quantity_parse. */
#include "types/quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
        if (n > 8192)
                return 0;
        char *s = xmalloc(n + 1);
        memcpy(s, d, n);
        s[n] = 0;

        struct quantity q, q2;
        char err[256] = "";
        int r = quantity_parse(s, &q, err, sizeof(err));
        char *norm = NULL;
        int rn = quantity_normalize(s, &norm, NULL, 0);
        if (rn != r)
                abort();
        if (r < 0) {
                if ((r != -EINVAL && r != -ERANGE) || !err[0] || norm)
                        abort();
                free(s);
                return 0;
        }
        if (q.format != QF_DECIMAL_SI && q.format != QF_BINARY_SI &&
            q.format != QF_DECIMAL_EXPONENT)
                abort();

        char *f = quantity_format(&q);
        if (quantity_parse(f, &q2, err, sizeof(err)) != 0 || q2.milli != q.milli)
                abort();
        char *f2 = quantity_format(&q2), *f3;
        struct quantity q3;
        if (quantity_parse(f2, &q3, NULL, 0) != 0 || q3.milli != q.milli)
                abort();
        f3 = quantity_format(&q3);
        if (strcmp(f2, f3) != 0)
                abort();
        free(f3);
        /* the stored text parses back to the same value too */
        if (quantity_parse(norm, &q2, NULL, 0) != 0 || q2.milli != q.milli)
                abort();
        if (quantity_cmp(&q, &q2) != 0)
                abort();
        /* whole units, away from zero: |v| = ceil(|milli| / 1000) */
        int64_t v = quantity_value(&q);
        int64_t want = q.milli / 1000 + (q.milli % 1000 > 0) - (q.milli % 1000 < 0);
        if (v != want || (q.milli > 0 && v <= 0) || (q.milli < 0 && v >= 0))
                abort();
        free(f);
        free(f2);
        free(norm);
        free(s);
        return 0;
}
