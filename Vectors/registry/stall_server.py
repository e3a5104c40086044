#!/usr/bin/env python3
"""A server that stalls on purpose, for the --timeout tests (stdlib only).

--mode silent   accepts connections and never reads nor answers (a hung registry; TLS
                clients wait for a handshake that never comes)
--mode drip     answers whatever arrives at once with a 200 head promising 100000 bytes,
                then sends one byte a second (a registry that trickles; a TLS hello gets
                this plain-HTTP head too, so clients learn it speaks plain HTTP)
Listens on 127.0.0.1, writes the port to --port-file once it accepts, exits after ten
minutes (the test stops it first).
"""
import argparse, os, socket, sys, threading, time


def drip(connection):
    try:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
                           b"Docker-Distribution-API-Version: registry/2.0\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(600):
            connection.sendall(b" ")
            time.sleep(1)
    except OSError:
        pass
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["silent", "drip"], required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(temporary, args.port_file)
    threading.Timer(600, lambda: os._exit(0)).start()
    held = []
    while True:
        connection, _ = listener.accept()
        if args.mode == "silent":
            held.append(connection)  # kept open, never read
        else:
            threading.Thread(target=drip, args=(connection,), daemon=True).start()


if __name__ == "__main__":
    main()
