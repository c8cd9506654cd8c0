#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Write the IVI initramfs: a gzipped cpio (newc) archive, byte-for-byte deterministic.

The archive is written here rather than with cpio(1) so that its content does
not depend on the build machine: entries are sorted by path, every mtime is 0,
owner root, inode numbers are assigned in order, and the gzip header carries no
name and no time. It can also hold a device node (/dev/console, which the
kernel opens for init before devtmpfs is mounted) without root privileges.

Layout: /init, /bin/busybox (+ /bin/sh), /usr/bin/ivi_app, /etc/profile, further
executables (--file), kernel modules from the kernel .deb in /lib/modules (--module),
/dev/console, and empty /proc /sys /tmp /root /sbin /usr/sbin mount points and
directories (init installs the busybox applet links at boot); each --add
PATH=FILE puts FILE at PATH (e.g. lib/modules/septum_channel.ko), executable
under bin/ directories, with its parent directories.
"""
import argparse
import gzip
import os
import stat
import sys

NEWC_MAGIC = b"070701"
PROFILE = b"""# /etc/profile of the IVI partition (login shell on the console)
export PATH=/usr/bin:/bin:/usr/sbin:/sbin
PS1='ivi:\\w# '
"""


def _pad4(n):
    return (4 - n % 4) % 4


def newc_entry(ino, path, mode, data=b"", nlink=1, rdev=(0, 0)):
    """One newc header + name + data, each padded to 4 bytes."""
    name = path.encode() + b"\0"
    fields = (ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name), 0)
    hdr = NEWC_MAGIC + b"".join(b"%08X" % f for f in fields)
    out = hdr + name + b"\0" * _pad4(len(hdr) + len(name))
    return out + data + b"\0" * _pad4(len(data))


def cpio_newc(entries):
    """entries: {path: (mode, data, rdev)}; returns the archive bytes."""
    out = []
    for ino, path in enumerate(sorted(entries), start=1):
        mode, data, rdev = entries[path]
        nlink = 2 if stat.S_ISDIR(mode) else 1
        out.append(newc_entry(ino, path, mode, data, nlink, rdev))
    out.append(newc_entry(0, "TRAILER!!!", 0))
    return b"".join(out)


def kernel_modules(manifest, names):
    """{name: bytes} of the kernel modules names, from the kernel .deb that manifest.json names."""
    import json
    import subprocess
    import tarfile
    with open(manifest) as f:
        deb = os.path.join(os.path.dirname(manifest), "debs", json.load(f)["kernel"]["deb"])
    p = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    out = {}
    with tarfile.open(fileobj=p.stdout, mode="r|") as t:
        for m in t:
            base = os.path.basename(m.name)
            if m.isfile() and base.endswith(".ko") and base[:-3] in names:
                out[base[:-3]] = t.extractfile(m).read()
    p.stdout.read()
    if p.wait() != 0:
        raise OSError(f"{deb}: dpkg-deb failed")
    missing = [n for n in names if n not in out]
    if missing:
        raise OSError(f"{deb}: no module {', '.join(missing)}")
    return out


def layout(init, busybox, app, extra=(), modules=None):
    def read(p):
        with open(p, "rb") as f:
            return f.read()

    d = stat.S_IFDIR | 0o755
    x = stat.S_IFREG | 0o755
    entries = {p: (d, b"", (0, 0)) for p in ("bin", "dev", "etc", "proc", "root", "sbin", "sys", "tmp", "usr",
                                              "usr/bin", "usr/sbin")}
    entries["tmp"] = (stat.S_IFDIR | 0o1777, b"", (0, 0))
    entries["root"] = (stat.S_IFDIR | 0o700, b"", (0, 0))
    entries["dev/console"] = (stat.S_IFCHR | 0o600, b"", (5, 1))
    entries["init"] = (x, read(init), (0, 0))
    entries["bin/busybox"] = (x, read(busybox), (0, 0))
    entries["bin/sh"] = (stat.S_IFLNK | 0o777, b"busybox", (0, 0))
    entries["usr/bin/ivi_app"] = (x, read(app), (0, 0))
    entries["etc/profile"] = (stat.S_IFREG | 0o644, PROFILE, (0, 0))
    for path, src in extra:
        parts = path.split("/")
        for i in range(1, len(parts)):
            entries.setdefault("/".join(parts[:i]), (d, b"", (0, 0)))
        executable = "bin" in parts[-2:-1] or "sbin" in parts[-2:-1]
        entries[path] = ((x if executable else stat.S_IFREG | 0o644), read(src), (0, 0))
    if modules:
        for p in ("lib", "lib/modules"):
            entries.setdefault(p, (d, b"", (0, 0)))
        for name, data in modules.items():
            entries[f"lib/modules/{name}.ko"] = (stat.S_IFREG | 0o644, data, (0, 0))
    return entries


def add_arg(text):
    path, sep, src = text.partition("=")
    path = path.strip("/")
    if not sep or not path or not src or ".." in path.split("/"):
        raise argparse.ArgumentTypeError(f"--add wants PATH=FILE, got {text!r}")
    return path, src


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--init", required=True)
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--app", required=True)
    ap.add_argument("--add", type=add_arg, action="append", default=[], metavar="PATH=FILE",
                    help="also put FILE at PATH in the archive")
    ap.add_argument("--manifest", help="fetch.py's manifest.json: where the kernel .deb for --module is")
    ap.add_argument("--module", action="append", default=[], help="a kernel module to put in /lib/modules")
    ap.add_argument("-o", "--out", required=True, help="the .cpio.gz to write")
    args = ap.parse_args(argv)
    try:
        mods = kernel_modules(args.manifest, args.module) if args.module else None
        archive = cpio_newc(layout(args.init, args.busybox, args.app, args.add, mods))
    except OSError as e:
        print(f"mkinitramfs.py: error: {e}", file=sys.stderr)
        return 1
    data = gzip.compress(archive, compresslevel=9, mtime=0)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    print(f"  IVI     {args.out}: {len(archive)} bytes of cpio, {len(data)} gzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
