#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages a Septum target needs, when they are missing.
# Usage: tools/install-deps.sh GROUP...   (groups: build run test evidence ivi bench debug fresh)
# Prints what it installs; does nothing when everything is present. Concurrent
# runs (make -j) take turns on a lock, and each looks again for what is still
# missing once it holds it, so apt-get never runs twice at once.
set -eu

pkgs_build="make gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu device-tree-compiler python3 python3-yaml python3-jinja2 python3-jsonschema python3-libfdt"
# BOOT=uboot (make run, tests): Debian's U-Boot, mkimage, and the tools that make its disk image.
pkgs_uboot="u-boot-qemu u-boot-tools mtools dosfstools fdisk"
pkgs_run="qemu-system-arm $pkgs_uboot"
# gcc without recommends has no C library headers: libc6-dev. The fuzz test needs clang and its runtimes.
pkgs_test="gcc libc6-dev libcmocka-dev python3-pytest python3-hypothesis qemu-system-arm clang-19 libclang-rt-19-dev dt-schema $pkgs_uboot"
pkgs_debug="gdb-multiarch"
# Checking that a fresh Debian 12 passes (a minbase root with only git and make added).
pkgs_fresh="debootstrap"
# linux-kbuild-<series>: the build programs that the IVI kernel's headers link to
# (partitions/ivi/fetch.py). The series is the fetched kernel's (build/ivi/manifest.json),
# before the first fetch that of Debian's default cloud kernel.
ivi_kbuild_series() {
    v=$(sed -n 's/^ *"version": "\([0-9][0-9]*\.[0-9][0-9]*\)\..*/\1/p' build/ivi/manifest.json 2>/dev/null | head -n 1)
    if [ -z "$v" ]; then
        v=$(apt-cache policy "linux-image-cloud-$(dpkg --print-architecture)" 2>/dev/null |
            sed -n 's/^ *Candidate: \([0-9][0-9]*\.[0-9][0-9]*\)\..*/\1/p')
    fi
    echo "${v:-6.1}"
}
# gcc, libc6-dev, bc: what the headers' Kbuild may run on the host for the channel module (HOSTCC,
# timeconst); make run builds that module too, so a fresh machine needs them without the test group.
pkgs_ivi="apt dpkg make gcc libc6-dev bc gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross python3 qemu-system-arm linux-kbuild-$(ivi_kbuild_series)"
pkgs_bench="cloc qemu-system-arm"
pkgs_evidence="clang-19 llvm-19 lld-19 libclang-rt-19-dev clang-tidy-19 lcov cppcheck frama-c-base z3 cvc4 why3"

want=""
for group in "$@"; do
    case "$group" in
        build) want="$want $pkgs_build" ;;
        run) want="$want $pkgs_build $pkgs_run $pkgs_ivi" ;;
        test) want="$want $pkgs_build $pkgs_test $pkgs_ivi" ;;
        evidence) want="$want $pkgs_build $pkgs_test $pkgs_evidence" ;;
        ivi) want="$want $pkgs_ivi" ;;
        bench) want="$want $pkgs_build $pkgs_bench" ;;
        debug) want="$want $pkgs_build $pkgs_run $pkgs_debug" ;;
        fresh) want="$want $pkgs_fresh" ;;
        *) echo "install-deps: unknown group '$group'" >&2; exit 2 ;;
    esac
done

missing_now() {
    missing=""
    for p in $want; do
        case " $missing " in *" $p "*) continue ;; esac
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing="$missing $p"
        fi
    done
}

missing_now
[ -z "$missing" ] && exit 0

# One installer at a time (flock: util-linux, essential in Debian).
lock="${TMPDIR:-/tmp}/septum-install-deps.lock"
exec 9>>"$lock"
if ! flock -n 9; then
    echo "install-deps: waiting for another install-deps to finish"
    flock 9
fi
missing_now
[ -z "$missing" ] && exit 0

echo "install-deps: installing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: apt-get update"
$SUDO apt-get update -q
echo "install-deps: apt-get install (this takes a few minutes on a fresh machine)"
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
echo "install-deps: done"
