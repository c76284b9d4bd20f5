//go:build !linux

package journal

func isTmpfs(string) bool { return false }
