/* test_quantity.c — resource.Quantity parsing, rounding and canonical rendering.
 * Expected strings come from upstream's quantity_test.go and from kubectl 1.32 (which
 * prints Quantity.String()), adjusted for SetDefaults_ResourceList's round-up to milli. */
#include "harness.h"
#include "types/quantity.h"

#define REGEX_MSG                                                                                  \
        "quantities must match the regular expression "                                            \
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
#define SUFFIX_MSG "unable to parse quantity's suffix"
#define NUMERIC_MSG "unable to parse numeric part of quantity"
#define RANGE_MSG "quantity out of range: must fit in 64 bits at milli scale"

static const struct {
        const char *in;
        int64_t milli;
        int format;
        const char *canonical; /* quantity_format */
        const char *stored;    /* quantity_normalize: what the API server echoes */
} valid[] = {
    /* the brief's examples */
    {"100m", 100, QF_DECIMAL_SI, "100m", "100m"},
    {"0.5", 500, QF_DECIMAL_SI, "500m", "500m"},
    {"1.5Gi", 1610612736000, QF_BINARY_SI, "1536Mi", "1536Mi"},
    {"2e3", 2000000, QF_DECIMAL_EXPONENT, "2e3", "2e3"},
    {"1Ki", 1024000, QF_BINARY_SI, "1Ki", "1Ki"},
    {"+1", 1000, QF_DECIMAL_SI, "1", "+1"},
    {"-1", -1000, QF_DECIMAL_SI, "-1", "-1"},
    {"1500m", 1500, QF_DECIMAL_SI, "1500m", "1500m"},
    {"2", 2000, QF_DECIMAL_SI, "2", "2"},
    {"1Gi", 1073741824000, QF_BINARY_SI, "1Gi", "1Gi"},
    {"512Mi", 536870912000, QF_BINARY_SI, "512Mi", "512Mi"},
    {"0.5Gi", 536870912000, QF_BINARY_SI, "512Mi", "512Mi"},
    {"1.5", 1500, QF_DECIMAL_SI, "1500m", "1500m"},
    /* zeros and degenerate numbers (all accepted upstream) */
    {"0", 0, QF_DECIMAL_SI, "0", "0"},
    {"00", 0, QF_DECIMAL_SI, "0", "0"},
    {"-0", 0, QF_DECIMAL_SI, "0", "0"},
    {"0n", 0, QF_DECIMAL_SI, "0", "0"},
    {"0Ki", 0, QF_BINARY_SI, "0", "0"},
    {"0Ti", 0, QF_BINARY_SI, "0", "0"},
    {"0Pi", 0, QF_BINARY_SI, "0", "0"},
    {"0.Ei", 0, QF_BINARY_SI, "0", "0"},
    {".", 0, QF_DECIMAL_SI, "0", "0"},
    {"-.", 0, QF_DECIMAL_SI, "0", "0"},
    {"+", 0, QF_DECIMAL_SI, "0", "0"},
    {"-", 0, QF_DECIMAL_SI, "0", "0"},
    {"Gi", 0, QF_BINARY_SI, "0", "0"},
    {"e-9", 0, QF_DECIMAL_EXPONENT, "0", "0"},
    {"0e99999999999999", 0, QF_DECIMAL_EXPONENT, "0", "0"},
    /* decimal SI suffixes */
    {"5n", 1, QF_DECIMAL_SI, "1m", "1m"},
    {"4u", 1, QF_DECIMAL_SI, "1m", "1m"},
    {"3m", 3, QF_DECIMAL_SI, "3m", "3m"},
    {"8k", 8000000, QF_DECIMAL_SI, "8k", "8k"},
    {"50k", 50000000, QF_DECIMAL_SI, "50k", "50k"},
    {"7M", 7000000000, QF_DECIMAL_SI, "7M", "7M"},
    {"6G", 6000000000000, QF_DECIMAL_SI, "6G", "6G"},
    {"40T", 40000000000000000, QF_DECIMAL_SI, "40T", "40T"},
    {"2P", 2000000000000000000, QF_DECIMAL_SI, "2P", "2P"},
    {"1000M", 1000000000000, QF_DECIMAL_SI, "1G", "1G"},
    {"100.035k", 100035000, QF_DECIMAL_SI, "100035", "100.035k"},
    {"10.035M", 10035000000, QF_DECIMAL_SI, "10035k", "10.035M"},
    {"8.1k", 8100000, QF_DECIMAL_SI, "8100", "8100"},
    {"2.5P", 2500000000000000000, QF_DECIMAL_SI, "2500T", "2500T"},
    /* binary SI */
    {"8Ki", 8192000, QF_BINARY_SI, "8Ki", "8Ki"},
    {"7Mi", 7340032000, QF_BINARY_SI, "7Mi", "7Mi"},
    {"6Gi", 6442450944000, QF_BINARY_SI, "6Gi", "6Gi"},
    {"5Ti", 5497558138880000, QF_BINARY_SI, "5Ti", "5Ti"},
    {"4Pi", 4503599627370496000, QF_BINARY_SI, "4Pi", "4Pi"},
    {"1024Ki", 1048576000, QF_BINARY_SI, "1Mi", "1Mi"},
    {"1024Mi", 1073741824000, QF_BINARY_SI, "1Gi", "1Gi"},
    {"300Mi", 314572800000, QF_BINARY_SI, "300Mi", "300Mi"},
    {"1001Gi", 1074815565824000, QF_BINARY_SI, "1001Gi", "1001Gi"},
    {"100.035Ki", 102435840, QF_BINARY_SI, "102435840m", "102435840m"},
    {".001Ki", 1024, QF_BINARY_SI, "1024m", "1024m"},
    {"1.0001Ki", 1024103, QF_BINARY_SI, "1024103m", "1024103m"},
    {"-9.5Gi", -10200547328000, QF_BINARY_SI, "-9728Mi", "-9728Mi"},
    {"0.000000000001Ki", 1, QF_DECIMAL_SI, "1m", "1m"}, /* below one: becomes DecimalSI */
    /* decimal exponents */
    {"1E-3", 1, QF_DECIMAL_EXPONENT, "1e-3", "1E-3"},
    {"1e3", 1000000, QF_DECIMAL_EXPONENT, "1e3", "1e3"},
    {"1E6", 1000000000, QF_DECIMAL_EXPONENT, "1e6", "1E6"},
    {"1e13", 10000000000000000, QF_DECIMAL_EXPONENT, "10e12", "10e12"},
    {"1.2e3", 1200000, QF_DECIMAL_EXPONENT, "1200", "1200"},
    {"1.3E+6", 1300000000, QF_DECIMAL_EXPONENT, "1300e3", "1300e3"},
    {"0.5e0", 500, QF_DECIMAL_EXPONENT, "500e-3", "500e-3"},
    {"0.5e-2", 5, QF_DECIMAL_EXPONENT, "5e-3", "5e-3"},
    {"1e-100", 1, QF_DECIMAL_EXPONENT, "1e-3", "1e-3"},
    /* things that round up (away from zero) to milli */
    {"0.0001", 1, QF_DECIMAL_SI, "1m", "1m"},
    {"-0.5m", -1, QF_DECIMAL_SI, "-1m", "-1m"},
    {"1.0001", 1001, QF_DECIMAL_SI, "1001m", "1001m"},
    {"3.001n", 1, QF_DECIMAL_SI, "1m", "1m"},
    {"1.000000001", 1001, QF_DECIMAL_SI, "1001m", "1001m"},
    {"0.00000012345", 1, QF_DECIMAL_SI, "1m", "1m"},
    /* texts upstream keeps verbatim */
    {"1.500", 1500, QF_DECIMAL_SI, "1500m", "1.500"},
    {"01Ki", 1024000, QF_BINARY_SI, "1Ki", "01Ki"},
    {"007", 7000, QF_DECIMAL_SI, "7", "007"},
    {"+1Ki", 1024000, QF_BINARY_SI, "1Ki", "+1Ki"},
    {"1.", 1000, QF_DECIMAL_SI, "1", "1."},
    {"1.G", 1000000000000, QF_DECIMAL_SI, "1G", "1.G"},
    {".001", 1, QF_DECIMAL_SI, "1m", "1m"},
    /* limits */
    {"9223372036854775807m", INT64_MAX, QF_DECIMAL_SI, "9223372036854775807m",
     "9223372036854775807m"},
    {"-9223372036854775.807", -INT64_MAX, QF_DECIMAL_SI, "-9223372036854775807m",
     "-9223372036854775807m"},
    {"9223372036854775.8069", INT64_MAX, QF_DECIMAL_SI, "9223372036854775807m",
     "9223372036854775807m"},
};

TEST(parse_valid)
{
        for (size_t i = 0; i < ARRAY_SIZE(valid); i++) {
                struct quantity q = {0, -1};
                char err[256] = "";
                int r = quantity_parse(valid[i].in, &q, err, sizeof(err));
                if (r != 0)
                        fprintf(stderr, "  input %s: %s\n", valid[i].in, err);
                CHECK_INT(r, 0);
                CHECK_INT(q.milli, valid[i].milli);
                CHECK_INT(q.format, valid[i].format);
                char *f = quantity_format(&q);
                CHECK_STR(f, valid[i].canonical);
                free(f);
                char *n = NULL;
                CHECK_INT(quantity_normalize(valid[i].in, &n, err, sizeof(err)), 0);
                CHECK_STR(n, valid[i].stored);
                free(n);
        }
}

static const struct {
        const char *in;
        int r;
        const char *msg;
} invalid[] = {
    {"", -EINVAL, REGEX_MSG},
    {"abc", -EINVAL, REGEX_MSG},
    {"aoeu", -EINVAL, REGEX_MSG},
    {"Non-Numeric", -EINVAL, REGEX_MSG},
    {"10Gx", -EINVAL, REGEX_MSG}, /* 'x' is no suffix character: a format error upstream */
    {"0.1am", -EINVAL, REGEX_MSG},
    {"1.1.M", -EINVAL, REGEX_MSG},
    {"1+1.0M", -EINVAL, REGEX_MSG},
    {" 1", -EINVAL, REGEX_MSG},
    {"1 ", -EINVAL, REGEX_MSG},
    {"1e3e3", -EINVAL, REGEX_MSG},
    {"--1", -EINVAL, SUFFIX_MSG},
    {"1,5", -EINVAL, REGEX_MSG},
    {"10K", -EINVAL, SUFFIX_MSG},
    {"10Gm", -EINVAL, SUFFIX_MSG},
    {"0.1mi", -EINVAL, SUFFIX_MSG},
    {".5i", -EINVAL, SUFFIX_MSG},
    {"1i", -EINVAL, SUFFIX_MSG},
    {"-3.01i", -EINVAL, SUFFIX_MSG},
    {"-3.01e-", -EINVAL, SUFFIX_MSG},
    {"1e", -EINVAL, SUFFIX_MSG},
    {"1E", -ERANGE, RANGE_MSG}, /* "E" is exa: 10^18 units overflows milli */
    {"1ee3", -EINVAL, SUFFIX_MSG},
    {"1Ei3", -EINVAL, SUFFIX_MSG},
    {"1+", -EINVAL, SUFFIX_MSG},
    {"1e99999999999999999999", -EINVAL, SUFFIX_MSG},
    {"Pi", -EINVAL, NUMERIC_MSG},
    {"-Ei", -EINVAL, NUMERIC_MSG},
    {".Pi", -EINVAL, NUMERIC_MSG},
    {".e-10", -EINVAL, NUMERIC_MSG},
    /* out of range: milli value beyond int64, or an exponent beyond int32 */
    {"9223372036854775808m", -ERANGE, RANGE_MSG},
    {"-9223372036854775808m", -ERANGE, RANGE_MSG},
    {"9223372036854776", -ERANGE, RANGE_MSG},
    {"7Ei", -ERANGE, RANGE_MSG},
    {"9Ei", -ERANGE, RANGE_MSG},
    {"100E", -ERANGE, RANGE_MSG},
    {"12E", -ERANGE, RANGE_MSG},
    {"10P", -ERANGE, RANGE_MSG},
    {"1e4294967297", -ERANGE, RANGE_MSG}, /* upstream silently reads 1e1 */
    {"1e-4294967297", -ERANGE, RANGE_MSG},
    {"2E6024865272343", -ERANGE, RANGE_MSG}, /* made upstream hang */
    {"1e2147483647", -ERANGE, RANGE_MSG},
    {"1.5e-2147483648", -ERANGE, RANGE_MSG},
};

TEST(parse_invalid)
{
        for (size_t i = 0; i < ARRAY_SIZE(invalid); i++) {
                struct quantity q = {12345, QF_BINARY_SI};
                char err[256] = "";
                int r = quantity_parse(invalid[i].in, &q, err, sizeof(err));
                if (r != invalid[i].r)
                        fprintf(stderr, "  input \"%s\"\n", invalid[i].in);
                CHECK_INT(r, invalid[i].r);
                CHECK_STR(err, invalid[i].msg);
                CHECK_INT(q.milli, 12345); /* untouched on error */
                char *n = NULL;
                CHECK_INT(quantity_normalize(invalid[i].in, &n, NULL, 0), invalid[i].r);
                CHECK(n == NULL);
        }
}

TEST(parse_caps_and_null)
{
        char err[128] = "";
        struct quantity q;
        char *big = malloc(4098);
        memset(big, '1', 4097);
        big[4097] = 0;
        CHECK_INT(quantity_parse(big, &q, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "quantity too long: must be at most 4096 bytes");
        /* 4096 bytes is accepted (and is zero here: all fractional zeros) */
        memset(big, '0', 4096);
        big[1] = '.';
        big[4096] = 0;
        CHECK_INT(quantity_parse(big, &q, err, sizeof(err)), 0);
        CHECK_INT(q.milli, 0);
        big[4095] = '1'; /* 0.000…1 rounds up to 1m */
        CHECK_INT(quantity_parse(big, &q, err, sizeof(err)), 0);
        CHECK_INT(q.milli, 1);
        free(big);
        CHECK_INT(quantity_parse(NULL, &q, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, REGEX_MSG);
        /* a tiny error buffer is truncated, never overrun */
        char small[8];
        CHECK_INT(quantity_parse("x", &q, small, sizeof(small)), -EINVAL);
        CHECK_STR(small, "quantit");
}

TEST(format_constructed)
{
        /* upstream TestMilliNewSet / TestQuantityString, as milli values */
        static const struct {
                int64_t milli;
                int format;
                const char *want;
        } t[] = {
            {1, QF_DECIMAL_SI, "1m"},
            {1000, QF_DECIMAL_SI, "1"},
            {1234000, QF_DECIMAL_SI, "1234"},
            {1024, QF_BINARY_SI, "1024m"},
            {1000000, 99, "1e3"}, /* unknown format renders as DecimalExponent */
            {1024 * 1024, QF_BINARY_SI, "1048576m"},
            {5000, QF_BINARY_SI, "5"},
            {500, QF_BINARY_SI, "500m"},
            {1023000, QF_BINARY_SI, "1023"},
            {1024000, QF_BINARY_SI, "1Ki"},
            {-1024000, QF_BINARY_SI, "-1Ki"},
            {-1023000, QF_BINARY_SI, "-1023"},
            {1025000, QF_BINARY_SI, "1025"},
            {1234567, QF_BINARY_SI, "1234567m"},
            {1000000000000, QF_DECIMAL_SI, "1G"},
            {80, QF_DECIMAL_SI, "80m"},
            {1080, QF_DECIMAL_SI, "1080m"},
            {-1080, QF_DECIMAL_SI, "-1080m"},
            {300000000000, QF_DECIMAL_SI, "300M"},
            {1000000000000000, QF_DECIMAL_SI, "1T"},
            {3000000, QF_DECIMAL_SI, "3k"},
            {1000000000000, QF_DECIMAL_EXPONENT, "1e9"},
            {1, QF_DECIMAL_EXPONENT, "1e-3"},
            {80, QF_DECIMAL_EXPONENT, "80e-3"},
            {300000000000, QF_DECIMAL_EXPONENT, "300e6"},
            {3000000, QF_DECIMAL_EXPONENT, "3e3"},
            {1000, QF_DECIMAL_EXPONENT, "1"},
            {0, QF_BINARY_SI, "0"},
            {0, QF_DECIMAL_EXPONENT, "0"},
            {INT64_MAX, QF_DECIMAL_SI, "9223372036854775807m"},
            {INT64_MIN, QF_DECIMAL_SI, "-9223372036854775808m"},
            {9007199254740992000, QF_BINARY_SI, "8Pi"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
                struct quantity q = {t[i].milli, t[i].format};
                char *f = quantity_format(&q);
                CHECK_STR(f, t[i].want);
                free(f);
        }
}

TEST(format_roundtrip)
{
        /* canonical text parses back to the same value and renders identically */
        for (size_t i = 0; i < ARRAY_SIZE(valid); i++) {
                struct quantity q, q2;
                CHECK_INT(quantity_parse(valid[i].in, &q, NULL, 0), 0);
                char *f = quantity_format(&q);
                CHECK_INT(quantity_parse(f, &q2, NULL, 0), 0);
                CHECK_INT(q2.milli, q.milli);
                char *f2 = quantity_format(&q2);
                CHECK_STR(f2, f);
                free(f);
                free(f2);
        }
}

TEST(cmp)
{
        static const struct {
                const char *a, *b;
                int want;
        } t[] = {
            {"0", "0", 0},      {"100m", "50m", 1}, {"50m", "100m", -1}, {"1000T", "100Gi", 1},
            {"1Ki", "1024", 0}, {"1k", "1Ki", -1},  {"-1", "0", -1},     {"0.1", "100m", 0},
            {"1e3", "1k", 0},   {"1n", "1m", 0}, /* both round up to 1m */
        };
        for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
                struct quantity a, b;
                CHECK_INT(quantity_parse(t[i].a, &a, NULL, 0), 0);
                CHECK_INT(quantity_parse(t[i].b, &b, NULL, 0), 0);
                CHECK_INT(quantity_cmp(&a, &b), t[i].want);
                CHECK_INT(quantity_cmp(&b, &a), -t[i].want);
        }
}

TEST(value)
{
        static const struct {
                const char *in;
                int64_t want;
        } t[] = {
            {"100m", 1},
            {"1Gi", 1073741824},
            {"0", 0},
            {"1", 1},
            {"1001m", 2},
            {"-100m", -1},
            {"-1001m", -2},
            {"2e3", 2000},
            {"9223372036854775807m", 9223372036854776},
            {"1n", 1},
            {"-9223372036854775807m", -9223372036854776},
        };
        for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
                struct quantity q;
                CHECK_INT(quantity_parse(t[i].in, &q, NULL, 0), 0);
                CHECK_INT(quantity_value(&q), t[i].want);
        }
}

TEST(negated_inputs)
{
        /* "-" + each valid positive input renders as "-" + its canonical form */
        for (size_t i = 0; i < ARRAY_SIZE(valid); i++) {
                const char *in = valid[i].in;
                struct quantity q;
                if (valid[i].milli <= 0 || in[0] == '+' || in[0] == '-')
                        continue;
                char *neg = malloc(strlen(in) + 2);
                neg[0] = '-';
                memcpy(neg + 1, in, strlen(in) + 1);
                CHECK_INT(quantity_parse(neg, &q, NULL, 0), 0);
                CHECK_INT(q.milli, -valid[i].milli);
                char *f = quantity_format(&q);
                CHECK(f[0] == '-' && strcmp(f + 1, valid[i].canonical) == 0);
                free(f);
                free(neg);
        }
}
