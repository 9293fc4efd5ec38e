/* selector.c — label selectors (labels.Parse, metav1.LabelSelectorAsSelector) and field
 * selectors (fields.ParseSelector), with apimachinery's exact semantics and messages.
 *
 * Why a transliteration rather than a tidier grammar: kubectl users see these messages
 * verbatim ("unable to parse requirement: found '(', expected: identifier"), and the odd
 * corners matter for compatibility — "in"/"notin" are identifiers in value position, "x in
 * ()" means the empty value, "a,,b" is an error but "x in (a,,b)" is not, requirements are
 * sorted by key and set values sorted and de-duplicated.  So the lexer and the recursive
 * descent below follow pkg/labels/selector.go token for token, and the error text is built
 * the way field.ErrorList.ToAggregate() prints it (with the nil path printed as "<nil>").
 *
 * Field selectors are simpler: split on unescaped commas, sort the terms, split each at the
 * first "!=", "==" or "="; values are unescaped (\, \= \\) and a term whose field and value
 * are both empty is dropped, as upstream's identity Transform does.
 *
 * Every input is capped: 4096 bytes of selector text, 64 requirements, 64 values per set. */
#include <stdarg.h>
#include "types/gostr.h"
#include "types/selector.h"
#include "base/buf.h"

#define SELECTOR_MAX_LEN 4096
#define SELECTOR_MAX_REQS 64
#define SELECTOR_MAX_VALUES 64
#define ERRMSG_MAX 65536

enum label_op {
        LOP_IN,
        LOP_NOTIN,
        LOP_EQ,
        LOP_DEQ,
        LOP_NEQ,
        LOP_EXISTS,
        LOP_NOTEXISTS,
        LOP_GT,
        LOP_LT
};

struct label_req {
        char *key;
        enum label_op op;
        char **values;
        size_t nvalues;
};

struct label_selector {
        bool nothing; /* metav1 nil selector: matches no object */
        size_t n;
        struct label_req *reqs; /* sorted by key (stable) */
};

struct field_req {
        char *field;
        char *value;
        bool neq;
};

struct field_selector {
        size_t n;
        struct field_req *reqs; /* in sorted term order, like upstream's andTerm */
};

/* ---------------------------------------------------------------------------------------
 * Go-compatible text helpers
 * ------------------------------------------------------------------------------------- */

/* strconv.ParseInt(s, 10, 64) */
static bool go_parse_int64(const char *s, int64_t *ret)
{
        bool neg = false;
        uint64_t v = 0, lim;

        if (*s == '+' || *s == '-')
                neg = *s++ == '-';
        if (!*s)
                return false;
        lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return false;
                unsigned d = (unsigned)(*s - '0');
                if (v > (lim - d) / 10)
                        return false;
                v = v * 10 + d;
        }
        *ret = neg ? (int64_t)(0 - v) : (int64_t)v;
        return true;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) _printf_(3, 4);
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
        va_list ap;
        if (!err || !errlen)
                return;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
}

/* ---------------------------------------------------------------------------------------
 * util/validation: IsQualifiedName, IsValidLabelValue, IsDNS1123Subdomain
 * ------------------------------------------------------------------------------------- */

#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_ERR                                                                                  \
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "        \
        "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "      \
        "used for validation is '" QNAME_FMT "')"
#define LABEL_VALUE_ERR                                                                            \
        "a valid label must be an empty string or consist of alphanumeric characters, '-', "       \
        "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "     \
        "or 'my_value',  or '12345', regex used for validation is '(" QNAME_FMT ")?')"
#define DNS1123_SUBDOMAIN_ERR                                                                      \
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "      \
        "'-' or '.', and must start and end with an alphanumeric character (e.g. "                 \
        "'example.com', regex used for validation is "                                             \
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

static bool is_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ */
static bool match_qname(const char *s, size_t n)
{
        if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
                return false;
        for (size_t i = 1; i + 1 < n; i++)
                if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
                        return false;
        return true;
}

/* ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ */
static bool match_dns1123_subdomain(const char *s, size_t n)
{
        size_t start = 0;
        for (size_t i = 0; i <= n; i++) {
                if (i < n && s[i] != '.')
                        continue;
                if (i == start)
                        return false;
                for (size_t j = start; j < i; j++) {
                        char c = s[j];
                        bool lower_alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                        if (!lower_alnum && !(c == '-' && j != start && j != i - 1))
                                return false;
                }
                start = i + 1;
        }
        return true;
}

/* validation.IsQualifiedName, messages joined with "; "; false if valid. */
static bool qualified_name_errors(const char *k, struct buf *b)
{
        const char *slash = strchr(k, '/'), *name = k;
        size_t nerr = 0;
        int r = 0;

        if (slash && strchr(slash + 1, '/')) {
                r = buf_puts(b, "a qualified name " QNAME_ERR
                                " with an optional DNS subdomain prefix and '/' (e.g. "
                                "'example.com/MyName')");
                return true;
        }
        if (slash) {
                size_t plen = (size_t)(slash - k);
                name = slash + 1;
                if (plen == 0) {
                        r = buf_puts(b, "prefix part must be non-empty");
                        nerr++;
                } else {
                        if (plen > 253) {
                                r = buf_puts(b, "prefix part must be no more than 253 characters");
                                nerr++;
                        }
                        if (!match_dns1123_subdomain(k, plen)) {
                                r = buf_printf(b, "%sprefix part " DNS1123_SUBDOMAIN_ERR,
                                               nerr ? "; " : "");
                                nerr++;
                        }
                }
        }
        size_t nlen = strlen(name);
        if (nlen == 0) {
                r = buf_printf(b, "%sname part must be non-empty", nerr ? "; " : "");
                nerr++;
        } else if (nlen > 63) {
                r = buf_printf(b, "%sname part must be no more than 63 characters",
                               nerr ? "; " : "");
                nerr++;
        }
        if (!match_qname(name, nlen)) {
                r = buf_printf(b, "%sname part " QNAME_ERR, nerr ? "; " : "");
                nerr++;
        }
        (void)r;
        return nerr > 0;
}

/* validation.IsValidLabelValue; false if valid. */
static bool label_value_errors(const char *v, struct buf *b)
{
        size_t n = strlen(v);
        bool bad = false;
        int r = 0;
        if (n > 63) {
                r = buf_puts(b, "must be no more than 63 characters");
                bad = true;
        }
        if (n > 0 && !match_qname(v, n)) {
                r = buf_printf(b, "%s" LABEL_VALUE_ERR, bad ? "; " : "");
                bad = true;
        }
        (void)r;
        return bad;
}

/* An aggregate of field errors, printed as utilerrors.Aggregate: one message alone, or
 * "[m1, m2]" with duplicates dropped.  A message is built in cur, then committed. */
#define AGG_MAX (2 + 2 * SELECTOR_MAX_VALUES)
struct agg {
        char *msgs[AGG_MAX];
        size_t count;
        struct buf cur;
};

static void agg_init(struct agg *a)
{
        *a = (struct agg){.count = 0};
        buf_init(&a->cur, ERRMSG_MAX);
}

static void agg_release(struct agg *a)
{
        for (size_t i = 0; i < a->count; i++)
                free(a->msgs[i]);
        buf_release(&a->cur);
        a->count = 0;
}

/* Commit the message built in a->cur. */
static void agg_push(struct agg *a)
{
        char *m = buf_steal(&a->cur);
        for (size_t i = 0; i < a->count; i++) {
                if (streq(a->msgs[i], m)) {
                        free(m);
                        return;
                }
        }
        if (a->count >= AGG_MAX) {
                free(m); /* cannot happen: at most key + op + 2 per value */
                return;
        }
        a->msgs[a->count++] = m;
}

/* "<field>: Invalid value: <Go-quoted v>: <detail>" */
static void agg_invalid_str(struct agg *a, const char *field, const char *v, const char *detail)
{
        buf_release(&a->cur);
        int r = buf_printf(&a->cur, "%s: Invalid value: ", field);
        go_quote_buf(&a->cur, v, strlen(v));
        r = r ? r : buf_printf(&a->cur, ": %s", detail);
        (void)r;
        agg_push(a);
}

static void agg_render_buf(struct agg *a, struct buf *out)
{
        int r = 0;
        if (a->count > 1)
                r = buf_puts(out, "[");
        for (size_t i = 0; i < a->count; i++) {
                if (i)
                        r = r ? r : buf_puts(out, ", ");
                r = r ? r : buf_puts(out, a->msgs[i]);
        }
        if (a->count > 1)
                r = r ? r : buf_puts(out, "]");
        (void)r;
}

static void agg_render(struct agg *a, char *err, size_t errlen)
{
        struct buf out;
        buf_init(&out, ERRMSG_MAX);
        agg_render_buf(a, &out);
        set_err(err, errlen, "%s", out.data ? out.data : "");
        buf_release(&out);
}

/* Go %#v of a []string. */
static void go_render_slice(struct buf *b, char *const *v, size_t n)
{
        int r = buf_puts(b, n ? "[]string{" : "[]string(nil)");
        for (size_t i = 0; i < n && r == 0; i++) {
                if (i)
                        r = buf_puts(b, ", ");
                go_quote_buf(b, v[i], strlen(v[i]));
        }
        if (n && r == 0)
                r = buf_puts(b, "}");
        (void)r;
}

/* ---------------------------------------------------------------------------------------
 * Label selectors
 * ------------------------------------------------------------------------------------- */

static void req_release(struct label_req *q)
{
        free(q->key);
        for (size_t i = 0; i < q->nvalues; i++)
                free(q->values[i]);
        free(q->values);
        *q = (struct label_req){0};
}

void label_selector_free(struct label_selector *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n; i++)
                req_release(&s->reqs[i]);
        free(s->reqs);
        free(s);
}

static void label_selector_freep(struct label_selector **s)
{
        label_selector_free(*s);
}
#define _cleanup_label_selector_ _cleanup_(label_selector_freep)

static struct label_selector *label_selector_new(void)
{
        struct label_selector *s = xcalloc(1, sizeof(*s));
        s->reqs = xcalloc(SELECTOR_MAX_REQS, sizeof(*s->reqs));
        return s;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sort.Sort(ByKey) is an insertion sort (stable) for the sizes a selector can have here. */
static void sort_reqs(struct label_selector *s)
{
        for (size_t i = 1; i < s->n; i++) {
                struct label_req t = s->reqs[i];
                size_t j = i;
                while (j > 0 && strcmp(s->reqs[j - 1].key, t.key) > 0) {
                        s->reqs[j] = s->reqs[j - 1];
                        j--;
                }
                s->reqs[j] = t;
        }
}

/* NewRequirement's checks, aggregated.  key_path is "key" from the JSON constructor and
 * NULL from the parser (which validated the key already).  Returns true if valid. */
static bool requirement_check(const char *key, enum label_op op, char *const *vals, size_t n,
                              const char *key_path, struct agg *a)
{
        struct buf m;
        size_t before = a->count;

        if (key_path) {
                buf_init(&m, ERRMSG_MAX);
                if (qualified_name_errors(key, &m))
                        agg_invalid_str(a, key_path, key, m.data);
                buf_release(&m);
        }
        const char *detail = NULL;
        switch (op) {
        case LOP_IN:
        case LOP_NOTIN:
                if (n == 0)
                        detail = "for 'in', 'notin' operators, values set can't be empty";
                break;
        case LOP_EQ:
        case LOP_DEQ:
        case LOP_NEQ:
                if (n != 1)
                        detail = "exact-match compatibility requires one single value";
                break;
        case LOP_EXISTS:
        case LOP_NOTEXISTS:
                if (n != 0)
                        detail = "values set must be empty for exists and does not exist";
                break;
        case LOP_GT:
        case LOP_LT:
                if (n != 1)
                        detail = "for 'Gt', 'Lt' operators, exactly one value is required";
                break;
        }
        if (detail) {
                int r = buf_puts(&a->cur, "values: Invalid value: ");
                go_render_slice(&a->cur, vals, n);
                r = r ? r : buf_printf(&a->cur, ": %s", detail);
                (void)r;
                agg_push(a);
        }
        for (size_t i = 0; (op == LOP_GT || op == LOP_LT) && i < n; i++) {
                int64_t v;
                if (!go_parse_int64(vals[i], &v)) {
                        char path[32];
                        snprintf(path, sizeof(path), "values[%zu]", i);
                        agg_invalid_str(a, path, vals[i],
                                        "for 'Gt', 'Lt' operators, the value must be an integer");
                }
        }
        buf_init(&m, ERRMSG_MAX);
        for (size_t i = 0; i < n; i++) {
                buf_release(&m);
                if (label_value_errors(vals[i], &m)) {
                        _cleanup_free_ char *path = xasprintf("values[%zu][%s]", i, key);
                        agg_invalid_str(a, path, vals[i], m.data);
                }
        }
        buf_release(&m);
        return a->count == before;
}

/* ---- lexer (labels.Lexer) ---- */

enum tok {
        T_ERROR,
        T_EOS,
        T_CPAR,
        T_COMMA,
        T_NOT,
        T_DEQ,
        T_EQ,
        T_GT,
        T_ID,
        T_IN,
        T_LT,
        T_NEQ,
        T_NOTIN,
        T_OPAR,
};

struct token {
        enum tok t;
        const char *lit;
        size_t len;
};

static bool is_ws(char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_special(char c)
{
        return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

static size_t lex_all(const char *s, struct token *toks)
{
        size_t n = 0, i = 0;
        for (;;) {
                while (is_ws(s[i]))
                        i++;
                struct token *t = &toks[n++];
                t->lit = s + i;
                if (!s[i]) {
                        *t = (struct token){T_EOS, "", 0};
                        return n;
                }
                if (is_special(s[i])) {
                        /* scanSpecialSymbol: the longest of "==", "!=" or a single symbol */
                        if ((s[i] == '=' || s[i] == '!') && s[i + 1] == '=') {
                                t->t = s[i] == '=' ? T_DEQ : T_NEQ;
                                t->len = 2;
                        } else {
                                switch (s[i]) {
                                case '=':
                                        t->t = T_EQ;
                                        break;
                                case '!':
                                        t->t = T_NOT;
                                        break;
                                case '(':
                                        t->t = T_OPAR;
                                        break;
                                case ')':
                                        t->t = T_CPAR;
                                        break;
                                case ',':
                                        t->t = T_COMMA;
                                        break;
                                case '>':
                                        t->t = T_GT;
                                        break;
                                default:
                                        t->t = T_LT;
                                        break;
                                }
                                t->len = 1;
                        }
                        i += t->len;
                        continue;
                }
                size_t st = i;
                while (s[i] && !is_special(s[i]) && !is_ws(s[i]))
                        i++;
                t->len = i - st;
                if (t->len == 2 && memcmp(t->lit, "in", 2) == 0)
                        t->t = T_IN;
                else if (t->len == 5 && memcmp(t->lit, "notin", 5) == 0)
                        t->t = T_NOTIN;
                else
                        t->t = T_ID;
        }
}

/* ---- parser (labels.Parser) ---- */

enum ctx { CTX_KEY_OP, CTX_VALUES };

struct parser {
        struct token *toks;
        size_t pos;
        struct buf msg; /* the error, without the "unable to parse requirement: " prefix */
        int r;          /* <0: error in msg */
};

static enum tok tok_in_ctx(const struct token *t, enum ctx c)
{
        if (c == CTX_VALUES && (t->t == T_IN || t->t == T_NOTIN))
                return T_ID;
        return t->t;
}

static const struct token *lookahead(struct parser *p, enum ctx c, enum tok *t)
{
        const struct token *k = &p->toks[p->pos];
        *t = tok_in_ctx(k, c);
        return k;
}

static const struct token *consume(struct parser *p, enum ctx c, enum tok *t)
{
        const struct token *k = &p->toks[p->pos];
        if (k->t != T_EOS)
                p->pos++; /* EOS is never consumed past (the Go parser stops there) */
        *t = tok_in_ctx(k, c);
        return k;
}

/* "found '<token>'<rest>" */
static int perr(struct parser *p, const struct token *k, const char *rest)
{
        int r = buf_printf(&p->msg, "found '%.*s'%s", (int)k->len, k->lit, rest);
        (void)r;
        return p->r = -EINVAL;
}

/* A set of values being collected, kept sorted and unique (sets.String.List()). */
struct vset {
        char **v;
        size_t n;
};

static int vset_insert(struct parser *p, struct vset *s, const char *lit, size_t len)
{
        for (size_t i = 0; i < s->n; i++)
                if (strlen(s->v[i]) == len && memcmp(s->v[i], lit, len) == 0)
                        return 0;
        if (s->n >= SELECTOR_MAX_VALUES) {
                int r = buf_printf(&p->msg, "too many values in set: must be at most %d",
                                   SELECTOR_MAX_VALUES);
                (void)r;
                return p->r = -EINVAL;
        }
        s->v[s->n++] = xstrndup(lit, len);
        return 0;
}

static void vset_release(struct vset *s)
{
        for (size_t i = 0; i < s->n; i++)
                free(s->v[i]);
        free(s->v);
        *s = (struct vset){0};
}

static int parse_identifiers_list(struct parser *p, struct vset *s)
{
        for (;;) {
                enum tok t, t2;
                const struct token *k = consume(p, CTX_VALUES, &t), *k2;
                switch (t) {
                case T_ID:
                        if (vset_insert(p, s, k->lit, k->len) < 0)
                                return p->r;
                        k2 = lookahead(p, CTX_VALUES, &t2);
                        if (t2 == T_COMMA)
                                continue;
                        if (t2 == T_CPAR)
                                return 0;
                        return perr(p, k2, ", expected: ',' or ')'");
                case T_COMMA:
                        if (s->n == 0 && vset_insert(p, s, "", 0) < 0)
                                return p->r;
                        lookahead(p, CTX_VALUES, &t2);
                        if (t2 == T_CPAR) {
                                if (vset_insert(p, s, "", 0) < 0)
                                        return p->r;
                                return 0;
                        }
                        if (t2 == T_COMMA) {
                                consume(p, CTX_VALUES, &t2);
                                if (vset_insert(p, s, "", 0) < 0)
                                        return p->r;
                        }
                        break;
                default:
                        return perr(p, k, ", expected: ',', or identifier");
                }
        }
}

static int parse_values(struct parser *p, struct vset *s)
{
        enum tok t;
        const struct token *k = consume(p, CTX_VALUES, &t);
        if (t != T_OPAR)
                return perr(p, k, " expected: '('");
        k = lookahead(p, CTX_VALUES, &t);
        switch (t) {
        case T_ID:
        case T_COMMA:
                if (parse_identifiers_list(p, s) < 0)
                        return p->r;
                consume(p, CTX_VALUES, &t);
                if (t != T_CPAR) /* unreachable: the list only returns before ')' */
                        return perr(p, k, ", expected: ')'");
                return 0;
        case T_CPAR:
                consume(p, CTX_VALUES, &t);
                return vset_insert(p, s, "", 0);
        default:
                return perr(p, k, ", expected: ',', ')' or identifier");
        }
}

static int parse_exact_value(struct parser *p, struct vset *s)
{
        enum tok t;
        lookahead(p, CTX_VALUES, &t);
        if (t == T_EOS || t == T_COMMA)
                return vset_insert(p, s, "", 0);
        const struct token *k = consume(p, CTX_VALUES, &t);
        if (t == T_ID)
                return vset_insert(p, s, k->lit, k->len);
        return perr(p, k, ", expected: identifier");
}

static int parse_requirement(struct parser *p, struct label_req *out)
{
        enum tok t;
        enum label_op op = LOP_EXISTS;
        bool not = false;
        const struct token *k = consume(p, CTX_VALUES, &t);

        if (t == T_NOT) {
                not = true;
                k = consume(p, CTX_VALUES, &t);
        }
        if (t != T_ID)
                return perr(p, k, ", expected: identifier");

        _cleanup_free_ char *key = xstrndup(k->lit, k->len);
        struct buf m;
        buf_init(&m, ERRMSG_MAX);
        if (qualified_name_errors(key, &m)) {
                int r = buf_puts(&p->msg, "<nil>: Invalid value: ");
                go_quote_buf(&p->msg, key, strlen(key));
                r = r ? r : buf_printf(&p->msg, ": %s", m.data);
                (void)r;
                buf_release(&m);
                return p->r = -EINVAL;
        }
        buf_release(&m);

        lookahead(p, CTX_VALUES, &t);
        if (not || t == T_EOS || t == T_COMMA) {
                /* "!k" is DoesNotExist whatever follows; the caller reports what follows */
                *out = (struct label_req){.key = TAKE_PTR(key),
                                          .op = not ? LOP_NOTEXISTS : LOP_EXISTS};
                return 0;
        }

        k = consume(p, CTX_KEY_OP, &t);
        switch (t) {
        case T_IN:
                op = LOP_IN;
                break;
        case T_EQ:
                op = LOP_EQ;
                break;
        case T_DEQ:
                op = LOP_DEQ;
                break;
        case T_GT:
                op = LOP_GT;
                break;
        case T_LT:
                op = LOP_LT;
                break;
        case T_NOTIN:
                op = LOP_NOTIN;
                break;
        case T_NEQ:
                op = LOP_NEQ;
                break;
        default:
                return perr(p, k, ", expected: in, notin, =, ==, !=, gt, lt");
        }

        struct vset vs = {xcalloc(SELECTOR_MAX_VALUES, sizeof(char *)), 0};
        int r =
            (op == LOP_IN || op == LOP_NOTIN) ? parse_values(p, &vs) : parse_exact_value(p, &vs);
        if (r < 0) {
                vset_release(&vs);
                return p->r;
        }
        qsort(vs.v, vs.n, sizeof(char *), cmp_str);

        struct agg a;
        agg_init(&a);
        if (!requirement_check(key, op, vs.v, vs.n, NULL, &a)) {
                agg_render_buf(&a, &p->msg);
                agg_release(&a);
                vset_release(&vs);
                return p->r = -EINVAL;
        }
        agg_release(&a);
        *out = (struct label_req){.key = TAKE_PTR(key), .op = op, .values = vs.v, .nvalues = vs.n};
        return 0;
}

int label_selector_parse(const char *s, struct label_selector **ret, char *err, size_t errlen)
{
        _cleanup_label_selector_ struct label_selector *sel = label_selector_new();
        struct parser p = {0};
        size_t len;
        int r = 0;

        if (!s)
                s = "";
        len = strnlen(s, SELECTOR_MAX_LEN + 1);
        if (len > SELECTOR_MAX_LEN) {
                set_err(err, errlen, "label selector too long: must be at most %d bytes",
                        SELECTOR_MAX_LEN);
                return -EINVAL;
        }
        _cleanup_free_ struct token *toks = xcalloc(len + 2, sizeof(*toks));
        lex_all(s, toks);
        p.toks = toks;
        buf_init(&p.msg, ERRMSG_MAX);

        for (;;) {
                enum tok t;
                const struct token *k = lookahead(&p, CTX_VALUES, &t);
                if (t == T_EOS)
                        break;
                if (t != T_ID && t != T_NOT) {
                        perr(&p, k, ", expected: !, identifier, or 'end of string'");
                        set_err(err, errlen, "%s", p.msg.data);
                        r = -EINVAL;
                        goto out;
                }
                if (sel->n >= SELECTOR_MAX_REQS) {
                        set_err(err, errlen,
                                "label selector has too many requirements: must be at most %d",
                                SELECTOR_MAX_REQS);
                        r = -EINVAL;
                        goto out;
                }
                if (parse_requirement(&p, &sel->reqs[sel->n]) < 0) {
                        set_err(err, errlen, "unable to parse requirement: %s",
                                p.msg.data ? p.msg.data : "");
                        r = -EINVAL;
                        goto out;
                }
                sel->n++;
                k = consume(&p, CTX_VALUES, &t);
                if (t == T_EOS)
                        break;
                if (t == T_COMMA) {
                        const struct token *k2 = lookahead(&p, CTX_VALUES, &t);
                        if (t != T_ID && t != T_NOT) {
                                perr(&p, k2, ", expected: identifier after ','");
                                set_err(err, errlen, "%s", p.msg.data);
                                r = -EINVAL;
                                goto out;
                        }
                        continue;
                }
                perr(&p, k, ", expected: ',' or 'end of string'");
                set_err(err, errlen, "%s", p.msg.data);
                r = -EINVAL;
                goto out;
        }
        sort_reqs(sel);
        *ret = TAKE_PTR(sel);
out:
        buf_release(&p.msg);
        return r;
}

int label_selector_from_json(json_t *js, struct label_selector **ret, char *err, size_t errlen)
{
        _cleanup_label_selector_ struct label_selector *sel = label_selector_new();
        json_t *ml, *me;

        if (!js || json_is_null(js)) {
                sel->nothing = true;
                *ret = TAKE_PTR(sel);
                return 0;
        }
        if (!json_is_object(js)) {
                set_err(err, errlen, "label selector must be an object");
                return -EINVAL;
        }
        ml = json_object_get(js, "matchLabels");
        me = json_object_get(js, "matchExpressions");
        if (ml && !json_is_null(ml) && !json_is_object(ml)) {
                set_err(err, errlen, "matchLabels must be an object");
                return -EINVAL;
        }
        if (me && !json_is_null(me) && !json_is_array(me)) {
                set_err(err, errlen, "matchExpressions must be an array");
                return -EINVAL;
        }
        size_t nml = json_is_object(ml) ? json_object_size(ml) : 0;
        size_t nme = json_is_array(me) ? json_array_size(me) : 0;
        if (nml + nme > SELECTOR_MAX_REQS) {
                set_err(err, errlen, "label selector has too many requirements: must be at most %d",
                        SELECTOR_MAX_REQS);
                return -EINVAL;
        }

        /* matchLabels, in key order (upstream walks a Go map: any order; sorted is stable) */
        if (nml) {
                const char **keys = xcalloc(nml, sizeof(char *));
                const char *k;
                json_t *v;
                size_t i = 0;
                json_object_foreach(ml, k, v) keys[i++] = k;
                qsort(keys, nml, sizeof(char *), cmp_str);
                for (i = 0; i < nml; i++) {
                        v = json_object_get(ml, keys[i]);
                        if (!json_is_string(v)) {
                                set_err(err, errlen, "matchLabels[%s] must be a string", keys[i]);
                                free(keys);
                                return -EINVAL;
                        }
                        char *val = (char *)json_string_value(v);
                        struct agg a;
                        agg_init(&a);
                        if (!requirement_check(keys[i], LOP_EQ, &val, 1, "key", &a)) {
                                agg_render(&a, err, errlen);
                                agg_release(&a);
                                free(keys);
                                return -EINVAL;
                        }
                        agg_release(&a);
                        struct label_req *q = &sel->reqs[sel->n++];
                        q->key = xstrdup(keys[i]);
                        q->op = LOP_EQ;
                        q->values = xcalloc(1, sizeof(char *));
                        q->values[0] = xstrdup(val);
                        q->nvalues = 1;
                }
                free(keys);
        }

        for (size_t i = 0; i < nme; i++) {
                json_t *e = json_array_get(me, i), *vals;
                const char *key, *opname;
                enum label_op op;

                if (!json_is_object(e)) {
                        set_err(err, errlen, "matchExpressions[%zu] must be an object", i);
                        return -EINVAL;
                }
                key = json_is_string(json_object_get(e, "key")) ? jstr(e, "key") : "";
                opname = json_is_string(json_object_get(e, "operator")) ? jstr(e, "operator") : "";
                if (streq(opname, "In"))
                        op = LOP_IN;
                else if (streq(opname, "NotIn"))
                        op = LOP_NOTIN;
                else if (streq(opname, "Exists"))
                        op = LOP_EXISTS;
                else if (streq(opname, "DoesNotExist"))
                        op = LOP_NOTEXISTS;
                else {
                        struct buf m;
                        buf_init(&m, ERRMSG_MAX);
                        go_quote_buf(&m, opname, strlen(opname));
                        set_err(err, errlen, "%s is not a valid label selector operator",
                                m.data ? m.data : "\"\"");
                        buf_release(&m);
                        return -EINVAL;
                }
                vals = json_object_get(e, "values");
                if (vals && !json_is_null(vals) && !json_is_array(vals)) {
                        set_err(err, errlen, "matchExpressions[%zu].values must be an array", i);
                        return -EINVAL;
                }
                size_t nv = json_is_array(vals) ? json_array_size(vals) : 0;
                if (nv > SELECTOR_MAX_VALUES) {
                        set_err(err, errlen, "too many values in set: must be at most %d",
                                SELECTOR_MAX_VALUES);
                        return -EINVAL;
                }
                struct label_req *q = &sel->reqs[sel->n];
                q->key = xstrdup(key);
                q->op = op;
                q->values = xcalloc(nv ? nv : 1, sizeof(char *));
                sel->n++;
                for (size_t j = 0; j < nv; j++) {
                        json_t *v = json_array_get(vals, j);
                        if (!json_is_string(v)) {
                                set_err(err, errlen,
                                        "matchExpressions[%zu].values[%zu] must be a string", i, j);
                                return -EINVAL;
                        }
                        q->values[q->nvalues++] = xstrdup(json_string_value(v));
                }
                struct agg a;
                agg_init(&a);
                if (!requirement_check(q->key, op, q->values, q->nvalues, "key", &a)) {
                        agg_render(&a, err, errlen);
                        agg_release(&a);
                        return -EINVAL;
                }
                agg_release(&a);
        }
        sort_reqs(sel);
        *ret = TAKE_PTR(sel);
        return 0;
}

static const char *label_get(json_t *labels, const char *key)
{
        json_t *v = json_is_object(labels) ? json_object_get(labels, key) : NULL;
        return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool req_has_value(const struct label_req *q, const char *v)
{
        for (size_t i = 0; i < q->nvalues; i++)
                if (streq(q->values[i], v))
                        return true;
        return false;
}

static bool req_matches(const struct label_req *q, json_t *labels)
{
        const char *v = label_get(labels, q->key);
        int64_t lv, rv;

        switch (q->op) {
        case LOP_IN:
        case LOP_EQ:
        case LOP_DEQ:
                return v && req_has_value(q, v);
        case LOP_NOTIN:
        case LOP_NEQ:
                return !v || !req_has_value(q, v);
        case LOP_EXISTS:
                return v != NULL;
        case LOP_NOTEXISTS:
                return v == NULL;
        case LOP_GT:
        case LOP_LT:
                if (!v || q->nvalues != 1 || !go_parse_int64(v, &lv) ||
                    !go_parse_int64(q->values[0], &rv))
                        return false;
                return q->op == LOP_GT ? lv > rv : lv < rv;
        }
        return false;
}

bool label_selector_matches(const struct label_selector *s, json_t *labels)
{
        if (!s || s->nothing)
                return false;
        for (size_t i = 0; i < s->n; i++)
                if (!req_matches(&s->reqs[i], labels))
                        return false;
        return true;
}

bool label_selector_empty(const struct label_selector *s)
{
        return s && !s->nothing && s->n == 0;
}

char *label_selector_string(const struct label_selector *s)
{
        struct buf b;
        int r = 0;

        buf_init(&b, 0);
        for (size_t i = 0; s && !s->nothing && i < s->n; i++) {
                const struct label_req *q = &s->reqs[i];
                static const char *const ops[] = {
                    [LOP_IN] = " in ",    [LOP_NOTIN] = " notin ", [LOP_EQ] = "=",
                    [LOP_DEQ] = "==",     [LOP_NEQ] = "!=",        [LOP_EXISTS] = "",
                    [LOP_NOTEXISTS] = "", [LOP_GT] = ">",          [LOP_LT] = "<",
                };
                bool set = q->op == LOP_IN || q->op == LOP_NOTIN;

                if (i)
                        r = r ? r : buf_puts(&b, ",");
                if (q->op == LOP_NOTEXISTS)
                        r = r ? r : buf_puts(&b, "!");
                r = r ? r : buf_puts(&b, q->key);
                if (q->op == LOP_EXISTS || q->op == LOP_NOTEXISTS)
                        continue;
                r = r ? r : buf_puts(&b, ops[q->op]);
                if (set)
                        r = r ? r : buf_puts(&b, "(");
                /* safeSort: sorted copy, duplicates kept */
                char **sorted = xcalloc(q->nvalues ? q->nvalues : 1, sizeof(char *));
                memcpy(sorted, q->values, q->nvalues * sizeof(char *));
                qsort(sorted, q->nvalues, sizeof(char *), cmp_str);
                for (size_t j = 0; j < q->nvalues; j++) {
                        if (j)
                                r = r ? r : buf_puts(&b, ",");
                        r = r ? r : buf_puts(&b, sorted[j]);
                }
                free(sorted);
                if (set)
                        r = r ? r : buf_puts(&b, ")");
        }
        (void)r; /* uncapped buffer of our own data: cannot fail */
        return buf_steal(&b);
}

/* ---------------------------------------------------------------------------------------
 * Field selectors
 * ------------------------------------------------------------------------------------- */

void field_selector_free(struct field_selector *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n; i++) {
                free(s->reqs[i].field);
                free(s->reqs[i].value);
        }
        free(s->reqs);
        free(s);
}

static void field_selector_freep(struct field_selector **s)
{
        field_selector_free(*s);
}
#define _cleanup_field_selector_ _cleanup_(field_selector_freep)

struct span {
        const char *p;
        size_t n;
};

static int cmp_span(const void *a, const void *b)
{
        const struct span *x = a, *y = b;
        size_t n = x->n < y->n ? x->n : y->n;
        int c = memcmp(x->p, y->p, n);
        if (c)
                return c;
        return x->n < y->n ? -1 : x->n > y->n ? 1 : 0;
}

/* UnescapeValue.  Returns a malloc'ed string or NULL with err set. */
static char *unescape_value(const char *s, size_t n, char *err, size_t errlen)
{
        const unsigned char *p = (const unsigned char *)s;
        bool special = false;

        for (size_t i = 0; i < n; i++)
                special = special || s[i] == '\\' || s[i] == ',' || s[i] == '=';
        if (!special)
                return xstrndup(s, n);

        /* runes are re-encoded: an invalid byte becomes U+FFFD, as Go's range loop does */
        struct buf b;
        buf_init(&b, 0);
        bool in_slash = false;
        int r = 0;
        for (size_t i = 0; i < n;) {
                size_t w;
                uint32_t c = go_decode_rune(p + i, n - i, &w);
                const void *bytes = c == 0xFFFD && w == 1 ? "\xEF\xBF\xBD" : (const void *)(p + i);
                size_t bl = c == 0xFFFD && w == 1 ? 3 : w;
                if (in_slash) {
                        if (c == '\\' || c == ',' || c == '=') {
                                r = r ? r : buf_append(&b, bytes, bl);
                        } else {
                                set_err(err, errlen,
                                        "invalid field selector: invalid escape sequence: \\%.*s",
                                        (int)bl, (const char *)bytes);
                                buf_release(&b);
                                return NULL;
                        }
                        in_slash = false;
                } else if (c == '\\') {
                        in_slash = true;
                } else if (c == ',' || c == '=') {
                        set_err(err, errlen,
                                "invalid field selector: unescaped character in value: %u",
                                (unsigned)c);
                        buf_release(&b);
                        return NULL;
                } else {
                        r = r ? r : buf_append(&b, bytes, bl);
                }
                i += w;
        }
        if (in_slash) {
                set_err(err, errlen, "invalid field selector: invalid escape sequence: \\");
                buf_release(&b);
                return NULL;
        }
        (void)r;
        return buf_steal(&b);
}

int field_selector_parse(const char *s, struct field_selector **ret, char *err, size_t errlen)
{
        _cleanup_field_selector_ struct field_selector *sel = xcalloc(1, sizeof(*sel));
        size_t len, nterms = 0, start = 0;
        bool in_slash = false;

        if (!s)
                s = "";
        len = strnlen(s, SELECTOR_MAX_LEN + 1);
        if (len > SELECTOR_MAX_LEN) {
                set_err(err, errlen, "field selector too long: must be at most %d bytes",
                        SELECTOR_MAX_LEN);
                return -EINVAL;
        }
        sel->reqs = xcalloc(SELECTOR_MAX_REQS, sizeof(*sel->reqs));
        if (len == 0) {
                *ret = TAKE_PTR(sel);
                return 0;
        }

        /* splitTerms */
        _cleanup_free_ struct span *terms = xcalloc(len + 1, sizeof(*terms));
        for (size_t i = 0; i < len; i++) {
                if (in_slash)
                        in_slash = false;
                else if (s[i] == '\\')
                        in_slash = true;
                else if (s[i] == ',') {
                        terms[nterms++] = (struct span){s + start, i - start};
                        start = i + 1;
                }
        }
        terms[nterms++] = (struct span){s + start, len - start};
        qsort(terms, nterms, sizeof(*terms), cmp_span);

        for (size_t t = 0; t < nterms; t++) {
                const char *part = terms[t].p;
                size_t n = terms[t].n, i;
                size_t oplen = 0;
                bool neq = false;

                if (n == 0)
                        continue;
                for (i = 0; i < n; i++) {
                        if (part[i] == '!' && i + 1 < n && part[i + 1] == '=') {
                                neq = true;
                                oplen = 2;
                        } else if (part[i] == '=') {
                                oplen = i + 1 < n && part[i + 1] == '=' ? 2 : 1;
                        }
                        if (oplen)
                                break;
                }
                if (!oplen) {
                        set_err(err, errlen, "invalid selector: '%s'; can't understand '%.*s'", s,
                                (int)n, part);
                        return -EINVAL;
                }
                char *value = unescape_value(part + i + oplen, n - i - oplen, err, errlen);
                if (!value)
                        return -EINVAL;
                if (i == 0 && !*value) {
                        free(value); /* Transform drops a term with empty field and value */
                        continue;
                }
                if (sel->n >= SELECTOR_MAX_REQS) {
                        free(value);
                        set_err(err, errlen,
                                "field selector has too many requirements: must be at most %d",
                                SELECTOR_MAX_REQS);
                        return -EINVAL;
                }
                sel->reqs[sel->n++] =
                    (struct field_req){.field = xstrndup(part, i), .value = value, .neq = neq};
        }
        *ret = TAKE_PTR(sel);
        return 0;
}

int field_selector_check(const struct field_selector *s, const char *const *allowed, char *err,
                         size_t errlen)
{
        for (size_t i = 0; s && i < s->n; i++) {
                bool ok = false;
                for (size_t j = 0; allowed && allowed[j] && !ok; j++)
                        ok = streq(allowed[j], s->reqs[i].field);
                if (!ok) {
                        set_err(err, errlen, "field label not supported: %s", s->reqs[i].field);
                        return -EINVAL;
                }
        }
        return 0;
}

bool field_selector_matches(const struct field_selector *s, json_t *fields)
{
        for (size_t i = 0; s && i < s->n; i++) {
                json_t *v =
                    json_is_object(fields) ? json_object_get(fields, s->reqs[i].field) : NULL;
                const char *got = json_is_string(v) ? json_string_value(v) : "";
                if (streq(got, s->reqs[i].value) == s->reqs[i].neq)
                        return false;
        }
        return true;
}

const char *field_selector_name(const struct field_selector *s)
{
        for (size_t i = 0; s && i < s->n; i++)
                if (!s->reqs[i].neq && streq(s->reqs[i].field, "metadata.name"))
                        return s->reqs[i].value;
        return NULL;
}

bool field_selector_empty(const struct field_selector *s)
{
        return !s || s->n == 0;
}

char *field_selector_string(const struct field_selector *s)
{
        struct buf b;
        int r = 0;

        buf_init(&b, 0);
        for (size_t i = 0; s && i < s->n; i++) {
                const char *v = s->reqs[i].value;
                if (i)
                        r = r ? r : buf_puts(&b, ",");
                r = r ? r : buf_puts(&b, s->reqs[i].field);
                r = r ? r : buf_puts(&b, s->reqs[i].neq ? "!=" : "=");
                for (; *v; v++) {
                        if (*v == '\\' || *v == ',' || *v == '=')
                                r = r ? r : buf_append(&b, "\\", 1);
                        r = r ? r : buf_append(&b, v, 1);
                }
        }
        (void)r;
        return buf_steal(&b);
}
