#!/usr/bin/env python3
"""A registry's write side, in memory, with the quirks docker-registry never shows, for the
push tests (PushProtocolTests.swift; stdlib only).

Every upload Location is relative and carries a query (`?_state=N`) that changes with each
answer, which the client must send back whole. Options:
  --min-chunk N     announce OCI-Chunk-Min-Length: N, and refuse (416) a PATCH after one that
                    ended off a multiple of N (only the last chunk may be short)
  --drop-once       the first PATCH: take half its body, then close the connection without
                    an answer (the client asks GET <location> for the Range and resumes)
  --drop-put-once   the first PUT carrying a body: take half of it, then close the connection
                    without an answer (the client starts a new upload and sends it all again)
  --refuse-mount    answer every mount (POST ?mount=&from=) with 202: a normal upload
  --wrong-digest    answer manifest PUTs with a Docker-Content-Digest that is not theirs
  --stall-put       never answer a blob PUT that carries a body (read it, then wait): a push
                    interrupted mid-blob, for the signal tests
  --redirect-put    answer the first blob PUT of each upload with 307 to /storage/… (a
                    storage backend) carrying the same query; the backend takes the PUT as
                    the registry would (read its body whole before answering)
Listens on 127.0.0.1 (the kernel picks the port), writes it to --port-file, and logs each
request as one JSON line to --log: method, path (with query), Content-Range, body length.
Exits after ten minutes (the test stops it first).
"""
import argparse, hashlib, http.server, json, os, re, sys, threading, uuid

blobs = {}        # digest -> bytes (one store for every repository)
repo_blobs = {}   # repository -> set of digests
manifests = {}    # (repository, reference) -> (bytes, media type)
uploads = {}      # id -> bytearray
states = {}       # id -> current _state value
lock = threading.Lock()
options = None
dropped = [False]


def log(entry):
    with lock:
        with open(options.log, "a") as f:
            f.write(json.dumps(entry) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self, limit=None):
        length = int(self.headers.get("Content-Length") or 0)
        if limit is not None:
            return self.rfile.read(min(length, limit)), length
        return self.rfile.read(length), length

    def answer(self, status, headers=(), body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def record(self, length):
        log({"method": self.command, "path": self.path, "range": self.headers.get("Content-Range"),
             "type": self.headers.get("Content-Type"), "length": length})

    def upload_location(self, repository, upload):
        with lock:
            states[upload] = states.get(upload, 0) + 1
            state = states[upload]
        return f"/v2/{repository}/blobs/uploads/{upload}?_state={state}"

    def parse(self):
        path, _, query = self.path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        return path, params

    def checked_state(self, upload, params):
        return params.get("_state") == str(states.get(upload))

    def do_GET(self):
        self.route()

    def do_HEAD(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_PATCH(self):
        self.route()

    def do_PUT(self):
        self.route()

    def route(self):
        path, params = self.parse()
        if path == "/v2/":
            self.record(0)
            return self.answer(200)
        m = re.fullmatch(r"/storage/(.+)/([0-9a-f-]+)", path)
        if m and self.command == "PUT":
            return self.upload(m.group(1), m.group(2), params, storage=True)
        m = re.fullmatch(r"/v2/(.+)/blobs/uploads/([0-9a-f-]*)", path)
        if m:
            return self.upload(m.group(1), m.group(2), params)
        m = re.fullmatch(r"/v2/(.+)/blobs/(sha256:[0-9a-f]{64})", path)
        if m:
            self.record(0)
            present = m.group(2) in repo_blobs.get(m.group(1), set())
            return self.answer(200 if present else 404, [("Docker-Content-Digest", m.group(2))] if present else [])
        m = re.fullmatch(r"/v2/(.+)/manifests/([^/]+)", path)
        if m:
            return self.manifest(m.group(1), m.group(2))
        self.record(0)
        self.answer(404)

    def upload(self, repository, upload, params, storage=False):
        if self.command == "POST":
            body, length = self.body()
            self.record(length)
            mount = params.get("mount")
            if mount and not options.refuse_mount and mount in repo_blobs.get(params.get("from", ""), set()):
                repo_blobs.setdefault(repository, set()).add(mount)
                return self.answer(201, [("Location", f"/v2/{repository}/blobs/{mount}"), ("Docker-Content-Digest", mount)])
            upload = str(uuid.uuid4())
            uploads[upload] = bytearray()
            headers = [("Location", self.upload_location(repository, upload)), ("Range", "0-0")]
            if options.min_chunk:
                headers.append(("OCI-Chunk-Min-Length", str(options.min_chunk)))
            return self.answer(202, headers)
        if upload not in uploads or not self.checked_state(upload, params):
            self.body()
            self.record(-1)
            return self.answer(404, body=b'{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"unknown upload or stale _state"}]}')
        data = uploads[upload]
        if self.command == "GET":
            self.record(0)
            headers = [("Location", self.upload_location(repository, upload))]
            if data:
                headers.append(("Range", f"0-{len(data) - 1}"))
            return self.answer(204, headers)
        if self.command == "PATCH":
            declared = self.headers.get("Content-Range")
            if options.drop_once and not dropped[0]:
                dropped[0] = True
                part, length = self.body(limit=int(self.headers.get("Content-Length") or 0) // 2)
                data += part
                self.record(len(part))
                self.close_connection = True
                self.connection.shutdown(2)
                return
            body, length = self.body()
            self.record(length)
            start, end = (int(x) for x in declared.split("-")) if declared else (len(data), len(data) + length - 1)
            if start != len(data) or end - start + 1 != length:
                return self.answer(416, [("Location", self.upload_location(repository, upload)), ("Range", f"0-{len(data) - 1}")])
            if options.min_chunk and states.get(upload + "-short"):
                return self.answer(416)  # a chunk after a short one: that one was not the last
            if options.min_chunk and (end + 1) % options.min_chunk != 0:
                states[upload + "-short"] = 1  # only the last chunk may end off the minimum's multiples
            data += body
            return self.answer(202, [("Location", self.upload_location(repository, upload)), ("Range", f"0-{len(data) - 1}")])
        if self.command == "PUT":
            if options.drop_put_once and not dropped[0] and int(self.headers.get("Content-Length") or 0) > 1:
                dropped[0] = True
                part, length = self.body(limit=int(self.headers.get("Content-Length")) // 2)
                self.record(len(part))
                self.close_connection = True
                self.connection.shutdown(2)
                return
            body, length = self.body()
            self.record(length)
            if options.stall_put and length > 0:
                threading.Event().wait(600)
                return
            if options.redirect_put and not storage:
                query = self.path.partition("?")[2]
                return self.answer(307, [("Location", f"/storage/{repository}/{upload}?{query}")])
            if options.min_chunk and states.get(upload + "-short") and body:
                return self.answer(416)
            data += body
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            if params.get("digest") != digest:
                return self.answer(400, body=b'{"errors":[{"code":"DIGEST_INVALID","message":"digest does not match"}]}')
            blobs[digest] = bytes(data)
            repo_blobs.setdefault(repository, set()).add(digest)
            del uploads[upload]
            return self.answer(201, [("Location", f"/v2/{repository}/blobs/{digest}"), ("Docker-Content-Digest", digest)])
        self.record(0)
        self.answer(405)

    def manifest(self, repository, reference):
        if self.command == "PUT":
            if options.drop_put_once and not dropped[0] and int(self.headers.get("Content-Length") or 0) > 1:
                dropped[0] = True
                part, length = self.body(limit=int(self.headers.get("Content-Length")) // 2)
                self.record(len(part))
                self.close_connection = True
                self.connection.shutdown(2)
                return
            body, length = self.body()
            self.record(length)
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
            manifests[(repository, reference)] = (body, self.headers.get("Content-Type"))
            manifests[(repository, digest)] = (body, self.headers.get("Content-Type"))
            said = "sha256:" + "0" * 64 if options.wrong_digest else digest
            return self.answer(201, [("Docker-Content-Digest", said), ("Location", f"/v2/{repository}/manifests/{digest}")])
        self.record(0)
        found = manifests.get((repository, reference))
        if not found:
            return self.answer(404)
        body, media_type = found
        return self.answer(200, [("Content-Type", media_type),
                                 ("Docker-Content-Digest", "sha256:" + hashlib.sha256(body).hexdigest())], body)


def main():
    global options
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--min-chunk", type=int, default=0)
    parser.add_argument("--drop-once", action="store_true")
    parser.add_argument("--drop-put-once", action="store_true")
    parser.add_argument("--refuse-mount", action="store_true")
    parser.add_argument("--wrong-digest", action="store_true")
    parser.add_argument("--stall-put", action="store_true")
    parser.add_argument("--redirect-put", action="store_true")
    options = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    temporary = options.port_file + ".tmp"
    with open(temporary, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(temporary, options.port_file)
    threading.Timer(600, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
