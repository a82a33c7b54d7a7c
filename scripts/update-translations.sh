#!/usr/bin/env bash
# Refresh the interface translations after user-facing strings change.
#
#   1. extract every _() / _l() / gettext string from trainer/**.py and templates/**.html
#      (see babel.cfg) into trainer/translations/messages.pot;
#   2. merge it into the Russian and Kyrgyz catalogues (new strings arrive empty, changed
#      ones arrive marked "fuzzy" with the previous msgid kept for reference);
#   3. compile the .mo files (fuzzy and empty entries fall back to English).
#
# Then translate the empty/fuzzy entries in trainer/translations/*/LC_MESSAGES/messages.po
# (remove the "fuzzy" flag when done; keep %(name)s and {name} placeholders exactly) and
# run this script again, or just: .venv/bin/pybabel compile -d trainer/translations
set -euo pipefail
cd "$(dirname "$0")/.."

PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
DIR=trainer/translations
POT="$DIR/messages.pot"
LANGS=(ru ky)

mkdir -p "$DIR"
# Input is "." so the paths in babel.cfg match; dot-folders such as .venv are skipped.
"$PYBABEL" -q extract -F babel.cfg -k _l -k lazy_gettext \
  --add-comments=TRANSLATORS: --project=trainer --copyright-holder="trainer contributors" \
  -o "$POT" .

for lang in "${LANGS[@]}"; do
  if [ -f "$DIR/$lang/LC_MESSAGES/messages.po" ]; then
    "$PYBABEL" -q update -i "$POT" -d "$DIR" -l "$lang"
  else
    "$PYBABEL" -q init -i "$POT" -d "$DIR" -l "$lang"
  fi
done

"$PYBABEL" compile -d "$DIR" --statistics
