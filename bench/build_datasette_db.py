#!/usr/bin/env python3
"""Build the SQLite table that datasette serves in the benchmark.

Usage: build_datasette_db.py BASE_URL OUT_DB

Pages through `BASE_URL/api/v1/products?page_size=1000&page=N` of a running
pilote server (envelope `{"data": [...], "page", "page_size", "total"}`) and
writes one row per product into table `products` of OUT_DB (replaced):

- `slug` TEXT PRIMARY KEY, `title`, `current_phase`, `incubator` first;
- then every other field of the product JSON as its own column, in the order
  first seen: strings, numbers and booleans as they are, lists, objects and
  nulls as JSON text (NULL for null).

Indexes on `current_phase` and `incubator` are created, as any datasette
user filtering on them would do, so that datasette is not penalised by a
full scan that pilote does not have to make.
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
import urllib.request
from pathlib import Path

PAGE_SIZE = 1000
FIRST = ["slug", "title", "current_phase", "incubator"]


def fetch(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 (loopback URL given by bench/run)
        if resp.status != 200:
            raise SystemExit(f"build_datasette_db: {url} answered {resp.status}")
        return json.load(resp)


def fetch_all(base: str) -> list[dict]:
    products: list[dict] = []
    page, max_pages = 1, 1
    while page <= max_pages:  # bounded: max_pages comes from `total`
        env = fetch(f"{base}/api/v1/products?page_size={PAGE_SIZE}&page={page}")
        for key in ("data", "total"):
            if key not in env:
                raise SystemExit(f"build_datasette_db: page {page}: no `{key}` in the envelope")
        size = int(env.get("page_size") or PAGE_SIZE)
        max_pages = max(1, math.ceil(int(env["total"]) / size))
        if not env["data"]:
            break
        products.extend(env["data"])
        page += 1
    total = int(env["total"])
    if len(products) != total:
        raise SystemExit(f"build_datasette_db: got {len(products)} products, total says {total}")
    return products


def cell(value):
    if value is None or isinstance(value, (list, dict)):
        return None if value is None else json.dumps(value, ensure_ascii=False)
    return value


def write_db(products: list[dict], out: Path) -> None:
    columns = list(FIRST)
    for p in products:
        for k in p:
            if k not in columns:
                columns.append(k)
    for f in ("-wal", "-shm", ""):
        Path(str(out) + f).unlink(missing_ok=True)
    con = sqlite3.connect(out)
    cols_sql = ", ".join(
        f'"{c}" TEXT PRIMARY KEY' if c == "slug" else f'"{c}"' for c in columns
    )
    con.execute(f"CREATE TABLE products ({cols_sql})")
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"INSERT INTO products VALUES ({placeholders})",
        ([cell(p.get(c)) for c in columns] for p in products),
    )
    con.execute("CREATE INDEX products_current_phase ON products(current_phase)")
    con.execute("CREATE INDEX products_incubator ON products(incubator)")
    con.commit()
    con.execute("ANALYZE")
    con.close()


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    base, out = sys.argv[1].rstrip("/"), Path(sys.argv[2])
    products = fetch_all(base)
    write_db(products, out)
    phases: dict[str, int] = {}
    for p in products:
        phases[str(p.get("current_phase"))] = phases.get(str(p.get("current_phase")), 0) + 1
    print(f"build_datasette_db: {len(products)} products into {out} (by phase: {phases})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
