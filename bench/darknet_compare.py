#!/usr/bin/env python3
"""Compares two darknet_tables reports of the same capture (docs/benchmarks.md,
"Darknet analysis"): a change to the analysis's speed must not change its
heavy hitters.

  bench/darknet_compare.py BEFORE.json AFTER.json

Checks, per space-saving table (capacities k: top sources 1024, SYN scanners
8192, victims 4096; DarknetOptions), that every row of either report above
the table's guarantee threshold N/k (N: the packets, SYNs or backscatter
packets the table was offered) is in the other with the same numbers, and
that every scalar of the report (totals, distinct counts) is equal. Prints
what differs below the threshold (the low-count tail) in numbers. Exit 0 when
the heavy hitters agree, 1 when not.
"""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def compare(name, before, after, key, value, heavy):
    """Rows keyed by key(row); value(row) must agree for heavy(row) rows."""
    b = {key(r): r for r in before}
    a = {key(r): r for r in after}
    bad = []
    for side, rows, other in (("before", b, a), ("after", a, b)):
        for k, r in rows.items():
            if heavy(r) and (k not in other or value(other[k]) != value(r)):
                bad.append(f"{name}: {k} {value(r)} ({side}) vs "
                           f"{value(other[k]) if k in other else 'absent'}")
    n_heavy = sum(1 for r in b.values() if heavy(r))
    only_b = len(set(b) - set(a))
    only_a = len(set(a) - set(b))
    both = set(a) & set(b)
    changed = sum(1 for k in both if value(a[k]) != value(b[k]))
    print(f"{name}: {len(b)} rows before, {len(a)} after; {n_heavy} above "
          f"the threshold, all equal: {'yes' if not bad else 'NO'}; tail: "
          f"{only_b} only before, {only_a} only after, {changed} of "
          f"{len(both)} in both changed")
    return bad


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    b, a = load(sys.argv[1]), load(sys.argv[2])
    bad = []
    for k, v in b.items():
        if not isinstance(v, (list, dict)) and a.get(k) != v:
            if k in ("scanners_total", "mirai_hosts_total", "attacks_total"):
                continue  # table contents: reported below
            bad.append(f"{k}: {v} before, {a.get(k)} after")
    for k in ("scanners_total", "mirai_hosts_total", "attacks_total"):
        print(f"{k}: {b[k]} before, {a[k]} after")

    src_t = b["packets"] / 1024
    bad += compare("top sources", b["top_sources"], a["top_sources"],
                   lambda r: r["ip"], lambda r: (r["packets"], r["error"]),
                   lambda r: r["packets"] > src_t)
    syn_t = b["syn"] / 8192
    bad += compare("SYN scanners", b["scanners"], a["scanners"],
                   lambda r: r["ip"],
                   lambda r: (r["syns"], r["destinations"], r["ports"],
                              r["top_ports"], r["first"], r["last"]),
                   lambda r: r["syns"] > syn_t)
    bad += compare("Mirai hosts", b["mirai_hosts"], a["mirai_hosts"],
                   lambda r: r["ip"],
                   lambda r: (r["fingerprinted"], r["syns"], r["ports"],
                              r["confidence"]),
                   lambda r: r["syns"] > syn_t)
    # Attacks by victim: a victim above the threshold keeps all its attacks.
    bs_t = b["backscatter"] / 4096

    def victims(report):
        v = {}
        for at in report["dos_attacks"]:
            v.setdefault(at["victim"], []).append(at)
        return [{"victim": k, "attacks": sorted(x, key=lambda y: y["start"]),
                 "packets": sum(y["packets"] for y in x)}
                for k, x in v.items()]

    bad += compare("DoS victims", victims(b), victims(a),
                   lambda r: r["victim"],
                   lambda r: json.dumps(r["attacks"], sort_keys=True),
                   lambda r: r["packets"] > bs_t)
    for line in bad[:50]:
        print("DIFFERS:", line)
    print(f"heavy hitters: {'equal' if not bad else f'{len(bad)} differences'}")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
