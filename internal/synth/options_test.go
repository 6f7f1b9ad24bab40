package synth

import (
	"strings"
	"testing"
	"time"
)

// TestCustomize reshapes the scenario the way `gluelens synth
// ip-exhaustion --start --accounts --regions --jobs --noise --eni-share`
// does, and runs the written evidence through the same independent
// recomputation of the truth as the shipped scenario.
func TestCustomize(t *testing.T) {
	zero := 0
	s, err := Customize(Options{
		Start:    time.Date(2027, 3, 15, 13, 0, 0, 0, time.UTC),
		Accounts: []string{"111122223333", "444455556666"},
		Regions:  []string{"us-east-1", "eu-central-1"},
		Jobs:     map[string][]string{"ingest": {"load-orders", "load-clicks"}},
		Noise:    &zero,
		ENIShare: 0.2,
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Generate(s, 5)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := writeAll(out, dir); err != nil {
		t.Fatal(err)
	}
	ev := loadEvidence(t, dir)
	checkTruth(t, 5, ev, false)

	cells := map[string]int{}
	for _, f := range out.Files {
		if m := logKeyRE.FindStringSubmatch(f.Path); m != nil {
			cells[m[1]+"/"+m[2]]++
			if day := m[3] + m[4] + m[5]; day < "20270315" || day > "20270316" {
				t.Errorf("%s: delivered outside 2027-03-15/16", f.Path)
			}
		}
	}
	for _, c := range []string{"111122223333/us-east-1", "111122223333/eu-central-1", "444455556666/us-east-1", "444455556666/eu-central-1"} {
		if cells[c] == 0 {
			t.Errorf("no CloudTrail files for %s: %v", c, cells)
		}
	}
	tr := out.Truth
	if len(tr.Accounts) != 2 || len(tr.Regions) != 2 || tr.AccountID != "111122223333" || tr.Region != "us-east-1" {
		t.Errorf("truth accounts %v regions %v (first %s %s)", tr.Accounts, tr.Regions, tr.AccountID, tr.Region)
	}
	if c := tr.Counts; c.DuplicateRecords != 0 || c.DryRunRecords != 0 || c.ENIShare < 0.199 || c.ENIShare > 0.201 {
		t.Errorf("noise 0 and ENI share 0.2: counts %+v", c)
	}
	jobs := map[string]bool{}
	for _, r := range ev.runs {
		jobs[r.JobName] = true
	}
	for _, j := range []string{"load-orders", "load-clicks", "load-orders-a6666-eu-central-1", "transform-sessions-eu-central-1"} {
		if !jobs[j] {
			t.Errorf("no runs of %s", j)
		}
	}
	for j := range jobs {
		if strings.HasPrefix(j, "ingest-") {
			t.Errorf("renamed category still runs %s", j)
		}
	}
	if len(tr.FailedCreates) < 4 {
		t.Errorf("%d failed creates over four copies of the workload", len(tr.FailedCreates))
	}
}

func TestCustomizeRefuses(t *testing.T) {
	big := 300
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Accounts: []string{"12"}}, "want 12 digits"},
		{Options{Regions: []string{"Mars"}}, "want a region name"},
		{Options{Jobs: map[string][]string{"etl": {"x"}}}, `category "etl"`},
		{Options{Jobs: map[string][]string{"export": {"ingest-orders"}}}, "job ingest-orders is in categories"},
		{Options{Noise: &big}, "noise 300"},
		{Options{Scale: 500}, "scale 500"},
		{Options{ENIShare: 2}, "ENI share 2"},
	} {
		if _, err := Customize(c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.o, err, c.want)
		}
	}
}
