#!/usr/bin/env bash
# Runs the Windows build under Wine, as a real client of its own, beside
# the Linux build: packaging/wine-check.sh WINDOWS.exe LINUX-BINARY
#
#  1. commands on a fresh Windows profile: version, init --demo (the
#     handbook lands in %AppData%\ernstfall), import from C:\;
#  2. a Linux laptop and a Windows laptop share one folder (the Windows side
#     reaches it as drive S:); the Linux laptop admits the Windows laptop by
#     its fingerprint; each edits, both sync in turn, and their JSON exports
#     agree: a contact with umlauts, a playbook with a very long title, a
#     note with Windows line endings;
#  3. check, search Müller, restore-order print what the Linux build prints;
#  4. binder -o C:\...\binder.pdf: the same pages and text as the Linux
#     build's binder of the same database (print time pinned);
#  5. a Markdown export with Windows device names as titles, written twice
#     (the folder swap) and read back;
#  6. Windows' file-replacing rules: atomicfile's Windows test under Wine;
#  7. the window under Xvfb, kept as dist/windows-under-wine.png.
#
# The Wine prefix is thrown away afterwards. Wine 8.0 (Debian 12) lacks
# ProcessPrng, which Go programs need; packaging/wine/bcryptprimitives.c is
# built into that prefix only, as test scaffolding: it never ships.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
exe=$1
lin=$2
fail() { echo "package-check (Windows under Wine): $*" >&2; exit 1; }
say() { echo "package-check (Windows under Wine): $*"; }

command -v wine >/dev/null && [ -x /usr/lib/wine/wine64 ] ||
	fail "wine and wine64 are missing: make package-deps installs them"
for tool in x86_64-w64-mingw32-gcc qpdf pdftotext pdfinfo python3 Xvfb xdotool import; do
	command -v $tool >/dev/null || fail "$tool is missing: make deps and make package-deps install it"
done

tmp=$(mktemp -d)
export WINEPREFIX=$tmp/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" LC_ALL=C.UTF-8
unset DISPLAY
xvfb=""
wineapp=""
cleanup() {
	[ -z "$wineapp" ] || kill "$wineapp" 2>/dev/null || true
	wineserver -k 2>/dev/null || true
	[ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

say "new Wine prefix (the first start of Wine takes a while)"
timeout 900 wineboot -i >"$tmp/wineboot.log" 2>&1 || { cat "$tmp/wineboot.log" >&2; fail "wineboot failed"; }
# Test scaffolding only (see the comment in the C file): never shipped.
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
	packaging/wine/bcryptprimitives.c -ladvapi32
# Go 1.21 and later need Windows 10; Wine 8.0's new prefixes say Windows 7.
timeout 300 wine winecfg -v win10 >/dev/null 2>&1 || fail "winecfg -v win10 failed"
windows=$(timeout 300 wine cmd /c ver 2>/dev/null | tr -d '\r' | sed '/^$/d' | tail -1)
wine_version=$(wine --version)
say "$wine_version, $windows"

# win runs the Windows build; the Linux build runs as lin. Both speak
# English here, so their outputs can be compared.
win() { timeout 300 wine "$exe" --lang en "$@"; }
linux() { timeout 300 "$lin" --db "$tmp/linux.db" --lang en "$@"; }
c=$WINEPREFIX/drive_c/ernstfall-check # C:\ernstfall-check
mkdir -p "$c"

# 1. A fresh Windows profile.
VERSION=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
out=$(win version) || fail "version: $out"
echo "$out" | grep "^ernstfall $VERSION" >/dev/null || fail "version says: $out"
win init --demo >"$tmp/out" || fail "init --demo: $(cat "$tmp/out")"
appdata=$(ls -d "$WINEPREFIX"/drive_c/users/*/AppData/Roaming)
[ -s "$appdata/ernstfall/handbook.db" ] || fail "init --demo wrote no %AppData%\\ernstfall\\handbook.db: $(cat "$tmp/out")"
grep -q 'C:\\users\\.*\\AppData\\Roaming\\ernstfall\\handbook.db' "$tmp/out" || fail "init names no Windows path: $(cat "$tmp/out")"
say "version, init --demo: the handbook is in %AppData%\\ernstfall"

# 2. Two laptops, one shared folder. The Windows laptop reaches it as S:,
#    like a mapped network drive, in a folder whose name has a space and an
#    umlaut.
share="$tmp/share/Krisenstab Süd"
mkdir -p "$share"
ln -s "$tmp/share" "$WINEPREFIX/dosdevices/s:"
winshare='S:\Krisenstab Süd'
linux init --demo >/dev/null
handbook=$(linux export --format json -o - | python3 -c 'import json,sys; print(json.load(sys.stdin)["handbook_id"])')

# The Linux laptop adds a contact with umlauts from a vCard.
cat >"$tmp/mueller.vcf" <<'VCF'
BEGIN:VCARD
VERSION:3.0
N:Müller;Jürgen;;;
FN:Jürgen Müller
ORG:Stadtwerke Lüdenscheid;Leitstelle Störungsdienst
TITLE:Schichtleiter Gasversorgung
TEL;TYPE=CELL:+49 170 3920044
EMAIL:j.mueller@example.com
ADR;TYPE=WORK:;;Straße der Einheit 5;Lüdenscheid;;58507;Deutschland
NOTE:Erreichbar 24/7 über die Leitstelle. Vertretung: Frau Weiß.
END:VCARD
VCF
linux import "$tmp/mueller.vcf" >/dev/null || fail "Linux: import vCard"

# The Windows laptop adds a playbook with a very long title and a note
# written with Windows line endings, from C:\.
long_title="Wiederanlauf der Kundenkommunikation nach dem Totalausfall des zentralen Rechenzentrums in Lüdenscheid einschließlich Ersatzarbeitsplätzen, Notstromversorgung, Meldungen an Behörden und Abstimmung mit allen externen Dienstleistern über mehrere Schichten hinweg"
python3 - "$handbook" "$long_title" >"$c/windows-edits.json" <<'PY'
import json, sys
handbook, title = sys.argv[1], sys.argv[2]
body = "## Sofortmaßnahmen\r\n- [ ] Notstrom prüfen @IT-Lead (15 min)\r\n- [ ] Kunden über Störung informieren\r\n\r\n## Kommunikation\r\n- [ ] Pressestelle einbinden\r\n"
doc = {"format": "ernstfall-backup", "version": 1, "schema": 2, "handbook_id": handbook, "handbook": {
    "contacts": [{"id": "019a0000-0000-7000-8000-00000000c001", "name": "Zoë Weiß", "team": "Leitstelle",
                  "email": "z.weiss@example.com", "phone_mobile": "+49 170 3920055",
                  "notes": "Rückruf nur über die Leitstelle.\r\nSchlüssel für den Serverraum: Tresor 2.\r\n"}],
    "playbooks": [{"id": "019a0000-0000-7000-8000-00000000c002", "title": title, "incident_type": "other",
                   "severity": "high", "summary": "Langer Titel, Windows-Zeilenenden", "body": body},
                  {"id": "019a0000-0000-7000-8000-00000000c003", "title": "CON", "incident_type": "other",
                   "severity": "low", "summary": "Titel ist ein Windows-Gerätename", "body": "## Sofortmaßnahmen\r\n- [ ] Prüfen\r\n"},
                  {"id": "019a0000-0000-7000-8000-00000000c004", "title": "nul", "incident_type": "other",
                   "severity": "low", "summary": "Auch ein Gerätename", "body": "Text"}]}}
json.dump(doc, sys.stdout, ensure_ascii=False)
PY
win import 'C:\ernstfall-check\windows-edits.json' >"$tmp/out" || fail "Windows: import from C:\\: $(cat "$tmp/out")"

# The Linux laptop syncs first and founds the team. The Windows laptop asks
# to join and shows its fingerprint; the Linux laptop admits it by that
# fingerprint, as a person would after reading it out on the phone. Then
# both sync in turn until each has seen the other's edits.
lsync() { linux sync --folder "$share" --device-name "Linux-Laptop" >"$tmp/out" 2>&1 || fail "Linux sync $1: $(cat "$tmp/out")"; }
wsync() { win sync --folder "$winshare" --device-name "Windows-Laptop" >"$tmp/out" 2>&1 || fail "Windows sync $1: $(cat "$tmp/out")"; }
lsync 1
wsync 1
fingerprint=$(grep -o '[0-9A-F]\{4\}\(-[0-9A-F]\{4\}\)\{5\}' "$tmp/out" | head -1)
[ -n "$fingerprint" ] || fail "the Windows laptop shows no fingerprint to admit: $(cat "$tmp/out")"
linux devices admit "$fingerprint" >"$tmp/out" 2>&1 || fail "Linux: devices admit $fingerprint: $(cat "$tmp/out")"
lsync 2
wsync 2
grep -q "admitted" "$tmp/out" || fail "the Windows laptop was not admitted: $(cat "$tmp/out")"
lsync 3
wsync 3
lsync 4
out=$(linux devices 2>&1) || fail "Linux devices: $out"
echo "$out" | grep "Windows-Laptop" >/dev/null || fail "the team does not list the Windows laptop: $out"
for side in linux win; do
	out=$($side conflicts) || fail "$side conflicts: $out"
	[ "$out" = "no open conflicts" ] || fail "$side: $out"
done
win export --format json -o 'C:\ernstfall-check\windows.json' >/dev/null 2>&1 || fail "Windows: export json"
linux export --format json -o "$tmp/linux.json" >/dev/null 2>&1
python3 - "$c/windows.json" "$tmp/linux.json" "$long_title" <<'PY' || fail "the two laptops' exports differ"
import json, sys
def load(path):
    doc = json.load(open(path, encoding="utf-8"))
    doc.pop("exported_at")
    for records in doc["handbook"].values():
        for r in records if isinstance(records, list) else []:
            r.pop("updated_at", None)  # derived on each laptop, not synced
    return doc
w, l = load(sys.argv[1]), load(sys.argv[2])
if w != l:
    for kind in w["handbook"]:
        if w["handbook"][kind] != l["handbook"].get(kind):
            print("differs:", kind, file=sys.stderr)
    sys.exit(1)
hb = w["handbook"]
names = {c["name"]: c for c in hb["contacts"]}
titles = {p["title"] for p in hb["playbooks"]}
assert "Jürgen Müller" in names, "the Linux laptop's contact is missing"
assert names["Zoë Weiß"]["notes"] == "Rückruf nur über die Leitstelle.\nSchlüssel für den Serverraum: Tresor 2.\n", \
    "the note written with Windows line endings: %r" % names["Zoë Weiß"]["notes"]
assert "\\r" not in json.dumps(w), "a text kept a CR"
assert sys.argv[3] in titles and "CON" in titles, "the Windows laptop's playbooks are missing"
PY
say "Windows laptop admitted by its fingerprint $fingerprint; Linux and Windows laptops synced through $winshare: exports agree (umlauts, ${#long_title}-character title, CR LF note stored as LF on both), no conflicts"

# 3. The same answers from both builds.
for cmd in "check" "search Müller" "search mueller" "restore-order" "call-tree"; do
	set +e
	# shellcheck disable=SC2086
	w_out=$(win $cmd 2>&1); w_code=$?
	# shellcheck disable=SC2086
	l_out=$(linux $cmd 2>&1); l_code=$?
	set -e
	[ "$w_code" = "$l_code" ] && [ "$w_out" = "$l_out" ] ||
		fail "$cmd: Windows (exit $w_code) and Linux (exit $l_code) differ:
$(diff <(echo "$w_out") <(echo "$l_out") | head -20)"
done
win search Müller | grep "Jürgen Müller" >/dev/null || fail "search Müller does not find Jürgen Müller"
say "check, search Müller, restore-order, call-tree: the same output as the Linux build"

# 4. The binder, from the very same database: the Windows laptop's file,
#    copied while no program has it open. The print time is pinned; the
#    output path is the only other thing that differs, and it is not printed.
cp "$appdata/ernstfall/handbook.db" "$tmp/same.db"
export SOURCE_DATE_EPOCH=1790000000
win binder -o 'C:\ernstfall-check\binder.pdf' >"$tmp/out" || fail "Windows binder: $(cat "$tmp/out")"
timeout 300 "$lin" --db "$tmp/same.db" --lang en binder -o "$tmp/linux-binder.pdf" >/dev/null
unset SOURCE_DATE_EPOCH
qpdf --check "$c/binder.pdf" >/dev/null || fail "qpdf --check fails on the Windows binder"
pages=$(pdfinfo "$c/binder.pdf" | awk '/^Pages:/ {print $2}')
lpages=$(pdfinfo "$tmp/linux-binder.pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" = "$lpages" ] || fail "Windows binder has $pages pages, Linux $lpages"
pdftotext -layout "$c/binder.pdf" "$tmp/w.txt"
pdftotext -layout "$tmp/linux-binder.pdf" "$tmp/l.txt"
cmp -s "$tmp/w.txt" "$tmp/l.txt" || fail "binder text differs: $(diff "$tmp/w.txt" "$tmp/l.txt" | head -20)"
grep -q "Jürgen Müller" "$tmp/w.txt" || fail "the Windows binder lacks Jürgen Müller"
say "binder -o C:\\ernstfall-check\\binder.pdf: $pages pages, passes qpdf --check, same text as the Linux build's"

# 5. Markdown export on Windows: device names as titles, written twice.
for n in 1 2; do
	win export --format md -o 'C:\ernstfall-check\Handbuch' >"$tmp/out" || fail "Markdown export $n: $(cat "$tmp/out")"
done
leftover=$(ls -A "$c" | grep -i 'handbuch' | grep -vx 'Handbuch' || true)
[ -z "$leftover" ] || fail "the folder swap left $leftover beside C:\ernstfall-check\Handbuch"
for f in con_.md nul_.md; do
	[ -s "$c/Handbuch/playbooks/$f" ] || fail "Markdown export: no playbooks/$f: $(ls "$c/Handbuch/playbooks")"
done
win import 'C:\ernstfall-check\Handbuch' --dry-run >"$tmp/out" || fail "reading the Markdown export back: $(cat "$tmp/out")"
awk 'NR > 2 && NF == 4 && ($2 != 0 || $3 != 0) {bad = 1} END {exit bad}' "$tmp/out" ||
	fail "the Markdown export does not read back unchanged: $(cat "$tmp/out")"
say "Markdown export twice into C:\\ernstfall-check\\Handbuch (CON and nul as titles): reads back unchanged"

# 6. Replacing a file another program holds open.
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$tmp/atomicfile.test.exe" ./internal/atomicfile
timeout 300 wine "$tmp/atomicfile.test.exe" -test.run 'TestWriteOverOpenFile|TestReplaceDirWindows' -test.v >"$tmp/out" 2>&1 ||
	fail "atomicfile under Wine: $(cat "$tmp/out")"
grep -q -- "--- PASS: TestWriteOverOpenFile" "$tmp/out" && grep -q -- "--- PASS: TestReplaceDirWindows" "$tmp/out" || fail "atomicfile's Windows test did not run: $(cat "$tmp/out")"
say "replacing a file held open waits, then says so; a folder swaps in twice (atomicfile's Windows tests)"

# 7. The window.
exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
exec 3>&-
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=:$(cat "$tmp/display")
wine "$exe" --demo >"$tmp/window.log" 2>&1 &
wineapp=$!
for _ in $(seq 600); do
	xdotool search --name "^Ernstfall" >/dev/null 2>&1 && break
	kill -0 "$wineapp" 2>/dev/null || fail "the window did not open: $(tail -5 "$tmp/window.log")"
	sleep 0.2
done
xdotool search --name "^Ernstfall" >/dev/null 2>&1 || fail "no window after two minutes: $(tail -5 "$tmp/window.log")"
sleep 4
import -window root "$ROOT/dist/windows-under-wine.png"
colours=$(convert "$ROOT/dist/windows-under-wine.png" -format %k info:)
[ "$colours" -gt 64 ] || fail "the window is blank ($colours colours): $(tail -5 "$tmp/window.log")"
kill "$wineapp" 2>/dev/null || true
wait "$wineapp" 2>/dev/null || true
wineapp=""
say "the window opened under Xvfb; screenshot in dist/windows-under-wine.png"
say "all passed: $wine_version, $windows"
