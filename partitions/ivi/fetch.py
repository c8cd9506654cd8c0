#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Fetch the IVI partition's Debian arm64 kernel, its headers and busybox at build time.

Resolves the kernel package from the Debian archive (never a pinned version),
downloads it and busybox-static with `apt-get download`, and extracts the raw
arm64 Image and the static busybox binary. apt runs with a private lists,
state and cache directory under OUT/apt and `APT::Architectures=arm64`, so the
host needs no foreign architecture (`dpkg --add-architecture`) and its own apt
state is never touched; the host's apt sources and keyrings are used as they are.

Kernel choice (--kernel):
  default  the series of Debian's `linux-image-cloud-arm64` metapackage, i.e.
           the newest ABI of the release's own kernel (bookworm: 6.1), as
           `linux-image-<abi>-cloud-arm64-unsigned`;
  newest   the highest version of any `linux-image-*-cloud-arm64-unsigned`
           (bookworm-security also carries a 6.12 series).

Caching: the first run resolves and downloads; OUT/manifest.json records what
was resolved. Later runs reuse the cached .debs without any network access
until --refresh, which resolves again and downloads only what changed.

Kernel headers: the same version's `linux-headers-<abi>-cloud-arm64` and
`linux-headers-<abi>-common` are downloaded too and extracted under
OUT/headers, so that out-of-tree modules (partitions/ivi/driver) are built
against exactly the Image's kernel. Their `scripts` and `tools` links point to
the host's `linux-kbuild-<series>` (amd64 build programs, tools/install-deps.sh
ivi), linked into OUT/headers/usr/lib; the absolute /usr/src include in the
flavour's Makefile is rewritten to OUT/headers. Build with
`make -C OUT/headers/usr/src/linux-headers-<abi>-cloud-arm64 M=... ARCH=arm64
CROSS_COMPILE=aarch64-linux-gnu- modules` (manifest.json: kernel.headers_dir).

Outputs in OUT: Image, busybox, headers/, manifest.json, debs/*.deb.
"""
import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

ARM64_MAGIC = b"ARM\x64"
ARM64_MAGIC_OFFSET = 0x38
GZIP_MAGIC = b"\x1f\x8b"
UNSIGNED_RX = re.compile(r"^linux-image-(?P<abi>.+)-cloud-arm64-unsigned$")
SIGNED_RX = re.compile(r"^linux-image-(?P<abi>.+)-cloud-arm64$")
BUSYBOX_PKG = "busybox-static"
KERNEL_META = "linux-image-cloud-arm64"


class FetchError(Exception):
    pass


def log(msg):
    print(f"  IVI     {msg}", flush=True)


class Apt:
    """apt-get/apt-cache with a private state directory, arm64 only."""

    def __init__(self, root):
        self.root = os.path.abspath(root)
        lists = os.path.join(self.root, "lists")
        cache = os.path.join(self.root, "cache")
        state = os.path.join(self.root, "state")
        for d in (os.path.join(lists, "partial"), os.path.join(cache, "archives", "partial"), state):
            os.makedirs(d, exist_ok=True)
        status = os.path.join(state, "status")
        if not os.path.exists(status):
            open(status, "w").close()
        self.opts = [
            "-o", "APT::Architecture=arm64",
            "-o", "APT::Architectures=arm64",
            "-o", f"Dir::State={state}",
            "-o", f"Dir::State::Lists={lists}",
            "-o", f"Dir::State::status={status}",
            "-o", f"Dir::Cache={cache}",
            # Private directories: no need for the host's apt lock, and root may
            # download directly (the _apt user cannot write under build/).
            "-o", "Debug::NoLocking=1",
            "-o", "APT::Sandbox::User=root",
        ]
        self.env = dict(os.environ, LC_ALL="C", DEBIAN_FRONTEND="noninteractive")

    def run(self, tool, *args, cwd=None):
        cmd = [tool, *self.opts, *args]
        r = subprocess.run(cmd, cwd=cwd, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise FetchError(f"{' '.join([tool, *args])} failed ({r.returncode}):\n{r.stderr.strip()}")
        return r.stdout

    def have_lists(self):
        lists = os.path.join(self.root, "lists")
        return any(n.endswith(("_Packages", "_Packages.lz4", "_Packages.gz", "_Packages.xz"))
                   for n in os.listdir(lists))

    def update(self):
        log("apt-get update (private lists, arm64)")
        self.run("apt-get", "-q", "update")
        if not self.have_lists():
            raise FetchError("apt-get update fetched no arm64 package list: check the apt sources")

    def candidate(self, pkg):
        """Return the candidate version of pkg, or None if the archive has none."""
        out = self.run("apt-cache", "policy", pkg)
        m = re.search(r"^\s+Candidate:\s*(\S+)", out, re.M)
        if m is None or m.group(1) == "(none)":
            return None
        return m.group(1)

    def depends(self, pkg):
        out = self.run("apt-cache", "show", "--no-all-versions", pkg)
        m = re.search(r"^Depends:\s*(.*)$", out, re.M)
        return [] if m is None else [d.strip().split()[0] for d in m.group(1).split(",")]

    def pkgnames(self, prefix):
        return sorted(set(self.run("apt-cache", "pkgnames", prefix).split()))

    def download(self, pkg, version, dest):
        self.run("apt-get", "-q", "download", f"{pkg}={version}", cwd=dest)


def version_gt(a, b):
    """Debian version order (dpkg's own comparison)."""
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0


def resolve_kernel(apt, policy):
    """Return (package, version) of the kernel to use under policy."""
    if policy == "default":
        abis = [m.group("abi") for m in map(SIGNED_RX.match, apt.depends(KERNEL_META)) if m is not None]
        if not abis:
            raise FetchError(f"{KERNEL_META} names no linux-image-<abi>-cloud-arm64 package")
        pkg = f"linux-image-{abis[0]}-cloud-arm64-unsigned"
        ver = apt.candidate(pkg)
        if ver is None:
            raise FetchError(f"{KERNEL_META} points to ABI {abis[0]} but the archive has no {pkg}")
        return pkg, ver
    best = None
    for name in apt.pkgnames("linux-image-"):
        if UNSIGNED_RX.match(name) is None:
            continue
        ver = apt.candidate(name)
        if ver is not None and (best is None or version_gt(ver, best[1])):
            best = (name, ver)
    if best is None:
        raise FetchError("the archive has no linux-image-*-cloud-arm64-unsigned package for arm64")
    return best


def deb_path(debs, pkg, version, arch="arm64"):
    # apt-get download names files <pkg>_<version with ':' as %3a>_<arch>.deb
    return os.path.join(debs, f"{pkg}_{version.replace(':', '%3a')}_{arch}.deb")


def kbuild_series(version):
    """'6.1.192-3' -> '6.1': the linux-kbuild-<series> package the headers' scripts link to."""
    m = re.match(r"^(?:\d+:)?(\d+)\.(\d+)", version)
    if m is None:
        raise FetchError(f"cannot derive the kernel series from version {version!r}")
    return f"{m.group(1)}.{m.group(2)}"


def header_packages(kpkg):
    """(flavour headers, common headers) package names of kernel package kpkg."""
    m = UNSIGNED_RX.match(kpkg)
    if m is None:
        raise FetchError(f"{kpkg} is not a linux-image-<abi>-cloud-arm64-unsigned package")
    abi = m.group("abi")
    return f"linux-headers-{abi}-cloud-arm64", f"linux-headers-{abi}-common"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def deb_member(deb, want):
    """Return (name, bytes) of the first data member of deb that want(name) accepts."""
    found = None
    p = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    try:
        with tarfile.open(fileobj=p.stdout, mode="r|") as tf:
            for m in tf:
                if m.isfile() and want(m.name):
                    found = (m.name, tf.extractfile(m).read())
                    break
        # Drain the rest so dpkg-deb ends normally (not by SIGPIPE) and its
        # exit status tells whether the package was intact.
        while p.stdout.read(1 << 20):
            pass
    finally:
        p.stdout.close()
        rc = p.wait()
    if rc != 0:
        raise FetchError(f"{deb}: dpkg-deb failed ({rc}): a corrupt download? (delete it and run again)")
    if found is None:
        raise FetchError(f"{deb}: no matching file in the package")
    return found


def check_image(data, origin):
    """Return a raw arm64 Image from data (gunzipped when needed) or raise."""
    if data[:2] == GZIP_MAGIC:
        data = gzip.decompress(data)
    if data[ARM64_MAGIC_OFFSET:ARM64_MAGIC_OFFSET + 4] != ARM64_MAGIC:
        raise FetchError(f"{origin}: not an arm64 Image (no 'ARM\\x64' magic at 0x38)")
    return data


def write_if_changed(path, data, mode=0o644):
    """Write atomically; keep the file (and its mtime) if the content is the same."""
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def load_manifest(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


PACKAGES = ("kernel", "busybox", "headers", "headers_common")


def find_deb(debs, pkg, version):
    """The downloaded .deb of pkg=version (arm64 or all), or None."""
    for arch in ("arm64", "all"):
        path = deb_path(debs, pkg, version, arch)
        if os.path.exists(path):
            return path
    return None


def download(apt, debs, pkg, version):
    path = find_deb(debs, pkg, version)
    if path is not None:
        log(f"have {os.path.basename(path)}")
        return path
    log(f"apt-get download {pkg}={version}")
    apt.download(pkg, version, debs)
    path = find_deb(debs, pkg, version)
    if path is None:
        raise FetchError(f"apt-get download left no {pkg}_{version}_*.deb")
    return path


def extract_headers(out, manifest):
    """Extract both header packages under OUT/headers and make the tree usable from there."""
    root = os.path.join(out, "headers")
    stamp = os.path.join(root, ".extracted")
    want = manifest["headers"]["sha256"] + " " + manifest["headers_common"]["sha256"] + "\n"
    flavour = manifest["headers"]["package"][len("linux-headers-"):]
    common = manifest["headers_common"]["package"][len("linux-headers-"):]
    kdir = os.path.join(root, "usr", "src", f"linux-headers-{flavour}")
    manifest["kernel"]["headers_dir"] = os.path.relpath(kdir, out)
    if os.path.exists(stamp):
        with open(stamp) as f:
            if f.read() == want:
                return
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    for key in ("headers_common", "headers"):
        deb = os.path.join(out, "debs", manifest[key]["deb"])
        r = subprocess.run(["dpkg-deb", "-x", deb, root], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise FetchError(f"dpkg-deb -x {deb} failed: {r.stderr.strip()}")
    # scripts/ and tools/ link to ../../lib/linux-kbuild-<series>: the host's build programs.
    series = kbuild_series(manifest["kernel"]["version"])
    host_kbuild = f"/usr/lib/linux-kbuild-{series}"
    if not os.path.isdir(os.path.join(host_kbuild, "scripts")):
        raise FetchError(f"{host_kbuild}/scripts is missing: install linux-kbuild-{series} "
                         "(tools/install-deps.sh ivi)")
    os.makedirs(os.path.join(root, "usr", "lib"), exist_ok=True)
    os.symlink(host_kbuild, os.path.join(root, "usr", "lib", f"linux-kbuild-{series}"))
    mk = os.path.join(kdir, "Makefile")
    with open(mk) as f:
        text = f.read()
    absolute = f"/usr/src/linux-headers-{common}/"
    if absolute not in text:
        raise FetchError(f"{mk}: expected an include of {absolute}Makefile")
    with open(mk, "w") as f:
        f.write(text.replace(absolute, os.path.join(root, "usr", "src", f"linux-headers-{common}") + "/"))
    with open(stamp, "w") as f:
        f.write(want)
    log(f"{os.path.relpath(kdir)}: headers of Linux {flavour} (kbuild from {host_kbuild})")


def fetch(out, policy, refresh):
    out = os.path.abspath(out)
    debs = os.path.join(out, "debs")
    os.makedirs(debs, exist_ok=True)
    manifest_path = os.path.join(out, "manifest.json")
    manifest = load_manifest(manifest_path)
    cached = (manifest is not None and manifest.get("policy") == policy and not refresh
              and all(k in manifest and os.path.exists(os.path.join(debs, manifest[k]["deb"])) for k in PACKAGES))
    if cached:
        log(f"cached: {manifest['kernel']['package']} {manifest['kernel']['version']}, "
            f"{BUSYBOX_PKG} {manifest['busybox']['version']} (--refresh to resolve again)")
    else:
        apt = Apt(os.path.join(out, "apt"))
        have_kernel = (manifest is not None and manifest.get("policy") == policy and not refresh
                       and all(k in manifest and os.path.exists(os.path.join(debs, manifest[k]["deb"]))
                               for k in ("kernel", "busybox")))
        if have_kernel:
            # A cache from before the headers were fetched: add the headers of the same kernel.
            kpkg, kver = manifest["kernel"]["package"], manifest["kernel"]["version"]
            bver = manifest["busybox"]["version"]
            if not apt.have_lists():
                apt.update()
        else:
            apt.update()
            kpkg, kver = resolve_kernel(apt, policy)
            bver = apt.candidate(BUSYBOX_PKG)
            if bver is None:
                raise FetchError(f"the archive has no {BUSYBOX_PKG} for arm64")
        hpkg, cpkg = header_packages(kpkg)
        for pkg in (hpkg, cpkg):
            if apt.candidate(pkg) != kver and not find_deb(debs, pkg, kver):
                raise FetchError(f"the archive has no {pkg}={kver} (the Image's version): "
                                 "run `make ivi-refresh` to resolve a newer kernel")
        log(f"resolved {kpkg} {kver} (+ headers), {BUSYBOX_PKG} {bver}")
        old = manifest or {}
        manifest = {"policy": policy}
        for key, pkg, ver in (("kernel", kpkg, kver), ("busybox", BUSYBOX_PKG, bver), ("headers", hpkg, kver),
                              ("headers_common", cpkg, kver)):
            path = download(apt, debs, pkg, ver)
            manifest[key] = {"package": pkg, "version": ver, "deb": os.path.basename(path),
                             "sha256": sha256(path)}
        for k in ("release", "image_sha256"):
            if k in old.get("kernel", {}) and old["kernel"].get("deb") == manifest["kernel"]["deb"]:
                manifest["kernel"][k] = old["kernel"][k]
        # Older downloads are superseded: keep only what the manifest names.
        keep = {manifest[k]["deb"] for k in PACKAGES}
        for n in os.listdir(debs):
            if n not in keep:
                os.remove(os.path.join(debs, n))

    image_path = os.path.join(out, "Image")
    busybox_path = os.path.join(out, "busybox")
    extract_headers(out, manifest)
    if (cached and os.path.exists(busybox_path) and os.path.exists(image_path)
            and sha256(image_path) == manifest["kernel"].get("image_sha256")):
        write_if_changed(manifest_path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
        return
    kdeb = os.path.join(debs, manifest["kernel"]["deb"])
    name, data = deb_member(kdeb, lambda n: re.fullmatch(r"(\./)?boot/vmlinuz-.*", n) is not None)
    image = check_image(data, f"{manifest['kernel']['deb']}:{name}")
    manifest["kernel"]["release"] = os.path.basename(name)[len("vmlinuz-"):]
    manifest["kernel"]["image_sha256"] = hashlib.sha256(image).hexdigest()
    write_if_changed(image_path, image)
    bdeb = os.path.join(debs, manifest["busybox"]["deb"])
    _, busybox = deb_member(bdeb, lambda n: re.fullmatch(r"(\./)?bin/busybox", n) is not None)
    write_if_changed(busybox_path, busybox, 0o755)
    write_if_changed(manifest_path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    log(f"{os.path.relpath(image_path)}: Linux {manifest['kernel']['release']}, "
        f"{len(image)} bytes")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", required=True, help="output and cache directory (e.g. build/ivi)")
    ap.add_argument("--kernel", choices=("default", "newest"), default="default",
                    help="which kernel series to resolve (see the module doc)")
    ap.add_argument("--refresh", action="store_true", help="resolve against the archive again")
    args = ap.parse_args(argv)
    try:
        fetch(args.out, args.kernel, args.refresh)
    except (FetchError, OSError, tarfile.TarError) as e:
        print(f"fetch.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
