#!/bin/bash
# build-rpm.sh OUTDIR [rpmbuild options]: build zccache's binary RPM from this
# source tree on Debian, offline, and put the .rpm files in OUTDIR. Makes
# zccache-VERSION.tar.gz from the tree and runs rpmbuild -bb with the macros
# Debian's rpm lacks (macros.debian). --nodeps: the rpm database of a Debian
# machine is empty, so BuildRequires cannot be checked (the build needs what
# tests/setup.sh installs). Pass --without check to skip %check.
set -euo pipefail
build_tool=rpmbuild build_kind=rpm
. "$(dirname "$0")/../build-common.sh"

version=$(sed -n 's/^Version: *//p' "$here/zccache.spec")
top=$tmp
mkdir -p "$top/SOURCES" "$top/tree"
bash "$src/packaging/copy-tree.sh" "$src" "$top/tree/zccache-$version"
tar -C "$top/tree" -czf "$top/SOURCES/zccache-$version.tar.gz" "zccache-$version"

rpmbuild -bb --nodeps \
	--define "packager zccache maintainers <maintainers@users.noreply.b-seed-be214327.example>" \
	--load "$here/macros.debian" \
	--define "_topdir $top" \
	--define "_rpmdir $out" \
	--define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
	"$@" "$here/zccache.spec"
ls "$out"/*.rpm
