// Package shellquote builds the command lines gluelens prints for pasting
// into a POSIX shell (bash, zsh, dash). Every word that came from evidence
// (a job name, a category, a subnet id) is untrusted: it goes through Quote,
// so the pasted line runs exactly the command shown and nothing else.
package shellquote

import "strings"

// safe reports whether b needs no quoting in any POSIX shell word: letters,
// digits and a few punctuation marks that no shell treats specially.
func safe(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("-_./:,+=@%", b) >= 0
}

// Quote returns s as one shell word: unchanged when every byte is safe,
// otherwise in single quotes, each embedded single quote written as a
// closing quote, a backslash-escaped quote and a reopening quote. The empty
// string becomes a pair of single quotes. Single quotes make every other
// byte literal, newlines included.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	plain := true
	for i := 0; i < len(s); i++ {
		if !safe(s[i]) {
			plain = false
			break
		}
	}
	// A leading '=' is special to zsh (=cmd expands to a path); '%' at
	// the start is a job spec in some shells' builtins. Quote those too.
	if plain && s[0] != '=' && s[0] != '%' {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join quotes each word and joins them with spaces: the command line that
// runs argv[0] with exactly the arguments argv[1:].
func Join(argv ...string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}
