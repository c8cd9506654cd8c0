#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages a Septum target needs, when they are missing.
# Usage: tools/install-deps.sh GROUP...   (groups: build run test evidence ivi bench)
# Prints what it installs; does nothing when everything is present.
set -eu

pkgs_build="make gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu device-tree-compiler python3 python3-yaml python3-jinja2 python3-jsonschema python3-libfdt"
pkgs_run="qemu-system-arm"
pkgs_test="gcc libcmocka-dev python3-pytest python3-hypothesis qemu-system-arm dt-schema"
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
pkgs_ivi="apt dpkg make gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross python3 qemu-system-arm linux-kbuild-$(ivi_kbuild_series)"
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
        *) echo "install-deps: unknown group '$group'" >&2; exit 2 ;;
    esac
done

missing=""
for p in $want; do
    case " $missing " in *" $p "*) continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null || $SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
