/* job_indexes.c — see job_indexes.h.  Invariant of struct ix_set: intervals sorted by
 * first, disjoint and non-adjacent (last + 1 < next.first), so the format is canonical
 * and two equal sets always print the same string (the controller compares strings to
 * decide whether a status write is needed). */
#include <stdlib.h>
#include "base/buf.h"
#include "controller/job_indexes.h"

void ix_set_release(struct ix_set *s)
{
        free(s->v);
        s->v = NULL;
        s->n = s->cap = 0;
}

static void ix_reserve(struct ix_set *s, size_t n)
{
        if (n <= s->cap)
                return;
        size_t c = s->cap ? s->cap * 2 : 8;
        while (c < n)
                c *= 2;
        s->v = xrealloc(s->v, c * sizeof(*s->v));
        s->cap = c;
}

static void ix_push(struct ix_set *s, int64_t first, int64_t last)
{
        if (s->n > 0 && first <= s->v[s->n - 1].last + 1) {
                if (last > s->v[s->n - 1].last)
                        s->v[s->n - 1].last = last;
                return;
        }
        ix_reserve(s, s->n + 1);
        s->v[s->n++] = (struct ix_interval){first, last};
}

static int ix_cmp(const void *a, const void *b)
{
        const struct ix_interval *x = a, *y = b;
        return x->first < y->first ? -1 : x->first > y->first;
}

/* Sort and coalesce after an unordered build. */
static void ix_normalise(struct ix_set *s)
{
        if (s->n < 2)
                return;
        qsort(s->v, s->n, sizeof(*s->v), ix_cmp);
        size_t w = 0;
        for (size_t i = 1; i < s->n; i++) {
                if (s->v[i].first <= s->v[w].last + 1) {
                        if (s->v[i].last > s->v[w].last)
                                s->v[w].last = s->v[i].last;
                } else {
                        s->v[++w] = s->v[i];
                }
        }
        s->n = w + 1;
}

/* strconv.Atoi-like: the whole fragment must be a decimal integer. */
static bool parse_int(const char *p, size_t n, int64_t *ret)
{
        if (n == 0 || n > 19)
                return false;
        size_t i = 0;
        bool neg = false;
        if (p[0] == '+' || p[0] == '-') {
                neg = p[0] == '-';
                if (++i == n)
                        return false;
        }
        int64_t v = 0;
        for (; i < n; i++) {
                if (p[i] < '0' || p[i] > '9')
                        return false;
                v = v * 10 + (p[i] - '0');
        }
        *ret = neg ? -v : v;
        return true;
}

void ix_set_parse(const char *s, int64_t completions, struct ix_set *out)
{
        out->n = 0;
        if (!s || !*s)
                return;
        const char *p = s;
        for (;;) {
                const char *comma = strchr(p, ',');
                size_t n = comma ? (size_t)(comma - p) : strlen(p);
                const char *dash = memchr(p, '-', n);
                int64_t first, last;
                size_t fn = dash ? (size_t)(dash - p) : n;
                if (parse_int(p, fn, &first) && first >= 0) {
                        if (first >= completions)
                                break;
                        bool ok = true;
                        last = first;
                        if (dash) {
                                ok = parse_int(dash + 1, n - fn - 1, &last) && last >= first;
                                if (ok && last >= completions)
                                        last = completions - 1;
                        }
                        if (ok) {
                                ix_reserve(out, out->n + 1);
                                out->v[out->n++] = (struct ix_interval){first, last};
                        }
                }
                if (!comma)
                        break;
                p = comma + 1;
        }
        ix_normalise(out);
}

int ix_set_parse_strict(const char *s, int64_t completions, struct ix_set *out, char *err,
                        size_t errlen)
{
        out->n = 0;
        if (!s || !*s)
                return 0;
        int64_t prev = -1;
        const char *p = s;
        for (;;) {
                const char *comma = strchr(p, ',');
                size_t n = comma ? (size_t)(comma - p) : strlen(p);
                _cleanup_free_ char *frag = xstrndup(p, n);
                char *d1 = strchr(frag, '-');
                if (d1 && strchr(d1 + 1, '-')) {
                        snprintf(err, errlen,
                                 "the fragment \"%s\" violates the requirement that an index "
                                 "interval can have at most two parts separated by '-'",
                                 frag);
                        return -EINVAL;
                }
                int64_t lim[2];
                int parts = d1 ? 2 : 1;
                const char *ps[2] = {frag, d1 ? d1 + 1 : NULL};
                size_t pn[2] = {d1 ? (size_t)(d1 - frag) : n, d1 ? strlen(d1 + 1) : 0};
                for (int i = 0; i < parts; i++) {
                        if (!parse_int(ps[i], pn[i], &lim[i])) {
                                _cleanup_free_ char *x = xstrndup(ps[i], pn[i]);
                                snprintf(err, errlen,
                                         "cannot convert string to integer for index: \"%s\"", x);
                                return -EINVAL;
                        }
                        if (lim[i] >= completions) {
                                snprintf(err, errlen, "too large index: \"%lld\"",
                                         (long long)lim[i]);
                                return -EINVAL;
                        }
                        if (lim[i] < 0) {
                                snprintf(err, errlen, "cannot convert string to integer for "
                                         "index: \"%lld\"", (long long)lim[i]);
                                return -EINVAL;
                        }
                        if (prev >= lim[i] && (i == 0 ? out->n > 0 : true)) {
                                snprintf(err, errlen, "non-increasing order, previous: %lld, "
                                         "current: %lld", (long long)prev, (long long)lim[i]);
                                return -EINVAL;
                        }
                        prev = lim[i];
                }
                ix_reserve(out, out->n + 1);
                out->v[out->n++] = (struct ix_interval){lim[0], parts == 2 ? lim[1] : lim[0]};
                if (!comma)
                        break;
                p = comma + 1;
        }
        ix_normalise(out);
        return 0;
}

char *ix_set_format(const struct ix_set *s)
{
        struct buf b;
        buf_init(&b, 0);
        int r = buf_puts(&b, "");
        for (size_t i = 0; i < s->n && r >= 0; i++) {
                const struct ix_interval *v = &s->v[i];
                r = buf_printf(&b, "%s%lld", i ? "," : "", (long long)v->first);
                if (r >= 0 && v->last > v->first)
                        r = buf_printf(&b, "%c%lld", v->last == v->first + 1 ? ',' : '-',
                                       (long long)v->last);
        }
        if (r < 0)
                abort(); /* uncapped buffer: only fails on overflow of size_t */
        return buf_steal(&b);
}

/* Index of the first interval whose last >= x - 1 (could absorb x or lies after it). */
static size_t ix_lower(const struct ix_set *s, int64_t x)
{
        size_t lo = 0, hi = s->n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (s->v[mid].last + 1 < x)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

void ix_set_add(struct ix_set *s, int64_t x)
{
        size_t i = ix_lower(s, x);
        if (i < s->n && s->v[i].first <= x && x <= s->v[i].last)
                return;
        if (i < s->n && s->v[i].last + 1 == x) {
                s->v[i].last = x;
                if (i + 1 < s->n && s->v[i + 1].first == x + 1) {
                        s->v[i].last = s->v[i + 1].last;
                        memmove(&s->v[i + 1], &s->v[i + 2], (s->n - i - 2) * sizeof(*s->v));
                        s->n--;
                }
                return;
        }
        if (i < s->n && s->v[i].first == x + 1) {
                s->v[i].first = x;
                return;
        }
        ix_reserve(s, s->n + 1);
        memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
        s->v[i] = (struct ix_interval){x, x};
        s->n++;
}

void ix_set_merge(struct ix_set *s, const struct ix_set *o)
{
        if (!o || o->n == 0)
                return;
        struct ix_set r = {0};
        size_t i = 0, j = 0;
        while (i < s->n || j < o->n) {
                const struct ix_interval *v;
                if (j >= o->n || (i < s->n && s->v[i].first <= o->v[j].first))
                        v = &s->v[i++];
                else
                        v = &o->v[j++];
                ix_push(&r, v->first, v->last);
        }
        ix_set_release(s);
        *s = r;
}

bool ix_set_has(const struct ix_set *s, int64_t x)
{
        if (!s)
                return false;
        size_t i = ix_lower(s, x + 1);
        return i < s->n && s->v[i].first <= x && x <= s->v[i].last;
}

int64_t ix_set_total(const struct ix_set *s)
{
        int64_t t = 0;
        for (size_t i = 0; s && i < s->n; i++)
                t += s->v[i].last - s->v[i].first + 1;
        return t;
}

int64_t ix_set_overlap(const struct ix_set *a, const struct ix_set *b)
{
        int64_t c = 0;
        size_t i = 0, j = 0;
        while (i < a->n && j < b->n) {
                int64_t lo = a->v[i].first > b->v[j].first ? a->v[i].first : b->v[j].first;
                int64_t hi = a->v[i].last < b->v[j].last ? a->v[i].last : b->v[j].last;
                if (hi >= lo)
                        c += hi - lo + 1;
                if (a->v[i].last < b->v[j].last)
                        i++;
                else
                        j++;
        }
        return c;
}
