package cidrfree

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

func prefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func TestTakeAll(t *testing.T) {
	for _, tt := range []struct {
		name         string
		outer, taken []string
		bits         []int
		want         []string // "" where no block is free
	}{
		{name: "empty VPC: the first block", outer: []string{"10.0.0.0/16"}, bits: []int{24}, want: []string{"10.0.0.0/24"}},
		{
			// 10.20.0.0/24 and 10.20.8.0/26 taken: the first free /25 is
			// 10.20.1.0/25; the next free /26 after it is 10.20.1.128/26.
			name: "around taken subnets", outer: []string{"10.20.0.0/16"},
			taken: []string{"10.20.0.0/24", "10.20.8.0/26", "10.20.16.0/24"},
			bits:  []int{25, 26, 27}, want: []string{"10.20.1.0/25", "10.20.1.128/26", "10.20.1.192/27"},
		},
		{
			// Largest first: the /24 must not land after the /28 splits
			// 10.0.0.0/24; asked in the order /28, /24 it still gets
			// 10.0.0.0/24 and the /28 the next block.
			name: "largest first", outer: []string{"10.0.0.0/23"},
			bits: []int{28, 24}, want: []string{"10.0.1.0/28", "10.0.0.0/24"},
		},
		{
			// The primary /24 is full; the secondary block has room.
			name: "secondary block", outer: []string{"10.0.0.0/24", "100.64.0.0/22"},
			taken: []string{"10.0.0.0/25", "10.0.0.128/25", "100.64.0.0/24"},
			bits:  []int{24, 26}, want: []string{"100.64.1.0/24", "100.64.2.0/26"},
		},
		{
			// A /25 does not fit a /26 hole plus the next /26 that is
			// not aligned with it: 10.0.0.64/26 and 10.0.0.128/26 are
			// free but straddle the /25 boundary.
			name: "alignment", outer: []string{"10.0.0.0/24"},
			taken: []string{"10.0.0.0/26", "10.0.0.192/26"},
			bits:  []int{25, 26}, want: []string{"", "10.0.0.64/26"},
		},
		{name: "no room at all", outer: []string{"10.0.0.0/24"}, taken: []string{"10.0.0.0/24"}, bits: []int{28}, want: []string{""}},
		{name: "bigger than the VPC", outer: []string{"10.0.0.0/24"}, bits: []int{23}, want: []string{""}},
		{
			// Two VPC blocks that touch merge: a /23 spans both.
			name: "adjacent outer blocks", outer: []string{"10.0.0.0/24", "10.0.1.0/24"},
			bits: []int{23}, want: []string{"10.0.0.0/23"},
		},
		{
			// A taken block outside the VPC (another VPC's subnet) changes nothing.
			name: "taken outside", outer: []string{"10.0.0.0/24"}, taken: []string{"192.168.0.0/16"},
			bits: []int{24}, want: []string{"10.0.0.0/24"},
		},
		{name: "unmasked outer", outer: []string{"10.0.0.77/24"}, bits: []int{26}, want: []string{"10.0.0.0/26"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(prefixes(t, tt.outer...), prefixes(t, tt.taken...))
			if err != nil {
				t.Fatal(err)
			}
			got := s.TakeAll(tt.bits)
			for i, w := range tt.want {
				g := ""
				if got[i].IsValid() {
					g = got[i].String()
				}
				if g != w {
					t.Errorf("block %d (/%d): got %q, want %q", i, tt.bits[i], g, w)
				}
			}
		})
	}
}

func TestNewRejectsIPv6(t *testing.T) {
	if _, err := New(prefixes(t, "2001:db8::/56"), nil); err == nil {
		t.Error("an IPv6 outer block was accepted")
	}
	if _, err := New(prefixes(t, "10.0.0.0/16"), prefixes(t, "2001:db8::/64")); err == nil {
		t.Error("an IPv6 taken block was accepted")
	}
}

func TestLargestAndFree(t *testing.T) {
	s, err := New(prefixes(t, "10.0.0.0/24"), prefixes(t, "10.0.0.0/26", "10.0.0.128/27"))
	if err != nil {
		t.Fatal(err)
	}
	// Free: .64–.127 (a /26) and .160–.255 (a /27 and a /26): 64+96 = 160.
	if n := s.FreeAddresses(); n != 160 {
		t.Errorf("free addresses %d, want 160", n)
	}
	if p, ok := s.Largest(); !ok || p.String() != "10.0.0.64/26" {
		t.Errorf("largest %v %v, want 10.0.0.64/26", p, ok)
	}
	full, _ := New(prefixes(t, "10.0.0.0/28"), prefixes(t, "10.0.0.0/28"))
	if p, ok := full.Largest(); ok {
		t.Errorf("a full space has a largest block %s", p)
	}
}

// TestTakeAgainstBruteForce checks Take against an independent search:
// every aligned block of the size, in address order, tested address by
// address against the outer and taken blocks and the blocks handed out.
func TestTakeAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := netip.MustParseAddr("10.0.0.0")
	in := func(a netip.Addr, ps []netip.Prefix) bool {
		for _, p := range ps {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	rnd := func(minBits int) netip.Prefix {
		bits := minBits + r.IntN(29-minBits)
		off := uint64(r.IntN(1 << 10))
		return netip.PrefixFrom(addr(v4(base)+off), bits).Masked()
	}
	for trial := 0; trial < 300; trial++ {
		var outer, taken []netip.Prefix
		for range 1 + r.IntN(3) {
			outer = append(outer, rnd(22))
		}
		for range r.IntN(6) {
			taken = append(taken, rnd(24))
		}
		s, err := New(outer, taken)
		if err != nil {
			t.Fatal(err)
		}
		var given []netip.Prefix
		for range 4 {
			bits := 24 + r.IntN(5)
			got, ok := s.Take(bits)
			var want netip.Prefix
			size := uint64(1) << (32 - bits)
		search:
			for lo := v4(base); lo < v4(base)+(1<<11); lo += size {
				for a := lo; a < lo+size; a++ {
					x := addr(a)
					if !in(x, outer) || in(x, taken) || in(x, given) {
						continue search
					}
				}
				want = netip.PrefixFrom(addr(lo), bits)
				break
			}
			if ok != want.IsValid() || (ok && got != want) {
				t.Fatalf("trial %d: outer %v taken %v given %v: Take(/%d) = %v %v, brute force %v", trial, outer, taken, given, bits, got, ok, want)
			}
			if ok {
				given = append(given, got)
			}
		}
	}
}
