"""Command line: python -m dashboard build | export ..."""

from __future__ import annotations

import argparse
import sys

from dashboard import build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build.add_arguments(commands.add_parser("build", help="rebuild data/extracts from the raw sources"))
    args = parser.parse_args(argv)
    if args.command == "build":
        return build.main(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
