#!/usr/bin/env bash
# The set-up every command needs, done only when missing.
#   setup.sh         Debian packages (brokers, wasm tools, Lua, the lx106 toolchain, QEMU), then npm
#   setup.sh --node  npm only: what the engine and the Node client (dist/) need to build
set -euo pipefail
cd "$(dirname "$0")/.."

node_only=0
case "${1:-}" in
  --node) node_only=1 ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--node]" >&2; exit 2 ;;
esac

# Everything the firmware build and the tests run: make and C compilers, brokers (mosquitto, RabbitMQ for interop), TLS, wasm tools, Lua, lx106 toolchain, QEMU, fuzzing.
DEBIAN_PACKAGES=(
  mosquitto mosquitto-clients rabbitmq-server openssl libssl-dev socat
  make gcc wabt clang libclang-rt-14-dev
  lua5.1 liblua5.1-0-dev liblua5.3-dev
  gcc-xtensa-lx106 binutils-xtensa-lx106 picolibc-xtensa-lx106-elf qemu-system-misc
)

if [ "$node_only" = 0 ]; then
  missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "setup: installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q >/dev/null
      apt-get install -y -q "${missing[@]}" >/dev/null
    else
      echo "setup: these Debian packages are missing; install them with:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
fi

# npm ci when node_modules is absent or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
