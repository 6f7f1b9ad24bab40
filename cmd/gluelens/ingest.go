package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/ingest/s3src"
	"github.com/gluelens/gluelens/reports/words"
)

// IngestOptions are the options of ingest.
type IngestOptions struct {
	paths    []string
	force    bool
	strict   bool
	workers  int
	parallel int
	quiet    bool
	win      window
	accounts []string
	regions  []string
	mirror   string
	aws      awsFlags
	// deadline ends the run after this long; progressEvery is the
	// interval of progress lines when stderr is not a terminal.
	deadline, progressEvery time.Duration
}

// awsFlags are the flags that say how to reach S3; commands that read or
// write s3:// locations share them.
type awsFlags struct {
	profile     string
	region      string
	endpointURL string
	noSign      bool
}

func (f *awsFlags) addFlags(c *cobra.Command) {
	c.Flags().StringVar(&f.profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE, else the default chain)")
	c.Flags().StringVar(&f.region, "region", "", "AWS region of the API calls (default: AWS_REGION or the profile's, else us-east-1)")
	c.Flags().StringVar(&f.endpointURL, "endpoint-url", "", "S3-compatible endpoint, e.g. http://127.0.0.1:9000 (path-style addressing)")
	c.Flags().BoolVar(&f.noSign, "no-sign-request", false, "send unsigned requests (public buckets)")
}

// config is the S3 client configuration the flags describe.
func (f *awsFlags) config(parallel int) s3src.Config {
	return s3src.Config{
		Profile:     f.profile,
		Region:      f.region,
		EndpointURL: f.endpointURL,
		Anonymous:   f.noSign,
		Parallel:    parallel,
	}
}

// NewCmdIngest builds ingest.
func NewCmdIngest(f *Factory, runF func(*IngestOptions) error) *cobra.Command {
	opts := &IngestOptions{}
	c := &cobra.Command{
		Use:   "ingest PATH|s3://BUCKET/PREFIX...",
		Short: "Load CloudTrail, Glue, EC2 and Spark evidence into the database",
		Long: `Ingest local files and directories (walked recursively) and S3 prefixes, mixed freely.
Every object is sniffed by content, not trusted by name; gzip and zstd are removed by magic bytes.
Objects already loaded are skipped (the ingest manifest remembers size, mtime, S3 ETag and content
hash), so a re-run fetches only new or changed objects; --force re-reads them.

S3 uses the default AWS credential chain (environment, shared files, --profile, SSO, roles);
objects are streamed (a broken download resumes where it stopped) and read by --parallel workers.
For s3:// locations under a CloudTrail layout (.../AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/
YYYY/MM/DD/), --from/--to list only the day folders of the window plus one day either side (files
are named by delivery time), and --accounts/--regions only those folders; CloudTrail-Digest/ and
CloudTrail-Insight/ are never read. Other prefixes (Spark event logs, CLI exports) are listed in
full, and local paths are always read in full. The window prunes listing only: records inside
the files are all loaded. See docs/ingest-s3.md.`,
		Example: `  gluelens ingest ./evidence
  gluelens ingest s3://org-trail/AWSLogs/o-abc123/ --from 2026-11-01 --to 2026-12-01 --regions eu-west-1
  gluelens ingest s3://glue-assets/sparkHistoryLogs/ ./get-job-runs.json --profile forensics
  gluelens ingest s3://evidence/ --endpoint-url http://127.0.0.1:9000`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.paths = args
			if err := opts.win.parse(); err != nil {
				return err
			}
			if opts.workers < 0 || opts.parallel < 0 {
				return usagef("--workers and --parallel must not be negative")
			}
			if runF != nil {
				return runF(opts)
			}
			return runIngest(cmd.Context(), f, opts)
		},
	}
	f.addDBFlag(c)
	c.Flags().BoolVar(&opts.force, "force", false, "re-read objects the manifest already has")
	c.Flags().BoolVar(&opts.strict, "strict", false, "treat any bad record as a failure of its object")
	c.Flags().IntVar(&opts.workers, "workers", 0, "objects decoded in parallel (default: number of CPUs)")
	c.Flags().IntVar(&opts.parallel, "parallel", 0, fmt.Sprintf("concurrent S3 requests; S3 objects are read by max(workers, parallel) workers (default %d: 4 per CPU, at most 64)", s3src.DefaultParallel()))
	c.Flags().BoolVarP(&opts.quiet, "quiet", "q", false, "print only the final summary")
	c.Flags().StringSliceVar(&opts.accounts, "accounts", nil, "CloudTrail account ids to read (comma-separated or repeated; default all)")
	c.Flags().StringSliceVar(&opts.regions, "regions", nil, "CloudTrail regions to read (comma-separated or repeated; default all)")
	c.Flags().StringVar(&opts.mirror, "download-to", "", "keep a copy of every S3 object read under its key in this folder")
	c.Flags().DurationVar(&opts.deadline, "deadline", 0, "stop the ingest after this long (e.g. 30m), keeping what was committed; 0: no deadline")
	c.Flags().DurationVar(&opts.progressEvery, "progress-every", 30*time.Second, "when stderr is not a terminal, print one progress line this often (0: never)")
	opts.win.addFlags(c)
	opts.aws.addFlags(c)
	return c
}

// sources turns the command-line arguments into sources; one S3 client
// serves every s3:// argument.
type sources struct {
	opts   *IngestOptions
	now    func() time.Time
	client *s3src.Client
	s3     int // how many S3 sources
}

func (s *sources) sourceFor(ctx context.Context, arg string) (ingest.Source, error) {
	if strings.HasPrefix(arg, "s3://") {
		if s.client == nil {
			c, err := s3src.NewClient(ctx, s.opts.aws.config(s.opts.parallel))
			if err != nil {
				return nil, err
			}
			s.client = c
		}
		src, err := s3src.New(s.client, arg, s3src.Options{
			From: s.opts.win.From, To: s.opts.win.To,
			Accounts: s.opts.accounts, Regions: s.opts.regions,
			Now:       s.now,
			MirrorDir: s.opts.mirror,
		})
		if err != nil {
			return nil, usagef("%v", err)
		}
		s.s3++
		return src, nil
	}
	if strings.Contains(arg, "://") {
		return nil, usagef("%s: unsupported location scheme (want a local path or s3://bucket/prefix)", arg)
	}
	return localsrc.New(arg)
}

func runIngest(ctx context.Context, f *Factory, opts *IngestOptions) error {
	srcs := &sources{opts: opts, now: f.now}
	var list []ingest.Source
	for _, p := range opts.paths {
		src, err := srcs.sourceFor(ctx, p)
		if err != nil {
			return err
		}
		list = append(list, src)
	}
	workers := opts.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if srcs.s3 > 0 {
		// S3 objects spend most of their time waiting on the network: run
		// as many workers as concurrent downloads.
		workers = max(workers, srcs.client.Parallel())
	}
	st, err := f.openStoreWrite(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	run := ingest.Options{
		Decoders: decoders(),
		Workers:  workers,
		Force:    opts.force,
		Strict:   opts.strict,
		Group:    groupObjects,
	}
	var bar *liveProgress
	if !opts.quiet && isTerminal(f.errOut) {
		bar = &liveProgress{w: f.errOut}
		for i, src := range list {
			list[i] = &listingSource{Source: src, seen: &bar.listed}
		}
		bar.listing()
		run.Planned = bar.planned
		run.Progress = bar.progress
	}
	var pl *progressLines
	if !opts.quiet && bar == nil && opts.progressEvery > 0 {
		// Not a terminal (a log file, CI): one line at intervals.
		pl = &progressLines{w: f.errOut, every: opts.progressEvery, start: time.Now(), stop: make(chan struct{}), exited: make(chan struct{})}
		run.Planned, run.Progress = pl.planned, pl.progress
		go pl.loop()
		defer pl.close()
	}
	runCtx := ctx
	if opts.deadline > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, opts.deadline)
		defer cancel()
	}
	sum, err := ingest.Run(runCtx, st, list, run)
	bar.finish()
	if pl != nil {
		pl.close() // no progress line after the summary
	}
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			printSummary(f.errOut, sum, opts.quiet)
			return &exitError{code: exitFailure, msg: fmt.Sprintf("ingest stopped at its --deadline of %s; objects committed before it are kept, run it again to read the rest", opts.deadline)}
		}
		return err
	}
	printSummary(f.errOut, sum, opts.quiet)
	if sum.Objects == 0 {
		return &exitError{code: exitNotFound, msg: fmt.Sprintf("no objects found under %s", strings.Join(opts.paths, ", "))}
	}
	if !sum.OK() {
		return &exitError{code: exitPartial, msg: fmt.Sprintf("%d object(s) failed to ingest", sum.Failed)}
	}
	return nil
}

// progressLines prints one line of progress at intervals, for output that
// is not a terminal (no live bar there).
type progressLines struct {
	w       io.Writer
	every   time.Duration
	start   time.Time
	stop    chan struct{}
	exited  chan struct{}
	mu      sync.Mutex
	objects int
	done    int
	failed  int
	bytes   int64
	once    sync.Once
}

func (p *progressLines) planned(objects int, _ int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.objects = objects
}

func (p *progressLines) progress(_ ingest.Object, res ingest.ObjectResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.bytes += res.Bytes
	if res.Err != nil {
		p.failed++
	}
}

func (p *progressLines) loop() {
	defer close(p.exited)
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			fmt.Fprintf(p.w, "progress: %d/%d objects, %s read, %d failed, %s elapsed\n",
				p.done, p.objects, words.Bytes(p.bytes), p.failed, time.Since(p.start).Round(time.Second))
			p.mu.Unlock()
		}
	}
}

// close stops the lines and waits for the last one to be written.
func (p *progressLines) close() {
	p.once.Do(func() { close(p.stop) })
	<-p.exited
}

// listingSource counts the objects a source lists, for the live display.
type listingSource struct {
	ingest.Source
	seen *atomic.Int64
}

func (l *listingSource) Walk(ctx context.Context, fn func(ingest.Object) error) error {
	return l.Source.Walk(ctx, func(o ingest.Object) error {
		l.seen.Add(1)
		return fn(o)
	})
}

// Retries forwards the source's retry count to the summary.
func (l *listingSource) Retries() int64 {
	if rc, ok := l.Source.(ingest.RetryCounter); ok {
		return rc.Retries()
	}
	return 0
}

// liveProgress draws, on a terminal, a count of the objects listed so far,
// then objects done, bytes, rate and ETA.
type liveProgress struct {
	w           io.Writer
	listed      atomic.Int64
	stopListing chan struct{}
	mu          sync.Mutex
	bar         *progressbar.ProgressBar
	objects     int
	done        int
}

// listing shows a spinner with the number of objects listed until planned.
func (p *liveProgress) listing() {
	spin := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription("listing"),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionClearOnFinish(),
	)
	p.stopListing = make(chan struct{})
	stopped := p.stopListing
	go func() {
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopped:
				_ = spin.Finish()
				return
			case <-tick.C:
				spin.Describe(fmt.Sprintf("listing: %d objects", p.listed.Load()))
				_ = spin.Add64(0)
			}
		}
	}()
}

func (p *liveProgress) endListing() {
	if p.stopListing != nil {
		p.stopListing <- struct{}{}
		p.stopListing = nil
	}
}

func (p *liveProgress) planned(objects int, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endListing()
	p.objects = objects
	p.bar = progressbar.NewOptions64(bytes,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("0/%d objects", objects)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(150*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *liveProgress) progress(o ingest.Object, _ ingest.ObjectResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		return
	}
	p.done++
	p.bar.Describe(fmt.Sprintf("%d/%d objects", p.done, p.objects))
	_ = p.bar.Add64(o.Size)
}

func (p *liveProgress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endListing()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// printSummary prints the ingest summary (words.IngestSummary), its
// object keys and errors escaped for the terminal.
func printSummary(w io.Writer, s ingest.Summary, quiet bool) {
	for _, line := range words.IngestSummary(s, quiet) {
		fmt.Fprintln(w, printable(line))
	}
}

// printable escapes control characters: object keys are untrusted and
// could carry terminal escape sequences into the user's terminal.
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !unicode.IsControl(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}
