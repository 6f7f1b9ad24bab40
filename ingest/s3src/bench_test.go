package s3src_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/s3src"
)

// BenchmarkOpen streams a 64 MiB object from the loopback server; B/op
// shows that memory does not grow with the object.
func BenchmarkOpen(b *testing.B) {
	srv := startServer(b)
	data := make([]byte, 64<<20)
	for i := range data {
		data[i] = byte(i)
	}
	if err := srv.Put("b", "big.bin", data); err != nil {
		b.Fatal(err)
	}
	src := newSource(b, newClient(b, srv), "s3://b/", s3src.Options{})
	var obj ingest.Object
	src.Walk(context.Background(), func(o ingest.Object) error { obj = o; return nil })
	buf := make([]byte, 256<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rc, err := src.Open(context.Background(), obj)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{rc}, buf)
		rc.Close()
		if err != nil || n != int64(len(data)) {
			b.Fatalf("read %d bytes: %v", n, err)
		}
	}
}

// BenchmarkWalkWindow lists a week of a 10-account, 2-region trail out of
// two months; one op is one Walk.
func BenchmarkWalkWindow(b *testing.B) {
	srv := startServer(b)
	start := utc("2026-10-01T09:00:00Z")
	for a := 0; a < 10; a++ {
		for _, r := range []string{"eu-west-1", "us-east-1"} {
			for d := 0; d < 60; d++ {
				for f := 0; f < 4; f++ {
					at := start.Add(time.Duration(d)*day + time.Duration(f)*time.Hour)
					if err := srv.Put("t", ctKey("", fmt.Sprintf("%012d", 100000000000+a), r, at, f), []byte("x")); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
	src := newSource(b, newClient(b, srv), "s3://t/", s3src.Options{From: utc("2026-11-02T00:00:00Z"), To: utc("2026-11-09T00:00:00Z")})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := src.Walk(context.Background(), func(ingest.Object) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != 10*2*9*4 {
			b.Fatalf("walked %d objects", n)
		}
	}
}
