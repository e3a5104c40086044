#!/usr/bin/env python3
"""A fault-injecting proxy to put in front of a real registry (docker-registry), stdlib only.

Listens on 127.0.0.1 and relays each connection to --upstream HOST:PORT. It reads the head
of each connection's first request; for a GET or HEAD, with probability --rate (seeded by
--seed, so a run is repeatable) it injects one fault, chosen in turn from --faults:

  reset     relay the answer, then reset the connection after a random 1..4096 bytes (head included)
  truncate  as reset, but an orderly close (FIN) instead of a reset
  503       answer 503 with Retry-After: 1, without asking upstream
  503bare   answer 503 without Retry-After
  429       answer 429 with Retry-After: 1
  500       answer 500
  delay     wait 2 s before relaying
  throttle  relay the answer 4 KiB at a time, 50 ms apart

With --uploads, a PATCH or PUT with a body meets the dice too (at the same --rate); its fault is
always `reset-upload`: the request is relayed up to a random 1..(1 MiB) bytes of its body (never
all of it: at most Content-Length - 1), then
both connections are reset (the registry sees a body cut short, the client a connection lost
mid-upload, with no answer).

Each request is sent upstream with `Connection: close`, so every request meets the dice. Each injected fault is
logged as a JSON line (fault, request line). Writes its port to --port-file.
"""
import argparse, itertools, json, os, random, re, socket, struct, threading, time

STATUS = {"503": (503, "Retry-After: 1\r\n"), "503bare": (503, ""), "429": (429, "Retry-After: 1\r\n"), "500": (500, "")}


class Proxy:
    def __init__(self, args):
        self.upstream = (args.upstream.rsplit(":", 1)[0], int(args.upstream.rsplit(":", 1)[1]))
        self.rate = args.rate
        self.random = random.Random(args.seed)
        self.faults = itertools.cycle(args.faults.split(","))
        self.lock = threading.Lock()
        self.log = args.log
        self.uploads = args.uploads
        # Dice of their own: the uploads cut are the same in every run, however the GETs
        # and HEADs around them interleave.
        self.upload_random = random.Random(args.seed)

    def decide(self, method):
        with self.lock:
            if method in (b"PATCH", b"PUT") and self.uploads:
                if self.upload_random.random() >= self.rate:
                    return None, 0
                return "reset-upload", self.upload_random.randint(1, 1 << 20)
            if method not in (b"GET", b"HEAD") or self.random.random() >= self.rate:
                return None, 0
            return next(self.faults), self.random.randint(1, 4096)

    def record(self, fault, line):
        with self.lock, open(self.log, "a") as f:
            f.write(json.dumps({"fault": fault, "request": line.decode("latin-1")}) + "\n")

    def serve(self, client):
        upstream = None
        try:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
                # Not HTTP (a TLS hello, when a client tries https first): relayed untouched,
                # so that the upstream answers it as it would.
                if not head[:1].isalpha():
                    break
            line = head.split(b"\r\n", 1)[0]
            fault, cut = self.decide(line.split(b" ", 1)[0]) if head[:1].isalpha() else (None, 0)
            if fault:
                self.record(fault, line)
            if fault in STATUS:
                status, extra = STATUS[fault]
                body = b'{"errors":[{"code":"UNAVAILABLE","message":"injected by the fault proxy"}]}'
                client.sendall(("HTTP/1.1 %d Injected\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n"
                                "Connection: close\r\n\r\n" % (status, extra, len(body))).encode() + body)
                return
            if fault == "reset-upload":
                return self.cut_upload(client, head, cut)
            if fault == "delay":
                time.sleep(2)
            if head[:1].isalpha():
                # One request per connection (the upstream closes after answering), so that
                # every request, not only a connection's first, may meet a fault.
                head = head.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
            upstream = socket.create_connection(self.upstream)
            upstream.sendall(head)
            threading.Thread(target=self.pump, args=(client, upstream), daemon=True).start()
            sent = 0
            while True:
                data = upstream.recv(4096 if fault == "throttle" else 65536)
                if not data:
                    break
                if fault in ("reset", "truncate") and sent + len(data) >= cut:
                    client.sendall(data[:cut - sent])
                    if fault == "reset":
                        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    else:
                        client.shutdown(socket.SHUT_WR)
                    # The pump thread's recv holds the socket: a close alone would neither
                    # reset nor end it until that recv returned (the client would wait for its
                    # own timeout). Shutting the read side wakes it; the close then acts.
                    client.shutdown(socket.SHUT_RD)
                    return
                client.sendall(data)
                sent += len(data)
                if fault == "throttle":
                    time.sleep(0.05)
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                if s:
                    try:
                        s.close()
                    except OSError:
                        pass

    def cut_upload(self, client, head, cut):
        """Relays the request up to `cut` bytes of its body, then resets both connections."""
        # Always inside the body: never its whole (the client would wait for an answer and
        # the proxy for bytes that are not coming).
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        if length:
            cut = min(cut, max(int(length.group(1)) - 1, 0))
        upstream = socket.create_connection(self.upstream)
        try:
            end = head.index(b"\r\n\r\n") + 4
            body = len(head) - end
            upstream.sendall(head[:end + min(body, cut)])
            while body < cut:
                data = client.recv(65536)
                if not data:
                    break
                upstream.sendall(data[:cut - body])
                body += len(data)
        except OSError:
            pass
        for s in (client, upstream):
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
            except OSError:
                pass

    @staticmethod
    def pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--uploads", action="store_true", help="also cut PATCH and PUT bodies short")
    parser.add_argument("--faults", default="reset,503,truncate,429,503bare,500,throttle,delay")
    args = parser.parse_args()
    proxy = Proxy(args)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    deadline = time.time() + 3600
    listener.settimeout(1)
    while time.time() < deadline:
        try:
            client, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=proxy.serve, args=(client,), daemon=True).start()


if __name__ == "__main__":
    main()
