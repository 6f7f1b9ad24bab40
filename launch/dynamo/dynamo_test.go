package dynamo

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/awsconf"
	"github.com/gluelens/gluelens/internal/fakedynamo"
)

func awsEnv(t *testing.T) aws.Config {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAGLUELENSDYNAMO01")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "dynamo-test-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
	cfg, err := awsconf.Load(context.Background(), awsconf.Config{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func thr(cat string, threshold int, windowEnd, computed time.Time) plan.Threshold {
	return plan.Threshold{Category: cat, Threshold: threshold, MaxIPsPerRun: threshold, WindowDays: 14,
		WindowStart: windowEnd.Add(-14 * 24 * time.Hour), WindowEnd: windowEnd, ComputedAt: computed,
		BufferRule: "fixed", Subnets: []string{"subnet-0d1e2f3a4b5c6d7e8"}}
}

// rule stands for reports/words.ThresholdRule: the item stores what it says.
func rule(t plan.Threshold) string { return "launch " + t.Category }

func TestPublishKeepsTheNewerPlan(t *testing.T) {
	srv := fakedynamo.Start(t)
	cfg := awsEnv(t)
	ctx := context.Background()
	tab := New(cfg, srv.URL, "gluelens-launch-thresholds", 10*time.Second)
	if created, err := tab.Create(ctx); err != nil || !created {
		t.Fatalf("Create = %v, %v; want a new table", created, err)
	}
	if created, err := tab.Create(ctx); err != nil || created {
		t.Fatalf("second Create = %v, %v; want the existing table, no error", created, err)
	}

	w1 := time.Date(2026, 11, 2, 19, 5, 19, 0, time.UTC)
	w0 := w1.Add(-7 * 24 * time.Hour)
	w2 := w1.Add(7 * 24 * time.Hour)
	c1 := time.Date(2026, 11, 25, 22, 20, 45, 0, time.UTC)
	publish := func(ts ...plan.Threshold) []Outcome {
		t.Helper()
		out, err := tab.Publish(ctx, ts, rule)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	get := func(cat string) Stored {
		t.Helper()
		s, ok, err := tab.Get(ctx, cat)
		if err != nil || !ok {
			t.Fatalf("Get(%s) = %v, %v", cat, ok, err)
		}
		return s
	}

	if out := publish(thr("ingest", 40, w1, c1), thr("export", 12, w1, c1)); !out[0].Written || !out[1].Written {
		t.Fatalf("first publish: %+v", out)
	}
	if s := get("ingest"); s.Threshold != 40 || !s.WindowEnd.Equal(w1) || !s.ComputedAt.Equal(c1) || s.PlanVersion != c1.UnixMilli() ||
		len(s.Subnets) != 1 || s.BufferRule != "fixed" || !s.WindowStart.Equal(w1.Add(-14*24*time.Hour)) {
		t.Errorf("stored ingest = %+v", s)
	}

	cases := []struct {
		name      string
		th        plan.Threshold
		written   bool
		threshold int // stored afterwards
	}{
		{"older evidence computed later is refused", thr("ingest", 99, w0, c1.Add(time.Hour)), false, 40},
		{"same window, earlier version is refused", thr("ingest", 98, w1, c1.Add(-time.Minute)), false, 40},
		{"same window and version again is written (idempotent)", thr("ingest", 41, w1, c1), true, 41},
		{"same window, later version is written", thr("ingest", 42, w1, c1.Add(time.Minute)), true, 42},
		{"later evidence computed earlier is written", thr("ingest", 43, w2, c1.Add(-24*time.Hour)), true, 43},
		{"and the earlier window is refused after it", thr("ingest", 44, w1, c1.Add(2*time.Hour)), false, 43},
	}
	for _, tc := range cases {
		out := publish(tc.th)
		if len(out) != 1 || out[0].Written != tc.written {
			t.Errorf("%s: outcome %+v, want written=%v", tc.name, out, tc.written)
			continue
		}
		if !tc.written && (out[0].Kept == nil || out[0].Kept.Threshold != tc.threshold) {
			t.Errorf("%s: kept %+v, want the stored item with threshold %d", tc.name, out[0].Kept, tc.threshold)
		}
		if got := get("ingest").Threshold; got != tc.threshold {
			t.Errorf("%s: stored threshold %d, want %d", tc.name, got, tc.threshold)
		}
	}

	// An item put by hand (the bare put-item older reports suggested) has
	// no window: any plan replaces it.
	raw := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	if _, err := raw.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tab.Name), Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "category#transform"}, "threshold": &types.AttributeValueMemberN{Value: "25"}}}); err != nil {
		t.Fatal(err)
	}
	if s := get("transform"); s.Threshold != 25 || !s.WindowEnd.IsZero() {
		t.Errorf("hand-made item = %+v", s)
	}
	if out := publish(thr("transform", 26, w0, c1)); !out[0].Written || get("transform").Threshold != 26 {
		t.Errorf("a plan must replace a hand-made item: %+v", out)
	}
	if _, ok, err := tab.Get(ctx, "nosuch"); ok || err != nil {
		t.Errorf("Get(nosuch) = %v, %v; want not found", ok, err)
	}

	// A table of the same name with another key is refused.
	other := New(cfg, srv.URL, "other-key", 10*time.Second)
	if _, err := raw.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("other-key"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Create(ctx); err == nil || !strings.Contains(err.Error(), "another key") {
		t.Errorf("Create over a table with key id: %v", err)
	}
	// A missing table is an error naming it.
	if _, err := New(cfg, srv.URL, "missing-table", 10*time.Second).Publish(ctx, []plan.Threshold{thr("x", 1, w1, c1)}, rule); err == nil ||
		!strings.Contains(err.Error(), "dynamodb://missing-table") {
		t.Errorf("publish to a missing table: %v", err)
	}
}

func TestParseURI(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"dynamodb://gluelens-launch-thresholds", "gluelens-launch-thresholds", true},
		{"dynamodb://a.b_c-1", "a.b_c-1", true},
		{"dynamodb://ab", "", false},
		{"dynamodb://bad/name", "", false},
		{"dynamodb://", "", false},
		{"s3://bucket", "", false},
		{"gluelens-launch-thresholds", "", false},
	} {
		got, err := ParseURI(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseURI(%q) = %q, %v", tc.in, got, err)
		}
	}
}

func TestDryRunIsWhatPublishSends(t *testing.T) {
	w1 := time.Date(2026, 11, 2, 19, 5, 19, 0, time.UTC)
	c1 := time.Date(2026, 11, 25, 22, 20, 45, 0, time.UTC)
	th := thr("ingest", 40, w1, c1)
	reqs := DryRun("t1", []plan.Threshold{th}, rule)
	b, err := json.Marshal(reqs[0])
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		TableName                 string
		Item                      map[string]map[string]any
		ConditionExpression       string
		ExpressionAttributeValues map[string]map[string]string
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.TableName != "t1" || got.ConditionExpression != Condition || got.Item["pk"]["S"] != "category#ingest" ||
		got.Item["threshold"]["N"] != "40" || got.Item["rule"]["S"] != "launch ingest" || got.ExpressionAttributeValues[":we"]["S"] != "2026-11-02T19:05:19Z" ||
		got.ExpressionAttributeValues[":pv"]["N"] != "1795645245000" { // 2026-11-25T22:20:45Z in Unix ms (python3 datetime)
		t.Errorf("dry run request = %s", b)
	}
	in, err := putInput("t1", th, rule(th))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Item) != len(got.Item) || aws.ToString(in.ConditionExpression) != got.ConditionExpression {
		t.Errorf("PutItem has %d attributes, the dry run %d", len(in.Item), len(got.Item))
	}
}
