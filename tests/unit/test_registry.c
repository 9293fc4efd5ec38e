/* test_registry.c — the registry module's pure parts: reference normalisation with
 * docker/distribution's rules and messages, registries.yaml/json, imagePullSecret
 * matching, the tar stream guard (fed in odd-sized pieces), and the Pulled event text. */
#include <fcntl.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include "harness.h"
#include "base/buf.h"
#include "image/safepath.h"
#include "registry/registry_int.h"

static const char *HEX64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static char *norm(const char *s)
{
        struct registry_ref r;
        char err[1024];
        if (registry_ref_parse(s, &r, err, sizeof(err)) < 0)
                return xasprintf("ERR %s", err);
        char *out = registry_ref_string(&r);
        registry_ref_release(&r);
        return out;
}

#define CHECK_NORM(in, want)                                                                   \
        do {                                                                                   \
                char *_g = norm(in);                                                           \
                CHECK_STR(_g, want);                                                           \
                free(_g);                                                                      \
        } while (0)

TEST(ref_normalise)
{
        CHECK_NORM("perl", "docker.io/library/perl:latest");
        CHECK_NORM("perl:5.36", "docker.io/library/perl:5.36");
        CHECK_NORM("library/perl", "docker.io/library/perl:latest");
        CHECK_NORM("user/repo", "docker.io/user/repo:latest");
        CHECK_NORM("docker.io/perl", "docker.io/library/perl:latest");
        CHECK_NORM("index.docker.io/perl:1", "docker.io/library/perl:1");
        CHECK_NORM("localhost/foo", "localhost/foo:latest");
        CHECK_NORM("localhost:5000/foo/bar:v1.0-rc_1", "localhost:5000/foo/bar:v1.0-rc_1");
        CHECK_NORM("127.0.0.1:5000/a/b/c", "127.0.0.1:5000/a/b/c:latest");
        CHECK_NORM("gcr.io/k8s-staging/pause:3.9", "gcr.io/k8s-staging/pause:3.9");
        CHECK_NORM("[::1]:5000/foo", "[::1]:5000/foo:latest");
        CHECK_NORM("Foo/bar", "Foo/bar:latest"); /* an uppercase first part is a domain */
        CHECK_NORM("foo__bar-----baz.q", "docker.io/library/foo__bar-----baz.q:latest");
        _cleanup_free_ char *d = xasprintf("perl@sha256:%s", HEX64);
        _cleanup_free_ char *dw = xasprintf("docker.io/library/perl@sha256:%s", HEX64);
        CHECK_NORM(d, dw);
        _cleanup_free_ char *td = xasprintf("perl:5.36@sha256:%s", HEX64);
        CHECK_NORM(td, dw);

        struct registry_ref r;
        char err[256];
        CHECK_INT(registry_ref_parse("127.0.0.1:5000/team/app:v2", &r, err, sizeof(err)), 0);
        CHECK_STR(r.domain, "127.0.0.1:5000");
        CHECK_STR(r.path, "team/app");
        CHECK_STR(r.tag, "v2");
        CHECK(!r.digest && !r.tag_implied);
        registry_ref_release(&r);
        CHECK_INT(registry_ref_parse("perl", &r, err, sizeof(err)), 0);
        CHECK(r.tag_implied);
        _cleanup_free_ char *name = registry_ref_name(&r);
        CHECK_STR(name, "docker.io/library/perl");
        registry_ref_release(&r);
}

TEST(ref_invalid)
{
        CHECK_NORM("Perl", "ERR couldn't parse image name \"Perl\": invalid reference format: "
                           "repository name (library/Perl) must be lowercase");
        CHECK_NORM("foo/Bar:v1", "ERR couldn't parse image name \"foo/Bar:v1\": invalid reference "
                                 "format: repository name (foo/Bar) must be lowercase");
        CHECK_NORM("perl:", "ERR couldn't parse image name \"perl:\": invalid reference format");
        CHECK_NORM(":tag", "ERR couldn't parse image name \":tag\": invalid reference format");
        CHECK_NORM("foo//bar", "ERR couldn't parse image name \"foo//bar\": invalid reference format");
        CHECK_NORM("foo/-bar", "ERR couldn't parse image name \"foo/-bar\": invalid reference format");
        CHECK_NORM("foo___bar", "ERR couldn't parse image name \"foo___bar\": invalid reference format");
        CHECK_NORM("foo..bar", "ERR couldn't parse image name \"foo..bar\": invalid reference format");
        CHECK_NORM("a b", "ERR couldn't parse image name \"a b\": invalid reference format");
        CHECK_NORM("host:port/x", "ERR couldn't parse image name \"host:port/x\": invalid reference format");
        CHECK_NORM("-host.com/x", "ERR couldn't parse image name \"-host.com/x\": invalid reference format");
        CHECK_NORM("", "ERR couldn't parse image name \"\": repository name must have at least one component");
        CHECK_NORM("perl@sha256:abc", "ERR couldn't parse image name \"perl@sha256:abc\": invalid reference format");
        _cleanup_free_ char *short32 = xasprintf("perl@sha256:%.32s", HEX64);
        _cleanup_free_ char *want32 = xasprintf("ERR couldn't parse image name \"%s\": invalid checksum digest length", short32);
        CHECK_NORM(short32, want32);
        _cleanup_free_ char *upper = xasprintf("perl@sha256:%s", "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef");
        _cleanup_free_ char *wantu = xasprintf("ERR couldn't parse image name \"%s\": invalid checksum digest format", upper);
        CHECK_NORM(upper, wantu);
        _cleanup_free_ char *md5 = xasprintf("perl@md5:%s", HEX64);
        _cleanup_free_ char *wantm = xasprintf("ERR couldn't parse image name \"%s\": unsupported digest algorithm", md5);
        CHECK_NORM(md5, wantm);
        _cleanup_free_ char *want64 = xasprintf("ERR couldn't parse image name \"%s\": invalid repository name (%s), cannot specify 64-byte hexadecimal strings", HEX64, HEX64);
        CHECK_NORM(HEX64, want64);
        char longname[300];
        memset(longname, 'a', 260);
        longname[260] = 0;
        char *g = norm(longname);
        CHECK(strstr(g, "repository name must not be more than 255 characters") != NULL);
        free(g);
        char longtag[200] = "perl:";
        memset(longtag + 5, 't', 129);
        longtag[134] = 0;
        g = norm(longtag);
        CHECK(strstr(g, "invalid reference format") != NULL);
        free(g);
}

TEST(default_pull_policy)
{
        CHECK_STR(registry_default_pull_policy("perl"), "Always");
        CHECK_STR(registry_default_pull_policy("perl:latest"), "Always");
        CHECK_STR(registry_default_pull_policy("perl:5.36"), "IfNotPresent");
        _cleanup_free_ char *d = xasprintf("perl@sha256:%s", HEX64);
        CHECK_STR(registry_default_pull_policy(d), "IfNotPresent");
        _cleanup_free_ char *ld = xasprintf("perl:latest@sha256:%s", HEX64);
        CHECK_STR(registry_default_pull_policy(ld), "Always");
}

TEST(config_json_and_yaml)
{
        char err[1024];
        struct registry_config *c = NULL;
        json_t *doc = json_pack("{s:{s:{s:[s,s], s:b}}, s:{s:{s:b, s:{s:s, s:s}}, s:{s:{s:s}}}, s:i}",
                                "mirrors", "docker.io", "endpoint", "http://127.0.0.1:5000/v2/",
                                "mirror.example.com", "disable_default_endpoint", 1, "configs",
                                "127.0.0.1:5000", "insecure", 1, "auth", "username", "u",
                                "password", "p", "reg.example.com", "auth", "auth", "dTpw",
                                "max_concurrent_downloads", 5);
        CHECK_INT(registry_config_from_json(doc, &c, err, sizeof(err)), 0);
        json_decref(doc);
        const struct reg_host *m = reg_config_mirror(c, "docker.io");
        CHECK(m != NULL);
        CHECK_INT(m->n_endpoints, 2);
        CHECK_STR(m->endpoints[0], "http://127.0.0.1:5000");
        CHECK_STR(m->endpoints[1], "https://mirror.example.com");
        CHECK(m->disable_default);
        CHECK(reg_config_mirror(c, "quay.io") == NULL);
        const struct reg_host *h = reg_config_host(c, "127.0.0.1:5000");
        CHECK(h && h->insecure);
        CHECK_STR(h->username, "u");
        CHECK_STR(h->password, "p");
        h = reg_config_host(c, "reg.example.com");
        CHECK_STR(h->username, "u");
        CHECK_STR(h->password, "p");
        CHECK_INT(c->max_concurrent, 5);
        registry_config_free(c);

        /* YAML file in a data dir, k3s style, with a "*" wildcard */
        char dir[] = "/tmp/jobd-test-regcfg-XXXXXX";
        CHECK(mkdtemp(dir) != NULL);
        _cleanup_free_ char *p = xasprintf("%s/registries.yaml", dir);
        FILE *f = fopen(p, "we");
        fputs("mirrors:\n  \"*\":\n    endpoint:\n      - \"http://127.0.0.1:5001\"\n"
              "configs:\n  \"127.0.0.1:5001\":\n    tls:\n      insecure_skip_verify: true\n"
              "max_layer_bytes: 1048576\n",
              f);
        fclose(f);
        CHECK_INT(registry_config_load(dir, &c, err, sizeof(err)), 0);
        m = reg_config_mirror(c, "quay.io");
        CHECK(m && m->n_endpoints == 1 && streq(m->endpoints[0], "http://127.0.0.1:5001"));
        h = reg_config_host(c, "127.0.0.1:5001");
        CHECK(h && h->skip_verify);
        CHECK_INT(c->max_layer_bytes, 1048576);
        registry_config_free(c);

        f = fopen(p, "we");
        fputs("mirrors:\n  docker.io:\n    endpoint: \"not-a-list\"\n", f);
        fclose(f);
        CHECK(registry_config_load(dir, &c, err, sizeof(err)) == -EINVAL);
        CHECK(strstr(err, "mirrors[\"docker.io\"].endpoint must be a list") != NULL);
        f = fopen(p, "we");
        fputs("mirrors: [unclosed\n", f);
        fclose(f);
        CHECK(registry_config_load(dir, &c, err, sizeof(err)) == -EINVAL);
        CHECK(strstr(err, "registries.yaml") != NULL);
        unlink(p);
        /* no file at all: defaults */
        CHECK_INT(registry_config_load(dir, &c, err, sizeof(err)), 0);
        CHECK_INT(c->max_concurrent, 3);
        CHECK(reg_config_mirror(c, "docker.io") == NULL);
        registry_config_free(c);
        rmdir(dir);
}

static char *b64(const char *s)
{
        size_t n = strlen(s);
        char *out = xmalloc(4 * ((n + 2) / 3) + 1);
        EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
        return out;
}

TEST(pull_secrets)
{
        CHECK(reg_cred_key_matches("https://index.docker.io/v1/", "docker.io", "library/perl"));
        CHECK(reg_cred_key_matches("docker.io", "docker.io", "library/perl"));
        CHECK(reg_cred_key_matches("127.0.0.1:5000", "127.0.0.1:5000", "private/app"));
        CHECK(!reg_cred_key_matches("127.0.0.1:5000", "127.0.0.1:5001", "private/app"));
        CHECK(!reg_cred_key_matches("127.0.0.1", "127.0.0.1:5000", "private/app"));
        CHECK(reg_cred_key_matches("http://127.0.0.1:5000/private", "127.0.0.1:5000", "private/app"));
        CHECK(!reg_cred_key_matches("127.0.0.1:5000/privateer", "127.0.0.1:5000", "private/app"));
        CHECK(reg_cred_key_matches("*.example.com", "reg.example.com", "x"));
        CHECK(!reg_cred_key_matches("*.example.com", "a.reg.example.com", "x"));
        CHECK(!reg_cred_key_matches("example.com", "docker.io", "x"));

        _cleanup_free_ char *auth = b64("alice:s3cret");
        _cleanup_free_ char *cfgjson = xasprintf(
                "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"%s\"},"
                "\"127.0.0.1:5000/private\":{\"username\":\"bob\",\"password\":\"pw\"},"
                "\"other.example.com\":{\"username\":\"x\",\"password\":\"y\"}}}",
                auth);
        _cleanup_free_ char *dockercfg = xstrdup("{\"https://index.docker.io/v1/\":{\"username\":\"hub\",\"password\":\"hp\",\"email\":\"e\"}}");
        _cleanup_free_ char *e1 = b64(cfgjson), *e2 = b64(dockercfg);
        _cleanup_json_ json_t *secrets = json_pack(
                "[{s:s, s:{s:s}}, {s:s, s:{s:s}}, {s:s, s:{s:s}}]", "type",
                "kubernetes.io/dockerconfigjson", "data", ".dockerconfigjson", e1, "type",
                "kubernetes.io/dockercfg", "data", ".dockercfg", e2, "type", "Opaque", "data",
                "x", "eA==");
        struct reg_cred *v = NULL;
        size_t n = 0;
        CHECK_INT(reg_creds_from_secrets(secrets, "127.0.0.1:5000", "private/app", &v, &n), 2);
        CHECK_INT(n, 2);
        if (n == 2) { /* the more specific key first */
                CHECK_STR(v[0].username, "bob");
                CHECK_STR(v[1].username, "alice");
                CHECK_STR(v[1].password, "s3cret");
        }
        for (size_t i = 0; i < n; i++)
                reg_cred_release(&v[i]);
        free(v);
        v = NULL;
        n = 0;
        /* a pod without imagePullSecrets: an empty array */
        _cleanup_json_ json_t *none = json_array();
        CHECK_INT(reg_creds_from_secrets(none, "docker.io", "library/perl", &v, &n), 0);
        CHECK_INT(reg_creds_from_secrets(secrets, "example.org", "x", &v, &n), 0);
        CHECK(v == NULL && n == 0);
        CHECK_INT(reg_creds_from_secrets(secrets, "docker.io", "library/perl", &v, &n), 1);
        if (n == 1)
                CHECK_STR(v[0].username, "hub");
        for (size_t i = 0; i < n; i++)
                reg_cred_release(&v[i]);
        free(v);
}

/* ---- guard ---- */
static void tar_hdr(struct buf *b, const char *name, char type, const char *link, uint64_t size,
                    const char *data)
{
        char h[512] = {0};
        snprintf(h, 100, "%s", name);
        snprintf(h + 100, 8, "%07o", 0644);
        snprintf(h + 108, 8, "%07o", 0);
        snprintf(h + 116, 8, "%07o", 0);
        snprintf(h + 124, 12, "%011llo", (unsigned long long)size);
        snprintf(h + 136, 12, "%011o", 0);
        h[156] = type;
        if (link)
                snprintf(h + 157, 100, "%s", link);
        memcpy(h + 257, "ustar", 6);
        memcpy(h + 263, "00", 2);
        memset(h + 148, ' ', 8);
        unsigned sum = 0;
        for (int i = 0; i < 512; i++)
                sum += (unsigned char)h[i];
        snprintf(h + 148, 8, "%06o", sum);
        CHECK(buf_append(b, h, 512) == 0);
        if (data) {
                size_t n = strlen(data);
                CHECK(buf_append(b, data, n) == 0);
                char z[512] = {0};
                CHECK(buf_append(b, z, (512 - n % 512) % 512) == 0);
        }
}

static void pax(struct buf *b, const char *key, const char *val)
{
        char rec[600];
        size_t base = strlen(key) + strlen(val) + 3, len = base + 1;
        while (snprintf(NULL, 0, "%zu", len) + base != len)
                len++;
        snprintf(rec, sizeof(rec), "%zu %s=%s\n", len, key, val);
        tar_hdr(b, "PaxHeaders/x", 'x', NULL, strlen(rec), rec);
}

static int guard_run(struct buf *b, size_t piece, char *err, size_t errlen)
{
        char z[1024] = {0};
        CHECK(buf_append(b, z, sizeof(z)) == 0);
        struct reg_guard g;
        reg_guard_init(&g, 1u << 20);
        int r = 0;
        for (size_t off = 0; off < b->len && r == 0; off += piece)
                r = reg_guard_feed(&g, b->data + off, b->len - off < piece ? b->len - off : piece);
        snprintf(err, errlen, "%s", g.err);
        reg_guard_release(&g);
        buf_release(b);
        return r;
}

TEST(guard)
{
        char err[1024];
        size_t pieces[] = {1, 7, 512, 100000};
        for (size_t i = 0; i < ARRAY_SIZE(pieces); i++) {
                struct buf b;
                buf_init(&b, 0);
                tar_hdr(&b, "etc/", '5', NULL, 0, NULL);
                tar_hdr(&b, "etc/hostname", '0', NULL, 5, "hello");
                tar_hdr(&b, "bin/sh", '2', "/bin/busybox", 0, NULL);
                tar_hdr(&b, "bin/ln", '1', "bin/sh", 0, NULL);
                tar_hdr(&b, "etc/.wh..wh..opq", '0', NULL, 0, "");
                tar_hdr(&b, "run/fifo", '6', NULL, 0, NULL);
                pax(&b, "path", "usr/share/a-very-long-name");
                tar_hdr(&b, "short", '0', NULL, 3, "abc");
                CHECK_INT(guard_run(&b, pieces[i], err, sizeof(err)), 0);
        }
        struct {
                const char *name;
                char type;
                const char *link;
                uint64_t size;
                const char *want;
        } bad[] = {
                {"/etc/passwd", '0', NULL, 0, "absolute path in archive: /etc/passwd"},
                {"../escape", '0', NULL, 0, "\"..\" in archive path: ../escape"},
                {"a/../../b", '5', NULL, 0, "\"..\" in archive path: a/../../b"},
                {"dev/sda", '4', NULL, 0, "device node in archive: dev/sda"},
                {"dev/null", '3', NULL, 0, "device node in archive: dev/null"},
                {"etc/shadow", '1', "/etc/shadow", 0, "hard link target outside the layer: etc/shadow"},
                {"x", '1', "../../etc/shadow", 0, "hard link target outside the layer: x"},
                {"big", '0', NULL, 2u << 20, "entry of 2097152 bytes exceeds the layer limit of 1048576"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                struct buf b;
                buf_init(&b, 0);
                tar_hdr(&b, "ok", '0', NULL, 2, "ok");
                tar_hdr(&b, bad[i].name, bad[i].type, bad[i].link, bad[i].size, NULL);
                CHECK_INT(guard_run(&b, 13, err, sizeof(err)), -EBADMSG);
                if (!strstr(err, bad[i].want))
                        fprintf(stderr, "  guard message: %s (want %s)\n", err, bad[i].want);
                CHECK(strstr(err, bad[i].want) != NULL);
        }
        /* writing through a symlink of the same layer that points outside it */
        const char *links[][3] = {
                {"evil", "/tmp", "evil/pwned"},
                {"a/b/evil", "../../../etc", "a/b/evil/passwd"},
                {"./evil/", "..", "evil/x/y"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
                struct buf lb;
                buf_init(&lb, 0);
                tar_hdr(&lb, links[i][0], '2', links[i][1], 0, NULL);
                tar_hdr(&lb, links[i][2], '0', NULL, 1, "x");
                CHECK_INT(guard_run(&lb, 11, err, sizeof(err)), -EBADMSG);
                CHECK(strstr(err, "symlink pointing outside the layer") != NULL);
        }
        /* links that stay inside, or are never written through, are fine */
        struct buf lb;
        buf_init(&lb, 0);
        tar_hdr(&lb, "usr/lib/libc.so", '2', "../../lib/libc.so.6", 0, NULL);
        tar_hdr(&lb, "lib", '2', "usr/lib", 0, NULL);
        tar_hdr(&lb, "lib/x", '0', NULL, 1, "x");
        tar_hdr(&lb, "etc/mtab", '2', "/proc/self/mounts", 0, NULL);
        tar_hdr(&lb, "etc/mtab2", '0', NULL, 1, "x");
        CHECK_INT(guard_run(&lb, 11, err, sizeof(err)), 0);
        /* a pax path override is what counts, not the ustar name */
        struct buf b;
        buf_init(&b, 0);
        pax(&b, "path", "/etc/cron.d/evil");
        tar_hdr(&b, "harmless", '0', NULL, 1, "x");
        CHECK_INT(guard_run(&b, 5, err, sizeof(err)), -EBADMSG);
        CHECK(strstr(err, "/etc/cron.d/evil") != NULL);
        /* GNU long names too */
        buf_init(&b, 0);
        tar_hdr(&b, "././@LongLink", 'L', NULL, 20, "../../../../tmp/evil");
        tar_hdr(&b, "harmless", '0', NULL, 1, "x");
        CHECK_INT(guard_run(&b, 64, err, sizeof(err)), -EBADMSG);
        CHECK(strstr(err, "../../../../tmp/evil") != NULL);
        /* data after the end-of-archive marker is ignored */
        buf_init(&b, 0);
        tar_hdr(&b, "a", '0', NULL, 1, "x");
        char z[1024] = {0};
        CHECK(buf_append(&b, z, sizeof(z)) == 0);
        tar_hdr(&b, "/after/end", '0', NULL, 0, NULL);
        CHECK_INT(guard_run(&b, 100, err, sizeof(err)), 0);
}

TEST(unpack_pipeline)
{
        char dir[] = "/tmp/jobd-test-unpack-XXXXXX";
        CHECK(mkdtemp(dir) != NULL);
        struct buf b;
        buf_init(&b, 0);
        tar_hdr(&b, "etc/", '5', NULL, 0, NULL);
        tar_hdr(&b, "etc/hostname", '0', NULL, 5, "hello");
        char z[1024] = {0};
        CHECK(buf_append(&b, z, sizeof(z)) == 0);
        _cleanup_free_ char *dest = xasprintf("%s/layer", dir);
        char err[512] = "";
        struct reg_unpack *u = reg_unpack_new(dest, 1u << 20);
        for (size_t off = 0; off < b.len; off += 3)
                CHECK_INT(reg_unpack_write(u, b.data + off, b.len - off < 3 ? b.len - off : 3), 0);
        CHECK_INT(reg_unpack_finish(u, err, sizeof(err)), 0);
        _cleanup_free_ char *f = xasprintf("%s/etc/hostname", dest);
        struct stat st;
        CHECK(stat(f, &st) == 0 && st.st_size == 5);
        buf_release(&b);

        /* a refused layer reports the guard's reason */
        buf_init(&b, 0);
        tar_hdr(&b, "dev/sda", '4', NULL, 0, NULL);
        CHECK(buf_append(&b, z, sizeof(z)) == 0);
        _cleanup_free_ char *dest2 = xasprintf("%s/layer2", dir);
        u = reg_unpack_new(dest2, 1u << 20);
        reg_unpack_write(u, b.data, b.len);
        CHECK_INT(reg_unpack_finish(u, err, sizeof(err)), -EBADMSG);
        CHECK(strstr(err, "device node") != NULL);
        buf_release(&b);

        /* an empty blob, a blob shorter than any magic, gzip garbage, an aborted unpack */
        _cleanup_free_ char *d3 = xasprintf("%s/l3", dir), *d4 = xasprintf("%s/l4", dir),
                            *d5 = xasprintf("%s/l5", dir), *d6 = xasprintf("%s/l6", dir);
        u = reg_unpack_new(d3, 1u << 20);
        CHECK_INT(reg_unpack_finish(u, err, sizeof(err)), -EBADMSG);
        CHECK(strstr(err, "empty") != NULL);
        u = reg_unpack_new(d4, 1u << 20);
        CHECK_INT(reg_unpack_write(u, "abc", 3), 0);
        CHECK_INT(reg_unpack_finish(u, err, sizeof(err)), -EBADMSG);
        u = reg_unpack_new(d5, 1u << 20);
        char junk[4096] = {0x1f, (char)0x8b, 8, 0};
        for (size_t i = 4; i < sizeof(junk); i++)
                junk[i] = (char)(i * 131);
        reg_unpack_write(u, junk, sizeof(junk));
        CHECK_INT(reg_unpack_finish(u, err, sizeof(err)), -EBADMSG);
        u = reg_unpack_new(d6, 1u << 20);
        CHECK_INT(reg_unpack_write(u, junk, 100), 0);
        reg_unpack_abort(u);
        rm_rf(dir);
}

TEST(pulled_event)
{
        char out[256];
        registry_pull_event("perl", 1234567891LL, 1300000000LL, 123, out, sizeof(out));
        CHECK_STR(out, "Successfully pulled image \"perl\" in 1.234s (1.3s including waiting). "
                       "Image size: 123 bytes.");
        registry_pull_event("x", 523456789LL, 62000000000LL, 1, out, sizeof(out));
        CHECK_STR(out, "Successfully pulled image \"x\" in 523ms (1m2s including waiting). "
                       "Image size: 1 bytes.");
}

/* Hostile bytes must never crash the parsers (this runs under ASan + UBSan in the suite):
 * random references, and tar streams made of valid headers with random mutations. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd32(void)
{
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return (uint32_t)rng;
}

TEST(robust_random_inputs)
{
        const char alphabet[] = "abcAZ09:/@._-[]%sha256:0123456789abcdef";
        for (int i = 0; i < 20000; i++) {
                char s[96];
                size_t n = rnd32() % (sizeof(s) - 1);
                for (size_t k = 0; k < n; k++)
                        s[k] = alphabet[rnd32() % (sizeof(alphabet) - 1)];
                s[n] = 0;
                struct registry_ref r;
                char err[512];
                if (registry_ref_parse(s, &r, err, sizeof(err)) == 0) {
                        /* whatever parses must round-trip to itself */
                        char *canon = registry_ref_string(&r);
                        struct registry_ref r2;
                        CHECK_INT(registry_ref_parse(canon, &r2, err, sizeof(err)), 0);
                        char *again = registry_ref_string(&r2);
                        CHECK_STR(again, canon);
                        free(again);
                        free(canon);
                        registry_ref_release(&r2);
                        registry_ref_release(&r);
                }
        }
        for (int i = 0; i < 3000; i++) {
                struct buf b;
                buf_init(&b, 0);
                tar_hdr(&b, "etc/", '5', NULL, 0, NULL);
                tar_hdr(&b, "etc/passwd", '0', NULL, 10, "root:x:0:0");
                pax(&b, "path", "usr/x");
                tar_hdr(&b, "y", '0', NULL, 1, "y");
                for (int m = 0; m < 8; m++)
                        b.data[rnd32() % b.len] = (char)rnd32();
                struct reg_guard g;
                reg_guard_init(&g, 1u << 20);
                size_t piece = 1 + rnd32() % 700;
                for (size_t off = 0; off < b.len; off += piece)
                        if (reg_guard_feed(&g, b.data + off, b.len - off < piece ? b.len - off : piece) < 0)
                                break;
                reg_guard_release(&g);
                buf_release(&b);
        }
}
