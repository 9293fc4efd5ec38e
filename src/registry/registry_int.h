/* registry_int.h — what the registry module's files share and nobody else needs: the
 * parsed configuration, credentials, the HTTP session to one endpoint, and the layer
 * unpack pipeline.  Kept apart from registry.h so the agent sees only the stable API. */
#ifndef JOBD_REGISTRY_INT_H
#define JOBD_REGISTRY_INT_H
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include "base/buf.h"
#include "registry/registry.h"

struct reg_host {
        char *host;         /* "docker.io", "127.0.0.1:5000", "*" */
        char **endpoints;   /* mirrors: base URLs "http://127.0.0.1:5000" (no /v2) */
        size_t n_endpoints;
        bool disable_default;
        bool insecure;      /* configs: plain HTTP */
        bool skip_verify;
        char *ca_file, *cert_file, *key_file;
        char *username, *password, *identity_token;
};

struct registry_config {
        struct reg_host *mirrors, *configs;
        size_t n_mirrors, n_configs;
        int max_concurrent;      /* layers of one pull fetched at once */
        int max_parallel_layers; /* layer pipelines across all pulls of the process */
        uint64_t max_layer_bytes;
};

const struct reg_host *reg_config_host(const struct registry_config *c, const char *host);
const struct reg_host *reg_config_mirror(const struct registry_config *c, const char *host);
int reg_decode_auth(const char *b64, char **ret_user, char **ret_pass);
int reg_read_file(const char *path, size_t max, struct buf *ret);

/* ---- credentials (auth.c) ---- */
struct reg_cred {
        char *username, *password, *identity_token;
};
void reg_cred_release(struct reg_cred *c);
/* Credentials from imagePullSecrets matching registry host + repository path, in the
 * order the kubelet tries them.  Returns how many were appended to *v (grown). */
size_t reg_creds_from_secrets(json_t *secrets, const char *host, const char *path,
                              struct reg_cred **v, size_t *n);
/* Does a docker config key ("https://index.docker.io/v1/", "*.example.com:5000/team")
 * match host and path?  Exposed for unit tests. */
bool reg_cred_key_matches(const char *key, const char *host, const char *path);

/* ---- HTTP session to one endpoint (client.c) ---- */
struct reg_endpoint {
        char *base;        /* "https://registry-1.docker.io" */
        char *host;        /* host[:port] of base: the configs / credentials key */
        bool http_fallback; /* insecure: try plain HTTP when TLS fails */
        bool skip_verify;
        const char *ca_file, *cert_file, *key_file; /* TLS: CA, client certificate */
};
struct reg_session; /* thread-safe: shared by a pull's download threads */
struct reg_session *reg_session_new(const struct reg_endpoint *ep, const char *repo_path,
                                    struct reg_cred *creds, size_t ncreds);
void reg_session_free(struct reg_session *s);
/* GET a small document (manifest, config, token) into *ret (capped at max).  ret_ctype
 * and ret_digest (Docker-Content-Digest) are optional (caller frees).  Returns 0 or a
 * negative errno (see registry.h) with err. */
int reg_get_small(struct reg_session *s, const char *path, const char *accept, size_t max,
                  struct buf *ret, char **ret_ctype, char **ret_digest, char *err, size_t errlen);
/* GET a blob starting at offset: first_cb is told whether the server honoured the Range
 * (206) before any data; data_cb gets the bytes.  A non-zero return from a callback
 * aborts with that value. */
typedef int (*reg_first_fn)(void *ud, bool ranged);
typedef int (*reg_data_fn)(void *ud, const void *p, size_t n);
int reg_get_blob(struct reg_session *s, const char *digest, uint64_t offset, reg_first_fn first,
                 reg_data_fn data, void *ud, char *err, size_t errlen);
const char *reg_session_base(const struct reg_session *s);
void reg_stats_add(int kind); /* 0 blob, 1 manifest, 2 shared wait */

/* ---- layer unpack pipeline (unpack.c) ---- */
struct reg_unpack;
/* Start unpacking into a fresh directory dest (must not exist); bytes are the layer blob
 * as stored (gzip, zstd or plain tar: detected from the first bytes). */
struct reg_unpack *reg_unpack_new(const char *dest, uint64_t max_bytes);
int reg_unpack_write(struct reg_unpack *u, const void *p, size_t n);
/* Finish: waits for the decompressor and extractor.  Returns 0 or negative with err
 * (-EBADMSG for refused or corrupt content).  Frees u; dest stays (caller renames or
 * removes it). */
int reg_unpack_finish(struct reg_unpack *u, char *err, size_t errlen);
/* Abort: stop everything, free u (dest stays for the caller to remove). */
void reg_unpack_abort(struct reg_unpack *u);

/* The tar stream guard, exposed for unit tests: feed decompressed tar bytes; returns 0 or
 * -EBADMSG with a message once the stream shows something a layer must not contain. */
struct reg_guard {
        uint64_t entry_left, pad_left, max_entry;
        char hdr[512];
        size_t hdr_len;
        struct buf meta;       /* pax / GNU long name data being collected */
        char meta_type;        /* 'x', 'L', 'K' while collecting, else 0 */
        char *pax_path, *pax_link, *long_name, *long_link;
        json_t *escaping_links; /* set: symlinks of this layer whose target leaves it */
        bool ended;
        char err[768];
};
void reg_guard_init(struct reg_guard *g, uint64_t max_entry);
void reg_guard_release(struct reg_guard *g);
int reg_guard_feed(struct reg_guard *g, const char *p, size_t n);

/* ---- store records (pull.c) ---- */
int reg_store_lock(const char *image_dir, bool exclusive);
#endif
