# build-common.sh: what build-deb.sh and build-rpm.sh do first. Source it
# (with no arguments, so that it reads and shifts the caller's) after setting
#   build_tool  what the options after OUTDIR are for, for the usage line
#   build_kind  a word for the temporary folder's name (deb, rpm)
# It checks the arguments, shifts OUTDIR off, and sets
#   out   OUTDIR, made and absolute
#   here  the caller's folder (packaging/debian, packaging/rpm)
#   src   the top of the source tree
#   tmp   a fresh temporary folder, removed on exit, readable by others
#         (the peer_uid test runs the built launcher as another user)
if [ $# -lt 1 ]; then
	echo "usage: $0 OUTDIR [$build_tool options]" >&2
	exit 2
fi
out=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zccache-$build_kind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
