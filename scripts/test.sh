#!/usr/bin/env bash
# Installs what the tests need into .venv and runs the whole suite (Python, then the VS Code client).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
. .venv/bin/activate
# The CPU build of torch first: any other spec would download a multi-GB CUDA build.
pip install -q torch==2.13.0
pip install -q -e '.[train,dev]'

# Neovim 0.7 (Debian) for the real-editor test; the test skips with a reason where it cannot be installed.
if ! command -v nvim >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null) \
    || echo "scripts/test.sh: could not install neovim; the Neovim test will be skipped" >&2
fi

if [ -f client-vscode/package-lock.json ] && command -v npm >/dev/null 2>&1; then
  (cd client-vscode && npm ci --no-audit --no-fund && npm test)
fi

# style and types first: a minute at most, and the conventions DESIGN.md asks for stay checked
ruff check .
ruff format --check .
# mypy does not run setuptools' editable-install hook that maps lastfix.grammars to grammars/, so it
# reads the package through a tree of links with the installed layout
mkdir -p .mypy_tree/lastfix
for d in lastfix/*.py lastfix/cli grammars model_runtime model_training server benchmarks; do ln -sfn "$PWD/$d" .mypy_tree/lastfix/; done
MYPYPATH=.mypy_tree mypy

python -m pytest -q -p no:cacheprovider "$@"
