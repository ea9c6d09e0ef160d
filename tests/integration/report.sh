#!/bin/bash
# zccachectl report: a real build (two sessions, two project folders) with
# the journal on; the HTML parses cleanly, is self-contained (no script, no
# external reference), and a real headless Chromium (Debian's package,
# installed here when missing) loads it without console errors and draws
# the charts: the screenshot's pixels in the charts' colours are counted.
# On a terminal the report is a plain-text summary.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

require_gcc() { command -v gcc >/dev/null || { skip_case report "no gcc"; done_testing; exit 0; }; }
require_gcc
cd "$T/work" || exit 1
printf 'journal = on\n' >"$ZCCACHE_CONFIG"
for p in alpha beta; do
	mkdir -p "$p"
	for i in 1 2 3 4; do printf 'int %s_%d(int x) { return x * %d; }\n' "$p" "$i" "$i" >"$p/s$i.c"; done
	printf 'int main(void) { return 0; }\n' >"$p/main.c"
	printf 'all: s1.o s2.o s3.o s4.o prog\n%%.o: %%.c\n\t$(CC) -c $< -o $@\nprog: main.c\n\t$(CC) main.c -o prog\nclean:\n\trm -f *.o prog\n' >"$p/Makefile"
done
build() { # SESSION: both projects from clean
	for p in alpha beta; do
		make -s -C "$p" clean
		ZCCACHE_SESSION=$1 make -s -C "$p" CC="zccache gcc" || return 1
	done
}
ok "first build (cold)" build cold
sleep 1.1
ok "second build (warm)" build warm

# ---- the HTML ------------------------------------------------------------------------
"$CTL" report -o "$T/report.html" 2>"$T/report.err"
is "report -o exits 0" "$?" 0
ok "... and says where it wrote" grep -qF "report written to $T/report.html" "$T/report.err"
ok "it parses with html.parser, every element closed" python3 - "$T/report.html" <<'PY'
import html.parser, sys
VOID = {"meta", "br", "img", "link", "input", "hr"}
class Check(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes %s" % (tag, self.stack[-1:] or "nothing"))
        else:
            self.stack.pop()
c = Check()
c.feed(open(sys.argv[1], encoding="utf-8").read())
c.close()
assert not c.errors and not c.stack, (c.errors, c.stack)
PY
ok "self-contained: no script, no external URL" \
	sh -c "! grep -qiE '<script|src=|href=|url\\(|https?://' '$T/report.html'"
for id in timeline folders reasons slowest size evictions summary; do
	ok "it has the $id section" grep -q "id=\"$id\"" "$T/report.html"
done
ok "the summary counts the two builds: 8 hits" grep -q '<tr><th>hits</th><td class="n">8</td>' "$T/report.html"
ok "... 8 misses" grep -q '<tr><th>misses</th><td class="n">8</td>' "$T/report.html"
ok "both project folders are charted" sh -c "grep -q '$T/work/alpha' '$T/report.html' && grep -q '$T/work/beta' '$T/report.html'"
ok "the links are the top uncacheable reason" grep -q '<tr><td>linking</td><td class="n">4</td>' "$T/report.html"
"$CTL" report --session warm -o "$T/warm.html" 2>/dev/null
ok "--session warm: only the warm build (8 hits, 0 misses)" \
	sh -c "grep -q '<tr><th>hits</th><td class=\"n\">8</td>' '$T/warm.html' && grep -q '<tr><th>misses</th><td class=\"n\">0</td>' '$T/warm.html'"

# ---- the terminal --------------------------------------------------------------------
script -qec "$(printf '%q ' "$CTL") report" /dev/null >"$T/report.tty"
ok "on a terminal: a text summary" grep -qa "hit rate" "$T/report.tty"
ok "... not HTML" sh -c "! grep -qa '<html' '$T/report.tty'"

# ---- a real browser -------------------------------------------------------------------
CHROMIUM=$(command -v chromium)
if [ -z "$CHROMIUM" ] && [ "$(id -u)" = 0 ]; then
	diag "installing Debian's chromium"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium \
		>"$T/apt.log" 2>&1 || tail -5 "$T/apt.log" | sed 's/^/# /'
	CHROMIUM=$(command -v chromium)
fi
if [ -z "$CHROMIUM" ]; then
	skip_case "Chromium renders the report" "no chromium, and not root to install it"
	"$CTL" stop >/dev/null
	done_testing
	exit 0
fi
mkdir -m 700 "$T/profile"
chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/profile" --enable-logging=stderr --v=0 "$@"
}
chrome --window-size=900,1500 --screenshot="$T/shot.png" "file://$T/report.html" \
	>"$T/chrome.out" 2>"$T/chrome.err"
ok "Chromium took a screenshot" test -s "$T/shot.png"
is "no console message (errors included)" "$(grep -c 'CONSOLE' "$T/chrome.err")" 0
# Control: the same logging shows a page's console.error.
printf '<!DOCTYPE html><html><body><script>console.error("boom")</script></body></html>\n' >"$T/bad.html"
chrome --dump-dom "file://$T/bad.html" >/dev/null 2>"$T/bad.err"
ok "(control: a console.error would be seen)" grep -q 'CONSOLE.*boom' "$T/bad.err"
chrome --dump-dom "file://$T/report.html" >"$T/dom.html" 2>/dev/null
ok "the DOM Chromium built has the charts as SVG" test "$(grep -o '<svg' "$T/dom.html" | wc -l)" -ge 3
python3 "$(dirname "$0")/pngcheck.py" "$T/shot.png" '#2e9d4c' '#e07b00' '#1f5fbf' >"$T/pixels.json"
px() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["colors"][sys.argv[2]]
print(d["pixels"] if sys.argv[3] == "n" else d["box"][2] - d["box"][0])' "$T/pixels.json" "$1" "$2"; }
diag "pixels: $(cat "$T/pixels.json")"
# The legend's squares are 144 pixels each: a chart is far more.
ok "hits are drawn (green: $(px '#2e9d4c' n) pixels)" test "$(px '#2e9d4c' n)" -gt 2000
ok "misses are drawn (orange: $(px '#e07b00' n) pixels)" test "$(px '#e07b00' n)" -gt 2000
ok "time saved and the size gauge are drawn (blue: $(px '#1f5fbf' n) pixels)" test "$(px '#1f5fbf' n)" -gt 500
ok "the charts span the page (green over $(px '#2e9d4c' w) px wide)" test "$(px '#2e9d4c' w)" -gt 300
if [ -n "${ZCCACHE_REPORT_SHOT:-}" ]; then cp "$T/shot.png" "$ZCCACHE_REPORT_SHOT"; fi
"$CTL" stop >/dev/null
done_testing
