#!/usr/bin/env python3
"""Writes an OCI layout of IMAGES multi-platform images for the transfer tests and `make soak`.

Each image is an index of PLATFORMS manifests; each manifest has LAYERS gzip layers, the
first SHARED of which are the same in every image of that platform (a common base), the rest
its own. Each layer is a tar of one file of seeded random bytes (incompressible, so a layer's
size is what moves), MIN-MB to MAX-MB. Images are named `img1`, `img2`… in index.json
(org.opencontainers.image.ref.name). Deterministic for a given --seed. Stdlib only.

  make_images.py OUT --images 20 --layers 4 --shared 2 --min-mb 1 --max-mb 8
"""
import argparse, gzip, hashlib, io, json, os, random, tarfile


def js(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--images", type=int, default=1)
    parser.add_argument("--platforms", default="linux/amd64,linux/arm64")
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--shared", type=int, default=2)
    parser.add_argument("--min-mb", type=float, default=1)
    parser.add_argument("--max-mb", type=float, default=8)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    blobs = os.path.join(args.out, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def add(data, media_type):
        digest = hashlib.sha256(data).hexdigest()
        path = os.path.join(blobs, digest)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
        return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data)}

    layers = {}

    def layer(key):
        # One layer per key: (platform, shared index) for a base, (image, platform, index) else.
        if key not in layers:
            rng = random.Random("%d/%r" % (args.seed, key))
            size = int(rng.uniform(args.min_mb, args.max_mb) * 1_000_000)
            payload = rng.randbytes(size)
            tar = io.BytesIO()
            with tarfile.open(fileobj=tar, mode="w", format=tarfile.PAX_FORMAT) as archive:
                info = tarfile.TarInfo("data/" + "-".join(map(str, key)))
                info.size, info.mtime, info.mode = size, 0, 0o644
                archive.addfile(info, io.BytesIO(payload))
            plain = tar.getvalue()
            packed = gzip.compress(plain, compresslevel=1, mtime=0)
            layers[key] = (add(packed, "application/vnd.oci.image.layer.v1.tar+gzip"), "sha256:" + hashlib.sha256(plain).hexdigest())
        return layers[key]

    entries = []
    for image in range(1, args.images + 1):
        manifests = []
        for platform in args.platforms.split(","):
            os_name, arch, *variant = platform.split("/")
            chosen = [layer((platform, "base", n)) if n < args.shared else layer((image, platform, n)) for n in range(args.layers)]
            config = {"architecture": arch, "os": os_name, "created": "2026-01-01T00:00:00Z",
                      "config": {"Env": ["IMAGE=%d" % image]},
                      "rootfs": {"type": "layers", "diff_ids": [diff for _, diff in chosen]}}
            if variant:
                config["variant"] = variant[0]
            manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "config": add(js(config), "application/vnd.oci.image.config.v1+json"),
                        "layers": [descriptor for descriptor, _ in chosen]}
            descriptor = add(js(manifest), "application/vnd.oci.image.manifest.v1+json")
            descriptor["platform"] = {"architecture": arch, "os": os_name, **({"variant": variant[0]} if variant else {})}
            manifests.append(descriptor)
        index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}
        entry = add(js(index), "application/vnd.oci.image.index.v1+json")
        entry["annotations"] = {"org.opencontainers.image.ref.name": "img%d" % image}
        entries.append(entry)
    with open(os.path.join(args.out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(args.out, "index.json"), "wb") as f:
        f.write(js({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries}))


if __name__ == "__main__":
    main()
