package reports

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/place"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/analysis/spark"
	"github.com/gluelens/gluelens/reports/words"
)

// thresholdTable is the thresholds' rows, every field, with the rule
// column (words.ThresholdRule) before computed_at as in their JSON.
func thresholdTable(ts []plan.Threshold) Table {
	t, _ := TableOf(ts) // a slice of structs: cannot fail
	at := slices.Index(t.Columns, "computed_at")
	t.Columns = slices.Insert(t.Columns, at, "rule")
	for i := range t.Rows {
		t.Rows[i] = slices.Insert(t.Rows[i], at, any(words.ThresholdRule(ts[i])))
	}
	return t
}

// thresholds prints plan thresholds: one row per category with the window
// below (--wide: every field of the thresholds).
func (o Output) thresholds(w io.Writer, ts []plan.Threshold) error {
	if o.Wide {
		if err := o.writeAligned(w, thresholdTable(ts)); err != nil {
			return err
		}
	} else {
		type row struct {
			Category  string  `json:"category"`
			Runs      int     `json:"runs"`
			Failed    int     `json:"failed_for_ips"`
			MaxENIs   int     `json:"max_enis_run"`
			P95ENIs   float64 `json:"p95_enis_run"`
			LingerP50 float64 `json:"linger_p50_min"`
			LingerP95 float64 `json:"linger_p95_min"`
			LingerMax float64 `json:"linger_max_min"`
			Peak      int     `json:"peak_enis"`
			Buffer    int     `json:"buffer"`
			Threshold int     `json:"threshold"`
		}
		rows := make([]row, len(ts))
		for i, t := range ts {
			rows[i] = row{t.Category, t.Runs, t.RunsFailedForIPs, t.MaxIPsPerRun, t.P95IPsPerRun, t.LingerP50Min,
				t.LingerP95Min, t.LingerMaxMin, t.PeakConcurrentENIs, t.Buffer, t.Threshold}
		}
		if err := o.rows(w, rows); err != nil {
			return err
		}
	}
	if len(ts) > 0 {
		fmt.Fprintf(w, "\nwindow %s → %s (%g days), buffer rule %s\n", o.Time(ts[0].WindowStart),
			o.Time(ts[0].WindowEnd), ts[0].WindowDays, ts[0].BufferRule)
		if t := ts[0]; t.EvidenceStart.After(t.WindowStart) {
			fmt.Fprintf(w, "the evidence covers %.1f h of the window (%s → %s): each threshold is a maximum over those hours only\n",
				t.EvidenceHours, o.Time(t.EvidenceStart), o.Time(t.EvidenceEnd))
		}
		fmt.Fprintf(w, "\nthe maxima behind each threshold:\n")
		for _, t := range ts {
			buffer := fmt.Sprintf("%d %s", t.Buffer, t.BufferRule)
			if t.BufferAt != nil {
				buffer += " (held at the launch of " + o.Time(*t.BufferAt) + ")"
			}
			fmt.Fprintf(w, "  %s: %d = %d per run (run %s, started %s) + %s\n", t.Category, t.Threshold, t.MaxIPsPerRun,
				o.RunID(t.MaxRun), o.Time(t.MaxRunStart), buffer)
		}
	}
	return nil
}

// subnetPlan prints plan subnets: the proposals, the GATE section, the
// gluelens.yaml fragment and the replay.
func (o Output) subnetPlan(w io.Writer, sp SubnetPlan) error {
	p := sp.Plan
	type row struct {
		Subnet     string `json:"subnet"`
		Categories string `json:"categories"`
		Runs       int    `json:"runs"`
		PeakRec    int    `json:"peak_recorded"`
		PeakNeeded int    `json:"peak_needed"`
		Need       int    `json:"need_ips"`
		CIDR       string `json:"cidr"`
		Usable     int    `json:"usable"`
		Block      string `json:"free_block"`
		RecFail    int    `json:"failures_recorded"`
		RepFail    int    `json:"failures_replayed"`
		Avoided    int    `json:"avoided"`
	}
	rows := make([]row, len(p.Proposals))
	for i, s := range p.Proposals {
		block := "none"
		if i < len(sp.Placements) && sp.Placements[i].CIDR != "" {
			block = sp.Placements[i].CIDR
		}
		rows[i] = row{s.Subnet, strings.Join(s.Categories, ","), s.Runs, s.PeakRecordedIPs, s.PeakNeededIPs, s.NeedIPs,
			s.CIDR, s.UsableIPs, block, s.RecordedFailures, s.ReplayFailures, s.FailuresAvoided}
	}
	if err := o.rows(w, rows); err != nil {
		return err
	}
	if err := o.gateFits(w, p.GateFits); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nheadroom %g%%; gluelens.yaml for this split:\n\n%s\n", 100*sp.Headroom, p.Config)
	placements(w, sp.Placements)
	return o.replay(w, p.Replay)
}

// placements prints the PASTE section of plan subnets: per subnet the
// lines that create it and re-point its jobs, or why no block is named.
func placements(w io.Writer, placed []place.Placement) {
	if len(placed) == 0 {
		return
	}
	fmt.Fprintf(w, "PASTE: the lines that create each subnet, its Glue connection and re-point its jobs (docs/planning.md)\n\n")
	for i := range placed {
		pl := &placed[i]
		if problem := words.PlaceProblem(pl); problem != "" {
			// A comment line: a line break from the evidence would end it.
			fmt.Fprintf(w, "# %s\n", strings.Map(func(r rune) rune {
				if r < 0x20 || r == 0x7f {
					return '?'
				}
				return r
			}, pl.Subnet+": no free block named: "+problem))
		}
		fmt.Fprintf(w, "%s\n", pl.Lines)
	}
}

// gateFits prints the GATE section of plan subnets: what the launch gate
// did at the demand sizes, and the size that lets every run launch.
func (o Output) gateFits(w io.Writer, fits []plan.GateFit) error {
	if len(fits) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nGATE: the launch gate at the demand sizes\n")
	type fitRow struct {
		Subnet     string  `json:"subnet"`
		DemandCIDR string  `json:"demand_cidr"`
		Waited     int     `json:"runs_waited"`
		WaitP50    float64 `json:"wait_p50_min"`
		WaitMax    float64 `json:"wait_max_min"`
		Fit        string  `json:"no_wait_cidr"`
	}
	rows := make([]fitRow, len(fits))
	for i, f := range fits {
		fit := ""
		switch {
		case f.FitPrefix != 0:
			fit = fmt.Sprintf("/%d", f.FitPrefix)
		case f.RunsWaited > 0:
			fit = fmt.Sprintf("none up to /%d", max(plan.MinPrefix, f.DemandPrefix-plan.MaxWiden))
		}
		rows[i] = fitRow{f.Subnet, fmt.Sprintf("/%d", f.DemandPrefix), f.RunsWaited, f.WaitP50Min, f.WaitMaxMin, fit}
	}
	return o.rows(w, rows)
}

// replay prints a replay as three sections: subnets, refused creates, gate
// delays.
func (o Output) replay(w io.Writer, r *plan.ReplayResult) error {
	fmt.Fprintf(w, "replay: layout %s, linger %s, gate %s; %d runs (%d modelled)\n\n", r.Layout, r.Linger, r.Gate, r.Runs, r.Modelled)
	type srow struct {
		Subnet     string    `json:"subnet"`
		CIDR       string    `json:"cidr"`
		Usable     int       `json:"usable"`
		Categories string    `json:"categories"`
		Peak       int       `json:"peak"`
		PeakAt     time.Time `json:"peak_at"`
		Util       float64   `json:"peak_pct"`
		Failures   int       `json:"failures"`
		FailedRuns int       `json:"failed_runs"`
	}
	rows := make([]srow, len(r.Subnets))
	for i, s := range r.Subnets {
		rows[i] = srow{s.Subnet, s.CIDR, s.UsableIPs, strings.Join(s.Categories, ","), s.PeakInUse, s.PeakAt, s.PeakUtilization, s.Failures, s.FailedRuns}
	}
	if err := o.rows(w, rows); err != nil {
		return err
	}
	if len(r.Failures) > 0 {
		fmt.Fprintf(w, "\n%d refused create(s):\n", len(r.Failures))
		type frow struct {
			At       time.Time `json:"at"`
			Subnet   string    `json:"subnet"`
			Run      string    `json:"run_id"`
			Job      string    `json:"job_name"`
			InUse    int       `json:"in_use"`
			Recorded bool      `json:"recorded"`
		}
		fr := make([]frow, len(r.Failures))
		for i, f := range r.Failures {
			fr[i] = frow{f.At, f.Subnet, f.RunID, f.JobName, f.InUse, f.Recorded}
		}
		if err := o.rows(w, fr); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(w, "\nno refused creates")
	}
	if g := r.GateDelays; g != nil {
		fmt.Fprintf(w, "\ngate: %d runs gated, %d delayed (p50 %.1f min, p95 %.1f min, max %.1f min, total %.1f min), %d never launched\n",
			g.RunsGated, g.RunsDelayed, g.DelayP50Min, g.DelayP95Min, g.DelayMaxMin, g.DelayTotalMin, g.RunsBlocked)
	}
	return nil
}

// verdicts prints one line per subnet: OK or FAIL and the reason.
func verdicts(w io.Writer, checks Verdicts) error {
	for _, c := range checks {
		verdict := "OK  "
		if !c.OK {
			verdict = "FAIL"
		}
		if _, err := fmt.Fprintf(w, "%s %s\n", verdict, sanitizeTerminal(c.Reason)); err != nil {
			return err
		}
	}
	return nil
}

// coverage prints what the evidence covers: the sources, the CloudTrail
// delivery gaps and the fingerprint.
func (o Output) coverage(w io.Writer, cov *evidence.Coverage) error {
	if err := o.rows(w, cov.Sources); err != nil {
		return err
	}
	if len(cov.Gaps) == 0 {
		fmt.Fprintf(w, "\nno CloudTrail delivery gap longer than %s\n", cov.GapThreshold)
	} else {
		fmt.Fprintf(w, "\n%d CloudTrail delivery gap(s) longer than %s:\n", len(cov.Gaps), cov.GapThreshold)
		type row struct {
			Account string    `json:"account_id"`
			Region  string    `json:"region"`
			From    time.Time `json:"last_file_before"`
			To      time.Time `json:"first_file_after"`
			Minutes float64   `json:"minutes"`
		}
		rows := make([]row, len(cov.Gaps))
		for i, g := range cov.Gaps {
			rows[i] = row{g.AccountID, g.Region, g.From, g.To, g.Minutes()}
		}
		if err := o.rows(w, rows); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\n%d loaded object(s); fingerprint sha256:%s\n", cov.Objects, cov.Fingerprint)
	return nil
}

// adviceRows are the recommendations of spark advice as CSV rows.
func adviceRows(adv spark.Advice) any {
	type row struct {
		Topic  string `json:"topic"`
		Title  string `json:"title"`
		Paste  string `json:"paste"`
		Detail string `json:"detail"`
	}
	rows := make([]row, 0, len(adv.Recommendations))
	for _, r := range adv.Recommendations {
		rows = append(rows, row{r.Topic, words.SparkTitle(r), r.Paste, words.SparkDetail(r)})
	}
	return rows
}

// advice prints spark advice: the application, its peak disk, the first
// executor over its disk, the recommendations and the merged job arguments.
func (o Output) advice(w io.Writer, adv spark.Advice) error {
	fmt.Fprintf(w, "application %s", adv.AppID)
	if adv.AttemptID != "" {
		fmt.Fprintf(w, " attempt %s", adv.AttemptID)
	}
	fmt.Fprintf(w, " (%s, Spark %s)\n", adv.AppName, adv.SparkVersion)
	if adv.GlueRunID != "" {
		fmt.Fprintf(w, "glue run %s of job %s on %s workers\n", adv.GlueRunID, adv.GlueJobName, orDash(adv.WorkerType))
	}
	if p := adv.Peak; p != nil && p.PeakDiskBytes != nil {
		fmt.Fprintf(w, "peak estimated disk: executor %s, %s at %s", p.ExecutorID, bytesCell(p.PeakDiskBytes), o.timeText(p.PeakAt))
		if p.UsableDisk != nil {
			fmt.Fprintf(w, " of %s usable (%s figures)", bytesCell(p.UsableDisk), diskTableText(p.DiskTable))
		}
		fmt.Fprintln(w)
	}
	if f := adv.FirstFull; f != nil {
		fmt.Fprintf(w, "first executor over its usable disk: %s at %s", f.ExecutorID, o.timeText(f.CrossedUsable))
		if f.Removed != nil {
			fmt.Fprintf(w, " (removed %s: %s)", o.timeText(f.Removed), f.RemovedReason)
		}
		fmt.Fprintln(w)
	}
	if len(adv.Recommendations) == 0 {
		fmt.Fprintln(w, "\nno recommendations: the shuffle, spill and disk of this application look healthy")
		return nil
	}
	for i, r := range adv.Recommendations {
		fmt.Fprintf(w, "\n%d. [%s] %s\n   %s\n   paste: %s\n", i+1, r.Topic, words.SparkTitle(r), words.SparkDetail(r), r.Paste)
	}
	if len(adv.GlueArguments) > 0 {
		fmt.Fprintln(w, "\nGlue job arguments (key, value) combining the above:")
		for _, g := range adv.GlueArguments {
			fmt.Fprintf(w, "  %s  %s\n", g.Key, g.Value)
		}
	}
	return nil
}

// timeText renders an optional instant in the display zone ("" for nil).
func (d Display) timeText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return d.Time(*t)
}

func diskTableText(t string) string {
	switch t {
	case spark.DiskOverride:
		return "--worker-disk"
	case spark.DiskConfig:
		return "worker_disk of the job's category in gluelens.yaml"
	case spark.DiskTableOlder:
		return "older AWS docs"
	case spark.DiskTableCurrent:
		return "current AWS worker-types page"
	}
	return "unknown"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// bytesCell renders a byte count for tables and text in binary units
// (GiB, as the reports): "79.4 GiB".
func bytesCell(n *int64) string {
	if n == nil {
		return ""
	}
	f := float64(*n)
	switch {
	case f >= 1<<40:
		return fmt.Sprintf("%.2f TiB", f/(1<<40))
	case f >= 1<<30:
		return fmt.Sprintf("%.1f GiB", f/(1<<30))
	case f >= 1<<20:
		return fmt.Sprintf("%.1f MiB", f/(1<<20))
	case f >= 1<<10:
		return fmt.Sprintf("%.1f KiB", f/(1<<10))
	}
	return fmt.Sprintf("%d B", *n)
}

// timeCell turns an optional time into a table cell (nil = empty).
func timeCell(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// appRows are spark apps as a person reads them: sizes in units.
func appRows(apps []spark.App) any {
	type row struct {
		App       string `json:"app"`
		Attempt   string `json:"attempt"`
		Name      string `json:"name"`
		Spark     string `json:"spark"`
		Start     any    `json:"start"`
		GlueRun   string `json:"glue_run"`
		State     string `json:"state"`
		Worker    string `json:"worker"`
		Tasks     int64  `json:"tasks"`
		Failed    int64  `json:"failed"`
		Spilled   string `json:"disk_spilled"`
		Shuffle   string `json:"shuffle_written"`
		PeakDisk  string `json:"peak_disk"`
		DiskFulls int64  `json:"disk_full"`
	}
	rows := make([]row, 0, len(apps))
	for _, x := range apps {
		rows = append(rows, row{x.AppID, x.AttemptID, x.AppName, x.SparkVersion, timeCell(x.Start), x.GlueRunID, x.RunState, x.WorkerType,
			x.Tasks, x.FailedTasks, bytesCell(&x.DiskSpilled), bytesCell(&x.ShuffleWritten), bytesCell(x.PeakDiskBytes), x.DiskFullFailures})
	}
	return rows
}

// stageRows are spark stages as a person reads them.
func stageRows(stages []spark.Stage) any {
	type row struct {
		Stage    string `json:"stage"`
		Status   string `json:"status"`
		Tasks    int64  `json:"tasks"`
		Failed   int64  `json:"failed"`
		Killed   int64  `json:"killed"`
		MemSpill string `json:"memory_spilled"`
		Spill    string `json:"disk_spilled"`
		Ratio    string `json:"mem_disk_ratio"`
		Written  string `json:"shuffle_written"`
		Read     string `json:"shuffle_read"`
		Input    string `json:"input"`
		Output   string `json:"output"`
		Name     string `json:"name"`
	}
	rows := make([]row, 0, len(stages))
	for _, s := range stages {
		ratio := ""
		if s.SpillRatio != nil {
			ratio = fmt.Sprintf("%.2f", *s.SpillRatio)
		}
		rows = append(rows, row{fmt.Sprintf("%d.%d", s.StageID, s.StageAttempt), s.Status, s.Tasks, s.FailedTasks, s.KilledTasks,
			bytesCell(&s.MemorySpilled), bytesCell(&s.DiskSpilled), ratio, bytesCell(&s.ShuffleWritten), bytesCell(&s.ShuffleRead),
			bytesCell(&s.InputBytes), bytesCell(&s.OutputBytes), s.Name})
	}
	return rows
}

// executorRows are spark executors as a person reads them.
func executorRows(execs []spark.Executor) any {
	type row struct {
		Executor  string `json:"executor"`
		Host      string `json:"host"`
		Tasks     int64  `json:"tasks"`
		Failed    int64  `json:"failed"`
		DiskFull  int64  `json:"disk_full"`
		PeakDisk  string `json:"peak_disk"`
		PeakAt    any    `json:"peak_at"`
		Worker    string `json:"worker"`
		Usable    string `json:"usable"`
		DiskTable string `json:"disk_table"`
		Used      string `json:"used"`
		Full      any    `json:"full_at"`
		Removed   any    `json:"removed"`
	}
	rows := make([]row, 0, len(execs))
	for _, e := range execs {
		used := ""
		if e.ShareUsed != nil {
			used = fmt.Sprintf("%.0f%%", 100**e.ShareUsed)
		}
		rows = append(rows, row{e.ExecutorID, e.Host, e.Tasks, e.FailedTasks, e.DiskFullTasks, bytesCell(e.PeakDiskBytes), timeCell(e.PeakAt),
			e.WorkerType, bytesCell(e.UsableDisk), e.DiskTable, used, timeCell(e.CrossedUsable), timeCell(e.Removed)})
	}
	return rows
}
