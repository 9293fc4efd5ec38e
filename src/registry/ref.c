/* ref.c — image references exactly as Kubernetes sees them.
 *
 * The kubelet hands image strings to docker/distribution's ParseNormalizedNamed and adds
 * ":latest" when neither tag nor digest is given; containerd names the pulled image by
 * the same normalised string.  We follow that grammar by hand instead of with POSIX
 * regexes because the error a user sees depends on *which* rule failed (uppercase,
 * length, digest length...), and the messages are the ones kubectl users already know.
 * Everything here is pure string work so the unit tests can pin the behaviour down.
 */
#include <ctype.h>
#include "registry/registry.h"

#define NAME_TOTAL_MAX 255

static bool is_lower_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
        return isascii((unsigned char)c) && isalnum((unsigned char)c);
}

/* path-component := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*  over s[0..n) */
static bool path_component_ok(const char *s, size_t n)
{
        size_t i = 0;
        if (n == 0 || !is_lower_alnum(s[0]))
                return false;
        while (i < n) {
                while (i < n && is_lower_alnum(s[i]))
                        i++;
                if (i == n)
                        return true;
                /* separator */
                if (s[i] == '.') {
                        i++;
                } else if (s[i] == '_') {
                        i++;
                        if (i < n && s[i] == '_')
                                i++;
                } else if (s[i] == '-') {
                        while (i < n && s[i] == '-')
                                i++;
                } else {
                        return false;
                }
                if (i == n || !is_lower_alnum(s[i]))
                        return false;
        }
        return true;
}

/* remote-name := path-component ('/' path-component)* */
static bool remote_name_ok(const char *s, size_t n)
{
        size_t start = 0;
        for (size_t i = 0; i <= n; i++) {
                if (i == n || s[i] == '/') {
                        if (!path_component_ok(s + start, i - start))
                                return false;
                        start = i + 1;
                }
        }
        return true;
}

/* domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static bool domain_component_ok(const char *s, size_t n)
{
        if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!is_alnum(s[i]) && s[i] != '-')
                        return false;
        return true;
}

/* host (:port)? where host is dotted domain components or a bracketed IPv6 address */
static bool domain_ok(const char *s, size_t n)
{
        size_t hostlen = n;
        if (n > 0 && s[0] == '[') {
                const char *close = memchr(s, ']', n);
                if (!close || close == s + 1)
                        return false;
                for (const char *p = s + 1; p < close; p++)
                        if (!isxdigit((unsigned char)*p) && *p != ':')
                                return false;
                hostlen = (size_t)(close - s) + 1;
        } else {
                const char *colon = memchr(s, ':', n);
                if (colon)
                        hostlen = (size_t)(colon - s);
                size_t start = 0;
                for (size_t i = 0; i <= hostlen; i++) {
                        if (i == hostlen || s[i] == '.') {
                                if (!domain_component_ok(s + start, i - start))
                                        return false;
                                start = i + 1;
                        }
                }
        }
        if (hostlen == n)
                return true;
        if (s[hostlen] != ':' || hostlen + 1 == n)
                return false;
        for (size_t i = hostlen + 1; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

/* tag := [\w][\w.-]{0,127} */
static bool tag_ok(const char *s, size_t n)
{
        if (n == 0 || n > 128)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                bool w = is_alnum(c) || c == '_';
                if (!w && (i == 0 || (c != '.' && c != '-')))
                        return false;
        }
        return true;
}

/* The digest part: first the reference grammar (algorithm ":" 32+ hex digits), then
 * go-digest's validation of the algorithm and the encoded length/format. */
static const char *digest_problem(const char *s, size_t n, bool *grammar)
{
        const char *colon = memchr(s, ':', n);
        *grammar = false;
        if (!colon || colon == s)
                return "invalid reference format";
        size_t alen = (size_t)(colon - s), hlen = n - alen - 1;
        const char *h = colon + 1;
        if (!isalpha((unsigned char)s[0]))
                return "invalid reference format";
        for (size_t i = 0; i < alen; i++) {
                char c = s[i];
                if (is_alnum(c))
                        continue;
                if ((c == '-' || c == '_' || c == '+' || c == '.') && i + 1 < alen &&
                    isalpha((unsigned char)s[i + 1]))
                        continue;
                return "invalid reference format";
        }
        if (hlen < 32)
                return "invalid reference format";
        for (size_t i = 0; i < hlen; i++)
                if (!isxdigit((unsigned char)h[i]))
                        return "invalid reference format";
        *grammar = true;
        if (alen != 6 || memcmp(s, "sha256", 6) != 0)
                return "unsupported digest algorithm";
        if (hlen != 64)
                return "invalid checksum digest length";
        for (size_t i = 0; i < hlen; i++)
                if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
                        return "invalid checksum digest format";
        return NULL;
}

void registry_ref_release(struct registry_ref *r)
{
        free(r->domain);
        free(r->path);
        free(r->tag);
        free(r->digest);
        *r = (struct registry_ref){0};
}

static int bad(const char *s, const char *why, char *err, size_t errlen)
{
        snprintf(err, errlen, "couldn't parse image name \"%s\": %s", s, why);
        return -EINVAL;
}

int registry_ref_parse(const char *s, struct registry_ref *ret, char *err, size_t errlen)
{
        *ret = (struct registry_ref){0};
        if (!s || !*s)
                return bad("", "repository name must have at least one component", err, errlen);
        size_t n = strlen(s);
        if (n > 4096)
                return bad("(too long)", "invalid reference format", err, errlen);
        if (n == 64) {
                bool hex = true;
                for (size_t i = 0; i < n && hex; i++)
                        hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
                if (hex) {
                        snprintf(err, errlen,
                                 "couldn't parse image name \"%s\": invalid repository name (%s), "
                                 "cannot specify 64-byte hexadecimal strings",
                                 s, s);
                        return -EINVAL;
                }
        }
        /* splitDockerDomain */
        const char *slash = strchr(s, '/');
        _cleanup_free_ char *domain = NULL, *remainder = NULL;
        bool first_is_domain = false;
        if (slash) {
                size_t fl = (size_t)(slash - s);
                bool lower = true;
                for (size_t i = 0; i < fl; i++)
                        if (isupper((unsigned char)s[i]))
                                lower = false;
                first_is_domain = memchr(s, '.', fl) || memchr(s, ':', fl) ||
                                  (fl == 9 && !memcmp(s, "localhost", 9)) || !lower;
        }
        if (first_is_domain) {
                domain = xstrndup(s, (size_t)(slash - s));
                remainder = xstrdup(slash + 1);
        } else {
                domain = xstrdup("docker.io");
                remainder = xstrdup(s);
        }
        if (streq(domain, "index.docker.io")) {
                free(domain);
                domain = xstrdup("docker.io");
        }
        if (streq(domain, "docker.io") && !strchr(remainder, '/')) {
                char *p = xasprintf("library/%s", remainder);
                free(remainder);
                remainder = p;
        }
        /* the lowercase check looks at everything before the first ':' of the remainder */
        const char *tagsep = strchr(remainder, ':');
        size_t rl = tagsep ? (size_t)(tagsep - remainder) : strlen(remainder);
        for (size_t i = 0; i < rl; i++) {
                if (isupper((unsigned char)remainder[i])) {
                        _cleanup_free_ char *remote = xstrndup(remainder, rl);
                        _cleanup_free_ char *why = xasprintf(
                                "invalid reference format: repository name (%s) must be lowercase",
                                remote);
                        return bad(s, why, err, errlen);
                }
        }
        /* Parse(domain + "/" + remainder): name [":" tag] ["@" digest] */
        const char *at = strchr(remainder, '@');
        size_t before = at ? (size_t)(at - remainder) : strlen(remainder);
        const char *lastslash = NULL, *lastcolon = NULL;
        for (size_t i = 0; i < before; i++) {
                if (remainder[i] == '/')
                        lastslash = remainder + i;
                else if (remainder[i] == ':')
                        lastcolon = remainder + i;
        }
        if (lastcolon && lastslash && lastcolon < lastslash)
                return bad(s, "invalid reference format", err, errlen);
        size_t pathlen = lastcolon ? (size_t)(lastcolon - remainder) : before;
        if (!domain_ok(domain, strlen(domain)) || !remote_name_ok(remainder, pathlen))
                return bad(s, "invalid reference format", err, errlen);
        if (lastcolon && !tag_ok(lastcolon + 1, before - pathlen - 1))
                return bad(s, "invalid reference format", err, errlen);
        if (at) {
                bool grammar;
                const char *why = digest_problem(at + 1, strlen(at + 1), &grammar);
                if (why && !grammar)
                        return bad(s, "invalid reference format", err, errlen);
                if (strlen(domain) + 1 + pathlen > NAME_TOTAL_MAX)
                        return bad(s, "repository name must not be more than 255 characters",
                                   err, errlen);
                if (why)
                        return bad(s, why, err, errlen);
        }
        if (strlen(domain) + 1 + pathlen > NAME_TOTAL_MAX)
                return bad(s, "repository name must not be more than 255 characters", err,
                           errlen);
        ret->path = xstrndup(remainder, pathlen);
        if (lastcolon)
                ret->tag = xstrndup(lastcolon + 1, before - pathlen - 1);
        if (at)
                ret->digest = xstrdup(at + 1);
        if (!ret->tag && !ret->digest) {
                ret->tag = xstrdup("latest");
                ret->tag_implied = true;
        }
        ret->domain = TAKE_PTR(domain);
        return 0;
}

char *registry_ref_name(const struct registry_ref *r)
{
        return xasprintf("%s/%s", r->domain, r->path);
}

char *registry_ref_string(const struct registry_ref *r)
{
        if (r->digest)
                return xasprintf("%s/%s@%s", r->domain, r->path, r->digest);
        return xasprintf("%s/%s:%s", r->domain, r->path, r->tag ? r->tag : "latest");
}

const char *registry_default_pull_policy(const char *image)
{
        struct registry_ref r;
        char err[256];
        if (registry_ref_parse(image, &r, err, sizeof(err)) < 0)
                return "IfNotPresent";
        bool always = r.tag && streq(r.tag, "latest");
        registry_ref_release(&r);
        return always ? "Always" : "IfNotPresent";
}
