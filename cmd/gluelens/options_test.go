package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/reports"
)

// capture is a runF that keeps the options it is given and runs nothing.
func capture[O any](got **O) func(*O) error {
	return func(o *O) error { *got = o; return nil }
}

// execute runs one command built on its own with args.
func execute(c *cobra.Command, args ...string) error {
	var out bytes.Buffer
	c.SetArgs(args)
	c.SetOut(&out)
	c.SetErr(&out)
	c.SilenceUsage, c.SilenceErrors = true, true
	return c.Execute()
}

var (
	nov2  = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	nov3  = time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	epoch = time.Date(2026, 11, 2, 6, 4, 37, 0, time.UTC) // 1793599477
)

// mustParse stops the test when the flags did not parse.
func mustParse(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("parsing: %v", err)
	}
}

// Every command parses its flags and arguments into its options struct
// and hands them to runF without opening a database or touching a file:
// the test checks the parsed options of each.
func TestParsedOptions(t *testing.T) {
	f := &Factory{dbPath: "unused.duckdb"}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	type check = func(t *testing.T) // asserts on the captured options
	cases := []struct {
		path string
		run  func(t *testing.T) check
	}{
		{"eni subnets", func(t *testing.T) check {
			var o *ENISubnetsOptions
			err := execute(NewCmdENISubnets(f, capture(&o)), "--from", "2026-11-02", "--to", "1793664000", "--format", "csv")
			mustParse(t, err)
			return func(t *testing.T) {
				if !o.Window.From.Equal(nov2) || !o.Window.To.Equal(nov3) || o.Output.Format != reports.FormatCSV {
					t.Errorf("window %v..%v format %q", o.Window.From, o.Window.To, o.Output.Format)
				}
			}
		}},
		{"eni lifetimes", func(t *testing.T) check {
			var o *ENILifetimesOptions
			err := execute(NewCmdENILifetimes(f, capture(&o)), "--subnet", "subnet-1", "--tz", "Europe/Berlin", "--wide")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.Subnet != "subnet-1" || o.Output.TZ.String() != berlin.String() || !o.Output.Wide || o.Output.Format != reports.FormatTable {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"eni at", func(t *testing.T) check {
			var o *ENIAtOptions
			err := execute(NewCmdENIAt(f, capture(&o)), "subnet-1", "1793599477", "-o", "x.json", "--format", "json")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.Subnet != "subnet-1" || o.Time != "1793599477" || o.out.path != "x.json" || o.Output.Format != reports.FormatJSON {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"eni exhaustion", func(t *testing.T) check {
			var o *ENIExhaustionOptions
			err := execute(NewCmdENIExhaustion(f, capture(&o)), "--from", "1793599477000")
			mustParse(t, err)
			return func(t *testing.T) {
				if !o.Window.From.Equal(epoch) || !o.Window.To.IsZero() {
					t.Errorf("window %v..%v", o.Window.From, o.Window.To)
				}
			}
		}},
		{"runs", func(t *testing.T) check {
			var o *RunsOptions
			err := execute(NewCmdRuns(f, capture(&o)), "--to", "2026-11-03T01:00:00+01:00")
			mustParse(t, err)
			return func(t *testing.T) {
				if !o.Window.To.Equal(nov3) {
					t.Errorf("--to %v", o.Window.To)
				}
			}
		}},
		{"spark apps", func(t *testing.T) check {
			var o *SparkAppsOptions
			err := execute(NewCmdSparkApps(f, capture(&o)), "--from", "2026-11-02")
			mustParse(t, err)
			return func(t *testing.T) {
				if !o.window.From.Equal(nov2) {
					t.Errorf("--from %v", o.window.From)
				}
			}
		}},
		{"spark stages", func(t *testing.T) check {
			var o *SparkStagesOptions
			err := execute(NewCmdSparkStages(f, capture(&o)), "app-1", "--attempt", "2")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.AppID != "app-1" || o.attempt != "2" {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"spark executors", func(t *testing.T) check {
			var o *SparkExecutorsOptions
			err := execute(NewCmdSparkExecutors(f, capture(&o)), "app-1", "--worker-disk", "G.2X=70GB", "--disk-table", "older")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.AppID != "app-1" || !slices.Equal(o.disk.workerDisk, []string{"G.2X=70GB"}) || o.disk.diskTable != "older" {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"spark advice", func(t *testing.T) check {
			var o *SparkAdviceOptions
			err := execute(NewCmdSparkAdvice(f, capture(&o)), "--run", "jr_1", "--format", "json")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.AppID != "" || o.run != "jr_1" || o.Output.Format != reports.FormatJSON {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"report incident", func(t *testing.T) check {
			var o *ReportIncidentOptions
			err := execute(NewCmdReportIncident(f, capture(&o)), "--at", "2026-11-02 06:04:37", "--subnet", "subnet-1", "--after-from", "2026-11-02", "--after-to", "2026-11-03", "--window", "2h", "-o", "r.html")
			mustParse(t, err)
			return func(t *testing.T) {
				sp, given, err := o.after.span()
				if o.at != "2026-11-02 06:04:37" || o.subnet != "subnet-1" || o.window != 2*time.Hour || o.out.path != "r.html" ||
					o.Output.Format != reports.FormatHTML || err != nil || !given || !sp.From.Equal(nov2) || !sp.To.Equal(nov3) {
					t.Errorf("%+v; after %v %v %v", o, sp, given, err)
				}
			}
		}},
		{"report capacity", func(t *testing.T) check {
			var o *ReportCapacityOptions
			err := execute(NewCmdReportCapacity(f, capture(&o)), "--week", "2026-W45", "--format", "md", "--tz", "Europe/Berlin")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.week != "2026-W45" || o.Output.Format != reports.FormatMarkdown || o.Output.TZ.String() != berlin.String() {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"report compare", func(t *testing.T) check {
			var o *ReportCompareOptions
			err := execute(NewCmdReportCompare(f, capture(&o)), "--before", "2026-11-01..2026-11-02", "--after-from", "2026-11-02", "--after-to", "2026-11-03", "--format", "markdown")
			mustParse(t, err)
			return func(t *testing.T) {
				b, _, berr := o.before.span()
				a, _, aerr := o.after.span()
				if berr != nil || aerr != nil || !b.To.Equal(nov2) || !a.From.Equal(nov2) || !a.To.Equal(nov3) || o.Output.Format != reports.FormatMarkdown {
					t.Errorf("before %v after %v (%v %v) format %q", b, a, berr, aerr, o.Output.Format)
				}
			}
		}},
		{"verify", func(t *testing.T) check {
			var o *VerifyOptions
			err := execute(NewCmdVerify(f, capture(&o)), "--from", "2026-11-02", "--format", "json")
			mustParse(t, err)
			return func(t *testing.T) {
				if !o.window.From.Equal(nov2) || o.Output.Format != reports.FormatJSON {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"evidence", func(t *testing.T) check {
			var o *EvidenceOptions
			err := execute(NewCmdEvidence(f, capture(&o)), "--gap", "45m")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.Gap != 45*time.Minute {
					t.Errorf("--gap %v", o.Gap)
				}
			}
		}},
		{"categories", func(t *testing.T) check {
			var o *CategoriesOptions
			err := execute(NewCmdCategories(f, capture(&o)), "--config", "g.yaml", "--format", "csv")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.ConfigPath != "g.yaml" || o.Output.Format != reports.FormatCSV {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"plan thresholds", func(t *testing.T) check {
			var o *PlanThresholdsOptions
			err := execute(NewCmdPlanThresholds(f, capture(&o)), "--days", "7", "--buffer", "none", "--until", "2026-11-03", "--dynamodb-out", "items.json")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.thr.days != 7 || o.thr.buffer != "none" || o.thr.until != "2026-11-03" || o.dynamoOut != "items.json" || o.table != defaultThresholdTable {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"plan subnets", func(t *testing.T) check {
			var o *PlanSubnetsOptions
			err := execute(NewCmdPlanSubnets(f, capture(&o)), "--split", "a=ingest-*;b=export-*", "--cidr", "a=/26", "--cidr", "b=/27", "--gate", "thresholds", "--headroom", "30%")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.split != "a=ingest-*;b=export-*" || !slices.Equal(o.cidrs, []string{"a=/26", "b=/27"}) || o.gate != "thresholds" || o.headroom != "30%" {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"whatif", func(t *testing.T) check {
			var o *WhatifOptions
			err := execute(NewCmdWhatif(f, capture(&o)), "--linger", "5m", "--gate", "thresholds", "--cidr", "subnet-1=/25")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.linger != "5m" || o.gate != "thresholds" || !slices.Equal(o.cidrs, []string{"subnet-1=/25"}) {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"check capacity", func(t *testing.T) check {
			var o *CheckCapacityOptions
			err := execute(NewCmdCheckCapacity(f, capture(&o)), "--min-headroom", "25%", "--max-failures", "2")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.minHeadroom != "25%" || o.maxFailures != 2 || o.Output.Format != "" {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"gate", func(t *testing.T) check {
			var o *GateOptions
			err := execute(NewCmdGate(f, capture(&o)), "--category", "ingest", "--subnet", "subnet-1", "--reserved", "3", "--on-error", "launch")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.category != "ingest" || o.subnet != "subnet-1" || o.reserved != 3 || o.onError != "launch" || o.thresholds != "db" {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"export", func(t *testing.T) check {
			var o *ExportOptions
			err := execute(NewCmdExport(f, capture(&o)), "-o", "pack", "--tables", "subnets,eni_events", "--from", "2026-11-02")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.out != "pack" || !slices.Equal(o.tables, []string{"subnets", "eni_events"}) || !o.win.From.Equal(nov2) {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"ingest", func(t *testing.T) check {
			var o *IngestOptions
			err := execute(NewCmdIngest(f, capture(&o)), "ev", "s3://b/p", "--force", "--accounts", "111122223333", "--from", "2026-11-02")
			mustParse(t, err)
			return func(t *testing.T) {
				if !slices.Equal(o.paths, []string{"ev", "s3://b/p"}) || !o.force || !slices.Equal(o.accounts, []string{"111122223333"}) || !o.win.From.Equal(nov2) {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"query", func(t *testing.T) check {
			var o *QueryOptions
			err := execute(NewCmdQuery(f, capture(&o)), "SELECT 1", "--write")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.SQL != "SELECT 1" || !o.Write {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"scale athena-sql", func(t *testing.T) check {
			var o *ScaleAthenaSQLOptions
			err := execute(NewCmdScaleAthenaSQL(f, capture(&o)), "--from", "2026-11-02", "--to", "2026-11-03", "--partitions", ",,timestamp", "--output", "s3://b/out/")
			mustParse(t, err)
			return func(t *testing.T) {
				if !o.query.From.Equal(nov2) || !o.query.To.Equal(nov3) || o.query.DatePartition != "timestamp" || o.query.AccountPartition != "" || o.query.Output != "s3://b/out/" {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"scale ddl", func(t *testing.T) check {
			var o *ScaleDDLOptions
			err := execute(NewCmdScaleDDL(f, capture(&o)), "s3://b/pack", "--dialect", "spark")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.dataset != "s3://b/pack" || o.dialect != "spark" {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"schema", func(t *testing.T) check {
			var o *SchemaOptions
			err := execute(NewCmdSchema(f, capture(&o)))
			mustParse(t, err)
			return func(t *testing.T) {
				if o == nil || o.f != f {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"version", func(t *testing.T) check {
			var o *VersionOptions
			err := execute(NewCmdVersion(f, capture(&o)))
			mustParse(t, err)
			return func(t *testing.T) {
				if o == nil || o.f != f {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"synth ip-exhaustion", func(t *testing.T) check {
			var o *SynthIPOptions
			err := execute(NewCmdSynthIPExhaustion(f, capture(&o)), "-o", "ev", "--seed", "7", "--regions", "us-east-1,eu-west-1")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.out != "ev" || o.seed != 7 || !slices.Equal(o.regions, []string{"us-east-1", "eu-west-1"}) {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"synth disk-full", func(t *testing.T) check {
			var o *SynthDiskFullOptions
			err := execute(NewCmdSynthDiskFull(f, capture(&o)), "--out", "ev", "--glue-version", "5.0")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.out != "ev" || o.glueVersion != "5.0" {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"synth spark-bench", func(t *testing.T) check {
			var o *SynthSparkBenchOptions
			err := execute(NewCmdSynthSparkBench(f, capture(&o)), "-o", "ev", "--tasks", "100")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.out != "ev" || o.tasks != 100 {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"synth after-fix", func(t *testing.T) check {
			var o *SynthScenarioOptions
			err := execute(NewCmdSynthAfterFix(f, capture(&o)), "-o", "ev", "--seed", "3")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.out != "ev" || o.seed != 3 {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"synth week", func(t *testing.T) check {
			var o *SynthScenarioOptions
			err := execute(NewCmdSynthWeek(f, capture(&o)), "-o", "ev", "--scale", "2")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.out != "ev" || o.scale != 2 {
					t.Errorf("%+v", o)
				}
			}
		}},
		{"synth cloudtrail-bench", func(t *testing.T) check {
			var o *SynthBenchOptions
			err := execute(NewCmdSynthCloudTrailBench(f, capture(&o)), "-o", "ev", "--size", "10MiB")
			mustParse(t, err)
			return func(t *testing.T) {
				if o.out != "ev" || o.size != "10MiB" {
					t.Errorf("%+v", o)
				}
			}
		}},
	}
	tested := map[string]bool{}
	for _, c := range cases {
		tested[c.path] = true
		t.Run(c.path, func(t *testing.T) {
			c.run(t)(t)
		})
	}
	// Every command of the tree has a case.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, s := range c.Commands() {
			walk(s)
		}
		if c.Runnable() && !c.HasSubCommands() && c.Name() != "help" {
			if p := strings.TrimPrefix(c.CommandPath(), "gluelens "); !tested[p] {
				t.Errorf("no parsed-options case for %q", p)
			}
		}
	}
	walk(newRootCmd(&Factory{}))
}

// Validation runs before runF: a bad flag never reaches it.
func TestValidationBeforeRunF(t *testing.T) {
	f := &Factory{}
	called := false
	never := func(*RunsOptions) error { called = true; return nil }
	for _, args := range [][]string{{"--format", "xml"}, {"--tz", "Nowhere/Else"}, {"--from", "yesterday"}, {"--from", "2026-11-03", "--to", "2026-11-02"}} {
		if err := execute(NewCmdRuns(f, never), args...); err == nil || called {
			t.Errorf("runs %v: err %v, runF called %v", args, err, called)
		}
	}
	neverReport := func(*ReportCompareOptions) error { called = true; return nil }
	if err := execute(NewCmdReportCompare(f, neverReport), "--tz", "Nowhere/Else"); err == nil || called {
		t.Errorf("report compare --tz Nowhere/Else: err %v, runF called %v", err, called)
	}
}
