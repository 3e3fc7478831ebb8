#!/usr/bin/env python3
"""Writes the provenance manifest of every model package into the models folder (artifacts/models):
   <manifest>.provenance.json = the static facts of models/provenance.json + each file's SHA-256 and size + the
   headline figures read from this build's own reports. A package whose required files are missing gets no manifest
   (and its pack fails, saying which file is missing).
       scripts/make_provenance.py --artifacts artifacts --version 0.2.0-preview
"""
import argparse
import hashlib
import json
import sys
from pathlib import Path


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def lookup(artifacts: Path, spec: dict):
    path = artifacts / spec["file"]
    if not path.is_file():
        return None
    value = json.loads(path.read_text())
    for key in spec["key"].split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    fmt = spec.get("format")
    return fmt.format(value) if fmt and isinstance(value, (int, float)) else str(value)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--artifacts", required=True, type=Path)
    ap.add_argument("--version", required=True)
    ap.add_argument("--template", type=Path, default=Path(__file__).resolve().parent.parent / "models" / "provenance.json")
    args = ap.parse_args()
    models = args.artifacts / "models"
    template = json.loads(args.template.read_text())
    for pkg in template["packages"]:
        files, missing = [], []
        for name in pkg["files"]:
            optional = name.startswith("?")
            name = name.lstrip("?")
            p = models / name
            if p.is_file():
                files.append({"name": name, "sha256": sha256(p), "bytes": p.stat().st_size})
            elif not optional:
                missing.append(name)
        out = models / f"{pkg['manifest']}.provenance.json"
        if missing:
            print(f"[provenance] {pkg['name']}: no manifest, missing {', '.join(missing)}", file=sys.stderr)
            out.unlink(missing_ok=True)
            continue
        evaluation = dict(pkg["evaluation"])
        figures = []
        for spec in evaluation.get("figures", []):
            value = lookup(args.artifacts, spec)
            figures.append({"name": spec["name"], "value": value if value is not None else "not measured in this build"})
        evaluation["figures"] = figures
        manifest = {k: pkg[k] for k in ("name", "description", "source", "licence", "licenceNotes", "commercialUse", "trainingData", "notes")}
        manifest.update({"version": args.version, "files": files, "evaluation": evaluation})
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest, indent=2) + "\n")
        tmp.replace(out)
        print(f"[provenance] {out.name}: {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
