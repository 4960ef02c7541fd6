"""`parcodegen` entry point: one small module per subcommand.

Each module in SUBCOMMANDS defines `register(subparsers)`, which adds its parser and
sets `func` (a callable taking the parsed args and returning an exit code).
Exit codes: 0 success, 1 candidate rejected / nothing found, 2 usage or infrastructure.
No input ends in a traceback: a usage error, a bad file or an unexpected failure is one
line on stderr and exit status 2 (PARCODEGEN_DEBUG=1 re-raises the unexpected ones).
Every subcommand's --help has a description and shows each option's default.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from typing import NoReturn

from parcodegen.errors import ParcodegenError, ProblemError
from parcodegen.sandbox import live

SUBCOMMANDS = ["verify", "optimize", "suite", "kb", "bench", "synth", "import", "problem"]


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions as written; every option that has a default says it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        shown = default not in (None, False, "", argparse.SUPPRESS) and default != []
        if shown and "%(default)" not in text and "default" not in text.lower():
            text = f"{text} (default: %(default)s)".strip()
        return text


class Parser(argparse.ArgumentParser):
    """A usage error is one line (and exit status 2), not the usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def _finish_help(parser: argparse.ArgumentParser) -> None:
    """Every parser below `parser`: a description (its help line when it had none), and
    the defaults shown (an option without help text gets one saying its default)."""
    parser.formatter_class = HelpFormatter
    for action in parser._actions:
        shown = action.default not in (None, False, "", argparse.SUPPRESS)
        if action.help is None and action.option_strings and shown:
            action.help = "(default: %(default)s)"
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, child in action.choices.items():
                if not child.description:
                    child.description = helps.get(name) or f"parcodegen {name}"
                _finish_help(child)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    _finish_help(parser)
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
    except (OSError, UnicodeDecodeError) as exc:  # a file the user named, unreadable
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        if os.environ.get("PARCODEGEN_DEBUG"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"error: unexpected {type(exc).__name__}: {first} (a bug: please report it; "
              "PARCODEGEN_DEBUG=1 shows where)", file=sys.stderr)  # fmt: skip
        return 2
    finally:
        restore()


if __name__ == "__main__":
    sys.exit(main())
