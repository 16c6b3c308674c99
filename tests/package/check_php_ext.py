#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks composer.json's php-ext block against PIE's documented constraints
(php-ext.schema.json, with Debian's python3-jsonschema), and that the schema
rejects each of a set of planted bad blocks, so that the check can fail.

    check_php_ext.py COMPOSER_JSON
"""
import copy
import json
import os
import sys

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "php-ext.schema.json"), encoding="utf-8") as fh:
    schema = json.load(fh)
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)

with open(sys.argv[1], encoding="utf-8") as fh:
    composer = json.load(fh)
failures = 0
if composer.get("type") != "php-ext":
    print(f"composer.json: type is {composer.get('type')!r}, not 'php-ext'")
    failures += 1
block = composer.get("php-ext")
if not isinstance(block, dict):
    print("composer.json: no php-ext block")
    sys.exit(1)
errors = sorted(validator.iter_errors(block), key=lambda e: list(e.path))
for e in errors:
    print(f"composer.json php-ext/{'/'.join(map(str, e.path))}: {e.message}")
    failures += 1
if block.get("extension-name") != "calsync":
    print(f"composer.json: extension-name is {block.get('extension-name')!r}, not 'calsync'")
    failures += 1


def planted(change):
    bad = copy.deepcopy(block)
    change(bad)
    return bad


bad_blocks = {
    "priority below 10": planted(lambda b: b.update(priority=5)),
    "priority not an integer": planted(lambda b: b.update(priority="20")),
    "support-zts not a boolean": planted(lambda b: b.update({"support-zts": "no"})),
    "unknown os family": planted(lambda b: b.update({"os-families": ["linux", "beos"]})),
    "empty os-families": planted(lambda b: b.update({"os-families": []})),
    "os-families with os-families-exclude": planted(lambda b: b.update({"os-families-exclude": ["windows"]})),
    "configure option without a name": planted(lambda b: b.update({"configure-options": [{"description": "x"}]})),
    "configure option name with a space": planted(lambda b: b.update({"configure-options": [{"name": "enable calsync"}]})),
    "configure option name starting with a dash": planted(lambda b: b.update({"configure-options": [{"name": "-x"}]})),
    "needs-value not a boolean": planted(lambda b: b.update({"configure-options": [{"name": "x", "needs-value": 1}]})),
    "unknown download method": planted(lambda b: b.update({"download-url-method": "ftp"})),
    "unknown field": planted(lambda b: b.update({"extension_name": "calsync"})),
    "extension-name not a string": planted(lambda b: b.update({"extension-name": 7})),
    "build-path a number": planted(lambda b: b.update({"build-path": 1})),
}
for name, bad in bad_blocks.items():
    if validator.is_valid(bad):
        print(f"the schema accepted a planted bad block: {name}")
        failures += 1
if failures:
    sys.exit(1)
print(f"php-ext block valid against PIE's documented constraints; {len(bad_blocks)} planted bad blocks rejected")
