# fslib.sh: helpers for the filesystem fault tests, sourced after lib.sh and
# cclib.sh. Small filesystems, read-only mounts, space filled to the byte,
# and a generated C project whose objects do not compress.
# shellcheck shell=bash

# require_gcc WHAT: end the test here, WHAT reported as a skip, without gcc.
require_gcc() {
	command -v gcc >/dev/null && return 0
	skip_case "$1" "gcc is not installed"
	done_testing
	exit 0
}

# mount_tmpfs DIR SIZE: a tmpfs of SIZE (e.g. 2m) at DIR, unmounted (lazily,
# so a server still holding files cannot keep it) when the test ends.
# Fails, saying why in $T/mount.err, where mounting is not allowed.
mount_tmpfs() {
	mkdir -p "$1" || return 1
	mount -t tmpfs -o "size=$2,mode=0700" tmpfs "$1" 2>"$T/mount.err" || return 1
	on_exit "umount -l '$1'"
}

# mount_ro DIR: DIR read-only from now on, for every new path lookup. A bind
# mount of DIR onto itself, then made read-only: files a server already holds
# open stay writable through the mount below (as after a chmod), but nothing
# can be created, renamed or removed. remount,ro of the filesystem itself is
# refused while files on it are open for writing.
mount_ro() {
	mount --bind "$1" "$1" 2>"$T/mount.err" || return 1
	on_exit "umount -l '$1'"
	mount -o remount,bind,ro "$1" 2>"$T/mount.err"
}

# avail DIR: bytes free for us on DIR's filesystem.
avail() { df -B1 --output=avail "$1" | tail -n 1 | tr -d ' '; }

# fill_to DIR BYTES: grow DIR/.filler until the filesystem has BYTES free
# (rounded to its pages). rm DIR/.filler frees the space again.
fill_to() {
	local dir=$1 want=$2 have
	rm -f "$dir/.filler"
	have=$(avail "$dir")
	[ "$have" -gt "$want" ] || return 0
	fallocate -l $((have - want)) "$dir/.filler" 2>/dev/null ||
		head -c $((have - want)) /dev/zero >"$dir/.filler" 2>/dev/null
	return 0
}

# gen_tus DIR FIRST N KIB: DIR/tuSEED.c for N seeds from FIRST, C sources
# whose objects carry KIB KiB of pseudo-random bytes (zstd cannot shrink
# them), different for each seed. With GEN_HEADERS=N each includes N headers
# with long names (made in DIR once), so that its index entry takes several
# LMDB pages. One python for them all: it starts slowly.
gen_tus() {
	python3 - "$1" "$2" "$3" "$4" "${GEN_HEADERS:-0}" <<'EOF'
import os, random, sys
d, first, n, kib, nh = sys.argv[1], *map(int, sys.argv[2:])
names = ["header_with_a_long_name_so_the_index_entry_grows_%03d.h" % i for i in range(nh)]
for name in names:
    h = os.path.join(d, name)
    if not os.path.exists(h):
        with open(h, "w") as f:
            f.write("/* %s */\n" % name)
for seed in range(first, first + n):
    rnd = random.Random(seed)
    data = bytes(rnd.getrandbits(8) for _ in range(kib * 1024))
    with open(os.path.join(d, "tu%d.c" % seed), "w") as f:
        f.write("/* generated, seed %d */\n#include <stddef.h>\n" % seed)
        f.writelines('#include "%s"\n' % name for name in names)
        f.write("const unsigned char blob_%d[] = {\n" % seed)
        for i in range(0, len(data), 32):
            f.write(",".join(str(b) for b in data[i:i + 32]) + ",\n")
        f.write("};\nsize_t size_%d(void) { return sizeof(blob_%d); }\n" % (seed, seed))
EOF
}

# gen_tu FILE SEED KIB: one such source, written as FILE.
gen_tu() {
	local d
	d=$(mktemp -d "$T/gen.XXXXXX") && gen_tus "$d" "$2" 1 "$3" && mv -f "$d/tu$2.c" "$1"
	rm -rf "$d"
}

# gen_project DIR N KIB [FIRST]: DIR/src/tuSEED.c for N seeds from FIRST (1),
# a Makefile building obj/tuSEED.o with $(CC) -O0 -c, and DIR/ref with the
# objects gcc makes directly, uncached, for byte comparisons. When that
# fails, the test ends there with a failure.
gen_project() {
	local d=$1 n=$2 kib=$3 first=${4:-1} i
	mkdir -p "$d/src" "$d/obj" "$d/ref"
	gen_tus "$d/src" "$first" "$n" "$kib"
	for i in $(seq "$first" $((first + n - 1))); do
		(cd "$d" && gcc -O0 -c "src/tu$i.c" -o "ref/tu$i.o") || {
			ok "the project builds uncached" false
			done_testing
			exit 1
		}
	done
	cat >"$d/Makefile" <<'EOF'
OBJS = $(patsubst src/%.c,obj/%.o,$(wildcard src/*.c))
all: $(OBJS)
obj/%.o: src/%.c
	$(CC) -O0 -c $< -o $@
clean:
	rm -f obj/*.o
EOF
}

# zc_tu DIR N: compile DIR's tuN.c through zccache (-O0, as the Makefile
# does); right when byte-identical to the uncached object.
zc_tu() {
	rm -f "$1/obj/tu$2.o"
	(cd "$1" && zccache gcc -O0 -c "src/tu$2.c" -o "obj/tu$2.o") || {
		diag "tu$2: the compile failed"
		return 1
	}
	same "$1/ref/tu$2.o" "$1/obj/tu$2.o"
}
# zc_all DIR FROM TO: zc_tu for each; 0 when all were right.
zc_all() {
	local i bad=0
	for i in $(seq "$2" "$3"); do zc_tu "$1" "$i" || bad=1; done
	return $bad
}
# errlog PATTERN: the server's log lines (its stderr) matching PATTERN.
errlog() { grep -c -- "$1" "$T/server.err"; }

# build_project DIR: make -j2 through zccache, from clean; 0 when it built
# and every object is byte-identical to the uncached one.
build_project() {
	make -s -C "$1" clean >/dev/null 2>&1
	if ! make -s -j2 -C "$1" CC="zccache gcc" >"$T/make.out" 2>"$T/make.err"; then
		diag "make failed:"
		sed 's/^/#   /' "$T/make.err" | head -20
		return 1
	fi
	same_files "$1/ref" "$1/obj" '*.o'
}
