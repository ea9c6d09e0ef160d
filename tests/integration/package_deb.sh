#!/bin/bash
# The Debian package as a user gets it: built from this tree (nocheck),
# lintian-clean, installed with apt-get into the real system, the socket
# enabled for every user, a compile through /usr/lib/zccache/gcc served by
# the installed server; then purged, leaving only the users' caches.
# Installs into /usr: run alone (is_parallel: false), as root, and only where
# no zccache is installed already. The package is purged however it ends.
. "$(dirname "$0")/lib.sh"

skip_all() {
	skip_case "the Debian package" "$1"
	done_testing
	exit
}
[ "$(id -u)" = 0 ] || skip_all "needs root to install the package"
for tool in dpkg-buildpackage dh apt-get; do
	command -v "$tool" >/dev/null || skip_all "$tool not installed (tests/setup.sh installs it)"
done
if dpkg-query -W -f='${Status}' zccache 2>/dev/null | grep -q 'installed' ||
	[ -e /usr/bin/zccache ] || [ -e /usr/lib/zccache ]; then
	skip_all "zccache is already installed on this system; not replacing it"
fi

purge_pkg() {
	if dpkg-query -W zccache >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q zccache >>"$T/purge.log" 2>&1
	fi
}
on_exit purge_pkg
# Killed by meson's timeout, still purge: bash runs no EXIT trap on a signal.
trap 'exit 143' TERM INT HUP

# The installed programs, not the build tree's.
unset ZCCACHE_SERVER
# Without CC, meson puts a ccache or sccache found in PATH in front of the
# compiler, and that one's server would outlive the test.
export CC=gcc
SYSPATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin

# --- build ---
version=$(sed -n "s/^  version: '\(.*\)',$/\1/p" "$SRCDIR/meson.build")
is "debian/changelog has meson's version" \
	"$(sed -n '1s/^zccache (\([^)]*\)).*/\1/p' "$SRCDIR/packaging/debian/changelog")" "$version"
DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" DEB_BUILD_PROFILES=nocheck \
	bash "$SRCDIR/packaging/debian/build-deb.sh" "$T/out" >"$T/build.log" 2>&1
rc=$?
is "build-deb.sh exits 0" "$rc" 0
[ "$rc" = 0 ] || { tail -n 30 "$T/build.log" | sed 's/^/# /'; }
deb=$T/out/zccache_${version}_$(dpkg --print-architecture).deb
ok "it made $(basename "$deb")" test -f "$deb"
ok "the repository has no debian/ of its own" test ! -e "$SRCDIR/debian"

if command -v lintian >/dev/null; then
	out=$(lintian "$T/out/zccache_${version}_$(dpkg --print-architecture).changes" 2>&1 |
		grep -v '^running with root privileges is not recommended!$')
	is "lintian reports no errors or warnings" "$out" ""
else
	skip_case "lintian" "lintian not installed"
fi

dpkg-deb -c "$deb" | awk '{ print $6 ($7 == "->" ? " -> " $8 : "") }' | sed 's|^\./|/|' >"$T/contents"
expected=(
	/usr/bin/zccache /usr/bin/zccached /usr/bin/zccachectl
	/usr/lib/systemd/user/zccache.service /usr/lib/systemd/user/zccache.socket
	/usr/share/man/man1/zccache.1.gz /usr/share/man/man1/zccachectl.1.gz
	/usr/share/man/man5/zccache.conf.5.gz /usr/share/man/man8/zccached.8.gz
	/usr/share/doc/zccache/copyright
	/usr/share/bash-completion/completions/zccache /usr/share/bash-completion/completions/zccachectl
	/usr/share/zsh/vendor-completions/_zccache /usr/share/zsh/vendor-completions/_zccachectl
)
for f in "${expected[@]}"; do
	ok "the package holds $f" grep -qx -- "$f" "$T/contents"
done
masq=(gcc g++ cc c++ clang clang++ emcc em++)
for m in "${masq[@]}"; do
	ok "the package links /usr/lib/zccache/$m" grep -qx -- "/usr/lib/zccache/$m -> ../../bin/zccache" "$T/contents"
done

# --- install ---
(cd "$T/out" && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "./$(basename "$deb")") \
	>"$T/install.log" 2>&1
rc=$?
is "apt-get install ./$(basename "$deb") exits 0" "$rc" 0
[ "$rc" = 0 ] || { tail -n 30 "$T/install.log" | sed 's/^/# /'; }
is "dpkg says it is installed" "$(dpkg-query -W -f='${Status}' zccache 2>/dev/null)" \
	"install ok installed"
dpkg -L zccache >"$T/files" 2>/dev/null
for p in zccache zccached zccachectl; do
	ok "/usr/bin/$p is executable" test -x "/usr/bin/$p"
done
is "zccache --version runs" "$(/usr/bin/zccache --version 2>&1 | grep -c "$version")" 1
ok "the service starts /usr/bin/zccached" \
	grep -qx 'ExecStart=/usr/bin/zccached' /usr/lib/systemd/user/zccache.service
link=/etc/systemd/user/sockets.target.wants/zccache.socket
is "the socket is enabled for every user ($link)" "$(readlink "$link")" \
	/usr/lib/systemd/user/zccache.socket
ok "the service itself is not enabled" test ! -e /etc/systemd/user/default.target.wants/zccache.service
for m in "${masq[@]}"; do
	is "/usr/lib/zccache/$m resolves to /usr/bin/zccache" "$(readlink -f "/usr/lib/zccache/$m")" \
		/usr/bin/zccache
done

# --- a compile through the masquerade folder, first in PATH ---
cd "$T/work" || exit 1
printf 'int answer(void) { return 42; }\n' >a.c
/usr/bin/gcc -c a.c -o direct.o
mkdir -m 700 "$T/run"
is "gcc in PATH is the masquerade link" \
	"$(PATH=/usr/lib/zccache:$SYSPATH command -v gcc)" /usr/lib/zccache/gcc
PATH=/usr/lib/zccache:$SYSPATH gcc -c a.c -o a1.o
is "the first compile exits 0" "$?" 0
PATH=/usr/lib/zccache:$SYSPATH gcc -c a.c -o a2.o
is "the second compile exits 0" "$?" 0
ok "the objects are the ones gcc makes" cmp -s a1.o direct.o
ok "the second too" cmp -s a2.o direct.o
stats=$(/usr/bin/zccachectl --json --no-start stats 2>/dev/null)
is "the installed server saw both compiles (requests.compile)" \
	"$(jget requests.compile <<<"$stats")" 2
is "the second was a hit (direct_hit)" "$(jget direct_hit <<<"$stats")" 1
pid=$(/usr/bin/zccachectl --json --no-start status 2>/dev/null | jget pid)
is "the server is the installed /usr/bin/zccached" "$(readlink "/proc/$pid/exe" 2>/dev/null)" \
	/usr/bin/zccached
is "it was autospawned (no systemd here)" \
	"$(/usr/bin/zccachectl --json --no-start status 2>/dev/null | jget activation)" autospawn
# --- a new login shell: no other step than installing the package ---
ok "the package installs /etc/profile.d/zccache.sh" test -f /etc/profile.d/zccache.sh
login() { # login COMMAND: run it in a fresh login shell, our sandbox's paths kept
	env -i HOME="$HOME" TERM=dumb ZCCACHE_SOCKET="$ZCCACHE_SOCKET" ZCCACHE_DIR="$ZCCACHE_DIR" \
		ZCCACHE_CONFIG="$ZCCACHE_CONFIG" bash -lc "$1"
}
is "a login shell finds gcc in /usr/lib/zccache" "$(login 'command -v gcc')" /usr/lib/zccache/gcc
is "ZCCACHE_NO_PROFILE=1 opts out" \
	"$(env -i HOME="$HOME" ZCCACHE_NO_PROFILE=1 bash -lc 'command -v gcc')" /usr/bin/gcc
mkdir -p "$T/proj"
printf 'int one(void) { return 1; }\n' >"$T/proj/one.c"
printf 'int two(void) { return 2; }\n' >"$T/proj/two.c"
printf 'all: one.o two.o\nclean:\n\trm -f one.o two.o\n' >"$T/proj/Makefile"
before=$(/usr/bin/zccachectl --json --no-start stats 2>/dev/null | jget direct_hit)
login "make -s -C '$T/proj' && make -s -C '$T/proj' clean && make -s -C '$T/proj'" >/dev/null 2>&1
is "make in a fresh login shell is cached: the rebuild hits" \
	"$(($(/usr/bin/zccachectl --json --no-start stats 2>/dev/null | jget direct_hit) - before))" 2
out=$(/usr/bin/zccachectl status 2>&1)
is "zccachectl status exits 0" "$?" 0
ok "zccachectl status says it runs" grep -q 'running' <<<"$out"
/usr/bin/zccachectl stop >/dev/null 2>&1
wait_until 10 pid_gone "$pid"
ok "zccachectl stop stops it" pid_gone "$pid"

# --- purge ---
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q zccache >"$T/purge.log" 2>&1
is "apt-get purge zccache exits 0" "$?" 0
ok "dpkg no longer knows it" bash -c '! dpkg-query -W zccache >/dev/null 2>&1'
left=()
while IFS= read -r f; do
	# Shared folders (/usr, /usr/bin...) stay; everything of ours goes.
	[ -d "$f" ] && [ ! -L "$f" ] && [[ $f != */zccache ]] && continue
	{ [ -e "$f" ] || [ -L "$f" ]; } && left+=("$f")
done <"$T/files"
is "no installed file is left" "${left[*]-}" ""
ok "the enable link is gone" test ! -e "$link" -a ! -L "$link"
is "nothing named zccache left in /etc, /usr or /var/lib" \
	"$(find /etc /usr /var/lib -path /usr/local -prune -o -name '*zccache*' -print 2>/dev/null |
		head -n 5)" ""
ok "the user's cache is kept" test -n "$(ls -A "$ZCCACHE_DIR" 2>/dev/null)"

done_testing
