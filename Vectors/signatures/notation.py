#!/usr/bin/env python3
"""Notation-signed OCI layouts for manifold's tests, made without manifold.

The certificates come from notation-certs.sh (the openssl CLI); the JWS envelopes are built
and signed here with Python's `cryptography`, as notation writes them (JWS JSON
serialization, `application/jose+json`), in the layout shape `notation sign` + `oras copy
--to-oci-layout` leave: the image tagged in index.json, the signature manifest (an OCI 1.1
referrer) in blobs/ only. Run at test time:

    notation.py OUTPUT_DIR

OUTPUT_DIR gets `truststore/x509/ca/wabbit/` (root.pem), trust policies (`policy-*.json`)
and one layout per case (see make()).
"""
import base64
import datetime
import json
import os
import shutil
import subprocess
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import OCI_MANIFEST, Layout, compact, image_manifest  # noqa: E402

NOTARY_SIGNATURE = "application/vnd.cncf.notary.signature"
JWS = "application/jose+json"
COSE = "application/cose"
EMPTY = "application/vnd.oci.empty.v1+json"
PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json"
SUBJECT = "C=US, ST=WA, L=Seattle, O=wabbit-networks.io"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load(certs, name):
    with open(os.path.join(certs, name + ".pem"), "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(os.path.join(certs, name + ".key"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    return cert, key


def der(certs, name):
    with open(os.path.join(certs, name + ".pem"), "rb") as f:
        return x509.load_pem_x509_certificate(f.read()).public_bytes(serialization.Encoding.DER)


def sign(key, alg, message):
    if alg == "ES256":
        r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if alg == "ES384":
        r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA384())))
        return r.to_bytes(48, "big") + s.to_bytes(48, "big")
    if alg in ("PS256", "PS512"):
        # RFC 7518 §3.5: the salt is as long as the hash.
        digest = hashes.SHA256() if alg == "PS256" else hashes.SHA512()
        return key.sign(message, padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size), digest)
    raise ValueError(alg)


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# The signing time: set by make() once the certificates exist (they are valid from the
# second they were made, so a signature made before them would be refused).
NOW = None


def envelope(target, chain, key, alg, signing_time=None, expiry=None, payload_target=None, scheme="notary.x509"):
    """A notation JWS envelope over `{"targetArtifact": target}`; `chain`: DER, leaf first."""
    signing_time = signing_time or rfc3339(NOW)
    protected = {"alg": alg, "crit": ["io.cncf.notary.signingScheme"], "cty": PAYLOAD_TYPE,
                 "io.cncf.notary.signingScheme": scheme}
    if scheme == "notary.x509":
        protected["io.cncf.notary.signingTime"] = signing_time
    else:
        # A signing authority's time is its own and critical.
        protected["crit"].append("io.cncf.notary.authenticSigningTime")
        protected["io.cncf.notary.authenticSigningTime"] = signing_time
    if expiry:
        protected["crit"].append("io.cncf.notary.expiry")
        protected["io.cncf.notary.expiry"] = expiry
    payload = compact({"targetArtifact": payload_target or target})
    protected_b64 = b64url(compact(protected))
    payload_b64 = b64url(payload)
    signature = sign(key, alg, (protected_b64 + "." + payload_b64).encode())
    return {"payload": payload_b64, "protected": protected_b64,
            "header": {"x5c": [base64.b64encode(c).decode() for c in chain],
                       "io.cncf.notary.signingAgent": "notation-go/1.1.0"},
            "signature": b64url(signature)}


def signature_manifest(layout, subject, body, media_type=JWS):
    empty = layout.blob(b"{}", EMPTY)
    layer = layout.blob(body, media_type)
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": NOTARY_SIGNATURE,
                "config": empty, "layers": [layer], "subject": subject,
                "annotations": {"io.cncf.notary.x509chain.thumbprint#S256": "[]",
                                "org.opencontainers.image.created": "2024-05-01T12:00:00Z"}}
    return layout.blob(compact(manifest), OCI_MANIFEST)


def make(out):
    certs = os.path.join(out, "certs")
    subprocess.run(["sh", os.path.join(os.path.dirname(os.path.abspath(__file__)), "notation-certs.sh"), certs], check=True)
    global NOW
    NOW = datetime.datetime.now(datetime.timezone.utc)
    store = os.path.join(out, "truststore", "x509", "ca", "wabbit")
    os.makedirs(store, exist_ok=True)
    shutil.copy(os.path.join(certs, "root.pem"), os.path.join(store, "root.pem"))
    authority = os.path.join(out, "truststore", "x509", "signingAuthority", "wabbit")
    os.makedirs(authority, exist_ok=True)
    shutil.copy(os.path.join(certs, "root.pem"), os.path.join(authority, "root.pem"))

    def policy(name, level="strict", identities=None, scopes=None, override=None, stores=None):
        verification = {"level": level}
        if override:
            verification["override"] = override
        document = {"version": "1.0", "trustPolicies": [{
            "name": "wabbit-images", "registryScopes": scopes or ["*"],
            "signatureVerification": verification, "trustStores": stores or ["ca:wabbit"],
            "trustedIdentities": identities or ["x509.subject: " + SUBJECT]}]}
        with open(os.path.join(out, "policy-%s.json" % name), "w") as f:
            json.dump(document, f, indent=2)

    policy("strict")
    policy("any-identity", identities=["*"])
    policy("other-identity", identities=["x509.subject: C=US, ST=WA, O=acme-rockets.io"])
    policy("audit", level="audit", identities=["x509.subject: C=US, ST=WA, O=acme-rockets.io"])
    policy("skip", level="skip", identities=[])
    policy("scoped", scopes=["registry.example/other/app"])
    policy("signing-authority", stores=["signingAuthority:wabbit"])

    intermediate = der(certs, "intermediate")
    root = der(certs, "root")

    def case(name, leaf="leaf-ec", alg="ES256", chain_tail=None, media_type=JWS, listed=False, mutate=None, tag="1.0", **kwargs):
        layout = Layout(os.path.join(out, name))
        image = image_manifest(layout, "amd64", "signed by notation: " + name)
        _, key = load(certs, leaf)
        chain = [der(certs, leaf)] + (chain_tail if chain_tail is not None else [intermediate, root])
        body = envelope(image, chain, key, alg, **kwargs)
        if mutate:
            mutate(body)
        data = compact(body) if media_type == JWS else b"\xd2\x84\x58\x1e"  # a COSE_Sign1 tag and a few bytes
        signature = signature_manifest(layout, image, data, media_type)
        layout.add(image, {"org.opencontainers.image.ref.name": tag})
        if listed:
            layout.add(signature, {"org.opencontainers.image.ref.name": "sig"})
        layout.finish()

    def flip(body):
        raw = base64.urlsafe_b64decode(body["signature"] + "==")
        body["signature"] = b64url(bytes([raw[0] ^ 1]) + raw[1:])

    case("notation-es256")
    case("notation-ps256", leaf="leaf-rsa", alg="PS256")
    case("notation-es384", leaf="leaf-ec384", alg="ES384")
    case("notation-ps512", leaf="leaf-rsa", alg="PS512")
    case("notation-listed", listed=True)
    case("notation-expired-cert", leaf="leaf-expired")
    case("notation-no-codesigning", leaf="leaf-noeku")
    case("notation-untrusted-root", leaf="other-leaf", chain_tail=[der(certs, "other-root")])
    case("notation-other-digest", payload_target={"mediaType": OCI_MANIFEST, "size": 500,
                                                   "digest": "sha256:" + "ab" * 32})
    case("notation-tampered", mutate=flip)
    # Expiry cannot be in the future and passed by the time the test runs without waiting: the
    # signature says it expired a minute before it was made.
    case("notation-expiry-passed", expiry=rfc3339(NOW - datetime.timedelta(minutes=1)))
    case("notation-cose", media_type=COSE)
    case("notation-signing-authority", scheme="notary.x509.signingAuthority")
    # Tagged with its full reference (as containerd and some tools tag a layout): the
    # repository a scoped policy matches.
    case("notation-full-reference", tag="registry.example/other/app:1.0")


if __name__ == "__main__":
    make(sys.argv[1])
