package words

import (
	"fmt"

	"github.com/gluelens/gluelens/analysis/integrity"
	"github.com/gluelens/gluelens/ingest/parquetpack"
)

// ExportSummary is what gluelens export prints when it ends: a line per
// table (its rows and files) and the totals, with the pack's size and
// where it went (dest).
func ExportSummary(m *parquetpack.Manifest, dest string) []string {
	var out []string
	var rows, files, bytes int64
	for _, t := range m.Tables {
		rows += t.Rows
		files += int64(len(t.Files))
		for _, f := range t.Files {
			bytes += f.Bytes
		}
		out = append(out, fmt.Sprintf("%-22s %10d rows %4d file(s)", t.Name, t.Rows, len(t.Files)))
	}
	return append(out, fmt.Sprintf("exported %d rows of %d tables in %d file(s) (%s) to %s", rows, len(m.Tables), files, Bytes(bytes), dest))
}

// VerifySummary is what gluelens verify prints after its table: the
// digest and log files it checked, the log files it could not verify
// (outside every digest's hours) and those never hashed (read before the
// evidence held digests), the first five of each, and, when the evidence
// is proven, that it is. The other outcomes are the command's errors.
func VerifySummary(r *integrity.Result) []string {
	s := r.Summary()
	out := []string{fmt.Sprintf("verify: %d digest file(s), %d signature(s) verified; %d listed log file(s) present, %d with the listed hash",
		s.Digests, s.Verified, s.LogFiles, s.Matched)}
	out = append(out, someOf("log file(s) outside every digest's hours (before the first, after the last, or in a missing digest's hour): not verifiable", r.Uncovered)...)
	out = append(out, someOf("listed log file(s) read before the evidence held digests, so not hashed: run gluelens ingest --force on their folder", r.Unhashed)...)
	switch s.State {
	case integrity.StateProblems, integrity.StateNoDigests, integrity.StateIncomplete:
		return out
	}
	return append(out, "verify: the window's CloudTrail evidence is complete and untampered")
}

// someOf is a count and the first five items of a list, indented.
func someOf(what string, items []string) []string {
	if len(items) == 0 {
		return nil
	}
	out := []string{fmt.Sprintf("verify: %d %s", len(items), what)}
	for i, it := range items {
		if i == 5 {
			out = append(out, fmt.Sprintf("  … and %d more", len(items)-i))
			break
		}
		out = append(out, "  "+it)
	}
	return out
}
