#!/bin/bash
# copy-tree.sh SRCDIR DESTDIR: copy zccache's sources (what git tracks, plus
# new files it does not ignore; no build folders, no .git) into DESTDIR.
# Used by debian/build-deb.sh and rpm/build-rpm.sh.
set -euo pipefail
src=$1 dest=$2
mkdir -p "$dest"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			# A tracked file deleted in the work tree is not copied.
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
		done) | tar -C "$src" --null --no-recursion -T - -cf - | tar -C "$dest" -xf -
else
	tar -C "$src" --exclude=./.git --exclude='./build*' --exclude=./debian -cf - . |
		tar -C "$dest" -xf -
fi
