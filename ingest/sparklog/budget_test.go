package sparklog

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/internal/store"
)

// countingSink counts what a decoder hands it; gate, when set, makes every
// hand-over wait for the one "loader", as the ingest's objects do.
type countingSink struct {
	gate  chan struct{}
	tasks int
}

func (s *countingSink) hold() {
	if s.gate != nil {
		s.gate <- struct{}{}
		time.Sleep(time.Millisecond)
		<-s.gate
	}
}
func (s *countingSink) Append(store.Row) error { s.hold(); return nil }
func (s *countingSink) AppendColumns(c *store.Columns) error {
	s.hold()
	if c.Table() == "spark_tasks" {
		s.tasks += c.Len()
	}
	return nil
}
func (s *countingSink) SkipRecords(int64)      {}
func (s *countingSink) Bad(int64, error) error { return nil }
func (s *countingSink) Warn(int64, string)     {}

// TestBatchBudgetIsPerProcess reads many logs at once, each long enough to
// want every batch it may have, through one shared "loader": the line
// batches in use at once never pass the process's budget (so memory does
// not grow with the number of logs), no log waits forever, and every line
// task is loaded.
func TestBatchBudgetIsPerProcess(t *testing.T) {
	const logs, tasks = 12, 5 * batchLines
	var b strings.Builder
	b.WriteString(`{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}` + "\n")
	b.WriteString(`{"Event":"SparkListenerApplicationStart","App Name":"n","App ID":"spark-application-1","Timestamp":1700000000000,"User":"glue"}` + "\n")
	for i := range tasks {
		fmt.Fprintf(&b, `{"Event":"SparkListenerTaskEnd","Stage ID":1,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":%d,"Index":%d,"Attempt":0,"Launch Time":1700000003000,"Executor ID":"1","Host":"h","Finish Time":1700000004000,"Failed":false,"Killed":false},"Task Metrics":{"Executor Run Time":5}}`+"\n", i, i)
	}
	body := b.String()
	budget := batchSlots.size
	batchSlots.mu.Lock()
	batchSlots.peak = 0
	batchSlots.mu.Unlock()

	gate := make(chan struct{}, 1)
	sinks := make([]*countingSink, logs)
	errs := make([]error, logs)
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i := range logs {
		sinks[i] = &countingSink{gate: gate}
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := &ingest.Input{Object: ingest.Object{Key: "app-" + string(rune('a'+i))}, Codec: "plain", R: strings.NewReader(body)}
			errs[i] = Decoder{}.Decode(ctx, in, sinks[i])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("log %d: %v", i, err)
		}
		if sinks[i].tasks != tasks {
			t.Errorf("log %d: %d tasks loaded, want %d", i, sinks[i].tasks, tasks)
		}
	}
	batchSlots.mu.Lock()
	peak, used := batchSlots.peak, batchSlots.used
	batchSlots.mu.Unlock()
	if peak > budget || peak < 2 {
		t.Errorf("peak batches in use %d, budget %d (one log alone wants %d)", peak, budget, budget)
	}
	if used != 0 || !batchSlots.sem.TryAcquire(int64(budget)) {
		t.Errorf("after the logs: %d slots in use, or not all %d free", used, budget)
	} else {
		batchSlots.sem.Release(int64(budget))
	}
}
