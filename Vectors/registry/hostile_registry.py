#!/usr/bin/env python3
"""A registry that lies, stalls and fails on purpose, for HostileRegistryTests (stdlib only).

It serves one real, small multi-arch image (an OCI index of two platforms, each a manifest,
a config and a gzip tar layer; built here, deterministically) as NAME:1 for any repository
NAME, and misbehaves according to NAME's first component (`/v2/FAULT/app/...`):

  ok           behaves
  baddigest    the amd64 layer's bytes are altered (same length): they do not hash to the digest
  endless      the amd64 layer is an endless stream without a Content-Length
  longlength   the amd64 layer's Content-Length is larger than its descriptor, with that many bytes
  short        the amd64 layer is one byte short (Content-Length agrees with the short body)
  bigmanifest  the tag answers a 64 MiB manifest (valid JSON, padded with spaces)
  lyingchild   the amd64 manifest fetched by digest answers the arm64 manifest's bytes
  lyingdcd     every manifest answers Docker-Content-Digest of another digest (must be ignored)
  wrongchild   the index's first child claims the config media type
  bomb         the amd64 layer is a gzip of 64 MiB of zeros (a decompression bomb, with the
               right digest: only --max-layer-size stops it)
  hugeerror    every manifest answers 404 with an endless error body
  redirloop    every blob answers 302 to itself
  tohttp       (over https) every blob answers 302 to http:// on this host
  authloop     every request answers 401 Bearer; the token endpoint always gives a token
  badchallenge every request answers 401 with a malformed WWW-Authenticate
  badtoken     401 Bearer; the token endpoint answers malformed JSON
  hugetoken    401 Bearer; the token endpoint answers an endless body
  ftprealm     401 Bearer with realm ftp://127.0.0.1/token
  toomany      every blob answers 429 Retry-After: 100000 (to be capped)
  down         every blob answers 503 (no Retry-After): retries must end
  reset        the first GET of each blob sends half its bytes, then resets the connection
  slow         behaves, but waits 0.3 s before each manifest and blob (for interrupting a pull)

Each request is logged as a JSON line (method, path, Range, Authorization present, Host).
Listens on 127.0.0.1; --tls CERT KEY serves https. Writes the port to --port-file.
"""
import argparse, gzip, hashlib, http.server, io, json, os, socket, socketserver, ssl, struct, tarfile, threading, time

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def layer(name, text):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        data = text.encode() * 2000
        info.size, info.mtime, info.mode = len(data), 0, 0o644
        tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def descriptor(media_type, data, **extra):
    return dict({"mediaType": media_type, "digest": digest(data), "size": len(data)}, **extra)


def build():
    blobs, manifests, children = {}, {}, []
    for arch in ("amd64", "arm64"):
        lay = layer("hello-%s.txt" % arch, "hello from %s\n" % arch)
        config = json.dumps({"architecture": arch, "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": [digest(gzip.decompress(lay))]},
                             "config": {}}, sort_keys=True).encode()
        manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                               "config": descriptor(OCI_CONFIG, config),
                               "layers": [descriptor(OCI_LAYER, lay)]}, sort_keys=True).encode()
        blobs[digest(lay)], blobs[digest(config)] = lay, config
        manifests[digest(manifest)] = manifest
        children.append(descriptor(OCI_MANIFEST, manifest, platform={"architecture": arch, "os": "linux"}))
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": children}, sort_keys=True).encode()
    return blobs, manifests, index, children


BLOBS, MANIFESTS, INDEX, CHILDREN = build()
AMD64 = MANIFESTS[CHILDREN[0]["digest"]]
AMD64_LAYER = json.loads(AMD64)["layers"][0]["digest"]
BOMB = gzip.compress(b"\0" * (64 << 20), compresslevel=9, mtime=0)


def bomb_image():
    """The ok image with the amd64 layer swapped for the bomb (its own index digest)."""
    manifest = json.loads(AMD64)
    manifest["layers"][0] = descriptor(OCI_LAYER, BOMB)
    body = json.dumps(manifest, sort_keys=True).encode()
    children = [descriptor(OCI_MANIFEST, body, platform={"architecture": "amd64", "os": "linux"})]
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": children}, sort_keys=True).encode()
    return body, index


BOMB_MANIFEST, BOMB_INDEX = bomb_image()
WRONG_CHILD_INDEX = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX,
                                "manifests": [dict(CHILDREN[0], mediaType=OCI_CONFIG), CHILDREN[1]]}, sort_keys=True).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    log_path = None
    port = 0
    scheme = "http"
    seen = set()

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def endless(self, status, headers=(), chunk=b"x" * 65536):
        """A body with no length that never ends (the client must stop reading)."""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            while True:
                self.wfile.write(chunk)
        except OSError:
            pass

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        with self.lock:
            with open(self.log_path, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path, "range": self.headers.get("Range"),
                                    "authorization": self.headers.get("Authorization") is not None,
                                    "host": self.headers.get("Host")}) + "\n")
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")
        if parts[0] == "token":
            fault = self.path.split("scope=repository%3A")[-1].split("scope=repository:")[-1].split("%2F")[0].split("/")[0]
            if fault == "badtoken":
                return self.send(200, b'{"token": ', [("Content-Type", "application/json")])
            if fault == "hugetoken":
                return self.endless(200, [("Content-Type", "application/json")], b" " * 65536)
            return self.send(200, json.dumps({"token": "t", "expires_in": 300}).encode())
        if parts == ["v2"]:
            return self.send(200, b"{}", [("Docker-Distribution-API-Version", "registry/2.0")])
        if len(parts) < 5 or parts[0] != "v2":
            return self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"no route"}]}')
        fault, kind, ref = parts[1], parts[-2], parts[-1]
        repo = "/".join(parts[1:-2])
        challenge = 'Bearer realm="%s://127.0.0.1:%d/token",service="hostile",scope="repository:%s:pull"' % (self.scheme, self.port, repo)
        if fault == "authloop" or fault == "badtoken" or fault == "hugetoken":
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"no"}]}', [("WWW-Authenticate", challenge)])
        if fault == "ftprealm":
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"no"}]}',
                             [("WWW-Authenticate", 'Bearer realm="ftp://127.0.0.1:%d/token",service="hostile"' % self.port)])
        if fault == "badchallenge":
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"no"}]}', [("WWW-Authenticate", 'Bearer realm="unterminated, ,,=')])
        if fault == "slow":
            time.sleep(0.3)
        if kind == "manifests":
            return self.manifest(fault, ref)
        if kind == "blobs":
            return self.blob(fault, ref)
        return self.send(404, b'{"errors":[{"code":"UNSUPPORTED","message":"no route"}]}')

    def manifest(self, fault, ref):
        if fault == "hugeerror":
            return self.endless(404, [("Content-Type", "application/json")], b'{"errors":[' * 4096)
        if ref == "1":
            body = INDEX
            if fault == "bigmanifest":
                body = INDEX[:-1] + b" " * (64 << 20) + b"}"
            elif fault == "wrongchild":
                body = WRONG_CHILD_INDEX
            elif fault == "bomb":
                body = BOMB_INDEX
        elif fault == "bomb" and ref == digest(BOMB_MANIFEST):
            body = BOMB_MANIFEST
        elif ref in MANIFESTS:
            body = MANIFESTS[ref]
            if fault == "lyingchild" and ref == CHILDREN[0]["digest"]:
                body = MANIFESTS[CHILDREN[1]["digest"]]
        else:
            return self.send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')
        claimed = digest(body) if fault != "lyingdcd" else "sha256:" + "0" * 64
        media = json.loads(body[:200000] if fault != "bigmanifest" else INDEX)["mediaType"]
        return self.send(200, body, [("Content-Type", media), ("Docker-Content-Digest", claimed)])

    def blob(self, fault, ref):
        body = BOMB if fault == "bomb" and ref == digest(BOMB) else BLOBS.get(ref)
        if body is None:
            return self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}')
        if fault == "redirloop":
            return self.send(302, b"", [("Location", self.path)])
        if fault == "tohttp":
            return self.send(302, b"", [("Location", "http://127.0.0.1:%d/v2/ok/app/blobs/%s" % (self.port, ref))])
        if fault == "toomany":
            return self.send(429, b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', [("Retry-After", "100000")])
        if fault == "down":
            return self.send(503, b'{"errors":[{"code":"UNAVAILABLE","message":"down"}]}')
        if fault == "reset":
            with self.lock:
                first = (ref, self.headers.get("Range")) not in self.seen
                self.seen.add((ref, self.headers.get("Range")))
            if first and self.headers.get("Range") is None and self.command == "GET":
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:len(body) // 2])
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
        if ref == AMD64_LAYER:
            if fault == "baddigest":
                body = body[:-1] + bytes([body[-1] ^ 1])
            elif fault == "endless":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    self.wfile.write(body)
                    while True:
                        self.wfile.write(b"\0" * 65536)
                except OSError:
                    pass
                return
            elif fault == "longlength":
                body = body + b"\0" * 1000
            elif fault == "short":
                body = body[:-1]
        wanted = self.headers.get("Range")
        if wanted and wanted.startswith("bytes=") and wanted.endswith("-"):
            start = int(wanted[6:-1])
            return self.send(206, body[start:], [("Content-Range", "bytes %d-%d/%d" % (start, len(body) - 1, len(body)))])
        return self.send(200, body, [("Content-Type", "application/octet-stream"), ("Docker-Content-Digest", ref)])


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    Handler.log_path = args.log
    server = Server(("127.0.0.1", 0), Handler)
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*args.tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        Handler.scheme = "https"
    Handler.port = server.server_address[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(Handler.port))
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    time.sleep(3600)


if __name__ == "__main__":
    main()
