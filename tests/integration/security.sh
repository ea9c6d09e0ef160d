#!/bin/bash
# What the server may touch: its socket and cache are private (0600/0700,
# whatever the umask), a store request only concerns the compile of its own
# connection, and a compile request makes the server write only what the
# compiler would have written. Each output case (paths with ../, absolute
# paths, symlinked folders, outputs that are symlinks or hard links, a
# depfile outside the folder, a symlinked cwd) runs in three identical trees:
# plain gcc, a miss, and a hit; the trees must end up identical. Crafted
# requests (a cwd that is not the client's) write nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

GCC=$(command -v gcc)
cd "$T/work" || exit 1
start_marker=$T/start.marker
: >"$start_marker"

# ---- modes ---------------------------------------------------------------------
# Started with umask 000: nothing it creates may be readable by others.
(umask 000 && printf 'int m;\n' >m.c && zccache "$GCC" -c m.c -o m.o)
spid=$(server_pid)
ok "a server runs" server_alive
mode() { stat -c %a "$1"; }
is "socket 0600" "$(mode "$ZCCACHE_SOCKET")" 600
is "socket folder 0700" "$(mode "$(dirname "$ZCCACHE_SOCKET")")" 700
is "cache dir 0700" "$(mode "$ZCCACHE_DIR")" 700
is "log 0600" "$(mode "$ZCCACHE_DIR/log")" 600
open_modes=$(find "$ZCCACHE_DIR" "$(dirname "$ZCCACHE_SOCKET")" \( -type d -perm /077 \) -o \
	\( ! -type d -perm /077 \) -printf '%m %p\n')
is "nothing in the cache or socket folder is open to group or others" "$open_modes" ""
ok "(control: the store holds an artifact)" test "$(find "$ZCCACHE_DIR/store" -type f | wc -l)" -gt 0
# Folders made beforehand with open modes are not used (nor changed): the
# compile goes on directly, and the log says why. The socket folder may be
# readable by others (0755: they see names only; the socket is 0600 and
# checks its peer's uid), not writable (0777, 0775).
open_case() { # NAME FOLDER MODE PATTERN: FOLDER (run or cache) made MODE first
	local d=$T/cases/open-$2-$3 rc
	mkdir -p "$d/$2"
	chmod "$3" "$d/$2"
	(cd "$d" && ZCCACHE_SOCKET=$d/run/zc.sock ZCCACHE_DIR=$d/cache ZCCACHE_QUIET=1 zccache "$GCC" -c "$T/work/m.c" -o m.o)
	rc=$?
	is "$1 $3: the compile exits 0" "$rc" 0
	ok "$1 $3: its object is gcc's" cmp -s "$d/m.o" "$T/work/m.o"
	ok "$1 $3: the log says why it compiled directly" \
		grep -q "compiling directly: .*$4" "$d/cache/log"
	is "$1 $3: left as it was" "$(stat -c %a "$d/$2")" "$3"
}
open_case "socket folder" run 777 "socket folder .* is mode 0777; it must not be writable"
open_case "socket folder" run 775 "socket folder .* is mode 0775; it must not be writable"
open_case "cache dir" cache 755 "cache folder .* is mode 0755; it must be private"

# expect_lines FILE DESC EXPECTED...: line i of FILE is the i-th EXPECTED.
expect_lines() {
	local file=$1 i=1
	shift
	while [ $# -ge 2 ]; do
		is "$1" "$(sed -n "${i}p" "$file")" "$2"
		shift 2
		i=$((i + 1))
	done
}

# ---- store tokens ----------------------------------------------------------------
fake_gcc "$T/fakebin"
printf 'int tok;\n' >tok.c
python3 - "$ZCPROTO" "$T/fakebin/gcc" "$PWD" >"$T/tokens.out" 2>&1 <<'EOF'
import os, subprocess, sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
gcc, cwd = sys.argv[2], sys.argv[3]
def store(sock, token):
    return zcproto.request({"v": 1, "kind": "store", "token": token, "exit": 0,
                            "stdout": "", "stderr": ""}, sock=sock)
a, b = zcproto.connect(), zcproto.connect()
ra = zcproto.request(zcproto.compile_request(["gcc", "-c", "tok.c", "-o", "tok.o"], gcc, cwd),
                     sock=a)
print("miss", ra.get("action"), ra.get("store"))
token = ra.get("token")
if ra.get("private_dir"):  # the launcher's part (private_output.h)
    os.makedirs(ra["private_dir"], exist_ok=True)
subprocess.run([gcc] + ra["argv"][1:], check=True)
# Another connection, without a compile of its own, or with another one.
print("other-connection", store(b, token).get("error"))
print("no-compile", store(zcproto.connect(), token).get("error"))
print("made-up", store(a, "0" * 24).get("error"))
# The real owner still stores: the refusals consumed nothing.
print("owner", store(a, token).get("stored"))
print("replayed", store(a, token).get("error"))
EOF
expect_lines "$T/tokens.out" \
	"a hand-made compile request is a miss with a token" "miss run True" \
	"store with another connection's token: refused" "other-connection bad-request" \
	"store on a connection that compiled nothing: refused" "no-compile bad-request" \
	"store with a made-up token: refused" "made-up bad-request" \
	"the owner then stores" "owner True" \
	"the same token a second time: refused" "replayed bad-request"

# ---- outputs: plain gcc, miss and hit leave identical trees --------------------------
# Each case gets three copies of one tree, D/{work,out}; CMD runs in D/work
# (or D/$CWD). snapshot lists every entry under D: type, mode, links, path,
# symlink target, and for files their digest.
snapshot() {
	(cd "$1" && find . -mindepth 1 ! -name '*.snap' -printf '%y %m %n %p -> %l\n' | sort |
		while read -r y m n p rest; do
			case $y in f) echo "$y $m $n $p $rest $(sha256sum <"$p" | cut -c1-16)" ;;
			*) echo "$y $m $n $p $rest" ;; esac
		done)
}
differ() { ! cmp -s "$1" "$2"; }
# same_tree SNAP_A SNAP_B [PATH]: the same, but for PATH (whose link count
# then differs from the name it was linked to as well: counts are dropped).
same_tree() {
	if [ -z "$3" ]; then
		diff -u "$1" "$2"
	else
		diff -u <(grep -vF " $3 " "$1" | cut -d' ' -f1,2,4- | sort) \
			<(grep -vF " $3 " "$2" | cut -d' ' -f1,2,4- | sort)
	fi
}
# tree DIR SETUP: a fresh tree in DIR with the case's source, SETUP run in DIR.
tree() {
	rm -rf "$1" && mkdir -p "$1/work/sub" "$1/out"
	printf '#include <stdio.h>\nint %s(void) { return puts("%s"); }\n' "$case" "$case" >"$1/work/a.c"
	cp "$1/work/a.c" "$1/work/sub/a.c"
	(cd "$1" && eval "$2")
}
# outputs NAME SETUP CWD CMD...: the case.
outputs() {
	local name=$1 setup=$2 cwd=$3 v d
	shift 3
	case=c_$name
	case=${case//[^a-zA-Z0-9_]/_}
	# All three in one place (-g records the folder), moved aside after.
	d=$T/cases/$name/t
	for v in bare miss hit; do
		tree "$d" "$setup"
		snapshot "$d" >"$d.$v.before.snap"
		mark
		# @D@ in an argument: the tree, for absolute paths.
		if [ $v = bare ]; then
			(cd "$d/$cwd" && "$GCC" "${@//@D@/$d}" 2>/dev/null)
		else
			(cd "$d/$cwd" && zccache "$GCC" "${@//@D@/$d}" 2>/dev/null)
		fi
		echo $? >"$T/cases/$name/$v.rc"
		snapshot "$d" >"$T/cases/$name/$v.after.snap"
		mv "$d.$v.before.snap" "$T/cases/$name/$v.before.snap"
		mv "$d" "$T/cases/$name/$v"
		[ $v = miss ] && deltas "$name: a miss" "depend_miss=1"
		[ $v = hit ] && deltas "$name: a hit" "direct_hit=1"
	done
	is "$name: gcc's exit status" "$(cat "$T/cases/$name/bare.rc")" 0
	ok "$name: gcc changed the tree (control)" \
		differ "$T/cases/$name/bare.before.snap" "$T/cases/$name/bare.after.snap"
	for v in miss hit; do
		is "$name: $v exits like gcc" "$(cat "$T/cases/$name/$v.rc")" 0
		ok "$name: $v leaves the tree exactly as gcc does" \
			same_tree "$T/cases/$name/bare.after.snap" "$T/cases/$name/$v.after.snap" \
			"$([ $v = hit ] && echo "${HIT_KEEPS:-}")"
	done
}

outputs "-o ../x.o" "" work/sub -c a.c -o ../x.o
outputs "-o absolute path to another folder" "" work -c a.c -o @D@/out/x.o
outputs "output folder is a symlink" "ln -s ../out work/linkdir" work -c a.c -o linkdir/a.o
outputs "output is a symlink to a file elsewhere" \
	"echo keep >out/target.o && ln -s ../out/target.o work/a.o" work -c a.c -o a.o
outputs "output is a dangling symlink" "ln -s ../out/nowhere.o work/a.o" work -c a.c -o a.o
outputs "output is a hard link to a file elsewhere" \
	"echo keep >out/keep.o && ln out/keep.o work/a.o" work -c a.c -o a.o
outputs "output of another mode" "echo old >work/a.o && chmod 600 work/a.o" work -c a.c -o a.o
outputs "depfile outside the folder" "" work -c a.c -o a.o -MD -MF ../out/a.d
outputs "depfile is a symlink to a file elsewhere" \
	"echo keep >out/t.d && ln -s ../out/t.d work/a.d" work -c a.c -o a.o -MD -MF a.d
outputs "depfile is a dangling symlink" "ln -s ../out/new.d work/a.d" work -c a.c -o a.o -MD -MF a.d
# A depfile hard-linked to a file elsewhere: cc1 (and clang) write it in
# place, so the other name gets the new bytes too; a hit writes it in place
# as well (open_output), so its tree is exactly gcc's.
outputs "depfile is a hard link to a file elsewhere" \
	"echo keep >out/t.d && ln out/t.d work/a.d" work -c a.c -o a.o -MD -MF a.d
ok "depfile is a hard link: the other name gets the hit's depfile, as gcc's" \
	grep -q '^a.o: a.c' "$T/cases/depfile is a hard link to a file elsewhere/hit/out/t.d"
outputs "cwd is a symlink" "ln -s work cwdlink" cwdlink -c a.c -o a.o -MMD
outputs "-gsplit-dwarf: .dwo is a symlink to a file elsewhere" \
	"echo keep >out/t.dwo && ln -s ../out/t.dwo work/a.dwo" work -g -gsplit-dwarf -c a.c -o a.o

# ---- crafted compile requests ---------------------------------------------------------
# A cwd that is not the client's: the relative -o would land in another folder
# than the compiler's; the server must not write there, and says run.
tree "$T/crafted" ""
(cd "$T/crafted/work" && zccache "$GCC" -c a.c -o a.o) # cached now
mkdir -p "$T/crafted/elsewhere"
cp "$T/crafted/work/a.c" "$T/crafted/elsewhere/a.c"
snapshot "$T/crafted" >"$T/crafted.before.snap"
mark
python3 - "$ZCPROTO" "$GCC" "$T/crafted" >"$T/crafted.out" 2>&1 <<'EOF'
import os, sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
gcc, d = sys.argv[2], sys.argv[3]
os.chdir(d + "/work")
def ask(cwd, argv):
    # As the launcher asks (argv[0], the environment cclib.sh sets).
    r = zcproto.request(zcproto.compile_request([gcc] + argv, gcc, cwd, {"LC_ALL": "C"}))
    return "%s %s" % (r.get("action"), r.get("reason") or r.get("store"))
print(ask(d + "/elsewhere", ["-c", "a.c", "-o", "a.o"]))
print(ask(d + "/elsewhere/../elsewhere", ["-c", "a.c", "-o", "x.o"]))
print(ask("/nonexistent", ["-c", "a.c", "-o", "a.o"]))
print(ask(d + "/work", ["-c", "a.c", "-o", "b.o"]))
# Its own folder spelled another way: the same folder, so served.
print(ask(d + "/work/../work", ["-c", "a.c", "-o", "c.o"]))
EOF
expect_lines "$T/crafted.out" \
	"crafted: another folder as cwd -> run uncached" "run foreign_cwd" \
	"crafted: another folder spelled with ../ -> run uncached" "run foreign_cwd" \
	"crafted: a cwd that does not exist -> run uncached" "run foreign_cwd" \
	"crafted: the client's own folder, another output name -> a hit" "hit None" \
	"crafted: the client's own folder spelled with ../ -> a hit" "hit None"
snapshot "$T/crafted" >"$T/crafted.after.snap"
is "crafted: only the hits' outputs appeared, in the client's folder" \
	"$(diff "$T/crafted.before.snap" "$T/crafted.after.snap" | grep '^[<>]' | cut -d' ' -f1,2,5 | sort)" \
	"> f ./work/b.o
> f ./work/c.o"
deltas "crafted: three uncacheable, two hits" "uncacheable.foreign_cwd=3 direct_hit=2"

# ---- nothing else written ----------------------------------------------------------------
# Outside its cache dir and socket folder, the server wrote only in the case
# trees (checked above): nothing else under $T, nor in its own working folder.
others=$(find "$T" -newer "$start_marker" ! -type d \
	! -path "$T/cache/*" ! -path "$T/run/*" ! -path "$T/cases/*" ! -path "$T/crafted/*" \
	! -path "$T/fakebin/*" ! -path "$T/work/*" ! -name '*.snap' ! -name '*.out' ! -name '*.rc' \
	! -name .mark | sed "s|^$T/||")
is "nothing else under the test folder changed" "$others" ""
scwd=$(readlink "/proc/$spid/cwd")
is "nothing new in the server's working folder ($scwd)" \
	"$(find "$scwd" -maxdepth 1 -newer "$start_marker" ! -type d 2>/dev/null | head -n 3)" ""
done_testing
