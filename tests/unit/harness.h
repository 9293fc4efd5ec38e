/* harness.h — the unit-test harness.  A test file defines TEST(name) functions; each
 * CHECK that fails marks the current test failed (and prints where) but the test goes on,
 * so one run shows every broken expectation.  main() runs all tests registered with
 * TEST() (via a constructor) and prints "N passed, N failed" — the line scripts/test.sh
 * adds up. */
#ifndef JOBD_HARNESS_H
#define JOBD_HARNESS_H
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

typedef void (*test_fn)(void);
struct test_case {
        const char *name;
        test_fn fn;
};
#define HARNESS_MAX 512
static struct test_case harness_tests[HARNESS_MAX];
static int harness_ntests;
static int harness_cur_failed;

#define TEST(n)                                                                                \
        static void test_##n(void);                                                            \
        __attribute__((constructor)) static void register_##n(void)                            \
        {                                                                                      \
                if (harness_ntests < HARNESS_MAX)                                              \
                        harness_tests[harness_ntests++] = (struct test_case){#n, test_##n};    \
        }                                                                                      \
        static void test_##n(void)

#define CHECK(c)                                                                               \
        do {                                                                                   \
                if (!(c)) {                                                                    \
                        fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); \
                        harness_cur_failed = 1;                                                \
                }                                                                              \
        } while (0)

#define CHECK_STR(a, b)                                                                        \
        do {                                                                                   \
                const char *_a = (a), *_b = (b);                                               \
                if (!_a || !_b || strcmp(_a, _b) != 0) {                                       \
                        fprintf(stderr, "  %s:%d: %s == %s failed:\n    got:  %s\n    want: %s\n", \
                                __FILE__, __LINE__, #a, #b, _a ? _a : "(null)",                \
                                _b ? _b : "(null)");                                           \
                        harness_cur_failed = 1;                                                \
                }                                                                              \
        } while (0)

#define CHECK_INT(a, b)                                                                        \
        do {                                                                                   \
                long long _a = (long long)(a), _b = (long long)(b);                            \
                if (_a != _b) {                                                                \
                        fprintf(stderr, "  %s:%d: %s == %s failed: got %lld, want %lld\n",     \
                                __FILE__, __LINE__, #a, #b, _a, _b);                           \
                        harness_cur_failed = 1;                                                \
                }                                                                              \
        } while (0)

int main(int argc, char **argv)
{
        int passed = 0, failed = 0;
        const char *only = argc > 1 ? argv[1] : NULL;
        for (int i = 0; i < harness_ntests; i++) {
                if (only && strcmp(only, harness_tests[i].name) != 0)
                        continue;
                harness_cur_failed = 0;
                harness_tests[i].fn();
                if (harness_cur_failed) {
                        failed++;
                        fprintf(stderr, "FAIL %s\n", harness_tests[i].name);
                } else {
                        passed++;
                }
        }
        printf("%d passed, %d failed\n", passed, failed);
        return failed ? 1 : 0;
}
#endif
