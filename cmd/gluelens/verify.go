package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/integrity"
	"github.com/gluelens/gluelens/reports"
	"github.com/gluelens/gluelens/reports/words"
)

// VerifyOptions are the options of verify.
type VerifyOptions struct {
	window window
	out    outputFlags
	Output reports.Output
}

// NewCmdVerify builds verify.
func NewCmdVerify(f *Factory, runF func(*VerifyOptions) error) *cobra.Command {
	o := &VerifyOptions{}
	c := &cobra.Command{
		Use:   "verify",
		Short: "Prove the CloudTrail evidence complete and untampered from its digest files (offline validate-logs); exit 5 on a problem",
		Long: `Checks the CloudTrail log files in the database against the digest files CloudTrail delivered with them
(ingest the trail's CloudTrail-Digest/ folder and the output of 'aws cloudtrail list-public-keys'), as
'aws cloudtrail validate-logs' does, offline and for local copies too: every listed log file is present
with the listed SHA-256, no log file of a digest's hour is missing from it, the digest chain is unbroken,
and every digest's signature verifies. Prints one problem per row (kind, object, digest, detail):
hash_mismatch, missing_log_file, unlisted_log_file, missing_digest, chain_break, bad_signature,
unverified_signature (see docs/verify.md). Exit status 5 when there is a problem, 7 when the digests
cannot prove the window complete (none cover it, or some log files lie outside them), 0 when it is proven.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.window.parse(); err != nil {
				return err
			}
			var err error
			if o.Output, err = o.out.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runVerify(cmd.Context(), f, o)
		},
	}
	o.window.addFlags(c)
	f.addDBFlag(c)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	return c
}

func runVerify(ctx context.Context, f *Factory, o *VerifyOptions) error {
	st, err := f.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := integrity.Verify(ctx, st, integrity.Window{From: o.window.From, To: o.window.To})
	if err != nil {
		return err
	}
	problems := res.Problems
	if problems == nil {
		problems = []integrity.Problem{}
	}
	if err := o.out.write(f, func(w io.Writer) error { return o.Output.Write(w, problems) }); err != nil {
		return err
	}
	for _, line := range words.VerifySummary(res) {
		fmt.Fprintln(f.errOut, line)
	}
	s := res.Summary()
	switch s.State {
	case integrity.StateProblems:
		var parts []string
		for _, k := range s.Problems {
			parts = append(parts, fmt.Sprintf("%d %s", k.Count, k.Kind))
		}
		return &exitError{code: exitIntegrity, msg: fmt.Sprintf("the CloudTrail evidence is not proven: %d problem(s): %s", len(res.Problems), strings.Join(parts, ", "))}
	case integrity.StateNoDigests:
		return &exitError{code: exitEvidence, msg: "no CloudTrail digest file covers the window: ingest the trail's AWSLogs/ACCOUNT/CloudTrail-Digest/ folder (and `aws cloudtrail list-public-keys` output) to verify it"}
	case integrity.StateIncomplete:
		return &exitError{code: exitEvidence, msg: "no problem found, but the digests do not cover every log file of the window (see above)"}
	}
	return nil
}
