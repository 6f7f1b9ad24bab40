package synth

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// roleSuffix is the -uN suffix of a scaled copy's role ("" for the first).
func roleSuffix(role string) string {
	if i := strings.LastIndex(role, "-u"); i > 0 {
		if _, err := strconv.Atoi(role[i+2:]); err == nil {
			return role[i:]
		}
	}
	return ""
}

// replaceThird sets the third octet of an IPv4 CIDR.
func replaceThird(cidr string, v int) string {
	parts := strings.SplitN(cidr, ".", 4)
	if len(parts) != 4 {
		return cidr
	}
	return parts[0] + "." + parts[1] + "." + strconv.Itoa(v) + "." + parts[3]
}

// Hard adds evidence situations an analysis finds hard (issue 16), each
// simulated from AWS's behaviour, never from gluelens' attribution code.
// The truth stays the simulation's: the true instants (CloudTrail's
// clock), the IPs in use and their split at every refused create, and per
// run the ENIs it held (Truth.Runs).
type Hard struct {
	// DeleteOnly adds ENIs that existed before the evidence in each shared
	// subnet and are deleted during it, absent from the
	// describe-network-interfaces snapshot: known only by their deletes,
	// which name no subnet. They count as unattributed at every refused
	// create they were alive for.
	DeleteOnly int
	// SharedRole runs the export-* jobs under transform-*'s IAM role, so
	// the role no longer tells the two categories' ENIs apart.
	SharedRole bool
	// ClockSkew shifts every Glue timestamp of get-job-runs (StartedOn,
	// CompletedOn, LastModifiedOn): Glue's clock ahead (+) or behind (−)
	// CloudTrail's, ±10 min at most.
	ClockSkew time.Duration
	// CreateLag is the longest delay between a run's StartedOn and the
	// create of one of its ENIs (default 60 s; at most 175 s, below the
	// 3 min between two starts of one category).
	CreateLag time.Duration
	// CloseFailures adds two categories (adhoc-a, adhoc-b, own roles, 6–8
	// G.1X workers) in each shared subnet whose runs start 6 s apart at
	// 06:15, while the subnet is still full from the 06:00 burst: two runs
	// of different roles refused seconds apart.
	CloseFailures bool
	// Repoint moves the first ingest job (ingest-orders) to a new /26 (data-private-b, connection
	// vpc-data-private-b) at 12:00; get-jobs exports only the new
	// definition, LastModifiedOn 12:00.
	Repoint bool
	// ExtraCategories adds that many categories (batch-1…, own role, two
	// jobs, 2–6 G.1X workers every 90 min) to each roomy /24, 0 to 8.
	ExtraCategories int
}

// applyHard reshapes s for h.
func applyHard(s *Scenario, h Hard) error {
	if h.DeleteOnly < 0 || h.DeleteOnly > 12 {
		return fmt.Errorf("delete-only ENIs %d: want 0 to 12", h.DeleteOnly)
	}
	if h.ClockSkew < -10*time.Minute || h.ClockSkew > 10*time.Minute {
		return fmt.Errorf("clock skew %s: want at most ±10m", h.ClockSkew)
	}
	if h.CreateLag != 0 && (h.CreateLag < 10*time.Second || h.CreateLag >= s.MinStartGap-4*time.Second) {
		return fmt.Errorf("ENI creation lag %s: want 10s to %s", h.CreateLag, s.MinStartGap-5*time.Second)
	}
	if h.CreateLag != 0 {
		s.CreateDelay[1] = h.CreateLag
	}
	s.GlueClockSkew = h.ClockSkew
	if h.SharedRole {
		roles := map[string]string{} // transform role by subnet
		for _, c := range s.Categories {
			if c.Name == "transform" {
				roles[c.Subnet] = c.Role
			}
		}
		for i := range s.Categories {
			if c := &s.Categories[i]; c.Name == "export" && roles[c.Subnet] != "" {
				c.Role = roles[c.Subnet]
			}
		}
	}
	if h.ExtraCategories < 0 || h.ExtraCategories > 8 {
		return fmt.Errorf("extra categories %d: want 0 to 8", h.ExtraCategories)
	}
	var add []Category
	var addSubnets []Subnet
	for i := range s.Categories {
		c := s.Categories[i]
		sn, _ := s.subnet(c.Subnet)
		// Copies of the workload (replicate) suffix their subnets' names.
		suffix := strings.TrimPrefix(strings.TrimPrefix(sn.Name, "data-private-a"), "reporting-private-b")
		switch {
		case c.Name == "ingest":
			if h.CloseFailures {
				for k, name := range []string{"adhoc-a", "adhoc-b"} {
					add = append(add, Category{Name: name, Role: "glue-" + name + "-role" + roleSuffix(c.Role), Subnet: c.Subnet, WorkerType: "G.1X",
						Workers: [2]int{6, 8}, JobWorkers: 8, Jobs: []string{name + "-backfill" + suffix},
						Duration: [2]time.Duration{10 * time.Minute, 20 * time.Minute}, Exact: []time.Duration{6*time.Hour + 15*time.Minute + time.Duration(k)*6*time.Second}})
				}
			}
			if h.Repoint {
				nsn := Subnet{ID: fmt.Sprintf("subnet-0%016x", hashString("repoint"+sn.ID)), CIDR: replaceThird(sn.CIDR, 9), AZ: sn.AZ,
					Name: "data-private-b" + suffix, Connection: "vpc-data-private-b" + suffix, SecurityGroup: sn.SecurityGroup,
					Account: sn.Account, Region: sn.Region, VPC: sn.VPC}
				addSubnets = append(addSubnets, nsn)
				s.Categories[i].Repoint = &Repoint{Job: c.Jobs[0], At: 12 * time.Hour, Subnet: nsn.ID}
			}
		case c.Name == "report":
			for k := 1; k <= h.ExtraCategories; k++ {
				name := fmt.Sprintf("batch-%d", k)
				add = append(add, Category{Name: name, Role: "glue-" + name + "-role" + roleSuffix(c.Role), Subnet: c.Subnet, WorkerType: "G.1X",
					Workers: [2]int{2, 6}, JobWorkers: 4, Jobs: []string{name + "-daily" + suffix, name + "-hourly" + suffix},
					Every: 90 * time.Minute, Duration: [2]time.Duration{5 * time.Minute, 25 * time.Minute}})
			}
		}
	}
	s.Categories = append(s.Categories, add...)
	s.Subnets = append(s.Subnets, addSubnets...)
	if h.DeleteOnly > 0 {
		shared := map[string]bool{}
		for _, p := range s.Preexisting {
			shared[p.Subnet] = true
		}
		var adds []PreexistingENI
		for _, p := range s.Preexisting {
			for i := 0; i < h.DeleteOnly; i++ {
				// Deleted from 03:10 on, about every 50 min: some before the
				// 06:00 burst, some after it.
				adds = append(adds, PreexistingENI{Subnet: p.Subnet, Description: p.Description,
					Delete: 3*time.Hour + 10*time.Minute + time.Duration(i)*53*time.Minute, NoSnapshot: true})
			}
		}
		s.Preexisting = append(s.Preexisting, adds...)
	}
	return nil
}
