#!/usr/bin/env python3
"""A Docker registry token server for the tests (distribution's "token" auth), stdlib only.

It checks Basic credentials against a JSON users file, grants each user the actions its
entries allow per repository, and answers with an RS256 JWT that Debian's docker-registry
(distribution 2.8) accepts: the claims it checks (iss, aud, exp, nbf, access) and an `x5c`
header holding the signing certificate, which the registry verifies against its
`rootcertbundle` (the test CA). Python's stdlib cannot sign with RSA, so `openssl dgst` does.

Endpoints (both on the realm path, default /token):
  GET  ?service=S&scope=repository:NAME:ACTIONS[&scope=…][&offline_token=true]
       Basic credentials or none (anonymous); `offline_token=true` with valid credentials
       also returns a `refresh_token`.
  POST form grant_type=password (username, password) or grant_type=refresh_token
       (refresh_token), service, scope (space-separated), access_type=offline — the OAuth2
       form docker and containers/image use with identity tokens.

Every request is appended to the log file as one JSON object per line — what was asked
(scopes, user, grant type) and what was granted — so tests can assert the scopes a client
requested. The port it listens on (127.0.0.1 only) is written to --port-file once it accepts.

users file: {"USER": {"password": "P", "access": {"REPOSITORY-or-glob": ["pull", "push"]}},
             "": {"access": {...}}}   # "" is the anonymous user (no entry: no access)
"""

import argparse
import base64
import fnmatch
import http.server
import json
import os
import secrets
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer:
    """Signs tokens; holds the users, the refresh tokens it issued and the log."""

    def __init__(self, args):
        with open(args.users) as f:
            self.users = json.load(f)
        self.key = args.signing_key
        with open(args.signing_cert) as f:
            pem = f.read()
        der = base64.b64decode("".join(line for line in pem.splitlines() if line and not line.startswith("-----")))
        self.x5c = [base64.b64encode(der).decode()]
        self.issuer = args.issuer
        self.service = args.service
        self.expires_in = args.expires_in
        self.refresh_tokens = {}
        self.lock = threading.Lock()
        self.log_path = args.log

    def log(self, entry):
        with self.lock, open(self.log_path, "a") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")

    def authenticate(self, username, password):
        """The user name for valid credentials, "" for none given, None for wrong ones."""
        if username is None:
            return ""
        user = self.users.get(username)
        if user is None or username == "" or user.get("password") != password:
            return None
        return username

    def grant(self, user, scopes):
        """The access claim: for each requested repository scope, the requested actions the
        user's entries allow (an entry's key is a repository name or a glob)."""
        allowed_by = self.users.get(user, {}).get("access", {})
        granted = {}  # (type, name) -> actions, so a scope asked twice yields one entry
        for scope in scopes:
            parts = scope.split(":")
            if len(parts) < 3:
                continue
            kind, name, actions = parts[0], ":".join(parts[1:-1]), parts[-1].split(",")
            if kind != "repository":
                continue
            allowed = set()
            for pattern, actions_allowed in allowed_by.items():
                if fnmatch.fnmatchcase(name, pattern):
                    allowed.update(actions_allowed)
            kept = [a for a in actions if a in allowed or ("*" in allowed)]
            if kept:
                granted.setdefault((kind, name), set()).update(kept)
        return [{"type": kind, "name": name, "actions": sorted(actions)} for (kind, name), actions in granted.items()]

    def sign(self, user, access):
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        claims = {"iss": self.issuer, "sub": user, "aud": self.service, "exp": now + self.expires_in,
                  "nbf": now - 1, "iat": now, "jti": secrets.token_hex(16), "access": access}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key],
                                   input=signing_input.encode(), capture_output=True, check=True).stdout
        return signing_input + "." + b64url(signature), now

    def new_refresh_token(self, user):
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.refresh_tokens[token] = user
        return token


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    issuer: Issuer = None
    realm_path = "/token"

    def log_message(self, format, *args):
        pass

    def reply(self, status, body, extra_headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def basic_credentials(self):
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None, None
        try:
            username, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
        except Exception:
            return "", ""
        return username, password

    def answer(self, entry, user, scopes, offline):
        issuer = self.issuer
        if user is None:
            entry.update(status=401, granted=[])
            issuer.log(entry)
            self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "wrong credentials"}]},
                       [("WWW-Authenticate", 'Basic realm="manifold-test-token-server"')])
            return
        access = issuer.grant(user, scopes)
        token, now = issuer.sign(user, access)
        body = {"token": token, "access_token": token, "expires_in": issuer.expires_in,
                "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}
        if offline and user != "":
            body["refresh_token"] = issuer.new_refresh_token(user)
        entry.update(status=200, user=user, granted=access, refresh_token_issued="refresh_token" in body)
        issuer.log(entry)
        self.reply(200, body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        username, password = self.basic_credentials()
        scopes = query.get("scope", [])
        entry = {"method": "GET", "path": url.path, "host": self.headers.get("Host"),
                 "service": query.get("service", [None])[0], "scopes": scopes, "username": username,
                 "offline_token": query.get("offline_token", ["false"])[0] == "true",
                 "account": query.get("account", [None])[0]}
        if url.path != self.realm_path:
            entry.update(status=404)
            self.issuer.log(entry)
            self.reply(404, {"errors": [{"code": "NOT_FOUND"}]})
            return
        user = self.issuer.authenticate(username, password)
        self.answer(entry, user, scopes, entry["offline_token"])

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        field = lambda name: form.get(name, [None])[0]
        grant_type = field("grant_type")
        scopes = (field("scope") or "").split()
        entry = {"method": "POST", "path": url.path, "host": self.headers.get("Host"),
                 "service": field("service"), "scopes": scopes, "grant_type": grant_type,
                 "username": field("username"), "client_id": field("client_id"),
                 "offline_token": field("access_type") == "offline"}
        if url.path != self.realm_path:
            entry.update(status=404)
            self.issuer.log(entry)
            self.reply(404, {"errors": [{"code": "NOT_FOUND"}]})
            return
        if grant_type == "password":
            user = self.issuer.authenticate(field("username"), field("password") or "")
            if user == "":
                user = None
        elif grant_type == "refresh_token":
            with self.issuer.lock:
                user = self.issuer.refresh_tokens.get(field("refresh_token") or "")
            entry["username"] = user
        else:
            entry.update(status=400, granted=[])
            self.issuer.log(entry)
            self.reply(400, {"error": "unsupported_grant_type"})
            return
        self.answer(entry, user, scopes, entry["offline_token"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", required=True)
    parser.add_argument("--signing-key", required=True)
    parser.add_argument("--signing-cert", required=True)
    parser.add_argument("--issuer", default="manifold-test-token-server")
    parser.add_argument("--service", default="manifold-test-registry")
    parser.add_argument("--expires-in", type=int, default=300)
    parser.add_argument("--realm-path", default="/token")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()

    Handler.issuer = Issuer(args)
    Handler.realm_path = args.realm_path
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    # Written after bind and listen: a reader of the file can connect at once. Renamed into
    # place so the reader never sees a partial number.
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
