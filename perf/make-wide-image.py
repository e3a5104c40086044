#!/usr/bin/env python3
"""Builds a wide OCI layout for the benchmarks: the shape of a mirror or an air-gap bundle.
IMAGES tagged images (one manifest each, listed in index.json with a ref.name), each with
LAYERS small gzip layers and a config whose diff_ids are right. The first SHARED share of each
image's layers comes from a pool of base layers that several images use (as images built
FROM the same bases do); the rest are the image's own. Everything is deterministic (seeded
content, tar mtime 0, gzip mtime 0), so two runs give the same digests. Reuses OUTDIR if it
is complete.

  make-wide-image.py OUTDIR [--images 200] [--layers 10] [--shared 0.5] [--pool-reuse 2]
                            [--platform linux/amd64] [--seed 15]

With the defaults: 200 images, 1,500 distinct layers (~1,900 blobs with configs and
manifests), about 30 MB. Layer sizes spread from about 1 kB to 50 kB compressed, one in a
hundred near 1 MB: small application layers and the occasional bigger one.
"""
import argparse, gzip, hashlib, io, json, os, random, sys, tarfile

def js(value):
    return json.dumps(value, separators=(",", ":")).encode()

def corpus(rng):
    """About 1 MiB of text-like bytes to cut files from: compresses about 3:1, like a base
    image's mix of binaries and text."""
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz_/.0123456789") for _ in range(rng.randint(2, 12)))
             for _ in range(4000)]
    out, size = [], 0
    while size < 1 << 20:
        word = rng.choice(words)
        out.append(word)
        size += len(word) + 1
    text = " ".join(out).encode()
    # A tenth of noise, so the deflate cost is that of real content, not of a repeated text.
    noise = bytes(rng.getrandbits(8) for _ in range(len(text) // 10))
    return text + noise

def layer_bytes(rng, text, target):
    """A deterministic tar of a few files, about `target` bytes of content, gzip -6."""
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        left, n = target, 0
        while left > 0:
            length = min(left, rng.randint(256, 32768))
            start = rng.randrange(0, len(text) - length)
            data = text[start:start + length]
            info = tarfile.TarInfo(f"app/file-{n:03d}.dat")
            info.size, info.mtime, info.mode, info.uid, info.gid = len(data), 0, 0o644, 0, 0
            tar.addfile(info, io.BytesIO(data))
            left -= length
            n += 1
    tar_bytes = tar_buffer.getvalue()
    return tar_bytes, gzip.compress(tar_bytes, compresslevel=6, mtime=0)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--layers", type=int, default=10)
    parser.add_argument("--shared", type=float, default=0.5, help="share of each image's layers taken from the shared pool")
    parser.add_argument("--pool-reuse", type=int, default=2, help="images per shared layer, on average")
    parser.add_argument("--platform", default="linux/amd64")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    out = args.out
    if os.path.exists(os.path.join(out, "index.json")):
        return
    rng = random.Random(args.seed)
    text = corpus(rng)
    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def add_blob(data):
        digest = hashlib.sha256(data).hexdigest()
        path = os.path.join(blobs, digest)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
        return {"digest": "sha256:" + digest, "size": len(data)}

    def make_layer():
        # Mostly small (log-uniform, ~2 kB to ~100 kB of content), one in a hundred larger
        # (1–2 MB of content), so the largest-first order has something to do.
        if rng.random() < 0.01:
            target = rng.randint(1_000_000, 2_000_000)
        else:
            target = int(2000 * (50 ** rng.random()))
        tar_bytes, gz = layer_bytes(rng, text, target)
        descriptor = dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **add_blob(gz))
        return descriptor, "sha256:" + hashlib.sha256(tar_bytes).hexdigest()

    shared_per_image = round(args.layers * args.shared)
    pool_size = max(1, args.images * shared_per_image // max(1, args.pool_reuse)) if shared_per_image else 0
    print(f"make-wide-image: {args.images} images x {args.layers} layers, {pool_size} shared layers", file=sys.stderr)
    pool = [make_layer() for _ in range(pool_size)]
    os_, arch, *variant = args.platform.split("/")
    # Every pool layer is used, by about `pool-reuse` images each: no blob is left over.
    shared_refs = [k % pool_size for k in range(args.images * shared_per_image)] if pool_size else []
    rng.shuffle(shared_refs)
    manifests = []
    for i in range(args.images):
        layers = [pool[k] for k in shared_refs[i * shared_per_image:(i + 1) * shared_per_image]]
        layers += [make_layer() for _ in range(args.layers - shared_per_image)]
        config = {"architecture": arch, "os": os_, "config": {"Cmd": [f"/app/run-{i}"]},
                  "rootfs": {"type": "layers", "diff_ids": [diff_id for _, diff_id in layers]}}
        if variant:
            config["variant"] = variant[0]
        config_desc = dict(mediaType="application/vnd.oci.image.config.v1+json", **add_blob(js(config)))
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": config_desc, "layers": [descriptor for descriptor, _ in layers]}
        entry = dict(mediaType="application/vnd.oci.image.manifest.v1+json", **add_blob(js(manifest)))
        entry["annotations"] = {"org.opencontainers.image.ref.name": f"app-{i:03d}"}
        manifests.append(entry)
    with open(os.path.join(out, "oci-layout"), "wb") as f:
        f.write(js({"imageLayoutVersion": "1.0.0"}))
    with open(os.path.join(out, "index.json"), "wb") as f:
        f.write(js({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}))
    count = len(os.listdir(blobs))
    size = sum(os.path.getsize(os.path.join(blobs, name)) for name in os.listdir(blobs))
    print(f"make-wide-image: {count} blobs, {size / 1e6:.1f} MB", file=sys.stderr)

if __name__ == "__main__":
    main()
