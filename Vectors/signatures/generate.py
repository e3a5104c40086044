#!/usr/bin/env python3
"""Signed OCI layouts for manifold's signature tests, made without manifold.

Keys and signatures come from Python's `cryptography` (Debian: python3-cryptography); the
payloads, signature manifests and layouts are written byte for byte as cosign (≤ 2, or v3
with --new-bundle-format=false) and `cosign save --dir` write them. Run at test time:

    generate.py OUTPUT_DIR

OUTPUT_DIR gets one public key per algorithm (`<name>.pub`, plus `other.pub`, a key that
signed nothing) and one OCI layout per case (see CASES at the end). Deterministic layouts
except for the signatures (ECDSA and PSS are randomised), which no test compares byte for byte.
"""
import base64
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
SIMPLESIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
SIG_ANNOTATION = "dev.cosignproject.cosign/signature"
DSSE = "application/vnd.dsse.envelope.v1+json"
BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json"
INTOTO = "application/vnd.in-toto+json"
SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1"


def compact(value):
    # Go's encoding/json: no spaces, map keys sorted, struct fields in declaration order
    # (the dicts below are built in that order).
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class Layout:
    def __init__(self, root):
        self.root = root
        self.entries = []
        os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(root, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')

    def blob(self, data, media_type, annotations=None, **extra):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.root, "blobs", "sha256", digest), "wb") as f:
            f.write(data)
        descriptor = {"mediaType": media_type, "size": len(data), "digest": "sha256:" + digest}
        descriptor.update(extra)
        if annotations:
            descriptor["annotations"] = annotations
        return descriptor

    def add(self, descriptor, annotations):
        entry = dict(descriptor)
        entry["annotations"] = annotations
        self.entries.append(entry)

    def finish(self):
        index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": self.entries}
        with open(os.path.join(self.root, "index.json"), "wb") as f:
            f.write(compact(index))


def image_manifest(layout, arch, text):
    """A one-layer linux/<arch> image; its manifest's descriptor."""
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        body = text.encode()
        info = tarfile.TarInfo("hello.txt")
        info.size = len(body)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(body))
    raw = tar_bytes.getvalue()
    layer = layout.blob(gzip.compress(raw, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip")
    config = {"architecture": arch, "os": "linux",
              "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]}, "config": {}}
    config_desc = layout.blob(compact(config), OCI_CONFIG)
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config_desc, "layers": [layer]}
    return layout.blob(compact(manifest), OCI_MANIFEST)


def cosign_payload(digest, reference="registry.example/app"):
    # cosign's payload.SimpleContainerImage, as json.Marshal writes it.
    return compact({"critical": {"identity": {"docker-reference": reference},
                                 "image": {"docker-manifest-digest": digest},
                                 "type": "cosign container image signature"},
                    "optional": None})


def signature_manifest(layout, layers):
    """cosign's .sig manifest: a config naming the payloads as diff_ids, one layer each.
    `layers`: (payload bytes, base64 signature) pairs."""
    descriptors = [layout.blob(payload, SIMPLESIGNING, {SIG_ANNOTATION: signature}) for payload, signature in layers]
    config = {"architecture": "", "created": "0001-01-01T00:00:00Z", "history": [{"created": "0001-01-01T00:00:00Z"}],
              "os": "", "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descriptors]}, "config": {}}
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": layout.blob(compact(config), OCI_CONFIG),
                "layers": descriptors}
    return layout.blob(compact(manifest), OCI_MANIFEST)


class Key:
    def __init__(self, name, private, sign):
        self.name = name
        self.private = private
        self._sign = sign

    def sign(self, payload):
        return base64.b64encode(self._sign(self.private, payload)).decode()

    def write_public(self, directory):
        pem = self.private.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
        with open(os.path.join(directory, self.name + ".pub"), "wb") as f:
            f.write(pem)


def make_keys():
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    return {
        "ecdsa-p256": Key("ecdsa-p256", ec.generate_private_key(ec.SECP256R1()),
                          lambda k, m: k.sign(m, ec.ECDSA(hashes.SHA256()))),
        "ecdsa-p384": Key("ecdsa-p384", ec.generate_private_key(ec.SECP384R1()),
                          lambda k, m: k.sign(m, ec.ECDSA(hashes.SHA256()))),
        "rsa-pkcs1": Key("rsa-pkcs1", rsa_key, lambda k, m: k.sign(m, padding.PKCS1v15(), hashes.SHA256())),
        "rsa-pss": Key("rsa-pss", rsa.generate_private_key(public_exponent=65537, key_size=3072),
                       lambda k, m: k.sign(m, pss, hashes.SHA256())),
        "ed25519": Key("ed25519", ed25519.Ed25519PrivateKey.generate(), lambda k, m: k.sign(m)),
        "other": Key("other", ec.generate_private_key(ec.SECP256R1()), lambda k, m: k.sign(m, ec.ECDSA(hashes.SHA256()))),
    }


def saved(root, image_kind="dev.cosignproject.cosign/image"):
    """A layout shaped like `cosign save --dir`: a kind annotation on every entry."""
    layout = Layout(root)
    layout.kind_image = image_kind
    return layout


def add_saved(layout, image, signatures, kind="dev.cosignproject.cosign/sigs"):
    layout.add(image, {"kind": layout.kind_image})
    if signatures is not None:
        layout.add(signatures, {"kind": kind})
    layout.finish()


def tag_for(digest, suffix):
    return digest.replace("sha256:", "sha256-") + suffix


def make(out):
    keys = make_keys()
    for key in keys.values():
        key.write_public(out)

    # Valid, one per key type, in the shape of `cosign save`.
    for name in ["ecdsa-p256", "ecdsa-p384", "rsa-pkcs1", "rsa-pss", "ed25519"]:
        layout = saved(os.path.join(out, "valid-" + name))
        image = image_manifest(layout, "amd64", "signed by " + name)
        payload = cosign_payload(image["digest"])
        add_saved(layout, image, signature_manifest(layout, [(payload, keys[name].sign(payload))]))

    # The tag scheme as `skopeo copy` of a registry's tags puts it in a layout.
    layout = Layout(os.path.join(out, "tag-scheme"))
    image = image_manifest(layout, "amd64", "tag scheme")
    payload = cosign_payload(image["digest"])
    sig = signature_manifest(layout, [(payload, keys["ecdsa-p256"].sign(payload))])
    layout.add(image, {"org.opencontainers.image.ref.name": "latest"})
    layout.add(sig, {"org.opencontainers.image.ref.name": tag_for(image["digest"], ".sig")})
    layout.finish()

    # The payload names another manifest than the one the signature is attached to.
    layout = saved(os.path.join(out, "other-digest"))
    image = image_manifest(layout, "amd64", "other digest")
    payload = cosign_payload("sha256:" + "1" * 64)
    add_saved(layout, image, signature_manifest(layout, [(payload, keys["ecdsa-p256"].sign(payload))]))

    # Signed over a re-serialization of the payload (spaces, other key order), not its bytes.
    layout = saved(os.path.join(out, "reserialized"))
    image = image_manifest(layout, "amd64", "reserialized")
    payload = cosign_payload(image["digest"])
    other_bytes = json.dumps(json.loads(payload), indent=2, sort_keys=True).encode()
    add_saved(layout, image, signature_manifest(layout, [(payload, keys["ecdsa-p256"].sign(other_bytes))]))

    # The annotation changed after signing (one base64 character).
    layout = saved(os.path.join(out, "tampered-annotation"))
    image = image_manifest(layout, "amd64", "tampered")
    payload = cosign_payload(image["digest"])
    signature = keys["ecdsa-p256"].sign(payload)
    position = len(signature) // 2
    flipped = "A" if signature[position] != "A" else "B"
    add_saved(layout, image, signature_manifest(layout, [(payload, signature[:position] + flipped + signature[position + 1:])]))

    # A valid signature on the image's attestation, none on the image itself.
    layout = Layout(os.path.join(out, "signed-attestation"))
    image = image_manifest(layout, "amd64", "attested")
    statement = compact({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2",
                         "subject": [{"name": "registry.example/app", "digest": {"sha256": image["digest"][7:]}}],
                         "predicate": {}})
    envelope = compact({"payloadType": "application/vnd.in-toto+json", "payload": base64.b64encode(statement).decode(),
                        "signatures": [{"keyid": "", "sig": keys["ecdsa-p256"].sign(statement)}]})
    att_layer = layout.blob(envelope, DSSE, {"predicateType": "https://slsa.dev/provenance/v0.2"})
    att_config = {"architecture": "", "created": "0001-01-01T00:00:00Z", "history": [{"created": "0001-01-01T00:00:00Z"}],
                  "os": "", "rootfs": {"type": "layers", "diff_ids": [att_layer["digest"]]}, "config": {}}
    att = layout.blob(compact({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                               "config": layout.blob(compact(att_config), OCI_CONFIG), "layers": [att_layer]}), OCI_MANIFEST)
    payload = cosign_payload(att["digest"])
    sig = signature_manifest(layout, [(payload, keys["ecdsa-p256"].sign(payload))])
    layout.add(image, {"org.opencontainers.image.ref.name": "latest"})
    layout.add(att, {"org.opencontainers.image.ref.name": tag_for(image["digest"], ".att")})
    layout.add(sig, {"org.opencontainers.image.ref.name": tag_for(att["digest"], ".sig")})
    layout.finish()

    # An OCI 1.1 referrer whose subject is not in the layout, and a signature of that subject.
    layout = Layout(os.path.join(out, "absent-subject"))
    image = image_manifest(layout, "amd64", "absent subject")
    absent = {"mediaType": OCI_MANIFEST, "size": 1234, "digest": "sha256:" + "2" * 64}
    empty = layout.blob(b"{}", "application/vnd.oci.empty.v1+json")
    sbom = layout.blob(b'{"spdxVersion":"SPDX-2.3"}', "application/spdx+json")
    referrer = layout.blob(compact({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": "application/spdx+json",
                                    "config": empty, "layers": [sbom], "subject": absent,
                                    "annotations": {"org.opencontainers.image.created": "2026-01-01T00:00:00Z"}}),
                           OCI_MANIFEST, artifactType="application/spdx+json")
    payload = cosign_payload(absent["digest"])
    sig = signature_manifest(layout, [(payload, keys["ecdsa-p256"].sign(payload))])
    layout.add(image, {"org.opencontainers.image.ref.name": "latest"})
    layout.add(referrer, {"org.opencontainers.image.ref.name": "sbom"})
    layout.add(sig, {"org.opencontainers.image.ref.name": tag_for(absent["digest"], ".sig")})
    layout.finish()

    # A two-platform index signed on the index only (`cosign save` shape), and one signed on
    # the index and each platform (`cosign sign --recursive`; the tag scheme, each signature
    # manifest tagged for the one manifest it signs, as `skopeo copy` of the tags lays it out).
    for name, every in [("index-signed", False), ("every-platform-signed", True)]:
        layout = saved(os.path.join(out, name), image_kind="dev.cosignproject.cosign/imageIndex")
        platforms = []
        for arch in ["amd64", "arm64"]:
            manifest = image_manifest(layout, arch, name + " " + arch)
            manifest["platform"] = {"architecture": arch, "os": "linux"}
            platforms.append(manifest)
        index = layout.blob(compact({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": platforms}), OCI_INDEX)
        if not every:
            payload = cosign_payload(index["digest"])
            add_saved(layout, index, signature_manifest(layout, [(payload, keys["ecdsa-p256"].sign(payload))]))
            continue
        layout.add(index, {"org.opencontainers.image.ref.name": "latest"})
        for target in [index] + platforms:
            payload = cosign_payload(target["digest"])
            sig = signature_manifest(layout, [(payload, keys["ecdsa-p256"].sign(payload))])
            layout.add(sig, {"org.opencontainers.image.ref.name": tag_for(target["digest"], ".sig")})
        layout.finish()

    # cosign v3 bundles: OCI 1.1 referrers (subject, artifactType), one layer holding a Sigstore
    # bundle whose DSSE envelope wraps an in-toto statement; the signature is over the PAE.
    # Listed in index.json without a tag, as `oras copy -r` lays referrers out.
    # "bundle-unlisted": the referrer sits in blobs/ alone, as a cosign v3 `save` may leave it.
    for name, predicate, names_other in [("bundle-valid", SIGN_PREDICATE, False),
                                          ("bundle-unlisted", SIGN_PREDICATE, False),
                                          ("bundle-other-subject", SIGN_PREDICATE, True),
                                          ("bundle-attestation", "https://slsa.dev/provenance/v1", False)]:
        layout = Layout(os.path.join(out, name))
        image = image_manifest(layout, "amd64", name)
        named = "1" * 64 if names_other else image["digest"][7:]
        statement = compact({"_type": "https://in-toto.io/Statement/v1",
                             "subject": [{"name": "registry.example/app", "digest": {"sha256": named}}],
                             "predicateType": predicate, "predicate": {}})
        pae = b"DSSEv1 %d %s %d %s" % (len(INTOTO), INTOTO.encode(), len(statement), statement)
        bundle = compact({"mediaType": BUNDLE,
                          "verificationMaterial": {"publicKey": {"hint": "ecdsa-p256"}, "tlogEntries": []},
                          "dsseEnvelope": {"payload": base64.b64encode(statement).decode(), "payloadType": INTOTO,
                                           "signatures": [{"sig": keys["ecdsa-p256"].sign(pae), "keyid": ""}]}})
        empty = layout.blob(b"{}", "application/vnd.oci.empty.v1+json")
        subject = {k: image[k] for k in ("mediaType", "size", "digest")}
        referrer = layout.blob(compact({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": BUNDLE,
                                        "config": empty, "layers": [layout.blob(bundle, BUNDLE)], "subject": subject,
                                        "annotations": {"dev.sigstore.bundle.content": "dsse-envelope",
                                                        "dev.sigstore.bundle.predicateType": predicate,
                                                        "org.opencontainers.image.created": "2026-01-01T00:00:00Z"}}),
                               OCI_MANIFEST, artifactType=BUNDLE)
        layout.add(image, {"org.opencontainers.image.ref.name": "latest"})
        if name != "bundle-unlisted":
            layout.entries.append(referrer)
        layout.finish()

    # Unsigned.
    layout = saved(os.path.join(out, "unsigned"))
    add_saved(layout, image_manifest(layout, "amd64", "unsigned"), None)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: generate.py OUTPUT_DIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    make(sys.argv[1])
