/* client.c — the distribution API over HTTP(S) with libcurl: one session per (endpoint,
 * repository) for the duration of a pull.
 *
 * Authentication follows the registry's lead, as docker and containerd do: a request goes
 * out anonymously (or with the bearer token we already hold); a 401 carries a
 * WWW-Authenticate challenge that says either Basic (then we retry with the credentials)
 * or Bearer realm/service/scope (then we ask the realm for a token, with the credentials
 * as Basic auth if we have any, and retry with it).  When the first credential is
 * refused the next matching imagePullSecret is tried, like the kubelet's keyring.
 * Credentials are sent only to the endpoint host: curl drops Authorization headers on
 * redirects to another host (blob storage redirects), and token realms get them only
 * because the registry named the realm.
 *
 * The download threads of one pull share the session: the token lives under a mutex
 * with a generation number so that many threads hitting one expiry refresh it once, and
 * a CURLSH shares DNS, TLS sessions and keep-alive connections between their handles.
 */
#include <curl/curl.h>
#include "base/log.h"
#include "registry/registry_int.h"

#define MAX_ERR_BODY (64u << 10)
#define MAX_TOKEN_BODY (1u << 20)
#define MAX_HDR (8u << 10)

struct reg_session {
        char *base, *host, *repo;
        bool http_fallback, skip_verify;
        char *ca_file, *cert_file, *key_file;
        struct reg_cred *creds;
        size_t ncreds, cred_idx;
        pthread_mutex_t mu;
        int scheme; /* 0 unknown/anonymous, 1 basic, 2 bearer */
        char *realm, *service, *token;
        uint64_t gen;
        bool pinged;
        CURLSH *share;
        pthread_mutex_t share_mu[CURL_LOCK_DATA_LAST];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
        curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *ud)
{
        struct reg_session *s = ud;
        pthread_mutex_lock(&s->share_mu[d]);
}

static void share_unlock(CURL *h, curl_lock_data d, void *ud)
{
        struct reg_session *s = ud;
        pthread_mutex_unlock(&s->share_mu[d]);
}

struct reg_session *reg_session_new(const struct reg_endpoint *ep, const char *repo_path,
                                    struct reg_cred *creds, size_t ncreds)
{
        pthread_once(&curl_once, curl_init_once);
        struct reg_session *s = xcalloc(1, sizeof(*s));
        s->base = xstrdup(ep->base);
        s->host = xstrdup(ep->host);
        s->repo = xstrdup(repo_path);
        s->http_fallback = ep->http_fallback;
        s->skip_verify = ep->skip_verify;
        s->ca_file = ep->ca_file ? xstrdup(ep->ca_file) : NULL;
        s->cert_file = ep->cert_file ? xstrdup(ep->cert_file) : NULL;
        s->key_file = ep->key_file ? xstrdup(ep->key_file) : NULL;
        s->creds = creds;
        s->ncreds = ncreds;
        pthread_mutex_init(&s->mu, NULL);
        for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
                pthread_mutex_init(&s->share_mu[i], NULL);
        s->share = curl_share_init();
        curl_share_setopt(s->share, CURLSHOPT_LOCKFUNC, share_lock);
        curl_share_setopt(s->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
        curl_share_setopt(s->share, CURLSHOPT_USERDATA, s);
        curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
        return s;
}

void reg_session_free(struct reg_session *s)
{
        if (!s)
                return;
        curl_share_cleanup(s->share);
        for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
                pthread_mutex_destroy(&s->share_mu[i]);
        pthread_mutex_destroy(&s->mu);
        free(s->base);
        free(s->host);
        free(s->repo);
        free(s->ca_file);
        free(s->cert_file);
        free(s->key_file);
        free(s->realm);
        free(s->service);
        if (s->token)
                explicit_bzero(s->token, strlen(s->token));
        free(s->token);
        free(s);
}

const char *reg_session_base(const struct reg_session *s)
{
        return s->base;
}

/* ---- one HTTP exchange ---- */
struct xfer {
        struct reg_session *s;
        CURL *h;
        long code;
        bool started;
        char *ctype, *digest, *challenge, *content_range;
        struct buf errbody;
        struct buf *small; /* reg_get_small's sink */
        reg_first_fn first;
        reg_data_fn data;
        void *ud;
        int cb_err;
};

static void xfer_release(struct xfer *x)
{
        free(x->ctype);
        free(x->digest);
        free(x->challenge);
        free(x->content_range);
        buf_release(&x->errbody);
}

static char *trim_dup(const char *p, size_t n)
{
        while (n > 0 && (*p == ' ' || *p == '\t')) {
                p++;
                n--;
        }
        while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' '))
                n--;
        return xstrndup(p, n);
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
        struct xfer *x = ud;
        size_t n = sz * nm;
        if (n > MAX_HDR)
                return n;
        if (n >= 5 && !memcmp(p, "HTTP/", 5)) { /* a new response (redirect, 100) */
                free(x->ctype);
                free(x->digest);
                free(x->challenge);
                free(x->content_range);
                x->ctype = x->digest = x->challenge = x->content_range = NULL;
                return n;
        }
        const char *colon = memchr(p, ':', n);
        if (!colon)
                return n;
        size_t kl = (size_t)(colon - p);
        char **slot = NULL;
        if (kl == 12 && !strncasecmp(p, "content-type", 12))
                slot = &x->ctype;
        else if (kl == 21 && !strncasecmp(p, "docker-content-digest", 21))
                slot = &x->digest;
        else if (kl == 16 && !strncasecmp(p, "www-authenticate", 16))
                slot = &x->challenge;
        else if (kl == 13 && !strncasecmp(p, "content-range", 13))
                slot = &x->content_range;
        if (slot) {
                free(*slot);
                *slot = trim_dup(colon + 1, n - kl - 1);
        }
        return n;
}

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
        struct xfer *x = ud;
        size_t n = sz * nm;
        if (!x->started) {
                x->started = true;
                curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->code);
                if (x->code >= 200 && x->code < 300 && x->first) {
                        int r = x->first(x->ud, x->code == 206);
                        if (r) {
                                x->cb_err = r;
                                return 0;
                        }
                }
        }
        if (x->code < 200 || x->code >= 300) {
                if (buf_append(&x->errbody, p, n) < 0)
                        return n; /* keep the beginning only */
                return n;
        }
        if (x->small) {
                if (buf_append(x->small, p, n) < 0) {
                        x->cb_err = -EFBIG;
                        return 0;
                }
                return n;
        }
        if (x->data) {
                int r = x->data(x->ud, p, n);
                if (r) {
                        x->cb_err = r;
                        return 0;
                }
        }
        return n;
}

static int curl_errno(CURLcode c)
{
        switch (c) {
        case CURLE_COULDNT_CONNECT:
                return -ECONNREFUSED;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
                return -EHOSTUNREACH;
        case CURLE_OPERATION_TIMEDOUT:
                return -ETIMEDOUT;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
                return -EPROTO;
        default:
                return -EIO;
        }
}

static void setup_handle(struct xfer *x, const char *url, struct curl_slist *hdrs)
{
        struct reg_session *s = x->s;
        CURL *h = x->h;
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_SHARE, s->share);
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "jobd/1 (containerd-compatible)");
        curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L << 10);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        if (s->skip_verify) {
                curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
                curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        if (s->ca_file)
                curl_easy_setopt(h, CURLOPT_CAINFO, s->ca_file);
        if (s->cert_file)
                curl_easy_setopt(h, CURLOPT_SSLCERT, s->cert_file);
        if (s->key_file)
                curl_easy_setopt(h, CURLOPT_SSLKEY, s->key_file);
}

/* `Bearer realm="...",service="...",scope="..."` → the named parameter (caller frees). */
static char *challenge_param(const char *ch, const char *name)
{
        size_t nl = strlen(name);
        const char *p = strchr(ch, ' ');
        while (p && *p) {
                while (*p == ' ' || *p == ',')
                        p++;
                const char *eq = strchr(p, '=');
                if (!eq)
                        return NULL;
                bool hit = (size_t)(eq - p) == nl && !strncasecmp(p, name, nl);
                const char *v = eq + 1;
                struct buf b;
                buf_init(&b, 4096);
                if (*v == '"') {
                        v++;
                        while (*v && *v != '"') {
                                if (*v == '\\' && v[1])
                                        v++;
                                if (buf_append(&b, v, 1) < 0)
                                        break;
                                v++;
                        }
                        if (*v == '"')
                                v++;
                } else {
                        while (*v && *v != ',') {
                                if (buf_append(&b, v, 1) < 0)
                                        break;
                                v++;
                        }
                }
                if (hit) {
                        if (!b.data)
                                return xstrdup("");
                        return buf_steal(&b);
                }
                buf_release(&b);
                p = v;
        }
        return NULL;
}

/* Registry error bodies: {"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]} */
static void describe_failure(struct xfer *x, const char *what, char *err, size_t errlen)
{
        const char *reason = x->code == 404 ? "Not Found"
                             : x->code == 401 ? "Unauthorized"
                             : x->code == 403 ? "Forbidden"
                             : x->code == 429 ? "Too Many Requests"
                             : x->code >= 500 ? "Server Error"
                                              : "unexpected status";
        char detail[256] = "";
        if (x->errbody.len) {
                char perr[64];
                json_t *j = jparse(x->errbody.data, x->errbody.len, 8, perr, sizeof(perr));
                json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
                if (e0)
                        snprintf(detail, sizeof(detail), " (%s: %s)",
                                 jstr(e0, "code") ? jstr(e0, "code") : "",
                                 jstr(e0, "message") ? jstr(e0, "message") : "");
                json_decref(j);
        }
        snprintf(err, errlen, "unexpected status from GET request to %s: %ld %s%s", what, x->code,
                 reason, detail);
}

static int status_errno(long code)
{
        if (code == 404)
                return -ENOENT;
        if (code == 401 || code == 403)
                return -EACCES;
        if (code == 416)
                return -ERANGE;
        return -EIO;
}

/* Ask the realm for a token: GET with the current credential as Basic auth (docker's
 * token flow), or, for an identity token, the OAuth2 refresh-token POST. */
static int fetch_token(struct reg_session *s, const char *realm, const char *service,
                       const struct reg_cred *cred, char **ret, char *err, size_t errlen)
{
        CURL *h = curl_easy_init();
        if (!h)
                return -ENOMEM;
        bool oauth = cred && cred->identity_token && *cred->identity_token;
        struct buf url, form;
        buf_init(&url, 8192);
        buf_init(&form, 16384);
        char *esc_repo = curl_easy_escape(h, s->repo, 0);
        char *esc_svc = curl_easy_escape(h, service ? service : "", 0);
        int r;
        if (oauth) {
                char *esc_tok = curl_easy_escape(h, cred->identity_token, 0);
                r = buf_printf(&url, "%s", realm);
                if (r == 0)
                        r = buf_printf(&form,
                                       "grant_type=refresh_token&refresh_token=%s&service=%s&"
                                       "scope=repository:%s:pull&client_id=jobd",
                                       esc_tok, esc_svc, esc_repo);
                curl_free(esc_tok);
        } else {
                r = buf_printf(&url, "%s%cscope=repository:%s:pull", realm,
                               strchr(realm, '?') ? '&' : '?', esc_repo);
                if (r == 0 && service && *service)
                        r = buf_printf(&url, "&service=%s", esc_svc);
        }
        curl_free(esc_repo);
        curl_free(esc_svc);
        if (r < 0) {
                buf_release(&url);
                buf_release(&form);
                curl_easy_cleanup(h);
                snprintf(err, errlen, "token realm URL too long");
                return -EPROTO;
        }
        struct buf body;
        buf_init(&body, MAX_TOKEN_BODY);
        struct xfer x = {.s = s, .h = h, .small = &body};
        buf_init(&x.errbody, MAX_ERR_BODY);
        setup_handle(&x, url.data, NULL);
        if (oauth) {
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, form.data);
                curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)form.len);
        } else if (cred && cred->username) {
                curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
                curl_easy_setopt(h, CURLOPT_USERNAME, cred->username);
                curl_easy_setopt(h, CURLOPT_PASSWORD, cred->password ? cred->password : "");
        }
        CURLcode c = curl_easy_perform(h);
        if (!x.started)
                curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &x.code);
        r = 0;
        if (c != CURLE_OK && !x.cb_err) {
                snprintf(err, errlen, "failed to fetch an auth token from %s: %s", realm,
                         curl_easy_strerror(c));
                r = curl_errno(c);
        } else if (x.cb_err) {
                snprintf(err, errlen, "token response from %s too large", realm);
                r = -EPROTO;
        } else if (x.code != 200) {
                describe_failure(&x, realm, err, errlen);
                r = x.code == 401 || x.code == 403 ? -EACCES : -EIO;
        } else {
                char perr[64];
                json_t *j = jparse(body.data ? body.data : "", body.len, 8, perr, sizeof(perr));
                const char *t = jstr(j, "token");
                if (!t || !*t)
                        t = jstr(j, "access_token");
                if (!t || !*t) {
                        snprintf(err, errlen, "the token service at %s returned no token", realm);
                        r = -EPROTO;
                } else {
                        *ret = xstrdup(t);
                }
                json_decref(j);
        }
        if (body.data)
                explicit_bzero(body.data, body.len);
        if (form.data)
                explicit_bzero(form.data, form.len);
        buf_release(&body);
        buf_release(&form);
        buf_release(&url);
        xfer_release(&x);
        curl_easy_cleanup(h);
        return r;
}

/* React to a 401 seen at generation gen: learn the challenge, get a token or switch to
 * basic, or move to the next credential.  0 = retry, negative = give up. */
static int handle_unauthorized(struct reg_session *s, struct xfer *x, uint64_t gen,
                               bool *tried_this_cred, char *err, size_t errlen)
{
        pthread_mutex_lock(&s->mu);
        int r = 0;
        if (s->gen != gen) /* another thread already refreshed */
                goto out;
        if (*tried_this_cred) {
                if (s->cred_idx + 1 >= s->ncreds) {
                        snprintf(err, errlen,
                                 "pull access denied, repository does not exist or may require "
                                 "authorization: %s",
                                 s->ncreds ? "the registry refused the credentials"
                                           : "no credentials for this registry");
                        r = -EACCES;
                        goto out;
                }
                s->cred_idx++;
        }
        *tried_this_cred = true;
        const char *ch = x->challenge;
        const struct reg_cred *cred = s->ncreds ? &s->creds[s->cred_idx] : NULL;
        if (ch && !strncasecmp(ch, "bearer", 6)) {
                free(s->realm);
                free(s->service);
                s->realm = challenge_param(ch, "realm");
                s->service = challenge_param(ch, "service");
                if (!s->realm || !(startswith(s->realm, "https://") ||
                                   startswith(s->realm, "http://"))) {
                        snprintf(err, errlen, "the registry sent a bearer challenge without a "
                                              "usable realm");
                        r = -EPROTO;
                        goto out;
                }
                char *tok = NULL;
                r = fetch_token(s, s->realm, s->service, cred, &tok, err, errlen);
                if (r == -EACCES && s->cred_idx + 1 < s->ncreds) {
                        s->cred_idx++;
                        cred = &s->creds[s->cred_idx];
                        r = fetch_token(s, s->realm, s->service, cred, &tok, err, errlen);
                }
                if (r < 0)
                        goto out;
                if (s->token)
                        explicit_bzero(s->token, strlen(s->token));
                free(s->token);
                s->token = tok;
                s->scheme = 2;
        } else if (ch && !strncasecmp(ch, "basic", 5)) {
                if (!cred || !cred->username) {
                        snprintf(err, errlen,
                                 "pull access denied, repository does not exist or may require "
                                 "authorization: authorization required (no credentials for %s)",
                                 s->host);
                        r = -EACCES;
                        goto out;
                }
                s->scheme = 1;
        } else {
                snprintf(err, errlen, "unauthorized: the registry sent no usable challenge");
                r = -EACCES;
                goto out;
        }
        s->gen++;
out:
        pthread_mutex_unlock(&s->mu);
        return r;
}

/* GET path (relative to base/v2/) with auth handling and plain-HTTP fallback. */
static int do_get(struct reg_session *s, const char *path, const char *accept, uint64_t offset,
                  struct xfer *tmpl, struct xfer *ret_x, char *err, size_t errlen)
{
        bool tried_cred = false;
        for (int attempt = 0; attempt < 8; attempt++) {
                pthread_mutex_lock(&s->mu);
                uint64_t gen = s->gen;
                int scheme = s->scheme;
                _cleanup_free_ char *token = s->token ? xstrdup(s->token) : NULL;
                const struct reg_cred *cred = s->ncreds ? &s->creds[s->cred_idx] : NULL;
                _cleanup_free_ char *url = xasprintf("%s/v2/%s", s->base, path);
                pthread_mutex_unlock(&s->mu);

                struct curl_slist *hdrs = NULL;
                _cleanup_free_ char *acc = accept ? xasprintf("Accept: %s", accept) : NULL;
                _cleanup_free_ char *auth = scheme == 2 && token
                                                    ? xasprintf("Authorization: Bearer %s", token)
                                                    : NULL;
                _cleanup_free_ char *range = offset ? xasprintf("Range: bytes=%llu-",
                                                                (unsigned long long)offset)
                                                    : NULL;
                if (acc)
                        hdrs = curl_slist_append(hdrs, acc);
                if (auth)
                        hdrs = curl_slist_append(hdrs, auth);
                if (range)
                        hdrs = curl_slist_append(hdrs, range);
                hdrs = curl_slist_append(hdrs, "Accept-Encoding: identity");
                struct xfer x = *tmpl;
                x.s = s;
                x.h = curl_easy_init();
                buf_init(&x.errbody, MAX_ERR_BODY);
                if (x.small) {
                        size_t max = x.small->max;
                        buf_release(x.small);
                        buf_init(x.small, max);
                }
                setup_handle(&x, url, hdrs);
                if (scheme == 1 && cred && cred->username) {
                        curl_easy_setopt(x.h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
                        curl_easy_setopt(x.h, CURLOPT_USERNAME, cred->username);
                        curl_easy_setopt(x.h, CURLOPT_PASSWORD, cred->password ? cred->password : "");
                }
                CURLcode c = curl_easy_perform(x.h);
                if (!x.started)
                        curl_easy_getinfo(x.h, CURLINFO_RESPONSE_CODE, &x.code);
                curl_easy_cleanup(x.h);
                x.h = NULL;
                curl_slist_free_all(hdrs);
                if (auth)
                        explicit_bzero(auth, strlen(auth));
                if (x.cb_err) {
                        int e = x.cb_err;
                        xfer_release(&x);
                        if (e == -EFBIG)
                                snprintf(err, errlen, "%s: response larger than %zu bytes", url,
                                         tmpl->small ? tmpl->small->max : (size_t)0);
                        return e;
                }
                if (c != CURLE_OK) {
                        int e = curl_errno(c);
                        bool tls = c == CURLE_SSL_CONNECT_ERROR || c == CURLE_RECV_ERROR ||
                                   c == CURLE_GOT_NOTHING;
                        pthread_mutex_lock(&s->mu);
                        bool fallback = tls && s->http_fallback && startswith(s->base, "https://");
                        if (fallback) {
                                char *nb = xasprintf("http://%s", s->base + 8);
                                free(s->base);
                                s->base = nb;
                                s->http_fallback = false;
                        }
                        pthread_mutex_unlock(&s->mu);
                        xfer_release(&x);
                        if (fallback)
                                continue;
                        snprintf(err, errlen, "GET %s: %s", url, curl_easy_strerror(c));
                        return e;
                }
                if (x.code == 401) {
                        int r = handle_unauthorized(s, &x, gen, &tried_cred, err, errlen);
                        xfer_release(&x);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (x.code < 200 || x.code >= 300) {
                        describe_failure(&x, url, err, errlen);
                        int e = status_errno(x.code);
                        xfer_release(&x);
                        return e;
                }
                *ret_x = x;
                return 0;
        }
        snprintf(err, errlen, "GET %s/v2/%s: too many authentication round trips", s->base, path);
        return -EACCES;
}

int reg_get_small(struct reg_session *s, const char *path, const char *accept, size_t max,
                  struct buf *ret, char **ret_ctype, char **ret_digest, char *err, size_t errlen)
{
        buf_init(ret, max);
        struct xfer tmpl = {.small = ret}, x;
        int r = do_get(s, path, accept, 0, &tmpl, &x, err, errlen);
        if (r < 0) {
                buf_release(ret);
                return r;
        }
        if (ret_ctype)
                *ret_ctype = TAKE_PTR(x.ctype);
        if (ret_digest)
                *ret_digest = TAKE_PTR(x.digest);
        xfer_release(&x);
        return 0;
}

int reg_get_blob(struct reg_session *s, const char *digest, uint64_t offset, reg_first_fn first,
                 reg_data_fn data, void *ud, char *err, size_t errlen)
{
        reg_stats_add(0);
        _cleanup_free_ char *path = xasprintf("%s/blobs/%s", s->repo, digest);
        struct xfer tmpl = {.first = first, .data = data, .ud = ud}, x;
        int r = do_get(s, path, NULL, offset, &tmpl, &x, err, errlen);
        if (r == -ERANGE && offset) /* the server cannot resume: start over */
                r = do_get(s, path, NULL, 0, &tmpl, &x, err, errlen);
        if (r < 0)
                return r;
        if (!x.started && first) { /* empty body: still report the start */
                r = first(ud, x.code == 206);
        }
        xfer_release(&x);
        return r;
}
