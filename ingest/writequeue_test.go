package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/internal/store"
)

// queuedLines streams its rows: "queued" on the first line, then one
// "subnet-id cidr" pair per line into subnets, each as a Columns of one row
// or, for lines starting with "row ", as a row. A line "ORPHAN" hands over
// Columns of a table the store does not load, which the stream writer
// rejects after the decoder has moved on.
type queuedLines struct{}

func (queuedLines) Kind() string { return "test-queued" }
func (queuedLines) Sniff(_ string, head []byte) bool {
	return bytes.HasPrefix(head, []byte("queued\n"))
}
func (queuedLines) Decode(_ context.Context, in *ingest.Input, out ingest.Sink) error {
	b, err := io.ReadAll(in.R)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		if line == "ORPHAN" {
			c := store.NewColumns("no_such_table", 1, store.String)
			c.String("x")
			c.EndRow()
			if err := out.AppendColumns(c); err != nil {
				return err
			}
			continue
		}
		asRow := strings.HasPrefix(line, "row ")
		id, cidr, _ := strings.Cut(strings.TrimPrefix(line, "row "), " ")
		r := &store.Subnet{SubnetID: id, CidrBlock: &cidr, SourceURI: &in.URI}
		if asRow {
			err = out.Append(r)
		} else {
			c := store.NewColumnsOf((*store.Subnet)(nil), 1)
			c.Add(r)
			err = out.AppendColumns(c)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// TestStreamedRowsAreStoredInOrderOrFailTheObject: once an object streams
// (more rows than BufferRows), its rows reach the database through the
// write queue: all of them, rows and Columns alike; and a rejection the
// writer meets after the decoder moved on fails that object (its rows
// removed, the error in the manifest), not the run.
func TestStreamedRowsAreStoredInOrderOrFailTheObject(t *testing.T) {
	dir := t.TempDir()
	var good strings.Builder
	good.WriteString("queued\n")
	for i := range 50 {
		if i%7 == 3 {
			good.WriteString("row ")
		}
		fmt.Fprintf(&good, "subnet-good%02d 10.0.%d.0/24\n", i, i)
	}
	write(t, filepath.Join(dir, "a-good.txt"), good.String(), false)
	write(t, filepath.Join(dir, "b-orphan.txt"), "queued\nsubnet-o1 10.1.0.0/24\nsubnet-o2 10.1.1.0/24\nsubnet-o3 10.1.2.0/24\nsubnet-o4 10.1.3.0/24\nORPHAN\nsubnet-o5 10.1.4.0/24\nrow subnet-o6 10.1.5.0/24\n", false)
	write(t, filepath.Join(dir, "c-orphan-last.txt"), "queued\nsubnet-p1 10.2.0.0/24\nsubnet-p2 10.2.1.0/24\nsubnet-p3 10.2.2.0/24\nORPHAN\n", false)

	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "q.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, err := localsrc.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ingest.Run(context.Background(), st, []ingest.Source{src},
		ingest.Options{Decoders: []ingest.Decoder{queuedLines{}}, BufferRows: 2, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Loaded != 1 || sum.Failed != 2 {
		t.Errorf("summary %+v, want 1 loaded and 2 failed", sum)
	}
	if n := count(t, st, `SELECT count(*) FROM subnets WHERE subnet_id LIKE 'subnet-good%'`); n != 50 {
		t.Errorf("rows of the good object: %d, want 50", n)
	}
	if n := count(t, st, `SELECT count(*) FROM subnets WHERE subnet_id NOT LIKE 'subnet-good%'`); n != 0 {
		t.Errorf("rows of the failed objects left in subnets: %d, want 0", n)
	}
	for _, name := range []string{"b-orphan.txt", "c-orphan-last.txt"} {
		var status, msg string
		if err := st.DB().QueryRow(`SELECT status, error FROM ingest_manifest WHERE uri LIKE '%' || ?`, name).Scan(&status, &msg); err != nil {
			t.Fatal(err)
		}
		if status != store.StatusFailed || !strings.Contains(msg, `table "no_such_table" is not registered for loading`) {
			t.Errorf("%s: manifest status %q, error %q; want failed, naming the table", name, status, msg)
		}
	}
}
