#!/usr/bin/env bash
# The main job (README): set up what is missing, then optimize a shipped example with the
# built-in backend (no LLM needed) and print the verified speedup.
# Extra arguments go to `parcodegen optimize`, e.g. `bash scripts/main.sh --backend openai`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
mkdir -p out
exec .venv/bin/parcodegen optimize examples/reduction -o out/reduction.optimized.cpp "$@"
