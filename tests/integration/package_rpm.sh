#!/bin/bash
# The RPM, built from this tree with rpmbuild and Debian's missing macros
# (packaging/rpm/macros.debian): its files, its scriptlets enabling the user
# socket for every user, and rpmlint without errors. Nothing is installed.
. "$(dirname "$0")/lib.sh"

skip_all() {
	skip_case "the RPM" "$1"
	done_testing
	exit
}
command -v rpmbuild >/dev/null || skip_all "rpmbuild not installed (tests/setup.sh installs rpm)"
# Without CC, meson puts a ccache or sccache found in PATH in front of the
# compiler, and that one's server would outlive the test.
export CC=gcc

version=$(sed -n "s/^  version: '\(.*\)',$/\1/p" "$SRCDIR/meson.build")
is "zccache.spec has meson's version" \
	"$(sed -n 's/^Version: *//p' "$SRCDIR/packaging/rpm/zccache.spec")" "$version"
# %check is the same meson test this suite belongs to: not run again here.
bash "$SRCDIR/packaging/rpm/build-rpm.sh" "$T/out" --without check >"$T/build.log" 2>&1
rc=$?
is "build-rpm.sh exits 0" "$rc" 0
[ "$rc" = 0 ] || { tail -n 30 "$T/build.log" | sed 's/^/# /'; }
rpms=("$T"/out/zccache-"$version"-*.rpm)
rpmfile=${rpms[0]}
ok "it made zccache-$version-*.rpm" test -f "$rpmfile"
ok "the repository has no debian/ of its own" test ! -e "$SRCDIR/debian"

rpm -qlp "$rpmfile" >"$T/files" 2>/dev/null
diag "rpm -qlp: $(grep -vc '^/usr/lib/.build-id' "$T/files") files besides .build-id links"
expected=(
	/usr/bin/zccache /usr/bin/zccached /usr/bin/zccachectl
	/usr/lib/systemd/user/zccache.service /usr/lib/systemd/user/zccache.socket
	/usr/lib/systemd/user-preset/90-zccache.preset
	/usr/share/man/man1/zccache.1.gz /usr/share/man/man1/zccachectl.1.gz
	/usr/share/man/man5/zccache.conf.5.gz /usr/share/man/man8/zccached.8.gz
	/usr/lib/zccache
	/usr/share/bash-completion/completions/zccache /usr/share/bash-completion/completions/zccachectl
	/usr/share/zsh/site-functions/_zccache /usr/share/zsh/site-functions/_zccachectl
)
for m in gcc g++ cc c++ clang clang++ emcc em++; do
	expected+=("/usr/lib/zccache/$m")
done
for f in "${expected[@]}"; do
	ok "the RPM holds $f" grep -qx -- "$f" "$T/files"
done
is "the masquerade links point at the launcher" \
	"$(rpm -qlvp "$rpmfile" 2>/dev/null | grep -c ' /usr/lib/zccache/.* -> \.\./\.\./bin/zccache$')" 8

rpm -qp --scripts "$rpmfile" >"$T/scripts" 2>/dev/null
ok "%post presets the socket for every user" \
	grep -q 'systemctl --global preset zccache.socket' "$T/scripts"
ok "%preun disables it on removal" grep -q 'systemctl --global disable zccache.socket' "$T/scripts"
ok "the preset enables zccache.socket" bash -c "rpm2cpio '$rpmfile' |
	(cd '$T' && cpio -id --quiet ./usr/lib/systemd/user-preset/90-zccache.preset) &&
	grep -qx 'enable zccache.socket' '$T/usr/lib/systemd/user-preset/90-zccache.preset'"

if command -v rpmlint >/dev/null; then
	rpmlint -c "$SRCDIR/packaging/rpm/rpmlint.toml" "$rpmfile" "$SRCDIR/packaging/rpm/zccache.spec" \
		>"$T/rpmlint.out" 2>&1
	sed 's/^/# /' "$T/rpmlint.out" | grep -E ': [EW]: '
	is "rpmlint reports no errors" "$(grep -c ': E: ' "$T/rpmlint.out")" 0
else
	skip_case "rpmlint" "rpmlint not installed"
fi

done_testing
