# Ernstfall — build, run and test.
# `make run` and `make test` install the missing system packages first.

GO      ?= go
BIN     ?= ernstfall
PKGS    := ./...

# Packages Fyne's cgo build needs (Debian/Ubuntu names).
BUILD_DEBS := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
              libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# Real clients the tests use: a PDF parser for the binder, an X server for the
# window, and Syncthing, a real file-sync engine between simulated laptops.
TEST_DEBS  := poppler-utils qpdf xvfb xauth x11-utils python3-vobject syncthing

.PHONY: all deps package-deps compare-deps build run test fuzz bench bench-compare lint licenses package package-check clean

all: build

deps:
	@missing=""; for p in $(BUILD_DEBS) $(TEST_DEBS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all system packages present"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "deps: missing$$missing — install them with your package manager"; exit 1; fi; \
	sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	echo "deps: installing$$missing"; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing

# Packaging also needs the Windows cross-compiler and resource compiler,
# ImageMagick for the Windows icon, zip and the validators; the package check
# runs the Windows build under Wine (64-bit only) and looks at its window.
PACKAGE_DEBS := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 zip unzip file appstream desktop-file-utils \
                imagemagick wine wine64 xdotool

package-deps: deps
	@missing=""; for p in $(PACKAGE_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "package-deps: all present"; exit 0; fi; \
	sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	echo "package-deps: installing$$missing"; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing

build:
	$(GO) build -o $(BIN) .

run: deps build
	./$(BIN) --demo

test: deps
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || (echo "gofmt: files above need formatting"; exit 1)
	$(GO) test -count=1 -timeout 20m $(PKGS)
	cd third_party/gofpdf && $(GO) test -count=1 .

# Fuzzing of the parsers that read other people's files. `make test` runs
# their seed corpora (testdata/fuzz) as ordinary, repeatable tests; this
# searches for new inputs: make fuzz FUZZTIME=10m
FUZZTIME ?= 1m
fuzz:
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzParseBatch$$' -fuzztime $(FUZZTIME) ./internal/foldersync
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzOpenBatch$$' -fuzztime $(FUZZTIME) ./internal/foldersync
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzVCard$$' -fuzztime $(FUZZTIME) ./internal/exchange
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzCSV$$' -fuzztime $(FUZZTIME) ./internal/exchange
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzFolder$$' -fuzztime $(FUZZTIME) ./internal/exchange
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzBackup$$' -fuzztime $(FUZZTIME) ./internal/exchange

# Benchmarks, never pass/fail on speed: the Go benchmarks (ns/op, CPU time
# per op as cpu-ms/op, allocations), then the command line itself, each step
# a process whose CPU time and peak memory the kernel reports
# (internal/clibench). The machine may be shared: compare CPU times.
bench: deps build
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)
	$(GO) run ./internal/clibench -bin ./$(BIN)

# The pipeline a team would otherwise print its playbooks with, installed
# for bench-compare alone (make test never needs it).
COMPARE_DEBS := pandoc wkhtmltopdf

compare-deps:
	@missing=""; for p in $(COMPARE_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "compare-deps: all present"; exit 0; fi; \
	sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	echo "compare-deps: installing$$missing"; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing

# Our import + binder beside pandoc → wkhtmltopdf on the same 500 generated
# Markdown playbooks, 3 runs each: CPU-time ratio and peak memory of both.
bench-compare: deps compare-deps build
	$(GO) run ./internal/clibench -bin ./$(BIN) -compare

lint:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || (echo "gofmt: files above need formatting"; exit 1)
	$(GO) vet $(PKGS)

# THIRD_PARTY_LICENSES: the Go modules linked into the program, with their
# licences, read from the module cache. Run it after changing go.mod; a test
# in `make test` fails while the committed file is out of date.
licenses:
	$(GO) test -count=1 -run '^TestFileIsCurrent$$' ./internal/thirdparty -update

# dist/: Linux tarball, .deb and Windows .zip (see packaging/build.sh).
package: package-deps
	packaging/build.sh

package-check: package-deps
	packaging/check.sh

clean:
	rm -f $(BIN)
	rm -rf dist
	$(GO) clean -testcache
