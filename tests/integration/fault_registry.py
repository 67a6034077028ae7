#!/usr/bin/env python3
"""fault_registry.py — a Docker registry (Distribution v2, read-only) that
misbehaves on purpose, for the pull fault tests.

    python3 fault_registry.py [--port N] [--layers N] [--layer-size BYTES]

Listens on 127.0.0.1 (port 0 by default: any free port) and prints the port
on stdout as its first line, then serves until killed. Every repository gets
its own small image, made at start-up from random bytes (so gzip cannot
shrink it and no two repositories share a blob): N gzip'd layers, a config,
a schema2 manifest under the tag "latest". What goes wrong depends on the
repository's name:

    good/img         nothing: a correct registry
    wrongdigest/img  layer 1's blob has one byte changed: it no longer
                     hashes to its digest (same size)
    truncated/img    layer 1 is sent with its full Content-Length and the
                     connection is closed half-way, on every request
                     (a Range request past that point gets no bytes at all),
                     so the client's retries run out
    dropped/img      layer 1: the connection is reset (RST) half-way on every
                     request, and Range is ignored (always 200 from 0), so
                     no retry gets further
    badmanifest/img  the manifest by tag comes with a Docker-Content-Digest
                     that is not its digest, and a fetch by digest returns
                     bytes that do not hash to the digest asked for
    noauth/img       every request answers 401 without WWW-Authenticate
    flaky/img        layer 1's connection is reset half-way once, then Range
                     is honoured: a pull must resume and succeed

GET /_fault/info returns, per repository, the layer digests, the "bad" layer
(index 1), the config digest (the image ID a pull must produce), the
manifest digest and the layers' diff_ids, as JSON. GET /_fault/requests lists
the requests served so far, one "METHOD path Range" line each.

Also, for tests and benchmarks that push to a real registry with skopeo:

    python3 fault_registry.py --oci-layout DIR [--layers N] [--layer-size BYTES]

writes one such image (random, incompressible layers; OCI media types) as an
OCI image layout tagged "latest" into DIR, prints its facts as JSON (config,
manifest, layers, diff_ids, total_size) and exits without serving.

Standard library only, so the tests need nothing beyond python3.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import socket
import struct
import sys
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
CONFIG_V1 = "application/vnd.docker.container.image.v1+json"

REPOS = ["good/img", "wrongdigest/img", "truncated/img", "dropped/img",
         "badmanifest/img", "noauth/img", "flaky/img"]
BAD_LAYER = 1  # the index of the layer that misbehaves


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def layer_tar(name, content):
    """An uncompressed tar holding one regular file (fixed mtime)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size = len(content)
        info.mtime = 1700000000
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


class Image:
    """One repository's image: blobs by digest, the manifest, the facts."""

    def __init__(self, repo, layer_count, layer_size):
        self.blobs = {}
        layers, diff_ids = [], []
        for i in range(layer_count):
            # Sizes differ per layer so progress lines are told apart.
            tar = layer_tar("%s-layer%d.bin" % (repo.replace("/", "-"), i),
                            os.urandom(layer_size + i * 4096))
            blob = gzip.compress(tar, compresslevel=1, mtime=0)
            diff_ids.append(sha256(tar))
            self.blobs[sha256(blob)] = blob
            layers.append({"mediaType": LAYER_GZIP, "size": len(blob), "digest": sha256(blob)})
        config = json.dumps({
            "architecture": "amd64", "os": "linux",
            "created": "2024-01-01T00:00:00Z",
            "config": {"Cmd": ["sh"], "Env": ["PATH=/usr/bin:/bin"]},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "layer %d" % i}
                        for i in range(layer_count)],
        }, separators=(",", ":")).encode()
        self.blobs[sha256(config)] = config
        self.manifest = json.dumps({
            "schemaVersion": 2, "mediaType": MANIFEST_V2,
            "config": {"mediaType": CONFIG_V1, "size": len(config), "digest": sha256(config)},
            "layers": layers,
        }, indent=3).encode()
        self.manifest_digest = sha256(self.manifest)
        self.info = {
            "layers": [layer["digest"] for layer in layers],
            "layer_sizes": [layer["size"] for layer in layers],
            "diff_ids": diff_ids,
            "bad_layer": layers[min(BAD_LAYER, layer_count - 1)]["digest"],
            "config": sha256(config),
            "manifest": self.manifest_digest,
        }


class State:
    def __init__(self, layer_count, layer_size):
        self.images = {repo: Image(repo, layer_count, layer_size) for repo in REPOS}
        self.lock = threading.Lock()
        self.flaky_dropped = set()  # digests flaky/img has already cut once
        self.requests = []          # "METHOD path [Range]" for debugging


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault-registry/1"

    def log_message(self, fmt, *args):  # quiet unless asked
        if os.environ.get("FAULT_REGISTRY_VERBOSE"):
            sys.stderr.write("fault-registry: " + (fmt % args) + "\n")

    # --- plumbing -----------------------------------------------------------

    @property
    def state(self):
        return self.server.state

    def reply(self, status, body=b"", headers=None, content_type="application/json"):
        self.send_response(status)
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        if content_type:
            self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message):
        body = json.dumps({"errors": [{"code": code, "message": message, "detail": None}]}).encode()
        self.reply(status, body)

    def cut_connection(self, reset):
        """End the exchange now: a RST (SO_LINGER 0) or a plain close."""
        try:
            self.wfile.flush()
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.close_connection = True

    def do_HEAD(self):
        self.route()

    def do_GET(self):
        self.route()

    # --- routes -------------------------------------------------------------

    def route(self):
        path = self.path.split("?", 1)[0]
        if not path.startswith("/_fault/"):
            with self.state.lock:
                self.state.requests.append("%s %s %s" % (self.command, path, self.headers.get("Range", "")))
        if path == "/_fault/info":
            info = {repo: img.info for repo, img in self.state.images.items()}
            return self.reply(200, json.dumps(info, indent=2).encode())
        if path == "/_fault/requests":
            with self.state.lock:
                log = list(self.state.requests)
            return self.reply(200, ("\n".join(log) + "\n").encode(), content_type="text/plain")
        if path in ("/v2", "/v2/"):
            return self.reply(200, b"{}")
        if not path.startswith("/v2/"):
            return self.error(404, "NOT_FOUND", "not a registry path")
        rest = path[len("/v2/"):]
        for kind in ("/manifests/", "/blobs/"):
            if kind in rest:
                repo, ref = rest.rsplit(kind, 1)
                break
        else:
            return self.error(404, "NOT_FOUND", "unsupported path")
        image = self.state.images.get(repo)
        if image is None:
            return self.error(404, "NAME_UNKNOWN", "repository name not known to registry")
        if repo == "noauth/img":
            # A 401 with no challenge: the client has no way to log in.
            return self.error(401, "UNAUTHORIZED", "authentication required")
        if kind == "/manifests/":
            return self.manifest(repo, image, ref)
        return self.blob(repo, image, ref)

    def manifest(self, repo, image, ref):
        if ref not in ("latest", image.manifest_digest):
            return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        body, digest = image.manifest, image.manifest_digest
        if repo == "badmanifest/img":
            if ref == "latest":
                digest = sha256(b"not this manifest")   # a header that lies
            else:
                body = body.replace(b'"schemaVersion": 2', b'"schemaVersion":  2')  # bytes that lie
        self.reply(200, body, {"Docker-Content-Digest": digest}, MANIFEST_V2)

    def blob(self, repo, image, digest):
        blob = image.blobs.get(digest)
        if blob is None:
            return self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")
        bad = digest == image.info["bad_layer"]
        headers = {"Docker-Content-Digest": digest, "Accept-Ranges": "bytes"}
        if self.command == "HEAD":
            return self.reply(200, blob, headers, "application/octet-stream")  # headers only
        if bad and repo == "wrongdigest/img":
            flipped = bytearray(blob)
            flipped[len(flipped) // 2] ^= 0xFF
            blob = bytes(flipped)

        honour_range = not (bad and repo == "dropped/img")
        start = 0
        rng = self.headers.get("Range", "")
        if honour_range and rng.startswith("bytes=") and rng.endswith("-"):
            try:
                start = int(rng[len("bytes="):-1])
            except ValueError:
                start = 0
            if start >= len(blob):
                return self.reply(416, b"", {"Content-Range": "bytes */%d" % len(blob)}, None)
        half = len(blob) // 2

        if start > 0:
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(blob) - 1, len(blob)))
        else:
            self.send_response(200)
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        self.send_header("Content-Type", "application/octet-stream")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(blob) - start))
        self.end_headers()

        cut_at, reset = None, False
        if bad and repo == "truncated/img":
            cut_at = max(half, start)        # never past the middle, whatever was asked
        elif bad and repo == "dropped/img":
            cut_at, reset = half, True
        elif bad and repo == "flaky/img":
            with self.state.lock:
                if digest not in self.state.flaky_dropped:
                    self.state.flaky_dropped.add(digest)
                    cut_at, reset = half, True
        if cut_at is None:
            self.wfile.write(blob[start:])
            return
        self.wfile.write(blob[start:cut_at])
        self.cut_connection(reset)


def write_oci_layout(directory, layer_count, layer_size):
    """One image as an OCI layout, a blob at a time (a big image never sits
    in memory whole). Returns its facts."""
    blobs = os.path.join(directory, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def put(data):
        digest = sha256(data)
        with open(os.path.join(blobs, digest[len("sha256:"):]), "wb") as f:
            f.write(data)
        return digest

    layers, diff_ids = [], []
    for i in range(layer_count):
        tar = layer_tar("layer%d.bin" % i, os.urandom(layer_size + i * 4096))
        diff_ids.append(sha256(tar))
        blob = gzip.compress(tar, compresslevel=1, mtime=0)
        del tar
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "size": len(blob), "digest": put(blob)})
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
        "config": {"Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }, separators=(",", ":")).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "size": len(config), "digest": put(config)},
        "layers": layers,
    }).encode()
    manifest_digest = put(manifest)
    with open(os.path.join(directory, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "size": len(manifest), "digest": manifest_digest,
            "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, f)
    return {"config": sha256(config), "manifest": manifest_digest,
            "layers": [layer["digest"] for layer in layers], "diff_ids": diff_ids,
            "total_size": sum(layer["size"] for layer in layers)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--layer-size", type=int, default=256 * 1024)
    ap.add_argument("--oci-layout", metavar="DIR", help="write an OCI layout to DIR and exit")
    args = ap.parse_args()
    if args.oci_layout:
        print(json.dumps(write_oci_layout(args.oci_layout, max(1, args.layers), args.layer_size), indent=2))
        return
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(max(1, args.layers), args.layer_size)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
