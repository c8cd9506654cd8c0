#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The state of the source tree, as one hash of the names and contents of every
tracked and untracked, not ignored file.

Without arguments: print it (`make test` writes it beside each suite's results as
<suite>.stamp). With --check STAMP: exit 0 when STAMP holds the current state (the
results are fresh: same tree), 1 otherwise (missing, or the tree changed since).
Ignored files (build/, verification/out/) are not part of the state.
"""
import argparse
import hashlib
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          check=False).stdout


def state():
    """Content of every tracked and untracked, not ignored file (not the commit: results
    stay fresh across a commit of the tree they ran on)."""
    h = hashlib.sha256()
    for name in sorted(git("ls-files", "--cached", "--others", "--exclude-standard", "-z").split(b"\0")):
        if not name:
            continue
        h.update(name + b"\0")
        try:
            h.update(hashlib.sha256((ROOT / name.decode()).read_bytes()).digest())
        except OSError:
            h.update(b"(missing)")
    return h.hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--check", metavar="STAMP")
    a = p.parse_args()
    if a.check:
        try:
            sys.exit(0 if pathlib.Path(a.check).read_text().strip() == state() else 1)
        except OSError:
            sys.exit(1)
    print(state())


if __name__ == "__main__":
    main()
