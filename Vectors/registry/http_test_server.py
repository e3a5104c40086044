#!/usr/bin/env python3
"""A small HTTP(S) server for the HTTP client's tests (HTTPClientTests.swift).

Listens on 127.0.0.1 (port 0: the kernel picks one), prints the port on one line and serves
until its standard input closes (the test process is gone) or --lifetime seconds pass, so
that it never outlives the tests. Routes:
  /bytes/N          N bytes, byte i = i % 251, with Content-Length; honours Range (206)
  /status/CODE      that status with an X-Test header sent twice and a small body
  /redirect         302 to /bytes/10
  /echo             the request as text: method, path, headers, body
  /connection       the client's port (one port = one connection)
  /stall            a Content-Length of 1000, 10 bytes, then nothing for up to 60 s
  /short            a Content-Length of 100 and only 10 bytes, then a closed connection
  /large-length     a Content-Length of 10 GB, and a few bytes
Options: --tls CERT KEY  serve https;  --client-ca CA  require a client certificate.
"""
import argparse
import http.server
import os
import socketserver
import ssl
import sys
import threading
import time


def pattern(start, count):
    return bytes((i % 251) for i in range(start, start + count))


BLOCK = pattern(0, 251 * 4096)  # whole periods, so any offset can slice it


def pattern_from(offset, count):
    out = bytearray()
    while count > 0:
        begin = offset % 251
        take = min(count, len(BLOCK) - begin)
        out += BLOCK[begin:begin + take]
        offset += take
        count -= take
    return bytes(out)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.do_GET()

    def do_PUT(self):
        self.do_GET()

    def do_GET(self):
        length = int(self.headers.get("Content-Length") or 0)
        request_body = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")
        if parts[0] == "bytes" and len(parts) == 2:
            total = int(parts[1])
            start, end, status = 0, total - 1, 200
            headers = [("Content-Type", "application/octet-stream")]
            wanted = self.headers.get("Range")
            if wanted and wanted.startswith("bytes="):
                first, _, last = wanted[6:].partition("-")
                start = int(first)
                end = int(last) if last else total - 1
                status = 206
                headers.append(("Content-Range", "bytes %d-%d/%d" % (start, end, total)))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(end - start + 1))
            self.end_headers()
            if self.command == "HEAD":
                return
            offset = start
            while offset <= end:
                count = min(1 << 20, end + 1 - offset)
                self.wfile.write(pattern_from(offset, count))
                offset += count
        elif parts[0] == "status" and len(parts) == 2:
            self.send_body(int(parts[1]), b"status body", [("X-Test", "one"), ("x-test", "two"),
                                                           ("WWW-Authenticate", 'Bearer realm="r"')])
        elif parts[0] == "redirect":
            self.send_body(302, b"", [("Location", "/bytes/10")])
        elif parts[0] == "echo":
            lines = ["%s %s" % (self.command, self.path)]
            lines += ["%s: %s" % (name.lower(), value) for name, value in self.headers.items()]
            lines.append("body: " + request_body.decode("latin-1"))
            self.send_body(200, ("\n".join(lines) + "\n").encode())
        elif parts[0] == "connection":
            self.send_body(200, str(self.client_address[1]).encode())
        elif parts[0] == "stall":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            time.sleep(60)
            self.close_connection = True
        elif parts[0] == "short":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"y" * 10)
            self.wfile.flush()
            self.close_connection = True
        elif parts[0] == "large-length":
            self.send_response(200)
            self.send_header("Content-Length", str(10 * 1000 ** 3))
            self.end_headers()
            self.wfile.write(b"z" * 1000)
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send_body(404, b"no such route")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--client-ca")
    parser.add_argument("--lifetime", type=float, default=3600)
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*args.tls)
        if args.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(args.client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)

    def watch_stdin():
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
