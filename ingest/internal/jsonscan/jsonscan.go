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
// backslash. The loop condition is written so that the compiler can prove
// b[j:j+8] in range and drops the bounds checks from the step.
func scanString(b []byte, j int) (end int, escaped bool) {
	for {
		for j >= 0 && j < len(b)-7 {
			x := binary.LittleEndian.Uint64(b[j : j+8])
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

// skipComposite skips the object or array that starts at b[i]. Mismatched
// bracket kinds are reported; the order of keys, colons and commas is not
// checked.
//
// This loop carries nearly all of a decoder's skipped bytes, so it is kept
// tight. Outside strings it steps a byte at a time while the class table
// says the byte is part of a number or literal, a separator or whitespace:
// in compact JSON these runs are a few bytes between strings. Strings are
// skipped eight bytes at a time by stringEnd. The open brackets are a bit
// stack (1 = '{') while they fit in 64 levels. Brackets deeper than that and
// the errors are handled by functions out of line, so that the loop keeps its
// few variables in registers instead of storing them on every byte.
//
// (A simdjson-style scan, classifying every byte eight at a time with the
// in-string mask from a prefix sum of the quote bits, measured slower: in
// pure Go each 8-byte word costs 35 to 45 instructions, more than this loop
// spends on the short strings and numbers of Spark event logs.)
func skipComposite(b []byte, i int) (int, error) {
	var stack uint64 // 1 bits are '{', 0 bits '['
	depth := 0
	var deep []byte // brackets beyond 64 levels
	j := i
	for {
		var c, cl byte
		for {
			if uint(j) >= uint(len(b)) {
				return unterminated(b, i, "the")
			}
			c = b[j]
			if cl = class[c]; cl > cSpace {
				break
			}
			j++
		}
		switch cl {
		case cQuote:
			if j = stringEnd(b, j+1); j < 0 {
				return unterminated(b, i, "a string of the")
			}
		case cOpen:
			if depth >= 64 {
				pushDeep(&deep, c)
			} else {
				stack = stack<<1 | uint64(c>>5&1) // '{' has bit 5 set, '[' not
			}
			depth++
			j++
		case cClose:
			var open byte
			switch {
			case depth == 0:
				return unexpected(b, j)
			case depth > 64:
				open = popDeep(&deep)
			default:
				open = '[' | byte(stack&1)<<5
				stack >>= 1
			}
			if c != open+2 { // ']' is '['+2 and '}' is '{'+2
				return unexpected(b, j)
			}
			depth--
			j++
			if depth == 0 {
				return j, nil
			}
		default:
			return unexpected(b, j)
		}
	}
}

// pushDeep pushes an open bracket beyond the 64 levels of skipComposite's
// bit stack. Going through a pointer keeps the slice in memory rather than
// in registers the loop needs.
func pushDeep(deep *[]byte, c byte) { *deep = append(*deep, c) }

// popDeep pops the bracket pushDeep pushed last.
func popDeep(deep *[]byte) byte {
	d := *deep
	c := d[len(d)-1]
	*deep = d[:len(d)-1]
	return c
}

// unexpected reports b[j], a closing bracket that does not match its
// opening one or a byte that cannot appear outside a string, as
// skipComposite returns it. (Returning j from here rather than in the loop
// keeps j from being live across the call, which would make the compiler
// store it on every byte.)
func unexpected(b []byte, j int) (int, error) {
	if class[b[j]] == cClose {
		return j, errAt(j, "unexpected %q", b[j])
	}
	return j, errAt(j, "unexpected %s outside a string", found(b, j))
}

// unterminated reports, as skipComposite returns it, that the input ends
// inside (where) the composite opened at b[i].
func unterminated(b []byte, i int, where string) (int, error) {
	line, col := Position(b, i)
	return len(b), errAt(len(b), "input ends inside %s %s opened at line %d, column %d", where, kindOf(b[i]), line, col)
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
