package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/reports"
)

func init() { register(newEvidenceCmd) }

func newEvidenceCmd(a *app) *cobra.Command {
	var out outputFlags
	var gap time.Duration
	c := &cobra.Command{
		Use:   "evidence",
		Short: "What the database covers: per source the span and objects, CloudTrail delivery gaps, the evidence fingerprint",
		Long: `Per source — CloudTrail per account and region, Glue runs per job, EC2 snapshots, Spark
applications per job — the first and last instant it speaks for, the objects and the records
(the evidence_coverage view). Then every stretch longer than --gap with no CloudTrail log file for
an account and region that had files before and after: CloudTrail delivers about every 5 minutes
while there is activity, so a longer hole is a missing, deleted or undelivered log file (or a quiet
account). Last, the fingerprint of the inputs: the SHA-256 of the sorted content hashes of every
loaded object, the same wherever the files lie — reports print it too.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ro, err := out.check()
			if err != nil {
				return err
			}
			if gap <= 0 {
				return usagef("--gap must be positive, got %s", gap)
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			cov, err := evidence.Load(cmd.Context(), st, gap)
			if err != nil {
				return err
			}
			return out.write(a, func(w io.Writer) error { return writeCoverage(w, ro, cov, gap) })
		},
	}
	a.addDBFlag(c)
	out.add(c, listFormats...)
	out.addDisplay(c)
	c.Flags().DurationVar(&gap, "gap", evidence.DefaultGap, "report stretches without a CloudTrail log file longer than this")
	return c
}

// writeCoverage prints what the evidence covers: the sources, the CloudTrail
// delivery gaps and the fingerprint; JSON all of it, CSV the sources.
func writeCoverage(w io.Writer, ro reports.Output, cov *evidence.Coverage, gap time.Duration) error {
	switch ro.Format {
	case reports.FormatJSON:
		return writeJSON(w, cov)
	case reports.FormatCSV:
		return ro.WriteRows(w, cov.Sources)
	}
	if err := ro.WriteRows(w, cov.Sources); err != nil {
		return err
	}
	if len(cov.Gaps) == 0 {
		fmt.Fprintf(w, "\nno CloudTrail delivery gap longer than %s\n", gap)
	} else {
		fmt.Fprintf(w, "\n%d CloudTrail delivery gap(s) longer than %s:\n", len(cov.Gaps), gap)
		type row struct {
			Account string    `json:"account_id"`
			Region  string    `json:"region"`
			From    time.Time `json:"last_file_before"`
			To      time.Time `json:"first_file_after"`
			Minutes float64   `json:"minutes"`
		}
		rows := make([]row, len(cov.Gaps))
		for i, g := range cov.Gaps {
			rows[i] = row{g.AccountID, g.Region, g.From, g.To, g.Minutes()}
		}
		if err := ro.WriteRows(w, rows); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\n%d loaded object(s); fingerprint sha256:%s\n", cov.Objects, cov.Fingerprint)
	return nil
}
