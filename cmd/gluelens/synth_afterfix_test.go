package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// sparkTruth is the part of internal/synth/diskfull's truth.json this test
// checks.
type sparkTruth struct {
	Outcome          string `json:"outcome"`
	PeakDiskBytes    int64  `json:"peak_disk_bytes"`
	DiskBytesSpilled int64  `json:"disk_bytes_spilled"`
}

// The demo's before/after: ip-exhaustion and disk-full (week of
// 2026-11-02) against after-fix (2026-11-09) in one database. The compare
// report must show the peak executor disk and the spill of both sides as
// the generators' truth.json files give them, and the failures gone.
func TestCompareAfterFix(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.duckdb")
	ipx, disk, after := filepath.Join(dir, "ipx"), filepath.Join(dir, "disk"), filepath.Join(dir, "after")
	cli(t, "synth", "ip-exhaustion", "--out", ipx, "--seed", "1", "--eni-share", "0")
	cli(t, "synth", "disk-full", "--out", disk, "--seed", "1")
	cli(t, "synth", "after-fix", "--out", after, "--seed", "1")
	cli(t, "--db", db, "ingest", "--quiet", ipx, disk, after)

	read := func(path string) sparkTruth {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var tr sparkTruth
		if err := json.Unmarshal(b, &tr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return tr
	}
	before, fixed := read(disk+".truth.json"), read(after+".spark-truth.json")
	if before.Outcome != "FAILED" || fixed.Outcome != "SUCCEEDED" || fixed.PeakDiskBytes >= before.PeakDiskBytes {
		t.Fatalf("truths: before %+v, after %+v", before, fixed)
	}
	ipTruth := readTruth(t, ipx)

	var cmp struct {
		Results struct {
			Before, After struct {
				FailedCreates  int    `json:"failed_creates"`
				RunsFailedIP   int    `json:"runs_failed_ip"`
				RunsFailedDisk int    `json:"runs_failed_disk"`
				PeakDiskBytes  *int64 `json:"peak_disk_bytes"`
				SpillBytes     int64  `json:"spill_bytes"`
			}
			Metrics []struct {
				Name          string
				Before, After *float64
			}
		}
	}
	out := cli(t, "--db", db, "report", "compare", "--before", "2026-11-02..2026-11-03", "--after", "2026-11-09..2026-11-10", "--format", "json")
	if err := json.Unmarshal([]byte(out), &cmp); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	b, a := cmp.Results.Before, cmp.Results.After
	if b.PeakDiskBytes == nil || a.PeakDiskBytes == nil || *b.PeakDiskBytes != before.PeakDiskBytes || *a.PeakDiskBytes != fixed.PeakDiskBytes {
		t.Errorf("peak executor disk before %v after %v, want %d and %d", b.PeakDiskBytes, a.PeakDiskBytes, before.PeakDiskBytes, fixed.PeakDiskBytes)
	}
	if b.SpillBytes != before.DiskBytesSpilled || a.SpillBytes != fixed.DiskBytesSpilled {
		t.Errorf("spill before %d after %d, want %d and %d", b.SpillBytes, a.SpillBytes, before.DiskBytesSpilled, fixed.DiskBytesSpilled)
	}
	if b.FailedCreates != len(ipTruth.FailedCreates) || b.RunsFailedDisk != 1 || a.FailedCreates != 0 || a.RunsFailedIP != 0 || a.RunsFailedDisk != 0 {
		t.Errorf("failures before %+v after %+v", b, a)
	}
	for _, m := range cmp.Results.Metrics {
		if (m.Name == "Peak executor disk (estimated)" || m.Name == "Disk spill") && (m.Before == nil || m.After == nil) {
			t.Errorf("%s: before %v after %v, want numbers on both sides", m.Name, m.Before, m.After)
		}
	}
}
