#!/usr/bin/env python3
"""Builds the benchmark reference image: an OCI layout with PLATFORMS × LAYERS gzip -6 layers
of about LAYER_MB each of real files from this machine (a different slice of /usr and /opt per
layer), configs with their diff_ids, and one tagged manifest per platform in index.json.
Reuses OUTDIR if it is complete.

  make-image.py OUTDIR --platforms linux/amd64,linux/arm64 --layers 3 --layer-mb 150
"""
import argparse, hashlib, json, os, subprocess, sys

def files_under(roots):
    out = []
    for root in roots:
        for directory, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(directory, name)
                try:
                    if os.path.isfile(path) and not os.path.islink(path) and os.access(path, os.R_OK):
                        out.append((path, os.lstat(path).st_size))
                except OSError:
                    pass
    return out

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()

def js(value):
    return json.dumps(value, separators=(",", ":")).encode()

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--platforms", default="linux/amd64,linux/arm64")
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--layer-mb", type=int, default=150)
    parser.add_argument("--skip-layers", type=int, default=0, help="start after this many layers' worth of files (distinct content per image)")
    args = parser.parse_args()
    out = args.out
    if os.path.exists(os.path.join(out, "index.json")):
        return
    platforms = args.platforms.split(",")
    need = len(platforms) * args.layers + args.skip_layers
    pool = files_under(["/usr/bin", "/usr/lib", "/usr/share", "/opt"])
    limit = args.layer_mb * 1_000_000
    groups, current, size = [], [], 0
    for path, length in pool:
        if length > limit:
            continue
        current.append(path)
        size += length
        if size >= limit:
            groups.append(current)
            current, size = [], 0
            if len(groups) == need:
                break
    if len(groups) < need:
        sys.exit(f"make-image: not enough files on this machine for {need} layers of {args.layer_mb} MB")

    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    work = os.path.join(out, "work")
    os.makedirs(work, exist_ok=True)

    def add_blob(data):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data)
        return {"digest": "sha256:" + digest, "size": len(data)}

    manifests = []
    for p, platform in enumerate(platforms):
        os_, arch, *variant = platform.split("/")
        layers, diff_ids = [], []
        for l in range(args.layers):
            group = groups[args.skip_layers + p * args.layers + l]
            listing = os.path.join(work, f"files-{p}-{l}.txt")
            with open(listing, "wb") as f:
                f.write(b"\0".join(g.encode() for g in group) + b"\0")
            tar = os.path.join(work, f"layer-{p}-{l}.tar")
            print(f"make-image: {platform} layer {l}: tar of {len(group)} files", file=sys.stderr)
            subprocess.run(["tar", "--null", "-T", listing, "--sort=name", "--mtime=@0", "--owner=0", "--group=0",
                            "--numeric-owner", "-cf", tar], check=True, stderr=subprocess.DEVNULL)
            diff_ids.append("sha256:" + sha256_file(tar))
            subprocess.run(["pigz", "-6", "-n", "-f", tar], check=True)
            digest = sha256_file(tar + ".gz")
            os.rename(tar + ".gz", os.path.join(blobs, digest))
            layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + digest,
                           "size": os.path.getsize(os.path.join(blobs, digest))})
            os.remove(listing)
        config = {"architecture": arch, "os": os_, "rootfs": {"type": "layers", "diff_ids": diff_ids}}
        if variant:
            config["variant"] = variant[0]
        config_desc = dict(mediaType="application/vnd.oci.image.config.v1+json", **add_blob(js(config)))
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": config_desc, "layers": layers}
        entry = dict(mediaType="application/vnd.oci.image.manifest.v1+json", **add_blob(js(manifest)))
        entry["platform"] = {k: v for k, v in (("architecture", arch), ("os", os_), ("variant", variant[0] if variant else None)) if v}
        # Tagged by architecture and listed directly in index.json, which every peer reads
        # (oci-image-tool 1.0.0-rc1 does not descend into a nested index).
        entry["annotations"] = {"org.opencontainers.image.ref.name": arch}
        manifests.append(entry)
    os.rmdir(work)
    with open(os.path.join(out, "oci-layout"), "wb") as f:
        f.write(js({"imageLayoutVersion": "1.0.0"}))
    with open(os.path.join(out, "index.json"), "wb") as f:
        f.write(js({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}))

if __name__ == "__main__":
    main()
