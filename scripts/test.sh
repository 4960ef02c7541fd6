#!/usr/bin/env bash
# The test command (README): set up what is missing, run the linter, the formatter check
# and the type checker (any finding fails), check the whole built-in suite (every expert
# passes, every mutant gets its declared status; correctness only), then run the default
# test suite. With arguments, only pytest runs, with those arguments
# (e.g. `bash scripts/test.sh -m slow` for the long tests, `-k NAME` for a few).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ $# -eq 0 ]; then
  echo "== ruff check, ruff format --check, mypy (zero findings required)"
  .venv/bin/ruff check src tests
  .venv/bin/ruff format --check src tests
  .venv/bin/python -m mypy src
  echo "== parcodegen suite check --no-timing (60 problems: experts and mutants)"
  .venv/bin/parcodegen suite check --no-timing --jobs 2
fi
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
