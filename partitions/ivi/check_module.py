#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Check that a kernel module was built for exactly the IVI's kernel Image.

Reads the module's vermagic from its .modinfo ELF section and requires
(1) its release to be the Image's (manifest.json kernel.release) and
(2) the whole vermagic string, NUL-terminated, to occur in the raw Image (the
kernel keeps its own VERMAGIC_STRING there and refuses modules that differ).

  check_module.py MODULE.ko --image build/ivi/Image --manifest build/ivi/manifest.json
"""
import argparse
import json
import struct
import sys


class CheckError(Exception):
    pass


def modinfo(path):
    """The key=value pairs of the .modinfo section of an ELF64 little-endian relocatable."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise CheckError(f"{path}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    sections = []
    for i in range(shnum):
        name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        sections.append((name, off, size))
    _, stroff, _ = sections[shstrndx]
    for name, off, size in sections:
        end = data.index(b"\0", stroff + name)
        if data[stroff + name:end] == b".modinfo":
            pairs = {}
            for item in data[off:off + size].split(b"\0"):
                if b"=" in item:
                    k, v = item.split(b"=", 1)
                    pairs.setdefault(k.decode(), v.decode())
            return pairs
    raise CheckError(f"{path}: no .modinfo section")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("module")
    ap.add_argument("--image", required=True)
    ap.add_argument("--manifest", required=True)
    args = ap.parse_args(argv)
    try:
        info = modinfo(args.module)
        vermagic = info.get("vermagic")
        if not vermagic:
            raise CheckError(f"{args.module}: no vermagic")
        with open(args.manifest) as f:
            release = json.load(f)["kernel"]["release"]
        if vermagic.split()[0] != release:
            raise CheckError(f"{args.module}: built for {vermagic.split()[0]}, the Image is {release}")
        with open(args.image, "rb") as f:
            if (vermagic.encode() + b"\0") not in f.read():
                raise CheckError(f"{args.module}: vermagic '{vermagic}' does not occur in {args.image}")
    except (OSError, ValueError, KeyError, struct.error, CheckError) as e:
        print(f"check_module.py: error: {e}", file=sys.stderr)
        return 1
    print(f"  IVI     {args.module}: vermagic '{vermagic}' matches the Image")
    return 0


if __name__ == "__main__":
    sys.exit(main())
