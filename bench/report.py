#!/usr/bin/env python3
"""Turn the raw results of bench/run into a Markdown report and a summary TSV.

Usage: report.py OUT_DIR

Reads from OUT_DIR:
- `raw.tsv`: one line per wrk measurement (see HEADER below);
- `scenarios/NAME/import.json`: hyperfine's export for each scenario's import;
- `scenarios/NAME/info.tsv`: key/value facts bench/run noted about the scenario;
- `env.tsv`: key/value facts about the machine and the tools.
Writes `OUT_DIR/summary.tsv` and `OUT_DIR/report.md`, and prints the report.
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
from pathlib import Path

HEADER = ["scenario", "target", "rep", "requests", "duration_us", "req_per_s", "p50_us",
          "p99_us", "bytes", "non_2xx_3xx", "socket_errors", "timeouts"]
TARGETS = ["ceiling", "pilote", "datasette-default", "datasette-nosuggest"]
RATIO_BASES = ["ceiling", "datasette-default", "datasette-nosuggest"]


def read_kv(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            k, v = line.split("\t", 1)
            out[k] = v
    return out


def fmt_int(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def fmt_ms(us: float | None) -> str:
    return "-" if us is None else f"{us / 1000:.2f}"


def fmt_ratio(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:.3f}" if x < 0.1 else f"{x:.2f}"


def main() -> int:
    out = Path(sys.argv[1])
    rows = []
    raw = out / "raw.tsv"
    if raw.exists():
        with raw.open(encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                rows.append(r)
    env = read_kv(out / "env.tsv")

    scenarios: list[str] = []
    for r in rows:
        if r["scenario"] not in scenarios:
            scenarios.append(r["scenario"])
    sdirs = out / "scenarios"
    for d in sorted(sdirs.iterdir()) if sdirs.exists() else []:
        if (d / "import.json").exists() and d.name not in scenarios:
            scenarios.append(d.name)

    summary = []  # (scenario, target, runs, median rps, median p99 us, median p50 us, bytes/resp, failures)
    md: list[str] = ["# Pilote benchmark report", ""]
    md += [f"- {k}: {v}" for k, v in env.items()]
    md.append("")

    for sc in scenarios:
        info = read_kv(sdirs / sc / "info.tsv")
        md += [f"## Scenario `{sc}`", ""]
        md += [f"- {k}: {v}" for k, v in info.items()]
        md.append("")

        imp = sdirs / sc / "import.json"
        if imp.exists():
            res = json.loads(imp.read_text(encoding="utf-8"))["results"][0]
            times = res.get("times") or []
            md += ["### Import (`pilote import beta`, fresh SQLite database each run)", "",
                   "| runs | median s | mean s | stddev s | min s | max s |",
                   "|---:|---:|---:|---:|---:|---:|",
                   f"| {len(times)} | {res['median']:.2f} | {res['mean']:.2f} | "
                   f"{(res.get('stddev') or 0):.2f} | {res['min']:.2f} | {res['max']:.2f} |", ""]
            summary.append((sc, "import", len(times), None, None, None, None, 0, res["median"]))

        med: dict[str, dict[str, float]] = {}
        for t in TARGETS:
            rs = [r for r in rows if r["scenario"] == sc and r["target"] == t]
            if not rs:
                continue
            reqs = sum(int(r["requests"]) for r in rs)
            # Latencies only exist for runs that completed at least one request.
            done = [r for r in rs if int(r["requests"]) > 0]
            m = {
                "runs": len(rs),
                "rps": statistics.median(float(r["req_per_s"]) for r in rs),
                "p99": statistics.median(float(r["p99_us"]) for r in done) if done else None,
                "p50": statistics.median(float(r["p50_us"]) for r in done) if done else None,
                "bpr": sum(int(r["bytes"]) for r in rs) / reqs if reqs else None,
                "fail": sum(int(r["non_2xx_3xx"]) + int(r["socket_errors"]) for r in rs),
                "timeouts": sum(int(r.get("timeouts") or 0) for r in rs),
                "all_rps": [float(r["req_per_s"]) for r in rs],
            }
            med[t] = m
            summary.append((sc, t, m["runs"], m["rps"], m["p99"], m["p50"], m["bpr"],
                            m["fail"] + m["timeouts"], None))
        if not med:
            md += ["_No HTTP measurement for this scenario._", ""]
            continue
        md += ["### HTTP throughput and latency (wrk, medians of the runs)", "",
               "| target | runs | req/s (median) | p99 ms (median) | p50 ms (median) | bytes/response (with headers) | failed | timeouts | req/s of each run |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for t, m in med.items():
            each = ", ".join(fmt_int(x) for x in m["all_rps"])
            md.append(f"| {t} | {m['runs']} | {fmt_int(m['rps'])} | {fmt_ms(m['p99'])} | "
                      f"{fmt_ms(m['p50'])} | {fmt_int(m['bpr'])} | {m['fail']} | {m['timeouts']} | {each} |")
        md.append("")
        if "pilote" in med:
            p = med["pilote"]
            md += ["### Ratios (pilote / other)", "",
                   "req/s ratio above 1: pilote serves more requests per second; "
                   "p99 ratio below 1: pilote's slowest 1 % is faster.", "",
                   "| pilote / | req/s ratio | p99 ratio |", "|---|---:|---:|"]
            for b in RATIO_BASES:
                if b in med:
                    o = med[b]
                    rr = p["rps"] / o["rps"] if o["rps"] else None
                    pr = p["p99"] / o["p99"] if p["p99"] and o["p99"] else None
                    md.append(f"| {b} | {fmt_ratio(rr)} | {fmt_ratio(pr)} |")
            md.append("")
        if any(m["fail"] or m["timeouts"] for m in med.values()):
            md += ["**Warning:** some requests failed or timed out (non-2xx/3xx answers, socket "
                   "errors or wrk timeouts); see the wrk outputs in `scenarios/" + sc + "/`.", ""]
        if any(m["p99"] is None for m in med.values()):
            md += ["A target with no p99 completed no request during its runs.", ""]

    with (out / "summary.tsv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["scenario", "target", "runs", "req_per_s_median", "p99_ms_median", "p50_ms_median",
                    "bytes_per_response", "failed_or_timed_out", "import_s_median",
                    "rps_ratio_pilote_over_target", "p99_ratio_pilote_over_target"])
        by = {(s[0], s[1]): s for s in summary}
        for s in summary:
            sc, t, runs, rps, p99, p50, bpr, fail, imp_med = s
            pil = by.get((sc, "pilote"))
            rr = pr = ""
            if rps and pil and pil[3] is not None and t not in ("pilote", "import"):
                rr = f"{pil[3] / rps:.3f}"
                pr = f"{pil[4] / p99:.3f}" if p99 and pil[4] else ""
            w.writerow([sc, t, runs,
                        "" if rps is None else f"{rps:.1f}",
                        "" if p99 is None else f"{p99 / 1000:.3f}",
                        "" if p50 is None else f"{p50 / 1000:.3f}",
                        "" if bpr is None else f"{bpr:.0f}",
                        fail, "" if imp_med is None else f"{imp_med:.3f}", rr, pr])

    text = "\n".join(md).rstrip() + "\n"
    (out / "report.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
