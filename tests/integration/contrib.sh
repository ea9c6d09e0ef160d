#!/bin/bash
# Documentation and integration: the completion scripts load and know every
# command and key; the man pages render without warnings; zccachectl status
# colours only a terminal; zccachectl explain says why compiles missed; the
# masquerade script, the CMake snippet, the meson native file and the cargo
# snippet each send compiles through zccache.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

C=$SRCDIR/contrib
cd "$T/work" || exit 1
ESC=$'\033'

# --- bash completion -------------------------------------------------------
# complete_words FILE LINE: what the completion function offers for LINE,
# the cursor at its end, one word a line (without bash-completion loaded).
complete_words() {
	bash --norc --noprofile -c '
		source "$1" || exit 1
		line=$2
		read -ra COMP_WORDS <<<"$line"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$line COMP_POINT=${#line}
		fn=$(complete -p "${COMP_WORDS[0]}" | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
		"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}
# The commands zccachectl --help lists.
help_commands=$(zccachectl --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p')
ok "zccachectl --help lists commands" [ -n "$help_commands" ]

for prog in zccache zccachectl; do
	f=$C/bash-completion/$prog
	out=$(bash -n "$f" 2>&1)
	ok "bash -n $prog completion" [ $? -eq 0 -a -z "$out" ]
	out=$(bash --norc --noprofile -c 'source "$1" && complete -p "$2"' _ "$f" "$prog" 2>"$T/err")
	rc=$?
	ok "$prog completion loads and registers (status $rc)" [ "$rc" -eq 0 ]
	is "$prog completion: nothing on stderr" "$(cat "$T/err")" ""
	ok "$prog completion: complete -F for $prog" grep -q -- "-F _$prog $prog\$" <<<"$out"
	out=$(bash --norc --noprofile -i -c 'source "$1" && complete -p "$2"' _ "$f" "$prog" \
		2>&1 </dev/null | grep -v -e 'no job control' -e 'cannot set terminal process group')
	ok "$prog completion loads in an interactive bash" grep -q -- "-F _$prog $prog\$" <<<"$out"
done
got=$(complete_words "$C/bash-completion/zccachectl" "zccachectl " | sort | tr '\n' ' ')
is "bash: zccachectl offers every command of --help" "$got" "$(sort <<<"$help_commands" | tr '\n' ' ')"
is "bash: zccachectl --json con" "$(complete_words "$C/bash-completion/zccachectl" "zccachectl --json con")" config
is "bash: config subcommands" "$(complete_words "$C/bash-completion/zccachectl" "zccachectl config " | tr '\n' ' ')" "show get set "
is "bash: flush options" "$(complete_words "$C/bash-completion/zccachectl" "zccachectl flush --o")" --older-than
is "bash: log levels" "$(complete_words "$C/bash-completion/zccachectl" "zccachectl config set log_level d")" debug
got=$(complete_words "$C/bash-completion/zccache" "zccache g" | tr '\n' ' ')
ok "bash: zccache g offers gcc and g++ ($got)" grep -q -e "\bgcc " -e "\bg++ " <<<"$got"
is "bash: zccache options" "$(complete_words "$C/bash-completion/zccache" "zccache --h")" --help
out=$(shellcheck --version 2>/dev/null) && {
	ok "shellcheck: bash completion" shellcheck -s bash "$C/bash-completion/zccache" "$C/bash-completion/zccachectl"
	ok "shellcheck: masquerade-setup.sh" shellcheck "$C/masquerade-setup.sh"
}

# --- zsh completion --------------------------------------------------------
for prog in zccache zccachectl; do
	if command -v zsh >/dev/null; then
		out=$(zsh -n "$C/zsh/_$prog" 2>&1)
		ok "zsh -n _$prog" [ $? -eq 0 -a -z "$out" ]
		ok "_$prog starts with compdef $prog" grep -q "^#compdef $prog\$" "$C/zsh/_$prog"
	else
		skip_case "zsh -n _$prog" "zsh is not installed"
	fi
done
missing=$(for c in $help_commands; do grep -q "'$c:" "$C/zsh/_zccachectl" || echo "$c"; done)
is "zsh: _zccachectl describes every command of --help" "$missing" ""

# --- man pages -------------------------------------------------------------
if command -v man >/dev/null; then
	for page in "$SRCDIR"/man/*.[1-8]; do
		err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		is "man --warnings -l $(basename "$page"): no warnings" "$err" ""
	done
	ok "zccachectl(1) documents explain" grep -q '^\.BR explain' "$SRCDIR/man/zccachectl.1"
else
	skip_case "man pages render without warnings" "man is not installed"
fi

# --- zccachectl status -----------------------------------------------------
zccachectl status >/dev/null 2>&1
out=$(zccachectl status)
is "status exits 0" "$?" 0
ok "status says running on its first line" grep -q "^. zccache server: running\$" <<<"$(head -n1 <<<"$out")"
for field in Active Activation PID Cache Size "Hit rate"; do
	ok "status shows $field" grep -q "^ *$field: " <<<"$out"
done
ok "status on a pipe: no escape codes" test "$(tr -d '\033' <<<"$out")" == "$out"
out=$(NO_COLOR=1 zccachectl status)
ok "NO_COLOR=1 status: no escape codes" test "$(tr -d '\033' <<<"$out")" == "$out"
is "--json status still says running" "$(zccachectl --json status | jget running)" true
is "--json status has no colour fields" "$(zccachectl --json status | tr -d '\033' | wc -c)" \
	"$(zccachectl --json status | wc -c)"
if command -v script >/dev/null; then
	tty_out=$(TERM=xterm script -qc "$CTL status" /dev/null </dev/null)
	ok "status on a terminal: coloured (green dot)" grep -qF "${ESC}[0;1;32m" <<<"$tty_out"
	tty_out=$(NO_COLOR=1 TERM=xterm script -qc "$CTL status" /dev/null </dev/null)
	ok "NO_COLOR=1 status on a terminal: no escape codes" \
		test "$(tr -d '\033' <<<"$tty_out")" == "$tty_out"
	tty_out=$(TERM=dumb script -qc "$CTL status" /dev/null </dev/null)
	ok "TERM=dumb status on a terminal: no escape codes" \
		test "$(tr -d '\033' <<<"$tty_out")" == "$tty_out"
else
	skip_case "status on a terminal is coloured" "script (util-linux) is not installed"
fi

# --- zccachectl explain ----------------------------------------------------
out=$(zccachectl explain)
is "explain with nothing recorded exits 0" "$?" 0
ok "and says nothing missed" grep -q "No compile has missed" <<<"$out"
printf '#include "h.h"\nint f(void) { return X; }\n' >a.c
printf '#define X 1\n' >h.h
printf 'int main(void) { return 0; }\n' >m.c
zccache gcc -c a.c -o a.o
zccache gcc -c a.c -o a.o # a hit: not listed
zccache gcc m.c -o m      # linking: uncacheable
zccache gcc -save-temps -c m.c -o m.o
sleep 1.1
printf '#define X 2\n' >h.h
sleep 0.1
zccache gcc -c a.c -o a.o # h.h changed
zccache gcc -O2 -c a.c -o a.o
printf 'int g(void) { return nope; }\n' >bad.c
zccache gcc -c bad.c -o bad.o 2>/dev/null
out=$(zccachectl explain)
is "explain exits 0" "$?" 0
sed 's/^/# /' <<<"$out" | head -n 12
is "explain lists 6 compiles (the hit is not one)" "$(grep -c '^#[0-9]' <<<"$out")" 6
is "newest first: 6 then 5" "$(grep -o '^#[0-9]*' <<<"$out" | head -n2 | tr '\n' ' ')" "#6 #5 "
ok "a failed compile: says so" grep -q "result:  the compile failed" <<<"$out"
ok "linking: the reason" grep -q "not cacheable: linking" <<<"$out"
ok "linking: the command" grep -q "command: gcc m.c -o m\$" <<<"$out"
ok "-save-temps: the reason and the option" grep -q "not cacheable: extra outputs.*: -save-temps" <<<"$out"
ok "a changed header: which one" grep -q "miss: .*h.h changed" <<<"$out"
ok "a new flag: which argument" grep -q "miss: no entry for this command and source; since compile #[0-9]*: added -O2" <<<"$out"
ok "the first compile: no entry" grep -q "miss: no entry for this command and source\$" <<<"$out"
ok "the source is named" grep -q "source:  bad.c" <<<"$out"
ok "the cwd is named" grep -q "cwd:     $T/work\$" <<<"$out"
is "explain 2 lists 2" "$(zccachectl explain 2 | grep -c '^#[0-9]')" 2
ok "and says there are more" grep -q "the last 2 of 6" <<<"$(zccachectl explain 2)"
zccachectl explain 0 >/dev/null 2>&1
is "explain 0 is a usage error" "$?" 2
zccachectl explain x >/dev/null 2>&1
is "explain x is a usage error" "$?" 2
json=$(zccachectl --json explain)
is "--json explain: 6 compiles" "$(jget compiles <<<"$json" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 6
is "--json explain: kinds, newest first" "$(python3 -c 'import json,sys; print(" ".join(c["kind"] for c in json.load(sys.stdin)["compiles"]))' <<<"$json")" \
	"miss miss miss uncacheable uncacheable miss"
is "--json explain: reasons" "$(python3 -c 'import json,sys; print(" ".join(c["reason"] for c in json.load(sys.stdin)["compiles"]))' <<<"$json")" \
	"miss miss miss extra_output linking miss"
is "--json explain: outcomes of the misses" "$(python3 -c 'import json,sys; print(" ".join(c.get("outcome", "-") for c in json.load(sys.stdin)["compiles"]))' <<<"$json")" \
	"compile_failed stored stored - - stored"
is "--json explain: the option" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["compiles"][3]["explain"])' <<<"$json")" \
	"extra_output: -save-temps"
is "explain --json after the command works too" "$(zccachectl explain --json 1 | jget capacity)" 100

# --- masquerade-setup.sh ---------------------------------------------------
out=$(sh "$C/masquerade-setup.sh")
is "masquerade-setup.sh exits 0" "$?" 0
M=$HOME/.local/lib/zccache
for n in gcc g++ cc c++ clang clang++; do
	ok "$n links to zccache" test "$(readlink "$M/$n")" == "$LAUNCHER"
done
line=$(tail -n1 <<<"$out")
is "it prints the PATH line" "$line" "export PATH=\"$M:\$PATH\""
mark
before=$(counter requests.compile)
(eval "$line" && [ "$(command -v gcc)" = "$M/gcc" ] && gcc -c a.c -o masq.o && cc -c m.c -o masq2.o)
is "compiles through the links succeed" "$?" 0
ok "and wrote objects" test -s masq.o -a -s masq2.o
is "the server saw both" "$(counter requests.compile)" $((before + 2))
out=$(PATH="$M:$PATH" sh "$C/masquerade-setup.sh")
ok "a second run, already in PATH, says so" grep -q "already first in PATH" <<<"$out"
sh "$C/masquerade-setup.sh" --remove >/dev/null
ok "--remove takes the links away" test ! -e "$M/gcc" -a ! -e "$M"

# --- CMake, meson, cargo ---------------------------------------------------
if command -v cmake >/dev/null && command -v ninja >/dev/null; then
	mkdir -p cm && printf 'int main(void) { return 0; }\n' >cm/main.c
	printf 'cmake_minimum_required(VERSION 3.13)\nproject(t C)\ninclude(%s/cmake/zccache.cmake)\nadd_executable(t main.c)\n' \
		"$C" >cm/CMakeLists.txt
	before=$(counter requests.compile)
	cmake -S cm -B cm/build -G Ninja >"$T/cmake.out" 2>&1 && cmake --build cm/build >>"$T/cmake.out" 2>&1
	is "cmake with zccache.cmake builds" "$?" 0
	ok "it says it uses zccache" grep -q "Compiling through zccache" "$T/cmake.out"
	ok "the compile rule runs zccache" grep -q "command = .*zccache /usr/bin/cc\|command = .*zccache .*gcc" \
		cm/build/CMakeFiles/rules.ninja
	ok "compiles reached the server" [ "$(counter requests.compile)" -gt "$before" ]
else
	skip_case "cmake with zccache.cmake" "cmake or ninja is not installed"
fi
if command -v meson >/dev/null && command -v ninja >/dev/null; then
	mkdir -p ms && printf 'int main(void) { return 0; }\n' >ms/main.c
	printf "project('t', 'c')\nexecutable('t', 'main.c')\n" >ms/meson.build
	before=$(counter requests.compile)
	(cd ms && meson setup build --native-file "$C/meson/zccache-native.ini" >"$T/meson.out" 2>&1 &&
		ninja -C build >>"$T/meson.out" 2>&1)
	is "meson with zccache-native.ini builds" "$?" 0
	ok "its C compiler is zccache gcc" grep -q "C compiler for the host machine: zccache gcc" "$T/meson.out"
	ok "compiles reached the server" [ "$(counter requests.compile)" -gt "$before" ]
else
	skip_case "meson with zccache-native.ini" "meson or ninja is not installed"
fi
if out=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["build"]["rustc-wrapper"])' \
	"$C/cargo/config.toml" 2>&1); then
	is "cargo config: build.rustc-wrapper" "$out" zccache
else
	skip_case "cargo config: build.rustc-wrapper" "python3 has no tomllib"
fi

stop_server
done_testing
