package synth

import (
	"math/rand/v2"
	"time"
)

// rng is the only source of randomness in the generators: a PCG stream
// seeded from the scenario seed, so the same seed always gives the same
// bytes on every platform and Go release (math/rand/v2 fixes PCG's output).
type rng struct{ r *rand.Rand }

// newRNG returns a stream for seed; stream separates independent streams
// drawn from one seed (for example one per output file).
func newRNG(seed, stream uint64) *rng {
	return &rng{r: rand.New(rand.NewPCG(seed, stream^0x9e3779b97f4a7c15))}
}

// intn returns an int in [0, n).
func (g *rng) intn(n int) int { return g.r.IntN(n) }

// between returns an int in [lo, hi].
func (g *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

// duration returns a duration in [lo, hi], whole milliseconds.
func (g *rng) duration(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	ms := g.r.Int64N(int64((hi-lo)/time.Millisecond) + 1)
	return lo + time.Duration(ms)*time.Millisecond
}

// seconds returns a duration in [lo, hi], whole seconds.
func (g *rng) seconds(lo, hi time.Duration) time.Duration {
	return time.Duration(g.between(int(lo/time.Second), int(hi/time.Second))) * time.Second
}

// chance reports true with probability p.
func (g *rng) chance(p float64) bool { return g.r.Float64() < p }

// shuffle permutes n elements with swap.
func (g *rng) shuffle(n int, swap func(i, j int)) { g.r.Shuffle(n, swap) }

// float returns a float64 in [0, 1).
func (g *rng) float() float64 { return g.r.Float64() }

// pick returns one element of s.
func pick[T any](g *rng, s []T) T { return s[g.r.IntN(len(s))] }

const (
	hexDigits   = "0123456789abcdef"
	alnumDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

// appendChars appends n characters drawn from set.
func (g *rng) appendChars(b []byte, set string, n int) []byte {
	for n > 0 {
		v := g.r.Uint64()
		for i := 0; i < 10 && n > 0; i++ {
			b = append(b, set[int(v&0x3f)%len(set)])
			v >>= 6
			n--
		}
	}
	return b
}

// hex returns n lowercase hex digits.
func (g *rng) hex(n int) string { return string(g.appendChars(nil, hexDigits, n)) }

// alnum returns n characters of [A-Za-z0-9], as in CloudTrail file names.
func (g *rng) alnum(n int) string { return string(g.appendChars(nil, alnumDigits, n)) }

// upper returns n characters of [A-Z2-7], as in IAM unique IDs and access keys.
func (g *rng) upper(n int) string { return string(g.appendChars(nil, upperDigits, n)) }

// appendUUID appends a random version-4 UUID in canonical form.
func (g *rng) appendUUID(b []byte) []byte {
	hi, lo := g.r.Uint64(), g.r.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	var raw [16]byte
	for i := 0; i < 8; i++ {
		raw[i] = byte(hi >> (56 - 8*i))
		raw[8+i] = byte(lo >> (56 - 8*i))
	}
	for i, c := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return b
}

// uuid returns a random version-4 UUID.
func (g *rng) uuid() string { return string(g.appendUUID(nil)) }
