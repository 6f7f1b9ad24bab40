// Package s3src lists and opens input objects in Amazon S3 (or an
// S3-compatible store): the same objects as a local folder, read as streams.
//
// Listing is CloudTrail-aware: under an AWSLogs/ tree it lists only the day
// folders of the requested window, the accounts and the regions asked for,
// and never the CloudTrail-Digest/ or CloudTrail-Insight/ folders. Reading
// resumes a body that breaks mid-stream with a ranged GET pinned to the
// object's ETag, so a flaky connection neither loses nor doubles bytes.
package s3src

import (
	"context"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/gluelens/gluelens/internal/awsconf"
)

// Config says how to reach S3. Credentials are never part of it: they come
// from the default AWS chain (environment, shared files and --profile, SSO,
// web identity, container and instance roles).
type Config struct {
	Profile     string // shared-config profile; empty means AWS_PROFILE or "default"
	Region      string // API region; empty means AWS_REGION / the profile, else us-east-1
	EndpointURL string // S3-compatible endpoint (MinIO, a test server); path-style unless VirtualHost
	VirtualHost bool   // with EndpointURL: address buckets as bucket.host instead of host/bucket
	Anonymous   bool   // send unsigned requests (public buckets)
	// Parallel bounds concurrent requests (listing and downloads) and sizes
	// the connection pool; 0 means DefaultParallel().
	Parallel int
	// MaxAttempts is how many times one request is tried (first try
	// included) before its object is reported failed; 0 means 10.
	MaxAttempts int
	// MaxBackoff caps the jittered exponential wait between attempts; 0
	// means 20 s.
	MaxBackoff time.Duration
	// MaxResumes is how many times one body may break mid-stream and be
	// resumed with a ranged GET; 0 means 5.
	MaxResumes int
	// HTTPClient replaces the SDK's HTTP client (tests wrap the transport).
	HTTPClient *http.Client
}

// DefaultParallel is 4 requests per CPU, between 4 and 64: downloads wait on
// the network far more than on the CPU.
func DefaultParallel() int {
	return min(max(4*runtime.NumCPU(), 4), 64)
}

// Client is an S3 client with the retry policy gluelens uses. Sources built
// on one client share its connections.
type Client struct {
	api        *s3.Client
	parallel   int
	maxResumes int
	bodies     chan struct{} // one slot per object body open at a time
}

// NewClient builds a client from the default AWS configuration chain and cfg.
func NewClient(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Parallel <= 0 {
		cfg.Parallel = DefaultParallel()
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 10
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 20 * time.Second
	}
	if cfg.MaxResumes <= 0 {
		cfg.MaxResumes = 5
	}
	retryer := config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = cfg.MaxAttempts
			o.MaxBackoff = cfg.MaxBackoff
			o.Backoff = retry.NewExponentialJitterBackoff(cfg.MaxBackoff)
			// A batch reader backs off per request; the client-wide
			// retry quota would fail healthy objects after a burst of
			// SlowDown answers.
			o.RateLimiter = ratelimit.None
		})
	})
	ac := awsconf.Config{Profile: cfg.Profile, Region: cfg.Region, EndpointURL: cfg.EndpointURL, Anonymous: cfg.Anonymous}
	if cfg.HTTPClient != nil {
		ac.HTTPClient = cfg.HTTPClient
	} else {
		ac.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConns = 2 * cfg.Parallel
			t.MaxIdleConnsPerHost = 2 * cfg.Parallel
		})
	}
	awsCfg, err := awsconf.Load(ctx, ac, retryer)
	if err != nil {
		return nil, err
	}
	api := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		// Objects written without checksums (most CloudTrail files,
		// S3-compatible stores) would log one line per GET.
		o.DisableLogOutputChecksumValidationSkipped = true
		if cfg.EndpointURL != "" {
			o.BaseEndpoint = aws.String(cfg.EndpointURL)
			o.UsePathStyle = !cfg.VirtualHost
		}
	})
	return &Client{api: api, parallel: cfg.Parallel, maxResumes: cfg.MaxResumes, bodies: make(chan struct{}, cfg.Parallel)}, nil
}

// API is the underlying SDK client, for writers that put objects with the
// same configuration.
func (c *Client) API() *s3.Client { return c.api }

// Parallel is the bound on concurrent requests the client was built with.
func (c *Client) Parallel() int { return c.parallel }

// checkEndpoint is awsconf.CheckEndpoint (kept for this package's tests).
func checkEndpoint(raw string) error { return awsconf.CheckEndpoint(raw) }

// countRetries returns a per-operation option that counts every retry the
// SDK makes into n.
func countRetries(n *atomic.Int64) func(*s3.Options) {
	return func(o *s3.Options) {
		o.Retryer = &countingRetryer{RetryerV2: toV2(o.Retryer), n: n}
	}
}

type countingRetryer struct {
	aws.RetryerV2
	n *atomic.Int64
}

// RetryDelay is asked once before every retry.
func (r *countingRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	d, rerr := r.RetryerV2.RetryDelay(attempt, err)
	if rerr == nil {
		r.n.Add(1)
	}
	return d, rerr
}

type v1Adapter struct{ aws.Retryer }

func (a v1Adapter) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	return a.GetInitialToken(), nil
}

func toV2(r aws.Retryer) aws.RetryerV2 {
	if v2, ok := r.(aws.RetryerV2); ok {
		return v2
	}
	return v1Adapter{r}
}
