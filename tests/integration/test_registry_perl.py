"""test_registry_perl.py — the guide's image, verbatim: `image: perl` from a real registry.

scripts/registry-local.sh starts Debian's docker-registry on loopback holding the perl
image built offline from the host's Debian perl (scripts/build-perl-image.sh) and writes
the registries.yaml that mirrors docker.io to it.  jobd then pulls "perl" — no registry,
no tag — as docker.io/library/perl:latest, and the guide's command runs from the pulled
layer (chroot in a private mount namespace, /dev bind-mounted, as a runtime would).
Then the registry goes away (pull fails with a network error, the image stays usable)
and comes back on the same port (the next pull succeeds): what ImagePullBackOff and its
recovery rest on.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import ROOT, check, run, test  # noqa: E402
import test_registry_pull as trp  # noqa: E402  (fixture helpers only:)
harness._tests.clear()  # its tests run from their own file

TMP = trp.TMP
REGDIR = os.path.join(TMP, "local-registry")
SCRIPT = os.path.join(ROOT, "scripts", "registry-local.sh")
state = {}


def start_registry(port=None):
    args = [SCRIPT, "start", REGDIR] + ([str(port)] if port else [])
    p = subprocess.run(args, capture_output=True, text=True, timeout=180)
    if p.returncode != 0 or "REGISTRY " not in p.stdout:
        raise RuntimeError("registry-local.sh failed: " + p.stdout + p.stderr)
    return p.stdout.strip().splitlines()[-1].split()[1]


def stop_registry():
    subprocess.run([SCRIPT, "stop", REGDIR], capture_output=True, timeout=60)


def data_dir():
    d = trp.DataDir()
    shutil.copy(os.path.join(REGDIR, "registries.yaml"), os.path.join(d.path, "registries.yaml"))
    return d


@test
def guide_image_perl_through_docker_io_mirror():
    d = data_dir()
    state["d"] = d
    rc, out, err = d.pull("perl")
    check(rc == 0, "`perl` pulled through the docker.io mirror", out + err)
    check('Successfully pulled image "perl" in ' in out and "Image size: " in out,
          "kubelet Pulled message", out)
    rec = d.record("docker.io/library/perl:latest")
    check(rec is not None, "recorded as docker.io/library/perl:latest", rec)
    if not rec:
        return
    check(rec["repoDigest"].startswith("docker.io/library/perl@sha256:"), "repo digest", rec)
    check(rec["config"]["Env"][0].startswith("PATH="), "image config kept", rec["config"])
    layer = d.layer(rec["layers"][0])
    pi = subprocess.run(
        ["unshare", "-m", "sh", "-c",
         'mount --make-rprivate / && mount --bind /dev "$1/dev" && '
         'exec chroot "$1" perl -Mbignum=bpi -wle "print bpi(2000)"', "sh", layer],
        capture_output=True, text=True, timeout=60, env={"LANG": "C", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    digits = pi.stdout.strip()
    check(pi.returncode == 0 and digits.startswith("3.14159265358979323846264338327950288419716939937510"),
          "the guide's command prints pi from the pulled image", pi.stdout[:200] + pi.stderr[-2000:])
    check(len(digits) == 2001, "2000 significant digits", len(digits))


@test
def busybox_too():
    d = state.get("d") or data_dir()
    rc, out, err = d.pull("busybox:latest")
    check(rc == 0 and d.record("docker.io/library/busybox:latest") is not None,
          "busybox served by the same mirror", out + err)


@test
def registry_down_then_back():
    d = state.get("d") or data_dir()
    host = state["host"]
    stop_registry()
    rc, out, err = d.pull("perl")
    check(rc == 1 and "failed to resolve reference \"docker.io/library/perl:latest\"" in err,
          "registry down: ErrImagePull-class network error", err)
    check(d.record("docker.io/library/perl:latest") is not None, "the pulled image stays in the store")
    start_registry(host.split(":")[1])
    rc, out, err = d.pull("perl")
    check(rc == 0, "registry back on the same port: the next pull succeeds", out + err)


if __name__ == "__main__":
    try:
        for tool in ("docker-registry", "skopeo", "unshare"):
            if not shutil.which(tool):
                raise RuntimeError(f"{tool} not installed (scripts/install-deps.sh)")
        trp.cli_cmd()
        state["host"] = start_registry()
    except Exception as e:  # noqa: BLE001 - a broken fixture is one failed test
        print(f"setup failed: {e}")
        stop_registry()
        print("0 passed, 1 failed")
        sys.exit(1)
    try:
        run()
    finally:
        stop_registry()
        shutil.rmtree(TMP, ignore_errors=True)
