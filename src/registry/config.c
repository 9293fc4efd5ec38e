/* config.c — <data-dir>/registries.yaml (or .json): where images come from.
 *
 * The shape is k3s's registries.yaml, because operators of TKEStack-style clusters
 * already write it and because it separates the two questions cleanly: *which endpoints
 * serve a registry host* (mirrors) and *how to talk to an endpoint host* (configs):
 *
 *   mirrors:
 *     docker.io:
 *       endpoint: ["http://127.0.0.1:5000"]   # tried in order
 *       disable_default_endpoint: true         # do not fall back to registry-1.docker.io
 *   configs:
 *     "127.0.0.1:5000":
 *       insecure: true                         # plain HTTP (docker's insecure-registries)
 *       auth: {username: u, password: p}       # or auth: base64("u:p"), identity_token
 *       tls: {insecure_skip_verify: true, ca_file: /path/ca.pem,
 *             cert_file: /path/client.pem, key_file: /path/client.key}
 *   max_concurrent_downloads: 3                # layers of one pull at once
 *   max_parallel_layers: 6                     # layer pipelines across all pulls
 *   max_layer_bytes: 17179869184               # unpacked bytes per layer
 *
 * "*" works as a wildcard key in both maps.  The document is converted once into plain
 * structs so that pulls on many threads read it without locks.  Passwords stay inside
 * this struct and the HTTP client; no message ever prints them.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <yaml.h>
#include <openssl/evp.h>
#include "base/buf.h"
#include "registry/registry_int.h"

#define MAX_CONFIG_FILE (1u << 20)

static void host_cfg_release(struct reg_host *h)
{
        free(h->host);
        for (size_t i = 0; i < h->n_endpoints; i++)
                free(h->endpoints[i]);
        free(h->endpoints);
        free(h->username);
        if (h->password)
                explicit_bzero(h->password, strlen(h->password));
        free(h->password);
        free(h->identity_token);
        free(h->ca_file);
        free(h->cert_file);
        free(h->key_file);
        *h = (struct reg_host){0};
}

void registry_config_free(struct registry_config *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < c->n_mirrors; i++)
                host_cfg_release(&c->mirrors[i]);
        for (size_t i = 0; i < c->n_configs; i++)
                host_cfg_release(&c->configs[i]);
        free(c->mirrors);
        free(c->configs);
        free(c);
}

/* base64("user:pass") → user, pass */
int reg_decode_auth(const char *b64, char **ret_user, char **ret_pass)
{
        size_t n = strlen(b64);
        if (n == 0 || n > 16384)
                return -EINVAL;
        _cleanup_free_ unsigned char *out = xmalloc(n + 4);
        int k = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
        if (k < 0)
                return -EINVAL;
        /* EVP_DecodeBlock counts padding as zero bytes */
        while (n > 0 && b64[n - 1] == '=') {
                n--;
                k--;
        }
        out[k] = 0;
        char *colon = memchr(out, ':', (size_t)k);
        if (!colon)
                return -EINVAL;
        *ret_user = xstrndup((char *)out, (size_t)(colon - (char *)out));
        *ret_pass = xstrndup(colon + 1, (size_t)k - (size_t)(colon - (char *)out) - 1);
        explicit_bzero(out, n);
        return 0;
}

static const char *jstr_any(json_t *o, const char *a, const char *b)
{
        const char *v = json_string_value(json_object_get(o, a));
        return v ? v : json_string_value(json_object_get(o, b));
}

static bool jtrue(json_t *o, const char *key)
{
        json_t *v = json_object_get(o, key);
        return json_is_true(v) || (json_is_string(v) && streq(json_string_value(v), "true"));
}

static int parse_configs(json_t *configs, struct registry_config *c, char *err, size_t errlen)
{
        if (!configs)
                return 0;
        if (!json_is_object(configs)) {
                snprintf(err, errlen, "registries: \"configs\" must be a map of host → settings");
                return -EINVAL;
        }
        c->configs = xcalloc(json_object_size(configs) + 1, sizeof(*c->configs));
        const char *host;
        json_t *v;
        json_object_foreach(configs, host, v)
        {
                if (!json_is_object(v)) {
                        snprintf(err, errlen, "registries: configs[\"%s\"] must be a map", host);
                        return -EINVAL;
                }
                struct reg_host *h = &c->configs[c->n_configs++];
                h->host = xstrdup(host);
                h->insecure = jtrue(v, "insecure") || jtrue(v, "plain_http");
                json_t *auth = json_object_get(v, "auth");
                if (auth && json_is_object(auth)) {
                        const char *u = jstr_any(auth, "username", "Username");
                        const char *p = jstr_any(auth, "password", "Password");
                        const char *a = jstr_any(auth, "auth", "Auth");
                        const char *t = jstr_any(auth, "identity_token", "identitytoken");
                        if (u && p) {
                                h->username = xstrdup(u);
                                h->password = xstrdup(p);
                        } else if (a && reg_decode_auth(a, &h->username, &h->password) < 0) {
                                snprintf(err, errlen,
                                         "registries: configs[\"%s\"].auth.auth is not "
                                         "base64(user:password)",
                                         host);
                                return -EINVAL;
                        }
                        if (t)
                                h->identity_token = xstrdup(t);
                }
                json_t *tls = json_object_get(v, "tls");
                if (tls && json_is_object(tls)) {
                        h->skip_verify = jtrue(tls, "insecure_skip_verify");
                        const char *ca = json_string_value(json_object_get(tls, "ca_file"));
                        const char *cf = json_string_value(json_object_get(tls, "cert_file"));
                        const char *kf = json_string_value(json_object_get(tls, "key_file"));
                        if (ca)
                                h->ca_file = xstrdup(ca);
                        if (cf)
                                h->cert_file = xstrdup(cf);
                        if (kf)
                                h->key_file = xstrdup(kf);
                }
        }
        return 0;
}

static int parse_mirrors(json_t *mirrors, struct registry_config *c, char *err, size_t errlen)
{
        if (!mirrors)
                return 0;
        if (!json_is_object(mirrors)) {
                snprintf(err, errlen, "registries: \"mirrors\" must be a map of host → endpoints");
                return -EINVAL;
        }
        c->mirrors = xcalloc(json_object_size(mirrors) + 1, sizeof(*c->mirrors));
        const char *host;
        json_t *v;
        json_object_foreach(mirrors, host, v)
        {
                json_t *eps = json_object_get(v, "endpoint");
                if (!eps)
                        eps = json_object_get(v, "endpoints");
                if (!json_is_array(eps) || json_array_size(eps) > 32) {
                        snprintf(err, errlen,
                                 "registries: mirrors[\"%s\"].endpoint must be a list of URLs", host);
                        return -EINVAL;
                }
                struct reg_host *h = &c->mirrors[c->n_mirrors++];
                h->host = xstrdup(host);
                h->disable_default = jtrue(v, "disable_default_endpoint");
                h->endpoints = xcalloc(json_array_size(eps) + 1, sizeof(char *));
                size_t i;
                json_t *e;
                json_array_foreach(eps, i, e)
                {
                        const char *u = json_string_value(e);
                        if (!u || !*u || strlen(u) > 1024 ||
                            (strstr(u, "://") && !startswith(u, "http://") &&
                             !startswith(u, "https://"))) {
                                snprintf(err, errlen,
                                         "registries: mirrors[\"%s\"].endpoint[%zu] is not an "
                                         "http(s) URL",
                                         host, i);
                                return -EINVAL;
                        }
                        char *url = strstr(u, "://") ? xstrdup(u) : xasprintf("https://%s", u);
                        size_t n = strlen(url);
                        while (n > 0 && url[n - 1] == '/')
                                url[--n] = 0;
                        if (n > 3 && streq(url + n - 3, "/v2"))
                                url[n - 3] = 0;
                        h->endpoints[h->n_endpoints++] = url;
                }
        }
        return 0;
}

int registry_config_from_json(json_t *doc, struct registry_config **ret, char *err, size_t errlen)
{
        struct registry_config *c = xcalloc(1, sizeof(*c));
        c->max_concurrent = 3;
        c->max_parallel_layers = 6;
        c->max_layer_bytes = 16ULL << 30;
        int r = 0;
        if (doc && !json_is_null(doc)) {
                if (!json_is_object(doc)) {
                        snprintf(err, errlen, "registries: the document must be a map");
                        r = -EINVAL;
                }
                if (r == 0)
                        r = parse_mirrors(json_object_get(doc, "mirrors"), c, err, errlen);
                if (r == 0)
                        r = parse_configs(json_object_get(doc, "configs"), c, err, errlen);
                json_t *m = json_object_get(doc, "max_concurrent_downloads");
                if (r == 0 && m) {
                        json_int_t v = json_is_integer(m) ? json_integer_value(m) : -1;
                        if (v < 1 || v > 16) {
                                snprintf(err, errlen,
                                         "registries: max_concurrent_downloads must be 1..16");
                                r = -EINVAL;
                        } else {
                                c->max_concurrent = (int)v;
                        }
                }
                json_t *mp = json_object_get(doc, "max_parallel_layers");
                if (r == 0 && mp) {
                        json_int_t v = json_is_integer(mp) ? json_integer_value(mp) : -1;
                        if (v < 1 || v > 64) {
                                snprintf(err, errlen, "registries: max_parallel_layers must be 1..64");
                                r = -EINVAL;
                        } else {
                                c->max_parallel_layers = (int)v;
                        }
                }
                if (r == 0 && c->max_parallel_layers < c->max_concurrent)
                        c->max_parallel_layers = c->max_concurrent;
                json_t *lb = json_object_get(doc, "max_layer_bytes");
                if (r == 0 && lb) {
                        if (!json_is_integer(lb) || json_integer_value(lb) < 1) {
                                snprintf(err, errlen, "registries: max_layer_bytes must be > 0");
                                r = -EINVAL;
                        } else {
                                c->max_layer_bytes = (uint64_t)json_integer_value(lb);
                        }
                }
        }
        if (r < 0) {
                registry_config_free(c);
                return r;
        }
        *ret = c;
        return 0;
}

/* ---- YAML → JSON (plain scalars true/false/integers become JSON values) ---- */
static json_t *yaml_node_json(yaml_document_t *d, yaml_node_t *n, int depth)
{
        if (!n || depth > 32)
                return NULL;
        switch (n->type) {
        case YAML_SCALAR_NODE: {
                const char *s = (const char *)n->data.scalar.value;
                size_t len = n->data.scalar.length;
                if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
                        if (streq(s, "true") || streq(s, "True"))
                                return json_true();
                        if (streq(s, "false") || streq(s, "False"))
                                return json_false();
                        if (streq(s, "null") || streq(s, "~") || len == 0)
                                return json_null();
                        char *end;
                        errno = 0;
                        long long v = strtoll(s, &end, 10);
                        if (*s && !*end && errno == 0)
                                return json_integer(v);
                }
                return json_stringn(s, len);
        }
        case YAML_SEQUENCE_NODE: {
                json_t *a = json_array();
                for (yaml_node_item_t *it = n->data.sequence.items.start;
                     it < n->data.sequence.items.top; it++) {
                        json_t *v = yaml_node_json(d, yaml_document_get_node(d, *it), depth + 1);
                        if (!v) {
                                json_decref(a);
                                return NULL;
                        }
                        json_array_append_new(a, v);
                }
                return a;
        }
        case YAML_MAPPING_NODE: {
                json_t *o = json_object();
                for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
                     p < n->data.mapping.pairs.top; p++) {
                        yaml_node_t *k = yaml_document_get_node(d, p->key);
                        json_t *v = yaml_node_json(d, yaml_document_get_node(d, p->value), depth + 1);
                        if (!k || k->type != YAML_SCALAR_NODE || !v) {
                                json_decref(v);
                                json_decref(o);
                                return NULL;
                        }
                        json_object_set_new(o, (const char *)k->data.scalar.value, v);
                }
                return o;
        }
        default:
                return NULL;
        }
}

static json_t *yaml_to_json(const char *data, size_t len, char *err, size_t errlen)
{
        yaml_parser_t p;
        yaml_document_t d;
        if (!yaml_parser_initialize(&p))
                return NULL;
        yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
        if (!yaml_parser_load(&p, &d)) {
                snprintf(err, errlen, "registries.yaml: %s at line %zu",
                         p.problem ? p.problem : "parse error", p.problem_mark.line + 1);
                yaml_parser_delete(&p);
                return NULL;
        }
        yaml_node_t *root = yaml_document_get_root_node(&d);
        json_t *j = root ? yaml_node_json(&d, root, 0) : json_null();
        if (!j)
                snprintf(err, errlen, "registries.yaml: unsupported structure (anchors, "
                                      "non-string keys or nesting deeper than 32)");
        yaml_document_delete(&d);
        yaml_parser_delete(&p);
        return j;
}

int reg_read_file(const char *path, size_t max, struct buf *ret)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        buf_init(ret, max);
        char tmp[16384];
        ssize_t n;
        while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        int e = -errno;
                        buf_release(ret);
                        return e;
                }
                if (buf_append(ret, tmp, (size_t)n) < 0) {
                        buf_release(ret);
                        return -EFBIG;
                }
        }
        return 0;
}

int registry_config_load(const char *data_dir, struct registry_config **ret, char *err,
                         size_t errlen)
{
        const char *names[] = {"registries.yaml", "registries.yml", "registries.json"};
        for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
                _cleanup_free_ char *path = xasprintf("%s/%s", data_dir, names[i]);
                struct buf b;
                int r = reg_read_file(path, MAX_CONFIG_FILE, &b);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        snprintf(err, errlen, "%s: %s", path, strerror(-r));
                        return r;
                }
                json_t *doc;
                char perr[256] = "";
                if (i < 2)
                        doc = yaml_to_json(b.data ? b.data : "", b.len, perr, sizeof(perr));
                else
                        doc = b.len ? jparse(b.data, b.len, 32, perr, sizeof(perr)) : json_null();
                buf_release(&b);
                if (!doc) {
                        snprintf(err, errlen, "%s: %s", path, perr[0] ? perr : "invalid");
                        return -EINVAL;
                }
                r = registry_config_from_json(doc, ret, err, errlen);
                json_decref(doc);
                return r;
        }
        return registry_config_from_json(NULL, ret, err, errlen);
}

/* Lookup with "*" as the fallback key. */
static const struct reg_host *find_host(const struct reg_host *v, size_t n, const char *host)
{
        const struct reg_host *star = NULL;
        for (size_t i = 0; i < n; i++) {
                if (streq(v[i].host, host))
                        return &v[i];
                if (streq(v[i].host, "*"))
                        star = &v[i];
        }
        return star;
}

const struct reg_host *reg_config_host(const struct registry_config *c, const char *host)
{
        return c ? find_host(c->configs, c->n_configs, host) : NULL;
}

const struct reg_host *reg_config_mirror(const struct registry_config *c, const char *host)
{
        return c ? find_host(c->mirrors, c->n_mirrors, host) : NULL;
}
