#!/usr/bin/env bash
# Prepares a machine for running or testing the platform; safe to run again.
#   - installs the Debian packages the project needs where missing (CJK font and
#     libharfbuzz-subset0 for PDFs; chromium too when WITH_BROWSER=1),
#   - creates .venv and installs the project with its extras at the versions pinned in
#     scripts/constraints.txt (only when pyproject, this script or the pins changed).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(fonts-noto-cjk libharfbuzz-subset0)
if [ "${WITH_BROWSER:-0}" = "1" ]; then
  apt_packages+=(chromium)
fi
# pg_dump/pg_restore for `flask backup` (and psql for the backup test) on PostgreSQL.
case "${DATABASE_URL:-}" in postgres*) apt_packages+=(postgresql-client) ;; esac

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml scripts/setup.sh scripts/constraints.txt | sha1sum | cut -c1-12)
if [ ! -f "$stamp" ]; then
  echo "Installing the project into .venv (first run takes a few minutes)"
  log=$(mktemp)
  .venv/bin/python -m pip install -q --upgrade pip >"$log" 2>&1 || true
  # compat mode puts the project folder on sys.path, so packages added later import too;
  # scripts/constraints.txt pins every package to the version CI tested (scripts/freeze)
  if ! .venv/bin/python -m pip install -q -e ".[dev,postgres,worker]" \
      -c scripts/constraints.txt --config-settings editable_mode=compat >"$log" 2>&1; then
    grep -v "^WARNING" "$log" >&2
    echo "pip could not install the project (see above)" >&2
    exit 1
  fi
  rm -f "$log"
  .venv/bin/python -c "import lms, flask, simpy, weasyprint, playwright" >/dev/null
  rm -f .venv/.installed-* && touch "$stamp"
fi
