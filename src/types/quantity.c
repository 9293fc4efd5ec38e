/* quantity.c — resource.Quantity, as apimachinery parses and prints it.
 *
 * Why this shape: upstream holds a quantity either as int64×10^scale or as an arbitrary
 * precision inf.Dec, and every object jobd stores has gone through SetDefaults_ResourceList,
 * which rounds each quantity up (away from zero) to milli scale.  So jobd keeps exactly that
 * rounded value, an int64 count of milli-units, and computes it from the text without ever
 * materialising 10^exponent: the significant digits are kept as a decimal digit string, a
 * binary suffix multiplies that string by 2^k (k <= 60), and the decimal exponent only moves
 * the decimal point.  Anything whose milli value does not fit an int64 is -ERANGE.  That also
 * closes the upstream traps listed in the security baseline (A8): "2E6024865272343" cannot
 * hang, and "1e4294967297" is rejected instead of being read as 1e1 (upstream narrows the
 * exponent to int32).
 *
 * The scanner is a transliteration of parseQuantityString, so what is accepted and which of
 * the two upstream messages an invalid string gets are the same as upstream (note: "10Gx" is
 * a *format* error upstream, because 'x' is not one of the suffix characters; "10K", "1i",
 * "0.1mi", "1e" are suffix errors).
 *
 * Rendering follows Quantity.CanonicalizeBytes.  Upstream also remembers the input text when
 * it is already "canonical enough" (fast path with scale%3==0, e.g. "+1", "1.500", "01Ki")
 * and serialises that text verbatim; quantity_normalize() reproduces that, quantity_format()
 * always renders canonically from the value. */
#include <limits.h>
#include "types/quantity.h"

#define QUANTITY_MAX_LEN 4096

static const char FORMAT_MSG[] = "quantities must match the regular expression "
                                 "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
static const char SUFFIX_MSG[] = "unable to parse quantity's suffix";
static const char NUMERIC_MSG[] = "unable to parse numeric part of quantity";
static const char RANGE_MSG[] = "quantity out of range: must fit in 64 bits at milli scale";

struct scan {
        bool positive;
        const char *num; /* leading zeros stripped; "0" if nothing was left */
        size_t num_len;
        const char *denom;
        size_t denom_len;
        const char *suffix;
        size_t suffix_len;
        bool any_digit; /* the number part has at least one digit */
};

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* parseQuantityString.  Returns false for ErrFormatWrong. */
static bool scan_quantity(const char *str, size_t end, struct scan *sc)
{
        size_t pos = 0, i;

        *sc = (struct scan){.positive = true, .num = "0", .num_len = 1, .denom = "", .suffix = ""};
        if (pos < end) {
                if (str[0] == '-') {
                        sc->positive = false;
                        pos++;
                } else if (str[0] == '+') {
                        pos++;
                }
        }
        while (pos < end && str[pos] == '0') {
                sc->any_digit = true;
                pos++;
        }
        if (pos >= end)
                return true; /* all zeros (or just a sign) */

        for (i = pos; i < end && is_digit(str[i]); i++)
                ;
        if (i > pos) {
                sc->num = str + pos;
                sc->num_len = i - pos;
                sc->any_digit = true;
        }
        pos = i;
        if (pos >= end)
                return true;

        if (str[pos] == '.') {
                pos++;
                for (i = pos; i < end && is_digit(str[i]); i++)
                        ;
                sc->denom = str + pos;
                sc->denom_len = i - pos;
                sc->any_digit = sc->any_digit || i > pos;
                pos = i;
                if (pos >= end)
                        return true;
        }

        size_t suffix_start = pos;
        for (i = pos; i < end && strchr("eEinumkKMGTP", str[i]); i++)
                ;
        pos = i;
        if (pos < end && (str[pos] == '-' || str[pos] == '+'))
                pos++;
        for (i = pos; i < end && is_digit(str[i]); i++)
                ;
        if (i < end)
                return false; /* a character that is no part of a suffix */
        sc->suffix = str + suffix_start;
        sc->suffix_len = end - suffix_start;
        return true;
}

/* strconv.ParseInt(s, 10, 64) */
static bool go_parse_int64(const char *s, size_t n, int64_t *ret)
{
        bool neg = false;
        uint64_t v = 0, lim;
        size_t i = 0;

        if (n > 0 && (s[0] == '+' || s[0] == '-')) {
                neg = s[0] == '-';
                i = 1;
        }
        if (i >= n)
                return false;
        lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        for (; i < n; i++) {
                if (!is_digit(s[i]))
                        return false;
                unsigned d = (unsigned)(s[i] - '0');
                if (v > (lim - d) / 10)
                        return false;
                v = v * 10 + d;
        }
        *ret = neg ? (int64_t)(0 - v) : (int64_t)v;
        return true;
}

/* quantitySuffixer.interpret; exponent is left at 64 bits (the caller range-checks it). */
static bool interpret_suffix(const char *s, size_t n, int *base, int64_t *exponent, int *format)
{
        static const struct {
                const char *s;
                int base, exp, format;
        } table[] = {
            {"", 10, 0, QF_DECIMAL_SI},   {"n", 10, -9, QF_DECIMAL_SI},
            {"u", 10, -6, QF_DECIMAL_SI}, {"m", 10, -3, QF_DECIMAL_SI},
            {"k", 10, 3, QF_DECIMAL_SI},  {"M", 10, 6, QF_DECIMAL_SI},
            {"G", 10, 9, QF_DECIMAL_SI},  {"T", 10, 12, QF_DECIMAL_SI},
            {"P", 10, 15, QF_DECIMAL_SI}, {"E", 10, 18, QF_DECIMAL_SI},
            {"Ki", 2, 10, QF_BINARY_SI},  {"Mi", 2, 20, QF_BINARY_SI},
            {"Gi", 2, 30, QF_BINARY_SI},  {"Ti", 2, 40, QF_BINARY_SI},
            {"Pi", 2, 50, QF_BINARY_SI},  {"Ei", 2, 60, QF_BINARY_SI},
        };
        for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
                if (strlen(table[i].s) == n && memcmp(table[i].s, s, n) == 0) {
                        *base = table[i].base;
                        *exponent = table[i].exp;
                        *format = table[i].format;
                        return true;
                }
        }
        if (n > 1 && (s[0] == 'e' || s[0] == 'E')) {
                if (!go_parse_int64(s + 1, n - 1, exponent))
                        return false;
                *base = 10;
                *format = QF_DECIMAL_EXPONENT;
                return true;
        }
        return false;
}

/* A non-negative decimal number held as its digits (no leading zeros, at least one). */
struct digits {
        unsigned char *d; /* values 0..9, most significant first */
        size_t n;
};

/* d *= 2^bits (bits <= 60). */
static void digits_shift(struct digits *x, int bits)
{
        while (bits > 0) {
                int step = bits > 28 ? 28 : bits;
                uint64_t carry = 0;
                bits -= step;
                for (size_t i = x->n; i-- > 0;) {
                        uint64_t v = ((uint64_t)x->d[i] << step) + carry;
                        x->d[i] = (unsigned char)(v % 10);
                        carry = v / 10;
                }
                while (carry) {
                        memmove(x->d + 1, x->d, x->n);
                        x->d[0] = (unsigned char)(carry % 10);
                        carry /= 10;
                        x->n++;
                }
        }
}

/* ceil(x * 10^k) for x > 0, rounding away from zero; -ERANGE if above INT64_MAX. */
static int digits_ceil_scaled(const struct digits *x, int64_t k, int64_t *ret)
{
        uint64_t v = 0;

        if (k >= 0) {
                if ((int64_t)x->n + k > 19)
                        return -ERANGE; /* at least 10^19 */
                for (size_t i = 0; i < x->n; i++)
                        v = v * 10 + x->d[i];
                for (int64_t j = 0; j < k; j++) {
                        if (v > UINT64_MAX / 10)
                                return -ERANGE;
                        v *= 10;
                }
        } else {
                uint64_t m = (uint64_t)(-(k + 1)) + 1; /* -k without overflow */
                if (m >= x->n) {
                        v = 1; /* 0 < x*10^k < 1 */
                } else {
                        size_t intlen = x->n - (size_t)m;
                        bool frac = false;
                        if (intlen > 19)
                                return -ERANGE;
                        for (size_t i = 0; i < intlen; i++)
                                v = v * 10 + x->d[i];
                        for (size_t i = intlen; i < x->n && !frac; i++)
                                frac = x->d[i] != 0;
                        if (frac)
                                v++;
                }
        }
        if (v > (uint64_t)INT64_MAX)
                return -ERANGE;
        *ret = (int64_t)v;
        return 0;
}

static int fail(char *err, size_t errlen, int r, const char *msg)
{
        if (err && errlen)
                snprintf(err, errlen, "%s", msg);
        return r;
}

/* The parse proper.  *cached tells whether upstream would keep the input text as the
 * serialised form after RoundUp(Milli) (see the file comment). */
static int parse(const char *s, struct quantity *ret, bool *cached, char *err, size_t errlen)
{
        struct scan sc;
        int base, format;
        int64_t exponent;
        size_t len;

        *cached = false;
        if (!s)
                return fail(err, errlen, -EINVAL, FORMAT_MSG);
        len = strnlen(s, QUANTITY_MAX_LEN + 1);
        if (len > QUANTITY_MAX_LEN)
                return fail(err, errlen, -EINVAL, "quantity too long: must be at most 4096 bytes");
        if (len == 0)
                return fail(err, errlen, -EINVAL, FORMAT_MSG);
        if (streq(s, "0")) {
                *ret = (struct quantity){0, QF_DECIMAL_SI};
                *cached = true;
                return 0;
        }
        if (!scan_quantity(s, len, &sc))
                return fail(err, errlen, -EINVAL, FORMAT_MSG);
        if (!interpret_suffix(sc.suffix, sc.suffix_len, &base, &exponent, &format))
                return fail(err, errlen, -EINVAL, SUFFIX_MSG);

        /* Significant digits of num+denom. */
        _cleanup_free_ unsigned char *buf = xmalloc(sc.num_len + sc.denom_len + 24);
        struct digits x = {buf, 0};
        for (size_t i = 0; i < sc.num_len + sc.denom_len; i++) {
                char c = i < sc.num_len ? sc.num[i] : sc.denom[i - sc.num_len];
                if (x.n == 0 && c == '0')
                        continue;
                x.d[x.n++] = (unsigned char)(c - '0');
        }
        if (x.n == 0) {
                /* Upstream's slow path (inf.Dec.SetString of the number part) fails when
                 * the number part has no digit at all: "Pi", "-Ei", ".e-10". */
                if (!sc.any_digit) {
                        bool slow =
                            base == 2 ? exponent >= 50 : (int32_t)(uint32_t)(uint64_t)exponent < -9;
                        if (slow)
                                return fail(err, errlen, -EINVAL, NUMERIC_MSG);
                }
                *ret = (struct quantity){0, format};
                return 0;
        }

        /* value = x * 10^e10 (decimal) or x * 2^exponent * 10^e10 (binary) */
        if (exponent < INT32_MIN || exponent > INT32_MAX)
                return fail(err, errlen, -ERANGE, RANGE_MSG);
        int64_t e10 = (base == 10 ? exponent : 0) - (int64_t)sc.denom_len;
        if (e10 < INT32_MIN)
                return fail(err, errlen, -ERANGE, RANGE_MSG);
        if (base == 2)
                digits_shift(&x, (int)exponent);

        int64_t milli;
        if (digits_ceil_scaled(&x, e10 + 3, &milli) < 0)
                return fail(err, errlen, -ERANGE, RANGE_MSG);

        /* Upstream turns a fractional binary quantity below one into DecimalSI. */
        int orig_format = format;
        if (format == QF_BINARY_SI) {
                int64_t nano;
                if (digits_ceil_scaled(&x, e10 + 9, &nano) == 0 && nano < 1000000000)
                        format = QF_DECIMAL_SI;
        }

        /* Would the fast path of ParseQuantity have kept the string, and RoundUp(Milli)
         * left it alone? */
        if (orig_format == QF_BINARY_SI) {
                int64_t precision = 15 - (int64_t)sc.num_len - exponent * 3 / 10 - 1;
                int64_t v = 0;
                if (sc.denom_len == 0 && precision >= 0 && go_parse_int64(sc.num, sc.num_len, &v))
                        *cached = (v & 7) != 0;
        } else if (sc.num_len + sc.denom_len <= 18) {
                int64_t scale = exponent - (int64_t)sc.denom_len;
                size_t tn = sc.num_len + sc.denom_len;
                bool ends000 = tn >= 3;
                for (size_t j = tn >= 3 ? tn - 3 : tn; j < tn; j++) {
                        char c = j < sc.num_len ? sc.num[j] : sc.denom[j - sc.num_len];
                        ends000 = ends000 && c == '0';
                }
                *cached = scale >= -3 && scale % 3 == 0 && !ends000 && sc.num[0] != '0';
        }

        *ret = (struct quantity){sc.positive ? milli : -milli, format};
        return 0;
}

int quantity_parse(const char *s, struct quantity *ret, char *err, size_t errlen)
{
        bool cached;
        struct quantity q;
        int r = parse(s, &q, &cached, err, errlen);
        if (r < 0)
                return r;
        *ret = q;
        return 0;
}

int quantity_cmp(const struct quantity *a, const struct quantity *b)
{
        return a->milli < b->milli ? -1 : a->milli > b->milli ? 1 : 0;
}

int64_t quantity_value(const struct quantity *q)
{
        int64_t v = q->milli / 1000;
        if (q->milli % 1000 > 0)
                v++;
        else if (q->milli % 1000 < 0)
                v--;
        return v;
}

static const char *decimal_suffix(int exp, int format, char *ebuf, size_t n)
{
        if (format == QF_DECIMAL_EXPONENT) {
                if (exp == 0)
                        return "";
                snprintf(ebuf, n, "e%d", exp);
                return ebuf;
        }
        switch (exp) {
        case -9:
                return "n";
        case -6:
                return "u";
        case -3:
                return "m";
        case 3:
                return "k";
        case 6:
                return "M";
        case 9:
                return "G";
        case 12:
                return "T";
        case 15:
                return "P";
        case 18:
                return "E";
        default:
                return ""; /* as upstream: no suffix outside the table */
        }
}

char *quantity_format(const struct quantity *q)
{
        int64_t m = q->milli;
        int format = q->format;
        bool neg = m < 0;
        /* |INT64_MIN| only arises from a hand-built struct; clamp rather than overflow. */
        uint64_t mag = neg ? (uint64_t)(-(m + 1)) + 1 : (uint64_t)m;

        if (m == 0)
                return xstrdup("0");
        if (format != QF_DECIMAL_SI && format != QF_BINARY_SI && format != QF_DECIMAL_EXPONENT)
                format = QF_DECIMAL_EXPONENT;
        if (format == QF_BINARY_SI && (mag < 1024000 || mag % 1000 != 0))
                format = QF_DECIMAL_SI;

        if (format == QF_BINARY_SI) {
                static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
                uint64_t amount = mag / 1000;
                int e = 0;
                while (amount >= 1024 && amount % 1024 == 0) {
                        amount /= 1024;
                        e++;
                }
                return xasprintf("%s%llu%s", neg ? "-" : "", (unsigned long long)amount,
                                 e < (int)ARRAY_SIZE(bin) ? bin[e] : "");
        }

        uint64_t amount = mag;
        int exp = -3;
        while (amount >= 10 && amount % 10 == 0) {
                amount /= 10;
                exp++;
        }
        switch (exp % 3) {
        case 1:
        case -2:
                amount *= 10;
                exp -= 1;
                break;
        case 2:
        case -1:
                amount *= 100;
                exp -= 2;
                break;
        }
        char ebuf[16];
        return xasprintf("%s%llu%s", neg ? "-" : "", (unsigned long long)amount,
                         decimal_suffix(exp, format, ebuf, sizeof(ebuf)));
}

int quantity_normalize(const char *s, char **ret, char *err, size_t errlen)
{
        bool cached;
        struct quantity q;
        int r = parse(s, &q, &cached, err, errlen);
        if (r < 0)
                return r;
        *ret = cached ? xstrdup(s) : quantity_format(&q);
        return 0;
}
