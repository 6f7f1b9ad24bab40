package synth

import (
	"fmt"
	"time"
)

// WeekSeed derives the week scenario's random stream from a user's seed so
// its ids never collide with the other scenarios written with that seed.
func WeekSeed(seed uint64) uint64 { return seed ^ 0x7765656b7765656b } // "weekweek"

// MaxWeekScale bounds Week's scale: each unit takes its own 10.x.0.0/16.
const MaxWeekScale = 200

// Week is a week of a busy account (Monday 2026-11-16, ISO week 2026-W47,
// to the next Monday): the IPExhaustion workload repeated day after day,
// with the 06:00 burst that fills the shared /26 on Monday, Wednesday and
// Friday. scale (1 to MaxWeekScale) multiplies it: every unit adds its own
// copy of the four job categories (own IAM roles, job names suffixed
// "-uN" from the second unit on), its own shared /26 and roomy /24, its
// Lambda ENIs and pre-existing ENI, and its share of CloudTrail noise — so
// jobs, ENIs and noise grow linearly and the scenario serves as a
// benchmark.
//
// Attribution stays unambiguous: every category has its own role, its runs
// start at least MinStartGap apart and create ENIs 5–60 s after StartedOn.
func Week(scale int) (Scenario, error) {
	if scale < 1 || scale > MaxWeekScale {
		return Scenario{}, fmt.Errorf("week scenario: scale %d is outside 1–%d", scale, MaxWeekScale)
	}
	base := IPExhaustion()
	s := base
	s.Name = "week"
	s.Start = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	s.RunSpan = 7 * 24 * time.Hour
	s.Cutoff = 7*24*time.Hour + 3*time.Hour
	s.NoisePerHour = base.NoisePerHour * scale
	s.DigestFiles = 7
	s.JobRunsPageSize = 50
	s.Subnets, s.Categories, s.Lambdas, s.Preexisting, s.DryRuns = nil, nil, nil, nil, nil
	const day = 24 * time.Hour
	bursts := []time.Duration{0, 2 * day, 4 * day}
	s.Subnets = append(s.Subnets, Subnet{ID: "subnet-0f9e8d7c6b5a49382", CIDR: "10.20.0.0/24", AZ: "eu-west-1a", Name: "public-a"})
	for u := 1; u <= scale; u++ {
		suffix, rs := "", ""
		if u > 1 {
			suffix, rs = fmt.Sprintf("-u%d", u), fmt.Sprintf("-u%d", u)
		}
		shared := fmt.Sprintf("subnet-0d1e2f3a4b5c%05x", u)
		roomy := fmt.Sprintf("subnet-05a6b7c8d9e0%05x", u)
		net := 20 + u
		s.Subnets = append(s.Subnets,
			Subnet{ID: shared, CIDR: fmt.Sprintf("10.%d.8.0/26", net), AZ: "eu-west-1a", Name: "data-private-a" + suffix, Connection: "vpc-data-private-a" + suffix, SecurityGroup: "sg-0c1d2e3f4a5b6c7d8"},
			Subnet{ID: roomy, CIDR: fmt.Sprintf("10.%d.16.0/24", net), AZ: "eu-west-1b", Name: "reporting-private-b" + suffix, Connection: "vpc-reporting-private-b" + suffix, SecurityGroup: "sg-07a8b9c0d1e2f3a4b"},
		)
		for _, c := range base.Categories {
			c.Role += rs
			jobs := make([]string, len(c.Jobs))
			for i, j := range c.Jobs {
				jobs[i] = j + suffix
			}
			c.Jobs = jobs
			if c.Subnet == base.Categories[0].Subnet {
				c.Subnet = shared
			} else {
				c.Subnet = roomy
			}
			var bs []time.Duration
			for _, b := range c.Bursts {
				for _, d := range bursts {
					bs = append(bs, d+b)
				}
			}
			c.Bursts = bs
			s.Categories = append(s.Categories, c)
		}
		for d := 0; d < 7; d += 3 {
			for _, l := range base.Lambdas {
				l.Function += suffix
				l.Subnet = shared
				l.Create += time.Duration(d) * day
				if l.Delete != 0 {
					l.Delete += time.Duration(d) * day
				}
				s.Lambdas = append(s.Lambdas, l)
			}
		}
		for _, p := range base.Preexisting {
			p.Subnet = shared
			s.Preexisting = append(s.Preexisting, p)
		}
	}
	return s, nil
}
