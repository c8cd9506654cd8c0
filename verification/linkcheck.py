#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Follow every link of an evidence bundle; fail on a broken one or an absolute path.

For each .html file under BUNDLE: every href and src that is not an external URL
(http:, https:, mailto:) must be relative, name a file that exists inside the
bundle, and, when it has a #fragment, a file with that id (or name). No file of the
bundle may contain the absolute path of the repository (the build machine's paths
must not leak into the evidence). Used by `make evidence` on verification/out and by
tests/evidence on a bundle built from fixture data.
"""
import argparse
import pathlib
import re
import sys
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[1]
LINK = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
ANCHOR = re.compile(r"""\b(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
TEXT_SUFFIXES = {".html", ".htm", ".txt", ".md", ".json", ".xml", ".info", ".css", ".js", ".log"}


def check(bundle, forbidden=None):
    """[problem] of the bundle at `bundle`; `forbidden`: strings no file may contain."""
    bundle = pathlib.Path(bundle).resolve()
    forbidden = [f for f in (forbidden if forbidden is not None else [str(ROOT)]) if f]
    problems, anchors = [], {}

    def ids(path):
        if path not in anchors:
            text = path.read_text(errors="replace")
            anchors[path] = {a or b for a, b in ANCHOR.findall(text)}
        return anchors[path]

    nlinks = 0
    for page in sorted(bundle.rglob("*")):
        if not page.is_file() or page.suffix.lower() not in TEXT_SUFFIXES:
            continue
        text = page.read_text(errors="replace")
        rel = page.relative_to(bundle).as_posix()
        for f in forbidden:
            if f in text:
                problems.append(f"{rel}: contains the absolute path {f}")
        if page.suffix.lower() not in (".html", ".htm"):
            continue
        for a, b in LINK.findall(text):
            link = urllib.parse.unquote(a or b).replace("&amp;", "&")
            if not link or re.match(r"^(https?|mailto|data|javascript):", link, re.I):
                continue
            nlinks += 1
            if link.startswith("/") or re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I):
                problems.append(f"{rel}: absolute link {link}")
                continue
            target, _, frag = link.partition("#")
            dest = (page.parent / target).resolve() if target else page
            try:
                dest.relative_to(bundle)
            except ValueError:
                problems.append(f"{rel}: link {link} leaves the bundle")
                continue
            if dest.is_dir():
                dest = dest / "index.html"
            if not dest.is_file():
                problems.append(f"{rel}: broken link {link} (no {dest.relative_to(bundle).as_posix()})")
            elif frag and dest.suffix.lower() in (".html", ".htm") and frag not in ids(dest):
                problems.append(f"{rel}: broken link {link} (no id {frag!r} in {dest.relative_to(bundle).as_posix()})")
    return problems, nlinks


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("bundle")
    a = p.parse_args()
    problems, n = check(a.bundle)
    for x in problems:
        print(f"linkcheck: {x}", file=sys.stderr)
    print(f"linkcheck: {n} links in {a.bundle}, {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
