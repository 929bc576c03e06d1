#!/usr/bin/env bash
# Install the Debian packages Co-op Works needs, when running as root and they are missing.
# Usage: scripts/system-deps.sh run|test
set -euo pipefail
kind="${1:-test}"
run_pkgs=(fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
test_pkgs=("${run_pkgs[@]}" postgresql poppler-utils chromium-headless-shell default-jre-headless wrk)
if [ "$kind" = run ]; then pkgs=("${run_pkgs[@]}"); else pkgs=("${test_pkgs[@]}"); fi

# The accessibility and HTML checkers (axe-core, vnu.jar) come from npm.
if [ "$kind" = test ] && ! command -v npm >/dev/null; then pkgs+=(npm); fi

# python3 -m venv needs ensurepip, which Debian ships separately.
python3 -c "import ensurepip" 2>/dev/null || pkgs+=("python3-venv")

missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
