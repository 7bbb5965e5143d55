#!/usr/bin/env python3
"""Validate a CycloneDX JSON document against the official 1.6 schema.

usage: validate_cyclonedx.py SCHEMA_DIR DOCUMENT
The schema files are those of tests/fixtures/cyclonedx (see its README).
Each is registered under its $id and under the file name the main schema's
$refs use, so no reference leaves this machine. Exit 0 when valid; 1 with
the first errors printed otherwise.
"""
import json
import os
import sys
import warnings

import jsonschema

# RefResolver is deprecated in newer jsonschema releases but is the one API
# that Debian 12's python3-jsonschema (4.10) and newer ones share.
warnings.filterwarnings("ignore", category=DeprecationWarning)


def main():
    schema_dir, document = sys.argv[1], sys.argv[2]
    store = {}
    for name in os.listdir(schema_dir):
        if name.endswith(".schema.json"):
            with open(os.path.join(schema_dir, name)) as f:
                schema = json.load(f)
            store[schema["$id"]] = schema
            store["http://cyclonedx.org/schema/" + name] = schema
    main_schema = store["http://cyclonedx.org/schema/bom-1.6.schema.json"]
    resolver = jsonschema.RefResolver.from_schema(main_schema, store=store)
    validator = jsonschema.Draft7Validator(main_schema, resolver=resolver)
    with open(document) as f:
        doc = json.load(f)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:10]:
        print("invalid at /%s: %s" % ("/".join(str(p) for p in e.path), e.message))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
