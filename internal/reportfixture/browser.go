package reportfixture

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is the browser the report tests drive: $GLUELENS_CHROMIUM,
// else Debian's /usr/bin/chromium.
func ChromiumPath() string {
	if p := os.Getenv("GLUELENS_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// Width is the browser window's width in CSS pixels: the reports are
// checked at a laptop's 1400 px.
const Width = 1400

// Keep writes a test artefact (a screenshot, the page, its PDF) and
// returns its path: into $GLUELENS_ARTEFACTS/<test name>/ when that is set
// (CI keeps the folder), else into the test's artifact directory (kept by
// go test -artifacts).
func Keep(t testing.TB, name string, data []byte) string {
	t.Helper()
	dir := ""
	if root := os.Getenv("GLUELENS_ARTEFACTS"); root != "" {
		dir = filepath.Join(root, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatalf("keeping %s: %v", name, err)
		}
	} else {
		dir = t.ArtifactDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("keeping %s: %v", name, err)
	}
	return path
}

// Page is what a headless Chromium saw when it opened a report.
type Page struct {
	// Console holds console errors, uncaught exceptions and browser log
	// errors, as text.
	Console []string
	// Requests lists every URL the page asked for other than the file itself.
	Requests []string
	// Charts maps each chart id to the data length of every series.
	Charts map[string][]int
	// Texts holds the text of the elements Open was asked to read.
	Texts map[string]string
	// Eval holds the results of the expressions Open was asked to evaluate.
	Eval map[string]string
	// FirstPaintMS is the first-contentful-paint time from the Performance
	// API (milliseconds after navigation start; 0 when not reported).
	FirstPaintMS float64
	// Screenshot is a full-page PNG.
	Screenshot []byte
	// Shots holds a PNG of each element Open was asked to photograph.
	Shots map[string][]byte
	// PDF is the page printed with its print CSS.
	PDF []byte
}

// Open loads file in a fresh headless Chromium with the network offline,
// waits for the charts, and reads what the tests assert on: the text of
// each selector in texts and the value of each JavaScript expression in
// evals (rendered with String()).
func Open(t testing.TB, file string, texts []string, evals []string) Page {
	t.Helper()
	return OpenRequest(t, file, Request{Texts: texts, Evals: evals})
}

// Request is what OpenRequest reads from a page: the text of each selector
// in Texts, the value of each JavaScript expression in Evals (rendered
// with String()) and a screenshot of each element in Shots.
type Request struct {
	Texts, Evals, Shots []string
}

// OpenRequest is Open with element screenshots.
func OpenRequest(t testing.TB, file string, req Request) Page {
	t.Helper()
	texts, evals := req.Texts, req.Evals
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(ChromiumPath()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(Width, 1000),
	)
	defer cancelAlloc()
	cctx, cancelCtx := chromedp.NewContext(actx)
	defer cancelCtx()
	// Start the browser, then take it offline before the page loads.
	if err := chromedp.Do(cctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", ChromiumPath(), err)
	}
	if _, err := chromedp.Call(cctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(cctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	p := Page{Charts: map[string][]int{}, Texts: map[string]string{}, Eval: map[string]string{}, Shots: map[string][]byte{}}
	lctx, stopListening := context.WithCancel(cctx)
	var wg sync.WaitGroup
	wg.Add(2)
	console := chromedp.Console(lctx)
	requests := chromedp.Events(lctx, network.RequestWillBeSent)
	go func() {
		defer wg.Done()
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				p.Console = append(p.Console, m.String())
				mu.Unlock()
			}
		}
	}()
	go func() {
		defer wg.Done()
		for ev, err := range requests {
			if err != nil {
				return
			}
			if u := ev.Request.URL; !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
				mu.Lock()
				p.Requests = append(p.Requests, u)
				mu.Unlock()
			}
		}
	}()
	if err := chromedp.Do(cctx, chromedp.Navigate("file://"+abs)); err != nil {
		t.Fatalf("opening %s: %v", file, err)
	}
	if _, err := chromedp.Run(cctx, chromedp.Poll[bool]("document.readyState === 'complete'", chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("waiting for %s to load: %v", file, err)
	}
	charts, err := chromedp.Run(cctx, chromedp.Evaluate[map[string][]int](`(function () {
  var out = {};
  (window.gluelensChartIDs || []).forEach(function (id) {
    var c = echarts.getInstanceByDom(document.getElementById(id));
    out[id] = c ? c.getOption().series.map(function (s) { return (s.data || []).length; }) : [];
  });
  return out;
})()`))
	if err != nil {
		t.Fatalf("reading the charts of %s: %v", file, err)
	}
	p.Charts = charts
	for _, sel := range texts {
		txt, err := chromedp.Run(cctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("reading %s in %s: %v", sel, file, err)
		}
		p.Texts[sel] = txt
	}
	for _, expr := range evals {
		v, err := chromedp.Run(cctx, chromedp.Evaluate[string]("String("+expr+")"))
		if err != nil {
			t.Fatalf("evaluating %s in %s: %v", expr, file, err)
		}
		p.Eval[expr] = v
	}
	fcp, err := chromedp.Run(cctx, chromedp.Evaluate[float64](`(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: 0}).startTime`))
	if err != nil {
		t.Fatal(err)
	}
	p.FirstPaintMS = fcp
	if p.Screenshot, err = chromedp.Run(cctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatalf("taking a screenshot of %s: %v", file, err)
	}
	for _, sel := range req.Shots {
		shot, err := chromedp.Run(cctx, chromedp.Screenshot(sel))
		if err != nil {
			t.Fatalf("taking a screenshot of %s in %s: %v", sel, file, err)
		}
		p.Shots[sel] = shot
	}
	if p.PDF, err = chromedp.Run(cctx, chromedp.PrintToPDF()); err != nil {
		t.Fatalf("printing %s: %v", file, err)
	}
	// Let late console messages arrive, then stop the listeners.
	time.Sleep(200 * time.Millisecond)
	stopListening()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return p
}
