/* test_protobuf.c — k8s_protobuf_decode(): the four bodies kubectl 1.32 sends
 * (spec/kubectl-protocol.md §7.2) decode to the JSON the same request would carry, the
 * gogo zero-value rules, the special messages, and hostile input failing with a message.
 * Bodies beyond the four captured ones are built with a tiny encoder below. */
#include "api/protobuf.h"
#include "base/buf.h"
#include "harness.h"

/* ---- the captured bodies ---------------------------------------------------------------- */

static const char NS_HEX[] =
        "6b3873000a0f0a02763112094e616d6573706163651219"
        "0a110a017812001a0022002a00320038004200" "1200" "1a020a00" "1a002200";
static const char CM_HEX[] =
        "6b3873000a0f0a0276311209436f6e6669674d6170121b0a110a016312001a0022002a0032003800420012"
        "060a01611201621a002200";
static const char SECRET_HEX[] =
        "6b3873000a0c0a0276311206536563726574121d0a110a017312001a0022002a0032003800420012060a01"
        "611201621a001a002200";
/* create job j --image=busybox -- echo hi: 158 bytes, every gogo "" / 0 / false written */
static const char JOB_HEX[] =
        "6b3873000a0f0a0862617463682f763112034a6f621282010a110a016a12001a0022002a003200380042"
        "00126332610a100a0012001a0022002a00320038004200124d122a0a016a120762757379626f781a0465"
        "63686f1a0268692a0042006a007200800100880100900100a201001a054e65766572320042004a005200"
        "5800600068008201008a01009a0100c201001a082000280030003a001a002200";

static uint8_t *unhex(const char *h, size_t *len)
{
        size_t n = strlen(h) / 2;
        uint8_t *d = xmalloc(n);
        for (size_t i = 0; i < n; i++) {
                unsigned v;
                sscanf(h + 2 * i, "%2x", &v);
                d[i] = (uint8_t)v;
        }
        *len = n;
        return d;
}

/* decode and compare with the expected JSON (key order does not matter) */
static int decodes_to(const uint8_t *d, size_t n, const char *want)
{
        char err[256] = "";
        _cleanup_json_ json_t *got = k8s_protobuf_decode(d, n, err, sizeof(err));
        json_error_t je;
        _cleanup_json_ json_t *exp = json_loads(want, 0, &je);
        if (!exp) {
                fprintf(stderr, "  bad expected JSON: %s\n", je.text);
                return 0;
        }
        if (!got) {
                fprintf(stderr, "  decode failed: %s\n", err);
                return 0;
        }
        if (!json_equal(got, exp)) {
                char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
                char *w = json_dumps(exp, JSON_SORT_KEYS | JSON_COMPACT);
                fprintf(stderr, "  got:  %s\n  want: %s\n", g, w);
                free(g);
                free(w);
                return 0;
        }
        return 1;
}

static int hex_decodes_to(const char *hex, const char *want)
{
        size_t n;
        _cleanup_free_ uint8_t *d = unhex(hex, &n);
        return decodes_to(d, n, want);
}

/* decoding fails and the message mentions needle */
static int fails_with(const uint8_t *d, size_t n, const char *needle)
{
        char err[256] = "";
        json_t *got = k8s_protobuf_decode(d, n, err, sizeof(err));
        if (got) {
                char *g = jdump(got);
                fprintf(stderr, "  unexpectedly decoded: %s\n", g);
                free(g);
                json_decref(got);
                return 0;
        }
        if (!startswith(err, "protobuf: ") || !strstr(err, needle)) {
                fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, needle);
                return 0;
        }
        return 1;
}

TEST(namespace_body)
{
        size_t n;
        _cleanup_free_ uint8_t *d = unhex(NS_HEX, &n);
        CHECK_INT(n, 52);
        CHECK(decodes_to(d, n,
                         "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"x\"},"
                         "\"spec\":{},\"status\":{}}"));
}

TEST(configmap_body)
{
        CHECK(hex_decodes_to(CM_HEX, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                                     "\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"b\"}}"));
}

TEST(secret_body)
{
        /* bytes → base64; type "" is dropped (defaulting makes it Opaque) */
        CHECK(hex_decodes_to(SECRET_HEX, "{\"apiVersion\":\"v1\",\"kind\":\"Secret\","
                                         "\"metadata\":{\"name\":\"s\"},\"data\":{\"a\":\"Yg==\"}}"));
}

TEST(job_body)
{
        size_t n;
        _cleanup_free_ uint8_t *d = unhex(JOB_HEX, &n);
        CHECK_INT(n, 158);
        CHECK(decodes_to(
                d, n,
                "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"j\"},"
                "\"spec\":{\"template\":{\"metadata\":{},\"spec\":{\"containers\":[{\"name\":\"j\","
                "\"image\":\"busybox\",\"command\":[\"echo\",\"hi\"],\"resources\":{}}],"
                "\"restartPolicy\":\"Never\"}}},\"status\":{}}"));
}

/* Every prefix either decodes (it ends on a field boundary of the envelope) or fails with a
 * protobuf: message; a cut anywhere inside typeMeta or raw must fail. */
TEST(truncated_bodies)
{
        const char *hexes[] = {NS_HEX, CM_HEX, SECRET_HEX, JOB_HEX};
        for (size_t h = 0; h < ARRAY_SIZE(hexes); h++) {
                size_t n;
                _cleanup_free_ uint8_t *d = unhex(hexes[h], &n);
                size_t tm_end = 4 + 2 + d[5];
                size_t rawlen = d[tm_end + 1], hdr = 2;
                if (rawlen & 0x80)
                        rawlen = (rawlen & 0x7f) | (size_t)d[tm_end + 2] << 7, hdr = 3;
                size_t raw_end = tm_end + hdr + rawlen;
                CHECK(raw_end < n);
                for (size_t cut = 0; cut < n; cut++) {
                        char err[256] = "";
                        _cleanup_free_ uint8_t *p = xmalloc(cut ? cut : 1);
                        memcpy(p, d, cut);
                        json_t *j = k8s_protobuf_decode(p, cut, err, sizeof(err));
                        if (cut < tm_end || (cut > tm_end && cut < raw_end)) {
                                if (j)
                                        fprintf(stderr, "  body %zu cut at %zu decoded\n", h, cut);
                                CHECK(!j);
                        }
                        if (!j)
                                CHECK(startswith(err, "protobuf: "));
                        json_decref(j);
                }
        }
}

/* Single-byte corruptions anywhere: no crash (ASan), a message when refused. */
TEST(mutated_bodies)
{
        const char *hexes[] = {NS_HEX, CM_HEX, SECRET_HEX, JOB_HEX};
        const uint8_t vals[] = {0x00, 0x01, 0x07, 0x0b, 0x7f, 0x80, 0xfe, 0xff};
        int refused = 0;
        for (size_t h = 0; h < ARRAY_SIZE(hexes); h++) {
                size_t n;
                _cleanup_free_ uint8_t *d = unhex(hexes[h], &n);
                for (size_t i = 0; i < n; i++) {
                        for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
                                uint8_t save = d[i];
                                d[i] = vals[v];
                                char err[256] = "";
                                json_t *j = k8s_protobuf_decode(d, n, err, sizeof(err));
                                if (!j) {
                                        refused++;
                                        CHECK(startswith(err, "protobuf: "));
                                }
                                json_decref(j);
                                d[i] = save;
                        }
                }
        }
        CHECK(refused > 100);
}

/* ---- a small encoder for the other cases ---------------------------------------------- */

static void put(struct buf *b, const void *p, size_t n)
{
        if (buf_append(b, p, n) < 0)
                abort();
}

static void pw_varint(struct buf *b, uint64_t v)
{
        do {
                uint8_t c = (uint8_t)(v & 0x7f);
                v >>= 7;
                if (v)
                        c |= 0x80;
                put(b, &c, 1);
        } while (v);
}

static void pw_key(struct buf *b, uint32_t num, unsigned wt)
{
        pw_varint(b, (uint64_t)num << 3 | wt);
}

static void pw_int(struct buf *b, uint32_t num, int64_t v)
{
        pw_key(b, num, 0);
        pw_varint(b, (uint64_t)v);
}

static void pw_bytes(struct buf *b, uint32_t num, const void *d, size_t n)
{
        pw_key(b, num, 2);
        pw_varint(b, n);
        put(b, d, n);
}

static void pw_str(struct buf *b, uint32_t num, const char *s)
{
        pw_bytes(b, num, s, strlen(s));
}

/* append sub as message field num and reset sub */
static void pw_msg(struct buf *b, uint32_t num, struct buf *sub)
{
        pw_bytes(b, num, sub->data ? sub->data : "", sub->len);
        buf_release(sub);
}

static void pw_entry(struct buf *b, uint32_t num, const char *k, const char *v)
{
        struct buf e;
        buf_init(&e, 0);
        pw_str(&e, 1, k);
        pw_str(&e, 2, v);
        pw_msg(b, num, &e);
}

/* "k8s\0" + Unknown{typeMeta, raw}; raw is released */
static uint8_t *envelope(const char *apiv, const char *kind, struct buf *raw, size_t *len)
{
        struct buf b, tm;
        buf_init(&b, 0);
        buf_init(&tm, 0);
        put(&b, "k8s\0", 4);
        pw_str(&tm, 1, apiv);
        pw_str(&tm, 2, kind);
        pw_msg(&b, 1, &tm);
        pw_msg(&b, 2, raw);
        pw_str(&b, 3, "");
        pw_str(&b, 4, "");
        *len = b.len;
        return (uint8_t *)buf_steal(&b);
}

TEST(pointer_zero_values_kept)
{
        struct buf raw, meta, spec, tmpl, pod, status;
        buf_init(&raw, 0), buf_init(&meta, 0), buf_init(&spec, 0), buf_init(&tmpl, 0);
        buf_init(&pod, 0), buf_init(&status, 0);
        pw_str(&meta, 1, "z");
        pw_int(&meta, 7, 0);          /* generation: plain int64, dropped */
        pw_msg(&raw, 1, &meta);
        pw_int(&spec, 1, 0);          /* parallelism */
        pw_int(&spec, 2, 0);          /* completions */
        pw_int(&spec, 3, 0);          /* activeDeadlineSeconds */
        pw_int(&spec, 5, 0);          /* manualSelector false */
        pw_int(&spec, 7, 0);          /* backoffLimit */
        pw_int(&spec, 8, 0);          /* ttlSecondsAfterFinished */
        pw_int(&spec, 10, 0);         /* suspend false */
        pw_int(&spec, 12, 0);         /* backoffLimitPerIndex */
        pw_int(&spec, 13, 0);         /* maxFailedIndexes */
        pw_int(&pod, 4, 0);           /* terminationGracePeriodSeconds */
        pw_int(&pod, 11, 0);          /* hostNetwork false: dropped */
        pw_int(&pod, 25, -1);         /* priority, a negative int32 as a 10-byte varint */
        pw_msg(&tmpl, 2, &pod);
        pw_msg(&spec, 6, &tmpl);
        pw_msg(&raw, 2, &spec);
        pw_int(&status, 4, 0);        /* active: dropped */
        pw_int(&status, 9, 0);        /* ready (*int32): kept */
        pw_msg(&raw, 3, &status);
        size_t n;
        _cleanup_free_ uint8_t *d = envelope("batch/v1", "Job", &raw, &n);
        CHECK(decodes_to(d, n,
                         "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"z\"},"
                         "\"spec\":{\"parallelism\":0,\"completions\":0,\"activeDeadlineSeconds\":0,"
                         "\"manualSelector\":false,\"backoffLimit\":0,\"ttlSecondsAfterFinished\":0,"
                         "\"suspend\":false,\"backoffLimitPerIndex\":0,\"maxFailedIndexes\":0,"
                         "\"template\":{\"spec\":{\"terminationGracePeriodSeconds\":0,"
                         "\"priority\":-1}}},\"status\":{\"ready\":0}}"));
}

/* Inline embedded structs, maps of Quantity, IntOrString, Time, packed ints, bools. */
TEST(pod_features)
{
        struct buf raw, meta, t, spec, c, env, vf, ref, res, probe, get, ios, port, sc, psc, vol,
                cm, lor, own, tcp;
        buf_init(&raw, 0), buf_init(&meta, 0), buf_init(&t, 0), buf_init(&spec, 0);
        buf_init(&c, 0), buf_init(&env, 0), buf_init(&vf, 0), buf_init(&ref, 0);
        buf_init(&res, 0), buf_init(&probe, 0), buf_init(&get, 0), buf_init(&ios, 0);
        buf_init(&port, 0), buf_init(&sc, 0), buf_init(&psc, 0), buf_init(&vol, 0);
        buf_init(&cm, 0), buf_init(&lor, 0), buf_init(&own, 0), buf_init(&tcp, 0);

        pw_str(&meta, 1, "p");
        pw_int(&t, 1, 1700000000);
        pw_int(&t, 2, 5);
        pw_msg(&meta, 8, &t);                   /* creationTimestamp */
        pw_int(&t, 1, -62135596800LL);
        pw_msg(&meta, 9, &t);                   /* deletionTimestamp: Go zero time → dropped */
        pw_entry(&meta, 11, "app", "x");
        pw_entry(&meta, 11, "tier", "");
        pw_str(&own, 1, "Job");
        pw_str(&own, 3, "j");
        pw_str(&own, 4, "u-1");
        pw_str(&own, 5, "batch/v1");
        pw_int(&own, 6, 1);                     /* controller */
        pw_int(&own, 7, 0);                     /* blockOwnerDeletion false (pointer) */
        pw_msg(&meta, 13, &own);
        pw_str(&meta, 14, "a/b");
        pw_str(&meta, 14, "");                  /* repeated strings keep "" elements */
        pw_msg(&raw, 1, &meta);

        pw_str(&c, 1, "main");
        pw_str(&c, 4, "-v");
        pw_int(&port, 3, 0);                    /* containerPort: not omitempty, kept */
        pw_str(&port, 4, "TCP");
        pw_msg(&c, 6, &port);
        pw_str(&env, 1, "A");
        pw_str(&lor, 1, "cfg");
        pw_msg(&ref, 1, &lor);                  /* LocalObjectReference is inlined */
        pw_str(&ref, 2, "k");
        pw_msg(&vf, 3, &ref);
        pw_msg(&env, 3, &vf);
        pw_msg(&c, 7, &env);
        {
                struct buf q, e;
                buf_init(&q, 0), buf_init(&e, 0);
                pw_str(&q, 1, "100m");
                pw_str(&e, 1, "cpu");
                pw_msg(&e, 2, &q);
                pw_msg(&res, 1, &e);            /* limits */
                pw_str(&e, 1, "memory");
                pw_msg(&res, 2, &e);            /* requests: empty Quantity → "0" */
        }
        pw_msg(&c, 8, &res);
        pw_int(&ios, 1, 0);
        pw_int(&ios, 2, 8080);
        pw_msg(&get, 2, &ios);
        pw_str(&get, 1, "/healthz");
        {
                struct buf h;
                buf_init(&h, 0);
                pw_msg(&h, 2, &get);
                pw_msg(&probe, 1, &h);          /* ProbeHandler.httpGet; handler is inlined */
        }
        pw_int(&ios, 1, 1);
        pw_str(&ios, 3, "http");
        pw_msg(&tcp, 1, &ios);
        {
                struct buf h;
                buf_init(&h, 0);
                pw_msg(&h, 3, &tcp);
                pw_msg(&probe, 1, &h);          /* second occurrence merges: adds tcpSocket */
        }
        pw_int(&probe, 2, 3);
        pw_msg(&c, 10, &probe);
        pw_int(&sc, 4, 0);                      /* runAsUser 0 (pointer): kept */
        pw_int(&sc, 2, 0);                      /* privileged false (pointer): kept */
        pw_msg(&c, 15, &sc);
        pw_int(&c, 16, 1);                      /* stdin true */
        pw_msg(&spec, 2, &c);

        pw_str(&vol, 1, "v");
        pw_str(&lor, 1, "cfg");
        pw_msg(&cm, 1, &lor);
        pw_int(&cm, 3, 420);
        {
                struct buf vs, ed;
                buf_init(&vs, 0), buf_init(&ed, 0);
                pw_msg(&vs, 19, &cm);
                pw_msg(&vs, 2, &ed);
                pw_msg(&vol, 2, &vs);           /* VolumeSource inlined into Volume */
        }
        pw_msg(&spec, 1, &vol);
        {
                uint8_t packed[] = {0x01, 0x02, 0xac, 0x02};
                pw_bytes(&psc, 4, packed, sizeof(packed)); /* supplementalGroups, packed */
                pw_int(&psc, 4, 7);                        /* and one unpacked */
                pw_int(&psc, 2, 0);                        /* runAsUser 0 */
        }
        pw_msg(&spec, 14, &psc);
        pw_msg(&raw, 2, &spec);

        /* unknown fields of every legal wire type are skipped */
        pw_int(&raw, 99, 5);
        pw_key(&raw, 98, 1);
        put(&raw, "12345678", 8);
        pw_key(&raw, 97, 5);
        put(&raw, "1234", 4);
        pw_str(&raw, 96, "zz");

        size_t n;
        _cleanup_free_ uint8_t *d = envelope("v1", "Pod", &raw, &n);
        CHECK(decodes_to(
                d, n,
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                "\"creationTimestamp\":\"2023-11-14T22:13:20Z\",\"labels\":{\"app\":\"x\",\"tier\":\"\"},"
                "\"ownerReferences\":[{\"kind\":\"Job\",\"name\":\"j\",\"uid\":\"u-1\","
                "\"apiVersion\":\"batch/v1\",\"controller\":true,\"blockOwnerDeletion\":false}],"
                "\"finalizers\":[\"a/b\",\"\"]},"
                "\"spec\":{\"containers\":[{\"name\":\"main\",\"args\":[\"-v\"],"
                "\"ports\":[{\"containerPort\":0,\"protocol\":\"TCP\"}],"
                "\"env\":[{\"name\":\"A\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"cfg\",\"key\":\"k\"}}}],"
                "\"resources\":{\"limits\":{\"cpu\":\"100m\"},\"requests\":{\"memory\":\"0\"}},"
                "\"livenessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":8080},"
                "\"tcpSocket\":{\"port\":\"http\"},\"initialDelaySeconds\":3},"
                "\"securityContext\":{\"runAsUser\":0,\"privileged\":false},\"stdin\":true}],"
                "\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"cfg\",\"defaultMode\":420},"
                "\"emptyDir\":{}}],"
                "\"securityContext\":{\"supplementalGroups\":[1,2,300,7],\"runAsUser\":0}}}"));
}

TEST(secret_bytes_and_last_wins)
{
        struct buf raw, meta, e;
        buf_init(&raw, 0), buf_init(&meta, 0), buf_init(&e, 0);
        pw_str(&meta, 1, "first");
        pw_msg(&raw, 1, &meta);
        pw_str(&meta, 1, "second");             /* metadata again: merged, name last-wins */
        pw_str(&meta, 3, "ns");
        pw_msg(&raw, 1, &meta);
        pw_str(&e, 1, "bin");
        pw_bytes(&e, 2, "\x00\xff", 2);
        pw_msg(&raw, 2, &e);
        pw_str(&e, 1, "empty");
        pw_msg(&raw, 2, &e);                    /* no value: "" */
        pw_str(&raw, 3, "kubernetes.io/tls");
        pw_str(&raw, 3, "");                    /* last wins, and "" is dropped */
        pw_int(&raw, 5, 0);                     /* immutable false: pointer, kept */
        size_t n;
        _cleanup_free_ uint8_t *d = envelope("v1", "Secret", &raw, &n);
        CHECK(decodes_to(d, n,
                         "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"second\","
                         "\"namespace\":\"ns\"},\"data\":{\"bin\":\"AP8=\",\"empty\":\"\"},"
                         "\"immutable\":false}"));
}

TEST(managed_fields_raw_json)
{
        struct buf raw, meta, mf, f1;
        buf_init(&raw, 0), buf_init(&meta, 0), buf_init(&mf, 0), buf_init(&f1, 0);
        pw_str(&mf, 1, "kubectl");
        pw_str(&f1, 1, "{\"f:data\":{\".\":{}}}");
        pw_msg(&mf, 7, &f1);
        pw_msg(&meta, 17, &mf);
        pw_msg(&raw, 1, &meta);
        size_t n;
        _cleanup_free_ uint8_t *d = envelope("v1", "ConfigMap", &raw, &n);
        CHECK(decodes_to(d, n,
                         "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"managedFields\":"
                         "[{\"manager\":\"kubectl\",\"fieldsV1\":{\"f:data\":{\".\":{}}}}]}}"));

        /* FieldsV1 that is not JSON, or nested past the cap */
        buf_init(&raw, 0), buf_init(&meta, 0), buf_init(&mf, 0), buf_init(&f1, 0);
        pw_str(&f1, 1, "{not json");
        pw_msg(&mf, 7, &f1);
        pw_msg(&meta, 17, &mf);
        pw_msg(&raw, 1, &meta);
        _cleanup_free_ uint8_t *d2 = envelope("v1", "ConfigMap", &raw, &n);
        CHECK(fails_with(d2, n, "invalid JSON in ManagedFieldsEntry.fieldsV1"));

        struct buf deep;
        buf_init(&deep, 0);
        for (int i = 0; i < 100; i++)
                put(&deep, "[", 1);
        for (int i = 0; i < 100; i++)
                put(&deep, "]", 1);
        buf_init(&raw, 0), buf_init(&meta, 0), buf_init(&mf, 0), buf_init(&f1, 0);
        pw_bytes(&f1, 1, deep.data, deep.len);
        buf_release(&deep);
        pw_msg(&mf, 7, &f1);
        pw_msg(&meta, 17, &mf);
        pw_msg(&raw, 1, &meta);
        _cleanup_free_ uint8_t *d3 = envelope("v1", "ConfigMap", &raw, &n);
        CHECK(fails_with(d3, n, "depth"));
}

TEST(envelope_errors)
{
        CHECK(fails_with((const uint8_t *)"", 0, "magic"));
        CHECK(fails_with((const uint8_t *)"{\"kind\":1}", 10, "magic"));
        CHECK(fails_with((const uint8_t *)"k8s\0", 4, "no typeMeta"));

        struct buf raw;
        size_t n;
        buf_init(&raw, 0);
        _cleanup_free_ uint8_t *d1 = envelope("apps/v1", "Deployment", &raw, &n);
        CHECK(fails_with(d1, n, "cannot decode kind \"Deployment\""));
        buf_init(&raw, 0);
        _cleanup_free_ uint8_t *d2 = envelope("v1", "", &raw, &n);
        CHECK(fails_with(d2, n, "no kind"));
        buf_init(&raw, 0);
        _cleanup_free_ uint8_t *d3 = envelope("", "Pod", &raw, &n);
        CHECK(fails_with(d3, n, "no apiVersion"));

        /* contentEncoding is not supported */
        struct buf b, tm;
        buf_init(&b, 0), buf_init(&tm, 0);
        put(&b, "k8s\0", 4);
        pw_str(&tm, 1, "v1");
        pw_str(&tm, 2, "Pod");
        pw_msg(&b, 1, &tm);
        pw_str(&b, 3, "gzip");
        CHECK(fails_with((uint8_t *)b.data, b.len, "contentEncoding \"gzip\""));
        buf_release(&b);

        /* raw absent: an object with only apiVersion and kind */
        buf_init(&b, 0), buf_init(&tm, 0);
        put(&b, "k8s\0", 4);
        pw_str(&tm, 1, "v1");
        pw_str(&tm, 2, "Namespace");
        pw_msg(&b, 1, &tm);
        CHECK(decodes_to((uint8_t *)b.data, b.len, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\"}"));
        buf_release(&b);
}

/* A ConfigMap whose raw is the given bytes. */
static uint8_t *cm_with(const void *p, size_t len, size_t *n)
{
        struct buf raw;
        buf_init(&raw, 0);
        put(&raw, p, len);
        return envelope("v1", "ConfigMap", &raw, n);
}

TEST(hostile_wire)
{
        size_t n;
        /* groups and the reserved wire types */
        static const struct {
                const char *bytes;
                size_t len;
                const char *msg;
        } cases[] = {
                {"\x5b", 1, "wire type 3 (group)"},
                {"\x5c", 1, "wire type 4 (group)"},
                {"\x5e", 1, "invalid wire type 6"},
                {"\x5f", 1, "invalid wire type 7"},
                {"\x0b", 1, "wire type 3"},                       /* even on a known field */
                {"\x00", 1, "invalid field number 0"},
                {"\x08\x80", 2, "truncated varint"},
                {"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11, "overflows 64 bits"},
                {"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12, "varint"},
                {"\x0a\x05\x0a\x01", 4, "truncated length-delimited field 1 in ConfigMap"},
                {"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, "truncated length-delimited"},
                {"\x0a\x02\x0a\x05", 4, "truncated length-delimited field 1 in ObjectMeta"},
                {"\x09\x01\x02\x03", 4, "truncated fixed64"},
                {"\x0d\x01\x02", 3, "truncated fixed32"},
                {"\x08\x01", 2, "wrong wire type 0 for field ConfigMap.metadata"},
                {"\x0a\x02\x08\x01", 4, "wrong wire type 0 for field ObjectMeta.name"},
                {"\x0a\x03\x0a\x01\xff", 5, "invalid UTF-8 in string ObjectMeta.name"},
                {"\x0a\x04\x0a\x02\x61\x00", 6, "NUL byte in string ObjectMeta.name"},
                {"\x12\x04\x0a\x02\xc3\x28", 6, "invalid UTF-8"},  /* map key */
                {"\x12\x02\x08\x01", 4, "wrong wire type 0 for map entry"},
                {"\x0a\x04\x42\x02\x08\x80", 6, "truncated varint in Time"},
                {"\x0a\x05\x42\x03\x0a\x01\x00", 7,
                 "wrong wire type 2 for Time field 1 in ObjectMeta.creationTimestamp"},
                {"\x18\x02", 2, "wrong wire type 0 for field ConfigMap.binaryData"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_free_ uint8_t *d = cm_with(cases[i].bytes, cases[i].len, &n);
                if (!fails_with(d, n, cases[i].msg)) {
                        fprintf(stderr, "  (case %zu)\n", i);
                        CHECK(0);
                }
        }
}

TEST(hostile_values)
{
        size_t n;
        /* a time past year 9999 */
        struct buf raw, meta, t;
        buf_init(&raw, 0), buf_init(&meta, 0), buf_init(&t, 0);
        pw_int(&t, 1, 253402300800LL);
        pw_msg(&meta, 8, &t);
        pw_msg(&raw, 1, &meta);
        _cleanup_free_ uint8_t *d1 = envelope("v1", "ConfigMap", &raw, &n);
        CHECK(fails_with(d1, n, "out of range"));

        /* IntOrString with a type that is neither 0 nor 1 */
        struct buf pod, spec, c, probe, h, get, ios;
        buf_init(&pod, 0), buf_init(&spec, 0), buf_init(&c, 0), buf_init(&probe, 0);
        buf_init(&h, 0), buf_init(&get, 0), buf_init(&ios, 0);
        pw_int(&ios, 1, 2);
        pw_msg(&get, 2, &ios);
        pw_msg(&h, 2, &get);
        pw_msg(&probe, 1, &h);
        pw_msg(&c, 11, &probe);
        pw_msg(&spec, 2, &c);
        pw_msg(&pod, 2, &spec);
        _cleanup_free_ uint8_t *d2 = envelope("v1", "Pod", &pod, &n);
        CHECK(fails_with(d2, n, "invalid IntOrString type 2"));
}

/* Two-byte empty list elements: caught by the value cap before memory runs away. */
TEST(output_cap)
{
        struct buf spec, pod;
        buf_init(&spec, 0), buf_init(&pod, 0);
        for (size_t i = 0; i < (1u << 20) + 16; i++)
                put(&spec, "\x12\x00", 2);
        pw_msg(&pod, 2, &spec);
        size_t n;
        _cleanup_free_ uint8_t *d = envelope("v1", "Pod", &pod, &n);
        CHECK(fails_with(d, n, "exceeds"));

        /* strings: 9 MiB of data values */
        struct buf raw, e;
        buf_init(&raw, 0), buf_init(&e, 0);
        _cleanup_free_ char *big = xmalloc(1 << 20);
        memset(big, 'a', 1 << 20);
        for (int i = 0; i < 9; i++) {
                char k[16];
                snprintf(k, sizeof(k), "k%d", i);
                pw_str(&e, 1, k);
                pw_bytes(&e, 2, big, 1 << 20);
                pw_msg(&raw, 2, &e);
        }
        _cleanup_free_ uint8_t *d2 = envelope("v1", "ConfigMap", &raw, &n);
        CHECK(fails_with(d2, n, "exceeds"));
}

TEST(cronjob_nesting)
{
        /* CronJob → JobTemplateSpec → JobSpec → PodTemplateSpec → PodSpec → Container */
        struct buf raw, spec, jt, js, pt, ps, c;
        buf_init(&raw, 0), buf_init(&spec, 0), buf_init(&jt, 0), buf_init(&js, 0);
        buf_init(&pt, 0), buf_init(&ps, 0), buf_init(&c, 0);
        pw_str(&c, 1, "c");
        pw_msg(&ps, 2, &c);
        pw_str(&ps, 3, "OnFailure");
        pw_msg(&pt, 2, &ps);
        pw_msg(&js, 6, &pt);
        pw_int(&js, 7, 2);
        pw_msg(&jt, 2, &js);
        pw_str(&spec, 1, "*/5 * * * *");
        pw_msg(&spec, 5, &jt);
        pw_int(&spec, 4, 0);
        pw_str(&spec, 3, "");
        pw_msg(&raw, 2, &spec);
        size_t n;
        _cleanup_free_ uint8_t *d = envelope("batch/v1", "CronJob", &raw, &n);
        CHECK(decodes_to(d, n,
                         "{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"spec\":{\"schedule\":"
                         "\"*/5 * * * *\",\"suspend\":false,\"jobTemplate\":{\"spec\":{\"backoffLimit\":2,"
                         "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\"}],"
                         "\"restartPolicy\":\"OnFailure\"}}}}}}"));
}
