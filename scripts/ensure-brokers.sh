#!/usr/bin/env bash
# Makes sure Debian's nats-server and redis-server are present for the broker tests.
# Installs them with apt-get when we may (root, apt available); otherwise says what is missing.
set -euo pipefail
missing=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/sbin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's ${missing[*]} for the broker tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "Missing ${missing[*]}: the NATS and Redis tests will be skipped." >&2
if [ "${CI:-}" = "true" ]; then
  echo "CI needs ${missing[*]} for the broker tests." >&2
  exit 1
fi
