#!/usr/bin/env python3
"""Another writer of an image, holding its lock while `manifold sign` runs: for the test that
two writers of one layout or oci-archive both land.

    locked_writer.py layout DIR REPLACEMENT_INDEX MANIFOLD SIGN_ARGS...
    locked_writer.py archive FILE REPLACEMENT_ARCHIVE MANIFOLD SIGN_ARGS...

Takes the lock `sign` takes (flock of the layout directory, or of the archive file), starts
`MANIFOLD sign SIGN_ARGS... DIR|FILE`, and while sign waits for the lock, makes its own change
as a writer would: renames REPLACEMENT_INDEX over DIR/index.json, or REPLACEMENT_ARCHIVE over
FILE. Then lets go. Exits with sign's status; sign's stderr is passed on. A sign that did not
wait reads the old image and renames over the change: the caller sees the change lost.
"""
import fcntl
import os
import subprocess
import sys
import time

kind, path, replacement, manifold = sys.argv[1:5]
fd = os.open(path, os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
sign = subprocess.Popen([manifold, "sign"] + sys.argv[5:] + [path], stdout=subprocess.DEVNULL)
# Long enough for an unlocked sign to read the image; a locked one is still waiting.
time.sleep(1)
target = os.path.join(path, "index.json") if kind == "layout" else path
os.rename(replacement, target)
fcntl.flock(fd, fcntl.LOCK_UN)
os.close(fd)
sys.exit(sign.wait())
