#!/usr/bin/env python3
"""Validate Open Referral UK answers against the published HSDS 3.0 UK profile JSON schemas
(shipped in tests/fixtures/oruk/, CC BY-SA 4.0, see its README): each file named
<schema>--<anything>.json is checked against tests/fixtures/oruk/<schema>.json, and a
`page--...` file's `contents` against the schema after the second `--`
(page--service_list--services.json). Draft 7, with format checking (uuid, uri, email,
date-time). Exits 1 when any fails.

    pip install 'jsonschema[format]>=4.26,<5'
    python3 tests/interop/validate_oruk.py <dir>
"""
import json
import pathlib
import sys

from jsonschema import Draft7Validator, FormatChecker

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "oruk"


def validator(name):
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=FormatChecker())


def errors_of(v, doc):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in v.iter_errors(doc)]


def main():
    folder = pathlib.Path(sys.argv[1])
    failed = checked = 0
    for path in sorted(folder.glob("*.json")):
        parts = path.stem.split("--")
        doc = json.loads(path.read_text(encoding="utf-8"))
        problems = []
        if parts[0] == "page":
            problems += errors_of(validator("page"), doc)
            item = validator(parts[1])
            for i, entry in enumerate(doc.get("contents", [])):
                problems += [f"contents/{i}/{p}" for p in errors_of(item, entry)]
        else:
            problems += errors_of(validator(parts[0]), doc)
        checked += 1
        if problems:
            failed += 1
            print(f"FAIL  {path.name}:")
            for p in problems[:20]:
                print(f"      {p}")
        else:
            print(f"ok    {path.name}")
    print(f"{checked - failed} of {checked} ORUK documents valid")
    sys.exit(1 if failed or not checked else 0)


if __name__ == "__main__":
    main()
