/* auth.c — imagePullSecrets → registry credentials, with the kubelet's matching rules.
 *
 * The kubelet (pkg/credentialprovider) turns every dockerconfigjson/dockercfg Secret of a
 * pod into one keyring, matches keys against the image's registry host and repository
 * path (keys may carry a scheme, a port, a path prefix and "*" per DNS label; the legacy
 * "https://index.docker.io/v1/" key means docker.io), sorts the matches most specific
 * first and tries them in turn.  We do the same so a Secret that works with a kubelet
 * works here.  Secret bytes are decoded into memory only as long as the pull needs them,
 * and are wiped on release.
 */
#include <fnmatch.h>
#include <openssl/evp.h>
#include "registry/registry_int.h"

#define MAX_SECRET_DOC (1u << 20)

void reg_cred_release(struct reg_cred *c)
{
        if (c->password)
                explicit_bzero(c->password, strlen(c->password));
        if (c->identity_token)
                explicit_bzero(c->identity_token, strlen(c->identity_token));
        free(c->username);
        free(c->password);
        free(c->identity_token);
        *c = (struct reg_cred){0};
}

static bool is_docker_hub(const char *h, size_t n)
{
        return (n == 9 && !memcmp(h, "docker.io", 9)) ||
               (n == 15 && !memcmp(h, "index.docker.io", 15)) ||
               (n == 20 && !memcmp(h, "registry-1.docker.io", 20));
}

/* Host globs: same number of labels, fnmatch per label; ports compared exactly. */
static bool host_matches(const char *glob, size_t gl, const char *host)
{
        _cleanup_free_ char *g = xstrndup(glob, gl), *h = xstrdup(host);
        char *gport = strrchr(g, ':'), *hport = strrchr(h, ':');
        if (gport && strchr(gport, ']'))
                gport = NULL;
        if (hport && strchr(hport, ']'))
                hport = NULL;
        if (gport)
                *gport++ = 0;
        if (hport)
                *hport++ = 0;
        if (!streq(gport ? gport : "", hport ? hport : ""))
                return false;
        if (is_docker_hub(g, strlen(g)) && is_docker_hub(h, strlen(h)))
                return true;
        char *gs = NULL, *hs = NULL;
        char *gl_ = strtok_r(g, ".", &gs), *hl = strtok_r(h, ".", &hs);
        while (gl_ && hl) {
                if (fnmatch(gl_, hl, FNM_CASEFOLD) != 0)
                        return false;
                gl_ = strtok_r(NULL, ".", &gs);
                hl = strtok_r(NULL, ".", &hs);
        }
        return !gl_ && !hl;
}

bool reg_cred_key_matches(const char *key, const char *host, const char *path)
{
        if (startswith(key, "https://"))
                key += 8;
        else if (startswith(key, "http://"))
                key += 7;
        const char *slash = strchr(key, '/');
        size_t kl = slash ? (size_t)(slash - key) : strlen(key);
        if (kl == 0 || !host_matches(key, kl, host))
                return false;
        if (!slash)
                return true;
        const char *kp = slash + 1;
        size_t kpl = strlen(kp);
        while (kpl > 0 && kp[kpl - 1] == '/')
                kpl--;
        if (kpl == 0)
                return true;
        if (is_docker_hub(key, kl) && ((kpl == 2 && !memcmp(kp, "v1", 2)) ||
                                       (kpl == 2 && !memcmp(kp, "v2", 2))))
                return true;
        return strncmp(path, kp, kpl) == 0 && (path[kpl] == 0 || path[kpl] == '/');
}

static char *b64_decode(const char *s, size_t *ret_len)
{
        size_t n = strlen(s);
        if (n > MAX_SECRET_DOC)
                return NULL;
        char *out = xmalloc(n + 4);
        int k = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
        if (k < 0) {
                free(out);
                return NULL;
        }
        while (n > 0 && s[n - 1] == '=') {
                n--;
                k--;
        }
        out[k] = 0;
        *ret_len = (size_t)k;
        return out;
}

struct keyed {
        char *key;
        struct reg_cred cred;
};

static int cmp_keyed(const void *a, const void *b)
{
        /* reverse lexicographic: the kubelet's "most specific first" */
        return -strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

static void collect(json_t *auths, const char *host, const char *path, struct keyed **v,
                    size_t *n)
{
        const char *key;
        json_t *e;
        json_object_foreach(auths, key, e)
        {
                if (!json_is_object(e) || !reg_cred_key_matches(key, host, path))
                        continue;
                struct reg_cred c = {0};
                const char *u = json_string_value(json_object_get(e, "username"));
                const char *p = json_string_value(json_object_get(e, "password"));
                const char *a = json_string_value(json_object_get(e, "auth"));
                const char *t = json_string_value(json_object_get(e, "identitytoken"));
                if (u && *u) {
                        c.username = xstrdup(u);
                        c.password = xstrdup(p ? p : "");
                } else if (a && *a && reg_decode_auth(a, &c.username, &c.password) < 0) {
                        continue;
                }
                if (t && *t)
                        c.identity_token = xstrdup(t);
                if (!c.username && !c.identity_token)
                        continue;
                *v = xrealloc(*v, (*n + 1) * sizeof(**v));
                (*v)[(*n)++] = (struct keyed){xstrdup(key), c};
        }
}

size_t reg_creds_from_secrets(json_t *secrets, const char *host, const char *path,
                              struct reg_cred **v, size_t *n)
{
        if (!json_is_array(secrets))
                return 0;
        struct keyed *found = NULL;
        size_t nfound = 0;
        size_t i;
        json_t *sec;
        json_array_foreach(secrets, i, sec)
        {
                const char *type = jstr(sec, "type");
                json_t *data = jget(sec, "data");
                const char *b64 = NULL;
                bool cfgjson = false;
                if (streq(type, "kubernetes.io/dockerconfigjson")) {
                        b64 = json_string_value(json_object_get(data, ".dockerconfigjson"));
                        cfgjson = true;
                } else if (streq(type, "kubernetes.io/dockercfg")) {
                        b64 = json_string_value(json_object_get(data, ".dockercfg"));
                }
                if (!b64)
                        continue;
                size_t len = 0;
                char *raw = b64_decode(b64, &len);
                if (!raw)
                        continue;
                char perr[128];
                json_t *doc = jparse(raw, len, 16, perr, sizeof(perr));
                explicit_bzero(raw, len);
                free(raw);
                if (!doc)
                        continue;
                collect(cfgjson ? json_object_get(doc, "auths") : doc, host, path, &found,
                        &nfound);
                json_decref(doc);
        }
        if (nfound > 1)
                qsort(found, nfound, sizeof(*found), cmp_keyed);
        for (size_t k = 0; k < nfound; k++) {
                *v = xrealloc(*v, (*n + 1) * sizeof(**v));
                (*v)[(*n)++] = found[k].cred;
                free(found[k].key);
        }
        free(found);
        return nfound;
}
