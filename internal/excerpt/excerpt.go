// Package excerpt shortens values for error messages: enough of a value to
// recognize it, never a 30 MB string echoed back.
package excerpt

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Quote returns s quoted; a value longer than max bytes is cut (never
// inside a character) and followed by its full length.
func Quote(s string, max int) string {
	if len(s) <= max {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s... (%d bytes in all)", strconv.Quote(cutUTF8(s, max)), len(s))
}

// Plain is Quote without the quotes.
func Plain(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return fmt.Sprintf("%s... (%d bytes in all)", cutUTF8(s, max), len(s))
}

// cutUTF8 returns at most n bytes of s without splitting a character.
func cutUTF8(s string, n int) string {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
