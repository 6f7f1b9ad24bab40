package synth

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Options reshape the ip-exhaustion scenario for other people's tests. The
// zero value gives IPExhaustion unchanged.
type Options struct {
	// Start is the first day (its midnight UTC is used); zero: 2026-11-02.
	Start time.Time
	// Accounts and Regions: the workload runs in every account and region
	// (default: 481516234200, eu-west-1). The first pair keeps the
	// scenario's ids; every other pair gets its own subnets, VPC, Glue
	// connections and jobs (names suffixed -aNNNN for the account's last
	// four digits and -REGION), its own trail, digests and CLI output
	// (under ACCOUNT/REGION/).
	Accounts, Regions []string
	// Jobs renames a category's jobs: category name (ingest, transform,
	// export, report) → job names, at least one.
	Jobs map[string][]string
	// Scale repeats the workload within each account and region (own
	// subnets, roles and jobs suffixed -uN), 1 to MaxWeekScale; 0 means 1.
	Scale int
	// Noise scales the evidence's irregularities: records delivered twice,
	// DryRun probes and light non-ENI records per hour (×1 is the shipped
	// scenario, 0 none). Nil keeps ×1.
	Noise *int
	// ENIShare pads the trail with realistic non-ENI records until ENI
	// calls are this share of its records (a real trail: about 0.005);
	// 0 adds no padding.
	ENIShare float64
	// Integrity: digest chain and damage to the trail (digest.go).
	Integrity Integrity
	// Hard adds the evidence situations of issue 16 (hard.go).
	Hard Hard
}

var accountRE = regexp.MustCompile(`^\d{12}$`)
var regionRE = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`)

// Customize returns IPExhaustion reshaped by o.
func Customize(o Options) (Scenario, error) {
	base := IPExhaustion()
	if !o.Start.IsZero() {
		y, m, d := o.Start.UTC().Date()
		base.Start = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	for cat, jobs := range o.Jobs {
		i := categoryIndex(&base, cat)
		if i < 0 {
			return Scenario{}, fmt.Errorf("jobs for category %q: the scenario has ingest, transform, export and report", cat)
		}
		if len(jobs) == 0 {
			return Scenario{}, fmt.Errorf("jobs for category %q: give at least one job name", cat)
		}
		seen := map[string]bool{}
		for _, j := range jobs {
			if j == "" || strings.ContainsAny(j, "/\\ ") || seen[j] {
				return Scenario{}, fmt.Errorf("jobs for category %q: job name %q is empty, repeated or holds a slash or space", cat, j)
			}
			seen[j] = true
		}
		base.Categories[i].Jobs = append([]string(nil), jobs...)
	}
	if err := uniqueJobs(&base); err != nil {
		return Scenario{}, err
	}
	noise := 1
	if o.Noise != nil {
		noise = *o.Noise
	}
	if noise < 0 || noise > 100 {
		return Scenario{}, fmt.Errorf("noise %d: want 0 to 100", noise)
	}
	base.DuplicateRecords *= noise
	base.NoisePerHour *= noise
	var probes []DryRunProbe
	for i := 0; i < noise; i++ {
		for _, d := range base.DryRuns {
			d.At += time.Duration(i) * 37 * time.Minute
			probes = append(probes, d)
		}
	}
	base.DryRuns = probes
	if o.ENIShare < 0 || o.ENIShare > 1 {
		return Scenario{}, fmt.Errorf("ENI share %g: want a fraction between 0 and 1", o.ENIShare)
	}
	base.ENIShare = o.ENIShare
	base.Integrity = o.Integrity
	scale := o.Scale
	if scale == 0 {
		scale = 1
	}
	if scale < 1 || scale > MaxWeekScale {
		return Scenario{}, fmt.Errorf("scale %d is outside 1–%d", scale, MaxWeekScale)
	}
	accounts, regions := o.Accounts, o.Regions
	if len(accounts) == 0 {
		accounts = []string{base.AccountID}
	}
	if len(regions) == 0 {
		regions = []string{base.Region}
	}
	for _, a := range accounts {
		if !accountRE.MatchString(a) {
			return Scenario{}, fmt.Errorf("account %q: want 12 digits", a)
		}
	}
	for _, r := range regions {
		if !regionRE.MatchString(r) {
			return Scenario{}, fmt.Errorf("region %q: want a region name such as eu-west-1", r)
		}
	}
	if n := len(accounts) * len(regions) * scale; n > 230 {
		return Scenario{}, fmt.Errorf("%d accounts × %d regions × scale %d = %d copies of the workload: at most 230", len(accounts), len(regions), scale, n)
	}
	s := replicate(base, accounts, regions, scale)
	if err := applyHard(&s, o.Hard); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

func categoryIndex(s *Scenario, name string) int {
	for i := range s.Categories {
		if s.Categories[i].Name == name {
			return i
		}
	}
	return -1
}

func uniqueJobs(s *Scenario) error {
	seen := map[string]string{}
	for _, c := range s.Categories {
		for _, j := range c.Jobs {
			if other, dup := seen[j]; dup {
				return fmt.Errorf("job %s is in categories %s and %s", j, other, c.Name)
			}
			seen[j] = c.Name
		}
	}
	return nil
}

// replicate copies base's subnets, categories, Lambda, pre-existing and
// DryRun ENIs into every account, region and unit; the first copy keeps
// base's ids.
func replicate(base Scenario, accounts, regions []string, scale int) Scenario {
	s := base
	s.AccountID, s.Region = accounts[0], regions[0]
	s.Subnets, s.Categories, s.Lambdas, s.Preexisting, s.DryRuns = nil, nil, nil, nil, nil
	k := 0
	for ai, acct := range accounts {
		for ri, region := range regions {
			for u := 1; u <= scale; u++ {
				suffix := ""
				if ai > 0 {
					suffix += "-a" + acct[8:]
				}
				if ri > 0 {
					suffix += "-" + region
				}
				if u > 1 {
					suffix += "-u" + strconv.Itoa(u)
				}
				roleSuffix := ""
				if u > 1 {
					roleSuffix = "-u" + strconv.Itoa(u)
				}
				ids := map[string]string{}
				for _, sn := range base.Subnets {
					c := sn
					if k > 0 {
						c.ID = fmt.Sprintf("subnet-0%016x", hashString(acct+region+strconv.Itoa(u)+sn.ID))
						c.CIDR = replaceOctet(sn.CIDR, 20+k)
						c.Name += suffix
						if c.Connection != "" {
							c.Connection += suffix
						}
					}
					c.AZ = region + sn.AZ[len(sn.AZ)-1:]
					if acct != s.AccountID || region != s.Region {
						c.Account, c.Region = acct, region
						c.VPC = fmt.Sprintf("vpc-0%016x", hashString(acct+region))
					}
					ids[sn.ID] = c.ID
					s.Subnets = append(s.Subnets, c)
				}
				for _, c := range base.Categories {
					c.Subnet = ids[c.Subnet]
					c.Role += roleSuffix
					jobs := make([]string, len(c.Jobs))
					for i, j := range c.Jobs {
						jobs[i] = j + suffix
					}
					c.Jobs = jobs
					s.Categories = append(s.Categories, c)
				}
				for _, l := range base.Lambdas {
					l.Subnet = ids[l.Subnet]
					l.Function += suffix
					s.Lambdas = append(s.Lambdas, l)
				}
				for _, p := range base.Preexisting {
					p.Subnet = ids[p.Subnet]
					p.Description = strings.ReplaceAll(p.Description, ":"+base.AccountID+":", ":"+acct+":")
					s.Preexisting = append(s.Preexisting, p)
				}
				for _, d := range base.DryRuns {
					d.Subnet = ids[d.Subnet]
					s.DryRuns = append(s.DryRuns, d)
				}
				k++
			}
		}
	}
	return s
}

// replaceOctet sets the second octet of an IPv4 CIDR.
func replaceOctet(cidr string, v int) string {
	parts := strings.SplitN(cidr, ".", 3)
	if len(parts) != 3 {
		return cidr
	}
	return parts[0] + "." + strconv.Itoa(v) + "." + parts[2]
}
