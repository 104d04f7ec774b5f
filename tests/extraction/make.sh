#!/usr/bin/env bash
# Regenerates the files of the extraction corpus (tests/extraction/docs/*/) from corpus.py:
# source.txt, source.fodt, expected.json and gen.pdf (fpdf2, in a virtual environment under
# /var/tmp), then source.docx and source.pdf converted by LibreOffice (soffice, from Debian's
# packages). The generated files are committed: CI has no LibreOffice. Usage:
#   tests/extraction/make.sh [SLUG…]
#   tests/extraction/make.sh --long     the ~60-page decision of the speed benchmark
#                                       (long/long.docx, long/long.pdf)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv=/var/tmp/vanban-extraction-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q fpdf2==2.8.9
fi
if [ "${1:-}" = "--long" ]; then
    "$venv/bin/python" "$here/render.py" --long
    cd "$here/long"
    soffice --headless --convert-to docx:"MS Word 2007 XML" long.fodt >/dev/null
    soffice --headless --convert-to pdf long.fodt >/dev/null
    rm long.fodt
    exit 0
fi
"$venv/bin/python" "$here/render.py" "$@"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for dir in "$here"/docs/*/; do
    slug="$(basename "$dir")"
    if [ "$#" -gt 0 ] && [[ ! " $* " == *" $slug "* ]]; then
        continue
    fi
    cp "$dir/source.fodt" "$work/$slug.fodt"
done
(
    cd "$work"
    soffice --headless --convert-to docx:"MS Word 2007 XML" ./*.fodt >/dev/null
    soffice --headless --convert-to pdf ./*.fodt >/dev/null
)
for f in "$work"/*.docx; do
    slug="$(basename "$f" .docx)"
    mv "$f" "$here/docs/$slug/source.docx"
    mv "$work/$slug.pdf" "$here/docs/$slug/source.pdf"
done
