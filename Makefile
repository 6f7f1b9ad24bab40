# gluelens — see README.md. Targets stay one or two lines; logic lives in scripts/.
GO       ?= go
BIN      ?= bin/gluelens
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
DEMO_DIR ?= demo

.PHONY: build test test-race bench fuzz golden lint demo clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/gluelens

test:
	scripts/test-deps.sh
	GLUELENS_ARTEFACTS=$${GLUELENS_ARTEFACTS:-$(CURDIR)/artefacts} $(GO) test -count=1 -timeout 20m ./...

test-race:
	$(GO) test -race -count=1 -timeout 30m ./...

bench: build
	scripts/bench.sh

fuzz:
	scripts/fuzz.sh

golden:
	$(GO) test ./... -run Golden -update

lint:
	test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

demo: build
	scripts/demo.sh $(BIN) $(DEMO_DIR)

clean:
	rm -rf bin $(DEMO_DIR)
