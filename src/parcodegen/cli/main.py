"""`parcodegen` entry point: one small module per subcommand.

Each module in SUBCOMMANDS defines `register(subparsers)`, which adds its parser and
sets `func` (a callable taking the parsed args and returning an exit code).
Exit codes: 0 success, 1 candidate rejected / nothing found, 2 usage or infrastructure.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from parcodegen.errors import ParcodegenError, ProblemError
from parcodegen.sandbox import live

SUBCOMMANDS = ["verify", "optimize", "suite", "kb", "bench", "synth", "import", "problem"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parcodegen",
        description="Turn serial C/C++ functions into fast, verified OpenMP code.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"parcodegen.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name == f"parcodegen.cli.{name}_cmd":
                continue  # subcommand not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    restore = live.install_interrupt_cleanup()  # SIGINT/SIGTERM/SIGHUP leave no process
    try:
        return int(args.func(args) or 0)
    except ProblemError as exc:
        print(f"error: malformed problem: {exc}", file=sys.stderr)
        return 2
    except ParcodegenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        live.finish()
        print("interrupted; completed work is stored and a re-run resumes it", file=sys.stderr)
        return exc.exit_code if isinstance(exc, live.Interrupted) else 130
    finally:
        restore()


if __name__ == "__main__":
    sys.exit(main())
