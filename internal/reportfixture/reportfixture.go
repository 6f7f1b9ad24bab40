// Package reportfixture builds report test databases from the synth
// scenarios: generate the evidence, ingest it with the real decoders and
// open the store. Tests of analysis/report and reports use it so their
// goldens come from the same evidence a user would ingest.
package reportfixture

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/awscli"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/ingest/sparklog"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/internal/synth/diskfull"
)

// Now is the pinned clock of report tests.
var Now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// Decoders are the input formats the synth scenarios are written in.
func Decoders() []ingest.Decoder {
	out := append([]ingest.Decoder{cloudtrail.New()}, awscli.Decoders()...)
	return append(out, sparklog.Decoder{})
}

// Scenario is one synth scenario written into a test directory.
type Scenario struct {
	Dir   string
	Truth synth.Truth
}

// Write generates s with seed into a fresh directory under t.TempDir().
func Write(t testing.TB, s synth.Scenario, seed uint64) Scenario {
	t.Helper()
	out, err := synth.Generate(s, seed)
	if err != nil {
		t.Fatalf("generating %s: %v", s.Name, err)
	}
	dir := filepath.Join(t.TempDir(), s.Name)
	if err := out.WriteDir(dir); err != nil {
		t.Fatalf("writing %s: %v", s.Name, err)
	}
	return Scenario{Dir: dir, Truth: out.Truth}
}

// Store ingests dirs into a DuckDB file named name under t.TempDir() and
// returns it open; the test closes it.
func Store(t testing.TB, name string, dirs ...string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var srcs []ingest.Source
	for _, d := range dirs {
		src, err := localsrc.New(d)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	sum, err := ingest.Run(ctx, st, srcs, ingest.Options{Decoders: Decoders(), Workers: 2, Group: sparklog.RollingGroup})
	if err != nil {
		t.Fatalf("ingesting %v: %v", dirs, err)
	}
	if !sum.OK() {
		t.Fatalf("ingesting %v: %d object(s) failed: %v", dirs, sum.Failed, sum.Failures)
	}
	return st
}

// Week writes what `gluelens synth week --scale N --seed 1` writes: the
// week scenario and, under spark/, the disk-full application on Wednesday.
func Week(t testing.TB, scale int) (Scenario, diskfull.Truth) {
	t.Helper()
	s, err := synth.Week(scale)
	if err != nil {
		t.Fatal(err)
	}
	out, err := synth.Generate(s, synth.WeekSeed(1))
	if err != nil {
		t.Fatalf("generating the week: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "week")
	if err := out.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	p := diskfull.DefaultParams(1)
	p.Start = time.Date(2026, 11, 18, 2, 0, 0, 0, time.UTC)
	p.Account, p.Region = s.AccountID, s.Region
	res, err := diskfull.Write(filepath.Join(dir, "spark"), p)
	if err != nil {
		t.Fatalf("writing the disk-full application: %v", err)
	}
	return Scenario{Dir: dir, Truth: out.Truth}, res.Truth
}
