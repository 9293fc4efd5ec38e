/* meta_validation.c — ObjectMeta, names, labels, annotations and label selectors.
 *
 * These rules are shared by every resource, and their messages are the ones users meet
 * most often (a bad name, a label that is too long), so they follow
 * apimachinery/pkg/util/validation and api/validation/objectmeta.go message for message.
 * The regular expressions of upstream are small enough to be written as scanners, which
 * keeps us free of a regex engine and of its worst cases on hostile input.  Where several
 * messages apply (too long AND bad characters) upstream reports each one as its own cause,
 * and so do we.  Length messages use the current "bytes" wording. */
#include "types/workload.h"
#include "types/ferr.h"
#include "base/util.h"

#define DNS1123_LABEL_MAX 63
#define DNS1123_SUBDOMAIN_MAX 253
#define QUALIFIED_NAME_MAX 63
#define LABEL_VALUE_MAX 63
#define ANNOTATIONS_MAX (256 * 1024)

#define MSG_LABEL_LEN "must be no more than 63 bytes"
#define MSG_SUBDOMAIN_LEN "must be no more than 253 bytes"
#define MSG_DNS_LABEL                                                                              \
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "   \
        "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "   \
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define MSG_DNS_SUBDOMAIN                                                                          \
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "  \
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "      \
        "regex used for validation is "                                                            \
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define QNAME_RULE                                                                                 \
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "   \
        "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "      \
        "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define MSG_LABEL_VALUE                                                                            \
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "   \
        "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "      \
        "'my_value',  or '12345', regex used for validation is "                                   \
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

/* Up to four messages per check; all are static strings. */
struct msgs {
        const char *m[4];
        int n;
};

static void msg_add(struct msgs *ms, const char *m)
{
        if (ms->n < (int)ARRAY_SIZE(ms->m))
                ms->m[ms->n++] = m;
}

static int is_lower_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
        return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static int dns_label_ok(const char *s, size_t n)
{
        if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
                return 0;
        for (size_t i = 0; i < n; i++)
                if (!is_lower_alnum(s[i]) && s[i] != '-')
                        return 0;
        return 1;
}

static int dns_subdomain_ok(const char *s, size_t n)
{
        size_t start = 0;
        for (size_t i = 0; i <= n; i++) {
                if (i == n || s[i] == '.') {
                        if (!dns_label_ok(s + start, i - start))
                                return 0;
                        start = i + 1;
                }
        }
        return 1;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static int qname_part_ok(const char *s, size_t n)
{
        if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
                return 0;
        for (size_t i = 0; i < n; i++)
                if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
                        return 0;
        return 1;
}

static struct msgs dns1123_label_msgs(const char *s)
{
        struct msgs ms = {0};
        size_t n = strlen(s);
        if (n > DNS1123_LABEL_MAX)
                msg_add(&ms, MSG_LABEL_LEN);
        if (!dns_label_ok(s, n))
                msg_add(&ms, MSG_DNS_LABEL);
        return ms;
}

static struct msgs dns1123_subdomain_msgs(const char *s)
{
        struct msgs ms = {0};
        size_t n = strlen(s);
        if (n > DNS1123_SUBDOMAIN_MAX)
                msg_add(&ms, MSG_SUBDOMAIN_LEN);
        if (!dns_subdomain_ok(s, n))
                msg_add(&ms, MSG_DNS_SUBDOMAIN);
        return ms;
}

/* validation.IsQualifiedName */
static struct msgs qualified_name_msgs(const char *s)
{
        struct msgs ms = {0};
        const char *slash = strchr(s, '/');
        const char *name = s;
        if (slash && strchr(slash + 1, '/')) {
                msg_add(&ms, "a qualified name " QNAME_RULE
                             " with an optional DNS subdomain prefix and '/' (e.g. "
                             "'example.com/MyName')");
                return ms;
        }
        if (slash) {
                size_t pn = (size_t)(slash - s);
                name = slash + 1;
                if (pn == 0)
                        msg_add(&ms, "prefix part must be non-empty");
                else {
                        if (pn > DNS1123_SUBDOMAIN_MAX)
                                msg_add(&ms, "prefix part " MSG_SUBDOMAIN_LEN);
                        if (!dns_subdomain_ok(s, pn))
                                msg_add(&ms, "prefix part " MSG_DNS_SUBDOMAIN);
                }
        }
        size_t n = strlen(name);
        if (n == 0)
                msg_add(&ms, "name part must be non-empty");
        else if (n > QUALIFIED_NAME_MAX)
                msg_add(&ms, "name part " MSG_LABEL_LEN);
        if (!qname_part_ok(name, n))
                msg_add(&ms, "name part " QNAME_RULE);
        return ms;
}

static struct msgs label_value_msgs(const char *s)
{
        struct msgs ms = {0};
        size_t n = strlen(s);
        if (n > LABEL_VALUE_MAX)
                msg_add(&ms, MSG_LABEL_LEN);
        if (n && !qname_part_ok(s, n))
                msg_add(&ms, MSG_LABEL_VALUE);
        return ms;
}

const char *dns1123_label_error(const char *s)
{
        struct msgs ms = dns1123_label_msgs(s ? s : "");
        return ms.n ? ms.m[0] : NULL;
}

const char *dns1123_subdomain_error(const char *s)
{
        struct msgs ms = dns1123_subdomain_msgs(s ? s : "");
        return ms.n ? ms.m[0] : NULL;
}

static bool report(struct msgs ms, const char *value, const char *path, json_t *causes)
{
        for (int i = 0; i < ms.n; i++)
                ferr_invalid_str(causes, path, value, ms.m[i]);
        return ms.n == 0;
}

bool dns1123_label_validate(const char *s, const char *path, json_t *causes)
{
        return report(dns1123_label_msgs(s ? s : ""), s, path, causes);
}

bool dns1123_subdomain_validate(const char *s, const char *path, json_t *causes)
{
        return report(dns1123_subdomain_msgs(s ? s : ""), s, path, causes);
}

bool qualified_name_validate(const char *s, const char *path, json_t *causes)
{
        return report(qualified_name_msgs(s ? s : ""), s, path, causes);
}

void labels_validate(json_t *labels, const char *path, json_t *causes)
{
        const char *k;
        json_t *v;
        if (!json_is_object(labels))
                return;
        json_object_foreach(labels, k, v)
        {
                qualified_name_validate(k, path, causes);
                const char *sv = json_string_value(v);
                report(label_value_msgs(sv ? sv : ""), sv ? sv : "", path, causes);
        }
}

void annotations_validate(json_t *annotations, const char *path, json_t *causes)
{
        const char *k;
        json_t *v;
        int64_t total = 0;
        if (!json_is_object(annotations))
                return;
        json_object_foreach(annotations, k, v)
        {
                /* the rule is a qualified name, but case does not matter */
                _cleanup_free_ char *lower = xstrdup(k);
                for (char *p = lower; *p; p++)
                        if (*p >= 'A' && *p <= 'Z')
                                *p = (char)(*p - 'A' + 'a');
                report(qualified_name_msgs(lower), k, path, causes);
                total += (int64_t)strlen(k);
                if (json_is_string(v))
                        total += (int64_t)json_string_length(v);
        }
        if (total > ANNOTATIONS_MAX)
                ferr_too_long(causes, path, ANNOTATIONS_MAX);
}

static void label_requirement_validate(json_t *req, const char *path, json_t *causes)
{
        const char *op = jstr(req, "operator");
        json_t *values = json_object_get(req, "values");
        size_t nv = json_is_array(values) ? json_array_size(values) : 0;
        _cleanup_free_ char *vpath = xasprintf("%s.values", path);
        if (streq(op, "In") || streq(op, "NotIn")) {
                if (nv == 0)
                        ferr_required(causes, vpath,
                                      "must be specified when `operator` is 'In' or 'NotIn'");
        } else if (streq(op, "Exists") || streq(op, "DoesNotExist")) {
                if (nv > 0)
                        ferr_forbidden(causes, vpath,
                                       "may not be specified when `operator` is 'Exists' or "
                                       "'DoesNotExist'");
        } else {
                _cleanup_free_ char *opath = xasprintf("%s.operator", path);
                ferr_invalid_str(causes, opath, op ? op : "", "not a valid selector operator");
        }
        _cleanup_free_ char *kpath = xasprintf("%s.key", path);
        const char *key = jstr(req, "key");
        qualified_name_validate(key ? key : "", kpath, causes);
        for (size_t i = 0; i < nv; i++) {
                const char *sv = json_string_value(json_array_get(values, i));
                _cleanup_free_ char *ipath = xasprintf("%s[%zu]", vpath, i);
                report(label_value_msgs(sv ? sv : ""), sv ? sv : "", ipath, causes);
        }
}

void label_selector_validate(json_t *sel, const char *path, json_t *causes)
{
        if (!json_is_object(sel))
                return;
        _cleanup_free_ char *mlpath = xasprintf("%s.matchLabels", path);
        labels_validate(json_object_get(sel, "matchLabels"), mlpath, causes);
        json_t *exprs = json_object_get(sel, "matchExpressions");
        for (size_t i = 0; json_is_array(exprs) && i < json_array_size(exprs); i++) {
                _cleanup_free_ char *epath = xasprintf("%s.matchExpressions[%zu]", path, i);
                label_requirement_validate(json_array_get(exprs, i), epath, causes);
        }
}

static bool value_in(json_t *values, const char *v)
{
        for (size_t i = 0; v && i < json_array_size(values); i++)
                if (streq(json_string_value(json_array_get(values, i)), v))
                        return true;
        return false;
}

bool label_selector_json_matches(json_t *sel, json_t *labels, bool *ret_ok)
{
        bool dummy;
        bool *ok = ret_ok ? ret_ok : &dummy;
        *ok = true;
        if (!json_is_object(sel))
                return false; /* nil selector: labels.Nothing() */
        const char *k;
        json_t *v;
        json_t *ml = json_object_get(sel, "matchLabels");
        bool match = true;
        json_object_foreach(ml, k, v)
        {
                const char *sv = json_string_value(v);
                if (qualified_name_msgs(k).n || label_value_msgs(sv ? sv : "").n) {
                        *ok = false;
                        return false;
                }
                /* keys hold dots: never look them up with the dotted-path jstr() */
                if (!streq(json_string_value(json_object_get(labels, k)), sv ? sv : ""))
                        match = false;
        }
        json_t *exprs = json_object_get(sel, "matchExpressions");
        for (size_t i = 0; json_is_array(exprs) && i < json_array_size(exprs); i++) {
                json_t *req = json_array_get(exprs, i);
                const char *key = jstr(req, "key"), *op = jstr(req, "operator");
                json_t *values = json_object_get(req, "values");
                size_t nv = json_is_array(values) ? json_array_size(values) : 0;
                if (!key || qualified_name_msgs(key).n) {
                        *ok = false;
                        return false;
                }
                for (size_t j = 0; j < nv; j++) {
                        const char *sv = json_string_value(json_array_get(values, j));
                        if (label_value_msgs(sv ? sv : "").n) {
                                *ok = false;
                                return false;
                        }
                }
                const char *have = json_string_value(json_object_get(labels, key));
                if (streq(op, "In") || streq(op, "NotIn")) {
                        if (nv == 0) {
                                *ok = false;
                                return false;
                        }
                        bool in = value_in(values, have);
                        if (streq(op, "In") ? !in : in)
                                match = false;
                } else if (streq(op, "Exists") || streq(op, "DoesNotExist")) {
                        if (nv) {
                                *ok = false;
                                return false;
                        }
                        if (streq(op, "Exists") ? !have : !!have)
                                match = false;
                } else {
                        *ok = false;
                        return false;
                }
        }
        return match;
}

static char *go_render_strslice(json_t *a)
{
        if (!json_is_array(a))
                return xstrdup("[]string(nil)");
        char *out = xstrdup("[]string{");
        for (size_t i = 0; i < json_array_size(a); i++) {
                const char *sv = json_string_value(json_array_get(a, i));
                _cleanup_free_ char *q = go_quote(sv ? sv : "");
                char *n = xasprintf("%s%s%s", out, i ? ", " : "", q);
                free(out);
                out = n;
        }
        char *n = xasprintf("%s}", out);
        free(out);
        return n;
}

char *go_render_label_selector(json_t *sel)
{
        _cleanup_free_ char *ml = go_render_strmap(json_object_get(sel, "matchLabels"));
        json_t *exprs = json_object_get(sel, "matchExpressions");
        char *me;
        if (!json_is_array(exprs))
                me = xstrdup("[]v1.LabelSelectorRequirement(nil)");
        else {
                me = xstrdup("[]v1.LabelSelectorRequirement{");
                for (size_t i = 0; i < json_array_size(exprs); i++) {
                        json_t *r = json_array_get(exprs, i);
                        const char *k = jstr(r, "key"), *op = jstr(r, "operator");
                        _cleanup_free_ char *qk = go_quote(k ? k : "");
                        _cleanup_free_ char *qo = go_quote(op ? op : "");
                        _cleanup_free_ char *vs = go_render_strslice(json_object_get(r, "values"));
                        char *n = xasprintf("%s%sv1.LabelSelectorRequirement{Key:%s, Operator:%s, "
                                            "Values:%s}",
                                            me, i ? ", " : "", qk, qo, vs);
                        free(me);
                        me = n;
                }
                char *n = xasprintf("%s}", me);
                free(me);
                me = n;
        }
        char *out = xasprintf("v1.LabelSelector{MatchLabels:%s, MatchExpressions:%s}", ml, me);
        free(me);
        return out;
}

/* NameIsDNSSubdomain / NameIsDNSLabel with prefix: a trailing '-' is allowed. */
static struct msgs name_msgs(const char *name, bool name_is_label, bool prefix)
{
        _cleanup_free_ char *masked = xstrdup(name);
        size_t n = strlen(masked);
        if (prefix && n > 1 && masked[n - 1] == '-')
                masked[n - 1] = 'a';
        return name_is_label ? dns1123_label_msgs(masked) : dns1123_subdomain_msgs(masked);
}

static bool is_standard_finalizer(const char *f)
{
        return streq(f, "kubernetes") || streq(f, "orphan") || streq(f, "foregroundDeletion");
}

static void finalizers_validate(json_t *fins, json_t *causes)
{
        bool orphan = false, foreground = false;
        for (size_t i = 0; json_is_array(fins) && i < json_array_size(fins); i++) {
                const char *f = json_string_value(json_array_get(fins, i));
                f = f ? f : "";
                qualified_name_validate(f, "metadata.finalizers", causes);
                orphan |= streq(f, "orphan");
                foreground |= streq(f, "foregroundDeletion");
        }
        if (orphan && foreground) {
                _cleanup_free_ char *r = go_render_strslice(fins);
                ferr_invalid_raw(causes, "metadata.finalizers", r,
                                 "finalizer orphan and foregroundDeletion cannot be both set");
        }
        /* core's validateKubeFinalizerName, per index */
        for (size_t i = 0; json_is_array(fins) && i < json_array_size(fins); i++) {
                const char *f = json_string_value(json_array_get(fins, i));
                f = f ? f : "";
                if (!strchr(f, '/') && !is_standard_finalizer(f)) {
                        _cleanup_free_ char *p = xasprintf("metadata.finalizers[%zu]", i);
                        ferr_invalid_str(causes, p, f,
                                         "name is neither a standard finalizer name nor is it "
                                         "fully qualified");
                }
        }
}

static void owner_references_validate(json_t *refs, json_t *causes)
{
        const char *path = "metadata.ownerReferences";
        _cleanup_free_ char *first = NULL;
        for (size_t i = 0; json_is_array(refs) && i < json_array_size(refs); i++) {
                json_t *r = json_array_get(refs, i);
                const char *av = jstr(r, "apiVersion"), *kind = jstr(r, "kind");
                const char *name = jstr(r, "name"), *uid = jstr(r, "uid");
                const char *slash = av ? strrchr(av, '/') : NULL;
                const char *version = slash ? slash + 1 : (av ? av : "");
                if (!*version)
                        ferr_invalid_str(causes, "metadata.ownerReferences.apiVersion", av,
                                         "version must not be empty");
                if (!kind || !*kind)
                        ferr_invalid_str(causes, "metadata.ownerReferences.kind", kind,
                                         "kind must not be empty");
                if (!name || !*name)
                        ferr_invalid_str(causes, "metadata.ownerReferences.name", name,
                                         "name must not be empty");
                if (!uid || !*uid)
                        ferr_invalid_str(causes, "metadata.ownerReferences.uid", uid,
                                         "uid must not be empty");
                if (streq(av, "v1") && streq(kind, "Event"))
                        ferr_invalid_raw(causes, path, "v1.OwnerReference{...}",
                                         "/v1, Kind=Event is disallowed from being an owner");
                if (jbool(r, "controller")) {
                        _cleanup_free_ char *cur =
                            xasprintf("%s/%s", kind ? kind : "", name ? name : "");
                        if (first) {
                                _cleanup_free_ char *d =
                                    xasprintf("Only one reference can have Controller set to true. "
                                              "Found \"true\" in references for %s and %s",
                                              first, cur);
                                ferr_invalid_raw(causes, path, "[]v1.OwnerReference{...}", d);
                        } else
                                first = TAKE_PTR(cur);
                }
        }
}

void meta_validate(json_t *obj, bool namespaced, bool name_is_label, json_t *causes)
{
        json_t *md = json_object_get(obj, "metadata");
        const char *gn = jstr(md, "generateName"), *name = jstr(md, "name");
        const char *ns = jstr(md, "namespace");
        if (gn && *gn)
                report(name_msgs(gn, name_is_label, true), gn, "metadata.generateName", causes);
        if (!name || !*name)
                ferr_required(causes, "metadata.name", "name or generateName is required");
        else
                report(name_msgs(name, name_is_label, false), name, "metadata.name", causes);
        if (namespaced) {
                if (!ns || !*ns)
                        ferr_required(causes, "metadata.namespace", NULL);
                else
                        dns1123_label_validate(ns, "metadata.namespace", causes);
        } else if (ns && *ns) {
                ferr_forbidden(causes, "metadata.namespace", "not allowed on this type");
        }
        int64_t gen;
        if (jint(md, "generation", &gen) && gen < 0)
                ferr_invalid_int(causes, "metadata.generation", gen,
                                 "must be greater than or equal to 0");
        labels_validate(json_object_get(md, "labels"), "metadata.labels", causes);
        annotations_validate(json_object_get(md, "annotations"), "metadata.annotations", causes);
        owner_references_validate(json_object_get(md, "ownerReferences"), causes);
        finalizers_validate(json_object_get(md, "finalizers"), causes);
}

/* metav1.Time prints through time.Time.String(); a nil *metav1.Time prints "null". */
static char *go_render_time(json_t *t, bool pointer)
{
        int64_t sec;
        if (!json_is_string(t) || time_parse_rfc3339(json_string_value(t), &sec) < 0) {
                if (json_is_string(t))
                        return go_quote(json_string_value(t));
                return xstrdup(pointer ? "null" : "0001-01-01 00:00:00 +0000 UTC");
        }
        struct tm tm;
        time_t tt = (time_t)sec;
        char out[64];
        gmtime_r(&tt, &tm);
        strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
        return xstrdup(out);
}

static void immutable_str(json_t *md, json_t *omd, const char *key, json_t *causes)
{
        const char *a = jstr(md, key), *b = jstr(omd, key);
        if (!streq(a ? a : "", b ? b : "")) {
                _cleanup_free_ char *p = xasprintf("metadata.%s", key);
                ferr_invalid_str(causes, p, a ? a : "", "field is immutable");
        }
}

void meta_validate_update(json_t *obj, json_t *old, json_t *causes)
{
        json_t *md = json_object_get(obj, "metadata"), *omd = json_object_get(old, "metadata");
        json_t *fins = json_object_get(md, "finalizers");
        if (json_object_get(omd, "deletionTimestamp") &&
            !json_is_null(json_object_get(omd, "deletionTimestamp"))) {
                json_t *ofins = json_object_get(omd, "finalizers");
                json_t *known = json_object(), *extra = json_array();
                for (size_t i = 0; json_is_array(ofins) && i < json_array_size(ofins); i++) {
                        const char *f = json_string_value(json_array_get(ofins, i));
                        if (f)
                                json_object_set_new(known, f, json_true());
                }
                for (size_t i = 0; json_is_array(fins) && i < json_array_size(fins); i++) {
                        const char *f = json_string_value(json_array_get(fins, i));
                        if (f && !json_object_get(known, f)) {
                                json_object_set_new(known, f, json_true());
                                json_array_append_new(extra, json_string(f));
                        }
                }
                json_decref(known);
                if (json_array_size(extra)) {
                        _cleanup_free_ char *r = go_render_strslice(extra);
                        _cleanup_free_ char *d = xasprintf(
                            "no new finalizers can be added if the object is being deleted, "
                            "found new finalizers %s",
                            r);
                        ferr_forbidden(causes, "metadata.finalizers", d);
                }
                json_decref(extra);
        }
        int64_t g = 0, og = 0;
        jint(md, "generation", &g);
        jint(omd, "generation", &og);
        if (g < og)
                ferr_invalid_int(causes, "metadata.generation", g, "must not be decremented");
        immutable_str(md, omd, "name", causes);
        immutable_str(md, omd, "namespace", causes);
        immutable_str(md, omd, "uid", causes);
        static const char *const times[] = {"creationTimestamp", "deletionTimestamp"};
        for (size_t i = 0; i < ARRAY_SIZE(times); i++) {
                json_t *a = json_object_get(md, times[i]), *b = json_object_get(omd, times[i]);
                int64_t sa = 0, sb = 0;
                bool ha = json_is_string(a) && time_parse_rfc3339(json_string_value(a), &sa) == 0;
                bool hb = json_is_string(b) && time_parse_rfc3339(json_string_value(b), &sb) == 0;
                if (ha != hb || sa != sb) {
                        _cleanup_free_ char *p = xasprintf("metadata.%s", times[i]);
                        _cleanup_free_ char *r = go_render_time(a, i == 1);
                        ferr_invalid_raw(causes, p, r, "field is immutable");
                }
        }
        json_t *dg = json_object_get(md, "deletionGracePeriodSeconds");
        json_t *odg = json_object_get(omd, "deletionGracePeriodSeconds");
        if (json_is_integer(dg) != json_is_integer(odg) ||
            (json_is_integer(dg) && json_integer_value(dg) != json_integer_value(odg))) {
                if (json_is_integer(dg))
                        ferr_invalid_int(causes, "metadata.deletionGracePeriodSeconds",
                                         json_integer_value(dg), "field is immutable");
                else
                        ferr_invalid_raw(causes, "metadata.deletionGracePeriodSeconds", "null",
                                         "field is immutable");
        }
        labels_validate(json_object_get(md, "labels"), "metadata.labels", causes);
        annotations_validate(json_object_get(md, "annotations"), "metadata.annotations", causes);
        owner_references_validate(json_object_get(md, "ownerReferences"), causes);
        /* core adds the kube finalizer-name check on update as well */
        for (size_t i = 0; json_is_array(fins) && i < json_array_size(fins); i++) {
                const char *f = json_string_value(json_array_get(fins, i));
                f = f ? f : "";
                if (!strchr(f, '/') && !is_standard_finalizer(f)) {
                        _cleanup_free_ char *p = xasprintf("metadata.finalizers[%zu]", i);
                        ferr_invalid_str(causes, p, f,
                                         "name is neither a standard finalizer name nor is it "
                                         "fully qualified");
                }
        }
}
