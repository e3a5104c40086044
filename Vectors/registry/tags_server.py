#!/usr/bin/env python3
"""A registry that serves only tag lists, paged, for the tests of `manifold tags` (stdlib only).

distribution 2.8 ignores `n` and `last` on /v2/NAME/tags/list, so paging needs this server.
It answers `GET /v2/` (200, Docker-Distribution-API-Version) and
`GET /v2/NAME/tags/list[?n=N][&last=TAG]` with the tags after `last`, at most `n` of them (or
the repository's page size when `n` is absent), sorted as the distribution spec says, and a
`Link: <…>; rel="next"` header while more remain. Each repository chooses its Link:

  "next"     the following page, as a path (what distribution 3 sends)
  "absolute" the following page as an absolute URL on the same host
  "loop"     every page's Link points back to the first page (a client must detect it)
  "foreign"  the second page lives on another host (`foreign_base`, default http://localhost:PORT,
             this server under another name):
             a client must not follow it (the server answers there too, so a test can see
             a client that did, by the Host header in the log)

config file: {"repositories": {"NAME": {"tags": [...], "page_size": 2, "link": "next",
              "foreign_base": "http://localhost:PORT"}}}
Every request is logged as one JSON line (path, query, Host); the port is written to
--port-file once the server accepts. Listens on 127.0.0.1 only.
"""

import argparse
import http.server
import json
import os
import sys
import threading
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    repositories = {}
    log_path = None
    lock = threading.Lock()
    port = 0

    def log_message(self, format, *args):
        pass

    def log(self, entry):
        with self.lock, open(self.log_path, "a") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        self.log({"path": url.path, "query": url.query, "host": self.headers.get("Host")})
        if url.path == "/v2/":
            self.reply(200, {})
            return
        prefix, suffix = "/v2/", "/tags/list"
        name = url.path[len(prefix):-len(suffix)] if url.path.startswith(prefix) and url.path.endswith(suffix) else None
        repository = self.repositories.get(name)
        if repository is None:
            self.reply(404, {"errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known to registry"}]})
            return
        tags = sorted(repository["tags"])
        last = query.get("last", [None])[0]
        try:
            n = int(query["n"][0]) if "n" in query else repository.get("page_size", 2)
        except ValueError:
            self.reply(400, {"errors": [{"code": "PAGINATION_NUMBER_INVALID"}]})
            return
        remaining = [tag for tag in tags if last is None or tag > last]
        page = remaining[:max(n, 0)]
        headers = []
        if len(remaining) > len(page) and page:
            mode = repository.get("link", "next")
            next_query = urllib.parse.urlencode({"n": n, "last": page[-1]})
            path = f"/v2/{name}/tags/list"
            if mode == "loop":
                target = f"{path}?n={n}"
            elif mode == "absolute":
                target = f"http://127.0.0.1:{self.port}{path}?{next_query}"
            elif mode == "foreign":
                base = repository.get("foreign_base", f"http://localhost:{self.port}")
                target = f"{base}{path}?{next_query}"
            else:
                target = f"{path}?{next_query}"
            headers.append(("Link", f'<{target}>; rel="next"'))
        self.reply(200, {"name": name, "tags": page}, headers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        Handler.repositories = json.load(f)["repositories"]
    Handler.log_path = args.log
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    Handler.port = server.server_address[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(Handler.port))
    os.replace(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
