"""`python -m dagster_project.contract [--write | --check]`: the files generated from the
delivery descriptions (artifacts.py, and the delivery templates in docs/templates/,
deliver/template.py). Without an option, or with --check, lists the files that
are out of date and exits 1 if any; --write rewrites them."""

import sys

from dagster_project.contract import artifacts
from dagster_project.deliver import template


def main(argv: list[str]) -> int:
    if argv[1:] == ["--write"]:
        changed = artifacts.write() + template.write()
        for rel in changed:
            print(f"wrote {rel}")
        if not changed:
            print("every generated file is up to date")
        return 0
    if argv[1:] in ([], ["--check"]):
        stale = artifacts.drifted() + template.drifted()
        for rel in stale:
            print(f"out of date: {rel} (run: {artifacts.COMMAND})")
        return 1 if stale else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
