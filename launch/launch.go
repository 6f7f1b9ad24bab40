// Package launch decides whether a Glue run may start now: the launch gate
// a scheduler calls before StartJobRun.
//
// The rule is the one `gluelens whatif --gate thresholds` replays
// (analysis/plan, docs/planning.md rule 6): a run of category C may launch
// when its subnet's free IPs, less the IPs reserved for runs the launcher
// has already started whose ENIs do not exist yet, are at least C's
// threshold. EC2's AvailableIpAddressCount is the subnet's usable IPs less
// every IP in use, lingering Glue ENIs included, so it is the replay's
// usable − in use.
package launch

import "fmt"

// Decision is the gate's answer.
type Decision struct {
	Launch bool
	// Headroom is available − reserved: the free IPs the run may count on.
	Headroom int
	Reason   string
}

// Decide applies the launch rule: launch when available − reserved ≥
// threshold.
func Decide(threshold, available, reserved int) Decision {
	h := available - reserved
	if h >= threshold {
		return Decision{Launch: true, Headroom: h, Reason: fmt.Sprintf("%d free IPs%s ≥ threshold %d", h, reservedNote(reserved), threshold)}
	}
	return Decision{Headroom: h, Reason: fmt.Sprintf("%d free IPs%s < threshold %d: wait for %d more", h, reservedNote(reserved), threshold, threshold-h)}
}

func reservedNote(reserved int) string {
	if reserved == 0 {
		return ""
	}
	return fmt.Sprintf(" after %d reserved", reserved)
}

// Verdict is the one JSON line `gluelens gate` prints.
type Verdict struct {
	Decision        string `json:"decision"` // launch | wait
	Category        string `json:"category"`
	Job             string `json:"job,omitempty"`
	Subnet          string `json:"subnet,omitempty"`
	Threshold       *int   `json:"threshold"`
	ThresholdSource string `json:"threshold_source,omitempty"` // dynamodb://TABLE or database FILE
	// The plan the threshold came from.
	ThresholdWindowEnd  string `json:"threshold_window_end,omitempty"`
	ThresholdComputedAt string `json:"threshold_computed_at,omitempty"`
	AvailableIPs        *int   `json:"available_ips"`
	AvailableSource     string `json:"available_source,omitempty"` // ec2 or describe-subnets FILE
	ReservedIPs         int    `json:"reserved_ips"`
	Headroom            *int   `json:"headroom"`
	// Glue ENIs in the subnet now (--count-glue-enis): all of them, and
	// those detached ("available"), which only linger.
	GlueENIs         *int   `json:"glue_enis,omitempty"`
	GlueIPs          *int   `json:"glue_ips,omitempty"`
	GlueENIsDetached *int   `json:"glue_enis_detached,omitempty"`
	Reason           string `json:"reason"`
	// Error is set when the gate could not decide and --on-error chose.
	Error string `json:"error,omitempty"`
	At    string `json:"at"`
}
