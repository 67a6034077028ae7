#!/usr/bin/python3
"""dockerpy_checks.py — the docker-py (Debian's python3-docker) side of the
compatibility suite: the same command rows as docker_cli_checks.sh, driven
through docker-py's high-level client, each asserting what came back.

Run by suite.sh with Debian's /usr/bin/python3 (a pyenv python3 on PATH
would not see python3-docker). Environment:
  DOCKER_HOST      unix:// socket of the berthd under test
  COMPAT_RESULTS   the results file (STATUS TAB CLIENT TAB COMMAND TAB NOTE)
  COMPAT_REGISTRY  host:port of the local registry (as berthd reaches it)
  COMPAT_NETNS     the network namespace berthd runs in (for curl)
  COMPAT_BUSYBOX_TAR  the busybox root filesystem tar
  COMPAT_TMP       a scratch directory
Exit status: 0 when every check passed or skipped, 1 otherwise.
"""

import io
import os
import re
import subprocess
import sys
import tarfile
import time
import traceback

import docker
import docker.errors

CLIENT = "docker-py"
PREFIX = "cpy"
RESULTS = os.environ["COMPAT_RESULTS"]
REGISTRY = os.environ["COMPAT_REGISTRY"]
NETNS = os.environ["COMPAT_NETNS"]
BUSYBOX_TAR = os.environ["COMPAT_BUSYBOX_TAR"]
TMP = os.environ["COMPAT_TMP"]

# version="auto": docker-py then reads ApiVersion from GET /version, as
# docker-compose does; the pinned default (1.41) is covered by compose.
client = docker.DockerClient(base_url=os.environ["DOCKER_HOST"], version="auto", timeout=60)
failed = 0


def record(status, command, note):
    line = "\t".join((status, CLIENT, command, note.replace("\t", " ").replace("\n", " ")))
    with open(RESULTS, "a") as f:
        f.write(line + "\n")
    print("%-4s [%s] %s: %s" % (status, CLIENT, command, note), flush=True)


class Skip(Exception):
    """Raised by a check that cannot assert here; its text is the reason."""


def check(command, what):
    """Decorator: run the function now and record its outcome."""
    def run(fn):
        global failed
        try:
            fn()
            record("PASS", command, what)
        except Skip as e:
            record("SKIP", command, "%s: %s" % (what, e))
        except Exception:  # any exception is a failed check, reported in full
            failed += 1
            record("FAIL", command, what)
            for line in traceback.format_exc().strip().splitlines()[-12:]:
                print("      " + line, flush=True)
        return fn
    return run


def eq(expected, actual, what):
    if expected != actual:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


def match(pattern, text, what):
    if not re.search(pattern, text, re.M):
        raise AssertionError("%s: expected a match for /%s/, got %r" % (what, pattern, text))


def wait_for(what, cond, secs=15):
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            if cond():
                return
        except Exception:  # not ready yet: poll again
            pass
        time.sleep(0.1)
    raise AssertionError("waited %ss for %s" % (secs, what))


def removed(fn, *args):
    """True if fn(*args) raises NotFound."""
    try:
        fn(*args)
    except docker.errors.NotFound:
        return True
    return False


def netns_curl(url):
    return subprocess.run(["ip", "netns", "exec", NETNS, "curl", "-fsS", "--max-time", "3", url],
                          capture_output=True, text=True).stdout


# --- system -----------------------------------------------------------------

@check("system: version", "ApiVersion, Os, Version from GET /version")
def _():
    v = client.version()
    match(r"^1\.\d+$", v["ApiVersion"], "ApiVersion")
    eq("linux", v["Os"], "Os")
    eq("Engine", v["Components"][0]["Name"], "Components[0].Name")


@check("system: ping", "body OK")
def _():
    eq(True, client.ping(), "client.ping()")


@check("system: info", "driver, OS, counts")
def _():
    i = client.info()
    eq("overlay2", i["Driver"], "Driver")
    eq("linux", i["OSType"], "OSType")
    if i["Images"] < 1:
        raise AssertionError("Images: expected at least busybox, got %r" % i["Images"])


@check("system: df", "df(): the objects the list calls give, with their usage fields")
def _():
    c = client.containers.run("busybox", ["sh", "-c", "head -c 100000 /dev/zero > /f"], name=PREFIX + "-df",
                              detach=True)
    c.wait(timeout=60)
    try:
        d = client.df()
        eq(sorted(i.id for i in client.images.list()), sorted(i["Id"] for i in d["Images"]), "Images")
        eq(sorted(x.id for x in client.containers.list(all=True)), sorted(x["Id"] for x in d["Containers"]),
           "Containers")
        eq(sorted(v.name for v in client.volumes.list()), sorted(v["Name"] for v in d["Volumes"]), "Volumes")
        eq([], d["BuildCache"], "BuildCache")
        mine = [x for x in d["Containers"] if x["Id"] == c.id][0]
        if mine["SizeRw"] < 100000:
            raise AssertionError("SizeRw of a container that wrote 100 kB: %r" % mine["SizeRw"])
        busybox = [i for i in d["Images"] if i["Id"] == client.images.get("busybox").id][0]
        if busybox["Containers"] < 1 or not 0 < busybox["Size"] <= d["LayersSize"]:
            raise AssertionError("busybox in df: %r (LayersSize %r)" % (busybox, d["LayersSize"]))
        for v in d["Volumes"]:
            if "RefCount" not in v.get("UsageData", {}):
                raise AssertionError("volume without UsageData: %r" % v)
    finally:
        c.remove()


@check("system: events", "events(since, until, decode, filters): the container's actions in order")
def _():
    t0 = time.time()
    c = client.containers.run("busybox", "true", name=PREFIX + "-ev", labels={"compat": "events"}, detach=True)
    c.wait(timeout=60)
    c.remove()
    got = list(client.events(since=t0, until=time.time(), decode=True,
                             filters={"type": "container", "container": PREFIX + "-ev"}))
    actions = [e["Action"] for e in got if e["Action"] != "attach"]
    eq(["create", "start", "die", "destroy"], actions, "actions")
    die = got[[e["Action"] for e in got].index("die")]
    eq(c.id, die["id"], "legacy id")
    eq("die", die["status"], "legacy status")
    eq("busybox", die["from"], "legacy from")
    eq("events", die["Actor"]["Attributes"]["compat"], "label attribute")
    eq("0", die["Actor"]["Attributes"]["exitCode"], "exitCode attribute")
    eq(0, len(list(client.events(since=t0, until=time.time(), decode=True,
                                 filters={"type": "container", "label": "compat=other"}))), "no match")

@check("system: prune", "docker system prune's calls in its order (docker-py has no system prune)")
def _():
    # Everything labelled, and pruned by that label: other checks' objects
    # on this daemon are left alone.
    labels = {"compat-prune": PREFIX}
    f = {"label": "compat-prune=" + PREFIX}
    gone = client.containers.run("busybox", ["true"], name=PREFIX + "-sp-gone", labels=labels, detach=True)
    gone.wait(timeout=60)
    keep = client.containers.run("busybox", ["sleep", "300"], name=PREFIX + "-sp-keep", labels=labels, detach=True)
    net = client.networks.create(PREFIX + "-sp-net", labels=labels)
    vol = client.volumes.create(PREFIX + "-sp-vol", labels=labels)
    try:
        eq([gone.id], client.containers.prune(filters=f).get("ContainersDeleted"), "ContainersDeleted")
        eq([net.name], client.networks.prune(filters=f).get("NetworksDeleted"), "NetworksDeleted")
        eq([vol.name], client.volumes.prune(filters=dict(f, all="true")).get("VolumesDeleted"), "VolumesDeleted")
        r = client.images.prune(filters=dict(f, dangling=False))
        eq(None, r.get("ImagesDeleted"), "ImagesDeleted (no image has the label)")
        keep.reload()
        eq("running", keep.status, "the running container stays")
    finally:
        keep.remove(force=True)


@check("daemon: authorization plugins", "read-only user: list allowed, remove denied with the plugin's message")
def _():
    # suite.sh's second berthd, where authz-policy lets root only GET.
    ro = docker.DockerClient(base_url=os.environ["COMPAT_AUTHZ_HOST"], version="auto", timeout=60)
    eq([], ro.containers.list(all=True), "containers.list through authz-policy")
    try:
        ro.api.remove_container(PREFIX + "-authz")
        raise AssertionError("remove_container was allowed for a read-only user")
    except docker.errors.APIError as e:
        eq(403, e.status_code, "status of a denied remove")
        eq("authorization denied by plugin authz-policy: user uid:0 is not allowed to DELETE /containers/%s-authz"
           % PREFIX, e.explanation, "the plugin's message")
    ro.close()

# --- images -----------------------------------------------------------------

busybox = client.images.get("busybox:latest")


@check("images: ls", "list by name")
def _():
    tags = [t for img in client.images.list(name="busybox") for t in img.tags]
    if "busybox:latest" not in tags:
        raise AssertionError("busybox:latest not in %r" % tags)


@check("images: tag", "new name, same ID")
def _():
    eq(True, busybox.tag(PREFIX + "-tag", "v1"), "Image.tag")
    eq(busybox.id, client.images.get(PREFIX + "-tag:v1").id, "ID of the new tag")


@check("images: rmi", "untag, unknown image")
def _():
    busybox.tag(PREFIX + "-rmi", "v1")
    client.images.remove(PREFIX + "-rmi:v1")
    eq(True, removed(client.images.get, PREFIX + "-rmi:v1"), "image gone after remove")
    client.images.get("busybox:latest")
    eq(True, removed(client.images.remove, PREFIX + "-rmi:never"), "remove of an unknown image is NotFound")


@check("images: inspect", "config, rootfs")
def _():
    a = busybox.attrs
    eq(["sh"], a["Config"]["Cmd"], "Config.Cmd")
    eq("layers", a["RootFS"]["Type"], "RootFS.Type")
    eq(("linux", "amd64"), (a["Os"], a["Architecture"]), "Os, Architecture")
    if "busybox:latest" not in a["RepoTags"]:
        raise AssertionError("RepoTags %r" % a["RepoTags"])


@check("images: history", "rows with the image ID")
def _():
    h = busybox.history()
    eq(busybox.id, h[0]["Id"], "newest history row")
    if not any(row["Size"] > 0 for row in h):
        raise AssertionError("no history row has a size: %r" % h)


@check("images: save/load", "round trip keeps the ID")
def _():
    busybox.tag(PREFIX + "-saved", "1")
    data = b"".join(client.api.get_image(PREFIX + "-saved:1"))
    names = tarfile.open(fileobj=io.BytesIO(data)).getnames()
    if "manifest.json" not in names:
        raise AssertionError("no manifest.json in the saved tar: %r" % names)
    client.images.remove(PREFIX + "-saved:1")
    loaded = client.images.load(data)
    eq([busybox.id], [i.id for i in loaded], "IDs of the loaded images")
    eq(busybox.id, client.images.get(PREFIX + "-saved:1").id, "the loaded tag")


@check("images: import", "tar with changes, then run")
def _():
    out = client.api.import_image(src=BUSYBOX_TAR, repository=PREFIX + "-imported", tag="1",
                                  changes=['CMD ["echo", "imported"]', "ENV PATH=/bin"])
    match(r"sha256:[0-9a-f]{64}", str(out), "import reply")
    eq(b"imported\n", client.containers.run(PREFIX + "-imported:1", remove=True), "running the import")


@check("images: push/pull", "local registry round trip")
def _():
    repo = "%s/%s/busybox" % (REGISTRY, PREFIX)
    busybox.tag(repo, "1")
    out = client.images.push(repo, tag="1")
    match(r'"status": ?"1: digest: sha256:[0-9a-f]{64} size: \d+"', out, "push stream")
    client.images.remove(repo + ":1")
    img = client.images.pull(repo, tag="1")
    eq(busybox.id, img.id, "ID of the pulled image")
    if not any(d.startswith(repo + "@sha256:") for d in img.attrs["RepoDigests"]):
        raise AssertionError("RepoDigests %r" % img.attrs["RepoDigests"])
    client.images.remove(repo + ":1")


@check("images: prune", "dangling image deleted")
def _():
    first = client.api.import_image(src=BUSYBOX_TAR, repository=PREFIX + "-dangle", tag="1",
                                    changes=["LABEL round=1"])
    first_id = re.search(r"sha256:[0-9a-f]{64}", str(first)).group(0)
    client.api.import_image(src=BUSYBOX_TAR, repository=PREFIX + "-dangle", tag="1",
                            changes=["LABEL round=2"])
    r = client.images.prune(filters={"dangling": True})
    deleted = [e.get("Deleted") for e in (r.get("ImagesDeleted") or [])]
    if first_id not in deleted:
        raise AssertionError("%s not in ImagesDeleted %r" % (first_id, r))
    client.images.remove(PREFIX + "-dangle:1")


@check("images: build", "ARG, RUN, COPY, CMD through POST /build")
def _():
    ctx = os.path.join(TMP, PREFIX + "-ctx")
    os.makedirs(ctx, exist_ok=True)
    with open(os.path.join(ctx, "payload.txt"), "w") as f:
        f.write("from the context\n")
    with open(os.path.join(ctx, "Dockerfile"), "w") as f:
        f.write('FROM busybox\nARG GREETING=unset\nRUN echo "built with $GREETING" > /built.txt\n'
                'COPY payload.txt /payload.txt\nCMD ["cat", "/built.txt", "/payload.txt"]\n')
    img, logs = client.images.build(path=ctx, tag=PREFIX + "-built:1", buildargs={"GREETING": "py"})
    text = "".join(chunk.get("stream", "") for chunk in logs)
    match(r"^Successfully built [0-9a-f]{12}$", text, "build stream")
    eq(b"built with py\nfrom the context\n", client.containers.run(img.id, remove=True), "running the build")


# --- containers -------------------------------------------------------------

@check("containers: run", "output, ContainerError on a non-zero exit, env")
def _():
    eq(b"hello from run\n", client.containers.run("busybox", ["echo", "hello from run"], remove=True), "output")
    try:
        client.containers.run("busybox", ["sh", "-c", "echo oops >&2; exit 3"], remove=True)
        raise AssertionError("a non-zero exit did not raise ContainerError")
    except docker.errors.ContainerError as e:
        eq(3, e.exit_status, "ContainerError.exit_status")
        eq(b"oops\n", e.stderr, "ContainerError.stderr")
    eq(b"hey /tmp\n", client.containers.run("busybox", ["sh", "-c", "echo $G $(pwd)"], environment={"G": "hey"},
                                            working_dir="/tmp", remove=True), "environment, working_dir")


@check("containers: lifecycle", "create/start/pause/unpause/restart/stop/kill/remove")
def _():
    c = client.containers.create("busybox", ["sleep", "300"], name=PREFIX + "-life")
    c.reload()
    eq("created", c.status, "status after create")
    c.start()
    c.reload()
    eq("running", c.status, "status after start")
    if PREFIX + "-life" not in [x.name for x in client.containers.list()]:
        raise AssertionError("containers.list() misses the running container")
    c.pause()
    c.reload()
    eq("paused", c.status, "status after pause")
    c.unpause()
    pid = c.attrs["State"]["Pid"]
    c.restart(timeout=1)
    c.reload()
    eq("running", c.status, "status after restart")
    if c.attrs["State"]["Pid"] == pid:
        raise AssertionError("restart kept the same pid")
    c.stop(timeout=1)
    c.reload()
    eq("exited", c.status, "status after stop")
    c.start()
    c.kill()
    eq(137, c.wait()["StatusCode"], "exit code after kill")
    c.remove()
    eq(True, removed(client.containers.get, PREFIX + "-life"), "container gone after remove")


@check("containers: inspect", "labels, restart policy, LogConfig")
def _():
    c = client.containers.create("busybox", ["echo", "x"], name=PREFIX + "-insp", labels={"team": "compat"},
                                 restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})
    a = client.api.inspect_container(c.id)
    eq("/" + PREFIX + "-insp", a["Name"], "Name")
    eq("compat", a["Config"]["Labels"]["team"], "label")
    eq({"Name": "on-failure", "MaximumRetryCount": 2}, a["HostConfig"]["RestartPolicy"], "RestartPolicy")
    eq("json-file", a["HostConfig"]["LogConfig"]["Type"], "LogConfig.Type (docker-py needs it)")
    c.remove()


@check("containers: logs", "stdout/stderr, tail, timestamps")
def _():
    c = client.containers.run("busybox", ["sh", "-c", "echo line-err >&2; sleep 0.3; echo line-one; echo line-two"],
                              name=PREFIX + "-logs", detach=True)
    eq(0, c.wait()["StatusCode"], "exit code")
    eq(b"line-one\nline-two\n", c.logs(stdout=True, stderr=False), "stdout only")
    eq(b"line-err\n", c.logs(stdout=False, stderr=True), "stderr only")
    eq(b"line-two\n", c.logs(stderr=False, tail=1), "tail=1")
    match(r"^\d{4}-\d\d-\d\dT[\d:.]+Z line-one$", c.logs(stderr=False, timestamps=True).decode(), "timestamps")
    c.remove()


@check("containers: exec", "exit code, output, env, workdir, demux")
def _():
    c = client.containers.run("busybox", ["sleep", "300"], name=PREFIX + "-exec", hostname="pyhost", detach=True)
    eq((0, b"pyhost\n"), tuple(c.exec_run(["cat", "/etc/hostname"])), "exec_run output")
    eq(5, c.exec_run(["sh", "-c", "exit 5"]).exit_code, "exec_run exit code")
    eq(b"42 /etc\n", c.exec_run(["sh", "-c", "echo $X $(pwd)"], environment={"X": "42"}, workdir="/etc").output,
       "environment, workdir")
    eq((b"out\n", b"err\n"), c.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True).output, "demux")
    c.remove(force=True)


@check("containers: attach", "output of a running container")
def _():
    # The container writes only once told to (a file an exec creates), and
    # is told only after the attach stream is open: no race with a busy
    # machine, where a fixed sleep could print before the attach arrived.
    c = client.containers.run("busybox", ["sh", "-c", "until [ -f /tmp/go ]; do sleep 0.05; done; echo attached-out"],
                              name=PREFIX + "-attach", detach=True)
    stream = c.attach(stdout=True, stderr=True, stream=True, logs=False)
    eq(0, c.exec_run(["touch", "/tmp/go"]).exit_code, "exec that lets the container write")
    eq(b"attached-out\n", b"".join(stream), "attach output")
    c.wait()
    c.remove()


@check("containers: cp", "put_archive and get_archive")
def _():
    c = client.containers.run("busybox", ["sleep", "300"], name=PREFIX + "-cp", detach=True)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = b"outside\n"
        info = tarfile.TarInfo("py.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    eq(True, c.put_archive("/tmp", buf.getvalue()), "put_archive")
    eq(b"outside\n", c.exec_run(["cat", "/tmp/py.txt"]).output, "file copied in")
    bits, stat = c.get_archive("/tmp/py.txt")
    eq("py.txt", stat["name"], "stat name")
    t = tarfile.open(fileobj=io.BytesIO(b"".join(bits)))
    eq(b"outside\n", t.extractfile("py.txt").read(), "file copied out")
    eq(True, removed(c.get_archive, "/no/such/file"), "get_archive of a missing path is NotFound")
    c.remove(force=True)


@check("containers: top", "titles and the process")
def _():
    c = client.containers.run("busybox", ["sleep", "313"], name=PREFIX + "-top", detach=True)
    top = c.top()
    if "PID" not in top["Titles"]:
        raise AssertionError("Titles %r" % top["Titles"])
    if not any("sleep 313" in " ".join(p) for p in top["Processes"]):
        raise AssertionError("Processes %r" % top["Processes"])
    c.remove(force=True)


@check("containers: stats --no-stream", "one sample with memory and pids")
def _():
    c = client.containers.run("busybox", ["sleep", "300"], name=PREFIX + "-stats", detach=True)
    s = c.stats(stream=False)
    if s["memory_stats"].get("usage", 0) <= 0:
        raise AssertionError("memory_stats %r" % s["memory_stats"])
    eq(1, s["pids_stats"]["current"], "pids_stats.current")
    if "cpu_usage" not in s["cpu_stats"] or "cpu_usage" not in s["precpu_stats"]:
        raise AssertionError("cpu_stats/precpu_stats %r" % s)
    c.remove(force=True)


@check("containers: port", "published port reported and answering")
def _():
    port = int(subprocess.run(["ip", "netns", "exec", NETNS, "python3", "-c",
                               "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); "
                               "print(s.getsockname()[1])"], capture_output=True, text=True).stdout)
    c = client.containers.run("busybox", ["sh", "-c", "echo port-ok > /i.html; httpd -f -p 8080 -h /"],
                              name=PREFIX + "-port", ports={"8080/tcp": ("127.0.0.1", port)}, detach=True)
    eq([{"HostIp": "127.0.0.1", "HostPort": str(port)}], client.api.port(c.id, 8080), "api.port")
    wait_for("the published port to answer", lambda: netns_curl("http://127.0.0.1:%d/i.html" % port) == "port-ok\n")
    c.remove(force=True)


@check("containers: rename", "new name, conflict")
def _():
    c = client.containers.create("busybox", ["true"], name=PREFIX + "-ren")
    c.rename(PREFIX + "-ren-new")
    c.reload()
    eq(PREFIX + "-ren-new", c.name, "name after rename")
    other = client.containers.create("busybox", ["true"], name=PREFIX + "-ren-other")
    try:
        other.rename(PREFIX + "-ren-new")
        raise AssertionError("renaming onto a name in use succeeded")
    except docker.errors.APIError as e:
        eq(409, e.status_code, "status of a rename conflict")
    c.remove()
    other.remove()


@check("containers: wait", "StatusCode")
def _():
    c = client.containers.run("busybox", ["sh", "-c", "sleep 1; exit 7"], name=PREFIX + "-wait", detach=True)
    eq(7, c.wait(timeout=30)["StatusCode"], "wait StatusCode")
    c.remove()


@check("containers: prune", "stopped ones only")
def _():
    stopped = client.containers.run("busybox", ["true"], name=PREFIX + "-prune", detach=True)
    stopped.wait()
    keep = client.containers.run("busybox", ["sleep", "300"], name=PREFIX + "-keep", detach=True)
    r = client.containers.prune()
    if stopped.id not in (r.get("ContainersDeleted") or []):
        raise AssertionError("ContainersDeleted %r" % r)
    keep.reload()
    eq("running", keep.status, "prune keeps running containers")
    keep.remove(force=True)


@check("containers: diff/export", "changes and the exported tar")
def _():
    c = client.containers.run("busybox", ["sh", "-c", "echo new > /added.txt"], name=PREFIX + "-diff", detach=True)
    c.wait()
    if {"Path": "/added.txt", "Kind": 1} not in c.diff():
        raise AssertionError("diff %r" % c.diff())
    t = tarfile.open(fileobj=io.BytesIO(b"".join(c.export())))
    eq(b"new\n", t.extractfile("added.txt").read(), "exported file")
    c.remove()


# --- volumes and networks ---------------------------------------------------

@check("volumes: create/ls/inspect/rm", "labels, data kept, in-use refusal")
def _():
    name = PREFIX + "-vol"
    v = client.volumes.create(name, labels={"purpose": "compat"})
    eq(("local", "compat"), (v.attrs["Driver"], v.attrs["Labels"]["purpose"]), "Driver, label")
    if name not in [x.name for x in client.volumes.list()]:
        raise AssertionError("volumes.list() misses %s" % name)
    client.containers.run("busybox", ["sh", "-c", "echo kept > /data/f"], volumes={name: {"bind": "/data"}},
                          remove=True)
    eq(b"kept\n", client.containers.run("busybox", ["cat", "/data/f"],
                                        volumes={name: {"bind": "/data", "mode": "ro"}}, remove=True), "data kept")
    user = client.containers.run("busybox", ["sleep", "300"], volumes={name: {"bind": "/data"}}, detach=True)
    try:
        v.remove()
        raise AssertionError("removing a volume in use succeeded")
    except docker.errors.APIError as e:
        eq(409, e.status_code, "status of removing a volume in use")
    user.remove(force=True)
    v.remove()
    eq(True, removed(client.volumes.get, name), "volume gone after remove")


@check("volumes: prune", "unused volume deleted")
def _():
    client.volumes.create(PREFIX + "-volp")
    r = client.volumes.prune(filters={"all": "true"})
    if PREFIX + "-volp" not in (r.get("VolumesDeleted") or []):
        raise AssertionError("VolumesDeleted %r" % r)


@check("networks: create/ls/inspect/connect/rm", "subnet, DNS by name, connect/disconnect")
def _():
    name = PREFIX + "-net"
    ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="10.78.1.0/24")])
    n = client.networks.create(name, driver="bridge", ipam=ipam)
    eq("10.78.1.0/24", n.attrs["IPAM"]["Config"][0]["Subnet"], "Subnet")
    if name not in [x.name for x in client.networks.list()]:
        raise AssertionError("networks.list() misses %s" % name)
    a = client.containers.run("busybox", ["sleep", "300"], name=name + "-a", network=name, detach=True)
    b = client.containers.run("busybox", ["sleep", "300"], name=name + "-b", network=name, detach=True)
    b.reload()
    ip_b = b.attrs["NetworkSettings"]["Networks"][name]["IPAddress"]
    match(r"^10\.78\.1\.", ip_b, "address on the user network")
    res = a.exec_run(["nslookup", name + "-b"])
    if ip_b not in res.output.decode():
        raise AssertionError("nslookup %s: %r" % (name + "-b", res.output))
    c = client.containers.run("busybox", ["sleep", "300"], name=name + "-c", detach=True)
    n.connect(c)
    n.reload()
    if c.id not in n.attrs["Containers"]:
        raise AssertionError("Containers after connect %r" % n.attrs["Containers"])
    a.reload()
    ip_a = a.attrs["NetworkSettings"]["Networks"][name]["IPAddress"]
    eq(0, c.exec_run(["ping", "-c1", "-W2", ip_a]).exit_code, "ping after connect")
    n.disconnect(c)
    n.reload()
    if c.id in (n.attrs["Containers"] or {}):
        raise AssertionError("still connected after disconnect")
    for x in (a, b, c):
        x.remove(force=True)
    n.remove()
    eq(True, removed(client.networks.get, name), "network gone after remove")


@check("networks: DNS after connect", "names resolve once connected")
def _():
    name = PREFIX + "-netc"
    n = client.networks.create(name)
    a = client.containers.run("busybox", ["sleep", "300"], name=name + "-a", network=name, detach=True)
    late = client.containers.run("busybox", ["sleep", "300"], name=name + "-late", detach=True)
    # dockerd starts the embedded DNS for a container when it joins its
    # first user network, connect included (resolv.conf -> 127.0.0.11).
    n.connect(late)
    res = late.exec_run(["ping", "-c1", "-W2", name + "-a"])
    resolv = late.exec_run(["cat", "/etc/resolv.conf"]).output.decode()
    for x in (a, late):
        x.remove(force=True)
    n.remove()
    eq(0, res.exit_code, "ping by name after network connect (%r)" % res.output)
    if "nameserver 127.0.0.11" not in resolv:
        raise AssertionError("resolv.conf after network connect: %r" % resolv)


@check("networks: prune", "unused network deleted")
def _():
    client.networks.create(PREFIX + "-netp")
    r = client.networks.prune()
    if PREFIX + "-netp" not in (r.get("NetworksDeleted") or []):
        raise AssertionError("NetworksDeleted %r" % r)


sys.exit(1 if failed else 0)
