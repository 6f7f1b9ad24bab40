package report

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPutItemLineHostileCategory feeds job-name-derived categories an
// attacker controls through the pasteable put-item line: bash must parse it,
// and run with aws replaced by a function printing its arguments it must
// pass the table and the item unchanged and run nothing else.
func TestPutItemLineHostileCategory(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed for this test: %v", err)
	}
	for _, cat := range []string{
		"ingest",
		"ingest';touch pwned;echo '",
		`x"; touch pwned; echo "`,
		"$(touch pwned)",
		"`touch pwned`",
		"a\nb",
		"it's",
	} {
		line, err := putItemLine(thresholdTable, cat, 42)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(line, "aws dynamodb put-item ") {
			t.Errorf("line %q is not an aws command", line)
		}
		if out, err := exec.Command(bash, "-n", "-c", line).CombinedOutput(); err != nil {
			t.Errorf("%q: bash -n rejects %s: %v %s", cat, line, err, out)
			continue
		}
		dir := t.TempDir()
		cmd := exec.Command(bash, "-c", `aws() { printf '%s\0' "$@"; }; `+line)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("%q: running %s: %v", cat, line, err)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
			t.Errorf("%q: the pasted line ran an injected command: %s", cat, line)
		}
		args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if len(args) != 6 || args[0] != "dynamodb" || args[1] != "put-item" || args[3] != thresholdTable || args[4] != "--item" {
			t.Errorf("%q: aws received %q", cat, args)
			continue
		}
		var item struct {
			PK        struct{ S string } `json:"pk"`
			Threshold struct{ N string } `json:"threshold"`
		}
		if err := json.Unmarshal([]byte(args[5]), &item); err != nil {
			t.Errorf("%q: the item is not JSON: %v (%s)", cat, err, args[5])
			continue
		}
		if item.PK.S != "category#"+cat || item.Threshold.N != "42" {
			t.Errorf("%q: item %+v", cat, item)
		}
	}
}
