package reports_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/internal/reportfixture"
	"github.com/gluelens/gluelens/reports"
)

// BenchmarkCapacityWeek builds and renders the capacity report of the synth
// week (scale 1, both failure modes) from an ingested database: the time a
// user waits after ingest. SetBytes is the HTML size.
func BenchmarkCapacityWeek(b *testing.B) {
	week, _ := reportfixture.Week(b, 1)
	st := reportfixture.Store(b, "week.duckdb", week.Dir)
	monday := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	w, _ := reports.NewReportWriter(reports.FormatHTML)
	b.ReportAllocs()
	for b.Loop() {
		c, err := report.BuildCapacity(context.Background(), st, monday, monday.AddDate(0, 0, 7), opts)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := w.WriteCapacity(&buf, c); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}

// BenchmarkRenderIncidentHTML renders an incident report from findings
// built once: the rendering alone.
func BenchmarkRenderIncidentHTML(b *testing.B) {
	week, _ := reportfixture.Week(b, 1)
	st := reportfixture.Store(b, "week.duckdb", week.Dir)
	first := week.Truth.FailedCreates[0]
	inc, err := report.BuildIncident(context.Background(), st, report.IncidentQuery{At: first.At.Time, Subnet: first.SubnetID}, opts)
	if err != nil {
		b.Fatal(err)
	}
	w, _ := reports.NewReportWriter(reports.FormatHTML)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := w.WriteIncident(&buf, inc); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}
