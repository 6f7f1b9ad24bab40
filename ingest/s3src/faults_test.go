package s3src_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/s3src"
)

// proxy runs a loopback server in front of the fake S3 whose answer to
// request n (counted from 1) is chosen by fault: true means fault applies.
// With hang, a faulty request's connection is closed with no answer (a
// dead endpoint); otherwise it gets 503 SlowDown, as S3 throttling does.
func proxy(t *testing.T, target string, fault func(n int64) bool, hang bool) *httptest.Server {
	t.Helper()
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fault(n.Add(1)) {
			rp.ServeHTTP(w, r)
			return
		}
		if hang {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// defaultClient is a client with gluelens's own retry policy (not the
// quick one of newClient): what a user gets.
func defaultClient(t *testing.T, endpoint string) *s3src.Client {
	t.Helper()
	awsTestEnv(t)
	c, err := s3src.NewClient(context.Background(), s3src.Config{EndpointURL: endpoint, Parallel: 4})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func bigCorpus(t *testing.T) corpus {
	rng := rand.New(rand.NewPCG(3, 5))
	c := corpus{}
	day0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	for i := range 150 {
		at := day0.Add(time.Duration(i) * 5 * time.Minute)
		c[ctKey("", "111111111111", "us-east-1", at, i+1)] = ctFile(rng, "111111111111", "us-east-1", at, 20)
	}
	return c
}

// TestThrottledS3FinishesNearCleanTime: with one request in three answered
// 503 SlowDown, an ingest loads the same objects in a small multiple of
// the clean time (the first retries wait about a tenth of a second, not
// seconds).
func TestThrottledS3FinishesNearCleanTime(t *testing.T) {
	c := bigCorpus(t)
	srv := startServer(t)
	c.upload(t, srv, "ev")

	start := time.Now()
	clean := runIngest(t, openStore(t), false, newSource(t, defaultClient(t, srv.URL), "s3://ev/", s3src.Options{}))
	cleanTime := time.Since(start)

	p := proxy(t, srv.URL, func(n int64) bool { return n%3 == 0 }, false)
	start = time.Now()
	faulty := runIngest(t, openStore(t), false, newSource(t, defaultClient(t, p.URL), "s3://ev/", s3src.Options{}))
	faultyTime := time.Since(start)
	t.Logf("clean %v, one request in three 503: %v (%d retries)", cleanTime, faultyTime, faulty.Retries)

	if faulty.Loaded != clean.Loaded || faulty.Failed != 0 || faulty.Kept != clean.Kept {
		t.Errorf("throttled run loaded %d (%d failed, %d rows), clean %d (%d rows)", faulty.Loaded, faulty.Failed, faulty.Kept, clean.Loaded, clean.Kept)
	}
	if faulty.Retries == 0 {
		t.Errorf("no retries counted: the proxy did not throttle")
	}
	if limit := 5*cleanTime + 2*time.Second; faultyTime > limit {
		t.Errorf("throttled run took %v, more than %v (5× clean + 2 s)", faultyTime, limit)
	}
}

// TestDeadEndpointEndsTheRun: an endpoint that stops answering part way
// (every request after the first 40 has its connection closed) ends the
// run within seconds with an error naming the endpoint, and what was read
// before is kept; one that is dead from the start fails the listing fast.
func TestDeadEndpointEndsTheRun(t *testing.T) {
	c := bigCorpus(t)
	srv := startServer(t)
	c.upload(t, srv, "ev")
	p := proxy(t, srv.URL, func(n int64) bool { return n > 40 }, true)
	st := openStore(t)
	start := time.Now()
	sum, err := ingest.Run(context.Background(), st, []ingest.Source{newSource(t, defaultClient(t, p.URL), "s3://ev/", s3src.Options{})},
		ingest.Options{Decoders: testDecoders(), Workers: 4})
	took := time.Since(start)
	t.Logf("stopped after %v: %v; %d loaded", took, err, sum.Loaded)
	host := strings.TrimPrefix(p.URL, "http://")
	if !errors.Is(err, s3src.ErrEndpointDown) || !strings.Contains(err.Error(), host) {
		t.Fatalf("err = %v, want ErrEndpointDown naming %s", err, host)
	}
	if took > 20*time.Second {
		t.Errorf("the run took %v to give up", took)
	}
	if n := count(t, st, "SELECT count(*) FROM ingest_manifest WHERE status = 'ok'"); n == 0 || n != sum.Loaded {
		t.Errorf("%d objects kept in the manifest, %d reported loaded; want the objects read before the endpoint died", n, sum.Loaded)
	}

	// Dead from the start: nothing listens on the port.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	ln.Close()
	start = time.Now()
	_, err = ingest.Run(context.Background(), openStore(t), []ingest.Source{newSource(t, defaultClient(t, dead), "s3://ev/", s3src.Options{})},
		ingest.Options{Decoders: testDecoders(), Workers: 4})
	if err == nil || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("dead endpoint: err = %v, want one naming %s", err, dead)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("a dead endpoint took %v to report", took)
	}
}
