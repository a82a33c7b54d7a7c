#!/usr/bin/env bash
# Create .venv and install the project with its web and test extras (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install --quiet -e '.[web,test]' 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import trainer, flask, sqlmodel, playwright" # fail loudly if the install failed
# Interface translations (.po → .mo).
if compgen -G "trainer/translations/*/LC_MESSAGES/messages.po" > /dev/null; then
  .venv/bin/pybabel compile --use-fuzzy -q -d trainer/translations 2>/dev/null || \
    .venv/bin/pybabel compile -q -d trainer/translations
fi
