#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: apt packages for race detection (when root),
# a virtualenv in .venv, and the package installed in it. Fast when all is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v clang++ >/dev/null 2>&1 || need_apt+=(clang)
ls /usr/lib/llvm-*/lib/libarcher.so >/dev/null 2>&1 || need_apt+=(libomp-dev)
# llvm-symbolizer: the path probe places coverage blocks in the source with it
# (tools/block_locations.py); clang does not pull it in
ls /usr/lib/llvm-*/bin/llvm-symbolizer >/dev/null 2>&1 || command -v llvm-symbolizer >/dev/null 2>&1 \
  || need_apt+=(llvm)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing ${need_apt[*]} (apt)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "bootstrap: missing ${need_apt[*]}; install them (apt-get install clang libomp-dev llvm g++)" \
         "or race detection reports 'skipped'" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.parcodegen-installed
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing parcodegen into .venv (first run takes a minute)" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -e ".[dev]" 2>&1 | grep -v -E "^WARNING: Location" >&2 || true
  .venv/bin/python -c "import parcodegen, faiss, tree_sitter_cpp, mypy" \
    && .venv/bin/ruff --version >/dev/null \
    || { echo "bootstrap: installation failed" >&2; exit 2; }
  echo "$want" > "$stamp"
fi
