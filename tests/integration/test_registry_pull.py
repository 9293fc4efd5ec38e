"""test_registry_pull.py — image pulls against real registries on loopback.

Debian's docker-registry (distribution 2.8) is started by the test with its own config in
a temp dir: one plain-HTTP registry, one with htpasswd (bcrypt from apache2-utils), one
with the bearer-token realm served by a tiny token service written here (RS256 JWTs
signed with openssl, the x5c chain trusted through the registry's rootcertbundle).
Images are OCI layouts written by this file (layers are tarballs built with tarfile from
busybox-static, gzip or zstd compressed) and pushed with skopeo.  jobd's side is
registry_cli(): through `jobd image pull` when the binary has it, otherwise a
three-line driver linked against the ASan libjobd.a.

Everything listens on 127.0.0.1, waits poll with deadlines, and hostile layers aim at a
sentinel directory that is checked untouched afterwards.
"""
import base64
import hashlib
import http.server
import io
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, Server, check, run, test, wait_for  # noqa: E402

TMP = tempfile.mkdtemp(prefix="jobd-reg-it-")
BUSYBOX = "/bin/busybox"
LIBS = "jansson sqlite3 libmicrohttpd libcurl yaml-0.1 openssl"


# --------------------------------------------------------------------------- helpers
def sh(*cmd, input=None, timeout=120, env=None):
    p = subprocess.run(list(cmd), input=input, capture_output=True, text=True, timeout=timeout,
                       env=env)
    return p.returncode, p.stdout, p.stderr


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sha(b):
    return hashlib.sha256(b).hexdigest()


_cli = None


def cli_cmd():
    """How to run registry_cli: `jobd image pull` if main.c routes it, else a driver."""
    global _cli
    if _cli:
        return _cli
    jobd = os.environ.get("JOBD_BIN", os.path.join(ROOT, "build", "asan", "jobd"))
    if os.path.exists(jobd):
        rc, out, err = sh(jobd, "image", "pull", "--help")
        if rc == 0 and "jobd image pull" in out:
            _cli = [jobd, "image"]
            return _cli
    lib = os.path.join(ROOT, "build", "asan", "libjobd.a")
    src = os.path.join(TMP, "regcli.c")
    with open(src, "w") as f:
        f.write('#include "registry/registry.h"\n'
                "int main(int argc, char **argv) { return registry_cli(argc - 1, argv + 1); }\n")
    flags = sh("pkg-config", "--cflags", "--libs", *LIBS.split())[1].split()
    exe = os.path.join(TMP, "regcli")
    rc, out, err = sh("cc", "-std=gnu11", "-g", "-O1", "-fsanitize=address,undefined",
                      "-D_GNU_SOURCE", "-I" + os.path.join(ROOT, "src"), src, lib, "-o", exe,
                      *flags, "-lpthread", "-lm")
    if rc != 0:
        raise RuntimeError("cannot build the registry CLI driver: " + err[-2000:])
    _cli = [exe, "image"]
    return _cli


def jobd_image(*args, timeout=120):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:halt_on_error=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    return sh(*cli_cmd(), *args, timeout=timeout, env=env)


# ---- images -------------------------------------------------------------------------
def tar_bytes(entries):
    """entries: (name, kind, arg) with kind file/dir/symlink/hardlink/chr/blk/fifo."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, arg in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1700000000
            data = None
            if kind == "file":
                data = arg if isinstance(arg, bytes) else arg.encode()
                ti.size, ti.mode = len(data), 0o755 if name.endswith("busybox") else 0o644
            elif kind == "dir":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            elif kind == "symlink":
                ti.type, ti.linkname = tarfile.SYMTYPE, arg
            elif kind == "hardlink":
                ti.type, ti.linkname = tarfile.LNKTYPE, arg
            elif kind in ("chr", "blk"):
                ti.type = tarfile.CHRTYPE if kind == "chr" else tarfile.BLKTYPE
                ti.devmajor, ti.devminor = arg
            elif kind == "fifo":
                ti.type = tarfile.FIFOTYPE
            elif kind == "sparse-size":  # a header that claims a size, data of that size
                ti.size = arg
                data = b"\0" * arg
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return bio.getvalue()


def compress(raw, how):
    if how == "gzip":
        return subprocess.run(["gzip", "-1", "-n", "-c"], input=raw, capture_output=True,
                              check=True).stdout, "application/vnd.oci.image.layer.v1.tar+gzip"
    if how == "zstd":
        return subprocess.run(["zstd", "-q", "-3", "-c"], input=raw, capture_output=True,
                              check=True).stdout, "application/vnd.oci.image.layer.v1.tar+zstd"
    return raw, "application/vnd.oci.image.layer.v1.tar"


def oci_layout(name, layers, cmd=None, env=None):
    """Write an OCI image layout with the given (raw tar bytes, compression) layers."""
    d = os.path.join(TMP, "oci", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "blobs", "sha256"))

    def blob(data):
        h = sha(data)
        with open(os.path.join(d, "blobs", "sha256", h), "wb") as f:
            f.write(data)
        return "sha256:" + h, len(data)

    descs, diffs = [], []
    for raw, how in layers:
        data, mt = compress(raw, how)
        dg, size = blob(data)
        descs.append({"mediaType": mt, "digest": dg, "size": size})
        diffs.append("sha256:" + sha(raw))
    config = {"architecture": "amd64", "os": "linux",
              "config": {"Env": env or ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                         "Cmd": cmd or ["sh"], "WorkingDir": "/"},
              "rootfs": {"type": "layers", "diff_ids": diffs}, "history": []}
    cdg, csize = blob(json.dumps(config).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": cdg, "size": csize},
                "layers": descs}
    mbytes = json.dumps(manifest).encode()
    mdg, msize = blob(mbytes)
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdg,
         "size": msize, "annotations": {"org.opencontainers.image.ref.name": "latest"},
         "platform": {"architecture": "amd64", "os": "linux"}}]}
    with open(os.path.join(d, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(d, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    return d, mdg, descs, cdg


def busybox_layers():
    with open(BUSYBOX, "rb") as f:
        bb = f.read()
    base = tar_bytes([("bin", "dir", None), ("bin/busybox", "file", bb),
                      ("bin/sh", "symlink", "busybox"), ("bin/ls", "hardlink", "bin/busybox"),
                      ("etc", "dir", None), ("etc/passwd", "file", "root:x:0:0:root:/root:/bin/sh\n"),
                      ("etc/doomed", "file", "gone in layer 3\n"),
                      ("opt", "dir", None), ("opt/old", "file", "hidden by opaque\n")])
    mid = tar_bytes([("etc", "dir", None), ("etc/hostname", "file", "jobd\n"),
                     ("run", "dir", None), ("run/fifo", "fifo", None)])
    top = tar_bytes([("etc", "dir", None), ("etc/.wh.doomed", "file", b""),
                     ("opt", "dir", None), ("opt/.wh..wh..opq", "file", b""),
                     ("opt/new", "file", "after opaque\n")])
    return base, mid, top


class Registry:
    def __init__(self, name, auth=None, token_realm=None, certfile=None, tls=None, clientca=None):
        self.dir = os.path.join(TMP, "reg-" + name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        cfg = ["version: 0.1", "log:", "  level: info", "  accesslog:", "    disabled: false",
               "storage:", "  filesystem:", f"    rootdirectory: {self.dir}/data",
               "  delete:", "    enabled: true", "http:", f"  addr: {self.host}"]
        if auth == "htpasswd":
            cfg += ["auth:", "  htpasswd:", "    realm: basic-realm", f"    path: {self.dir}/htpasswd"]
        elif auth == "token":
            cfg += ["auth:", "  token:", f"    realm: {token_realm}", "    service: jobd-test",
                    "    issuer: jobd-test-issuer", f"    rootcertbundle: {certfile}"]
        self.scheme = "http"
        if tls:
            cfg += ["  tls:", f"    certificate: {tls[0]}", f"    key: {tls[1]}"]
            if clientca:
                cfg += ["    clientcas:", f"      - {clientca}"]
            self.scheme = "https"
        with open(os.path.join(self.dir, "config.yml"), "w") as f:
            f.write("\n".join(cfg) + "\n")
        self.proc = None

    def start(self):
        self.log = open(os.path.join(self.dir, "registry.log"), "ab")
        self.proc = subprocess.Popen(["docker-registry", "serve", os.path.join(self.dir, "config.yml")],
                                     stdout=self.log, stderr=self.log)

        def up():
            try:
                ctx = ssl._create_unverified_context()
                urllib.request.urlopen(f"{self.scheme}://{self.host}/v2/", timeout=2, context=ctx)
                return True
            except urllib.error.HTTPError as e:
                return e.code == 401
            except urllib.error.URLError as e:  # mTLS: up, but wants a client certificate
                return isinstance(e.reason, (ssl.SSLError, ConnectionResetError))
            except (ssl.SSLError, ConnectionResetError):
                return True
            except OSError:
                return False
        if not wait_for(up, f"registry {self.host} up", timeout=20):
            raise RuntimeError("registry did not start: " + self.logtext())
        return self

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def logtext(self):
        with open(os.path.join(self.dir, "registry.log"), "rb") as f:
            return f.read().decode(errors="replace")

    def count(self, needle):
        """Access-log lines containing needle, once every earlier request is logged: the
        registry logs a request after answering it, so a sentinel request is sent and
        waited for first."""
        mark = "sentinel-" + os.urandom(6).hex()
        try:
            urllib.request.urlopen(f"{self.scheme}://{self.host}/v2/?{mark}", timeout=5,
                                   context=ssl._create_unverified_context())
        except (urllib.error.HTTPError, OSError):
            pass
        wait_for(lambda: mark in self.logtext(), "registry access log flushed", timeout=10,
                 interval=0.02)
        return sum(1 for line in self.logtext().splitlines()
                   if line.startswith("127.0.0.1 - ") and needle in line)

    def blob_path(self, digest):
        h = digest.split(":")[1]
        return os.path.join(self.dir, "data", "docker", "registry", "v2", "blobs", "sha256",
                            h[:2], h, "data")


def push(layout, ref, creds=None):
    """skopeo copy, keeping every digest (skopeo would otherwise recompress)."""
    args = ["skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--insecure-policy",
            "--preserve-digests"]
    if creds:
        args += ["--dest-creds", creds]
    rc, out, err = sh(*args, f"oci:{layout}:latest", f"docker://{ref}")
    if rc != 0:
        raise RuntimeError(f"skopeo push of {ref} failed: {err}")


def push_raw(layout, ref):
    """Push through the distribution API directly: skopeo compresses uncompressed layers
    on the way to a registry, and these tests want one exactly as written."""
    host, _, rest = ref.partition("/")
    repo, _, tag = rest.rpartition(":")
    with open(os.path.join(layout, "index.json")) as f:
        mdg = json.load(f)["manifests"][0]["digest"]

    def blob(dg):
        with open(os.path.join(layout, "blobs", "sha256", dg[7:]), "rb") as f:
            return f.read()
    manifest = json.loads(blob(mdg))
    for desc in manifest["layers"] + [manifest["config"]]:
        req = urllib.request.Request(f"http://{host}/v2/{repo}/blobs/uploads/", method="POST",
                                     data=b"")
        with urllib.request.urlopen(req, timeout=30) as r:
            loc = r.headers["Location"]
        url = urllib.parse.urljoin(f"http://{host}/", loc)
        url += ("&" if "?" in url else "?") + "digest=" + urllib.parse.quote(desc["digest"])
        req = urllib.request.Request(url, method="PUT", data=blob(desc["digest"]))
        req.add_header("Content-Type", "application/octet-stream")
        urllib.request.urlopen(req, timeout=30).close()
    req = urllib.request.Request(f"http://{host}/v2/{repo}/manifests/{tag}", method="PUT",
                                 data=blob(mdg))
    req.add_header("Content-Type", manifest["mediaType"])
    urllib.request.urlopen(req, timeout=30).close()


def put_manifest(host, repo, ref, body, mt):
    req = urllib.request.Request(f"http://{host}/v2/{repo}/manifests/{ref}", method="PUT", data=body)
    req.add_header("Content-Type", mt)
    urllib.request.urlopen(req, timeout=30).close()
    return "sha256:" + sha(body)


def push_platforms(host, repo, tag, entries, docker=False):
    """Push an image index (OCI) or manifest list (Docker schema 2) by tag whose entries
    are (layout, os, arch) images; with docker=True the image manifests are rewritten in
    Docker schema 2 media types."""
    dm = {"application/vnd.oci.image.layer.v1.tar+gzip": "application/vnd.docker.image.rootfs.diff.tar.gzip",
          "application/vnd.oci.image.config.v1+json": "application/vnd.docker.container.image.v1+json"}
    items = []
    for layout, os_, arch in entries:
        push_raw(layout, f"{host}/{repo}:tmp-{arch}")
        with open(os.path.join(layout, "index.json")) as f:
            mdg = json.load(f)["manifests"][0]["digest"]
        with open(os.path.join(layout, "blobs", "sha256", mdg[7:]), "rb") as f:
            man = json.loads(f.read())
        mt = "application/vnd.oci.image.manifest.v1+json"
        if docker:
            mt = "application/vnd.docker.distribution.manifest.v2+json"
            man["mediaType"] = mt
            man["config"]["mediaType"] = dm[man["config"]["mediaType"]]
            for layer in man["layers"]:
                layer["mediaType"] = dm[layer["mediaType"]]
        body = json.dumps(man).encode()
        dg = put_manifest(host, repo, "sha256:" + sha(body), body, mt)
        items.append({"mediaType": mt, "digest": dg, "size": len(body),
                      "platform": {"os": os_, "architecture": arch}})
    imt = ("application/vnd.docker.distribution.manifest.list.v2+json" if docker
           else "application/vnd.oci.image.index.v1+json")
    body = json.dumps({"schemaVersion": 2, "mediaType": imt, "manifests": items}).encode()
    return put_manifest(host, repo, tag, body, imt)


class DataDir:
    """A jobd data dir with a registries.yaml; the image store lives below it."""
    n = 0

    def __init__(self, yaml_text=None):
        DataDir.n += 1
        self.path = os.path.join(TMP, f"data{DataDir.n}")
        os.makedirs(self.path)
        if yaml_text is not None:
            with open(os.path.join(self.path, "registries.yaml"), "w") as f:
                f.write(yaml_text)
        self.store = os.path.join(self.path, "agent", "images")

    def pull(self, *args):
        return jobd_image("pull", "--data-dir", self.path, *args)

    def record(self, name):
        h = sha(name.encode())
        try:
            with open(os.path.join(self.store, "refs", h + ".json")) as f:
                return json.load(f)
        except OSError:
            return None

    def layer(self, hexd):
        return os.path.join(self.store, "layers", hexd)

    def leftovers(self):
        """Temporary pull directories or partial blobs left behind."""
        out = []
        for sub in ("layers", "tmp"):
            p = os.path.join(self.store, sub)
            if os.path.isdir(p):
                out += [f for f in os.listdir(p) if f.startswith(".pull-") or f.startswith("blob-")]
        return out


def secret_dockerconfigjson(host, user, password):
    doc = {"auths": {host: {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}}}
    sec = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred"},
           "type": "kubernetes.io/dockerconfigjson",
           "data": {".dockerconfigjson": base64.b64encode(json.dumps(doc).encode()).decode()}}
    p = os.path.join(TMP, f"secret-{user}-{password}.json")
    with open(p, "w") as f:
        json.dump(sec, f)
    return p


def secret_dockercfg(host, user, password):
    doc = {f"http://{host}/": {"username": user, "password": password, "email": "x@example.com"}}
    sec = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcfg"},
           "type": "kubernetes.io/dockercfg",
           "data": {".dockercfg": base64.b64encode(json.dumps(doc).encode()).decode()}}
    p = os.path.join(TMP, f"secret-cfg-{user}.json")
    with open(p, "w") as f:
        json.dump(sec, f)
    return p


# ---- token service ------------------------------------------------------------------
def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class TokenService:
    """The bearer realm: /token?service=&scope= → an RS256 JWT the registry trusts.
    Repositories under private/ need alice:wonderland; others are granted anonymously."""

    def __init__(self):
        self.dir = os.path.join(TMP, "token")
        os.makedirs(self.dir, exist_ok=True)
        self.key = os.path.join(self.dir, "key.pem")
        self.cert = os.path.join(self.dir, "cert.pem")
        rc, _, err = sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        self.key, "-out", self.cert, "-days", "2", "-subj", "/CN=jobd-test-token")
        if rc != 0:
            raise RuntimeError("openssl: " + err)
        der = subprocess.run(["openssl", "x509", "-in", self.cert, "-outform", "DER"],
                             capture_output=True, check=True).stdout
        self.x5c = base64.b64encode(der).decode()
        self.requests = []
        svc = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):  # OAuth2 refresh-token grant (docker's identity tokens)
                n = int(self.headers.get("Content-Length", "0"))
                q = urllib.parse.parse_qs(self.rfile.read(n).decode())
                if q.get("grant_type") != ["refresh_token"] or q.get("refresh_token") != ["refresh-alice"]:
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.grant("alice", q, grant="refresh_token", key="access_token")

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                q = urllib.parse.parse_qs(u.query)
                auth = self.headers.get("Authorization", "")
                user = None
                if auth.startswith("Basic "):
                    u_, _, p_ = base64.b64decode(auth[6:]).decode().partition(":")
                    if (u_, p_) != ("alice", "wonderland"):
                        self.send_response(401)
                        self.end_headers()
                        return
                    user = u_
                self.grant(user, q)

            def grant(self, user, q, grant=None, key="token"):
                access = []
                for scope in q.get("scope", []):
                    parts = scope.split(":")
                    if len(parts) != 3 or parts[0] != "repository":
                        continue
                    if parts[1].startswith("private/") and user is None:
                        continue
                    access.append({"type": "repository", "name": parts[1],
                                   "actions": parts[2].split(",")})
                svc.requests.append({"user": user, "scope": q.get("scope", []),
                                     "service": q.get("service", [""])[0], "grant": grant})
                tok = svc.jwt(user or "", q.get("service", [""])[0], access)
                body = json.dumps({key: tok, "expires_in": 300}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        self.realm = f"http://127.0.0.1:{self.port}/token"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def jwt(self, sub, aud, access):
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        claims = {"iss": "jobd-test-issuer", "sub": sub, "aud": aud, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": os.urandom(8).hex(), "access": access}
        signing = (b64url(json.dumps(header).encode()) + "." +
                   b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key], input=signing,
                             capture_output=True, check=True).stdout
        return signing.decode() + "." + b64url(sig)


# --------------------------------------------------------------------------- fixtures
PLAIN = Registry("plain")
IMG = {}  # name → (layout, manifest digest, layer descriptors, config digest)


def setup():
    PLAIN.start()
    base, mid, top = busybox_layers()
    IMG["busybox"] = oci_layout("busybox", [(base, "gzip"), (mid, "gzip"), (top, "zstd")])
    push(IMG["busybox"][0], f"{PLAIN.host}/test/busybox:v1")
    push(IMG["busybox"][0], f"{PLAIN.host}/library/busybox:latest")  # for the mirror
    IMG["plain"] = oci_layout("plain", [(mid, "gzip")])  # = busybox's second layer
    push(IMG["plain"][0], f"{PLAIN.host}/test/plain:v1")
    IMG["raw"] = oci_layout("raw", [(mid, "none")])
    push_raw(IMG["raw"][0], f"{PLAIN.host}/test/raw:v1")


def insecure_yaml(*hosts):
    return "configs:\n" + "".join(f'  "{h}":\n    insecure: true\n' for h in hosts)


# --------------------------------------------------------------------------- tests
@test
def pull_by_tag():
    d = DataDir(insecure_yaml(PLAIN.host))
    rc, out, err = d.pull(f"{PLAIN.host}/test/busybox:v1")
    check(rc == 0, "pull by tag succeeds", out + err)
    check("Successfully pulled image" in out and "Image size:" in out, "kubelet-style result line", out)
    name = f"{PLAIN.host}/test/busybox:v1"
    rec = d.record(name)
    check(rec is not None and rec["name"] == name, "store record under the normalised name", rec)
    if not rec:
        return
    _, mdg, descs, cdg = IMG["busybox"]
    check(rec["layers"] == [x["digest"][7:] for x in descs], "layers in order", rec["layers"])
    check(rec["id"] == cdg and rec["digest"] == mdg, "id is the config digest, digest the manifest's", rec)
    check(rec["repoDigest"] == f"{PLAIN.host}/test/busybox@{mdg}", "repoDigest", rec)
    check(rec["size"] == sum(x["size"] for x in descs), "size is the layers' total", rec)
    check(rec["config"].get("Cmd") == ["sh"], "config picked", rec)
    l0, l1, l2 = (d.layer(x["digest"][7:]) for x in descs)
    check(os.path.isfile(os.path.join(l0, "bin/busybox")), "gzip layer unpacked")
    check(os.path.islink(os.path.join(l0, "bin/sh")), "symlink kept")
    check(os.stat(os.path.join(l0, "bin/ls")).st_ino == os.stat(os.path.join(l0, "bin/busybox")).st_ino,
          "hard link kept")
    check(open(os.path.join(l1, "etc/hostname")).read() == "jobd\n", "second layer")
    st = os.lstat(os.path.join(l2, "etc/doomed"))
    check(os.major(st.st_rdev) == 0 and os.minor(st.st_rdev) == 0 and (st.st_mode & 0o170000) == 0o020000,
          "zstd layer: OCI whiteout became an overlay whiteout (0:0 char device)")
    check(os.getxattr(os.path.join(l2, "opt"), "trusted.overlay.opaque") == b"y", "opaque dir")
    check(not d.leftovers(), "no temporary files left", d.leftovers())
    # a second pull finds every layer present: only manifests and the config travel
    before = PLAIN.count("/blobs/")
    rc, out, err = d.pull(f"{PLAIN.host}/test/busybox:v1")
    check(rc == 0, "re-pull", err)
    check(PLAIN.count("/blobs/") - before == 0, "an up-to-date re-pull fetches no blob at all",
          PLAIN.count("/blobs/") - before)


@test
def pull_by_digest():
    d = DataDir(insecure_yaml(PLAIN.host))
    mdg = IMG["busybox"][1]
    ref = f"{PLAIN.host}/test/busybox@{mdg}"
    rc, out, err = d.pull(ref)
    check(rc == 0, "pull by digest succeeds", out + err)
    rec = d.record(ref)
    check(rec is not None and rec["digest"] == mdg, "record named by digest", rec)
    bad = f"{PLAIN.host}/test/busybox@sha256:" + "0" * 64
    rc, out, err = d.pull(bad)
    check(rc == 1 and "not found" in err, "unknown digest → not found", err)


@test
def loopback_plain_http_without_config():
    d = DataDir()  # no registries.yaml: loopback registries fall back to HTTP, like docker
    rc, out, err = d.pull(f"{PLAIN.host}/test/raw:v1")
    check(rc == 0, "uncompressed-layer image pulled from an unconfigured loopback registry", out + err)
    rec = d.record(f"{PLAIN.host}/test/raw:v1")
    check(rec and os.path.isfile(os.path.join(d.layer(rec["layers"][0]), "etc/hostname")),
          "plain tar layer unpacked", rec)


@test
def not_found_and_invalid():
    d = DataDir(insecure_yaml(PLAIN.host))
    rc, out, err = d.pull(f"{PLAIN.host}/test/nope:v1")
    check(rc == 1, "missing repository fails", out)
    check(f'failed to resolve reference "{PLAIN.host}/test/nope:v1": {PLAIN.host}/test/nope:v1: not found' in err,
          "containerd-style not found message", err)
    rc, out, err = d.pull("Perl")
    check(rc == 1 and 'couldn\'t parse image name "Perl": invalid reference format: repository name (library/Perl) must be lowercase' in err,
          "invalid name → InvalidImageName message", err)
    # more layers than the cap: refused before any layer is fetched
    layout = oci_layout("many", [(tar_bytes([("x", "file", "x")]), "gzip")])
    push_raw(layout[0], f"{PLAIN.host}/test/many:one")
    with open(os.path.join(layout[0], "blobs", "sha256", layout[1][7:])) as f:
        man = json.load(f)
    man["layers"] = man["layers"] * 129
    put_manifest(PLAIN.host, "test/many", "v1", json.dumps(man).encode(), man["mediaType"])
    rc, out, err = d.pull(f"{PLAIN.host}/test/many:v1")
    check(rc == 1 and "image has 129 layers (limit 128)" in err, "layer count capped", err)
    port = free_port()  # nothing listens there
    rc, out, err = d.pull(f"127.0.0.1:{port}/x/y:z")
    check(rc == 1 and ("onnect" in err or "refused" in err), "unreachable registry → network error", err)


@test
def mirror_serves_docker_io():
    yaml = (f'mirrors:\n  docker.io:\n    endpoint:\n      - "http://{PLAIN.host}"\n'
            f"    disable_default_endpoint: true\n")
    d = DataDir(yaml)
    before = PLAIN.count("GET /v2/library/busybox/manifests/latest")
    rc, out, err = d.pull("busybox")
    check(rc == 0, "busybox pulled through the docker.io mirror", out + err)
    rec = d.record("docker.io/library/busybox:latest")
    check(rec is not None and rec["repoDigest"].startswith("docker.io/library/busybox@sha256:"),
          "recorded as docker.io/library/busybox:latest", rec)
    check(PLAIN.count("GET /v2/library/busybox/manifests/latest") == before + 1,
          "the mirror answered the manifest request")
    # a mirror that is down, then the working one: the next endpoint is used
    dead = free_port()
    d2 = DataDir(f'mirrors:\n  docker.io:\n    endpoint: ["http://127.0.0.1:{dead}", "http://{PLAIN.host}"]\n'
                 f"    disable_default_endpoint: true\n")
    rc, out, err = d2.pull("docker.io/library/busybox")
    check(rc == 0, "falls over to the second mirror endpoint", err)


@test
def corrupted_blob_rejected_by_digest():
    # unique layers: the registry stores blobs once for all repositories
    layout = oci_layout("corrupt", [(tar_bytes([("f", "file", os.urandom(5000))]), "none"),
                                    (tar_bytes([("g", "file", os.urandom(200000))]), "gzip")])
    push_raw(layout[0], f"{PLAIN.host}/test/corrupt:v1")
    descs = layout[2]
    for i, desc in enumerate(descs):
        p = PLAIN.blob_path(desc["digest"])
        with open(p, "r+b") as f:  # same size, different bytes
            f.seek(desc["size"] // 2)
            b = f.read(1)
            f.seek(desc["size"] // 2)
            f.write(bytes([b[0] ^ 0xff]))
    d = DataDir(insecure_yaml(PLAIN.host))
    rc, out, err = d.pull(f"{PLAIN.host}/test/corrupt:v1")
    check(rc == 1, "pull of a corrupted image fails", out)
    check("unexpected commit digest" in err and "expected sha256:" in err, "digest mismatch named", err)
    check(not any(os.path.exists(d.layer(x["digest"][7:])) for x in descs), "no layer entered the store")
    check(d.record(f"{PLAIN.host}/test/corrupt:v1") is None, "no record written")
    bad = err.split('failed commit on ref "layer-sha256:')[-1][:64]
    check(f"blob-{bad}.partial" not in d.leftovers() and
          not any(x.startswith(".pull-") for x in d.leftovers()),
          "the corrupt partial blob and the unpack directory removed (a cancelled sibling's "
          "partial may stay for resuming)", d.leftovers())
    # a corrupted config blob as well
    cfg = PLAIN.blob_path(layout[3])
    with open(cfg, "r+b") as f:
        data = bytearray(f.read())
        data[2] ^= 0x01
        f.seek(0)
        f.write(data)
    rc, out, err = d.pull(f"{PLAIN.host}/test/corrupt:v1")
    check(rc == 1 and "config-sha256" in err, "corrupt config rejected", err)


@test
def concurrent_pulls_share_one_download():
    base, mid, top = busybox_layers()
    extra = tar_bytes([("data", "file", os.urandom(3 << 20))])
    layout = oci_layout("shared", [(base, "gzip"), (extra, "gzip"), (mid, "gzip")])
    push(layout[0], f"{PLAIN.host}/test/shared:v1")
    d = DataDir(insecure_yaml(PLAIN.host))
    ref = f"{PLAIN.host}/test/shared:v1"
    before = PLAIN.count("GET /v2/test/shared/blobs/")
    rc, out, err = d.pull("--stats", ref, ref, ref, ref)
    check(rc == 0, "four concurrent pulls of one image succeed", out + err)
    check(out.count("Successfully pulled image") == 4, "all four callers got the image", out)
    got = PLAIN.count("GET /v2/test/shared/blobs/") - before
    check(got == 4, "each blob (3 layers + config) fetched from the registry exactly once", got)
    check("shared_waits=3" in out, "three callers waited on the first one's pull", out)


@test
def private_repository_htpasswd():
    reg = Registry("private", auth="htpasswd")
    rc, out, err = sh("htpasswd", "-Bbn", "alice", "wonderland")
    with open(os.path.join(reg.dir, "htpasswd"), "w") as f:
        f.write(out)
    reg.start()
    try:
        push(IMG["plain"][0], f"{reg.host}/private/app:v1", creds="alice:wonderland")
        ref = f"{reg.host}/private/app:v1"
        d = DataDir(insecure_yaml(reg.host))
        rc, out, err = d.pull(ref)
        check(rc == 1 and "pull access denied" in err, "refused without credentials", err)
        rc, out, err = d.pull("--secret", secret_dockerconfigjson(reg.host, "alice", "nope"), ref)
        check(rc == 1 and "pull access denied" in err, "refused with a wrong password", err)
        check("nope" not in err, "the password never appears in messages", err)
        rc, out, err = d.pull("--secret", secret_dockerconfigjson(reg.host, "alice", "wonderland"), ref)
        check(rc == 0, "pulled with a kubernetes.io/dockerconfigjson imagePullSecret", out + err)
        check(d.record(ref) is not None, "record written")
        d2 = DataDir(insecure_yaml(reg.host))
        rc, out, err = d2.pull("--secret", secret_dockercfg(reg.host, "alice", "wonderland"), ref)
        check(rc == 0, "pulled with a kubernetes.io/dockercfg imagePullSecret", out + err)
        # the pod's imagePullSecrets, read from a real jobd server as the agent reads them
        srv = Server("--disable-agent").start()
        try:
            with open(secret_dockerconfigjson(reg.host, "alice", "wonderland")) as f:
                sec = json.load(f)
            code, body, _ = srv.api("POST", "/api/v1/namespaces/default/secrets", sec)
            check(code == 201, "secret created", body)
            code, body, _ = srv.api("POST", "/api/v1/namespaces/default/pods", {
                "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "private-pod"},
                "spec": {"imagePullSecrets": [{"name": "gone"}, {"name": "regcred"}],
                         "containers": [{"name": "c", "image": ref}]}})
            check(code == 201, "pod created", body)
            d4 = DataDir(insecure_yaml(reg.host))
            rc, out, err = d4.pull("--server", f"http://127.0.0.1:{srv.port}", "--pod",
                                   "default/private-pod", ref)
            check(rc == 0, "pulled with the pod's imagePullSecrets from the API", out + err)
            check("FailedToRetrieveImagePullSecret: Unable to retrieve some image pull secrets (gone); "
                  "attempting to pull the image may not succeed." in err,
                  "the kubelet's warning for the missing secret", err)
        finally:
            srv.cleanup()
        # credentials from registries.yaml
        d3 = DataDir(insecure_yaml(reg.host) + "    auth:\n      username: alice\n      password: wonderland\n")
        rc, out, err = d3.pull(ref)
        check(rc == 0, "pulled with auth from registries.yaml", out + err)
    finally:
        reg.stop()


@test
def bearer_token_realm():
    ts = TokenService()
    reg = Registry("token", auth="token", token_realm=ts.realm, certfile=ts.cert)
    reg.start()
    try:
        push(IMG["plain"][0], f"{reg.host}/public/app:v1", creds="alice:wonderland")
        push(IMG["plain"][0], f"{reg.host}/private/app:v1", creds="alice:wonderland")
        d = DataDir(insecure_yaml(reg.host))
        n0 = len(ts.requests)
        rc, out, err = d.pull(f"{reg.host}/public/app:v1")
        check(rc == 0, "public repository pulled with an anonymous token", out + err)
        reqs = ts.requests[n0:]
        check(any(r["user"] is None and r["scope"] == ["repository:public/app:pull"] and
                  r["service"] == "jobd-test" for r in reqs),
              "the realm was asked for an anonymous pull token with the registry's service", reqs)
        rc, out, err = d.pull(f"{reg.host}/private/app:v1")
        check(rc == 1 and "pull access denied" in err, "private repository refused anonymously", err)
        n1 = len(ts.requests)
        rc, out, err = d.pull("--secret", secret_dockerconfigjson(reg.host, "alice", "wonderland"),
                              f"{reg.host}/private/app:v1")
        check(rc == 0, "private repository pulled with a token obtained with the secret", out + err)
        check(any(r["user"] == "alice" for r in ts.requests[n1:]), "the realm saw alice's basic auth")
        # an identity token (OAuth2 refresh token) instead of a password
        doc = {"auths": {reg.host: {"identitytoken": "refresh-alice"}}}
        sec = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "idtok"},
               "type": "kubernetes.io/dockerconfigjson",
               "data": {".dockerconfigjson": base64.b64encode(json.dumps(doc).encode()).decode()}}
        sp = os.path.join(TMP, "secret-idtoken.json")
        with open(sp, "w") as f:
            json.dump(sec, f)
        n2 = len(ts.requests)
        d2 = DataDir(insecure_yaml(reg.host))
        rc, out, err = d2.pull("--secret", sp, f"{reg.host}/private/app:v1")
        check(rc == 0, "pulled with an identity token (refresh-token grant)", out + err)
        check(any(r["grant"] == "refresh_token" and r["user"] == "alice" for r in ts.requests[n2:]),
              "the realm was asked with the OAuth2 refresh-token POST", ts.requests[n2:])
    finally:
        reg.stop()
        ts.httpd.shutdown()


@test
def https_registry():
    cert, key = os.path.join(TMP, "tls-cert.pem"), os.path.join(TMP, "tls-key.pem")
    rc, _, err = sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1")
    check(rc == 0, "test certificate", err)
    reg = Registry("tls", tls=(cert, key)).start()
    try:
        rc, out, err = sh("skopeo", "copy", "--quiet", "--preserve-digests", "--insecure-policy",
                          "--dest-tls-verify=false", f"oci:{IMG['plain'][0]}:latest",
                          f"docker://{reg.host}/tls/app:v1")
        check(rc == 0, "pushed over TLS", err)
        mirror = (f'mirrors:\n  docker.io:\n    endpoint: ["https://{reg.host}"]\n'
                  "    disable_default_endpoint: true\n")
        d = DataDir(mirror)
        rc, out, err = d.pull("tls/app:v1")
        check(rc == 1 and "certificate" in err.lower(), "an unknown CA is refused", err)
        d = DataDir(mirror + f'configs:\n  "{reg.host}":\n    tls:\n      ca_file: {cert}\n')
        rc, out, err = d.pull("tls/app:v1")
        check(rc == 0, "HTTPS with the registry's CA from registries.yaml", out + err)
        d = DataDir(mirror + f'configs:\n  "{reg.host}":\n    tls:\n      insecure_skip_verify: true\n')
        rc, out, err = d.pull("tls/app:v1")
        check(rc == 0, "HTTPS with insecure_skip_verify", out + err)
        d = DataDir()
        rc, out, err = d.pull(f"{reg.host}/tls/app:v1")
        check(rc == 0, "a loopback HTTPS registry without configuration (docker's 127.0.0.0/8 rule)",
              out + err)
    finally:
        reg.stop()
    # mutual TLS: the registry wants a client certificate
    ccert, ckey = os.path.join(TMP, "client-cert.pem"), os.path.join(TMP, "client-key.pem")
    rc, _, err = sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ckey,
                    "-out", ccert, "-days", "2", "-subj", "/CN=jobd-node")
    check(rc == 0, "client certificate", err)
    reg = Registry("mtls", tls=(cert, key), clientca=ccert)
    reg.start()
    try:
        push_via = ["skopeo", "copy", "--quiet", "--preserve-digests", "--insecure-policy"]
        certdir = os.path.join(TMP, "skopeo-certs")
        os.makedirs(certdir, exist_ok=True)
        shutil.copy(ccert, os.path.join(certdir, "client.cert"))
        shutil.copy(ckey, os.path.join(certdir, "client.key"))
        shutil.copy(cert, os.path.join(certdir, "ca.crt"))
        rc, out, err = sh(*push_via, "--dest-cert-dir", certdir, f"oci:{IMG['plain'][0]}:latest",
                          f"docker://{reg.host}/tls/app:v1")
        check(rc == 0, "pushed with a client certificate", err)
        base = f'configs:\n  "{reg.host}":\n    tls:\n      ca_file: {cert}\n'
        rc, out, err = DataDir(base).pull(f"{reg.host}/tls/app:v1")
        check(rc == 1, "refused without a client certificate", out + err)
        rc, out, err = DataDir(base + f"      cert_file: {ccert}\n      key_file: {ckey}\n").pull(
            f"{reg.host}/tls/app:v1")
        check(rc == 0, "pulled with cert_file/key_file from registries.yaml", out + err)
    finally:
        reg.stop()


HOSTILE_DIR = os.path.join(TMP, "host-sentinel")


def host_snapshot():
    out = {}
    for root, dirs, files in os.walk(HOSTILE_DIR):
        for n in dirs + files:
            p = os.path.join(root, n)
            st = os.lstat(p)
            out[p] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


@test
def hostile_layers_refused():
    os.makedirs(HOSTILE_DIR, exist_ok=True)
    with open(os.path.join(HOSTILE_DIR, "sentinel"), "w") as f:
        f.write("unbroken")
    rel = os.path.relpath(HOSTILE_DIR, "/")
    up = "../" * 12
    cases = [
        ("absolute", [("ok", "file", "x"), ("/" + rel + "/abs-pwned", "file", "pwned")],
         "absolute path in archive"),
        ("dotdot", [("ok", "file", "x"), (up + rel + "/dotdot-pwned", "file", "pwned")],
         '".." in archive path'),
        ("symlink", [("evil", "symlink", "/" + rel), ("evil/symlink-pwned", "file", "pwned")],
         "symlink pointing outside the layer"),
        ("symlink-rel", [("a", "dir", None), ("a/evil", "symlink", up + rel),
                         ("a/evil/rel-pwned", "file", "pwned")],
         "symlink pointing outside the layer"),
        ("hardlink", [("ok", "file", "x"), ("steal", "hardlink", "/" + rel + "/sentinel")],
         "hard link target outside the layer"),
        ("hardlink-dotdot", [("ok", "file", "x"), ("steal", "hardlink", up + rel + "/sentinel")],
         "hard link target outside the layer"),
        ("device", [("dev", "dir", None), ("dev/sda", "blk", (8, 0))], "device node in archive"),
        ("chardev", [("dev", "dir", None), ("dev/mem", "chr", (1, 1))], "device node in archive"),
        ("oversize-entry", [("big", "sparse-size", 2 << 20)], "exceeds the layer limit of 1048576"),
        ("bomb", [("a", "sparse-size", 700 << 10), ("b", "sparse-size", 700 << 10)],
         "exceeds the size budget"),
    ]
    before = host_snapshot()
    d = DataDir(insecure_yaml(PLAIN.host) + "max_layer_bytes: 1048576\n")
    for name, entries, want in cases:
        layout = oci_layout("hostile-" + name, [(tar_bytes(entries), "gzip")])
        push(layout[0], f"{PLAIN.host}/hostile/{name}:v1")
        rc, out, err = d.pull(f"{PLAIN.host}/hostile/{name}:v1")
        check(rc == 1, f"{name}: pull refused", out + err)
        check(want in err, f"{name}: clear error ({want})", err)
        check(not os.path.exists(d.layer(layout[2][0]["digest"][7:])), f"{name}: no layer in the store")
        check(d.record(f"{PLAIN.host}/hostile/{name}:v1") is None, f"{name}: no record")
    check(host_snapshot() == before, "the host directory the layers aimed at is untouched",
          (before, host_snapshot()))
    with open(os.path.join(HOSTILE_DIR, "sentinel")) as f:
        check(f.read() == "unbroken", "sentinel content unchanged")
    check(not d.leftovers(), "no temporary directories left", d.leftovers())
    check(not os.listdir(os.path.join(d.store, "layers")), "layers/ empty",
          os.listdir(os.path.join(d.store, "layers")))


@test
def prune_keeps_images_in_use():
    d = DataDir(insecure_yaml(PLAIN.host))
    a, b = f"{PLAIN.host}/test/busybox:v1", f"{PLAIN.host}/test/plain:v1"
    rc, out, err = d.pull(a, b)
    check(rc == 0, "two images pulled in parallel", out + err)
    # plain's only layer is busybox's second layer: shared
    rc, out, err = jobd_image("prune", "--data-dir", d.path, "--in-use", b)
    check(rc == 0 and f"deleted {a}" in out, "prune removes the unused image", out + err)
    check(d.record(a) is None and d.record(b) is not None, "records after prune")
    descs = IMG["busybox"][2]
    check(not os.path.exists(d.layer(descs[0]["digest"][7:])), "unshared layer collected")
    check(os.path.exists(d.layer(descs[1]["digest"][7:])), "layer shared with the image in use kept")
    # the pods a server knows are in use
    rc, out, err = d.pull(a)
    check(rc == 0, "pulled again", err)
    srv = Server("--disable-agent").start()
    try:
        code, body, _ = srv.api("POST", "/api/v1/namespaces/default/pods", {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "user"},
            "spec": {"containers": [{"name": "c", "image": a}]}})
        check(code == 201, "pod created", body)
        rc, out, err = jobd_image("prune", "--data-dir", d.path, "--server", f"http://127.0.0.1:{srv.port}")
        check(rc == 0 and d.record(a) is not None and d.record(b) is None,
              "prune --server keeps the image a pod uses, removes the other", out + err)
    finally:
        srv.cleanup()
    rc, out, err = jobd_image("prune", "--data-dir", d.path, "--server", "http://127.0.0.1:1")
    check(rc == 1 and d.record(a) is not None, "an unreachable server prunes nothing", out + err)
    rc, out, err = jobd_image("prune", "--data-dir", d.path)
    check(rc == 0 and d.record(a) is None and not os.listdir(os.path.join(d.store, "layers")),
          "prune with nothing in use empties the store", out + err)


@test
def pull_policies():
    d = DataDir(insecure_yaml(PLAIN.host))
    ref = f"{PLAIN.host}/test/busybox:v1"
    manifests = lambda: PLAIN.count("GET /v2/test/busybox/manifests/")  # noqa: E731
    rc, out, err = d.pull("--policy", "Never", ref)
    check(rc == 1 and f'ErrImageNeverPull (event ErrImageNeverPull): Container image "{ref}" is not present with pull policy of Never' in err,
          "Never + absent → ErrImageNeverPull", err)
    m0 = manifests()
    rc, out, err = d.pull("--policy", "IfNotPresent", ref)
    check(rc == 0 and f'Successfully pulled image "{ref}" in ' in out and "Image size: " in out,
          "IfNotPresent + absent → pulled", out + err)
    check(f"imageID: {PLAIN.host}/test/busybox@{IMG['busybox'][1]}" in out, "imageID is the repo digest", out)
    check(manifests() == m0 + 1, "one manifest request", manifests() - m0)
    rc, out, err = d.pull("--policy", "IfNotPresent", ref)
    check(rc == 0 and f'(no pull) Container image "{ref}" already present on machine' in out,
          "IfNotPresent + present → no pull", out + err)
    rc, out, err = d.pull("--policy", "Never", ref)
    check(rc == 0 and "already present on machine" in out, "Never + present → runs", out + err)
    check(manifests() == m0 + 1, "no registry traffic for present images", manifests() - m0)
    rc, out, err = d.pull("--policy", "Always", ref)
    check(rc == 0 and "Successfully pulled image" in out and manifests() == m0 + 2,
          "Always + present → resolves again with the registry", out + err)
    # the default policy: Always for :latest / no tag, IfNotPresent otherwise
    rc, out, err = d.pull(f"{PLAIN.host}/library/busybox")
    check(rc == 0, "busybox:latest pulled", err)
    mb = PLAIN.count("GET /v2/library/busybox/manifests/")
    rc, out, err = d.pull("--policy", "", f"{PLAIN.host}/library/busybox")
    check(rc == 0 and PLAIN.count("GET /v2/library/busybox/manifests/") == mb + 1,
          "no tag → default Always → pulled again", out + err)
    rc, out, err = d.pull("--policy", "", ref)
    check(rc == 0 and "already present" in out, "tag v1 → default IfNotPresent", out + err)
    rc, out, err = d.pull("--policy", "Always", "Perl")
    check(rc == 1 and 'InvalidImageName (event InspectFailed): Failed to apply default image tag "Perl": couldn\'t parse image name "Perl": invalid reference format: repository name (library/Perl) must be lowercase' in err,
          "invalid name → InvalidImageName", err)
    dead = f"127.0.0.1:{free_port()}/test/busybox:v1"
    rc, out, err = d.pull("--policy", "Always", dead)
    check(rc == 1 and f'ErrImagePull (event Failed): Failed to pull image "{dead}": ' in err,
          "unreachable registry → ErrImagePull with the kubelet's Failed message", err)


@test
def index_and_manifest_list_choose_linux_amd64():
    arm = oci_layout("arm", [(tar_bytes([("arch", "file", "arm64\n")]), "gzip")])
    amd = oci_layout("amd", [(tar_bytes([("arch", "file", "amd64\n")]), "gzip")])
    d = DataDir(insecure_yaml(PLAIN.host))
    for docker, repo in ((False, "test/multi-oci"), (True, "test/multi-docker")):
        top = push_platforms(PLAIN.host, repo, "v1", [(arm[0], "linux", "arm64"),
                                                      (amd[0], "linux", "amd64")], docker=docker)
        ref = f"{PLAIN.host}/{repo}:v1"
        rc, out, err = d.pull(ref)
        check(rc == 0, f"{repo}: pulled", out + err)
        rec = d.record(ref)
        if not check(rec is not None, f"{repo}: record", rec):
            continue
        with open(os.path.join(d.layer(rec["layers"][0]), "arch")) as f:
            check(f.read() == "amd64\n", f"{repo}: the linux/amd64 image was chosen")
        check(rec["digest"] == top, f"{repo}: the record keeps the index digest (repo digest)", rec)
    push_platforms(PLAIN.host, "test/arm-only", "v1", [(arm[0], "linux", "arm64")])
    rc, out, err = d.pull(f"{PLAIN.host}/test/arm-only:v1")
    check(rc == 1 and "no match for platform" in err, "index without linux/amd64 refused", err)


@test
def resume_from_partial_blob():
    d = DataDir(insecure_yaml(PLAIN.host))
    layout = IMG["busybox"]
    desc = layout[2][0]
    with open(os.path.join(layout[0], "blobs", "sha256", desc["digest"][7:]), "rb") as f:
        data = f.read()
    os.makedirs(os.path.join(d.store, "tmp"), exist_ok=True)
    part = os.path.join(d.store, "tmp", f"blob-{desc['digest'][7:]}.partial")
    with open(part, "wb") as f:
        f.write(data[: len(data) // 2])
    n206 = PLAIN.count(f"GET /v2/test/busybox/blobs/{desc['digest']} HTTP/1.1\" 206 {len(data) - len(data) // 2} ")
    rc, out, err = d.pull(f"{PLAIN.host}/test/busybox:v1")
    check(rc == 0, "pull resumes from a partial blob left by an earlier attempt", out + err)
    check(PLAIN.count(f"GET /v2/test/busybox/blobs/{desc['digest']} HTTP/1.1\" 206 {len(data) - len(data) // 2} ") == n206 + 1,
          "only the missing half was fetched (a 206 Range response)")
    check(os.path.isfile(os.path.join(d.layer(desc["digest"][7:]), "bin/busybox")), "layer complete")
    check(not os.path.exists(part), "partial removed")
    # a partial with garbage is caught by the digest and dropped
    d2 = DataDir(insecure_yaml(PLAIN.host))
    os.makedirs(os.path.join(d2.store, "tmp"), exist_ok=True)
    part2 = os.path.join(d2.store, "tmp", f"blob-{desc['digest'][7:]}.partial")
    with open(part2, "wb") as f:
        f.write(b"\x1f\x8b" + b"garbage" * 100)
    rc, out, err = d2.pull(f"{PLAIN.host}/test/busybox:v1")
    check(rc == 1 and "unexpected commit digest" in err, "garbage partial → digest mismatch", err)
    check(not os.path.exists(part2), "bad partial dropped")
    rc, out, err = d2.pull(f"{PLAIN.host}/test/busybox:v1")
    check(rc == 0, "the next attempt starts over and succeeds", out + err)


class FlakyProxy:
    """HTTP proxy to a registry that cuts the first response for each blob after half its
    body, and records the Range headers it sees: a connection lost mid-layer."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.cut = set()
        self.ranges = []
        proxy = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                req = urllib.request.Request(f"http://{proxy.upstream}{self.path}")
                for k in ("Accept", "Range", "Authorization"):
                    if self.headers.get(k):
                        req.add_header(k, self.headers[k])
                if self.headers.get("Range"):
                    proxy.ranges.append((self.path, self.headers["Range"]))
                try:
                    r = urllib.request.urlopen(req, timeout=30)
                    code, hdrs, body = r.status, r.headers, r.read()
                except urllib.error.HTTPError as e:
                    code, hdrs, body = e.code, e.headers, e.read()
                self.send_response(code)
                for k, v in hdrs.items():
                    if k.lower() not in ("connection", "transfer-encoding"):
                        self.send_header(k, v)
                self.end_headers()
                if "/blobs/" in self.path and code == 200 and self.path not in proxy.cut and len(body) > 1000:
                    proxy.cut.add(self.path)
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@test
def connection_lost_mid_layer_resumes_with_range():
    proxy = FlakyProxy(PLAIN.host)
    try:
        d = DataDir(insecure_yaml(proxy.host))
        rc, out, err = d.pull(f"{proxy.host}/test/busybox:v1")
        check(rc == 0, "the pull survives connections cut in the middle of layers", out + err)
        check(len(proxy.cut) >= 1, "connections were cut", proxy.cut)
        check(len(proxy.ranges) >= 1 and all(r.startswith("bytes=") for _, r in proxy.ranges),
              "the rest was asked for with Range requests", proxy.ranges)
        rec = d.record(f"{proxy.host}/test/busybox:v1")
        check(rec is not None and os.path.isfile(os.path.join(d.layer(rec["layers"][0]), "bin/busybox")),
              "the image is complete", rec)
    finally:
        proxy.httpd.shutdown()


if __name__ == "__main__":
    try:
        for tool in ("docker-registry", "skopeo", "htpasswd", "zstd", "openssl"):
            if not shutil.which(tool):
                raise RuntimeError(f"{tool} not installed (scripts/install-deps.sh)")
        cli_cmd()
        setup()
    except Exception as e:  # noqa: BLE001 - a broken fixture is one failed test
        print(f"setup failed: {e}")
        PLAIN.stop()
        print("0 passed, 1 failed")
        sys.exit(1)
    try:
        run()
    finally:
        PLAIN.stop()
        shutil.rmtree(TMP, ignore_errors=True)
