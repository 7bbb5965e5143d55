#!/usr/bin/env bash
# Every public header item has a doc comment, and the doc comments are
# well-formed: run Doxygen (docs/Doxyfile, warnings are errors) over
# INCLUDE_DIR with EXTRACT_ALL so that undocumented items reach its XML, then
# check_docs.py lists every item without a description.
#
# usage: check_docs.sh DOXYFILE INCLUDE_DIR
set -euo pipefail
doxyfile=$1 include_dir=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Doxygen reads the configuration from stdin; later settings win.
{
    cat "$doxyfile"
    printf 'EXTRACT_ALL = YES\nGENERATE_HTML = NO\nGENERATE_XML = YES\n'
} | COPA_DOC_INPUT="$include_dir" COPA_DOC_OUTPUT="$work" COPA_DOC_VERSION=check doxygen -
python3 "$(dirname "$0")/check_docs.py" "$work/xml" "$include_dir"
