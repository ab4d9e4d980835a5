#!/usr/bin/env bash
# The dashboard's browser test drives Debian's chromium through playwright-core, which downloads no browser:
# install the Debian package when it is missing (as root, or through sudo).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "the dashboard test needs /usr/bin/chromium: install your distribution's chromium package" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing Debian's chromium for the dashboard's browser test…" >&2
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
