// Package fakes3 runs an S3-compatible server on the loopback interface
// (github.com/johannesboyne/gofakes3 with its in-memory backend) for tests
// and benchmarks that drive the real AWS SDK over HTTP. It records every
// request and injects faults per key: 503 SlowDown answers and bodies cut
// mid-stream.
package fakes3

import (
	"bytes"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Request is one request the server received.
type Request struct {
	Method    string
	Bucket    string
	Key       string // object key; empty for bucket operations
	List      bool   // a ListObjects(V2) call
	Prefix    string // list prefix
	Delimiter string // list delimiter
	Range     string // Range header
	IfMatch   string // If-Match header
	// From the SigV4 Authorization header's credential scope (never the
	// signature): empty for unsigned requests.
	AccessKeyID   string
	SigningRegion string
}

// Fault describes what goes wrong for GETs of one key.
type Fault struct {
	// SlowDown answers the next SlowDown GETs with 503 SlowDown.
	SlowDown int
	// InternalErrors answers the next GETs with 500 InternalError.
	InternalErrors int
	// CutAfter, with Cuts > 0, ends the body of the next Cuts GETs after
	// CutAfter bytes: the connection is closed (the client reads fewer
	// bytes than Content-Length), or with Reset, reset (TCP RST).
	CutAfter int64
	Cuts     int
	Reset    bool
}

// Server is a running fake S3.
type Server struct {
	URL     string
	backend *s3mem.Backend
	http    *http.Server
	ln      net.Listener

	mu       sync.Mutex
	requests []Request
	faults   map[string]*Fault // bucket/key → fault
	regions  map[string]string // bucket → region it lives in
	latency  time.Duration     // added before answering each request
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves.
func Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("starting fake S3 on %s: %w", addr, err)
	}
	s := &Server{backend: s3mem.New(), ln: ln, faults: map[string]*Fault{}, regions: map[string]string{}}
	fake := gofakes3.New(s.backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	s.http = &http.Server{Handler: s.wrap(fake.Server())}
	s.URL = "http://" + ln.Addr().String()
	go s.http.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.http.Close() }

// CreateBucket makes a bucket.
func (s *Server) CreateBucket(name string) error { return s.backend.CreateBucket(name) }

// Put stores an object, creating the bucket when needed.
func (s *Server) Put(bucket, key string, data []byte) error {
	if ok, _ := s.backend.BucketExists(bucket); !ok {
		if err := s.backend.CreateBucket(bucket); err != nil {
			return err
		}
	}
	_, err := s.backend.PutObject(bucket, key, map[string]string{}, bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		return fmt.Errorf("putting s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// PutWithMetadata stores an object with user metadata, as a PutObject
// with x-amz-meta-NAME headers would: GETs answer with those headers (what
// CloudTrail does with a digest's signature). Keys are NAMEs without the
// prefix.
func (s *Server) PutWithMetadata(bucket, key string, data []byte, meta map[string]string) error {
	if ok, _ := s.backend.BucketExists(bucket); !ok {
		if err := s.backend.CreateBucket(bucket); err != nil {
			return err
		}
	}
	headers := map[string]string{}
	for k, v := range meta {
		headers[http.CanonicalHeaderKey("X-Amz-Meta-"+k)] = v
	}
	_, err := s.backend.PutObject(bucket, key, headers, bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		return fmt.Errorf("putting s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// LoadDir stores every regular file under dir as prefix + its slash path
// relative to dir. It returns the number of objects and bytes stored.
func (s *Server) LoadDir(bucket, prefix, dir string) (int, int64, error) {
	var n int
	var size int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		n++
		size += int64(len(data))
		return s.Put(bucket, prefix+filepath.ToSlash(rel), data)
	})
	return n, size, err
}

// SetFault sets the fault for GETs of bucket/key (nil clears it).
func (s *Server) SetFault(bucket, key string, f *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == nil {
		delete(s.faults, bucket+"/"+key)
		return
	}
	c := *f
	s.faults[bucket+"/"+key] = &c
}

// SetBucketRegion makes the bucket answer requests signed for another
// region with 301 PermanentRedirect and an x-amz-bucket-region header, as
// S3 does.
func (s *Server) SetBucketRegion(bucket, region string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.regions[bucket] = region
}

// SetLatency delays every answer by d, like the time to first byte of a
// remote S3 (tens of milliseconds) that loopback does not have.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Lists returns the prefixes of the list calls received, in order.
func (s *Server) Lists() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.List {
			out = append(out, r)
		}
	}
	return out
}

// Gets returns the object GETs received, in order.
func (s *Server) Gets() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Method == http.MethodGet && r.Key != "" {
			out = append(out, r)
		}
	}
	return out
}

// wrap records requests and applies faults (path-style addressing).
func (s *Server) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, _ := url.PathUnescape(r.URL.EscapedPath())
		bucket, key, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		q := r.URL.Query()
		req := Request{
			Method: r.Method, Bucket: bucket, Key: key,
			Range: r.Header.Get("Range"), IfMatch: r.Header.Get("If-Match"),
		}
		req.AccessKeyID, req.SigningRegion = credentialScope(r.Header.Get("Authorization"))
		if r.Method == http.MethodGet && key == "" && !q.Has("location") && !q.Has("versioning") {
			req.List = true
			req.Prefix = q.Get("prefix")
			req.Delimiter = q.Get("delimiter")
		}
		s.mu.Lock()
		s.requests = append(s.requests, req)
		if region := s.regions[bucket]; region != "" && req.SigningRegion != "" && req.SigningRegion != region {
			s.mu.Unlock()
			w.Header().Set("X-Amz-Bucket-Region", region)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusMovedPermanently)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Bucket>%s</Bucket></Error>`, bucket)
			return
		}
		latency := s.latency
		var cutAfter int64 = -1
		reset := false
		if f := s.faults[bucket+"/"+key]; f != nil && key != "" && r.Method == http.MethodGet {
			switch {
			case f.SlowDown > 0:
				f.SlowDown--
				s.mu.Unlock()
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
				return
			case f.InternalErrors > 0:
				f.InternalErrors--
				s.mu.Unlock()
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>`)
				return
			case f.Cuts > 0:
				f.Cuts--
				cutAfter = f.CutAfter
				reset = f.Reset
			}
		}
		s.mu.Unlock()
		time.Sleep(latency)
		if cutAfter >= 0 {
			w = &cuttingWriter{ResponseWriter: w, left: cutAfter, reset: reset}
		}
		next.ServeHTTP(w, r)
	})
}

// cuttingWriter ends the response once its byte budget is spent: the
// client sees a body shorter than its Content-Length, or a reset connection.
type cuttingWriter struct {
	http.ResponseWriter
	left  int64
	reset bool
}

func (c *cuttingWriter) Write(p []byte) (int, error) {
	if int64(len(p)) <= c.left {
		c.left -= int64(len(p))
		return c.ResponseWriter.Write(p)
	}
	_, _ = c.ResponseWriter.Write(p[:c.left])
	c.left = 0
	rc := http.NewResponseController(c.ResponseWriter)
	_ = rc.Flush()
	if c.reset {
		if conn, _, err := rc.Hijack(); err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0) // close with RST
			}
			conn.Close()
		}
	}
	panic(http.ErrAbortHandler)
}

// credentialScope reads "Credential=AKID/DATE/REGION/SERVICE/aws4_request"
// from a SigV4 Authorization header.
func credentialScope(auth string) (keyID, region string) {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 3 {
		return "", ""
	}
	return parts[0], parts[2]
}
