#!/usr/bin/env python3
"""Derives joulebench's grid carbon-intensity tables from CodeCarbon's data (MIT).

Usage: derive_carbon_tables.py [CODECARBON_DATA_DIR]   (default: the workspace's shared copy)

Writes, next to this script:
  carbon_intensity_countries.csv      iso3,country,g_per_kwh,year,source
  carbon_intensity_cloud_regions.csv  provider,region,iso3,g_per_kwh,year,source
Only the standard library; the output is deterministic (sorted), so a re-run shows no diff.
"""
import csv
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[3] / "shared" / "data" / "codecarbon"
UPSTREAM = "mlco2/codecarbon@b05965e4"
# Google's region figures carry no year in CodeCarbon's file; they were last updated there on
# 2024-07-13 (commit ca104ad9, "Updated new GCP Grid carbon intensity impact values").
CLOUD_YEAR = "unknown"
CLOUD_NOTE = "Google Cloud region carbon data via CodeCarbon impact.csv (updated there 2024-07-13)"


def main() -> int:
    source = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    mix = json.loads((source / "global_energy_mix.json").read_text(encoding="utf-8"))
    with open(HERE / "carbon_intensity_countries.csv", "w", newline="", encoding="utf-8") as out:
        out.write(f"# Derived by derive_carbon_tables.py from {UPSTREAM} "
                  "codecarbon/data/private_infra/global_energy_mix.json (MIT); "
                  "values from Our World in Data / Ember.\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["iso3", "country", "g_per_kwh", "year", "source"])
        for iso3 in sorted(mix):
            row = mix[iso3]
            writer.writerow([iso3, row["country_name"], f'{row["carbon_intensity"]:.3f}',
                             row["year"], "Our World in Data / Ember via CodeCarbon"])
    with open(source / "cloud_impact.csv", encoding="utf-8-sig") as f:
        regions = sorted(csv.DictReader(f), key=lambda r: (r["provider"], r["region"]))
    with open(HERE / "carbon_intensity_cloud_regions.csv", "w", newline="",
              encoding="utf-8") as out:
        out.write(f"# Derived by derive_carbon_tables.py from {UPSTREAM} "
                  "codecarbon/data/cloud/impact.csv (MIT).\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["provider", "region", "iso3", "g_per_kwh", "year", "source"])
        for r in regions:
            writer.writerow([r["provider"], r["region"], r["countryIsoCode"], r["impact"],
                             CLOUD_YEAR, CLOUD_NOTE])
    return 0


if __name__ == "__main__":
    sys.exit(main())
