#!/usr/bin/env python3
"""An independent check of the cosign signatures in an OCI layout, for manifold's signing
tests: nothing of manifold's own code reads or verifies here.

    check.py LAYOUT PUBLIC_KEY.pem

Finds the one image index.json lists (cosign `.sig` tags and referrers set aside), then each
signature manifest attached to it, by the `sha256-<hex>.sig` tag or by `subject`. Every
simple-signing layer's payload must match its descriptor, name the image's digest, and carry
in its `dev.cosignproject.cosign/signature` annotation a base64 signature over the payload's
exact bytes (ECDSA and RSA PKCS#1 v1.5 over SHA-256, Ed25519 pure). Prints one JSON line:
{"image": DIGEST, "verified": [{"placement", "identity"}...], "unverified": N} and exits 0
when at least one signature by the key verifies, 1 otherwise.
"""
import base64
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

SIMPLESIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
SIG_ANNOTATION = "dev.cosignproject.cosign/signature"


def blob(layout, descriptor):
    algorithm, encoded = descriptor["digest"].split(":", 1)
    with open(os.path.join(layout, "blobs", algorithm, encoded), "rb") as f:
        data = f.read()
    if hashlib.new(algorithm, data).hexdigest() != encoded or len(data) != descriptor["size"]:
        raise ValueError("blob %s does not match its descriptor" % descriptor["digest"])
    return data


def verifies(key, signature, payload):
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, payload, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, payload, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, payload)
        else:
            return False
        return True
    except InvalidSignature:
        return False


def main(layout, key_path):
    with open(key_path, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    with open(os.path.join(layout, "index.json"), "rb") as f:
        entries = json.load(f)["manifests"]

    def is_artifact(entry):
        name = entry.get("annotations", {}).get("org.opencontainers.image.ref.name", "")
        return "artifactType" in entry or (name.startswith("sha256-") and name.endswith(".sig"))

    images = {e["digest"] for e in entries if not is_artifact(e)}
    if len(images) != 1:
        raise SystemExit("expected one image in %s, found %d" % (layout, len(images)))
    image = images.pop()
    tag = image.replace(":", "-", 1) + ".sig"
    verified, unverified = [], 0
    for entry in entries:
        manifest = json.loads(blob(layout, entry))
        if entry.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            placement = "tag"
        elif manifest.get("subject", {}).get("digest") == image:
            placement = "referrer"
        else:
            continue
        for layer in manifest["layers"]:
            if layer["mediaType"] != SIMPLESIGNING:
                unverified += 1
                continue
            payload = blob(layout, layer)
            critical = json.loads(payload)["critical"]
            signature = base64.b64decode(layer.get("annotations", {}).get(SIG_ANNOTATION, ""), validate=True)
            if (critical["type"] == "cosign container image signature"
                    and critical["image"]["docker-manifest-digest"] == image
                    and verifies(key, signature, payload)):
                verified.append({"placement": placement, "identity": critical["identity"]["docker-reference"],
                                 "artifactType": manifest.get("artifactType")})
            else:
                unverified += 1
    print(json.dumps({"image": image, "verified": verified, "unverified": unverified}))
    return 0 if verified else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
