#!/usr/bin/env python3
"""Validate FHIR R4 JSON documents with the fhir.resources library (its R4B models, which are
R4-compatible for the resources this service returns): every file given, or every *.json in a
folder. Prints one line a document and exits 1 when any fails.

    pip install 'fhir.resources==8.3.0'
    python3 tests/interop/validate_fhir.py <dir-or-files...>
"""
import json
import pathlib
import sys

from fhir.resources.R4B import get_fhir_model_class


def main():
    paths = []
    for arg in sys.argv[1:]:
        p = pathlib.Path(arg)
        paths.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    failed = 0
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        kind = doc.get("resourceType", "?")
        try:
            get_fhir_model_class(kind).model_validate(doc)
            print(f"ok    {path.name} ({kind})")
        except Exception as e:  # the library's validation errors
            failed += 1
            print(f"FAIL  {path.name} ({kind}): {e}")
    print(f"{len(paths) - failed} of {len(paths)} FHIR documents valid")
    sys.exit(1 if failed or not paths else 0)


if __name__ == "__main__":
    main()
