// Command s3serve serves a local folder as an S3 bucket on the loopback
// interface (the in-memory fake S3 the tests use), so benchmarks can time
// `gluelens ingest s3://…` against `gluelens ingest DIR` on the same bytes.
//
//	s3serve -dir bench-out/cloudtrail -bucket bench -url-file bench-out/s3.url [-latency 30ms]
//
// It loads the folder, writes the endpoint URL to -url-file (and stdout),
// then serves until interrupted.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gluelens/gluelens/internal/fakes3"
)

func main() {
	dir := flag.String("dir", "", "folder to serve (required)")
	bucket := flag.String("bucket", "bench", "bucket name")
	prefix := flag.String("prefix", "", "key prefix for the folder's files")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	urlFile := flag.String("url-file", "", "write the endpoint URL here once loaded")
	latency := flag.Duration("latency", 0, "delay every answer by this much (e.g. 30ms, like a remote S3)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "s3serve: -dir is required")
		os.Exit(2)
	}
	srv, err := fakes3.Start(*addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "s3serve:", err)
		os.Exit(1)
	}
	srv.SetLatency(*latency)
	n, size, err := srv.LoadDir(*bucket, *prefix, *dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "s3serve: loading %s: %v\n", *dir, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "s3serve: %d objects (%d bytes) in s3://%s/%s at %s\n", n, size, *bucket, *prefix, srv.URL)
	fmt.Println(srv.URL)
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(srv.URL+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "s3serve:", err)
			os.Exit(1)
		}
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	srv.Close()
}
