#!/usr/bin/env bash
# Runs the test suite without the browser tests on every Python version that pyproject.toml
# declares, each in a virtualenv of its own (.venv-3.X), so that a version we claim is a version
# we test. The main virtualenv's version is skipped: make test-py runs everything on it.
# An interpreter is found as python3.X on PATH, or in pyenv's versions. A missing one is an error
# under CI=true and a warning elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
versions=(${LIVEFEED_PYTHONS:-3.10 3.11 3.12 3.13})
# The main virtualenv's version runs the whole suite already (make test-py).
main=""
if [ -x .venv/bin/python ]; then
  main=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
fi
missing=0
for version in "${versions[@]}"; do
  if [ "$version" = "$main" ]; then
    echo "== Python $version: the main virtualenv's, tested by make test-py =="
    continue
  fi
  python=""
  if candidate=$(command -v "python$version" 2>/dev/null) && "$candidate" -c '' 2>/dev/null; then
    python=$candidate
  elif command -v pyenv >/dev/null 2>&1; then
    for dir in "$(pyenv root)"/versions/"$version".*; do
      if [ -x "$dir/bin/python$version" ]; then python="$dir/bin/python$version"; fi
    done
  fi
  if [ -z "$python" ]; then
    echo "No Python $version found: not tested." >&2
    missing=1
    continue
  fi
  venv=".venv-$version"
  echo "== Python $version ($python) =="
  test -x "$venv/bin/python" || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e ".[test]"
  "$venv/bin/python" -m pytest -m "not e2e" -q -p no:cacheprovider
done
if [ "$missing" = 1 ] && [ "${CI:-}" = "true" ]; then
  echo "CI must test every declared Python version." >&2
  exit 1
fi
