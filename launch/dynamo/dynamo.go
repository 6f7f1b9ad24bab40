// Package dynamo keeps launch thresholds in a DynamoDB table: it creates
// the table, publishes the thresholds of a plan with conditional writes (an
// older plan never replaces a newer one) and reads a category's threshold
// back for the launch gate.
//
// One item per category, partition key pk = "category#<name>" (S); the
// attributes are those of plan.DynamoDBItem, the same as
// `gluelens plan thresholds --dynamodb-out` writes. Plans are ordered by
// window_end (the end of the evidence window, RFC 3339 UTC, which compares
// as a string) and then plan_version (computed_at in Unix milliseconds).
package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gluelens/gluelens/analysis/plan"
)

// Scheme prefixes a table location: dynamodb://TABLE.
const Scheme = "dynamodb://"

// KeyAttr is the table's partition key (type S).
const KeyAttr = "pk"

// Key is the partition key of a category's item.
func Key(category string) string { return "category#" + category }

// Condition is the ConditionExpression of every publish: write when the
// table has no item for the category, or an item from a plan made by hand
// (no window_end), or from an earlier evidence window, or from the same
// window and an earlier or the same plan version.
const Condition = "attribute_not_exists(pk) OR attribute_not_exists(window_end) OR window_end < :we OR " +
	"(window_end = :we AND (attribute_not_exists(plan_version) OR plan_version <= :pv))"

var tableName = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)

// ParseURI reads dynamodb://TABLE and returns the table name.
func ParseURI(uri string) (string, error) {
	name, ok := strings.CutPrefix(uri, Scheme)
	if !ok {
		return "", fmt.Errorf("reading %q: want dynamodb://TABLE", uri)
	}
	if !tableName.MatchString(name) {
		return "", fmt.Errorf("reading %q: a DynamoDB table name is 3 to 255 letters, digits, '_', '-' or '.'", uri)
	}
	return name, nil
}

// Table is a thresholds table.
type Table struct {
	Name string
	api  *dynamodb.Client
	// Timeout bounds every call (retries included); 0 means none.
	Timeout time.Duration
}

// New returns the table name in the account and region of cfg; endpoint,
// when set, replaces the DynamoDB endpoint (dynalite, DynamoDB Local).
func New(cfg aws.Config, endpoint, name string, timeout time.Duration) *Table {
	api := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return &Table{Name: name, api: api, Timeout: timeout}
}

func (t *Table) uri() string { return Scheme + t.Name }

func (t *Table) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if t.Timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, t.Timeout)
}

// Create creates the table (on-demand capacity, key pk) and waits until it
// is active. It returns false when the table already exists with that key.
func (t *Table) Create(ctx context.Context) (bool, error) {
	cctx, cancel := t.bound(ctx)
	defer cancel()
	_, err := t.api.CreateTable(cctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(t.Name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(KeyAttr), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(KeyAttr), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	created := true
	var inUse *types.ResourceInUseException
	switch {
	case errors.As(err, &inUse):
		created = false
	case err != nil:
		return false, fmt.Errorf("creating %s: %w", t.uri(), err)
	}
	wait := dynamodb.NewTableExistsWaiter(t.api, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Second, 5*time.Second
	})
	maxWait := 5 * time.Minute
	if t.Timeout > 0 {
		maxWait = t.Timeout
	}
	out, err := wait.WaitForOutput(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.Name)}, maxWait)
	if err != nil {
		return created, fmt.Errorf("waiting for %s to become active: %w", t.uri(), err)
	}
	if !hasKey(out.Table) {
		return created, fmt.Errorf("creating %s: the table exists with another key; it needs partition key %s of type S and no sort key", t.uri(), KeyAttr)
	}
	return created, nil
}

func hasKey(td *types.TableDescription) bool {
	if td == nil || len(td.KeySchema) != 1 || aws.ToString(td.KeySchema[0].AttributeName) != KeyAttr || td.KeySchema[0].KeyType != types.KeyTypeHash {
		return false
	}
	for _, a := range td.AttributeDefinitions {
		if aws.ToString(a.AttributeName) == KeyAttr {
			return a.AttributeType == types.ScalarAttributeTypeS
		}
	}
	return false
}

// Outcome is what publishing one category did.
type Outcome struct {
	Category string
	Written  bool
	// Kept is the newer item the table holds when Written is false (nil
	// when it could not be read back).
	Kept *Stored
}

// Publish writes one item per threshold, each on the condition that the
// table holds nothing newer for its category; rule words each item's rule
// attribute. It stops at the first error other than a refused condition.
func (t *Table) Publish(ctx context.Context, ts []plan.Threshold, rule plan.RuleWords) ([]Outcome, error) {
	var out []Outcome
	for _, th := range ts {
		in, err := putInput(t.Name, th, rule(th))
		if err != nil {
			return out, fmt.Errorf("publishing to %s: %s: %w", t.uri(), Key(th.Category), err)
		}
		cctx, cancel := t.bound(ctx)
		_, err = t.api.PutItem(cctx, in)
		cancel()
		var refused *types.ConditionalCheckFailedException
		switch {
		case errors.As(err, &refused):
			o := Outcome{Category: th.Category}
			if s, ok, gerr := t.Get(ctx, th.Category); gerr == nil && ok {
				o.Kept = &s
			}
			out = append(out, o)
		case err != nil:
			return out, fmt.Errorf("publishing to %s: putting %s: %w", t.uri(), Key(th.Category), err)
		default:
			out = append(out, Outcome{Category: th.Category, Written: true})
		}
	}
	return out, nil
}

// putInput is the conditional PutItem of one threshold.
func putInput(table string, th plan.Threshold, rule string) (*dynamodb.PutItemInput, error) {
	item, err := attrMap(plan.DynamoDBItem(th, rule))
	if err != nil {
		return nil, err
	}
	return &dynamodb.PutItemInput{
		TableName:           aws.String(table),
		Item:                item,
		ConditionExpression: aws.String(Condition),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":we": item["window_end"],
			":pv": item["plan_version"],
		},
	}, nil
}

// DryRun returns, one per threshold, the PutItem request Publish would
// send, in the JSON of `aws dynamodb put-item --cli-input-json`.
func DryRun(table string, ts []plan.Threshold, rule plan.RuleWords) []map[string]any {
	out := make([]map[string]any, 0, len(ts))
	for _, th := range ts {
		item := plan.DynamoDBItem(th, rule(th))
		out = append(out, map[string]any{
			"TableName":                 table,
			"Item":                      item,
			"ConditionExpression":       Condition,
			"ExpressionAttributeValues": map[string]any{":we": item["window_end"], ":pv": item["plan_version"]},
		})
	}
	return out
}

// attrMap turns DynamoDB's attribute-value JSON (S, N and SS values, as
// plan.DynamoDBItem builds it) into SDK attribute values.
func attrMap(m map[string]any) (map[string]types.AttributeValue, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]types.AttributeValue, len(raw))
	for name, v := range raw {
		if len(v) != 1 {
			return nil, fmt.Errorf("attribute %s: want one type, got %d", name, len(v))
		}
		for typ, val := range v {
			switch typ {
			case "S", "N":
				var s string
				if err := json.Unmarshal(val, &s); err != nil {
					return nil, fmt.Errorf("attribute %s: %w", name, err)
				}
				if typ == "S" {
					out[name] = &types.AttributeValueMemberS{Value: s}
				} else {
					out[name] = &types.AttributeValueMemberN{Value: s}
				}
			case "SS":
				var ss []string
				if err := json.Unmarshal(val, &ss); err != nil {
					return nil, fmt.Errorf("attribute %s: %w", name, err)
				}
				out[name] = &types.AttributeValueMemberSS{Value: ss}
			default:
				return nil, fmt.Errorf("attribute %s: unsupported type %s", name, typ)
			}
		}
	}
	return out, nil
}

// Stored is a category's item as the table holds it.
type Stored struct {
	Category    string    `json:"category"`
	Threshold   int       `json:"threshold"`
	BufferRule  string    `json:"buffer_rule,omitempty"`
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	ComputedAt  time.Time `json:"computed_at"`
	PlanVersion int64     `json:"plan_version,omitempty"`
	Subnets     []string  `json:"subnets,omitempty"`
}

// Get reads a category's item with a strongly consistent read. It returns
// false when the table has none.
func (t *Table) Get(ctx context.Context, category string) (Stored, bool, error) {
	cctx, cancel := t.bound(ctx)
	defer cancel()
	out, err := t.api.GetItem(cctx, &dynamodb.GetItemInput{
		TableName:      aws.String(t.Name),
		Key:            map[string]types.AttributeValue{KeyAttr: &types.AttributeValueMemberS{Value: Key(category)}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return Stored{}, false, fmt.Errorf("reading %s from %s: %w", Key(category), t.uri(), err)
	}
	if out.Item == nil {
		return Stored{}, false, nil
	}
	s, err := decode(out.Item)
	if err != nil {
		return Stored{}, false, fmt.Errorf("reading %s from %s: %w", Key(category), t.uri(), err)
	}
	s.Category = category
	return s, true, nil
}

func decode(item map[string]types.AttributeValue) (Stored, error) {
	var s Stored
	n, ok := item["threshold"].(*types.AttributeValueMemberN)
	if !ok {
		return s, fmt.Errorf("attribute threshold: missing or not a number")
	}
	th, err := strconv.Atoi(n.Value)
	if err != nil || th < 0 {
		return s, fmt.Errorf("attribute threshold: %q is not a whole number of IPs", n.Value)
	}
	s.Threshold = th
	str := func(name string) string {
		if v, ok := item[name].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	s.BufferRule = str("buffer_rule")
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"window_start", &s.WindowStart}, {"window_end", &s.WindowEnd}, {"computed_at", &s.ComputedAt}} {
		if v := str(f.name); v != "" {
			tm, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return s, fmt.Errorf("attribute %s: %q is not an RFC 3339 time", f.name, v)
			}
			*f.dst = tm.UTC()
		}
	}
	if v, ok := item["plan_version"].(*types.AttributeValueMemberN); ok {
		pv, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil {
			return s, fmt.Errorf("attribute plan_version: %q is not an integer", v.Value)
		}
		s.PlanVersion = pv
	}
	if v, ok := item["subnets"].(*types.AttributeValueMemberSS); ok {
		s.Subnets = append([]string(nil), v.Value...)
		sort.Strings(s.Subnets)
	}
	return s, nil
}
