#!/usr/bin/env bash
# Makes sure Debian's Chromium is present for the end-to-end tests.
# Installs it with apt-get when we may (root, apt available); otherwise says what is missing.
set -euo pipefail
binary=/usr/lib/chromium/chromium
if [ -x "$binary" ] || [ -n "${LIVEFEED_CHROMIUM:-}" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the end-to-end tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No Chromium at $binary: end-to-end tests will be skipped (set LIVEFEED_CHROMIUM to a binary)." >&2
if [ "${CI:-}" = "true" ]; then
  echo "CI needs Chromium for the end-to-end tests." >&2
  exit 1
fi
