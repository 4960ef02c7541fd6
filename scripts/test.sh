#!/usr/bin/env bash
# The test command (README): set up what is missing, check the whole built-in suite
# (every expert passes, every mutant gets its declared status; correctness only), then
# run the default test suite. With arguments, only pytest runs, with those arguments
# (e.g. `bash scripts/test.sh -m slow` for the long tests, `-k NAME` for a few).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ $# -eq 0 ]; then
  echo "== parcodegen suite check --no-timing (60 problems: experts and mutants)"
  .venv/bin/parcodegen suite check --no-timing --jobs 2
fi
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
