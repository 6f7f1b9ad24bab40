package sparklog_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/sparklog"
)

// Hand-written logs for format drift and damage. Expected values are read
// off the lines themselves.
const (
	logStart  = `{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}`
	appStart  = `{"Event":"SparkListenerApplicationStart","App Name":"nightly","App ID":"spark-application-1700000000000","Timestamp":1700000000000,"User":"glue","App Attempt ID":"2"}`
	appEnd    = `{"Event":"SparkListenerApplicationEnd","Timestamp":1700000600000}`
	env       = `{"Event":"SparkListenerEnvironmentUpdate","JVM Information":{},"Spark Properties":{"spark.glue.JOB_NAME":"nightly","spark.glue.JOB_RUN_ID":"jr_abc_attempt_1","spark.sql.shuffle.partitions":"400","spark.io.compression.codec":"zstd","spark.sql.adaptive.enabled":"false","spark.sql.adaptive.advisoryPartitionSizeInBytes":"128m","spark.executor.cores":"4","spark.executor.memory":"10g","spark.hadoop.fs.s3a.secret.key":"*********(redacted)"},"System Properties":{}}`
	execAdd   = `{"Event":"SparkListenerExecutorAdded","Timestamp":1700000001000,"Executor ID":"1","Executor Info":{"Host":"10.0.0.5","Total Cores":4,"Log Urls":{}}}`
	execRm    = `{"Event":"SparkListenerExecutorRemoved","Timestamp":1700000500000,"Executor ID":"1","Removed Reason":"Container exited: No space left on device"}`
	stageSub  = `{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":3,"Stage Attempt ID":0,"Stage Name":"save at job.py:10","Number of Tasks":2,"RDD Info":[],"Parent IDs":[1,2],"Details":"","Submission Time":1700000002000,"Accumulables":[]}}`
	stageFail = `{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":3,"Stage Attempt ID":0,"Stage Name":"save at job.py:10","Number of Tasks":2,"RDD Info":[],"Parent IDs":[1,2],"Details":"","Submission Time":1700000002000,"Completion Time":1700000400000,"Failure Reason":"Job aborted: No space left on device","Accumulables":[]}}`
	jobStart  = `{"Event":"SparkListenerJobStart","Job ID":7,"Submission Time":1700000001500,"Stage Infos":[],"Stage IDs":[2,3],"Properties":{}}`
	jobFail   = `{"Event":"SparkListenerJobEnd","Job ID":7,"Completion Time":1700000400500,"Job Result":{"Result":"JobFailed","Exception":{"Message":"Job aborted due to stage failure","Stack Trace":[]}}}`
	taskStart = `{"Event":"SparkListenerTaskStart","Stage ID":3,"Stage Attempt ID":0,"Task Info":{"Task ID":41,"Index":1,"Attempt":0,"Partition ID":9,"Launch Time":1700000003000,"Executor ID":"1","Host":"10.0.0.5","Locality":"NODE_LOCAL","Speculative":true,"Getting Result Time":0,"Finish Time":0,"Failed":false,"Killed":false,"Accumulables":[]}}`
	// A 3.5 TaskEnd: push-based shuffle keys, Partition ID, every metric.
	taskFail = `{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"ExceptionFailure","Class Name":"java.io.IOException","Description":"No space left on device","Stack Trace":[],"Accumulator Updates":[]},"Task Info":{"Task ID":40,"Index":0,"Attempt":0,"Partition ID":8,"Launch Time":1700000003000,"Executor ID":"1","Host":"10.0.0.5","Locality":"NODE_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":1700000300000,"Failed":true,"Killed":false,"Accumulables":[{"ID":1,"Name":"internal.metrics.memoryBytesSpilled","Update":5,"Value":5}]},"Task Executor Metrics":{"JVMHeapMemory":0},"Task Metrics":{"Executor Deserialize Time":1,"Executor Deserialize CPU Time":2,"Executor Run Time":290000,"Executor CPU Time":123456789,"Peak Execution Memory":1048576,"Result Size":0,"JVM GC Time":1500,"Result Serialization Time":0,"Memory Bytes Spilled":8000000000,"Disk Bytes Spilled":2000000000,"Shuffle Read Metrics":{"Remote Blocks Fetched":1,"Local Blocks Fetched":2,"Fetch Wait Time":3,"Remote Bytes Read":1000,"Remote Bytes Read To Disk":100,"Local Bytes Read":2000,"Total Records Read":30,"Remote Requests Duration":4,"Push Based Shuffle":{"Corrupt Merged Block Chunks":0,"Merged Fetch Fallback Count":0,"Merged Remote Blocks Fetched":0}},"Shuffle Write Metrics":{"Shuffle Bytes Written":5000000000,"Shuffle Write Time":77,"Shuffle Records Written":42},"Input Metrics":{"Bytes Read":11,"Records Read":12},"Output Metrics":{"Bytes Written":13,"Records Written":14},"Updated Blocks":[]}}`
)

func lines(ls ...string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }

func TestDecodeGlueStyleLog(t *testing.T) {
	s := newSink()
	content := lines(logStart, env, appStart, execAdd, jobStart, stageSub, taskStart, taskFail,
		`{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":0}`,
		stageFail, jobFail, execRm)
	if err := decodeBytes(t, "sparkHistoryLogs/spark-application-1700000000000.inprogress", content, s); err != nil {
		t.Fatal(err)
	}
	if len(s.bad) != 0 || s.skipped != 1 {
		t.Fatalf("bad %v, skipped %d; want none, 1 (the SQL event)", s.bad, s.skipped)
	}
	const n = 12 // events in the log: every row written at the end carries 12
	check := func(table string, row []any, want map[string]any) {
		t.Helper()
		for col, w := range want {
			if g := get(table, row, col); g != w {
				t.Errorf("%s.%s = %#v, want %#v", table, col, g, w)
			}
		}
	}
	check("spark_apps", s.rows["spark_apps"][0], map[string]any{
		"app_id": "spark-application-1700000000000", "attempt_id": "2", "app_name": "nightly", "spark_version": "3.5.1",
		"spark_user": "glue", "start_time": ms(1700000000000), "end_time": nil, "completed": false,
		"glue_job_name": "nightly", "glue_job_run_id": "jr_abc_attempt_1", "shuffle_partitions": int32(400),
		"io_compression_codec": "zstd", "eventlog_codec": "plain", "adaptive_enabled": false,
		"adaptive_coalesce_enabled": nil, "adaptive_skewjoin_enabled": nil, "advisory_partition_bytes": int64(128 << 20),
		"executor_cores": int32(4), "executor_memory": "10g", "bad_lines": int64(0), "truncated": false,
		"source_uri": "/data/sparkHistoryLogs/spark-application-1700000000000.inprogress", "log_events": int64(n),
	})
	props := get("spark_apps", s.rows["spark_apps"][0], "spark_properties").(string)
	if !strings.Contains(props, `"spark.hadoop.fs.s3a.secret.key":"*********(redacted)"`) {
		t.Errorf("spark_properties lost the redacted value: %s", props)
	}
	check("spark_tasks", s.rows["spark_tasks"][0], map[string]any{
		"app_id": "spark-application-1700000000000", "attempt_id": "2", "task_id": int64(40), "stage_id": int32(3),
		"stage_attempt": int32(0), "task_index": int32(0), "task_attempt": int32(0), "partition_id": int32(8),
		"executor_id": "1", "host": "10.0.0.5", "launch_time": ms(1700000003000), "finish_time": ms(1700000300000),
		"task_type": "ShuffleMapTask", "end_reason": "ExceptionFailure", "failed": true, "killed": false, "speculative": false,
		"error_description": "No space left on device", "has_metrics": true, "executor_run_time_ms": int64(290000),
		"executor_cpu_time_ns": int64(123456789), "jvm_gc_time_ms": int64(1500), "result_size": int64(0),
		"peak_execution_memory": int64(1048576), "memory_bytes_spilled": int64(8000000000), "disk_bytes_spilled": int64(2000000000),
		"shuffle_bytes_written": int64(5000000000), "shuffle_records_written": int64(42), "shuffle_write_time_ns": int64(77),
		"shuffle_remote_bytes_read": int64(1000), "shuffle_local_bytes_read": int64(2000), "shuffle_remote_bytes_read_to_disk": int64(100),
		"shuffle_records_read": int64(30), "input_bytes": int64(11), "input_records": int64(12), "output_bytes": int64(13),
		"output_records": int64(14), "log_events": int64(8),
	})
	// Task 41 started and never ended: written at the end, no reason, no metrics.
	open := s.rows["spark_tasks"][1]
	check("spark_tasks", open, map[string]any{"task_id": int64(41), "partition_id": int32(9), "end_reason": nil, "finish_time": nil,
		"speculative": true, "has_metrics": false, "memory_bytes_spilled": nil, "output_records": nil, "log_events": int64(n)})
	check("spark_stages", s.rows["spark_stages"][0], map[string]any{"stage_id": int32(3), "stage_attempt": int32(0),
		"stage_name": "save at job.py:10", "num_tasks": int32(2), "parent_ids": "[1,2]", "submission_time": ms(1700000002000),
		"completion_time": ms(1700000400000), "failure_reason": "Job aborted: No space left on device", "status": "failed", "log_events": int64(10)})
	check("spark_jobs", s.rows["spark_jobs"][0], map[string]any{"job_id": int32(7), "submission_time": ms(1700000001500),
		"completion_time": ms(1700000400500), "result": "JobFailed", "stage_ids": "[2,3]", "failure_reason": "Job aborted due to stage failure", "log_events": int64(11)})
	check("spark_executors", s.rows["spark_executors"][0], map[string]any{"executor_id": "1", "host": "10.0.0.5", "total_cores": int32(4),
		"added_at": ms(1700000001000), "removed_at": ms(1700000500000), "removed_reason": "Container exited: No space left on device", "log_events": int64(12)})
}

// TestDecodeDrift covers the key drift of docs/formats.md §3.3.
func TestDecodeDrift(t *testing.T) {
	// Spark 1.2: no LogStart, "Host Name" in metrics, no Shuffle Read/Write
	// sub-objects except a write without records, "<driver>", no Killed, no Partition ID.
	v12 := lines(
		`{"Event":"SparkListenerApplicationStart","App Name":"Spark shell","App ID":"local-1422981780767","Timestamp":1422981780000,"User":"irashid"}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":3,"Index":5,"Attempt":0,"Launch Time":1422981784241,"Executor ID":"<driver>","Host":"localhost","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":1422981784812,"Failed":false,"Accumulables":[]},"Task Metrics":{"Host Name":"localhost","Executor Deserialize Time":11,"Executor Run Time":543,"Result Size":1268,"JVM GC Time":25,"Result Serialization Time":0,"Memory Bytes Spilled":0,"Disk Bytes Spilled":0,"Shuffle Write Metrics":{"Shuffle Bytes Written":1647,"Shuffle Write Time":1234},"Updated Blocks":[]}}`,
		// A 2.x failure with "Task Metrics" null and a FetchFailed message.
		`{"Event":"SparkListenerTaskEnd","Stage ID":1,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"FetchFailed","Block Manager Address":{"Executor ID":"2"},"Shuffle ID":0,"Map ID":1,"Reduce ID":2,"Message":"java.io.IOException: No space left on device"},"Task Info":{"Task ID":4,"Index":0,"Attempt":1,"Partition ID":-1,"Launch Time":1422981784300,"Executor ID":"2","Host":"h2","Speculative":false,"Finish Time":1422981784900,"Failed":true,"Killed":false},"Task Metrics":null}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":1,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"ExecutorLostFailure","Executor ID":"2","Exit Caused By App":true,"Loss Reason":"Container killed by YARN for exceeding memory limits"},"Task Info":{"Task ID":5,"Index":1,"Attempt":0,"Launch Time":1422981784300,"Executor ID":"2","Host":"h2","Speculative":false,"Finish Time":1422981784900,"Failed":true,"Killed":false}}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":1,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"TaskKilled","Kill Reason":"another attempt succeeded"},"Task Info":{"Task ID":6,"Index":2,"Attempt":0,"Launch Time":1422981784300,"Executor ID":"2","Host":"h2","Speculative":true,"Finish Time":1422981784900,"Failed":false,"Killed":true}}`,
	)
	s := newSink()
	if err := decodeBytes(t, "local-1422981780767", v12, s); err != nil {
		t.Fatal(err)
	}
	if len(s.bad) != 0 {
		t.Fatalf("bad: %v", s.bad)
	}
	tests := []struct {
		row  int
		want map[string]any
	}{
		{0, map[string]any{"executor_id": "<driver>", "partition_id": int32(5), "killed": false, "has_metrics": true,
			"executor_cpu_time_ns": nil, "peak_execution_memory": nil, "shuffle_bytes_written": int64(1647),
			"shuffle_write_time_ns": int64(1234), "shuffle_records_written": nil, "shuffle_remote_bytes_read": nil,
			"shuffle_records_read": nil, "input_bytes": nil, "output_bytes": nil, "memory_bytes_spilled": int64(0), "error_description": nil}},
		{1, map[string]any{"end_reason": "FetchFailed", "partition_id": int32(0), "has_metrics": false, "executor_run_time_ms": nil,
			"error_description": "java.io.IOException: No space left on device", "task_attempt": int32(1), "failed": true}},
		{2, map[string]any{"end_reason": "ExecutorLostFailure", "has_metrics": false, "error_description": "Container killed by YARN for exceeding memory limits"}},
		{3, map[string]any{"end_reason": "TaskKilled", "killed": true, "speculative": true, "error_description": "another attempt succeeded"}},
	}
	for _, tt := range tests {
		for col, w := range tt.want {
			if g := get("spark_tasks", s.rows["spark_tasks"][tt.row], col); g != w {
				t.Errorf("row %d %s = %#v, want %#v", tt.row, col, g, w)
			}
		}
	}
	a := s.rows["spark_apps"][0]
	if get("spark_apps", a, "attempt_id") != "" || get("spark_apps", a, "spark_version") != nil || get("spark_apps", a, "spark_properties") != nil {
		t.Errorf("1.2 app row: attempt %#v version %#v props %#v; want '', NULL, NULL",
			get("spark_apps", a, "attempt_id"), get("spark_apps", a, "spark_version"), get("spark_apps", a, "spark_properties"))
	}
}

// TestResubmittedKeepsMetrics: Spark repeats a finished shuffle-map task's
// TaskEnd as Resubmitted (no metrics) when its executor is lost.
func TestResubmittedKeepsMetrics(t *testing.T) {
	success := `{"Event":"SparkListenerTaskEnd","Stage ID":2,"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":9,"Index":0,"Attempt":0,"Launch Time":1,"Executor ID":"3","Host":"h","Finish Time":2,"Failed":false,"Killed":false},"Task Metrics":{"Executor Run Time":10,"Result Size":1,"Memory Bytes Spilled":0,"Disk Bytes Spilled":0,"Shuffle Write Metrics":{"Shuffle Bytes Written":777,"Shuffle Write Time":1,"Shuffle Records Written":3}}}`
	resub := `{"Event":"SparkListenerTaskEnd","Stage ID":2,"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"Resubmitted"},"Task Info":{"Task ID":9,"Index":0,"Attempt":0,"Launch Time":1,"Executor ID":"3","Host":"h","Finish Time":2,"Failed":false,"Killed":false},"Task Metrics":null}`
	s := newSink()
	if err := decodeBytes(t, "x", lines(appStart, success, resub), s); err != nil {
		t.Fatal(err)
	}
	rows := s.tasks()
	if len(rows) != 1 {
		t.Fatalf("%d task rows after merge, want 1", len(rows))
	}
	if r := rows[0]; get("spark_tasks", r, "end_reason") != "Resubmitted" || get("spark_tasks", r, "shuffle_bytes_written") != int64(777) || get("spark_tasks", r, "has_metrics") != true {
		t.Errorf("merged row: reason %v, shuffle written %v, has_metrics %v; want Resubmitted, 777, true",
			get("spark_tasks", r, "end_reason"), get("spark_tasks", r, "shuffle_bytes_written"), get("spark_tasks", r, "has_metrics"))
	}
}

func TestDecodeDamage(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		content   string
		strict    bool
		wantErr   bool
		bad       []int64 // line numbers reported bad
		truncated bool
		tasks     int
		warn      string
		appID     string
	}{
		{name: "malformed line in the middle", key: "a", content: string(lines(appStart, `{"Event":"SparkListenerTaskEnd",_"Stage ID":1}`, taskFail)),
			bad: []int64{2}, tasks: 1, appID: "spark-application-1700000000000"},
		{name: "line that is not an event", key: "a", content: string(lines(appStart, `{"foo":1}`, taskFail)),
			bad: []int64{2}, tasks: 1, appID: "spark-application-1700000000000"},
		{name: "strict mode stops at the bad line", key: "a", content: string(lines(appStart, `{"Event":"SparkListenerTaskEnd",_}`, taskFail)),
			strict: true, wantErr: true, bad: []int64{2}},
		{name: "log ends mid-line", key: "a.inprogress", content: string(lines(appStart, taskFail)) + taskFail[:200],
			truncated: true, tasks: 1, warn: "ends mid-line at line 3", appID: "spark-application-1700000000000"},
		{name: "last line complete without newline", key: "a", content: appStart + "\n" + taskFail,
			tasks: 1, appID: "spark-application-1700000000000"},
		{name: "no ApplicationStart: rolling name", key: "logs/eventlog_v2_app-123/events_2_app-123.zstd", content: string(lines(taskFail)),
			tasks: 1, warn: "no SparkListenerApplicationStart", appID: "app-123"},
		{name: "no ApplicationStart: file name", key: "logs/spark-application-17.lz4.inprogress", content: string(lines(logStart, taskFail)),
			tasks: 1, warn: `app id "spark-application-17"`, appID: "spark-application-17"},
		{name: "events without their ids", key: "a", content: string(lines(appStart,
			`{"Event":"SparkListenerStageCompleted","Stage Info":null}`,
			`{"Event":"SparkListenerJobEnd","Completion Time":1}`,
			`{"Event":"SparkListenerExecutorRemoved","Timestamp":1}`,
			`{"Event":"SparkListenerTaskStart","Stage ID":1,"Task Info":{"Index":0}}`,
			taskFail)),
			bad: []int64{2, 3, 4, 5}, tasks: 1, appID: "spark-application-1700000000000"},
		{name: "blank lines and CRLF", key: "a", content: appStart + "\r\n\r\n" + taskFail + "\r\n",
			tasks: 1, appID: "spark-application-1700000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink()
			s.strict = tt.strict
			err := decodeBytes(t, tt.key, []byte(tt.content), s)
			if tt.wantErr {
				var re *ingest.RecordError
				if !errors.As(err, &re) || re.Record != tt.bad[0] {
					t.Fatalf("err = %v, want a RecordError for line %d", err, tt.bad[0])
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var badLines []int64
			for _, b := range s.bad {
				badLines = append(badLines, b.record)
				if !strings.Contains(b.msg, "line ") {
					t.Errorf("bad-record message %q does not name the line", b.msg)
				}
			}
			if !slices.Equal(badLines, tt.bad) {
				t.Errorf("bad lines %v, want %v", badLines, tt.bad)
			}
			if n := len(s.rows["spark_tasks"]); n != tt.tasks {
				t.Errorf("%d task rows, want %d", n, tt.tasks)
			}
			a := s.rows["spark_apps"][0]
			if get("spark_apps", a, "truncated") != tt.truncated {
				t.Errorf("truncated = %v, want %v", get("spark_apps", a, "truncated"), tt.truncated)
			}
			if get("spark_apps", a, "bad_lines") != int64(len(tt.bad)) {
				t.Errorf("bad_lines = %v, want %d", get("spark_apps", a, "bad_lines"), len(tt.bad))
			}
			if got := get("spark_apps", a, "app_id"); got != tt.appID {
				t.Errorf("app_id = %v, want %s", got, tt.appID)
			}
			if tt.warn != "" {
				found := false
				for _, w := range s.warn {
					found = found || strings.Contains(w.msg, tt.warn)
				}
				if !found {
					t.Errorf("warnings %v, want one containing %q", s.warn, tt.warn)
				}
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{`{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}`, true},
		{`{ "Event" : "SparkListenerApplicationStart"}`, true},
		{`{"Records":[{"eventVersion":"1.08"}]}`, false},
		{`{"JobRuns":[]}`, false},
		{`EVENT_LOG_1`, false},
		{``, false},
	}
	for _, tt := range tests {
		if got := (sparklog.Decoder{}).Sniff("k", []byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

func TestRollingGroup(t *testing.T) {
	tests := []struct {
		key   string
		group string
		order int
		ok    bool
	}{
		{"logs/eventlog_v2_local-1623876083964/events_1_local-1623876083964.zstd", "logs/eventlog_v2_local-1623876083964", 1, true},
		{"logs/eventlog_v2_local-1623876083964/events_12_local-1623876083964", "logs/eventlog_v2_local-1623876083964", 12, true},
		{"eventlog_v2_app-1_1/events_3_app-1_1.lz4.compact", "eventlog_v2_app-1_1", 3, true},
		{"logs/eventlog_v2_local-1623876083964/appstatus_local-1623876083964", "logs/eventlog_v2_local-1623876083964", math.MaxInt, true},
		{"logs/eventlog_v2_local-1623876083964/appstatus_local-1623876083964.inprogress", "logs/eventlog_v2_local-1623876083964", math.MaxInt, true},
		{"logs/eventlog_v2_local-1/events_1_local-2", "", 0, false},       // other app id
		{"logs/eventlog_v2_local-1/events_x_local-1", "", 0, false},       // no number
		{"logs/eventlog_v2_local-1/notes.txt", "", 0, false},              // stray file
		{"logs/local-1623876083964", "", 0, false},                        // single-file log
		{"events_1_local-1", "", 0, false},                                // no directory
		{"logs/eventlog_v2_local-1/appstatus_local-1.done", "", 0, false}, // unknown status suffix
		{"logs/eventlog_v2_local-1/events_1_local-1x", "", 0, false},      // id prefix only
		{"old/local-1425081759268/EVENT_LOG_1", "old/local-1425081759268", 1, true},
		{"old/local-1425081759268/SPARK_VERSION_1.2.0", "old/local-1425081759268", 0, true},
		{"old/local-1425081759268/COMPRESSION_CODEC_org.apache.spark.io.LZFCompressionCodec", "old/local-1425081759268", 0, true},
		{"old/local-1425081759268/APPLICATION_COMPLETE", "old/local-1425081759268", 2, true},
		{"EVENT_LOG_1", "", 0, false}, // no directory
	}
	for _, tt := range tests {
		g, o, ok := sparklog.RollingGroup(tt.key)
		if g != tt.group || o != tt.order || ok != tt.ok {
			t.Errorf("RollingGroup(%q) = %q, %d, %v; want %q, %d, %v", tt.key, g, o, ok, tt.group, tt.order, tt.ok)
		}
	}
}

func TestByteString(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"67108864", 64 << 20, false},
		{"64MB", 64 << 20, false},
		{"64m", 64 << 20, false},
		{"1g", 1 << 30, false},
		{" 512K ", 512 << 10, false},
		{"2tb", 2 << 40, false},
		{"10b", 10, false},
		{"", 0, true},
		{"mb", 0, true},
		{"12 parsecs", 0, true},
		{"99999999999p", 0, true},
	}
	for _, tt := range tests {
		got, err := sparklog.ByteString(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ByteString(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(lines(logStart, env, appStart, execAdd, jobStart, stageSub, taskStart, taskFail, stageFail, jobFail, execRm, appEnd)))
	f.Add([]byte(lines(appStart, `{"Event":"SparkListenerTaskEnd","Task Info":{"Task ID":"x"}}`)))
	f.Add([]byte(`{"Event":"SparkListenerTaskStart","Task Info":{}}` + "\n" + `{"Event":"SparkListenerStageCompleted","Stage Info":null}`))
	f.Add([]byte(`{"Event":"SparkListenerEnvironmentUpdate","Spark Properties":{"spark.sql.shuffle.partitions":"x"}}`))
	// The Spark logs crafted for issue 17 (testdata/hostile).
	for _, n := range []string{"spark-out-of-range.json", "spark-spaced-thirdparty.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !(sparklog.Decoder{}).Sniff("k", b) {
			b = append([]byte(`{"Event":"SparkListenerLogStart"}`+"\n"), b...)
		}
		s := newSink()
		// Never panics; every emitted row matches its table's column count
		// (memSink.Append checks) and there is always one spark_apps row.
		if err := decodeBytes(t, "k", b, s); err != nil {
			t.Fatalf("non-strict decode failed: %v", err)
		}
		if len(s.rows["spark_apps"]) != 1 {
			t.Fatalf("%d spark_apps rows", len(s.rows["spark_apps"]))
		}
	})
}
