package report

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/analysis/spark"
)

// The merged Spark arguments paste as one start-job-run line whose words
// reach aws exactly as meant, whatever the job name holds, and whose
// --arguments JSON carries the one merged --conf value.
func TestMergedArgumentsPaste(t *testing.T) {
	for _, job := range []string{"orders-daily-rollup", `ingest';touch pwned;echo '`, `a "b" $(id) \ c`} {
		args := []spark.GlueArgument{{Key: "--conf", Value: "spark.sql.shuffle.partitions=2230 --conf spark.io.compression.codec=zstd"}, {Key: "--write-shuffle-files-to-s3", Value: "true"}}
		text, err := mergedArguments(job, args)
		if err != nil {
			t.Fatal(err)
		}
		var line string
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "aws glue start-job-run ") {
				line = l
			}
		}
		if line == "" {
			t.Fatalf("no start-job-run line in %q", text)
		}
		// A stand-in aws prints its arguments one per line, NUL-separated.
		out, err := exec.Command("bash", "-c", `aws() { printf '%s\0' "$@"; }; `+line).Output()
		if err != nil {
			t.Fatalf("bash ran %q: %v", line, err)
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if len(got) != 6 || got[0] != "glue" || got[1] != "start-job-run" || got[3] != job || got[4] != "--arguments" {
			t.Fatalf("aws got %q", got)
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(got[5]), &m); err != nil {
			t.Fatalf("--arguments %q: %v", got[5], err)
		}
		if m["--conf"] != args[0].Value || m["--write-shuffle-files-to-s3"] != "true" || len(m) != 2 {
			t.Errorf("--arguments = %v", m)
		}
	}
}
