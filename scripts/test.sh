#!/usr/bin/env bash
# Set up and run every check: lint, format, types, stories, and the whole test suite
# (browser tests included). Set TRAINER_TEST_DATABASE_URL to also run the database
# tests against PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# A browser for Playwright: its own download if present, else Debian's Chromium.
if ! ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-* >/dev/null 2>&1 \
   && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser tests (apt-get)..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium > /dev/null
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/trainer check stories/

if [ -n "${TRAINER_TEST_DATABASE_URL:-}" ]; then
  echo "== web and database tests against PostgreSQL =="
  .venv/bin/pytest -q -p no:cacheprovider tests/web
fi
echo "== full suite (SQLite) =="
TRAINER_TEST_DATABASE_URL="" .venv/bin/pytest -q -p no:cacheprovider "$@"
