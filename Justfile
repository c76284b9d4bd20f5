# Developer tasks. CI (.ci/run) runs the same commands directly.

build:
    CGO_ENABLED=0 go build -o rrsh ./cmd/rrsh

test:
    go test ./...

check:
    test -z "$(gofmt -l $(git ls-files '*.go'))"
    go vet ./...
    GOOS=darwin go build ./...
    GOOS=windows go vet ./...
    bash .ci/layering
    RRSH_REQUIRE_JAIL=1 go test -count=1 ./...

bench:
    go test -run '^$' -bench . -benchmem ./parse ./policy ./journal ./snapshots ./store ./jail
    bash bench/process.sh

# Runs every fuzz target for a while; commit new files under testdata/fuzz/.
fuzz time="2m":
    go test ./parse -run '^$' -fuzz '^FuzzParse$' -fuzztime {{time}}
    go test ./policy -run '^$' -fuzz '^FuzzDecide$' -fuzztime {{time}}
    go test ./policy -run '^$' -fuzz '^FuzzLoad$' -fuzztime {{time}}
