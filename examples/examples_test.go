package examples_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/rrsh/rrsh/examples"
	"github.com/rrsh/rrsh/policy"
)

// TestExamplesLoad loads every example policy; loading runs each file's
// tests: section, so a failing example fails here with file:line.
func TestExamplesLoad(t *testing.T) {
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 3 {
		t.Fatalf("found only %v", names)
	}
	for _, n := range names {
		data, err := fs.ReadFile(examples.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		p, err := policy.Load(n, data)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if n != "railroad.yaml" && len(p.TestResults()) < 10 {
			t.Errorf("%s: only %d examples in tests:", n, len(p.TestResults()))
		}
	}
}

func TestDefaultIsDefaultYAML(t *testing.T) {
	data, err := fs.ReadFile(examples.FS, "default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(examples.Default) {
		t.Error("examples.Default is not default.yaml")
	}
	if !strings.Contains(string(examples.Default), "version: 1") {
		t.Error("default.yaml does not declare version 1")
	}
}

// TestSeedUnchanged pins railroad.yaml to the seed policy, byte for byte.
func TestSeedUnchanged(t *testing.T) {
	const seed = `blocklist: [terraform destroy, "rm -rf", "DROP TABLE", "push --force", drizzle-kit push --force]
approve:   [npm publish, docker push, terraform apply]
allowlist: [npm install, npm test, git status, git diff]
default: allow            # allow | approve | block
`
	data, err := fs.ReadFile(examples.FS, "railroad.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != seed {
		t.Errorf("railroad.yaml is not the seed policy:\n%s", data)
	}
}
