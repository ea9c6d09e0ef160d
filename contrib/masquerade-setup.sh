#!/bin/sh
# masquerade-setup.sh: make a folder of links named like compilers (gcc, g++,
# cc, c++, clang, clang++) that point at zccache, for users who built zccache
# from source. With that folder first in PATH, every build that runs "gcc"
# or "cc" compiles through zccache, which finds the real compiler later in
# PATH. Packages ship the same folder as /usr/lib/zccache.
#
#   sh contrib/masquerade-setup.sh [--remove] [DIR]
#
# DIR defaults to ~/.local/lib/zccache. ZCCACHE=/path/to/zccache picks the
# launcher; otherwise it is the zccache found in PATH.
set -eu

usage() {
	echo "Usage: $0 [--remove] [DIR]"
	echo "Make DIR (default ~/.local/lib/zccache) a folder of compiler links to zccache."
}

remove=false
case ${1-} in
-h | --help)
	usage
	exit 0
	;;
-r | --remove)
	remove=true
	shift
	;;
-*)
	usage >&2
	exit 2
	;;
esac
[ $# -le 1 ] || {
	usage >&2
	exit 2
}
dir=${1:-$HOME/.local/lib/zccache}
names="gcc g++ cc c++ clang clang++"

if $remove; then
	for n in $names; do
		[ -L "$dir/$n" ] && rm -f "$dir/$n"
	done
	rmdir "$dir" 2>/dev/null || true
	echo "Removed the links in $dir; take it out of PATH."
	exit 0
fi

zccache=${ZCCACHE:-$(command -v zccache || true)}
if [ -z "$zccache" ] || [ ! -x "$zccache" ]; then
	echo "$0: zccache is not in PATH (install it, or set ZCCACHE=/path/to/zccache)" >&2
	exit 1
fi
case $zccache in
/*) ;;
*) zccache=$(cd "$(dirname "$zccache")" && pwd)/$(basename "$zccache") ;;
esac

mkdir -p "$dir"
for n in $names; do
	ln -sfn "$zccache" "$dir/$n"
done
echo "Made $dir: $names -> $zccache"
case :$PATH: in
":$dir:"*) echo "It is already first in PATH." ;;
*)
	echo "Put this line in ~/.profile (or ~/.bashrc), then start a new shell:"
	echo "export PATH=\"$dir:\$PATH\""
	;;
esac
