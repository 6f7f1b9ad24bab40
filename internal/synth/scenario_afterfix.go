package synth

import "time"

// AfterFixSeed derives the random stream of the after-fix scenario from a
// user's seed, so its run, ENI and event ids never collide with those of
// the ip-exhaustion scenario written with the same seed: both go into one
// database for a before/after comparison.
func AfterFixSeed(seed uint64) uint64 { return seed ^ 0x6166746572666978 } // "afterfix"

// AfterFix is the ip-exhaustion account one week later (from Monday
// 2026-11-09), after the fix the incident report recommends: each job
// category has its own subnet sized by `gluelens plan subnets` — ingest a
// /25 (123 usable IPs), transform a /26 (59), export a /27 (27) — and only
// the Lambda ENIs stay in the old shared /26. The workload is the same
// (same jobs, worker counts, durations, the 06:00 burst and Glue's 50–90
// minute ENI linger), so the evidence shows no refused creates and lower
// peaks: the "after" of a compare report.
//
// AfterFix has no launch gate; AfterFixGated adds the one the fix also
// calls for. `gluelens synth after-fix` writes AfterFixGated and, under
// spark/, the disk-full job after its fix (diskfull.AfterFixParams).
//
// Attribution stays unambiguous as in IPExhaustion: runs of one category
// start at least MinStartGap apart and create their ENIs 5–60 s after
// StartedOn.
func AfterFix() Scenario {
	s := IPExhaustion()
	s.Name = "after-fix"
	s.Start = time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	const (
		shared    = "subnet-0d1e2f3a4b5c6d7e8"
		ingest    = "subnet-0b7c1d2e3f4a5b6c7"
		transform = "subnet-0c8d2e3f4a5b6c7d8"
		export    = "subnet-0e9f3a4b5c6d7e8f9"
	)
	s.Subnets = append(s.Subnets,
		Subnet{ID: ingest, CIDR: "10.20.32.0/25", AZ: "eu-west-1a", Name: "glue-ingest-a", Connection: "vpc-glue-ingest-a", SecurityGroup: "sg-0c1d2e3f4a5b6c7d8"},
		Subnet{ID: transform, CIDR: "10.20.33.0/26", AZ: "eu-west-1a", Name: "glue-transform-a", Connection: "vpc-glue-transform-a", SecurityGroup: "sg-0c1d2e3f4a5b6c7d8"},
		Subnet{ID: export, CIDR: "10.20.33.64/27", AZ: "eu-west-1a", Name: "glue-export-a", Connection: "vpc-glue-export-a", SecurityGroup: "sg-0c1d2e3f4a5b6c7d8"},
	)
	// The old connection stays defined (other tools may name it); no job uses it.
	cats := make([]Category, len(s.Categories))
	copy(cats, s.Categories)
	for i := range cats {
		switch cats[i].Name {
		case "ingest":
			cats[i].Subnet = ingest
		case "transform":
			cats[i].Subnet = transform
		case "export":
			cats[i].Subnet = export
		}
	}
	s.Categories = cats
	// The operator's pre-existing ENI was cleaned up the week before, and
	// nobody probes with DryRun any more.
	s.Preexisting = nil
	s.DryRuns = nil
	for i := range s.Lambdas {
		s.Lambdas[i].Subnet = shared
	}
	return s
}

// AfterFixGated is AfterFix with the launch gate of the fix: before a run
// starts, its category's subnet must have at least the category's
// threshold free, or the run waits (re-checked at every ENI release in the
// subnet) — see GateThreshold for the rule. The thresholds are computed
// from the simulated history of IPExhaustion with the same user seed (the
// "before" the gate was derived from): for seed 1 ingest 40, transform 25,
// export 12 and report 40, the values `gluelens plan thresholds` prints
// for that evidence. With the categories in their own subnets, the
// transform /26 at its burst is the only place a run can wait;
// truth.json's launch_gate lists every delayed run (delayed_runs: 0 when
// none had to wait).
func AfterFixGated(seed uint64) (Scenario, error) {
	th, err := LaunchThresholds(IPExhaustion(), seed)
	if err != nil {
		return Scenario{}, err
	}
	s := AfterFix()
	s.LaunchGate = th
	return s, nil
}
