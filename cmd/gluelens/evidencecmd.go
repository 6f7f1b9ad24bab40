package main

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/reports"
)

// EvidenceOptions are the options of evidence.
type EvidenceOptions struct {
	f      *Factory
	out    outputFlags
	Gap    time.Duration
	Output reports.Output
}

// NewCmdEvidence builds evidence.
func NewCmdEvidence(f *Factory, runF func(*EvidenceOptions) error) *cobra.Command {
	o := &EvidenceOptions{f: f}
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
			var err error
			if o.Output, err = o.out.check(); err != nil {
				return err
			}
			if o.Gap <= 0 {
				return usagef("--gap must be positive, got %s", o.Gap)
			}
			if runF != nil {
				return runF(o)
			}
			return runEvidence(cmd.Context(), o)
		},
	}
	f.addDBFlag(c)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	c.Flags().DurationVar(&o.Gap, "gap", evidence.DefaultGap, "report stretches without a CloudTrail log file longer than this")
	return c
}

func runEvidence(ctx context.Context, o *EvidenceOptions) error {
	st, err := o.f.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cov, err := evidence.Load(ctx, st, o.Gap)
	if err != nil {
		return err
	}
	return o.out.write(o.f, func(w io.Writer) error { return o.Output.Write(w, cov) })
}
