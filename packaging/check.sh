#!/usr/bin/env bash
# Checks the built packages in dist/: the .deb unpacked into a throwaway root
# runs and creates a demo handbook; every package carries the licences; the
# Windows .exe runs under Wine (packaging/wine-check.sh): the commands, a
# binder compared with the Linux build's, a shared folder synced between a
# Linux and a Windows laptop, and its window.
set -euo pipefail
# (grep without -q in pipes: -q stops reading at the first match, and the
# writer's SIGPIPE would then fail the pipeline under pipefail.)
cd "$(dirname "$0")/.."
DIST=$PWD/dist
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package-check: $*" >&2; exit 1; }

deb=$(ls "$DIST"/ernstfall_*_amd64.deb 2>/dev/null | tail -1)
[ -n "$deb" ] || fail "no .deb in dist/ (run make package)"
dpkg-deb --info "$deb" | grep "Depends: .*libgl" >/dev/null || fail "$deb: Depends lacks the GL library"
dpkg -x "$deb" "$tmp/root"
for f in usr/bin/ernstfall usr/share/applications/de.ernstfall.handbook.desktop \
	usr/share/metainfo/de.ernstfall.handbook.metainfo.xml usr/share/icons/hicolor/256x256/apps/de.ernstfall.handbook.png; do
	[ -e "$tmp/root/$f" ] || fail "$deb lacks /$f"
done
doc=$tmp/root/usr/share/doc/ernstfall
cmp -s "$doc/copyright" packaging/linux/copyright || fail "$deb: /usr/share/doc/ernstfall/copyright missing or old"
cmp -s "$doc/THIRD_PARTY_LICENSES" THIRD_PARTY_LICENSES || fail "$deb: /usr/share/doc/ernstfall/THIRD_PARTY_LICENSES missing or old"
grep -q "^License: Apache-2.0" "$doc/copyright" || fail "$deb: the copyright file names no licence"
out=$("$tmp/root/usr/bin/ernstfall" version)
echo "$out" | grep "ernstfall $(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)" >/dev/null || fail "version says: $out"
"$tmp/root/usr/bin/ernstfall" --db "$tmp/demo.db" init --demo >/dev/null
"$tmp/root/usr/bin/ernstfall" --db "$tmp/demo.db" search Ransomware > "$tmp/search.txt"
grep -q "^playbook" "$tmp/search.txt" || fail "the installed binary finds no playbook"
echo "package-check: $(basename "$deb") ok ($(du -h "$deb" | cut -f1)), with copyright and THIRD_PARTY_LICENSES"

if command -v desktop-file-validate >/dev/null; then
	desktop-file-validate packaging/linux/de.ernstfall.handbook.desktop
fi
if command -v appstreamcli >/dev/null; then
	appstreamcli validate --no-net packaging/linux/de.ernstfall.handbook.metainfo.xml
fi
grep -q "<project_license>Apache-2.0</project_license>" packaging/linux/de.ernstfall.handbook.metainfo.xml ||
	fail "the metainfo names no project licence"

tarball=$(ls "$DIST"/ernstfall_*_linux_amd64.tar.xz 2>/dev/null | tail -1)
[ -n "$tarball" ] || fail "no Linux tarball in dist/ (run make package)"
for f in LICENSE THIRD_PARTY_LICENSES; do
	tar -xJOf "$tarball" "ernstfall/$f" | cmp -s - "$f" || fail "$(basename "$tarball") lacks the current ernstfall/$f"
done
echo "package-check: $(basename "$tarball") ok, with LICENSE and THIRD_PARTY_LICENSES"

zip=$(ls "$DIST"/ernstfall_*_windows_amd64.zip 2>/dev/null | tail -1)
[ -n "$zip" ] || fail "no Windows zip in dist/ (run make package)"
(cd "$tmp" && unzip -q "$zip")
exe=$tmp/Ernstfall/Ernstfall.exe
file "$exe" | grep "PE32+ executable (GUI) x86-64" >/dev/null || fail "$(file "$exe")"
x86_64-w64-mingw32-objdump -h "$exe" | grep "\.rsrc" >/dev/null || fail "Ernstfall.exe has no resource section (icon, version info)"
strings -el "$exe" | grep "SPDX-License-Identifier: Apache-2.0" >/dev/null ||
	fail "Ernstfall.exe: the version information names no licence"
cmp -s "$tmp/Ernstfall/LICENSE.txt" LICENSE || fail "$(basename "$zip") lacks LICENSE.txt"
cmp -s "$tmp/Ernstfall/THIRD_PARTY_LICENSES.txt" THIRD_PARTY_LICENSES ||
	fail "$(basename "$zip") lacks the current THIRD_PARTY_LICENSES.txt"
echo "package-check: $(basename "$zip") ok ($(du -h "$zip" | cut -f1)): $(file -b "$exe")"

packaging/wine-check.sh "$exe" "$tmp/root/usr/bin/ernstfall"
