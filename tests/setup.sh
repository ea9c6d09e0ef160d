#!/bin/bash
# Install what building and testing zccache need on Debian 12, then build.
# Used by demo.sh and run-all.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

PACKAGES=(
	build-essential meson ninja-build pkg-config python3
	libsystemd-dev libevent-dev liblmdb-dev libjansson-dev libcmocka-dev
	libzstd-dev libxxhash-dev
	systemd clang g++ make util-linux mount passwd iproute2 procps valgrind
	libclang-rt-14-dev
	emscripten nodejs jq
	cmake
	debhelper dpkg-dev fakeroot lintian rpm rpmlint
	librust-serde-dev librust-serde-derive-dev librust-serde-json-dev
	# the wrong_hits cases on FAT's timestamps mount a FUSE passthrough
	# (fat2s); they skip (77) where /dev/fuse cannot be used
	fuse3 libfuse3-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

BUILD=${BUILD:-build}
if [ ! -f "$BUILD/build.ninja" ]; then
	# An explicit CC: meson would otherwise wrap the compiler in whatever
	# ccache or sccache the machine has (the benchmark installs both).
	CC=${CC:-cc} meson setup "$BUILD" -Dwerror=true
fi
ninja -C "$BUILD"
