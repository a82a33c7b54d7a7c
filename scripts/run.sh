#!/usr/bin/env bash
# Set up and run the app on SQLite with the shipped stories and demo accounts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/trainer check stories/ > /dev/null || .venv/bin/trainer check stories/
exec .venv/bin/trainer serve --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
