#!/usr/bin/env bash
# The system tools the tests drive, checked before `npm test` (its pretest) and by .ci/run: Caddy (the
# single-host proxy, run for real), a container registry with umoci and skopeo (the static frontend's image
# extraction), shellcheck (the Mongo members' scripts) and openssl (certificates). Missing ones are installed
# with apt when running as root on Debian/Ubuntu; anywhere else this stops at once and names them, so no
# test is skipped for want of a tool.
set -euo pipefail

# Debian package -> the command the tests run.
packages=(caddy docker-registry umoci skopeo shellcheck openssl)
commands=(caddy docker-registry umoci skopeo shellcheck openssl)

missing() {
  local i out=()
  for i in "${!packages[@]}"; do
    command -v "${commands[$i]}" >/dev/null 2>&1 || out+=("${packages[$i]}")
  done
  echo "${out[@]:-}"
}

read -r -a todo <<<"$(missing)"
((${#todo[@]})) || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-tools: installing ${todo[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${todo[@]}" >/dev/null
  read -r -a todo <<<"$(missing)"
  ((${#todo[@]})) || exit 0
  echo "ensure-tools: still missing after apt-get: ${todo[*]}" >&2
  exit 1
fi

echo "ensure-tools: the tests need ${todo[*]}, which this machine lacks." >&2
echo "Install them and run again, e.g. on Debian/Ubuntu: sudo apt-get install ${todo[*]}" >&2
exit 1
