"""Adds up the .trx files, python.json and consumer.json under a results folder; prints 'N passed, N failed, N skipped'."""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET

results = sys.argv[1]
passed = failed = skipped = 0
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
trx_files = glob.glob(os.path.join(results, "**", "*.trx"), recursive=True)
for trx in trx_files:
    counters = ET.parse(trx).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        failed += 1
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
# Counts written by the non-.NET suites: python.json (training/tests), consumer.json (scripts/check-consumer.sh).
for name in ("python.json", "consumer.json"):
    path = os.path.join(results, name)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            c = json.load(f)
        passed += c["passed"]; failed += c["failed"]; skipped += c["skipped"]
if not trx_files:
    print("no .NET test results found", file=sys.stderr)
    failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
