//go:build !linux

package store

import "errors"

const roBindEnv = "RRSH_STORE_TEST_RO_BIND"

func remountReadOnly(dir string) error { return errors.New("read-only bind mounts are Linux-only") }
