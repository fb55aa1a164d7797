package ipam_test

import (
	"math/big"
	"net/netip"
	"testing"

	"github.com/ipd/ipd/internal/ipam"
)

// FuzzParseAddr checks that ParseAddr accepts exactly what netip accepts
// less zones and IPv4-mapped forms, and that what it returns reads back
// to itself.
func FuzzParseAddr(f *testing.F) {
	for _, seed := range []string{"10.0.0.1", "2001:DB8::1", "::ffff:1.2.3.4", "fe80::1%eth0", "010.0.0.1", "::", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ipam.ParseAddr(s)
		std, stdErr := netip.ParseAddr(s)
		wantOK := stdErr == nil && std.Zone() == "" && !std.Is4In6()
		if (err == nil) != wantOK {
			t.Fatalf("ParseAddr(%q): got error %v; netip gives %v, %v", s, err, std, stdErr)
		}
		if err != nil {
			return
		}
		if got != std {
			t.Fatalf("ParseAddr(%q): got %s; want %s", s, got, std)
		}
		again, err := ipam.ParseAddr(got.String())
		if err != nil || again != got {
			t.Fatalf("ParseAddr(%q) = %s reads back as %s, %v", s, got, again, err)
		}
	})
}

// FuzzParseRange checks that a parsed range is valid and that its text
// parses back to it.
func FuzzParseRange(f *testing.F) {
	for _, seed := range []string{"10.0.0.1", "10.0.0.1-10.0.0.9", "10.0.0.0/24", "2001:db8::/64",
		"10.0.0.9-10.0.0.1", "10.0.0.1-2001:db8::1", "::ffff:0:0/96", " 10.0.0.1 - 10.0.0.2 "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ipam.ParseRange(s)
		if err != nil {
			return
		}
		if !r.IsValid() {
			t.Fatalf("ParseRange(%q): got invalid %v", s, r)
		}
		if r.From.Zone() != "" || r.From.Is4In6() || r.To.Is4In6() {
			t.Fatalf("ParseRange(%q): got %s, with an end no pool may hold", s, r)
		}
		again, err := ipam.ParseRange(r.String())
		if err != nil || again != r {
			t.Fatalf("ParseRange(%q) = %s reads back as %s, %v", s, r, again, err)
		}
	})
}

// addrIn returns the address at offset off (taken modulo the range's
// size) of r, computed with math/big.
func addrIn(r ipam.Range, off []byte) netip.Addr {
	n := new(big.Int).SetBytes(off)
	n.Mod(n, bigSize(r))
	return addrFromBig(n.Add(n, bigOf(r.From)), r.From.Is4())
}

// fuzzRange builds a valid range of either family from raw bytes.
func fuzzRange(v6 bool, a, b []byte) ipam.Range {
	size := 4
	if v6 {
		size = 16
	}
	from := addrFromBig(new(big.Int).SetBytes(pad(a, size)), !v6)
	to := addrFromBig(new(big.Int).SetBytes(pad(b, size)), !v6)
	if to.Less(from) {
		from, to = to, from
	}
	return ipam.Range{From: from, To: to}
}

// pad returns the last size bytes of b, left-padded with zeros.
func pad(b []byte, size int) []byte {
	out := make([]byte, size)
	if len(b) > size {
		b = b[len(b)-size:]
	}
	copy(out[size-len(b):], b)
	return out
}

// FuzzRangeWithout checks the split of a range at one of its addresses:
// the pieces lie inside the range, leave out exactly that address, do not
// touch each other and add up to one address fewer.
func FuzzRangeWithout(f *testing.F) {
	f.Add(false, []byte{10, 0, 0, 1}, []byte{10, 0, 0, 9}, []byte{3})
	f.Add(true, []byte{0xff}, []byte{0xff, 0xff}, []byte{0})
	f.Add(true, make([]byte, 16), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff}, []byte{1})
	f.Fuzz(func(t *testing.T, v6 bool, a, b, off []byte) {
		r := fuzzRange(v6, a, b)
		cut := addrIn(r, off)
		pieces := r.Without(cut)

		total := big.NewInt(1)
		for i, p := range pieces {
			if !p.IsValid() || !r.Contains(p.From) || !r.Contains(p.To) {
				t.Fatalf("(%s).Without(%s): piece %s is not inside", r, cut, p)
			}
			if p.Contains(cut) {
				t.Fatalf("(%s).Without(%s): piece %s still holds it", r, cut, p)
			}
			if i > 0 && (pieces[i-1].Adjacent(p) || pieces[i-1].Overlaps(p)) {
				t.Fatalf("(%s).Without(%s): pieces %v touch", r, cut, pieces)
			}
			total.Add(total, bigSize(p))
		}
		if total.Cmp(bigSize(r)) != 0 {
			t.Fatalf("(%s).Without(%s) = %v: %s addresses with the cut one; want %s", r, cut, pieces, total, bigSize(r))
		}
	})
}

// smallRanges reads a list of IPv4 ranges inside 10.0.0.0/24 from pairs of
// bytes, so that a bitmap of 256 addresses can model them.
func smallRanges(b []byte) ([]ipam.Range, [256]bool) {
	var out []ipam.Range
	var model [256]bool
	for i := 0; i+1 < len(b); i += 2 {
		lo, hi := b[i], b[i+1]
		if hi < lo {
			lo, hi = hi, lo
		}
		out = append(
			out,
			ipam.Range{From: netip.AddrFrom4([4]byte{10, 0, 0, lo}), To: netip.AddrFrom4([4]byte{10, 0, 0, hi})},
		)
		for n := int(lo); n <= int(hi); n++ {
			model[n] = true
		}
	}
	return out, model
}

// FuzzSubtract checks Normalize and Subtract, and Contains on their
// results, against a bitmap of the 256 addresses of 10.0.0.0/24.
func FuzzSubtract(f *testing.F) {
	f.Add([]byte{0, 255}, []byte{0, 0, 255, 255, 7, 9})
	f.Add([]byte{10, 20, 15, 30, 40, 41}, []byte{20, 40})
	f.Add([]byte{}, []byte{1, 2})
	f.Fuzz(func(t *testing.T, baseBytes, holeBytes []byte) {
		base, inBase := smallRanges(baseBytes)
		holes, inHoles := smallRanges(holeBytes)

		normal := ipam.Normalize(base)
		requireSet(t, normal, "Normalize")
		left := ipam.Subtract(base, holes)
		requireSet(t, left, "Subtract")
		for n := range 256 {
			a := netip.AddrFrom4([4]byte{10, 0, 0, byte(n)})
			if got := containedIn(normal, a); got != inBase[n] {
				t.Fatalf("Normalize(%v) = %v: holds %s is %v; want %v", base, normal, a, got, inBase[n])
			}
			want := inBase[n] && !inHoles[n]
			if got := containedIn(left, a); got != want {
				t.Fatalf("Subtract(%v, %v) = %v: holds %s is %v; want %v", base, holes, left, a, got, want)
			}
		}
	})
}

func containedIn(rs []ipam.Range, a netip.Addr) bool {
	for _, r := range rs {
		if r.Contains(a) {
			return true
		}
	}
	return false
}
