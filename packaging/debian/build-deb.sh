#!/bin/bash
# build-deb.sh OUTDIR [dpkg-buildpackage options]: build zccache's binary
# packages from this source tree, offline, and put the .deb files in OUTDIR.
# The tree is copied to a temporary folder with packaging/debian as its
# debian/, so the repository never gets a debian/ of its own. Honours
# DEB_BUILD_OPTIONS (nocheck, parallel=N) and DEB_BUILD_PROFILES.
set -euo pipefail
build_tool=dpkg-buildpackage build_kind=deb
. "$(dirname "$0")/../build-common.sh"

version=$(sed -n "s/^zccache (\([^)]*\)).*/\1/p;q" "$here/changelog")
tree=$tmp/zccache-$version
bash "$src/packaging/copy-tree.sh" "$src" "$tree"
rm -rf "$tree/debian"
cp -r "$here" "$tree/debian"
rm -f "$tree/debian/build-deb.sh"

(cd "$tree" && dpkg-buildpackage -us -uc -b "$@")
shopt -s nullglob
debs=("$tmp"/*.deb)
if [ ${#debs[@]} -eq 0 ]; then
	echo "build-deb.sh: no .deb was built" >&2
	exit 1
fi
cp "${debs[@]}" "$tmp"/*.buildinfo "$tmp"/*.changes "$out"/
for d in "${debs[@]}"; do echo "$out/$(basename "$d")"; done
