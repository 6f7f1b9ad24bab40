package synth

import (
	"strconv"
	"time"
)

// jw appends compact JSON with keys in the order they are written, the way
// CloudTrail writes its records. It is much faster than encoding/json for
// the benchmark corpus and keeps key order stable for byte-identical output.
// Callers write well-formed sequences: key then value, open/close balanced.
type jw struct {
	b    []byte
	need bool // a comma is due before the next key or array element
}

func (w *jw) comma() {
	if w.need {
		w.b = append(w.b, ',')
	}
}

// obj opens an object as a value.
func (w *jw) obj() { w.comma(); w.b = append(w.b, '{'); w.need = false }

// end closes an object.
func (w *jw) end() { w.b = append(w.b, '}'); w.need = true }

// arr opens an array as a value.
func (w *jw) arr() { w.comma(); w.b = append(w.b, '['); w.need = false }

// endArr closes an array.
func (w *jw) endArr() { w.b = append(w.b, ']'); w.need = true }

// key writes an object key; the next call writes its value.
func (w *jw) key(k string) {
	w.comma()
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':')
	w.need = false
}

// str writes a string value.
func (w *jw) str(v string) { w.comma(); w.b = appendJSONString(w.b, v); w.need = true }

// raw writes pre-encoded JSON as a value.
func (w *jw) raw(v string) { w.comma(); w.b = append(w.b, v...); w.need = true }

// num writes an integer value.
func (w *jw) num(v int64) { w.comma(); w.b = strconv.AppendInt(w.b, v, 10); w.need = true }

// boolean writes true or false.
func (w *jw) boolean(v bool) { w.comma(); w.b = strconv.AppendBool(w.b, v); w.need = true }

// null writes null.
func (w *jw) null() { w.raw("null") }

// ts writes a CloudTrail eventTime: UTC, second precision, trailing Z.
func (w *jw) ts(t time.Time) {
	w.comma()
	w.b = append(w.b, '"')
	w.b = t.UTC().AppendFormat(w.b, "2006-01-02T15:04:05Z")
	w.b = append(w.b, '"')
	w.need = true
}

// kv writes "k":"v".
func (w *jw) kv(k, v string) { w.key(k); w.str(v) }

// appendJSONString appends s as a JSON string literal.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
