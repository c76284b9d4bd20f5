package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode/utf8"
)

// Redact bounds a string before it is recorded. When s is at most max bytes
// long it is returned unchanged, with sha empty and truncated false.
// Otherwise text is the longest prefix of s that is at most max bytes and
// does not split a UTF-8 sequence, sha is the hex SHA-256 of the whole of s
// (so two records of the same long value can be matched without storing
// it), and truncated is true. A max below zero is treated as zero.
func Redact(s string, max int) (text string, sha string, truncated bool) {
	if max < 0 {
		max = 0
	}
	if len(s) <= max {
		return s, "", false
	}
	cut := max
	// Back up to the start of a rune, so a multi-byte character is not
	// split; at most utf8.UTFMax-1 steps for valid UTF-8.
	for i := 0; cut > 0 && i < utf8.UTFMax && !utf8.RuneStart(s[cut]); i++ {
		cut--
	}
	if !utf8.RuneStart(s[cut]) {
		// Invalid UTF-8: cut at max; the encoder replaces the stray bytes.
		cut = max
	}
	sum := sha256.Sum256([]byte(s))
	return s[:cut], hex.EncodeToString(sum[:]), true
}
