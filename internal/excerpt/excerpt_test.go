package excerpt

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShortValuesAreWhole(t *testing.T) {
	if got := Quote(`a "b"`, 10); got != `"a \"b\""` {
		t.Errorf("Quote = %s", got)
	}
	if got := Plain("abc", 3); got != "abc" {
		t.Errorf("Plain = %s", got)
	}
}

func TestLongValuesAreCutAtACharacterWithTheirLength(t *testing.T) {
	s := strings.Repeat("é", 10) // 20 bytes
	got := Quote(s, 5)           // 5 bytes would split the third é
	if got != `"éé"... (20 bytes in all)` {
		t.Errorf("Quote = %s", got)
	}
	got = Plain(s, 5)
	if got != `éé... (20 bytes in all)` || !utf8.ValidString(got) {
		t.Errorf("Plain = %s", got)
	}
}
