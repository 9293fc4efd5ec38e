#!/usr/bin/env python3
"""agent_drive.py — issue 4's end-to-end driver: one Job of N busybox `true` pods at a
given parallelism against a running `jobd server` (embedded agent, real runtime), over
plain HTTP on loopback.  Prints one line of key=value results.  Not a test.

Definitions:
  wall      Job create request sent -> the Job's Complete condition seen on a Job watch
  CPU       the server process's own utime+stime (/proc/PID/stat fields 14-15, children
            such as conmon/crun/helpers excluded) over [create, Complete + 1 s settle],
            minus the idle rate measured for 2 s before the create
  latency   per pod: the monotonic time this driver first sees the pod on a pod watch
            (ADDED) -> the first watch event in which its container is running or
            terminated (the container has been started)
"""
import argparse
import http.client
import json
import os
import sys
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--pid", type=int, required=True)
p.add_argument("--completions", type=int, default=200)
p.add_argument("--parallelism", type=int, default=4)
p.add_argument("--name", default="bench")
p.add_argument("--timeout-s", type=float, default=300)
a = p.parse_args()

HZ = os.sysconf("SC_CLK_TCK")
NS = "/api/v1/namespaces/default"


def cpu_s():
    with open(f"/proc/{a.pid}/stat") as f:
        s = f.read()
    fl = s[s.rindex(")") + 2:].split()
    # fields 14,15 (utime, stime) are indexes 11,12 after the comm; 16,17 cutime/cstime
    return (int(fl[11]) + int(fl[12])) / HZ, (int(fl[13]) + int(fl[14])) / HZ


def req(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
    data = json.dumps(body).encode() if body is not None else None
    c.request(method, path, body=data, headers={"Content-Type": "application/json",
                                                 "Accept": "application/json"})
    r = c.getresponse()
    out = r.read()
    c.close()
    return r.status, (json.loads(out) if out else None)


def open_watch(path):
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=a.timeout_s + 30)
    c.request("GET", path, headers={"Accept": "application/json"})
    r = c.getresponse()
    if r.status != 200:
        sys.exit(f"watch {path}: HTTP {r.status}")
    return c, r


lock = threading.Lock()
seen = {}      # pod name -> monotonic first seen
started = {}   # pod name -> monotonic container first running/terminated
succeeded = {}  # pod name -> monotonic phase Succeeded first seen
done = threading.Event()
t_complete = [None]
errors = []


def lines(r):
    buf = b""
    while True:
        chunk = r.read1(65536) if hasattr(r, "read1") else r.read(1)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            ln, buf = buf.split(b"\n", 1)
            if ln.strip():
                yield ln


def pod_watch(r):
    try:
        for ln in lines(r):
            now = time.monotonic()
            ev = json.loads(ln)
            o = ev.get("object", {})
            n = o.get("metadata", {}).get("name")
            if not n or ev.get("type") == "ERROR":
                continue
            with lock:
                seen.setdefault(n, now)
                if n not in started:
                    for cs in o.get("status", {}).get("containerStatuses", []) or []:
                        st = cs.get("state", {})
                        if "running" in st or "terminated" in st:
                            started[n] = now
                            break
                if o.get("status", {}).get("phase") == "Succeeded":
                    succeeded.setdefault(n, now)
            if done.is_set():
                return
    except Exception as e:  # noqa: BLE001 — connection closed at the end
        if not done.is_set():
            errors.append(f"pod watch: {e}")


def job_watch(r):
    try:
        for ln in lines(r):
            now = time.monotonic()
            ev = json.loads(ln)
            o = ev.get("object", {})
            if o.get("metadata", {}).get("name") != a.name:
                continue
            for c in o.get("status", {}).get("conditions", []) or []:
                if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
                    t_complete[0] = (now, c["type"], o.get("status", {}))
                    done.set()
                    return
    except Exception as e:  # noqa: BLE001
        if not done.is_set():
            errors.append(f"job watch: {e}")
            done.set()


name = a.name
sel = "labelSelector=job-name%3D" + name
pc, pr = open_watch(f"{NS}/pods?watch=true&{sel}")
jc, jr = open_watch("/apis/batch/v1/namespaces/default/jobs?watch=true")
threading.Thread(target=pod_watch, args=(pr,), daemon=True).start()
threading.Thread(target=job_watch, args=(jr,), daemon=True).start()

# idle rate of the server (lease heartbeats, node status ...)
i0, _ = cpu_s()
time.sleep(2.0)
i1, _ = cpu_s()
idle_rate = (i1 - i0) / 2.0

job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
       "spec": {"completions": a.completions, "parallelism": a.parallelism, "backoffLimit": 0,
                "template": {"spec": {
                    "restartPolicy": "Never", "terminationGracePeriodSeconds": 1,
                    "containers": [{"name": "c", "image": "busybox",
                                    "imagePullPolicy": "IfNotPresent",
                                    "command": ["true"]}]}}}}
c0, ch0 = cpu_s()
t0 = time.monotonic()
code, body = req("POST", "/apis/batch/v1/namespaces/default/jobs", job)
if code not in (200, 201):
    sys.exit(f"create job: HTTP {code} {body}")
if not done.wait(a.timeout_s):
    errors.append(f"timeout after {a.timeout_s} s: {len(succeeded)} pods succeeded")
tc = t_complete[0][0] if t_complete[0] else time.monotonic()
c_at_complete, _ = cpu_s()
time.sleep(1.0)
c1, ch1 = cpu_s()
t1 = time.monotonic()
wall = tc - t0
cpu = (c1 - c0) - idle_rate * (t1 - t0)

with lock:
    lat = sorted(started[n] - seen[n] for n in started if n in seen)
    life = [succeeded[n] - seen[n] for n in succeeded if n in seen]
    run = sorted(succeeded[n] - started[n] for n in succeeded if n in started)


def pct(xs, q):
    if not xs:
        return float("nan")
    k = min(len(xs) - 1, max(0, int(round(q / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


status = t_complete[0][2] if t_complete[0] else {}
res = {
    "result": t_complete[0][1] if t_complete[0] else "TIMEOUT",
    "succeeded": status.get("succeeded", 0), "failed": status.get("failed", 0),
    "wall_s": round(wall, 3), "pods_per_s": round(a.completions / wall, 2) if wall > 0 else 0,
    "cpu_ms_per_pod": round(1000 * cpu / a.completions, 2),
    "cpu_ms_per_pod_to_complete": round(1000 * (c_at_complete - c0) / a.completions, 2),
    "idle_ms_per_s": round(1000 * idle_rate, 1),
    "children_cpu_s": round(ch1 - ch0, 2),
    "lat_n": len(lat), "lat_p50_ms": round(1000 * pct(lat, 50), 1),
    "lat_p99_ms": round(1000 * pct(lat, 99), 1), "lat_max_ms": round(1000 * lat[-1], 1) if lat else 0,
    # where a pod's slot goes: started -> Succeeded seen (run, exit, status report), and the
    # rest of the slot cycle (P * wall / N) not spent in the pod's own lifetime on the
    # watch = the Job controller's replacement gap plus create -> watch delivery
    "run_to_succeeded_p50_ms": round(1000 * pct(run, 50), 1),
    "slot_cycle_ms": round(1000 * a.parallelism * wall / a.completions, 1),
    "pod_life_mean_ms": round(1000 * sum(life) / len(life), 1) if life else 0,
}
res["replace_gap_mean_ms"] = round(res["slot_cycle_ms"] - res["pod_life_mean_ms"], 1)

# clean up: delete the Job with its pods and wait until they are gone (their containers,
# rootfs and logs go with them)
req("DELETE", f"/apis/batch/v1/namespaces/default/jobs/{name}",
    {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"})
deadline = time.monotonic() + 60
left = -1
while time.monotonic() < deadline:
    code, body = req("GET", f"{NS}/pods?{sel}")
    left = len(body.get("items", [])) if code == 200 else -1
    if left == 0:
        break
    time.sleep(0.25)
res["pods_left_after_delete"] = left
done.set()
for c in (pc, jc):
    try:
        c.sock.shutdown(2)
    except OSError:
        pass
print(" ".join(f"{k}={v}" for k, v in res.items()))
for e in errors:
    print("ERROR", e, file=sys.stderr)
sys.exit(0 if res["result"] == "Complete" and not errors else 1)
