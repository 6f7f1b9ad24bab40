package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkLoaderSmallObjects measures the per-object cost of the loader:
// each object stages two ENI events, merges them and records its manifest
// row, as a CloudTrail file with a couple of ENI records does.
func BenchmarkLoaderSmallObjects(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "b.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	l, err := s.NewLoader(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ts := time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := l.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 2; j++ {
			if err := w.Append(&EniEvent{EventID: fmt.Sprintf("e-%d-%d", i, j), EventTime: ts, EventName: "CreateNetworkInterface"}); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Commit(ManifestEntry{URI: fmt.Sprintf("obj-%d", i), SHA256: fmt.Sprintf("h%d", i), Status: StatusOK, Kept: 2}, nil); err != nil {
			b.Fatal(err)
		}
		if l.Pending() >= 256 {
			if _, err := l.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := l.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if err := l.Close(ctx); err != nil {
		b.Fatal(err)
	}
}
