#!/usr/bin/env bash
# Create .venv and install the project with its web and test extras (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# pip's own chatter goes to a log; it is shown only when the install fails.
if ! { .venv/bin/python -m pip install --quiet --upgrade pip \
       && .venv/bin/python -m pip install --quiet -e '.[web,test]'; } > .venv/pip.log 2>&1; then
  cat .venv/pip.log
  echo "setup: pip install failed (log above)" >&2
  exit 1
fi
.venv/bin/python -c "import trainer, flask, sqlmodel, playwright" # fail loudly if the install failed
# Interface translations (.po → .mo).
if compgen -G "trainer/translations/*/LC_MESSAGES/messages.po" > /dev/null; then
  .venv/bin/pybabel compile -d trainer/translations > /dev/null 2>&1 || .venv/bin/pybabel compile -d trainer/translations
fi
