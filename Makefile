# manifold — the only entry points a newcomer needs:
#   make demo    build, then show the tool on a built-in example
#   make test    install what is missing, build, run every test
# and for maintainers: build, bench, vectors.

SWIFT        ?= swift
RELEASE_BIN  := .build/release/manifold

# Debian packages: the C libraries the build links, the tools the tests compare against,
# and the tools the benchmarks race.
BUILD_PACKAGES := pkg-config libssl-dev zlib1g-dev libisal-dev libzstd-dev libcurl4-openssl-dev
TEST_PACKAGES  := coreutils gzip pigz zstd python3 python3-cryptography tar skopeo umoci buildah oci-image-tool docker-registry \
                  curl openssl apache2-utils
BENCH_PACKAGES := hyperfine isal openssl time gcc strace
PACKAGES       := $(BUILD_PACKAGES) $(TEST_PACKAGES) $(BENCH_PACKAGES)

# make install: where, and what. DESTDIR stages the tree (packaging); PREFIX is where it runs.
PREFIX       ?= /usr/local
DESTDIR      ?=
INSTALL_BIN  ?= $(RELEASE_BIN)
# The man page comes from argument-parser's generate-manual plugin, built in this
# configuration (the tests use debug: a release build is long on a shared machine).
MANUAL_CONFIGURATION ?= release
# The test passes --ignore-lock: it runs inside `swift test`, which holds .build's lock.
SWIFT_PACKAGE_FLAGS ?=
MANUAL       := .build/plugins/GenerateManual/outputs/ManifoldCLI/manifold.1
INSTALLED    := $(DESTDIR)$(PREFIX)/bin/manifold \
                $(DESTDIR)$(PREFIX)/share/man/man1/manifold.1 \
                $(DESTDIR)$(PREFIX)/share/bash-completion/completions/manifold \
                $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_manifold \
                $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/manifold.fish

.PHONY: all deps build test check corpus fuzz demo bench bench-digest bench-verify bench-wide bench-pack bench-pull bench-bombs bench-push soak vectors clean install uninstall

all: build

# Installs the missing packages when run as root (apt-get); otherwise prints the command.
deps:
	@command -v $(SWIFT) >/dev/null || { echo "deps: swift is not on PATH (Swift 6 toolchain needed, e.g. /opt/swift/usr/bin)"; exit 1; }
	@if ! command -v dpkg-query >/dev/null; then \
	  echo "deps: not a Debian/Ubuntu system; install the equivalents of: $(PACKAGES)"; exit 0; fi; \
	missing=$$(for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all packages present"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "deps: missing packages:" $$missing; \
	  echo "deps: run: sudo apt-get install -y" $$missing; exit 1; \
	fi

build:
	$(SWIFT) build -c release

$(RELEASE_BIN): Package.swift $(shell find Sources -type f)
	$(SWIFT) build -c release

# The binary, its man page and its bash, zsh and fish completions, where each shell looks.
install: $(INSTALL_BIN)
	$(SWIFT) package $(SWIFT_PACKAGE_FLAGS) plugin generate-manual --configuration $(MANUAL_CONFIGURATION)
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
	  "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	install -m 755 "$(INSTALL_BIN)" "$(DESTDIR)$(PREFIX)/bin/manifold"
	# Blank lines between a discussion's paragraphs are not mdoc (man warns): make them .Pp.
	sed -e 's/^$$/.Pp/' "$(MANUAL)" > "$(DESTDIR)$(PREFIX)/share/man/man1/manifold.1"
	chmod 644 "$(DESTDIR)$(PREFIX)/share/man/man1/manifold.1"
	"$(INSTALL_BIN)" --generate-completion-script bash > "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/manifold"
	"$(INSTALL_BIN)" --generate-completion-script zsh > "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_manifold"
	"$(INSTALL_BIN)" --generate-completion-script fish > "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/manifold.fish"

# Removes exactly what install wrote, and nothing else.
uninstall:
	rm -f $(foreach file,$(INSTALLED),"$(file)")

# The unit, vector, end-to-end and interop tests; the hostile corpus; then `check`.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	python3 Vectors/hostile/run.py --binary .build/debug/manifold
	$(MAKE) --no-print-directory check

# The libFuzzer targets (document, digest, tar, docker-manifest, gzip, zstd, and the registry
# client's reference, www-authenticate, link, token-response, auth-file), FUZZ_SECONDS each
# (default 30), from seeds in Vectors/ and Fuzz/seeds/; committed reproducers in Vectors/fuzz/ first.
fuzz: deps
	bash Fuzz/run.sh

# The hostile corpus alone, against the debug binary.
corpus: deps
	$(SWIFT) build
	python3 Vectors/hostile/run.py --binary .build/debug/manifold

# The test suite and the hostile corpus under AddressSanitizer (+ LeakSanitizer), then the
# test suite under ThreadSanitizer (the parallel scheduler, the pipeline threads). The
# end-to-end tests run the sanitized binary; a sanitizer report exits 199, so it can never
# pass for an expected exit code. scripts/lsan.supp names the only leaks suppressed: the
# test harness's (XCTest, Foundation), never manifold's.
check:
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=exitcode=199 LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp \
	  MANIFOLD_BIN=$(CURDIR)/.build-asan/debug/manifold $(SWIFT) test --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp \
	  python3 Vectors/hostile/run.py --binary .build-asan/debug/manifold --no-memory-bound
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=exitcode=199 MANIFOLD_BIN=$(CURDIR)/.build-tsan/debug/manifold \
	  $(SWIFT) test --sanitize=thread --scratch-path .build-tsan

demo: deps $(RELEASE_BIN)
	@bash scripts/demo.sh $(RELEASE_BIN)

bench: deps $(RELEASE_BIN)
	@bash perf/bench.sh $(RELEASE_BIN)

bench-digest bench-verify bench-wide bench-pack bench-pull bench-bombs: deps $(RELEASE_BIN)
	@BENCH=$(@:bench-%=%) bash perf/bench.sh $(RELEASE_BIN)

# push / copy against skopeo on loopback docker-registries (issue 11).
bench-push: deps $(RELEASE_BIN)
	@bash perf/push-bench.sh $(RELEASE_BIN)

# One copy process moving 20 images between loopback registries, against skopeo (issue 12):
# verification, blobs moved once, peak RSS, open fds, throughput. Not part of `make test`.
soak: deps $(RELEASE_BIN)
	@bash perf/soak.sh $(RELEASE_BIN)

# Regenerates Vectors/ (digest known answers, gzip/zstd cases, the sample layer).
vectors:
	python3 Vectors/generate.py

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz perf/work
