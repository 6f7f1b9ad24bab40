package s3src

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/gluelens/gluelens/ingest"
)

// ErrEndpointDown is wrapped by the error that ends an ingest when the S3
// endpoint stopped answering: MaxConnFailures requests in a row failed to
// connect or broke before a response, with no answer in between.
var ErrEndpointDown = errors.New("S3 endpoint not answering")

// breaker wraps the HTTP client. Every HTTP answer (whatever its status)
// resets the count of consecutive connection failures; when the count
// reaches max the breaker opens, and every request from then on fails at
// once with an error that is not retried and that stops the run
// (ingest.ErrStopRun).
type breaker struct {
	next aws.HTTPClient
	max  int

	mu      sync.Mutex
	fails   int
	lastErr error
	open    error
}

func (b *breaker) Do(req *http.Request) (*http.Response, error) {
	b.mu.Lock()
	open := b.open
	b.mu.Unlock()
	if open != nil {
		return nil, open
	}
	resp, err := b.next.Do(req)
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		b.fails = 0
		return resp, nil
	}
	if req.Context().Err() != nil {
		return resp, err // canceled by the caller: says nothing of the endpoint
	}
	b.fails++
	b.lastErr = err
	if b.fails >= b.max && b.open == nil {
		b.open = fmt.Errorf("%w: %w: %s://%s: %d requests in a row failed to connect or broke off (last: %v)",
			ingest.ErrStopRun, ErrEndpointDown, req.URL.Scheme, req.URL.Host, b.fails, err)
	}
	if b.open != nil {
		return nil, b.open
	}
	return resp, err
}

// backoff waits base·2^(attempt-1), capped at max, times a jitter in
// [0.5, 1): a throttled or briefly failing request is retried within about
// a tenth of a second, one that keeps failing backs off to max.
type backoff struct {
	base, max time.Duration
	rand      func() float64
}

func (b backoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	d := b.max
	if attempt < 30 {
		if e := b.base << (attempt - 1); e > 0 && e < b.max {
			d = e
		}
	}
	return time.Duration(float64(d) * (0.5 + 0.5*b.rand())), nil
}
