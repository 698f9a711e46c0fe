#!/usr/bin/env bash
# Checks the built packages in dist/: the .deb unpacked into a throwaway root
# runs and creates a demo handbook; the Windows .exe is a 64-bit PE with an
# icon resource.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=$PWD/dist
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package-check: $*" >&2; exit 1; }

deb=$(ls "$DIST"/ernstfall_*_amd64.deb 2>/dev/null | tail -1)
[ -n "$deb" ] || fail "no .deb in dist/ (run make package)"
dpkg-deb --info "$deb" | grep -q "Depends: .*libgl" || fail "$deb: Depends lacks the GL library"
dpkg -x "$deb" "$tmp/root"
for f in usr/bin/ernstfall usr/share/applications/de.ernstfall.handbook.desktop \
	usr/share/metainfo/de.ernstfall.handbook.metainfo.xml usr/share/icons/hicolor/256x256/apps/de.ernstfall.handbook.png; do
	[ -e "$tmp/root/$f" ] || fail "$deb lacks /$f"
done
out=$("$tmp/root/usr/bin/ernstfall" version)
echo "$out" | grep -q "ernstfall $(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)" || fail "version says: $out"
"$tmp/root/usr/bin/ernstfall" --db "$tmp/demo.db" init --demo >/dev/null
"$tmp/root/usr/bin/ernstfall" --db "$tmp/demo.db" search Ransomware > "$tmp/search.txt"
grep -q "^playbook" "$tmp/search.txt" || fail "the installed binary finds no playbook"
echo "package-check: $(basename "$deb") ok ($(du -h "$deb" | cut -f1))"

if command -v desktop-file-validate >/dev/null; then
	desktop-file-validate packaging/linux/de.ernstfall.handbook.desktop
fi
if command -v appstreamcli >/dev/null; then
	appstreamcli validate --no-net packaging/linux/de.ernstfall.handbook.metainfo.xml
fi

zip=$(ls "$DIST"/ernstfall_*_windows_amd64.zip 2>/dev/null | tail -1)
if [ -n "$zip" ]; then
	(cd "$tmp" && unzip -q "$zip")
	exe=$tmp/Ernstfall/Ernstfall.exe
	file "$exe" | grep -q "PE32+ executable (GUI) x86-64" || fail "$(file "$exe")"
	x86_64-w64-mingw32-objdump -h "$exe" | grep -q "\.rsrc" || fail "Ernstfall.exe has no resource section (icon, version info)"
	echo "package-check: $(basename "$zip") ok ($(du -h "$zip" | cut -f1)): $(file -b "$exe")"
fi
