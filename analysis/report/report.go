// Package report assembles the findings behind gluelens' incident,
// capacity and compare reports: typed structs that tell an incident in
// post-mortem order (the failure, the investigation, the root cause, the
// fix, the results) with every number a sentence quotes. It reads the
// store through analysis/eni, analysis/plan and its own embedded queries;
// the reports package renders the structs and never runs SQL.
package report

import (
	"errors"
	"path/filepath"
	"time"

	coverage "github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/integrity"
	"github.com/gluelens/gluelens/analysis/place"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/analysis/spark"
	"github.com/gluelens/gluelens/internal/config"
)

// ErrNoFailure is returned when an incident report finds nothing that
// failed around the instant or run it was asked about.
var ErrNoFailure = errors.New("no failure found")

// Incident classes.
const (
	ClassIPExhaustion = "ip_exhaustion"
	ClassDiskFull     = "disk_full"
	ClassBoth         = "both"
	ClassOther        = "other"
)

// Options are what every report needs besides the store.
type Options struct {
	// Now stamps the report; tests pin it so output is byte-stable.
	Now time.Time
	// Version is the gluelens version printed in the header.
	Version string
	// Config maps jobs to categories and holds the plan defaults; nil
	// means the built-in defaults (category = job-name prefix).
	Config *config.Config
	// MaxPoints bounds every chart series (default 1500): step series keep
	// their change points up to that, then fall back to bucket maxima.
	MaxPoints int
	// MaxENIs bounds the ENI timeline of an incident (default 120 rows;
	// ENIs alive at the failure come first).
	MaxENIs int
}

func (o Options) maxPoints() int {
	if o.MaxPoints > 0 {
		return o.MaxPoints
	}
	return 1500
}

func (o Options) maxENIs() int {
	if o.MaxENIs > 0 {
		return o.MaxENIs
	}
	return 120
}

func (o Options) category(job string) string {
	if o.Config != nil {
		return o.Config.CategoryOf(job)
	}
	return config.DefaultCategory(job)
}

// Header says what a report analysed.
type Header struct {
	// Kind is incident, capacity or compare; reports/words titles the
	// report from its data (Title).
	Kind        string    `json:"kind"`
	GeneratedAt time.Time `json:"generated_at"`
	Version     string    `json:"gluelens_version"`
	Database    string    `json:"database"`
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	Sources     []Source  `json:"sources"`
	// Evidence is what the report rests on: the sources, the CloudTrail
	// gaps inside the window, how the window reaches beyond the evidence
	// and the fingerprint of the inputs. Renderers show it first.
	Evidence *coverage.Section `json:"evidence"`
	// Integrity is what the CloudTrail digest files prove about the window
	// (gluelens verify, docs/verify.md); renderers show it with Evidence.
	Integrity *integrity.Summary `json:"cloudtrail_integrity"`
}

// Advice is one recommended change with the line to paste. Which change
// it is and the numbers behind it are data (one of Subnet, Launch and
// Spark); reports/words words its title, detail and evidence.
type Advice struct {
	Rank   int    `json:"rank"`
	Area   string `json:"area"` // subnet | launch | spark
	Config string `json:"config"`
	// Placement, for subnet advice, is where the subnet goes: a free CIDR
	// block and the lines that create it and re-point the jobs, or why
	// none can be named.
	Placement *place.Placement `json:"placement,omitempty"`
	Subnet    *SubnetCard      `json:"-"`
	Launch    *LaunchCard      `json:"-"`
	Spark     *SparkCard       `json:"-"`
}

// SubnetCard is one subnet of the advised layout.
type SubnetCard struct {
	Proposal plan.SubnetProposal
	// Fit is how the launch gate fares at the proposal's size.
	Fit plan.GateFit
	// WidestTried is the largest subnet (smallest prefix) tried when the
	// gate still makes runs wait at every size.
	WidestTried int
	// Alone: the categories are a single group, advised a larger subnet
	// of their own instead of a split; Current is the subnet they use now.
	Alone   bool
	Current plan.SubnetInfo
	// SizedFrom and SizedTo bound the starts of the runs the size comes
	// from (zero when none started).
	SizedFrom, SizedTo time.Time
}

// LaunchCard is one category's launch threshold.
type LaunchCard struct {
	Category  string
	Threshold int
	// Basis is the threshold with the maxima and the span behind it;
	// reports/words says it in a sentence (ThresholdRule).
	Basis plan.Threshold
	// Replay, on the first launch card, is what the thresholds together
	// replay to (nil on the others).
	Replay *GateReplay
}

// GateReplay is the recorded runs replayed with every category's launch
// gate: on the recorded layout and, when a split is advised, after it.
type GateReplay struct {
	// Recorded counts the refused creates the evidence holds.
	Recorded int
	// Gated is the gate on the recorded layout.
	Gated ReplayOutcome
	// Split is the gate after the advised split (nil: no split advised).
	Split *ReplayOutcome
}

// ReplayOutcome is one replay's refused creates and the delays its gate
// added (nil: no gate).
type ReplayOutcome struct {
	RefusedCreates int
	Delays         *plan.GateDelays
}

// SparkCard is the Spark advice behind one card.
type SparkCard struct {
	// Label names the application when a report advises several
	// ("orders-daily: "); it prefixes the title.
	Label string
	// Rec is the recommendation; nil on the card that merges all of an
	// application's recommendations into one job argument (Config).
	Rec *spark.Recommendation
}

// Fix is the advice a report gives, and the advice it could not give
// because its analysis is not available for this evidence.
type Fix struct {
	Advice []Advice `json:"advice"`
	// Unavailable names the advice that cannot be given
	// (UnavailableSparkNoLog).
	Unavailable []string `json:"unavailable,omitempty"`
}

func databaseName(path string) string {
	if path == "" || path == ":memory:" {
		return "(in memory)"
	}
	return filepath.Base(path)
}

// errorStamp is the layout of the instants error messages quote (UTC).
const errorStamp = "2006-01-02 15:04:05 UTC"

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func durationDays(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
