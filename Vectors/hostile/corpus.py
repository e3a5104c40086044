"""The hostile corpus: every way an image's author could try to make manifold say
"verified", crash, hang, exhaust memory or write where it should not, each with the exit
code and the words manifold must answer with.

Each case is built fresh in a temporary directory by `run.py` (most from a copy of
Vectors/images/oci-two-platforms, broken one way and re-chained up to index.json so that
only the intended break remains), because several cannot be committed as files: FIFOs,
symlinks pointing out of the repository, 100 MB of whitespace, decompression bombs.
`run.py --materialize DIR` writes them out for a look, or as fuzzing seeds.

CASES rows: (name, class, builder, [(command, args, exit, words)]), where args may use
{image} (what the builder returned), {out} (a fresh output path) and {dir} (the case's
directory), and words are substrings the combined stdout+stderr must contain (a word that
starts with `!`: must not contain).
"""
import gzip, hashlib, io, json, os, re, shutil, struct, tarfile, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(os.path.dirname(HERE), "images")
BASE = os.path.join(IMAGES, "oci-two-platforms")
AMD = "index.json › manifests[0] (linux/amd64)"
ARM = "index.json › manifests[1] (linux/arm64/v8)"

# ---------------------------------------------------------------- layout editing

class Layout:
    """A copy of the base image, editable the way an attacker would edit it."""
    def __init__(self, root, base=BASE):
        shutil.copytree(base, root, symlinks=True)
        self.root = root

    def blob(self, digest):
        return os.path.join(self.root, "blobs", "sha256", digest.split(":", 1)[1])

    def read(self, digest):
        with open(self.blob(digest), "rb") as f:
            return f.read()

    def index_json(self):
        with open(os.path.join(self.root, "index.json"), "rb") as f:
            return f.read()

    def write_index_json(self, data):
        with open(os.path.join(self.root, "index.json"), "wb") as f:
            f.write(data)

    def manifest_digest(self, entry):
        return json.loads(self.index_json())["manifests"][entry]["digest"]

    def manifest(self, entry):
        return json.loads(self.read(self.manifest_digest(entry)))

    def config_digest(self, entry):
        return self.manifest(entry)["config"]["digest"]

    def layer_digest(self, entry, layer):
        return self.manifest(entry)["layers"][layer]["digest"]

    def add(self, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        with open(self.blob(digest), "wb") as f:
            f.write(data)
        return digest

    def replace(self, digest, data):
        """Stores `data` as a new blob and points every parent at it (re-chaining up to
        index.json), so the only break left is the one in `data`."""
        old_size = os.path.getsize(self.blob(digest))
        new = self.add(data)
        self.repoint(digest, old_size, new, len(data))
        return new

    def repoint(self, old, old_size, new, new_size, new_text=None):
        needle = f'"{old}","size":{old_size}'.encode()
        replacement = new_text or f'"{new}","size":{new_size}'.encode()
        index = self.index_json()
        if needle in index:
            self.write_index_json(index.replace(needle, replacement))
        directory = os.path.join(self.root, "blobs", "sha256")
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if "sha256:" + name == new or not os.path.isfile(path) or os.path.islink(path) or os.path.getsize(path) > 1 << 20:
                continue
            with open(path, "rb") as f:
                text = f.read()
            if needle in text:
                self.replace("sha256:" + name, text.replace(needle, replacement))

    def edit(self, digest, transform):
        return self.replace(digest, transform(self.read(digest)))

    def set_descriptor(self, digest, text):
        """Rewrites the descriptor text `"<digest>","size":N` of `digest` in its parents."""
        self.repoint(digest, os.path.getsize(self.blob(digest)), None, None, new_text=text.encode())

def replace_once(old, new):
    def transform(data):
        assert old in data, old
        return data.replace(old, new, 1)
    return transform

# ---------------------------------------------------------------- content helpers

def tar_of(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()

def gz(data):
    return gzip.compress(data, mtime=0)

def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()

def set_layer(layout, entry, layer, stored, media_type=None, diff_id=None):
    """Replaces a layer's bytes, fixing the config's diff_id and the manifest's descriptor
    (so only what the caller intends is wrong)."""
    manifest = layout.manifest(entry)
    old = manifest["layers"][layer]
    config = json.loads(layout.read(manifest["config"]["digest"]))
    if diff_id is not None:
        config["rootfs"]["diff_ids"][layer] = diff_id
    new_config = json.dumps(config, separators=(",", ":")).encode()
    layout.add(stored)
    manifest["layers"][layer] = {"mediaType": media_type or old["mediaType"], "digest": sha(stored), "size": len(stored)}
    manifest["config"] = {"mediaType": manifest["config"]["mediaType"], "digest": layout.add(new_config), "size": len(new_config)}
    layout.replace(layout.manifest_digest(entry), json.dumps(manifest, separators=(",", ":")).encode())

def gzip_bomb(path, gib):
    """A gzip stream inflating to `gib` GiB of zeros: one member of 64 MiB, repeated."""
    member = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = member.compress(bytes(64 << 20)) + member.flush()
    with open(path, "wb") as f:
        for _ in range(gib * 16):
            f.write(chunk)

def zstd_bomb(path, gib):
    """A zstd stream of `gib` GiB of zeros: one 64 MiB frame of RLE blocks, repeated. Each
    block is 3 header bytes and 1 byte to repeat; the frame declares an 8 MiB window."""
    blocks = bytearray()
    count = (64 << 20) // (128 << 10)
    for i in range(count):
        last = 1 if i == count - 1 else 0
        blocks += ((128 << 10) << 3 | 1 << 1 | last).to_bytes(3, "little") + b"\x00"
    frame = b"\x28\xb5\x2f\xfd" + bytes([0x00, (23 - 10) << 3]) + bytes(blocks)
    with open(path, "wb") as f:
        for _ in range(gib * 16):
            f.write(frame)

def bomb_image(root, kind, gib):
    layout = Layout(root)
    bomb = os.path.join(root, "bomb")
    (gzip_bomb if kind == "gzip" else zstd_bomb)(bomb, gib)
    with open(bomb, "rb") as f:
        digest = "sha256:" + hashlib.file_digest(f, "sha256").hexdigest()
    size = os.path.getsize(bomb)
    os.rename(bomb, layout.blob(digest))
    manifest = layout.manifest(0)
    media = "application/vnd.oci.image.layer.v1.tar+" + kind
    manifest["layers"][0] = {"mediaType": media, "digest": digest, "size": size}
    layout.replace(layout.manifest_digest(0), json.dumps(manifest, separators=(",", ":")).encode())
    return root

# ---------------------------------------------------------------- docker-save tars

def docker_save(root, mutate):
    """A Docker <= 24 style save of one small image, its member list changed by `mutate`
    (a function of a list of (TarInfo, bytes))."""
    layers = [tar_of({"etc/a": b"first layer\n"}), tar_of({"etc/b": b"second layer\n"})]
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": [sha(l) for l in layers]}}).encode()
    config_name = sha(config)[7:] + ".json"
    members = []
    def file(name, data, **extra):
        info = tarfile.TarInfo(name)
        info.size, info.mtime = len(data), 0
        for key, value in extra.items():
            setattr(info, key, value)
        members.append((info, data))
    file(config_name, config)
    file("aaaa/layer.tar", layers[0])
    file("bbbb/layer.tar", layers[1])
    manifest = [{"Config": config_name, "RepoTags": ["hostile/app:1"], "Layers": ["aaaa/layer.tar", "bbbb/layer.tar"]}]
    file("manifest.json", json.dumps(manifest).encode())
    mutate(members, file)
    return write_tar(os.path.join(root, "save.tar"), members)

def write_tar(path, members, format=tarfile.USTAR_FORMAT):
    """Writes (TarInfo, bytes) members, in their order, as the tar at `path`."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tarfile.open(path, "w", format=format) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return path

def set_docker_manifest(members, file, layers):
    for i, (info, data) in enumerate(members):
        if info.name == "manifest.json":
            manifest = json.loads(data)
            manifest[0]["Layers"] = layers
            members.pop(i)
            file("manifest.json", json.dumps(manifest).encode())
            return

def link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mtime = kind, target, 0
    return (info, b"")

def drop(members, name):
    members[:] = [(i, d) for i, d in members if i.name != name]

# ---------------------------------------------------------------- builders

def layout_case(edit):
    def build(root):
        layout = Layout(root)
        edit(layout)
        return root
    return build

def bad_layer_digest(text):
    def edit(layout):
        layer = layout.layer_digest(0, 0)
        layout.edit(layout.manifest_digest(0), replace_once(f'"digest":"{layer}"'.encode(), f'"digest":"{text}"'.encode()))
    return edit

def entry_size(entry, size):
    def edit(layout):
        digest = layout.manifest_digest(entry)
        old = os.path.getsize(layout.blob(digest))
        layout.write_index_json(layout.index_json().replace(f'"{digest}","size":{old}'.encode(), f'"{digest}","size":{size}'.encode()))
    return edit

def layer_size(size):
    def edit(layout):
        layer = layout.layer_digest(0, 1)
        old = os.path.getsize(layout.blob(layer))
        layout.edit(layout.manifest_digest(0), replace_once(f'"{layer}","size":{old}'.encode(), f'"{layer}","size":{size}'.encode()))
    return edit

def manifest_text(transform, entry=1):
    return lambda layout: layout.edit(layout.manifest_digest(entry), transform)

def config_text(transform, entry=0):
    return lambda layout: layout.edit(layout.config_digest(entry), transform)

def symlink_blob(target_of):
    def edit(layout):
        path = layout.blob(layout.layer_digest(0, 0))
        target = target_of(layout, path)
        os.remove(path)
        os.symlink(target, path)
    return edit

def special_blob(make):
    def edit(layout):
        path = layout.blob(layout.layer_digest(1, 0))
        os.remove(path)
        make(path)
    return edit

def blobs_dir_symlink(layout):
    directory = os.path.join(layout.root, "blobs", "sha256")
    moved = layout.root + "-real-blobs"
    shutil.move(directory, moved)
    os.symlink(moved, directory)

def embedded_data(data_text):
    def edit(layout):
        config = layout.config_digest(1)
        size = os.path.getsize(layout.blob(config))
        layout.edit(layout.manifest_digest(1), replace_once(f'"{config}","size":{size}'.encode(),
                                                             f'"{config}","size":{size},"data":"{data_text(layout, config)}"'.encode()))
    return edit

def layer_content(make):
    """Replaces amd64's layer 1 with `make(raw_tar) -> (stored, media, diff_id)`."""
    def edit(layout):
        raw = tar_of({"etc/hostile": b"hostile layer\n" * 50})
        stored, media, diff_id = make(raw)
        set_layer(layout, 0, 1, stored, media, diff_id)
    return edit

def gzip_with(raw, crc=None, isize=None, cut=None, trailer=b""):
    body = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = body.compress(raw) + body.flush()
    data = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + deflated + struct.pack(
        "<II", zlib.crc32(raw) if crc is None else crc, len(raw) if isize is None else isize)
    return (data[:cut] if cut else data) + trailer

def zstd_frame(raw, window_log=20):
    """One zstd frame holding `raw` as a single raw block (up to 128 KiB)."""
    return b"\x28\xb5\x2f\xfd\x00" + bytes([(window_log - 10) << 3]) + ((len(raw) << 3) | 1).to_bytes(3, "little") + raw

def zstd_window(raw):
    return b"\x28\xb5\x2f\xfd\x00" + bytes([(31 - 10) << 3]) + ((len(raw) << 3) | 1).to_bytes(3, "little") + raw

def foreign(url):
    def edit(layout):
        layer = layout.layer_digest(0, 0)
        size = os.path.getsize(layout.blob(layer))
        layout.edit(layout.manifest_digest(0), replace_once(
            f'"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{layer}","size":{size}'.encode(),
            f'"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":"{layer}","size":{size},"urls":["{url}"]'.encode()))
        os.remove(layout.blob(layer))
    return edit

def whole_index_json(data):
    return layout_case(lambda layout: layout.write_index_json(data))

def existing_output(kind):
    """For the pack cases: an OUT already there (a file, a symlink, a directory whose blob
    path is a symlink), plus a file outside OUT that must stay untouched."""
    def build(root):
        os.makedirs(root)
        outside = os.path.join(root, "outside.txt")
        with open(outside, "w") as f:
            f.write("untouched\n")
        out = os.path.join(root, "out")
        if kind == "file":
            with open(out, "w") as f:
                f.write("previous output\n")
        elif kind == "symlink":
            os.symlink(outside, out)
        elif kind == "user-dir":
            os.makedirs(out)
            with open(os.path.join(out, "important.txt"), "w") as f:
                f.write("keep\n")
        elif kind == "layout-plus-user-file":
            shutil.copytree(os.path.join(IMAGES, "zstd-layers"), out)
            with open(os.path.join(out, "notes.txt"), "w") as f:
                f.write("keep\n")
        elif kind == "blob-symlink":
            shutil.copytree(os.path.join(IMAGES, "zstd-layers"), out)
            blobs = os.path.join(out, "blobs", "sha256")
            victim = sorted(os.listdir(blobs))[0]
            os.remove(os.path.join(blobs, victim))
            os.symlink(outside, os.path.join(blobs, victim))
        return out
    return build

def failing_second_input(root):
    build = existing_output("file")
    out = build(root)
    broken = Layout(os.path.join(root, "broken"))
    layer = broken.layer_digest(1, 1)
    with open(broken.blob(layer), "r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 1]))
    return out

# ---------------------------------------------------------------- the cases

V, I, P = "verify", "inspect", "pack"
PACK_IN = ["{image}"]

CASES = [
    # digests
    ("digest-path-traversal", "digests", layout_case(bad_layer_digest("sha256:../../etc/passwd")),
     [(V, ["{image}"], 1, ["invalid digest", "layers[0]", AMD]), (I, ["{image}:amd64"], 1, ["invalid digest"]), (P, PACK_IN, 1, ["invalid digest"])]),
    ("digest-empty", "digests", layout_case(bad_layer_digest("")), [(V, ["{image}"], 1, ["invalid digest", AMD])]),
    ("digest-no-encoded", "digests", layout_case(bad_layer_digest("sha256:")), [(V, ["{image}"], 1, ["invalid digest"])]),
    ("digest-no-algorithm", "digests", layout_case(bad_layer_digest(":abc")), [(V, ["{image}"], 1, ["invalid digest"])]),
    ("digest-uppercase", "digests", layout_case(bad_layer_digest("sha256:" + "A" * 64)), [(V, ["{image}"], 1, ["64 lowercase hex"])]),
    ("digest-wrong-length", "digests", layout_case(bad_layer_digest("sha512:" + "a" * 64)), [(V, ["{image}"], 1, ["128 lowercase hex"])]),
    ("digest-unregistered-algorithm", "digests", layout_case(bad_layer_digest("blake9:" + "a" * 64)),
     [(V, ["{image}"], 1, ["cannot be computed", "unverified"]), (P, PACK_IN, 2, ["cannot be computed"]),
      (I, ["{image}:amd64"], 0, ["blake9:"])]),
    ("digest-in-index-json", "digests", whole_index_json(b'{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../etc/passwd","size":1}]}'),
     [(V, ["{image}"], 2, ["invalid digest"]), (I, ["{image}"], 2, ["invalid digest"])]),

    # layout structure
    ("layout-no-oci-layout", "layout", layout_case(lambda l: os.remove(os.path.join(l.root, "oci-layout"))),
     [(V, ["{image}"], 2, ["without an oci-layout"]), (I, ["{image}"], 2, ["oci-layout"])]),
    ("layout-malformed-oci-layout", "layout", layout_case(lambda l: open(os.path.join(l.root, "oci-layout"), "w").write("{nope")),
     [(V, ["{image}"], 2, ["oci-layout is malformed"])]),
    ("layout-version-2", "layout", layout_case(lambda l: open(os.path.join(l.root, "oci-layout"), "w").write('{"imageLayoutVersion":"2.0.0"}')),
     [(V, ["{image}"], 2, ["imageLayoutVersion"])]),
    ("layout-no-index-json", "layout", layout_case(lambda l: os.remove(os.path.join(l.root, "index.json"))),
     [(V, ["{image}"], 2, ["no index.json"]), (I, ["{image}"], 2, ["no index.json"]), (P, PACK_IN, 2, ["no index.json"])]),
    ("layout-malformed-index-json", "layout", whole_index_json(b'{"schemaVersion":2,"manifests":[}'),
     [(V, ["{image}"], 2, ["invalid JSON"]), (I, ["{image}"], 2, ["invalid JSON"])]),
    ("layout-manifests-null", "layout", whole_index_json(b'{"schemaVersion":2,"manifests":null}'),
     [(V, ["{image}"], 2, ["got null"]), (I, ["{image}"], 2, ["got null"])]),
    ("layout-index-schema-1", "layout", whole_index_json(b'{"schemaVersion":1,"manifests":[]}'), [(V, ["{image}"], 2, ["schema 1"])]),
    ("layout-index-no-schema", "layout", whole_index_json(b'{"manifests":[]}'), [(V, ["{image}"], 2, ["schemaVersion is missing"])]),
    ("layout-manifest-schema-1", "layout", layout_case(manifest_text(replace_once(b'"schemaVersion":2', b'"schemaVersion":1'))),
     [(V, ["{image}"], 1, ["schema 1", ARM])]),
    ("layout-manifest-no-schema", "layout", layout_case(manifest_text(replace_once(b'"schemaVersion":2,', b''))),
     [(V, ["{image}"], 1, ["schemaVersion is missing", ARM])]),
    ("layout-blob-symlink-inside", "layout", layout_case(symlink_blob(lambda l, p: os.path.basename(l.blob(l.layer_digest(1, 0))))),
     [(V, ["{image}"], 1, ["symbolic link", AMD + " › layers[0]"]), (P, PACK_IN, 2, ["symbolic link"])]),
    ("layout-blob-symlink-outside", "layout", layout_case(symlink_blob(lambda l, p: "/etc/passwd")),
     [(V, ["{image}"], 1, ["symbolic link", AMD + " › layers[0]"]), (P, PACK_IN, 2, ["symbolic link"])]),
    ("layout-blob-fifo", "layout", layout_case(special_blob(os.mkfifo)),
     [(V, ["{image}"], 1, ["a FIFO, not a regular file", ARM + " › layers[0]"]), (P, PACK_IN, 2, ["FIFO"])]),
    ("layout-blob-directory", "layout", layout_case(special_blob(os.mkdir)),
     [(V, ["{image}"], 1, ["a directory, not a regular file", ARM + " › layers[0]"])]),
    ("layout-blobs-dir-symlink", "layout", layout_case(blobs_dir_symlink),
     [(V, ["{image}"], 1, ["blobs/sha256 is a symbolic link"]), (I, ["{image}"], 2, ["symbolic link"])]),

    # sizes
    ("size-smaller", "sizes", layout_case(layer_size(10)), [(V, ["{image}"], 1, ["size mismatch: expected 10 bytes", AMD + " › layers[1]"]), (P, PACK_IN, 1, ["size mismatch"])]),
    ("size-larger", "sizes", layout_case(layer_size(100000)), [(V, ["{image}"], 1, ["size mismatch: expected 100000 bytes"])]),
    ("size-negative", "sizes", layout_case(layer_size(-1)), [(V, ["{image}"], 1, ["is negative", AMD])]),
    # inspect's summary adds declared sizes: Int64.max each must not overflow (it trapped).
    ("size-max-int64", "sizes", layout_case(layer_size(2**63 - 1)),
     [(V, ["{image}"], 1, ["size mismatch: expected 9223372036854775807"]),
      (I, ["--tree", "{image}"], 0, ["TB of config and layers"]),
      (P, ["-o", "{out}", "{image}"], 1, ["size mismatch: expected 9223372036854775807 bytes"])]),
    ("size-2-to-the-63", "sizes", layout_case(layer_size(2**63)), [(V, ["{image}"], 1, ["64-bit range"])]),
    ("size-manifest-near-2-63", "sizes", layout_case(entry_size(0, 2**63 - 2)), [(V, ["{image}"], 1, ["document limit; not read"])]),
    ("size-document-over-cap", "sizes", layout_case(manifest_text(lambda d: d[:-1] + b" " * (5 << 20) + b"}")),
     [(V, ["{image}"], 1, ["above the 4194304-byte document limit"]),
      (V, ["--max-document-size", "8388608", "{image}"], 0, ["verified"])]),
    ("size-100mb-whitespace-index-json", "sizes", whole_index_json(b" " * (100 << 20) + b"{}"),
     [(V, ["{image}"], 2, ["above the 4194304-byte limit"]), (I, ["{image}"], 2, ["4194304"])]),
    ("size-100mb-whitespace-manifest", "sizes", layout_case(manifest_text(lambda d: b" " * (100 << 20) + d)),
     [(V, ["{image}"], 1, ["document limit; not read"])]),
    ("size-million-deep-index-json", "sizes", whole_index_json(b"[" * 1_000_000 + b"]" * 1_000_000),
     [(V, ["{image}"], 2, ["nested deeper than 64"]), (I, ["{image}"], 2, ["nested deeper"])]),
    ("size-million-deep-manifest", "sizes", layout_case(manifest_text(lambda d: b"[" * 1_000_000 + b"]" * 1_000_000)),
     [(V, ["{image}"], 1, ["nested deeper than 64", ARM])]),

    # documents
    ("doc-ambiguous-manifest", "documents", layout_case(manifest_text(replace_once(b"{", b'{"manifests":[],'))),
     [(V, ["{image}"], 1, ["ambiguous", ARM]), (I, ["{image}:arm64"], 1, ["ambiguous"]), (P, PACK_IN, 1, ["ambiguous"])]),
    ("doc-ambiguous-index", "documents", None, [(V, ["{image}"], 1, ["ambiguous between an index and a manifest"])]),
    ("doc-media-type-mismatch", "documents", layout_case(manifest_text(replace_once(b"application/vnd.oci.image.manifest.v1+json", b"application/vnd.docker.distribution.manifest.v2+json"))),
     [(V, ["{image}"], 1, ["differs from the descriptor", ARM])]),
    ("doc-MediaType-key", "documents", layout_case(manifest_text(replace_once(b'"mediaType":"application/vnd.oci.image.manifest', b'"MediaType":"application/vnd.oci.image.manifest'))),
     [(V, ["{image}"], 1, ["only in case", ARM])]),
    ("doc-Layers-key", "documents", layout_case(manifest_text(replace_once(b'"layers":', b'"Layers":'))),
     [(V, ["{image}"], 1, ["only in case", ARM]), (P, PACK_IN, 1, ["only in case"])]),
    ("doc-duplicate-key", "documents", layout_case(manifest_text(replace_once(b"{", b'{"schemaVersion":2,'))),
     [(V, ["{image}"], 1, ["duplicate key", ARM])]),
    ("doc-invalid-utf8", "documents", layout_case(config_text(replace_once(b'"os":"linux"', b'"os":"lin\xc0\xafux"'))),
     [(V, ["{image}"], 1, ["invalid UTF-8", AMD + " › config"])]),
    ("doc-bom", "documents", layout_case(manifest_text(lambda d: b"\xef\xbb\xbf" + d)), [(V, ["{image}"], 1, ["byte-order mark", ARM])]),
    ("doc-docker-schema-1", "documents", None, [(V, ["{image}"], 1, ["schema 1 manifests are not supported"])]),
    ("doc-rootfs-type", "documents", layout_case(config_text(replace_once(b'"type":"layers"', b'"type":"snapshot"'))),
     [(V, ["{image}"], 1, ['rootfs.type is "snapshot"', AMD + " › config"])]),
    ("doc-diff-ids-above", "documents", layout_case(config_text(lambda d: re.sub(rb'("diff_ids":\[)', rb'\1"sha256:' + b"0" * 64 + b'",', d))),
     [(V, ["{image}"], 1, ["3 diff_ids for 2 layers"])]),
    ("doc-diff-ids-below", "documents", layout_case(config_text(lambda d: re.sub(rb',"sha256:[0-9a-f]{64}"\]', b"]", d))),
     [(V, ["{image}"], 1, ["1 diff_id for 2 layers"]), (P, PACK_IN, 1, ["1 diff_id for 2 layers"])]),
    ("doc-bad-base64-data", "documents", layout_case(embedded_data(lambda l, c: "not base64!")), [(V, ["{image}"], 1, ["not valid base64", ARM])]),
    ("doc-data-disagrees", "documents", layout_case(embedded_data(lambda l, c: "aGVsbG8=")), [(V, ["{image}"], 1, ["embedded data does not match", ARM])]),

    # compression
    ("gzip-truncated", "compression", layout_case(layer_content(lambda raw: (gzip_with(raw, cut=60), None, sha(raw)))),
     [(V, ["{image}"], 1, ["truncated gzip stream", AMD + " › layers[1]"])]),
    ("gzip-bad-crc", "compression", layout_case(layer_content(lambda raw: (gzip_with(raw, crc=1), None, sha(raw)))),
     [(V, ["{image}"], 1, ["CRC-32 mismatch"])]),
    ("gzip-bad-isize", "compression", layout_case(layer_content(lambda raw: (gzip_with(raw, isize=3), None, sha(raw)))),
     [(V, ["{image}"], 1, ["ISIZE mismatch"])]),
    ("gzip-trailing-garbage", "compression", layout_case(layer_content(lambda raw: (gzip_with(raw, trailer=b"GARBAGE"), None, sha(raw)))),
     [(V, ["{image}"], 1, ["trailing data"])]),
    ("gzip-type-zstd-content", "compression", layout_case(layer_content(lambda raw: (zstd_frame(raw), None, sha(raw)))),
     [(V, ["{image}"], 1, ["content is zstd but declared gzip"])]),
    ("gzip-type-plain-content", "compression", layout_case(layer_content(lambda raw: (raw, None, sha(raw)))),
     [(V, ["{image}"], 1, ["content is not compressed but declared gzip"])]),
    ("zstd-huge-window", "compression", layout_case(layer_content(lambda raw: (zstd_window(raw), "application/vnd.oci.image.layer.v1.tar+zstd", sha(raw)))),
     [(V, ["{image}"], 1, ["window larger than the 128 MiB limit"])]),
    ("bytes-after-tar-end-marker-counted", "compression", layout_case(layer_content(lambda raw: (gz(raw + b"\0" * 1024 + b"HIDDEN"), None, sha(raw + b"\0" * 1024 + b"HIDDEN")))),
     [(V, ["{image}"], 0, ["verified"])]),
    ("bytes-after-tar-end-marker-not-skipped", "compression", layout_case(layer_content(lambda raw: (gz(raw + b"HIDDEN" * 100), None, sha(raw)))),
     [(V, ["{image}"], 1, ["diff_id mismatch", AMD + " › layers[1]"])]),
    ("bomb-gzip-20gib", "compression", lambda root: bomb_image(root, "gzip", 20),
     [(V, ["--max-layer-size", "1073741824", "{image}"], 1, ["exceeds the limit of 1073741824 bytes", AMD + " › layers[0]"])]),
    ("bomb-zstd-20gib", "compression", lambda root: bomb_image(root, "zstd", 20),
     [(V, ["--max-layer-size", "1073741824", "{image}"], 1, ["exceeds the limit of 1073741824 bytes", AMD + " › layers[0]"])]),

    # docker-save tars
    ("docker-layer-path-dotdot", "docker-save", lambda root: docker_save(root, lambda m, f: set_docker_manifest(m, f, ["../../etc/passwd", "bbbb/layer.tar"])),
     [(V, ["{image}"], 1, ["leaves the image", "Layers[0]"]), (P, PACK_IN, 2, ["leaves the image"])]),
    ("docker-layer-path-absolute", "docker-save", lambda root: docker_save(root, lambda m, f: set_docker_manifest(m, f, ["/etc/passwd", "bbbb/layer.tar"])),
     [(V, ["{image}"], 1, ["leaves the image"])]),
    ("docker-duplicate-entries", "docker-save", lambda root: docker_save(root, lambda m, f: f("aaaa/layer.tar", b"different bytes")),
     [(V, ["{image}"], 2, ["ambiguous archive", "aaaa/layer.tar"]), (I, ["{image}"], 2, ["ambiguous archive"]), (P, PACK_IN, 2, ["ambiguous"])]),
    ("docker-symlink-cycle", "docker-save", lambda root: docker_save(root, lambda m, f: (drop(m, "aaaa/layer.tar"), m.append(link("aaaa/layer.tar", "../cccc/layer.tar")), m.append(link("cccc/layer.tar", "../aaaa/layer.tar")))),
     [(V, ["{image}"], 1, ["link loop"]), (P, PACK_IN, 2, ["link loop"])]),
    ("docker-dangling-link", "docker-save", lambda root: docker_save(root, lambda m, f: (drop(m, "aaaa/layer.tar"), m.append(link("aaaa/layer.tar", "../nowhere/layer.tar")))),
     [(V, ["{image}"], 1, ["not in the archive"])]),
    ("docker-link-leaves-archive", "docker-save", lambda root: docker_save(root, lambda m, f: (drop(m, "aaaa/layer.tar"), m.append(link("aaaa/layer.tar", "../../../etc/passwd")))),
     [(V, ["{image}"], 1, ["outside the archive"])]),
    ("docker-hard-link", "docker-save", lambda root: docker_save(root, lambda m, f: (set_docker_manifest(m, f, ["aaaa/layer.tar", "bbbb/layer.tar", "dddd/layer.tar"]), m.append(link("dddd/layer.tar", "aaaa/layer.tar", tarfile.LNKTYPE)), _fix_three(m, f))),
     [(V, ["{image}"], 0, ["verified"])]),
    ("docker-dot-slash-names", "docker-save", lambda root: docker_save(root, lambda m, f: [setattr(i, "name", "./" + i.name) for i, _ in m]),
     [(V, ["{image}"], 0, ["verified"]), (I, ["{image}"], 0, ["schemaVersion"])]),

    # foreign layers
    ("foreign-file-url", "foreign", layout_case(foreign("file:///etc/shadow")),
     [(V, ["{image}"], 0, ["unverified (foreign)", "not fetched"]), (P, PACK_IN, 0, ["listed, not copied"])]),
    ("foreign-metadata-url", "foreign", layout_case(foreign("http://169.254.169.254/latest/meta-data/")),
     [(V, ["{image}"], 0, ["unverified (foreign)", "not fetched", "169.254.169.254"])]),

    # pack outputs
    ("pack-out-exists", "pack", existing_output("file"),
     [(P, ["-o", "{image}", BASE], 2, ["exists; give --force"])]),
    ("pack-out-symlink", "pack", existing_output("symlink"),
     [(P, ["-o", "{image}", BASE], 2, ["exists; give --force"]), (P, ["--force", "-o", "{image}", BASE], 0, ["packed"])]),
    ("pack-out-blob-symlink", "pack", existing_output("blob-symlink"),
     [(P, ["--force", "--format", "dir", "-o", "{image}", BASE], 0, ["packed"])]),
    ("pack-force-user-dir", "pack", existing_output("user-dir"),
     [(P, ["--force", "-o", "{image}", BASE], 2, ["no oci-layout file", "--force replaces only an OCI layout directory"]),
      (P, ["--force", "-o", "{image}", "--format", "tar", BASE], 2, ["it is a directory"])]),
    ("pack-force-layout-plus-user-file", "pack", existing_output("layout-plus-user-file"),
     [(P, ["--force", "-o", "{image}", BASE], 2, ['"notes.txt"', "not part of an OCI layout"])]),
    ("pack-failing-input", "pack", failing_second_input,
     [(P, ["--force", "--format", "tar", "-o", "{image}", os.path.join(IMAGES, "docker-24.tar"), "{dir}/case/broken:arm64"], 1, ["digest mismatch", "layers[1]"])]),
]

def _fix_three(members, file):
    """docker-hard-link: the config must list three diff_ids for three layers."""
    for i, (info, data) in enumerate(members):
        if info.name.endswith(".json") and info.name != "manifest.json":
            config = json.loads(data)
            config["rootfs"]["diff_ids"].append(config["rootfs"]["diff_ids"][0])
            new = json.dumps(config).encode()
            name = sha(new)[7:] + ".json"
            members.pop(i)
            file(name, new)
            for j, (minfo, mdata) in enumerate(members):
                if minfo.name == "manifest.json":
                    manifest = json.loads(mdata)
                    manifest[0]["Config"] = name
                    members.pop(j)
                    file("manifest.json", json.dumps(manifest).encode())
                    return

def _ambiguous_index(root):
    """index.json → an index that also carries "layers"."""
    layout = Layout(root, os.path.join(IMAGES, "oci-nested-index"))
    inner = json.loads(layout.index_json())["manifests"][0]["digest"]
    layout.edit(inner, replace_once(b"{", b'{"layers":[],'))
    return root

def _schema1(root):
    layout = Layout(root)
    digest = layout.manifest_digest(1)
    layout.write_index_json(layout.index_json().replace(b'"application/vnd.oci.image.manifest.v1+json","digest":"' + digest.encode(),
                                                        b'"application/vnd.docker.distribution.manifest.v1+prettyjws","digest":"' + digest.encode()))
    return root

# ---------------------------------------------------------------- issue 8, items 5, 6 and 7
# Tar names that meet only after `..` is applied, platform claims, a symlinked blobs/ in an
# oci-archive, Docker 25+ saves whose two roots disagree, `urls` on a non-foreign layer.

def oci_archive(mutate, base=BASE):
    """An oci-archive of a copy of `base` (sorted members, directories first), its member
    list changed by `mutate(members, file)` as in `docker_save`."""
    def build(root):
        layout = Layout(os.path.join(root, "layout"), base)
        members = []
        def file(name, data, **extra):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            for key, value in extra.items():
                setattr(info, key, value)
            members.append((info, data))
        def directory(name):
            info = tarfile.TarInfo(name)
            info.type, info.mtime, info.mode = tarfile.DIRTYPE, 0, 0o755
            members.append((info, b""))
        directory("blobs")
        directory("blobs/sha256")
        for name in sorted(os.listdir(os.path.join(layout.root, "blobs", "sha256"))):
            with open(os.path.join(layout.root, "blobs", "sha256", name), "rb") as f:
                file("blobs/sha256/" + name, f.read())
        file("index.json", layout.index_json())
        with open(os.path.join(layout.root, "oci-layout"), "rb") as f:
            file("oci-layout", f.read())
        mutate(members, file)
        return write_tar(os.path.join(root, "image.tar"), members, tarfile.PAX_FORMAT)
    return build

def rename_members(old_prefix, new_prefix):
    """Moves members under `old_prefix` to `new_prefix` (a symlink is then put in their place)."""
    def mutate(members, file):
        for info, _ in members:
            if info.name == old_prefix or info.name.startswith(old_prefix + "/"):
                info.name = new_prefix + info.name[len(old_prefix):]
    return mutate

def _blob_member(members):
    return next(i.name for i, _ in members if i.name.startswith("blobs/sha256/"))

def docker25_save(mutate):
    """A copy of Vectors/images/docker-25.tar, its members changed by `mutate(members, file)`."""
    def build(root):
        os.makedirs(root, exist_ok=True)
        members = []
        with tarfile.open(os.path.join(IMAGES, "docker-25.tar")) as tar:
            for info in tar.getmembers():
                members.append((info, tar.extractfile(info).read() if info.isfile() else b""))
        def file(name, data):
            members[:] = [(i, d) for i, d in members if i.name != name]
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            members.append((info, data))
        mutate(members, file)
        return write_tar(os.path.join(root, "save.tar"), members)
    return build

def _member(members, name):
    return next(d for i, d in members if i.name == name)

def _other_image(members, file, architecture):
    """Adds a config that differs from docker-25's only in its architecture (same layers);
    returns its manifest.json Config path."""
    saved = json.loads(_member(members, "manifest.json"))[0]
    config = json.loads(_member(members, saved["Config"]))
    config["architecture"] = architecture
    data = json.dumps(config, separators=(",", ":")).encode()
    file("blobs/sha256/" + sha(data)[7:], data)
    return "blobs/sha256/" + sha(data)[7:]

def manifest_json_disagrees(members, file):
    """manifest.json gives example/app:25 another config than index.json's manifest has."""
    saved = json.loads(_member(members, "manifest.json"))
    saved[0]["Config"] = _other_image(members, file, "amd64")
    file("manifest.json", json.dumps(saved).encode())

def manifest_json_second_image(members, file):
    """manifest.json lists a second image (tag example/other:1) that index.json does not:
    its config and a layer only manifest.json references."""
    saved = json.loads(_member(members, "manifest.json"))
    layer = tar_of({"etc/only-in-manifest-json": b"only classic docker load sees this\n"})
    file("blobs/sha256/" + sha(layer)[7:], layer)
    config = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [sha(layer)]}}
    data = json.dumps(config, separators=(",", ":")).encode()
    file("blobs/sha256/" + sha(data)[7:], data)
    saved.append({"Config": "blobs/sha256/" + sha(data)[7:], "RepoTags": ["example/other:1"], "Layers": ["blobs/sha256/" + sha(layer)[7:]]})
    file("manifest.json", json.dumps(saved).encode())

def set_platforms(entry, index_platform, config_edit):
    """Index entry `entry` lists `index_platform`; its config is changed by `config_edit`
    (a function of the config's JSON value)."""
    def edit(layout):
        config = json.loads(layout.read(layout.config_digest(entry)))
        config_edit(config)
        layout.replace(layout.config_digest(entry), json.dumps(config, separators=(",", ":")).encode())
        index = json.loads(layout.index_json())
        index["manifests"][entry]["platform"] = index_platform
        layout.write_index_json(json.dumps(index, separators=(",", ":")).encode())
    return edit

def config_platform(architecture, variant=None):
    def change(config):
        config["architecture"] = architecture
        config.pop("variant", None)
        if variant:
            config["variant"] = variant
    return change

def urls_on_plain_layer(layout):
    layer = layout.layer_digest(0, 0)
    size = os.path.getsize(layout.blob(layer))
    layout.edit(layout.manifest_digest(0), replace_once(
        f'"digest":"{layer}","size":{size}'.encode(),
        f'"digest":"{layer}","size":{size},"urls":["https://example.com/layer"]'.encode()))
    os.remove(layout.blob(layer))

ARM_V6 = "index.json › manifests[1] (linux/arm/v6)"

CASES += [
    # item 5: member names that meet only after `..` is applied are refused outright; those
    # that meet through `.`, `//` or a trailing `/` are duplicates
    ("tar-dotdot-index-json", "tar-names", oci_archive(lambda m, f: f("zz/../index.json", b'{"schemaVersion":2,"manifests":[]}')),
     [(V, ["{image}"], 2, ["ambiguous archive", "zz/../index.json", '".." component']), (I, ["{image}"], 2, ["ambiguous archive"]),
      (P, PACK_IN, 2, ["ambiguous archive"])]),
    ("tar-dotdot-blob", "tar-names", oci_archive(lambda m, f: f("blobs/sha256/../sha256/" + _blob_member(m)[13:], b"other bytes")),
     [(V, ["{image}"], 2, ["ambiguous archive", "blobs/sha256/../sha256/"])]),
    ("tar-dotdot-leading", "tar-names", oci_archive(lambda m, f: f("../index.json", b"{}")),
     [(V, ["{image}"], 2, ["ambiguous archive", "../index.json"])]),
    ("tar-dotdot-docker-save", "tar-names", lambda root: docker_save(root, lambda m, f: f("aaaa/../manifest.json", b"[]")),
     [(V, ["{image}"], 2, ["ambiguous archive", "aaaa/../manifest.json"]), (I, ["{image}"], 2, ["ambiguous archive"])]),
    ("tar-dot-slash-duplicate", "tar-names", oci_archive(lambda m, f: f("./index.json", b'{"schemaVersion":2,"manifests":[]}')),
     [(V, ["{image}"], 2, ["ambiguous archive", '"index.json" appears twice'])]),
    ("tar-double-slash-duplicate", "tar-names", oci_archive(lambda m, f: f("blobs//sha256/" + _blob_member(m)[13:], b"other bytes")),
     [(V, ["{image}"], 2, ["ambiguous archive", "appears twice"])]),
    ("tar-trailing-slash-duplicate", "tar-names", oci_archive(lambda m, f: f("index.json/", b"")),
     [(V, ["{image}"], 2, ["ambiguous archive", '"index.json" appears twice'])]),

    # item 6: the config must not claim another platform than its index entry, after
    # containerd's normalization; a config silent on the variant takes the entry's
    ("platform-arm-v6-config-armhf", "platform", layout_case(set_platforms(1, {"architecture": "arm", "os": "linux", "variant": "v6"}, config_platform("armhf"))),
     [(V, ["{image}"], 1, ["platform mismatch", "linux/arm/v6", "linux/armhf (linux/arm/v7)", ARM_V6 + " › config"]),
      (P, PACK_IN, 1, ["platform mismatch", "linux/armhf (linux/arm/v7)"]), (I, ["{image}:arm64"], 0, ["platform mismatch"])]),
    ("platform-amd64-config-v3", "platform", layout_case(config_text(replace_once(b'"os":"linux"', b'"os":"linux","variant":"v3"'))),
     [(V, ["{image}"], 1, ["platform mismatch", "the index entry says linux/amd64, the config says linux/amd64/v3", AMD + " › config"]),
      (P, PACK_IN, 1, ["platform mismatch", "linux/amd64/v3"])]),
    ("platform-arm-v7-config-v6", "platform", layout_case(set_platforms(1, {"architecture": "arm", "os": "linux", "variant": "v7"}, config_platform("arm", "v6"))),
     [(V, ["{image}"], 1, ["platform mismatch", "linux/arm/v6"])]),
    ("platform-arm-config-armel", "platform", layout_case(set_platforms(1, {"architecture": "arm", "os": "linux"}, config_platform("armel"))),
     [(V, ["{image}"], 1, ["platform mismatch", "linux/armel (linux/arm/v6)"])]),
    ("platform-arm-v7-config-armhf", "platform", layout_case(set_platforms(1, {"architecture": "arm", "os": "linux", "variant": "v7"}, config_platform("armhf"))),
     [(V, ["{image}"], 0, ["verified"]), (P, PACK_IN, 0, ["packed"])]),
    ("platform-arm-v6-config-silent", "platform", layout_case(set_platforms(1, {"architecture": "arm", "os": "linux", "variant": "v6"}, config_platform("arm"))),
     [(V, ["{image}"], 0, ["verified"])]),
    ("platform-aarch64-config-arm64-v8", "platform", layout_case(set_platforms(1, {"architecture": "aarch64", "os": "linux"}, config_platform("arm64", "v8"))),
     [(V, ["{image}"], 0, ["verified"])]),

    # item 7a: an oci-archive's blobs/ or blobs/sha256 may not be a link, as in a layout directory
    ("archive-blobs-sha256-symlink", "layout", oci_archive(lambda m, f: (rename_members("blobs/sha256", "store")(m, f), m.append(link("blobs/sha256", "../store")))),
     [(V, ["{image}"], 1, ["blobs/sha256 is a symbolic link", AMD]), (I, ["{image}"], 2, ["symbolic link"]), (P, PACK_IN, 2, ["symbolic link"])]),
    ("archive-blobs-symlink", "layout", oci_archive(lambda m, f: (rename_members("blobs", "store")(m, f), m.append(link("blobs", "store")))),
     [(V, ["{image}"], 1, ["blobs is a symbolic link"]), (I, ["{image}"], 2, ["symbolic link"])]),
    ("archive-blobs-sha256-file", "layout", oci_archive(lambda m, f: (m.__setitem__(1, (m[1][0], b"")), setattr(m[1][0], "type", tarfile.REGTYPE))),
     [(V, ["{image}"], 1, ["blobs/sha256 is not a directory"])]),

    # item 7b: a Docker 25+ save must name one image per tag in manifest.json and index.json
    ("docker25-roots-disagree", "docker-save", docker25_save(manifest_json_disagrees),
     [(V, ["{image}"], 1, ["manifest.json and index.json name different images", "example/app:25", "docker.io/example/app:25", "manifest.json › [0] (example/app:25)"]),
      (I, ["{image}"], 1, ["name different images"]), (P, PACK_IN, 1, ["name different images"])]),

    # item 7c: `urls` do not make a non-foreign layer foreign: absent is absent
    ("urls-on-non-foreign-layer", "foreign", layout_case(urls_on_plain_layer),
     [(V, ["{image}"], 1, ["blob is absent", AMD + " › layers[0]"]), (P, PACK_IN, 1, ["is not in the input"]),
      (V, ["--allow-sparse", "{image}"], 0, ["--allow-sparse"])]),

    # item 7d: blobs only manifest.json references are referenced
    ("docker25-manifest-json-only-blobs", "docker-save", docker25_save(manifest_json_second_image),
     [(V, ["{image}"], 0, ["verified", "example/other:1", "!unreferenced"])]),
]

# ---------------------------------------------------------------- issue 14: schema rules
# The rules the image-spec's JSON schemas state, checked in the strict decoder: media type
# grammar (RFC 6838), urls as URIs (RFC 3986), typed config fields; empty layers is a note.

def _empty_layers(layout):
    """arm64's manifest with no layers and a config without diff_ids: valid, noted."""
    config = layout.config_digest(1)
    layout.edit(config, lambda d: re.sub(rb'"diff_ids":\[[^\]]*\]', b'"diff_ids":[]', d))
    layout.edit(layout.manifest_digest(1), lambda d: re.sub(rb'"layers":\[.*?\]\}', b'"layers":[]}', d, count=1))

CASES += [
    ("schema-layer-media-type-grammar", "documents", layout_case(manifest_text(replace_once(b'"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip"', b'"mediaType":"application/vnd.oci.image.layer.v1.tar gzip"'))),
     [(V, ["{image}"], 1, ['layers[0].mediaType: "application/vnd.oci.image.layer.v1.tar gzip" is not a media type', ARM]),
      (I, ["{image}:arm64"], 1, ["layers[0].mediaType"]), (P, PACK_IN, 1, ["is not a media type"])]),
    ("schema-entry-media-type-empty", "documents", layout_case(lambda l: l.write_index_json(l.index_json().replace(b'"mediaType":"application/vnd.oci.image.manifest.v1+json"', b'"mediaType":""', 1))),
     [(V, ["{image}"], 2, ['manifests[0].mediaType: "" is not a media type']), (I, ["{image}"], 2, ["is not a media type"])]),
    ("schema-artifact-type-grammar", "documents", layout_case(manifest_text(replace_once(b'"schemaVersion":2,', b'"schemaVersion":2,"artifactType":"application/",'))),
     [(V, ["{image}"], 1, ['manifest.artifactType: "application/" is not a media type', ARM])]),
    ("schema-urls-not-uri", "documents", layout_case(foreign("not a uri")),
     [(V, ["{image}"], 1, ['layers[0].urls[0]: "not a uri" is not a URI', AMD]), (P, PACK_IN, 1, ["is not a URI"])]),
    ("schema-config-user-number", "documents", layout_case(config_text(replace_once(b'"config":{"Env"', b'"config":{"User":1000,"Env"'))),
     [(V, ["{image}"], 1, ["config.config.User: expected a string, got a number", AMD + " › config"]),
      (I, ["{image}:amd64"], 1, ["config.config.User"]), (P, PACK_IN, 1, ["config.config.User"])]),
    ("schema-config-env-not-name-value", "documents", layout_case(config_text(replace_once(b'"Env":["PATH=/usr/bin"]', b'"Env":["PATH=/usr/bin","foo"]'), entry=1)),
     [(V, ["{image}"], 1, ['config.config.Env[1]: "foo" is not NAME=VALUE', ARM + " › config"])]),
    ("schema-config-created-not-rfc3339", "documents", layout_case(config_text(replace_once(b'"os":"linux"', b'"os":"linux","created":"31/10/2015"'))),
     [(V, ["{image}"], 1, ["config.created", "not an RFC 3339 date-time", AMD + " › config"])]),
    ("schema-empty-layers-noted", "documents", layout_case(_empty_layers),
     [(V, ["{image}"], 0, ["layers is empty", "SHOULD have at least one layer"])]),
]

# ---------------------------------------------------------------- issue 8, item 4: fan-out graphs
# Indexes that list the same document many times: billions of paths from a few kB. Work and
# memory must follow the distinct documents; a repeat is shown as a reference to its first
# place; --max-descriptors (default 10,000) stops the rest.

def _descriptor_text(media_type, data, platform=None):
    entry = {"mediaType": media_type, "digest": sha(data), "size": len(data)}
    if platform:
        entry["platform"] = platform
    return entry

def _index(entries):
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                       "manifests": entries}, separators=(",", ":")).encode()

def _manifest_entry(layout, entry):
    data = layout.read(layout.manifest_digest(entry))
    platform = json.loads(layout.index_json())["manifests"][entry]["platform"]
    return _descriptor_text("application/vnd.oci.image.manifest.v1+json", data, platform)

def _set_top(layout, data):
    entry = _descriptor_text("application/vnd.oci.image.index.v1+json", data)
    entry["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
    layout.write_index_json(json.dumps({"schemaVersion": 2, "manifests": [entry]}, separators=(",", ":")).encode())

def fanout_chain(levels, fanout):
    """index.json → L(levels) listing L(levels-1) `fanout` times … L1 listing the amd64
    manifest `fanout` times: fanout**levels paths."""
    def build(root):
        layout = Layout(root)
        entries = [_manifest_entry(layout, 0)] * fanout
        for _ in range(levels):
            data = _index(entries)
            layout.add(data)
            entries = [_descriptor_text("application/vnd.oci.image.index.v1+json", data)] * fanout
        _set_top(layout, data)
        return root
    return build

def fanout_wide(copies):
    """index.json → one index listing the same manifest `copies` times."""
    def build(root):
        layout = Layout(root)
        data = _index([_manifest_entry(layout, 0)] * copies)
        layout.add(data)
        _set_top(layout, data)
        return root
    return build

def fanout_diamond(root):
    """index.json → A listing B and C, both listing the same two manifests."""
    layout = Layout(root)
    leaves = _index([_manifest_entry(layout, 0), _manifest_entry(layout, 1)])
    b = _index([_manifest_entry(layout, 0), _manifest_entry(layout, 1)] + [])
    c = _index([_manifest_entry(layout, 1), _manifest_entry(layout, 0)])
    for data in (leaves, b, c):
        layout.add(data)
    a = _index([_descriptor_text("application/vnd.oci.image.index.v1+json", b),
                _descriptor_text("application/vnd.oci.image.index.v1+json", c)])
    layout.add(a)
    _set_top(layout, a)
    return root

def _docker_repeats(copies):
    """A docker save whose manifest.json lists its one image `copies` times."""
    def mutate(members, file):
        for i, (info, data) in enumerate(members):
            if info.name == "manifest.json":
                members.pop(i)
                entry = json.loads(data)[0]
                file("manifest.json", json.dumps([dict(entry, RepoTags=[f"hostile/app:{n}"]) for n in range(copies)]).encode())
                return
    return lambda root: docker_save(root, mutate)

def fanout_shared_config(count):
    """index.json → an index of `count` distinct manifests sharing one 2 MiB config: the
    config is read, hashed and decoded once, not once per manifest."""
    def build(root):
        layout = Layout(root)
        config = json.loads(layout.read(layout.config_digest(0)))
        config.setdefault("config", {})["Labels"] = {"padding": "x" * (2 << 20)}
        config_data = json.dumps(config, separators=(",", ":")).encode()
        layout.add(config_data)
        manifest = layout.manifest(0)
        manifest["config"]["digest"], manifest["config"]["size"] = sha(config_data), len(config_data)
        platform = json.loads(layout.index_json())["manifests"][0]["platform"]
        entries = []
        for n in range(count):
            manifest["annotations"] = {"n": str(n)}
            data = json.dumps(manifest, separators=(",", ":")).encode()
            layout.add(data)
            entries.append(_descriptor_text("application/vnd.oci.image.manifest.v1+json", data, platform))
        data = _index(entries)
        layout.add(data)
        _set_top(layout, data)
        return root
    return build

FAN_TOP = "index.json › manifests[0]"
CASES += [
    ("fanout-chain-50x6", "fan-out", fanout_chain(6, 50),
     [(V, ["{image}"], 0, ["verified", "(see " + FAN_TOP + " › manifests[0])"]),
      (V, ["--json", "{image}"], 0, ['"sameAs": "' + FAN_TOP + ' › manifests[0]"']),
      (V, ["--max-descriptors", "100", "{image}"], 1, ["more than 100 descriptors", "--max-descriptors"]),
      (I, ["--tree", "{image}"], 0, ["(see " + FAN_TOP + " › manifests[0])", "1 platform,"]),
      (I, ["--verbose", "{image}"], 0, ['"OCIManifest"']),
      (I, ["--max-descriptors", "100", "--tree", "{image}"], 1, ["more than 100 descriptors", "--max-descriptors"]),
      (P, ["{image}"], 0, ["packed", "1 platform,"])]),
    ("fanout-wide-3000", "fan-out", fanout_wide(3000),
     [(V, ["{image}"], 0, ["verified", "(see " + FAN_TOP + " › manifests[0] (linux/amd64))"]),
      (I, ["--tree", "{image}"], 0, ["(see " + FAN_TOP + " › manifests[0] (linux/amd64))", "1 platform,"]),
      (I, ["--verbose", "{image}"], 0, ['"OCIManifest"']),
      (P, ["{image}"], 0, ["packed"])]),
    ("fanout-wide-12000", "fan-out", fanout_wide(12000),
     [(V, ["{image}"], 1, ["more than 10000 descriptors", "--max-descriptors", FAN_TOP + " › manifests[9996] (linux/amd64)"]),
      (V, ["--json", "{image}"], 1, ['"kind": "limit"']),
      (I, ["--tree", "{image}"], 1, ["more than 10000 descriptors", "--max-descriptors"]),
      (I, ["--verbose", "{image}"], 1, ["--max-descriptors"]),
      (P, ["{image}"], 1, ["more than 10000 descriptors", "--max-descriptors"])]),
    ("fanout-docker-save-4000", "fan-out", _docker_repeats(4000),
     [(V, ["{image}"], 0, ["verified", "(see manifest.json › [0] (hostile/app:0))", "tags: hostile/app:3999"]),
      (V, ["--max-descriptors", "1000", "{image}"], 1, ["more than 1000 descriptors", "--max-descriptors"]),
      (I, ["--tree", "{image}"], 0, ["(see manifest.json › [0] (hostile/app:0))", "1 platform,"]),
      (I, ["--verbose", "{image}"], 0, ['"Synthesized"']),
      (I, ["{image}:hostile/app:3999"], 0, ['"schemaVersion"']),
      (P, ["{image}"], 0, ["packed"]),
      (P, ["--max-descriptors", "1000", "{image}"], 1, ["--max-descriptors"])]),
    ("fanout-shared-config-2000", "fan-out", fanout_shared_config(2000),
     [(V, ["{image}"], 0, ["manifests[1999] (linux/amd64)  manifest", ": 1 platform, 2004 blobs,", "verified"]),
      (I, ["--tree", "{image}"], 0, ["1 platform, 4000 layers, 2.1 MB of config and layers"]),
      (I, ["--verbose", "{image}"], 0, ['"OCIManifest"']),
      (P, ["{image}"], 2, ["two images for linux/amd64"])]),
    ("fanout-diamond", "fan-out", fanout_diamond,
     [(V, ["{image}"], 0, ["verified", "(see " + FAN_TOP + " › manifests[0] › manifests[1] (linux/arm64/v8))"]),
      (I, ["--tree", "{image}"], 0, ["(see " + FAN_TOP + " › manifests[0] › manifests[0] (linux/amd64))", "2 platforms,"]),
      (I, ["--verbose", "{image}"], 0, ['"OCIManifest"']),
      (P, ["{image}"], 0, ["packed", "2 platforms"])]),
]

# ---------------------------------------------------------------- issue 8, items 9 and 13 (CLI rules)
# A --platform naming nothing is exit 2 with the platforms listed, in every command; size flags
# take units, and a limit given with one is applied; a content failure in one input is not
# hidden behind another input's usage error.
def _flip_manifest(layout):
    path = layout.blob(layout.manifest_digest(0))
    with open(path, "r+b") as f:
        f.seek(3)
        byte = f.read(1)
        f.seek(3)
        f.write(bytes([byte[0] ^ 1]))

_PLATFORMS = "linux/s390x; platforms: linux/amd64, linux/arm64/v8"
CASES += [
    ("cli-platform-names-nothing", "cli", layout_case(lambda layout: None),
     [(V, ["--platform", "linux/s390x", "{image}"], 2, [_PLATFORMS]), (I, ["--platform", "linux/s390x", "{image}"], 2, [_PLATFORMS]),
      (P, ["--platform", "linux/s390x", "{image}"], 2, [_PLATFORMS])]),
    ("cli-size-units", "cli", layout_case(lambda layout: None),
     [(V, ["--max-layer-size", "1KiB", "{image}"], 1, ["1024"]), (V, ["--max-layer-size", "1GiB", "{image}"], 0, ["verified"]),
      (V, ["--max-layer-size", "1.5GiB", "{image}"], 2, ["fractions are not supported"]),
      (I, ["--max-document-size", "12XB", "{image}"], 2, ["unknown unit"]),
      (P, ["--max-zstd-window", "99999999TiB", "{image}"], 2, ["too large"])]),
    ("cli-failure-beside-unusable", "cli", layout_case(_flip_manifest),
     [(V, ["/nonexistent", "{image}"], 1, ["digest mismatch", "/nonexistent: UNUSABLE"]),
      (P, ["/nonexistent", "{image}"], 1, ["digest mismatch", "/nonexistent"])]),
]

CASES = [(n, c, {"doc-ambiguous-index": _ambiguous_index, "doc-docker-schema-1": _schema1}.get(n, b), r) for n, c, b, r in CASES]
