#!/usr/bin/env python3
"""A registry that misbehaves on purpose, for RegistryClientTests (stdlib only).

Serves one blob (BLOB_SIZE bytes, byte i = i % 251) under any digest at
/v2/REPO/blobs/DIGEST, and /v2/ (200, or 401 Basic for REPO "auth"), with faults by REPO:
  drop        the first GET sends half the blob, then closes; a Range GET gets a correct 206
  norange     as drop, but a Range GET gets the whole blob again (200)
  badrange    as drop, but a Range GET gets a 206 starting at 1 (not what was asked)
  busy        the first two GETs answer 503 (Retry-After: 1, then an HTTP-date), then the blob
  auth        requires Basic user:pass; the blob answers 307 to this server as `localhost`
  schema1     /v2/schema1/manifests/* answers a schema 1 manifest
  bearer      requires `Bearer good`; the token server (/token) first hands out `stale`, then `good`
  revoked     requires `Bearer good`; the token server only ever hands out `stale`
Each request is logged as a JSON line (path, Range, Authorization present, Host).
Listens on 127.0.0.1, writes the port to --port-file, exits after an hour (the test stops it first).
"""
import argparse, http.server, json, os, socketserver, sys, threading, time, email.utils

BLOB_SIZE = 300000
BLOB = bytes(i % 251 for i in range(BLOB_SIZE))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counts = {}
    lock = threading.Lock()
    log_path = None
    port = 0

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with self.lock:
            with open(self.log_path, "a") as f:
                f.write(json.dumps({"path": self.path, "range": self.headers.get("Range"),
                                    "authorization": self.headers.get("Authorization") is not None,
                                    "host": self.headers.get("Host")}) + "\n")
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts == ["v2"]:
            return self.send(200, b"{}")
        if parts == ["token"]:
            with self.lock:
                count = self.counts.get("token", 0) + 1
                self.counts["token"] = count
            scope = self.path.split("scope=")[-1]
            token = "good" if "bearer" in scope and count >= 2 else "stale"
            return self.send(200, json.dumps({"token": token, "expires_in": 300}).encode())
        if parts[0] == "storage":
            return self.send(200, BLOB)
        if len(parts) < 4 or parts[0] != "v2":
            return self.send(404, b'{"errors":[{"code":"NOT_FOUND","message":"no route"}]}')
        repo, kind = parts[1], parts[2]
        if repo == "auth" and self.headers.get("Authorization") != "Basic dXNlcjpwYXNz":
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                             [("WWW-Authenticate", 'Basic realm="flaky"')])
        if repo in ("bearer", "revoked") and self.headers.get("Authorization") != "Bearer good":
            challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="flaky"' % self.port
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"token refused"}]}',
                             [("WWW-Authenticate", challenge)])
        if kind == "manifests" and repo == "schema1":
            body = b'{"schemaVersion":1,"name":"schema1","tag":"old","fsLayers":[]}'
            return self.send(200, body, [("Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws")])
        if kind != "blobs":
            return self.send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')
        with self.lock:
            count = self.counts.get(repo, 0) + 1
            self.counts[repo] = count
        wanted = self.headers.get("Range")
        if repo == "auth":
            return self.send(307, b"", [("Location", "http://localhost:%d/storage/blob" % self.port)])
        if repo == "busy" and count <= 2:
            after = "1" if count == 1 else email.utils.formatdate(time.time() + 1, usegmt=True)
            return self.send(503, b'{"errors":[{"code":"UNAVAILABLE","message":"busy"}]}', [("Retry-After", after)])
        if repo in ("drop", "norange", "badrange") and count == 1:
            self.send_response(200)
            self.send_header("Content-Length", str(BLOB_SIZE))
            self.end_headers()
            self.wfile.write(BLOB[:BLOB_SIZE // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if wanted and wanted.startswith("bytes=") and repo in ("drop", "badrange"):
            start = int(wanted[6:].split("-")[0])
            if repo == "badrange":
                start = 1
            return self.send(206, BLOB[start:], [("Content-Range", "bytes %d-%d/%d" % (start, BLOB_SIZE - 1, BLOB_SIZE))])
        return self.send(200, BLOB)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    Handler.log_path = args.log
    server = Server(("127.0.0.1", 0), Handler)
    Handler.port = server.server_address[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(Handler.port))
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    time.sleep(3600)


if __name__ == "__main__":
    main()
