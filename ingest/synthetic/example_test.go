package synthetic_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gluelens/gluelens/ingest/synthetic"
)

// Generate a day of evidence in which a shared /26 runs out of IPs, write
// it where your code under test reads it, and compare your results with
// the truth. (docs/synth.md shows this function verbatim; a test keeps the
// two identical.)
func Example() {
	dir, err := os.MkdirTemp("", "gluelens-sample")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	tree, err := synthetic.IPExhaustion(synthetic.Options{
		Seed:     7,
		Accounts: []string{"111122223333"},
		Regions:  []string{"us-east-1"},
		Jobs:     map[string][]string{"ingest": {"load-orders", "load-payments"}},
		ENIShare: 0.05, // 5 % ENI calls among other management events
	})
	if err != nil {
		log.Fatal(err)
	}
	evidence := filepath.Join(dir, "evidence")
	if err := tree.WriteDir(evidence); err != nil {
		log.Fatal(err)
	}
	if err := tree.WriteTruth(synthetic.TruthPath(evidence)); err != nil { // evidence.truth.json
		log.Fatal(err)
	}

	t := tree.Truth
	first := t.FailedCreates[0]
	fmt.Printf("%d CloudTrail files, %.0f %% ENI calls\n", t.Counts.CloudTrailFiles, 100*t.Counts.ENIShare)
	fmt.Printf("first refused create: %s in %s, %d of %d IPs in use (%d running, %d finished, %d non-Glue, %d unattributed)\n",
		first.JobName, first.SubnetID, first.InUse, t.Subnets[0].UsableIPs,
		first.HeldByRunningRuns, first.HeldByFinishedRuns, first.HeldByNonGlue, first.Unattributed)
	// Output:
	// 220 CloudTrail files, 5 % ENI calls
	// first refused create: load-payments in subnet-0d1e2f3a4b5c6d7e8, 59 of 59 IPs in use (17 running, 39 finished, 2 non-Glue, 1 unattributed)
}
