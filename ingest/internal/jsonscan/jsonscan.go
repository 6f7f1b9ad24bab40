// Package jsonscan finds the boundaries of JSON values in a buffer without
// decoding them, so decoders can hand only the records they want to
// encoding/json. It checks structure (balanced brackets, terminated strings,
// no stray bytes between tokens) but not the contents of strings or the
// spelling of numbers and literals: that is left to the decoder of the
// records that are kept.
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"unicode/utf8"
)

// SyntaxError is a structural problem at a byte offset of the buffer.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// byte classes outside strings
const (
	cOK      = iota // part of a number or literal, or a separator
	cSpace          // whitespace
	cQuote          // starts a string
	cOpen           // { or [
	cClose          // } or ]
	cInvalid        // cannot appear outside a string
)

var class = func() (t [256]byte) {
	for i := range t {
		t[i] = cInvalid
	}
	for _, c := range []byte("0123456789-+.eEtruefalsn:,") {
		t[c] = cOK
	}
	for _, c := range []byte(" \t\r\n") {
		t[c] = cSpace
	}
	t['"'] = cQuote
	t['{'], t['['] = cOpen, cOpen
	t['}'], t[']'] = cClose, cClose
	return t
}()

func errAt(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// found describes the byte at b[i] for an error message.
func found(b []byte, i int) string {
	if i >= len(b) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(b[i:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", b[i])
	}
	return fmt.Sprintf("%q", r)
}

// SkipSpace returns the index of the first non-whitespace byte at or after i.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && class[b[i]] == cSpace {
		i++
	}
	return i
}

// skipString returns the index after the string that starts at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	j := stringEnd(b, i+1)
	if j < 0 {
		line, col := Position(b, i)
		return len(b), errAt(len(b), "input ends inside the string opened at line %d, column %d", line, col)
	}
	return j, nil
}

// stringEnd returns the index after the closing quote of the string whose
// contents start at b[j], or -1 if the input ends first.
func stringEnd(b []byte, j int) int {
	end, _ := scanString(b, j)
	return end
}

// scanString is stringEnd that also reports whether the string holds an
// escape. It steps eight bytes at a time while none is a quote or a
// backslash.
func scanString(b []byte, j int) (end int, escaped bool) {
	for {
		for j+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[j:])
			if m := zeroByte(x^quotes) | zeroByte(x^backslashes); m != 0 {
				j += bits.TrailingZeros64(m) / 8
				break
			}
			j += 8
		}
		if j >= len(b) {
			return -1, escaped
		}
		c := b[j]
		j++
		if c == '"' {
			return j, escaped
		}
		if c == '\\' {
			escaped = true
			j++
		}
	}
}

// String returns the index after the string that starts at b[i] == '"' and
// whether it holds an escape (its contents are then not its value).
func String(b []byte, i int) (end int, escaped bool, err error) {
	end, escaped = scanString(b, i+1)
	if end < 0 {
		line, col := Position(b, i)
		return len(b), false, errAt(len(b), "input ends inside the string opened at line %d, column %d", line, col)
	}
	return end, escaped, nil
}

// SkipValue returns the index just after the JSON value starting at b[i]
// (no leading whitespace).
func SkipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return i, errAt(i, "expected a value, found end of input")
	}
	switch class[b[i]] {
	case cQuote:
		return skipString(b, i)
	case cOpen:
		return skipComposite(b, i)
	case cOK:
		j := i
		for j < len(b) && class[b[j]] == cOK && b[j] != ',' && b[j] != ':' {
			j++
		}
		if j == i {
			return i, errAt(i, "expected a value, found %s", found(b, i))
		}
		return j, nil
	default:
		return i, errAt(i, "expected a value, found %s", found(b, i))
	}
}

// skipComposite skips an object or array. Mismatched bracket kinds are
// reported; the order of keys, colons and commas is not checked.
//
// This loop carries nearly all of a decoder's skipped bytes, so it is kept
// tight: the open brackets are a bit stack (1 = '{') while they fit in 64
// levels, and strings are stepped through inline, since most are a few bytes.
func skipComposite(b []byte, i int) (int, error) {
	var stack uint64 // 1 bits are '{', 0 bits '['
	depth := 0
	var deep []byte // brackets beyond 64 levels
	j := i
	for j < len(b) {
		c := b[j]
		if class[c] <= cSpace {
			j++
			continue
		}
		switch class[c] {
		case cQuote:
			if j = stringEnd(b, j+1); j < 0 {
				line, col := Position(b, i)
				return len(b), errAt(len(b), "input ends inside a string of the %s opened at line %d, column %d", kindOf(b[i]), line, col)
			}
		case cOpen:
			if depth >= 64 {
				deep = append(deep, c)
			} else {
				stack <<= 1
				if c == '{' {
					stack |= 1
				}
			}
			depth++
			j++
		case cClose:
			var open byte
			switch {
			case depth == 0:
				return j, errAt(j, "unexpected %q", c)
			case depth > 64:
				open = deep[len(deep)-1]
				deep = deep[:len(deep)-1]
			default:
				open = '['
				if stack&1 == 1 {
					open = '{'
				}
				stack >>= 1
			}
			if (c == '}') != (open == '{') {
				return j, errAt(j, "unexpected %q", c)
			}
			depth--
			j++
			if depth == 0 {
				return j, nil
			}
		default:
			return j, errAt(j, "unexpected %s outside a string", found(b, j))
		}
	}
	line, col := Position(b, i)
	return j, errAt(len(b), "input ends inside the %s opened at line %d, column %d", kindOf(b[i]), line, col)
}

const (
	quotes      = 0x2222222222222222 // '"' in every byte
	backslashes = 0x5c5c5c5c5c5c5c5c // '\\' in every byte
)

// zeroByte has the high bit of the lowest zero byte of x set (and maybe
// of bytes above it): its trailing zeros / 8 index that byte.
func zeroByte(x uint64) uint64 {
	return (x - 0x0101010101010101) &^ x & 0x8080808080808080
}

func kindOf(c byte) string {
	if c == '[' {
		return "array"
	}
	return "object"
}

// Object walks the members of the object starting at b[i] == '{'. For each
// member it calls fn with the key (raw, without quotes; escapes are not
// decoded) and the index of the value. fn returns the index after the value
// it consumed, or -1 to have the value skipped. Object returns the index
// after the closing brace.
func Object(b []byte, i int, fn func(key []byte, value int) (int, error)) (int, error) {
	if i >= len(b) || b[i] != '{' {
		return i, errAt(i, "expected an object, found %s", found(b, i))
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, errAt(i, "expected an object key, found %s", found(b, i))
		}
		end, err := skipString(b, i)
		if err != nil {
			return end, err
		}
		key := b[i+1 : end-1]
		i = SkipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return i, errAt(i, "expected ':' after key %q, found %s", key, found(b, i))
		}
		i = SkipSpace(b, i+1)
		next, err := fn(key, i)
		if err != nil {
			return next, err
		}
		if next < 0 {
			if next, err = SkipValue(b, i); err != nil {
				return next, err
			}
		}
		i = SkipSpace(b, next)
		switch {
		case i < len(b) && b[i] == ',':
			i = SkipSpace(b, i+1)
		case i < len(b) && b[i] == '}':
			return i + 1, nil
		default:
			return i, errAt(i, "expected ',' or '}' in object, found %s", found(b, i))
		}
	}
}

// Array calls fn with the index and byte range of every element of the
// array starting at b[i] == '['. It returns the index after the closing
// bracket.
func Array(b []byte, i int, fn func(n, start, end int) error) (int, error) {
	if i >= len(b) || b[i] != '[' {
		return i, errAt(i, "expected an array, found %s", found(b, i))
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		end, err := SkipValue(b, i)
		if err != nil {
			return end, err
		}
		if err := fn(n, i, end); err != nil {
			return end, err
		}
		i = SkipSpace(b, end)
		switch {
		case i < len(b) && b[i] == ',':
			i = SkipSpace(b, i+1)
		case i < len(b) && b[i] == ']':
			return i + 1, nil
		default:
			return i, errAt(i, "expected ',' or ']' in array, found %s", found(b, i))
		}
	}
}

// Stream calls fn with the index and byte range of every top-level value of
// a whitespace-separated sequence (one JSON document, JSON lines, or
// concatenated documents).
func Stream(b []byte, fn func(n, start, end int) error) error {
	i := SkipSpace(b, 0)
	for n := 0; i < len(b); n++ {
		end, err := SkipValue(b, i)
		if err != nil {
			return err
		}
		if err := fn(n, i, end); err != nil {
			return err
		}
		i = SkipSpace(b, end)
	}
	return nil
}

// FirstKey returns the first key of the object that head starts with
// (after whitespace), or "" when head does not start with an object key.
func FirstKey(head []byte) string {
	i := SkipSpace(head, 0)
	if i >= len(head) || head[i] != '{' {
		return ""
	}
	i = SkipSpace(head, i+1)
	if i >= len(head) || head[i] != '"' {
		return ""
	}
	end, err := skipString(head, i)
	if err != nil {
		return ""
	}
	return string(head[i+1 : end-1])
}

// Position returns the 1-based line and column (in bytes) of offset off.
func Position(b []byte, off int) (line, col int) {
	if off > len(b) {
		off = len(b)
	}
	if off < 0 {
		off = 0
	}
	line = 1 + bytes.Count(b[:off], []byte{'\n'})
	col = off - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}

// PositionError is invalid JSON at a line and column of the input.
type PositionError struct {
	Line, Column int // 1-based; the column counts bytes
	Msg          string
}

func (e *PositionError) Error() string {
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Locate turns a *SyntaxError from this package, or an encoding/json
// *SyntaxError or *UnmarshalTypeError for the value that starts at b[base],
// into a *PositionError. Other errors are returned unchanged.
func Locate(b []byte, base int, err error) error {
	var se *SyntaxError
	var jse *json.SyntaxError
	var ute *json.UnmarshalTypeError
	var off int
	var msg string
	switch {
	case errors.As(err, &se):
		off, msg = se.Offset, se.Msg
	case errors.As(err, &jse):
		off, msg = base+int(jse.Offset), jse.Error()
		if jse.Offset > 0 {
			off-- // Offset counts the byte that failed
		}
	case errors.As(err, &ute):
		off, msg = base+int(ute.Offset), ute.Error()
	default:
		return err
	}
	line, col := Position(b, off)
	return &PositionError{Line: line, Column: col, Msg: msg}
}

// NewlineInString returns the offset of the first raw newline that lies
// inside a string (invalid JSON, as in AWS documentation samples whose long
// values were wrapped), or -1. A compact single-line document costs one
// vectorised pass. Otherwise every line of valid JSON holds an even number
// of unescaped quotes, which whole-line counts check; only when a value
// contains an escaped backslash are the quotes walked one by one.
func NewlineInString(b []byte) int {
	if bytes.IndexByte(bytes.TrimRight(b, " \t\r\n"), '\n') < 0 {
		return -1
	}
	if !bytes.Contains(b, []byte(`\\`)) && quickEvenLines(b) {
		return -1
	}
	in := false
	start := 0
	for i := 0; i < len(b); {
		k := bytes.IndexByte(b[i:], '"')
		if k < 0 {
			break
		}
		j := i + k
		if !in {
			in, start = true, j
			i = j + 1
			continue
		}
		if nl := bytes.IndexByte(b[i:j], '\n'); nl >= 0 {
			return i + nl
		}
		n := 0
		for p := j - 1; p > start && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			in = false
		}
		i = j + 1
	}
	return -1
}

// quickEvenLines reports whether every line has an even count of quotes
// not preceded by a backslash (exact when the buffer has no "\\").
func quickEvenLines(b []byte) bool {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if (bytes.Count(line, []byte{'"'})-bytes.Count(line, []byte(`\"`)))%2 != 0 {
			return false
		}
	}
	return true
}
