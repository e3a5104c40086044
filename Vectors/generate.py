#!/usr/bin/env python3
"""Regenerates manifold's test vectors: `make vectors` (or `python3 Vectors/generate.py`).

Writes Vectors/digest/known-answers.tsv and Vectors/compression/ (the streams and
cases.tsv). Expected digests come from coreutils (sha256sum, sha512sum), an implementation
independent of the OpenSSL that manifold uses, and the FIPS 180 examples are checked against
their published values. Streams come from gzip, pigz and zstd themselves, or are built here
byte by byte where a tool cannot make them (header flags, stored blocks, broken trailers,
skippable frames, an oversized zstd window). See Vectors/README.md.
"""
import hashlib, json, os, shutil, struct, subprocess, sys, zlib

ROOT = os.path.dirname(os.path.abspath(__file__))
DIGEST_DIR = os.path.join(ROOT, "digest")
COMP_DIR = os.path.join(ROOT, "compression")

def need(tool):
    if shutil.which(tool) is None:
        sys.exit(f"generate.py: '{tool}' is missing; run 'make deps' first")

def run(args, data):
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout

def coreutils_digest(algorithm, data):
    out = run([f"{algorithm}sum"], data).decode().split()[0]
    return f"{algorithm}:{out}"

# ---------------------------------------------------------------- inputs

def counting(n):
    """n bytes 0,1,...,250,0,1,... : deterministic and not all alike."""
    return bytes(i % 251 for i in range(n))

def text_payload(lines):
    """Compressible text, like the files in a layer."""
    words = ["layer", "manifest", "index", "digest", "config", "platform", "blob",
             "arm64", "amd64", "sha256", "tar", "gzip", "zstd", "rootfs", "diff_id"]
    out = []
    for i in range(lines):
        out.append(f"{i:06d} " + " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(1 + i % 9)))
    return ("\n".join(out) + "\n").encode()

def noise(n, seed=b"manifold"):
    """Incompressible but reproducible bytes: a SHA-256 chain."""
    out = bytearray()
    block = seed
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:n])

# ---------------------------------------------------------------- digests

KNOWN = {  # FIPS 180-2 appendix examples
    ("sha256", "empty"): "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ("sha256", "abc"): "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ("sha256", "million-a"): "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    ("sha512", "empty"): "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                         "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    ("sha512", "abc"): "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ("sha512", "million-a"): "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
                             "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
}

def digest_inputs():
    yield "empty", "empty", b""
    yield "abc", "text:abc", b"abc"
    yield "abc-448", "text:abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", \
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    yield "million-a", "repeat:a:1000000", b"a" * 1000000
    # Around the 64-byte (SHA-256) and 128-byte (SHA-512) block boundaries, where padding
    # spills into an extra block.
    for n in [1, 55, 56, 57, 63, 64, 65, 111, 112, 113, 119, 120, 127, 128, 129, 255, 256, 257, 1000, 65536, 65537]:
        yield f"counting-{n}", f"counting:{n}", counting(n)

def write_digests():
    os.makedirs(DIGEST_DIR, exist_ok=True)
    rows = ["# name\tinput\talgorithm\tdigest   (input: empty | text:T | repeat:C:N | counting:N = bytes i%251)"]
    for name, spec, data in digest_inputs():
        for algorithm in ("sha256", "sha512"):
            digest = coreutils_digest(algorithm, data)
            known = KNOWN.get((algorithm, name))
            if known and digest != f"{algorithm}:{known}":
                sys.exit(f"{algorithm}sum disagrees with FIPS 180 on {name}")
            rows.append(f"{name}\t{spec}\t{algorithm}\t{digest}")
    with open(os.path.join(DIGEST_DIR, "known-answers.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")

# ---------------------------------------------------------------- gzip building blocks

def raw_deflate(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()

def gzip_member(data, flags=0, extra=None, name=None, comment=None, header_crc=None,
                crc=None, isize=None, deflated=None, level=6):
    header = bytearray(b"\x1f\x8b\x08" + bytes([flags]) + b"\x00\x00\x00\x00\x00\x03")
    if flags & 0x04:
        header += struct.pack("<H", len(extra)) + extra
    if flags & 0x08:
        header += name + b"\x00"
    if flags & 0x10:
        header += comment + b"\x00"
    if flags & 0x02:
        value = zlib.crc32(bytes(header)) & 0xffff if header_crc is None else header_crc
        header += struct.pack("<H", value)
    body = raw_deflate(data, level) if deflated is None else deflated
    trailer = struct.pack("<II", zlib.crc32(data) if crc is None else crc,
                          (len(data) if isize is None else isize) & 0xffffffff)
    return bytes(header) + body + trailer

# ---------------------------------------------------------------- zstd building blocks

def skippable_frame(payload, nibble=0):
    return struct.pack("<II", 0x184D2A50 + nibble, len(payload)) + payload

def zstd_raw_frame(data, window_log):
    """A frame with one raw block and an explicit window descriptor: window = 2^window_log."""
    descriptor = (window_log - 10) << 3          # exponent, mantissa 0
    header = b"\x28\xb5\x2f\xfd" + bytes([0x00, descriptor])  # no checksum, no content size
    block = ((len(data) << 3) | (0 << 1) | 1).to_bytes(3, "little")  # raw, last block
    return header + block + data

# ---------------------------------------------------------------- compression cases

def compression_cases():
    text = text_payload(4000)                       # ~150 KB of compressible text
    part1, part2 = text[:50000], text[50000:]
    random_bytes = noise(200_000)                   # stored blocks need >64 KiB to need several
    gz = run(["gzip", "-n", "-6", "-c"], text)
    zs = run(["zstd", "-q", "-3", "-c"], text)

    def ok(name, comp, data, uncompressed, what):
        return (name, comp, data, "ok", uncompressed, what)

    def bad(name, comp, data, code, what):
        return (name, comp, data, code, None, what)

    yield ok("gzip-single.gz", "gzip", gz, text, "gzip -n -6 of ~150 KB of text: one member")
    yield ok("gzip-multi-member.gz", "gzip", run(["gzip", "-n", "-c"], part1) + run(["gzip", "-n", "-c"], part2), text,
             "two gzip members concatenated (as pigz and cat write); one stream")
    yield ok("gzip-empty-member.gz", "gzip", run(["gzip", "-n", "-c"], b""), b"", "one member holding nothing")
    yield ok("gzip-empty-member-between.gz", "gzip",
             gzip_member(part1) + gzip_member(b"") + gzip_member(part2), text,
             "an empty member between two members")
    yield ok("gzip-fname.gz", "gzip", None, text,
             "gzip (without -n) of a file named payload.txt: FNAME and MTIME set")
    yield ok("gzip-header-fields.gz", "gzip",
             gzip_member(text, flags=0x04 | 0x08 | 0x10 | 0x02, extra=b"AB\x04\x00data",
                         name=b"payload.txt", comment=b"a comment, with FEXTRA and FHCRC"), text,
             "header with FEXTRA (one subfield), FNAME, FCOMMENT and a correct FHCRC")
    yield ok("gzip-fhcrc-only.gz", "gzip", gzip_member(part1, flags=0x02), part1, "FHCRC as the only flag")
    yield ok("gzip-stored-blocks.gz", "gzip", gzip_member(random_bytes, level=0), random_bytes,
             "deflate level 0: stored blocks only, 200 KB of incompressible bytes")
    yield ok("gzip-pigz.gz", "gzip", run(["pigz", "-n", "-6", "-b", "32", "-p", "2", "-c"], text), text,
             "pigz with 32 KiB blocks on 2 threads: many deflate blocks, sync-flush boundaries")
    yield ok("gzip-level9-text.gz", "gzip", run(["gzip", "-n", "-9", "-c"], text * 4), text * 4,
             "gzip -9 of 600 KB of text")

    yield bad("gzip-empty-file.gz", "gzip", b"", "truncated", "zero bytes: no member at all")
    yield bad("gzip-not-gzip.gz", "gzip", b"plain text, not gzip\n", "corruptData", "no gzip magic at the start")
    yield bad("gzip-trailing-zeros.gz", "gzip", gz + bytes(512), "trailingData",
              "a valid member followed by 512 zero bytes (tar-style padding)")
    yield bad("gzip-trailing-garbage.gz", "gzip", gz + b"garbage\n", "trailingData",
              "a valid member followed by text")
    yield bad("gzip-trailing-one-byte.gz", "gzip", gz + b"\x00", "trailingData", "a valid member then one zero byte")
    yield bad("gzip-trailing-half-magic.gz", "gzip", gz + b"\x1f\x00\x00\x00", "trailingData",
              "a valid member then 1f 00: the first magic byte only")
    yield bad("gzip-trailing-partial-header.gz", "gzip", gz + b"\x1f\x8b\x08", "truncated",
              "a valid member then the start of a second header, cut")
    yield bad("gzip-bad-method.gz", "gzip", b"\x1f\x8b\x07" + gz[3:], "corruptData", "compression method 7")
    yield bad("gzip-reserved-flags.gz", "gzip", gz[:3] + b"\x20" + gz[4:], "corruptData", "a reserved FLG bit set")
    yield bad("gzip-bad-header-crc.gz", "gzip", gzip_member(part1, flags=0x02, header_crc=0x1234),
              "checksumMismatch", "FHCRC that does not match the header")
    yield bad("gzip-invalid-block.gz", "gzip", gz[:10] + b"\x07" + gz[11:], "corruptData",
              "first deflate block of type 3 (reserved)")
    yield bad("gzip-bad-crc.gz", "gzip", gzip_member(text, crc=zlib.crc32(text) ^ 1), "checksumMismatch",
              "trailer CRC-32 off by one bit")
    yield bad("gzip-bad-isize.gz", "gzip", gzip_member(text, isize=len(text) + 1), "lengthMismatch",
              "trailer ISIZE one more than the data")
    yield bad("gzip-second-member-bad-crc.gz", "gzip", gzip_member(part1) + gzip_member(part2, crc=0),
              "checksumMismatch", "first member fine, second member's CRC-32 wrong")
    for name, cut, where in [("header", 5, "inside the fixed header"),
                             ("after-header", 10, "right after the header"),
                             ("deflate", len(gz) // 2, "in the middle of the deflate data"),
                             ("before-trailer", len(gz) - 8, "after the deflate data, before the trailer"),
                             ("trailer", len(gz) - 3, "inside the trailer")]:
        yield bad(f"gzip-truncated-{name}.gz", "gzip", gz[:cut], "truncated", f"cut {where} (at {cut} bytes)")
    # Found by the gzip fuzzer: after this invalid distance ISA-L reports more input left
    # than it was given; the error must still be a clean "invalid data".
    yield bad("gzip-invalid-distance.gz", "gzip",
              bytes.fromhex("1f8b0808000016000003030053756243686172616374657273747200006e67"), "corruptData",
              "fuzzer-found: FNAME, then fixed-Huffman data with a distance reaching before the start")
    yield bad("gzip-truncated-fname.gz", "gzip",
              gzip_member(text, flags=0x08, name=b"a-long-file-name.txt")[:16], "truncated", "cut inside FNAME")

    frame2 = run(["zstd", "-q", "-3", "-c"], part2)
    yield ok("zstd-single.zst", "zstd", zs, text, "zstd -3 of ~150 KB of text, with content checksum")
    yield ok("zstd-multi-frame.zst", "zstd", run(["zstd", "-q", "-c"], part1) + frame2, text, "two frames concatenated")
    yield ok("zstd-skippable.zst", "zstd", skippable_frame(b"metadata") + zs + skippable_frame(b"", 15), text,
             "skippable frames (magic 0x184D2A50 and 0x184D2A5F) around a frame")
    yield ok("zstd-empty.zst", "zstd", run(["zstd", "-q", "-c"], b""), b"", "zstd of nothing: one empty frame")
    yield ok("zstd-no-checksum.zst", "zstd", run(["zstd", "-q", "--no-check", "-c"], part1), part1,
             "a frame without content checksum")
    yield ok("zstd-raw-window-1mib.zst", "zstd", zstd_raw_frame(b"hello\n", 20), b"hello\n",
             "hand-made frame, one raw block, 1 MiB window")
    yield bad("zstd-window-2gib.zst", "zstd", zstd_raw_frame(b"hello\n", 31), "limitExceeded",
              "hand-made frame declaring a 2 GiB window (above the 128 MiB limit)")
    yield bad("zstd-window-256mib.zst", "zstd", zstd_raw_frame(b"hello\n", 28), "limitExceeded",
              "hand-made frame declaring a 256 MiB window, one step above the limit")
    yield bad("zstd-empty-file.zst", "zstd", b"", "truncated", "zero bytes: no frame")
    yield bad("zstd-truncated.zst", "zstd", zs[: len(zs) // 2], "truncated", "cut in the middle of the frame")
    yield bad("zstd-truncated-header.zst", "zstd", zs[:5], "truncated", "cut inside the frame header")
    yield bad("zstd-trailing-garbage.zst", "zstd", zs + b"garbage\n", "trailingData", "a frame followed by text")
    yield bad("zstd-trailing-zeros.zst", "zstd", zs + bytes(512), "trailingData", "a frame followed by 512 zero bytes")
    yield bad("zstd-bad-checksum.zst", "zstd", zs[:-1] + bytes([zs[-1] ^ 0xff]), "checksumMismatch",
              "content checksum's last byte flipped")
    yield bad("zstd-not-zstd.zst", "zstd", b"plain text, not zstd\n", "corruptData", "no zstd magic at the start")
    # Found by the zstd fuzzer: libzstd checks a frame's declared content size when the frame
    # arrives whole, but not when it arrives a few bytes at a time.
    yield bad("zstd-content-size-mismatch.zst", "zstd",
              b"\x28\xb5\x2f\xfd\x24\x23\x01\x00\x00" + struct.pack("<I", 0x51d8e999), "corruptData",
              "single-segment frame declaring 35 bytes, holding one empty raw block, with the checksum of nothing")
    yield bad("zstd-zero-size-compressed-block.zst", "zstd", zero_size_compressed_block(), "corruptData",
              "a frame whose only block is a compressed block of size 0 (fuzzer-found)")

def zero_size_compressed_block():
    """Found by the zstd fuzzer: libzstd rejects a compressed block of size 0 in a frame
    that arrives whole, and accepts it in one that arrives in pieces."""
    return b"\x28\xb5\x2f\xfd\x24\x00\x05\x00\x00" + struct.pack("<I", 0x51d8e999)

def write_compression():
    if os.path.isdir(COMP_DIR):
        shutil.rmtree(COMP_DIR)
    os.makedirs(COMP_DIR)
    rows = ["# file\tcompression\texpect\tuncompressed-size\tuncompressed-sha256\tdescription"]
    for name, comp, data, expect, uncompressed, what in compression_cases():
        path = os.path.join(COMP_DIR, name)
        if data is None:  # gzip with its own FNAME and MTIME: compress a real file
            source = os.path.join(COMP_DIR, "payload.txt")
            with open(source, "wb") as f:
                f.write(uncompressed)
            os.utime(source, (1700000000, 1700000000))
            subprocess.run(["gzip", "-6", source], check=True)
            os.rename(source + ".gz", path)
        else:
            with open(path, "wb") as f:
                f.write(data)
        if expect == "ok":
            # Cross-check with the real tool, so a vector never encodes our own mistake.
            tool = ["gzip", "-dc"] if comp == "gzip" else ["zstd", "-dcq"]
            with open(path, "rb") as f:
                decoded = run(tool, f.read())
            if decoded != uncompressed:
                sys.exit(f"{' '.join(tool)} disagrees on {name}")
            size, digest = str(len(uncompressed)), coreutils_digest("sha256", uncompressed)
        else:
            # The real tool must refuse it too (gzip exits 2 for "trailing garbage ignored").
            tool = ["gzip", "-t"] if comp == "gzip" else ["zstd", "-tq"]
            with open(path, "rb") as f:
                refused = subprocess.run(tool, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            # gzip(1) silently skips trailing zeros; Go's reader (containerd, Docker) and
            # manifold refuse them, since they change nothing the digest can see.
            if refused == 0 and name not in ("gzip-trailing-zeros.gz", "gzip-trailing-one-byte.gz"):
                sys.exit(f"{' '.join(tool)} accepts {name}, expected {expect}")
            size, digest = "-", "-"
        rows.append(f"{name}\t{comp}\t{expect}\t{size}\t{digest}\t{what}")
    with open(os.path.join(COMP_DIR, "cases.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")

# ---------------------------------------------------------------- the demo's sample layer

def write_sample_layer():
    """A small, deterministic layer (tar, mtime 0, uid/gid 0, sorted) gzipped with gzip -n."""
    import io, tarfile
    sample_dir = os.path.join(ROOT, "sample")
    os.makedirs(sample_dir, exist_ok=True)
    files = {
        "app/": None,
        "app/hello.sh": b"#!/bin/sh\necho 'hello from a manifold sample layer'\n",
        "app/words.txt": text_payload(1500),
        "etc/": None,
        "etc/manifold-sample.conf": b"# written by Vectors/generate.py\nplatform = linux/amd64\n",
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(files):
            data = files[name]
            info = tarfile.TarInfo(name.rstrip("/"))
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.size, info.mode = len(data), 0o755 if name.endswith(".sh") else 0o644
                tar.addfile(info, io.BytesIO(data))
    layer = buffer.getvalue()
    compressed = run(["gzip", "-n", "-9", "-c"], layer)
    with open(os.path.join(sample_dir, "layer.tar.gz"), "wb") as f:
        f.write(compressed)
    with open(os.path.join(sample_dir, "layer.digests"), "w") as f:
        f.write(f"digest\t{coreutils_digest('sha256', compressed)}\n")
        f.write(f"diff_id\t{coreutils_digest('sha256', layer)}\n")

# ---------------------------------------------------------------- small images

IMAGES_DIR = os.path.join(ROOT, "images")

def tar_bytes(files):
    """A deterministic USTAR tar of {name: bytes or None (directory) or ("link", target)}."""
    import io, tarfile
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in files:
            data = files[name]
            info = tarfile.TarInfo(name.rstrip("/"))
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            elif isinstance(data, tuple):
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, data[1], 0o777
                tar.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()

def js(value):
    """Compact JSON in insertion order, as Go writes structs."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()

def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()

def desc(media_type, data, **extra):
    d = {"mediaType": media_type, "digest": sha(data), "size": len(data)}
    d.update(extra)
    return d

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_TAR, OCI_GZIP, OCI_ZSTD = ("application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+gzip",
                               "application/vnd.oci.image.layer.v1.tar+zstd")
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

def layer_tar(platform, n):
    return tar_bytes({
        "etc/": None,
        f"etc/layer-{n}.conf": f"layer {n} for {platform}\n".encode(),
        "usr/": None,
        f"usr/share/doc-{n}.txt": text_payload(200 + 100 * n)[: 4000 + 1000 * n] + platform.encode(),
    })

def config_json(os_, arch, diff_ids, variant=None, media_docker=False):
    config = {"architecture": arch, "os": os_}
    if variant:
        config["variant"] = variant
    config["config"] = {"Env": ["PATH=/usr/bin"], "Cmd": ["/bin/sh"]}
    config["rootfs"] = {"type": "layers", "diff_ids": diff_ids}
    config["history"] = [{"created_by": "Vectors/generate.py"}]
    return js(config)

class Blobs:
    def __init__(self):
        self.blobs = {}
    def add(self, data):
        self.blobs[sha(data)] = data
        return data

def single_platform(blobs, os_, arch, variant=None, layers=2, compress="gzip", docker=False):
    """Adds one platform's layers, config and manifest to blobs; returns (manifest bytes, platform)."""
    platform = "/".join(p for p in (os_, arch, variant) if p)
    raw = [layer_tar(platform, n) for n in range(layers)]
    if compress == "gzip":
        stored = [run(["gzip", "-n", "-6", "-c"], r) for r in raw]
        media = DOCKER_GZIP if docker else OCI_GZIP
    elif compress == "zstd":
        stored = [run(["zstd", "-q", "-3", "-c"], r) for r in raw]
        media = OCI_ZSTD
    elif compress == "multi-member":
        stored = [run(["gzip", "-n", "-c"], r[: len(r) // 2]) + run(["gzip", "-n", "-c"], r[len(r) // 2:]) for r in raw]
        media = OCI_GZIP
    else:
        stored, media = raw, OCI_TAR
    for s in stored:
        blobs.add(s)
    config = blobs.add(config_json(os_, arch, [sha(r) for r in raw], variant))
    manifest = {"schemaVersion": 2, "mediaType": DOCKER_MANIFEST if docker else OCI_MANIFEST,
                "config": desc(DOCKER_CONFIG if docker else OCI_CONFIG, config),
                "layers": [desc(media, s) for s in stored]}
    manifest_bytes = blobs.add(js(manifest))
    entry_platform = {"architecture": arch, "os": os_}
    if variant:
        entry_platform["variant"] = variant
    return manifest_bytes, entry_platform

def layout_files(blobs, index):
    files = {"oci-layout": js({"imageLayoutVersion": "1.0.0"}), "index.json": js(index)}
    for digest in sorted(blobs.blobs):
        files["blobs/sha256/" + digest[7:]] = blobs.blobs[digest]
    return files

def write_layout(name, files):
    root = os.path.join(IMAGES_DIR, name)
    if os.path.isdir(root):
        shutil.rmtree(root)
    for path, data in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)

def write_tar(name, files):
    entries = {}
    for path in files:
        parts = path.split("/")
        for i in range(1, len(parts)):
            entries.setdefault("/".join(parts[:i]) + "/", None)
        entries[path] = files[path]
    with open(os.path.join(IMAGES_DIR, name), "wb") as f:
        f.write(tar_bytes(dict(sorted(entries.items()))))

def write_images():
    os.makedirs(IMAGES_DIR, exist_ok=True)
    rows = ["# image\tkind\tplatforms\tdescription"]

    # A nested index: index.json → index → amd64, arm64/v8 and an attestation manifest.
    blobs = Blobs()
    amd, amd_p = single_platform(blobs, "linux", "amd64")
    arm, arm_p = single_platform(blobs, "linux", "arm64", "v8")
    statement = blobs.add(js({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://spdx.dev/Document"}))
    att_config = blobs.add(config_json("unknown", "unknown", [sha(statement)]))
    attestation = blobs.add(js({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": desc(OCI_CONFIG, att_config),
                                "layers": [desc("application/vnd.in-toto+json", statement)]}))
    inner = blobs.add(js({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(OCI_MANIFEST, amd, platform=amd_p), desc(OCI_MANIFEST, arm, platform=arm_p),
        desc(OCI_MANIFEST, attestation, platform={"architecture": "unknown", "os": "unknown"},
             annotations={"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": sha(amd)})]}))
    write_layout("oci-nested-index", layout_files(blobs, {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(OCI_INDEX, inner, annotations={"org.opencontainers.image.ref.name": "latest"})]}))
    rows.append("oci-nested-index\toci-layout\tlinux/amd64,linux/arm64/v8,unknown/unknown\t"
                "index.json → an index → amd64, arm64/v8 and a buildx-style attestation manifest")

    # The base of the corruption tests: index.json lists two platforms directly, each tagged
    # (so skopeo can copy one by name: oci:DIR:amd64).
    blobs = Blobs()
    amd, amd_p = single_platform(blobs, "linux", "amd64")
    arm, arm_p = single_platform(blobs, "linux", "arm64", "v8")
    write_layout("oci-two-platforms", layout_files(blobs, {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(OCI_MANIFEST, amd, platform=amd_p, annotations={"org.opencontainers.image.ref.name": "amd64"}),
        desc(OCI_MANIFEST, arm, platform=arm_p, annotations={"org.opencontainers.image.ref.name": "arm64"})]}))
    rows.append("oci-two-platforms\toci-layout\tlinux/amd64,linux/arm64/v8\tindex.json lists two tagged platform manifests (the corruption tests' base)")

    # Docker media types: a manifest list of Docker schema 2 manifests.
    blobs = Blobs()
    amd, amd_p = single_platform(blobs, "linux", "amd64", docker=True)
    armv7, armv7_p = single_platform(blobs, "linux", "arm", "v7", docker=True)
    lst = blobs.add(js({"schemaVersion": 2, "mediaType": DOCKER_LIST, "manifests": [
        desc(DOCKER_MANIFEST, amd, platform=amd_p), desc(DOCKER_MANIFEST, armv7, platform=armv7_p)]}))
    write_layout("docker-media-types", layout_files(blobs, {"schemaVersion": 2, "manifests": [
        desc(DOCKER_LIST, lst, annotations={"org.opencontainers.image.ref.name": "latest"})]}))
    rows.append("docker-media-types\toci-layout\tlinux/amd64,linux/arm/v7\ta Docker manifest list, Docker manifests, configs and gzip layers")

    # zstd and multi-member gzip layers, and a plain tar layer.
    for name, compress, what in [("zstd-layers", "zstd", "tar+zstd layers"),
                                 ("multi-member-gzip", "multi-member", "tar+gzip layers of two gzip members each"),
                                 ("plain-layers", "plain", "uncompressed tar layers")]:
        blobs = Blobs()
        manifest, platform = single_platform(blobs, "linux", "amd64", compress=compress)
        write_layout(name, layout_files(blobs, {"schemaVersion": 2, "manifests": [
            desc(OCI_MANIFEST, manifest, platform=platform, annotations={"org.opencontainers.image.ref.name": "latest"})]}))
        rows.append(f"{name}\toci-layout\tlinux/amd64\t{what}")

    # A Windows-style image whose base layer is foreign: listed with urls, absent.
    blobs = Blobs()
    foreign_raw = layer_tar("windows/amd64", 9)
    foreign = run(["gzip", "-n", "-c"], foreign_raw)
    own_raw = layer_tar("windows/amd64", 1)
    own = blobs.add(run(["gzip", "-n", "-c"], own_raw))
    config = blobs.add(js({"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.1879",
                           "rootfs": {"type": "layers", "diff_ids": [sha(foreign_raw), sha(own_raw)]}}))
    manifest = blobs.add(js({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST, "config": desc(DOCKER_CONFIG, config),
                             "layers": [desc(DOCKER_FOREIGN, foreign, urls=["https://mcr.microsoft.com/v2/windows/servercore/blobs/" + sha(foreign)]),
                                        desc(DOCKER_GZIP, own)]}))
    write_layout("foreign-layer", layout_files(blobs, {"schemaVersion": 2, "manifests": [
        desc(DOCKER_MANIFEST, manifest, platform={"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.1879"})]}))
    rows.append("foreign-layer\toci-layout\twindows/amd64\ta Docker manifest whose first layer is foreign (urls, absent)")

    # docker save, Docker <= 24: <id>/layer.tar (uncompressed), <config hex>.json, a duplicate
    # layer written as a relative symlink.
    raw = [layer_tar("linux/amd64", 0), layer_tar("linux/amd64", 1)]
    layers_in_order = [raw[0], raw[1], raw[0]]          # the first layer repeats
    config = config_json("linux", "amd64", [sha(r) for r in layers_in_order])
    ids = [hashlib.sha256(b"layer-id-%d" % i).hexdigest() for i in range(3)]
    files = {
        ids[0] + "/VERSION": b"1.0", ids[0] + "/json": js({"id": ids[0]}), ids[0] + "/layer.tar": raw[0],
        ids[1] + "/VERSION": b"1.0", ids[1] + "/json": js({"id": ids[1], "parent": ids[0]}), ids[1] + "/layer.tar": raw[1],
        ids[2] + "/VERSION": b"1.0", ids[2] + "/json": js({"id": ids[2], "parent": ids[1]}),
        ids[2] + "/layer.tar": ("link", "../" + ids[0] + "/layer.tar"),
        sha(config)[7:] + ".json": config,
        "manifest.json": js([{"Config": sha(config)[7:] + ".json", "RepoTags": ["example/app:24"],
                              "Layers": [i + "/layer.tar" for i in ids]}]),
        "repositories": js({"example/app": {"24": ids[2]}}),
    }
    write_tar("docker-24.tar", files)
    rows.append("docker-24.tar\tdocker-archive\tlinux/amd64\tdocker save of Docker <= 24: <id>/layer.tar, a repeated layer as a symlink")

    # docker save, Docker 25+: manifest.json and an OCI layout, layers uncompressed.
    blobs = Blobs()
    manifest, platform = single_platform(blobs, "linux", "arm64", compress="plain")
    decoded = json.loads(manifest)
    files = layout_files(blobs, {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(OCI_MANIFEST, manifest, annotations={"io.containerd.image.name": "docker.io/example/app:25",
                                                 "org.opencontainers.image.ref.name": "25"})]})
    files["manifest.json"] = js([{"Config": "blobs/sha256/" + decoded["config"]["digest"][7:], "RepoTags": ["example/app:25"],
                                  "Layers": ["blobs/sha256/" + l["digest"][7:] for l in decoded["layers"]]}])
    files["repositories"] = js({"example/app": {"25": decoded["config"]["digest"][7:]}})
    write_tar("docker-25.tar", files)
    rows.append("docker-25.tar\tdocker-archive\tlinux/arm64\tdocker save of Docker 25+: manifest.json beside an OCI layout")

    # docker save from the containerd store: a multi-platform index, only amd64 present.
    blobs = Blobs()
    amd, amd_p = single_platform(blobs, "linux", "amd64")
    absent = Blobs()
    arm, arm_p = single_platform(absent, "linux", "arm64", "v8")
    lst = blobs.add(js({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(OCI_MANIFEST, amd, platform=amd_p), desc(OCI_MANIFEST, arm, platform=arm_p)]}))
    files = layout_files(blobs, {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(OCI_INDEX, lst, annotations={"io.containerd.image.name": "docker.io/example/app:sparse",
                                          "org.opencontainers.image.ref.name": "sparse"})]})
    decoded = json.loads(amd)
    files["manifest.json"] = js([{"Config": "blobs/sha256/" + decoded["config"]["digest"][7:], "RepoTags": ["example/app:sparse"],
                                  "Layers": ["blobs/sha256/" + l["digest"][7:] for l in decoded["layers"]]}])
    write_tar("containerd-sparse.tar", files)
    rows.append("containerd-sparse.tar\tdocker-archive\tlinux/amd64\tdocker save from the containerd store: a 2-platform index, arm64's blobs absent")

    with open(os.path.join(IMAGES_DIR, "images.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")

if __name__ == "__main__":
    for tool in ["gzip", "pigz", "zstd", "sha256sum", "sha512sum"]:
        need(tool)
    write_digests()
    write_compression()
    write_sample_layer()
    write_images()
    print("vectors written to Vectors/digest, Vectors/compression, Vectors/sample and Vectors/images")
