#!/usr/bin/env python3
"""Derives joulebench's CPU TDP table from CodeCarbon's cpu_power.csv (MIT).

Usage: derive_cpu_tdp.py [CODECARBON_DATA_DIR]   (default: the workspace's shared copy)
Writes cpu_tdp.csv next to this script: name,tdp_w, in CodeCarbon's row order (its matcher
breaks no ties by order, but the order is kept so the table reads like the source).
"""
import csv
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[3] / "shared" / "data" / "codecarbon"


def main() -> int:
    source = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    with open(source / "cpu_power.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    kept, skipped = [], []
    for r in rows:
        name = r["Name"].strip()
        if "," in name or not name:
            skipped.append(f"{name} (a comma in the name)")
            continue
        try:
            kept.append((name, float(r["TDP"])))
        except ValueError:
            skipped.append(f"{name} ({r['TDP']})")
    with open(HERE / "cpu_tdp.csv", "w", newline="", encoding="utf-8") as out:
        out.write("# Derived by derive_cpu_tdp.py from mlco2/codecarbon@b05965e4 "
                  "codecarbon/data/hardware/cpu_power.csv (MIT).\n")
        out.write(f"# Skipped, TDP not a number upstream: {'; '.join(skipped)}.\n")
        out.write("name,tdp_w\n")
        for name, tdp in kept:
            out.write(f"{name},{tdp:g}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
