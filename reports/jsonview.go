package reports

import (
	"time"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/integrity"
	"github.com/gluelens/gluelens/analysis/place"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/analysis/spark"
	"github.com/gluelens/gluelens/reports/words"
	"github.com/gluelens/gluelens/reports/zone"
)

// The JSON of spark advice and of the reports carries sentences (a fix
// card's title, detail and evidence, a recommendation's title and detail,
// an incident's failure summary and root cause, a report's title, a
// capacity trend window's label, a compared metric's change) beside the
// data. Analysis returns the data; the views below add the words
// of reports/words in the places the JSON has always had them. Each view
// embeds the analysis struct and shadows (a field of the same JSON name one
// level up wins) the fields it words, listed in the struct's order from the
// first shadowed one on, so the keys keep their order (an incident lists
// every field).

// jsonView returns the view of a result whose JSON carries sentences, else
// the result itself.
func jsonView(v any) any {
	switch r := v.(type) {
	case []plan.Threshold:
		return thresholdsView(r)
	case spark.Advice:
		return sparkAdviceView(r)
	case *report.Incident:
		u := zone.Copy(r, time.UTC) // the JSON's sentences say UTC clocks
		return incidentView{Header: headerView(r.Header, words.Title(r)), Summary: summaryView(u.Summary), Class: r.Class,
			Failure: failureJSON{Summary: words.FailureSummary(u), Failure: &r.Failure}, IP: r.IP, Disk: r.Disk,
			RootCause: words.RootCause(u), Fix: fixView(u.Fix), Results: comparisonView(r.Results)}
	case *report.Capacity:
		u := zone.Copy(r, time.UTC)
		return capacityView{Header: headerView(r.Header, words.Title(r)), Summary: summaryView(u.Summary), Capacity: r, Trend: trendView(r.Trend),
			Disk: r.Disk, DiskFailures: r.DiskFailures, Actions: fixView(u.Actions)}
	case *report.Compare:
		u := zone.Copy(r, time.UTC)
		return compareView{Header: headerView(r.Header, words.Title(r)), Summary: summaryView(u.Summary), Compare: r,
			Results: *comparisonView(&r.Results), Overlays: r.Overlays}
	}
	return v
}

type sparkAdviceJSON struct {
	*spark.Advice
	Recommendations []recommendationJSON `json:"recommendations"`
	GlueArguments   []spark.GlueArgument `json:"glue_arguments"`
}

type recommendationJSON struct {
	Topic  string `json:"topic"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	*spark.Recommendation
	Codec *codecJSON          `json:"codec,omitempty"`
	Disk  *spark.DiskEvidence `json:"disk,omitempty"`
}

type codecJSON struct {
	*spark.CodecEvidence
	Assumption  string             `json:"assumption"`
	SpillRatios []spark.SpillRatio `json:"spill_ratios"`
}

func sparkAdviceView(a spark.Advice) sparkAdviceJSON {
	v := sparkAdviceJSON{Advice: &a, GlueArguments: a.GlueArguments}
	if a.Recommendations != nil {
		v.Recommendations = make([]recommendationJSON, len(a.Recommendations))
	}
	for i := range a.Recommendations {
		r := &a.Recommendations[i]
		v.Recommendations[i] = recommendationJSON{Topic: r.Topic, Title: words.SparkTitle(*r), Detail: words.SparkDetail(*r), Recommendation: r, Disk: r.Disk}
		if r.Codec != nil {
			v.Recommendations[i].Codec = &codecJSON{CodecEvidence: r.Codec, Assumption: words.CodecAssumption, SpillRatios: r.Codec.SpillRatios}
		}
	}
	return v
}

type adviceJSON struct {
	Rank      int            `json:"rank"`
	Area      string         `json:"area"`
	Title     string         `json:"title"`
	Detail    string         `json:"detail"`
	Config    string         `json:"config"`
	Evidence  string         `json:"evidence,omitempty"`
	Placement *placementJSON `json:"placement,omitempty"`
}

func adviceJSONOf(a report.Advice) adviceJSON {
	return adviceJSON{Rank: a.Rank, Area: a.Area, Title: words.AdviceTitle(a), Detail: words.AdviceDetail(a),
		Config: a.Config, Evidence: words.AdviceEvidence(a), Placement: placementView(a.Placement)}
}

// placementJSON is a placement with why it names no block worded
// (words.PlaceProblem) where its JSON has always had it, before lines.
type placementJSON struct {
	*place.Placement
	Problem string `json:"problem,omitempty"`
	Lines   string `json:"lines,omitempty"`
}

func placementView(p *place.Placement) *placementJSON {
	if p == nil {
		return nil
	}
	return &placementJSON{Placement: p, Problem: words.PlaceProblem(p), Lines: p.Lines}
}

func placementsView(ps []place.Placement) []placementJSON {
	if ps == nil {
		return nil
	}
	v := make([]placementJSON, len(ps))
	for i := range ps {
		v[i] = *placementView(&ps[i])
	}
	return v
}

type fixJSON struct {
	Advice      []adviceJSON `json:"advice"`
	Unavailable []string     `json:"unavailable,omitempty"`
}

func fixView(f report.Fix) fixJSON {
	var v fixJSON
	if f.Unavailable != nil {
		v.Unavailable = make([]string, len(f.Unavailable))
	}
	for i, u := range f.Unavailable {
		v.Unavailable[i] = words.Unavailable(u)
	}
	if f.Advice != nil {
		v.Advice = make([]adviceJSON, len(f.Advice))
	}
	for i, a := range f.Advice {
		v.Advice[i] = adviceJSONOf(a)
	}
	return v
}

type changeJSON struct {
	Rank  int    `json:"rank"`
	Area  string `json:"area"`
	Title string `json:"title"`
}

type summaryJSON struct {
	*report.Summary
	Changes []changeJSON  `json:"changes"`
	Status  report.Status `json:"status"`
}

func summaryView(s report.Summary) summaryJSON {
	v := summaryJSON{Summary: &s, Status: s.Status}
	if s.Changes != nil {
		v.Changes = make([]changeJSON, len(s.Changes))
	}
	for i, a := range s.Changes {
		v.Changes[i] = changeJSON{Rank: a.Rank, Area: a.Area, Title: words.AdviceTitle(a)}
	}
	return v
}

type incidentView struct {
	Header    headerJSON                `json:"header"`
	Summary   summaryJSON               `json:"summary"`
	Class     string                    `json:"class"`
	Failure   failureJSON               `json:"failure"`
	IP        *report.IPInvestigation   `json:"ip,omitempty"`
	Disk      *report.DiskInvestigation `json:"disk,omitempty"`
	RootCause string                    `json:"root_cause"`
	Fix       fixJSON                   `json:"fix"`
	Results   *comparisonJSON           `json:"results,omitempty"`
}

type failureJSON struct {
	Summary string `json:"summary"`
	*report.Failure
}

type capacityView struct {
	Header  headerJSON  `json:"header"`
	Summary summaryJSON `json:"summary"`
	*report.Capacity
	Trend        []trendJSON               `json:"trend"`
	Disk         []report.ExecutorPressure `json:"disk_pressure"`
	DiskFailures int                       `json:"disk_failures"`
	Actions      fixJSON                   `json:"actions"`
}

// trendJSON is a week of the capacity trend with its label first.
type trendJSON struct {
	Label string `json:"label"`
	*report.TrendWeek
}

func trendView(ts []report.TrendWeek) []trendJSON {
	if ts == nil {
		return nil
	}
	v := make([]trendJSON, len(ts))
	for i := range ts {
		v[i] = trendJSON{Label: words.TrendLabel(ts[i]), TrendWeek: &ts[i]}
	}
	return v
}

type compareView struct {
	Header  headerJSON  `json:"header"`
	Summary summaryJSON `json:"summary"`
	*report.Compare
	Results  comparisonJSON  `json:"results"`
	Overlays report.Overlays `json:"overlays"`
}

// comparisonJSON is the before/after table with each metric's change
// labelled (words.MetricChange) and judged (report.Metric.Better).
type comparisonJSON struct {
	*report.Comparison
	Metrics []metricJSON `json:"metrics"`
}

type metricJSON struct {
	*report.Metric
	Change string `json:"change"`
	Better *bool  `json:"better"`
}

func comparisonView(c *report.Comparison) *comparisonJSON {
	if c == nil {
		return nil
	}
	v := &comparisonJSON{Comparison: c}
	if c.Metrics != nil {
		v.Metrics = make([]metricJSON, len(c.Metrics))
	}
	for i := range c.Metrics {
		m := &c.Metrics[i]
		v.Metrics[i] = metricJSON{Metric: m, Change: words.MetricChange(*m), Better: m.Better()}
	}
	return v
}

// headerJSON is a report's header with its title (words.Title) after the
// kind and its evidence section worded.
type headerJSON struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	*report.Header
	Evidence  *sectionJSON       `json:"evidence"`
	Integrity *integrity.Summary `json:"cloudtrail_integrity"`
}

func headerView(h report.Header, title string) headerJSON {
	return headerJSON{Kind: h.Kind, Title: title, Header: &h, Evidence: sectionView(h.Evidence), Integrity: h.Integrity}
}

// sectionJSON is the evidence section with how the window reaches past
// the evidence worded (words.Overhang) where its JSON has always had it.
type sectionJSON struct {
	*evidence.Section
	Beyond      []string `json:"beyond,omitempty"`
	Objects     int      `json:"objects"`
	Fingerprint string   `json:"fingerprint"`
}

func sectionView(s *evidence.Section) *sectionJSON {
	if s == nil {
		return nil
	}
	v := &sectionJSON{Section: s, Objects: s.Objects, Fingerprint: s.Fingerprint}
	for _, o := range s.Beyond {
		v.Beyond = append(v.Beyond, words.Overhang(o))
	}
	return v
}

// thresholdJSON is a launch threshold with its rule in a sentence
// (words.ThresholdRule) before computed_at, where its JSON has always had
// it.
type thresholdJSON struct {
	*plan.Threshold
	Rule       string    `json:"rule"`
	ComputedAt time.Time `json:"computed_at"`
}

func thresholdsView(ts []plan.Threshold) []thresholdJSON {
	if ts == nil {
		return nil
	}
	v := make([]thresholdJSON, len(ts))
	for i := range ts {
		v[i] = thresholdJSON{Threshold: &ts[i], Rule: words.ThresholdRule(ts[i]), ComputedAt: ts[i].ComputedAt}
	}
	return v
}
