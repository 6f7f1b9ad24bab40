// Package cidrfree finds free IPv4 blocks: aligned CIDR blocks of a given
// size inside a set of outer blocks (a VPC's CIDR blocks) that overlap no
// taken block (its subnets) and none of each other.
package cidrfree

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
)

// span is an inclusive range of IPv4 addresses as integers.
type span struct{ lo, hi uint64 }

func v4(a netip.Addr) uint64 {
	b := a.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
}

func addr(n uint64) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

func spanOf(p netip.Prefix) span {
	p = p.Masked()
	lo := v4(p.Addr())
	return span{lo, lo + (uint64(1) << (32 - p.Bits())) - 1}
}

// Space is the free address space of some outer blocks less some taken
// ones. Blocks handed out by Take are taken too.
type Space struct {
	outer []netip.Prefix
	free  []span // sorted, disjoint
}

// New returns the space of outer less taken. Prefixes that are not IPv4
// are an error; taken blocks outside every outer block are ignored.
func New(outer, taken []netip.Prefix) (*Space, error) {
	s := &Space{}
	for _, p := range outer {
		if !p.IsValid() || !p.Addr().Is4() {
			return nil, fmt.Errorf("outer block %s is not an IPv4 prefix", p)
		}
		s.outer = append(s.outer, p.Masked())
	}
	var spans []span
	for _, p := range s.outer {
		spans = append(spans, spanOf(p))
	}
	s.free = merge(spans)
	for _, p := range taken {
		if !p.IsValid() || !p.Addr().Is4() {
			return nil, fmt.Errorf("taken block %s is not an IPv4 prefix", p)
		}
		s.remove(spanOf(p))
	}
	return s, nil
}

// merge sorts spans and joins those that overlap or touch.
func merge(in []span) []span {
	sort.Slice(in, func(i, j int) bool { return in[i].lo < in[j].lo })
	var out []span
	for _, s := range in {
		if n := len(out); n > 0 && s.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, s.hi)
			continue
		}
		out = append(out, s)
	}
	return out
}

// remove takes t out of the free spans.
func (s *Space) remove(t span) {
	var out []span
	for _, f := range s.free {
		if t.hi < f.lo || t.lo > f.hi {
			out = append(out, f)
			continue
		}
		if f.lo < t.lo {
			out = append(out, span{f.lo, t.lo - 1})
		}
		if t.hi < f.hi {
			out = append(out, span{t.hi + 1, f.hi})
		}
	}
	s.free = out
}

// first returns the lowest free aligned block of the given prefix length.
func (s *Space) first(bits int) (netip.Prefix, bool) {
	size := uint64(1) << (32 - bits)
	for _, f := range s.free {
		lo := (f.lo + size - 1) / size * size // round up to the alignment
		if lo+size-1 <= f.hi {
			return netip.PrefixFrom(addr(lo), bits), true
		}
	}
	return netip.Prefix{}, false
}

// Take hands out the lowest free block of the given prefix length and
// marks it taken; false when no such block is free.
func (s *Space) Take(bits int) (netip.Prefix, bool) {
	if bits < 0 || bits > 32 {
		return netip.Prefix{}, false
	}
	p, ok := s.first(bits)
	if ok {
		s.remove(spanOf(p))
	}
	return p, ok
}

// Largest returns the largest aligned free block (the smallest prefix
// length); false when nothing is free.
func (s *Space) Largest() (netip.Prefix, bool) {
	for bits := 0; bits <= 32; bits++ {
		if p, ok := s.first(bits); ok {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// FreeAddresses counts the free addresses.
func (s *Space) FreeAddresses() uint64 {
	var n uint64
	for _, f := range s.free {
		n += f.hi - f.lo + 1
	}
	return n
}

// TakeAll hands out one block per requested prefix length, the largest
// blocks first so that small ones do not split the room big ones need;
// the result is in the order of bits, with an invalid prefix where no
// block of that size is free.
func (s *Space) TakeAll(bits []int) []netip.Prefix {
	order := make([]int, len(bits))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return bits[a] - bits[b] })
	out := make([]netip.Prefix, len(bits))
	for _, i := range order {
		if p, ok := s.Take(bits[i]); ok {
			out[i] = p
		}
	}
	return out
}
