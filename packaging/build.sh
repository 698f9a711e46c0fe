#!/usr/bin/env bash
# Builds the Ernstfall packages into dist/: the Linux tarball (fyne package),
# a .deb, and a zipped Windows .exe cross-compiled with mingw-w64.
# Usage: packaging/build.sh [linux|deb|windows]...   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=$ROOT/dist
FYNE=${FYNE:-$(go env GOPATH)/bin/fyne}
ID=de.ernstfall.handbook
VERSION=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
BUILD=$(sed -n 's/^ *Build *= *\([0-9]*\)/\1/p' FyneApp.toml)
targets=${*:-linux deb windows}
mkdir -p "$DIST"

# fyne package raises Build in FyneApp.toml on every run; the version is
# ours to set, so the file is put back afterwards.
keep_metadata() {
	cp FyneApp.toml "$DIST/.FyneApp.toml.keep"
	trap 'mv "$DIST/.FyneApp.toml.keep" "$ROOT/FyneApp.toml"' EXIT
}

need_fyne() {
	[ -x "$FYNE" ] || { echo "package: installing the fyne packaging tool"; go install fyne.io/tools/cmd/fyne@v1.7.4; }
}

build_linux() {
	need_fyne
	echo "package: Linux tarball"
	rm -f Ernstfall.tar.xz
	"$FYNE" package --os linux --release
	# The licence and the third-party licences go in beside fyne's Makefile,
	# in the tarball's one top folder.
	local stage top
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' RETURN
	tar -xJf Ernstfall.tar.xz -C "$stage"
	top=$(cd "$stage" && ls)
	[ -f "$stage/$top/Makefile" ] || { echo "package: unexpected tarball layout: $top"; exit 1; }
	install -m644 LICENSE THIRD_PARTY_LICENSES "$stage/$top/"
	(cd "$stage" && tar -cJf "$DIST/ernstfall_${VERSION}_linux_amd64.tar.xz" --owner=0 --group=0 -- "$top")
	rm Ernstfall.tar.xz
}

# Depends for the .deb: the packages that provide the shared libraries the
# binary links against.
deb_depends() {
	local bin=$1 libs pkgs=""
	libs=$(objdump -p "$bin" | awk '/NEEDED/ {print $2}')
	for lib in $libs; do
		path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')
		[ -n "$path" ] || { echo "package: cannot find $lib" >&2; exit 1; }
		pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1) ||
			pkg=$(dpkg -S "$path" | head -1 | cut -d: -f1)
		pkgs="$pkgs $pkg"
	done
	# GLFW opens these X libraries at run time (dlopen), so they appear in
	# no NEEDED entry but the window needs them.
	pkgs="$pkgs libxcursor1 libxrandr2 libxinerama1 libxi6 libxxf86vm1"
	echo "$pkgs" | tr ' ' '\n' | sed '/^$/d' | sort -u | paste -sd, | sed 's/,/, /g'
}

build_deb() {
	echo "package: .deb"
	local stage
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' RETURN
	local pkg=$stage/ernstfall
	mkdir -p "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/applications" "$pkg/usr/share/metainfo" \
		"$pkg/usr/share/doc/ernstfall" "$pkg/usr/share/icons/hicolor/scalable/apps"
	CGO_ENABLED=1 go build -trimpath -ldflags "-s -w" -o "$pkg/usr/bin/ernstfall" .
	install -m644 packaging/linux/$ID.desktop "$pkg/usr/share/applications/"
	install -m644 packaging/linux/$ID.metainfo.xml "$pkg/usr/share/metainfo/"
	install -m644 packaging/icons/ernstfall.svg "$pkg/usr/share/icons/hicolor/scalable/apps/$ID.svg"
	for s in 16 32 48 64 128 256 512; do
		mkdir -p "$pkg/usr/share/icons/hicolor/${s}x${s}/apps"
		install -m644 "packaging/icons/ernstfall-$s.png" "$pkg/usr/share/icons/hicolor/${s}x${s}/apps/$ID.png"
	done
	install -m644 packaging/linux/copyright "$pkg/usr/share/doc/ernstfall/copyright"
	install -m644 THIRD_PARTY_LICENSES "$pkg/usr/share/doc/ernstfall/THIRD_PARTY_LICENSES"
	local size depends
	size=$(du -sk "$pkg/usr" | cut -f1)
	depends=$(deb_depends "$pkg/usr/bin/ernstfall")
	cat > "$pkg/DEBIAN/control" <<CONTROL
Package: ernstfall
Version: ${VERSION}-${BUILD}
Architecture: amd64
Maintainer: Ernstfall developers <dev@ernstfall.example.org>
Installed-Size: $size
Depends: $depends
Section: utils
Priority: optional
Homepage: https://ernstfall.example.org
Description: offline emergency handbook for incident response and business continuity
 Crisis teams keep their playbooks, contacts with deputies, escalation matrix
 and recovery plans in Ernstfall. Every laptop holds the whole handbook and
 works without a network; laptops exchange changes through a shared folder;
 the handbook prints as a PDF emergency binder.
CONTROL
	find "$pkg" -type d -exec chmod 755 {} +
	dpkg-deb --root-owner-group --build "$pkg" "$DIST/ernstfall_${VERSION}-${BUILD}_amd64.deb" >/dev/null
	echo "package: Depends: $depends"
}

# windows_resources compiles icon, manifest and version information (with
# the licence, which fyne package cannot set) into a .syso that go build
# links into the Windows executable only.
windows_resources() {
	local stage=$1 v=$VERSION
	local comma=${v//./,}
	convert packaging/icons/ernstfall-{16,32,48,64,128,256}.png "$stage/ernstfall.ico"
	for f in ernstfall.rc ernstfall.exe.manifest; do
		sed -e "s/@VERSION_COMMA@/$comma/g" -e "s/@VERSION@/$v/g" -e "s/@BUILD@/$BUILD/g" \
			"packaging/windows/$f.in" > "$stage/$f"
	done
	(cd "$stage" && x86_64-w64-mingw32-windres -O coff -i ernstfall.rc -o "$ROOT/ernstfall_windows_amd64.syso")
}

build_windows() {
	need_fyne
	for tool in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres convert; do
		command -v $tool >/dev/null || {
			echo "package: the Windows build needs $tool: make package-deps installs it"; exit 1; }
	done
	echo "package: Windows .exe (cross-compiled; the first run compiles GLFW for Windows, a few minutes)"
	local stage
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"; rm -f "$ROOT/ernstfall_windows_amd64.syso"' RETURN
	windows_resources "$stage"
	rm -f Ernstfall.exe
	CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
		"$FYNE" build --target windows --release -o Ernstfall.exe
	rm -f ernstfall_windows_amd64.syso
	if [ -n "${SIGN_CERT:-}" ]; then
		# Authenticode signing: SIGN_CERT is a PKCS#12 file, SIGN_PASS its password.
		osslsigncode sign -pkcs12 "$SIGN_CERT" -pass "${SIGN_PASS:-}" -n Ernstfall \
			-t http://timestamp.digicert.com -in Ernstfall.exe -out Ernstfall-signed.exe
		mv Ernstfall-signed.exe Ernstfall.exe
	fi
	mkdir "$stage/Ernstfall"
	mv Ernstfall.exe "$stage/Ernstfall/"
	install -m644 packaging/windows/README.txt "$stage/Ernstfall/README.txt"
	install -m644 LICENSE "$stage/Ernstfall/LICENSE.txt"
	install -m644 THIRD_PARTY_LICENSES "$stage/Ernstfall/THIRD_PARTY_LICENSES.txt"
	rm -f "$DIST/ernstfall_${VERSION}_windows_amd64.zip"
	(cd "$stage" && zip -qr "$DIST/ernstfall_${VERSION}_windows_amd64.zip" Ernstfall)
}

keep_metadata
for t in $targets; do
	case $t in
	linux) build_linux ;;
	deb) build_deb ;;
	windows) build_windows ;;
	*) echo "package: unknown target $t (linux, deb, windows)"; exit 2 ;;
	esac
done
ls -la "$DIST"
