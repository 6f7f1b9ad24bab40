// Package fakeec2 runs an EC2 Query API server on the loopback interface for
// tests that drive the real AWS SDK over HTTP. It answers DescribeSubnets
// and DescribeNetworkInterfaces with recorded responses in EC2's XML wire
// format (testdata/, provenance in testdata/README.md), and EC2's XML error
// for anything it has no recording of.
package fakeec2

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Server is a running fake EC2 endpoint.
type Server struct {
	URL  string
	dir  string
	http *http.Server

	mu       sync.Mutex
	requests []url.Values
	delay    time.Duration
	answers  map[string]string // file name → XML replacing the recording
}

// Dir is the folder of the recorded responses.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata")
}

// Start listens on 127.0.0.1 and serves the recordings in Dir().
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), dir: Dir(), answers: map[string]string{}}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.http.Close() }

// Delay makes every answer wait d first (for timeout tests).
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// SetAvailable answers DescribeSubnets for id with the recording's XML and
// availableIpAddressCount n.
func (s *Server) SetAvailable(id string, n int) error {
	name := "describe-subnets-" + id + ".xml"
	b, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		return err
	}
	x := string(b)
	i := strings.Index(x, "<availableIpAddressCount>")
	j := strings.Index(x, "</availableIpAddressCount>")
	if i < 0 || j < i {
		return fmt.Errorf("%s has no availableIpAddressCount", name)
	}
	s.mu.Lock()
	s.answers[name] = x[:i] + fmt.Sprintf("<availableIpAddressCount>%d", n) + x[j:]
	s.mu.Unlock()
	return nil
}

// Requests returns the forms of the requests served so far.
func (s *Server) Requests() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.requests...)
}

// ServeHTTP answers one Query API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, r.PostForm)
	delay := s.delay
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		writeError(w, http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials")
		return
	}
	f := r.PostForm
	var name, missing string
	switch f.Get("Action") {
	case "DescribeSubnets":
		id := f.Get("SubnetId.1")
		name = "describe-subnets-" + id + ".xml"
		missing = fmt.Sprintf("InvalidSubnetID.NotFound|The subnet ID '%s' does not exist", id)
	case "DescribeNetworkInterfaces":
		if f.Get("Filter.1.Name") != "subnet-id" {
			writeError(w, http.StatusBadRequest, "InvalidParameterValue", "this server answers only a subnet-id filter")
			return
		}
		name = "describe-network-interfaces-" + f.Get("Filter.1.Value.1")
		if tok := f.Get("NextToken"); tok != "" {
			name += "-" + tok
		}
		name += ".xml"
		missing = "InvalidParameterValue|no recorded answer for " + name
	default:
		writeError(w, http.StatusBadRequest, "InvalidAction", fmt.Sprintf("The action %s is not valid for this web service.", f.Get("Action")))
		return
	}
	if strings.ContainsAny(name, `/\`) {
		writeError(w, http.StatusBadRequest, "InvalidParameterValue", "bad identifier")
		return
	}
	s.mu.Lock()
	body, ok := s.answers[name]
	s.mu.Unlock()
	if !ok {
		b, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil {
			code, msg, _ := strings.Cut(missing, "|")
			writeError(w, http.StatusBadRequest, code, msg)
			return
		}
		body = string(b)
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	fmt.Fprint(w, body)
}

// writeError answers with EC2's error document.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`, xmlEscape(code), xmlEscape(msg))
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}
