GO ?= go
PKGS ?= ./...
FUZZTIME ?= 60s
BENCHCOUNT ?= 6

.PHONY: test lint bench fuzz

# test: go vet, the race detector and every test (fuzz seed corpora included).
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 10m $(PKGS)

# lint: staticcheck (installed into GOPATH/bin on first use).
lint:
	@command -v staticcheck >/dev/null 2>&1 || $(GO) install honnef.co/go/tools/cmd/staticcheck@latest
	staticcheck $(PKGS)

# bench: every benchmark, with allocations, repeated for benchstat.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) $(PKGS)

# fuzz: each fuzz target for FUZZTIME.
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done
