package codec_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/OneOfOne/xxhash"
	"github.com/gluelens/gluelens/ingest/codec"
	"github.com/gluelens/gluelens/ingest/codec/codectest"
	"github.com/gluelens/gluelens/internal/testutil"
	"github.com/klauspost/compress/zstd"
)

// realLogs are plain Spark event logs of several eras read from testdata/realdata.
var realLogs = []string{
	"local-1422981780767",     // Spark 1.2, "<driver>"
	"local-1430917381534",     // 1.4
	"app-20161115172038-0000", // 2.1
	"local-1642039451826",     // 3.3, 400 KB
	"local-1430917381535_1",   // 5 KB, smaller than one block
	"application_1578436911597_0052",
}

func readReal(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testutil.RealData(t, "spark-events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decode runs stream through codec.Detect as the pipeline does.
func decode(stream []byte) ([]byte, string, error) {
	rc, name, err := codec.Detect(bufio.NewReader(bytes.NewReader(stream)))
	if err != nil {
		return nil, name, err
	}
	defer rc.Close()
	out, err := io.ReadAll(rc)
	return out, name, err
}

func TestSparkFramingsRoundTripRealLogs(t *testing.T) {
	type framing struct {
		name  string
		codec string
		build func(plain []byte) []byte
	}
	lz4 := func(o codectest.LZ4Options) func([]byte) []byte {
		return func(p []byte) []byte { b, _ := codectest.LZ4Block(p, o); return b }
	}
	half := func(f func([]byte) []byte) func([]byte) []byte {
		// Two streams concatenated, split in the middle of the content.
		return func(p []byte) []byte {
			return append(f(p[:len(p)/2]), f(p[len(p)/2:])...)
		}
	}
	framings := []framing{
		{"lz4 32k", "lz4", lz4(codectest.LZ4Options{})},
		{"lz4 1k multi-block", "lz4", lz4(codectest.LZ4Options{BlockSize: 1 << 10})},
		{"lz4 raw blocks", "lz4", lz4(codectest.LZ4Options{BlockSize: 4 << 10, Raw: true})},
		{"lz4 no end marker", "lz4", lz4(codectest.LZ4Options{BlockSize: 2 << 10, NoEnd: true})},
		{"lz4 concatenated", "lz4", half(lz4(codectest.LZ4Options{BlockSize: 8 << 10}))},
		{"snappy 32k", "snappy", func(p []byte) []byte { b, _ := codectest.SnappyJava(p, 0); return b }},
		{"snappy 1k multi-block", "snappy", func(p []byte) []byte { b, _ := codectest.SnappyJava(p, 1<<10); return b }},
		{"snappy concatenated", "snappy", half(func(p []byte) []byte { b, _ := codectest.SnappyJava(p, 4<<10); return b })},
		{"lzf 64k", "lzf", func(p []byte) []byte { b, _ := codectest.LZF(p, 0, false); return b }},
		{"lzf 1k multi-chunk", "lzf", func(p []byte) []byte { b, _ := codectest.LZF(p, 1<<10, false); return b }},
		{"lzf stored chunks", "lzf", func(p []byte) []byte { b, _ := codectest.LZF(p, 3000, true); return b }},
		{"zstd many frames", "zstd", func(p []byte) []byte { return zstdFrames(t, p, 8<<10) }},
	}
	for _, name := range realLogs {
		plain := readReal(t, name)
		for _, f := range framings {
			t.Run(name+"/"+f.name, func(t *testing.T) {
				stream := f.build(plain)
				if f.codec != "lzf" && f.codec != "zstd" && len(stream) >= len(plain) && !strings.Contains(f.name, "raw") {
					t.Errorf("%s stream is %d bytes for %d plain bytes: not compressed", f.codec, len(stream), len(plain))
				}
				got, codecName, err := decode(stream)
				if err != nil {
					t.Fatalf("decoding: %v", err)
				}
				if codecName != f.codec {
					t.Errorf("codec = %q, want %q", codecName, f.codec)
				}
				if !bytes.Equal(got, plain) {
					t.Fatalf("decoded %d bytes differ from the %d plain bytes", len(got), len(plain))
				}
			})
		}
	}
}

// zstdFrames compresses p as Spark's zstd-jni writer does: one frame per
// flush (every chunk bytes), no content size, no checksum.
func zstdFrames(t testing.TB, p []byte, chunk int) []byte {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderCRC(false), zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for len(p) > 0 {
		n := min(chunk, len(p))
		w := enc
		w.Reset(&out)
		if _, err := w.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	return out.Bytes()
}

// TestSparkFramingsTruncated cuts streams inside a block: the reader must
// return exactly the blocks before the cut and an io.ErrUnexpectedEOF.
func TestSparkFramingsTruncated(t *testing.T) {
	plain := readReal(t, "local-1430917381534")
	const bs = 4 << 10
	type stream struct {
		codec   string
		data    []byte
		offsets []int // block starts
		body    int   // decompressed bytes per block
	}
	lz, lzOff := codectest.LZ4Block(plain, codectest.LZ4Options{BlockSize: bs})
	sn, snOff := codectest.SnappyJava(plain, bs)
	lf, lfOff := codectest.LZF(plain, bs, false)
	for _, s := range []stream{{"lz4", lz, lzOff[:len(lzOff)-1], bs}, {"snappy", sn, snOff, bs}, {"lzf", lf, lfOff, bs}} {
		for _, blk := range []int{1, 5, len(s.offsets) - 1} {
			// Inside the header (lz4: 10 bytes in; snappy: 2 of the 4 length bytes) and inside the payload.
			for _, delta := range []int{2, 10, 30} {
				cut := s.offsets[blk] + delta
				t.Run(fmt.Sprintf("%s/block%d+%d", s.codec, blk, delta), func(t *testing.T) {
					got, _, err := decode(s.data[:cut])
					if !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
					}
					if want := plain[:blk*s.body]; !bytes.Equal(got, want) {
						t.Fatalf("got %d bytes, want the %d bytes of the complete blocks", len(got), len(want))
					}
					if !strings.Contains(err.Error(), fmt.Sprintf("offset %d", s.offsets[blk])) {
						t.Errorf("error %q does not name the block offset %d", err, s.offsets[blk])
					}
				})
			}
		}
	}
	// An in-progress lz4 file whose writer has not yet written the end block
	// ends cleanly at a block boundary.
	noEnd, offs := codectest.LZ4Block(plain, codectest.LZ4Options{BlockSize: bs, NoEnd: true})
	got, _, err := decode(noEnd[:offs[3]])
	if err != nil || !bytes.Equal(got, plain[:3*bs]) {
		t.Fatalf("lz4 cut at a block boundary: %d bytes, err %v; want %d bytes, nil", len(got), err, 3*bs)
	}
}

// TestZstdTruncated checks what a Spark-style multi-frame zstd file cut in
// the middle of a frame yields: every complete frame, then io.ErrUnexpectedEOF.
func TestZstdTruncated(t *testing.T) {
	plain := readReal(t, "local-1430917381534")
	const chunk = 8 << 10
	var stream []byte
	var frameEnds []int
	for p := plain; len(p) > 0; {
		n := min(chunk, len(p))
		stream = append(stream, zstdFrames(t, p[:n], chunk)...)
		frameEnds = append(frameEnds, len(stream))
		p = p[n:]
	}
	for _, f := range []int{0, 3, len(frameEnds) - 2} {
		cut := frameEnds[f] + (frameEnds[f+1]-frameEnds[f])/2
		got, _, err := decode(stream[:cut])
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("frame %d: err = %v, want io.ErrUnexpectedEOF", f+1, err)
		}
		if len(got) < (f+1)*chunk || !bytes.Equal(got, plain[:len(got)]) {
			t.Fatalf("frame %d cut: got %d bytes, want a prefix of at least %d", f+1, len(got), (f+1)*chunk)
		}
	}
}

func TestLZ4BlockCorruption(t *testing.T) {
	plain := readReal(t, "local-1430917381535_1")
	good, offs := codectest.LZ4Block(plain, codectest.LZ4Options{BlockSize: 1 << 10})
	tests := []struct {
		name   string
		mutate func(b []byte)
		want   string
	}{
		{"checksum", func(b []byte) { b[offs[2]+17] ^= 0x01 }, fmt.Sprintf("lz4 block at offset %d: checksum mismatch", offs[2])},
		{"payload", func(b []byte) { b[offs[1]+lz4HeaderLen+40] ^= 0x20 }, fmt.Sprintf("lz4 block at offset %d:", offs[1])},
		{"magic", func(b []byte) { b[offs[3]] = 'X' }, fmt.Sprintf("lz4 block at offset %d: bad magic", offs[3])},
		{"method", func(b []byte) { b[offs[1]+8] = 0x30 }, fmt.Sprintf("lz4 block at offset %d: unknown method 0x30", offs[1])},
		{"length beyond block size", func(b []byte) { b[offs[1]+14] = 0x08 }, fmt.Sprintf("lz4 block at offset %d: inconsistent header", offs[1])},
		{"end marker checksum", func(b []byte) { b[offs[len(offs)-1]+17] = 1 }, "end-of-stream marker has checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := bytes.Clone(good)
			tt.mutate(b)
			_, _, err := decode(b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

const lz4HeaderLen = 21

// TestLZ4BlockChecksumFunction pins the hash: XXHash32 reference values
// (from the xxHash specification's test vectors) and the 28-bit mask.
func TestLZ4BlockChecksumFunction(t *testing.T) {
	tests := []struct {
		in   string
		seed uint32
		want uint32
	}{
		{"", 0, 0x02CC5D05},
		{"a", 0, 0x550D7456},
		{"abc", 0, 0x32D153FF},
		{"Nobody inspects the spammish repetition", 0, 0xE2293B2F},
	}
	for _, tt := range tests {
		if got := xxhash.Checksum32S([]byte(tt.in), tt.seed); got != tt.want {
			t.Errorf("XXH32(%q, %d) = 0x%08x, want 0x%08x", tt.in, tt.seed, got, tt.want)
		}
	}
	// A one-block stream whose checksum was computed with the mask by hand
	// from XXH32("abc", 0x9747b28c) keeps only the low 28 bits.
	full := xxhash.Checksum32S([]byte("abc"), 0x9747b28c)
	stream, _ := codectest.LZ4Block([]byte("abc"), codectest.LZ4Options{Raw: true})
	stored := uint32(stream[17]) | uint32(stream[18])<<8 | uint32(stream[19])<<16 | uint32(stream[20])<<24
	if stored != full&0x0FFFFFFF || stored>>28 != 0 {
		t.Errorf("stored checksum 0x%08x, want 0x%08x (0x%08x masked)", stored, full&0x0FFFFFFF, full)
	}
}

func TestSnappyJavaCorruption(t *testing.T) {
	plain := readReal(t, "local-1430917381535_1")
	good, offs := codectest.SnappyJava(plain, 1<<10)
	tests := []struct {
		name   string
		mutate func(b []byte) []byte
		want   string
	}{
		{"negative length", func(b []byte) []byte { b[offs[1]] = 0xF0; return b }, fmt.Sprintf("snappy block at offset %d: bad block length", offs[1])},
		{"payload", func(b []byte) []byte { b[offs[2]+5] = 0xFF; return b }, fmt.Sprintf("snappy block at offset %d:", offs[2])},
		{"min version", func(b []byte) []byte { b[15] = 2; return b }, "unsupported minimum compatible version 2"},
		{"empty", func(b []byte) []byte { return b[:0] }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.mutate(bytes.Clone(good))
			out, name, err := decode(b)
			if tt.want == "" {
				// No magic: an empty object is plain, not snappy.
				if name != "plain" || len(out) != 0 {
					t.Fatalf("empty input: codec %q, %d bytes", name, len(out))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestDecompressLZF checks hand-encoded LZF blocks (liblzf format).
func TestDecompressLZF(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
		err  string
	}{
		// 3 literals "abc", then length 4 (ctrl 2<<5 → 2+2), distance 3 (byte 2 + 1).
		{"literal then overlap", []byte{2, 'a', 'b', 'c', 2 << 5, 2}, "abcabca", ""},
		// One literal 'x', then a long match: ctrl 7<<5, extra 10 → 7+10+2 = 19 bytes at distance 1.
		{"long run", []byte{0, 'x', 7 << 5, 10, 0}, strings.Repeat("x", 20), ""},
		// Distance high bits: ctrl (1<<5)|1, byte 0 → distance 257.
		{"far reference", append(append([]byte{31}, bytes.Repeat([]byte{'q'}, 32)...), 1<<5|1, 0), "", "before the start"},
		{"literal past end", []byte{5, 'a'}, "", "passes the end"},
		{"short output", []byte{1, 'a', 'b'}, "", "header says 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := len(tt.want)
			if tt.err != "" {
				want = 3
				if tt.name == "far reference" {
					want = 40
				}
			}
			got, err := codec.DecompressLZF(nil, tt.in, want)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func fuzzFraming(f *testing.F, seeds [][]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rc, _, err := codec.Detect(bufio.NewReader(bytes.NewReader(b)))
		if err != nil {
			return
		}
		defer rc.Close()
		// Never panics; a stream that is not whole ends in an error, not silence.
		_, _ = io.Copy(io.Discard, io.LimitReader(rc, 256<<20))
	})
}

// FuzzGzipZstd: gzip and zstd streams, seeded with the cut ones crafted
// for issue 17 (testdata/hostile): never a panic, and a stream that is not
// whole ends in an error.
func FuzzGzipZstd(f *testing.F) {
	var seeds [][]byte
	for _, n := range []string{"spark-cut.gz", "spark-cut.zstd.inprogress", "bomb-spark-long-lines.gz", "lz4-frame.lz4", "random-bytes.json.gz"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", n))
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 8<<10 {
			b = b[:8<<10] // a bomb's head: the fuzzer mutates small inputs best
		}
		seeds = append(seeds, b)
	}
	fuzzFraming(f, seeds)
}

func FuzzLZ4Block(f *testing.F) {
	p := []byte(`{"Event":"SparkListenerLogStart","Spark Version":"2.4.0"}` + "\n" + strings.Repeat(`{"Event":"x"}`+"\n", 300))
	a, _ := codectest.LZ4Block(p, codectest.LZ4Options{BlockSize: 1 << 10})
	b, _ := codectest.LZ4Block(p, codectest.LZ4Options{Raw: true, NoEnd: true})
	fuzzFraming(f, [][]byte{a, b, a[:len(a)/2], append(bytes.Clone(a), a...)})
}

func FuzzSnappyJava(f *testing.F) {
	p := []byte(strings.Repeat(`{"Event":"SparkListenerTaskEnd","Stage ID":1}`+"\n", 200))
	a, _ := codectest.SnappyJava(p, 1<<10)
	fuzzFraming(f, [][]byte{a, a[:len(a)-7], append(bytes.Clone(a), a...)})
}

func FuzzLZF(f *testing.F) {
	p := []byte(strings.Repeat(`{"Event":"SparkListenerTaskEnd","Stage ID":1}`+"\n", 200))
	a, _ := codectest.LZF(p, 1<<10, false)
	b, _ := codectest.LZF(p, 500, true)
	fuzzFraming(f, [][]byte{a, b, a[:len(a)-3]})
}

// FuzzLZFRoundTrip checks CompressLZF against DecompressLZF on any input.
func FuzzLZFRoundTrip(f *testing.F) {
	f.Add([]byte("abcabcabcabcabcabc"))
	f.Add(bytes.Repeat([]byte{0}, 1000))
	f.Fuzz(func(t *testing.T, p []byte) {
		c := codectest.CompressLZF(p)
		got, err := codec.DecompressLZF(nil, c, len(p))
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("round trip of %d bytes: %v", len(p), err)
		}
	})
}

func benchFraming(b *testing.B, stream []byte, size int) {
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		rc, _, err := codec.Detect(bufio.NewReaderSize(bytes.NewReader(stream), 256<<10))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			b.Fatal(err)
		}
		rc.Close()
	}
}

func BenchmarkLZ4Block(b *testing.B) {
	p := readReal(b, "local-1642039451826")
	s, _ := codectest.LZ4Block(p, codectest.LZ4Options{})
	benchFraming(b, s, len(p))
}

func BenchmarkSnappyJava(b *testing.B) {
	p := readReal(b, "local-1642039451826")
	s, _ := codectest.SnappyJava(p, 0)
	benchFraming(b, s, len(p))
}

func BenchmarkLZF(b *testing.B) {
	p := readReal(b, "local-1642039451826")
	s, _ := codectest.LZF(p, 0, false)
	benchFraming(b, s, len(p))
}
