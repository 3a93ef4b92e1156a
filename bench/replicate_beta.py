#!/usr/bin/env python3
"""Replicate a beta.gouv.fr content folder N times, for scale benchmarks.

Usage: replicate_beta.py SRC DST [--copies 100]

SRC is a folder holding `_startups`, `_authors`, `_incubators`, ... (the
`content/` folder of a beta.gouv.fr checkout). DST is created (and replaced
if it already exists and holds a marker file written by this script).

- Every `_startups/STEM.md` is written COPIES times as `STEM-rKK.md`
  (KK = 00 .. COPIES-1, zero-padded), content unchanged.
- Every `_authors/STEM.md` is written COPIES times as `STEM-rKK.md`; in copy
  KK, each reference to a startup that exists in SRC (list items under the
  keys `startups` -- top level or inside `missions` -- and `previously`)
  gets the same `-rKK` suffix, so members of copy KK work on the products of
  copy KK and every reference stays valid.
- `_incubators` are written once; their `highlighted_startups` point to the
  `-r00` copies.
- Every other entry of SRC (`_organisations`, `_teams`, `_phases`,
  `schema`, ...) is copied once, unchanged.

References are rewritten in the text, line by line, so everything else in
the files stays byte for byte identical to the source (dates, quoting,
comments, Markdown body). Each rewritten front matter of copy 00 is parsed
back with PyYAML and compared with the expected data, so a reference the
line-based rewrite missed (or a broken document) stops the script.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import yaml

MARKER = ".pilote-bench-replica"

# Keys whose list items are startup slugs, in _authors and _incubators.
AUTHOR_REF_KEYS = {"startups", "previously"}
INCUBATOR_REF_KEYS = {"highlighted_startups"}

KEY_RE = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s+|$)(?P<rest>.*)$")
ITEM_RE = re.compile(r"^(?P<indent>\s*)-\s+(?P<q>['\"]?)(?P<val>[^'\"#\s][^'\"#]*?)(?P=q)(?P<tail>\s*(?:#.*)?)$")
FLOW_RE = re.compile(r"^\[(?P<body>.*)\](?P<tail>\s*(?:#.*)?)$")


def split_front_matter(text: str) -> tuple[str, str, str] | None:
    """Return (opening, front matter, rest) or None when there is none."""
    if not text.startswith("---"):
        return None
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        return None
    m = re.compile(r"^---[ \t]*\r?$", re.M).search(text, first_nl + 1)
    if m is None:
        return None
    return text[: first_nl + 1], text[first_nl + 1 : m.start()], text[m.start() :]


def rewrite_refs(front: str, keys: set[str], slugs: set[str], suffix: str) -> str:
    """Append `suffix` to every known slug listed under one of `keys`."""
    out = []
    stack: list[tuple[int, str]] = []  # (indent, key) of enclosing mapping keys
    for line in front.split("\n"):
        km = KEY_RE.match(line)
        if km:
            indent = len(km.group("indent")) + len(km.group("dash") or "")
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, km.group("key")))
            rest = km.group("rest")
            fm = FLOW_RE.match(rest.strip())
            if km.group("key") in keys and fm:
                items = [s.strip() for s in fm.group("body").split(",") if s.strip()]
                new_items = []
                for it in items:
                    q = it[0] if it[0] in "'\"" and it[-1] == it[0] and len(it) > 1 else ""
                    val = it[1:-1] if q else it
                    new_items.append(f"{q}{val}{suffix}{q}" if val in slugs else it)
                prefix = line[: len(line) - len(rest)]
                line = f"{prefix}[{', '.join(new_items)}]{fm.group('tail')}"
            out.append(line)
            continue
        im = ITEM_RE.match(line)
        if im:
            indent = len(im.group("indent"))
            while stack and stack[-1][0] > indent:
                stack.pop()
            if stack and stack[-1][1] in keys and im.group("val") in slugs:
                q = im.group("q")
                line = f"{im.group('indent')}- {q}{im.group('val')}{suffix}{q}{im.group('tail')}"
        out.append(line)
    return "\n".join(out)


def expected(data, keys: set[str], slugs: set[str], suffix: str):
    """The same rewrite, done on parsed YAML: what the text must parse to."""
    if isinstance(data, dict):
        res = {}
        for k, v in data.items():
            if k in keys and isinstance(v, list):
                res[k] = [f"{x}{suffix}" if isinstance(x, str) and x in slugs else x for x in v]
            else:
                res[k] = expected(v, keys, slugs, suffix)
        return res
    if isinstance(data, list):
        return [expected(x, keys, slugs, suffix) for x in data]
    return data


def rewrite_file(text: str, keys, slugs, suffix, check: bool, name: str) -> str:
    parts = split_front_matter(text)
    if parts is None:
        return text
    opening, front, rest = parts
    new_front = rewrite_refs(front, keys, slugs, suffix)
    if check:
        try:
            before = yaml.safe_load(front)
        except yaml.YAMLError:
            before = None  # unreadable in the source too: leave it to the importer
        if before is not None:
            after = yaml.safe_load(new_front)
            if after != expected(before, keys, slugs, suffix):
                sys.exit(f"replicate_beta: {name}: line-based rewrite does not match the YAML rewrite")
    return opening + new_front + rest


def md_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix == ".md")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--copies", type=int, default=100)
    args = ap.parse_args()
    src: Path = args.src
    dst: Path = args.dst
    copies: int = args.copies
    if copies < 1:
        sys.exit("replicate_beta: --copies must be >= 1")
    if not (src / "_startups").is_dir():
        sys.exit(f"replicate_beta: {src} has no _startups folder")
    if dst.exists():
        if dst.is_dir() and not any(dst.iterdir()):
            dst.rmdir()
        elif not (dst / MARKER).exists():
            sys.exit(f"replicate_beta: {dst} exists and was not made by this script; not touching it")
        else:
            shutil.rmtree(dst)
    dst.mkdir(parents=True)

    width = max(2, len(str(copies - 1)))
    suffixes = [f"-r{k:0{width}d}" for k in range(copies)]
    startups = md_files(src / "_startups")
    slugs = {p.stem for p in startups}

    for entry in sorted(src.iterdir()):
        if entry.name in ("_startups", "_authors", "_incubators"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, dst / entry.name)
        else:
            shutil.copy2(entry, dst / entry.name)

    # Startups: unchanged content under a suffixed name.
    out = dst / "_startups"
    out.mkdir()
    for p in startups:
        data = p.read_bytes()
        for sfx in suffixes:
            (out / f"{p.stem}{sfx}{p.suffix}").write_bytes(data)
    for p in sorted((src / "_startups").iterdir()):
        if p not in startups:  # non-Markdown leftovers, copied once
            shutil.copy2(p, out / p.name) if p.is_file() else shutil.copytree(p, out / p.name)

    # Authors: one rewritten text per copy.
    if (src / "_authors").is_dir():
        out = dst / "_authors"
        out.mkdir()
        for p in sorted((src / "_authors").iterdir()):
            if not (p.is_file() and p.suffix == ".md"):
                shutil.copy2(p, out / p.name) if p.is_file() else shutil.copytree(p, out / p.name)
                continue
            text = p.read_text(encoding="utf-8")
            for k, sfx in enumerate(suffixes):
                new = rewrite_file(text, AUTHOR_REF_KEYS, slugs, sfx, k == 0, str(p))
                (out / f"{p.stem}{sfx}{p.suffix}").write_text(new, encoding="utf-8")

    # Incubators: once, featured products point to copy 00.
    if (src / "_incubators").is_dir():
        out = dst / "_incubators"
        out.mkdir()
        for p in sorted((src / "_incubators").iterdir()):
            if not (p.is_file() and p.suffix == ".md"):
                shutil.copy2(p, out / p.name) if p.is_file() else shutil.copytree(p, out / p.name)
                continue
            text = p.read_text(encoding="utf-8")
            new = rewrite_file(text, INCUBATOR_REF_KEYS, slugs, suffixes[0], True, str(p))
            (out / p.name).write_text(new, encoding="utf-8")

    (dst / MARKER).write_text(f"source: {src}\ncopies: {copies}\n", encoding="utf-8")
    n_auth = len(md_files(dst / "_authors")) if (dst / "_authors").is_dir() else 0
    print(f"replicate_beta: {len(startups)} startups x {copies} = {len(startups) * copies} products, "
          f"{n_auth} members, into {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
