package diskfull

import "strconv"

// The Spark SQL listener events of the job's one SQL execution (the
// DataFrame write behind pyWriteDynamicFrame), with the keys of the real
// Spark 3.3 log testdata/realdata/spark-events/local-1642039451826:
// SQLExecutionStart (plan text and tree), with AQE on the
// SQLAdaptiveExecutionUpdates Spark posts when a query stage materialises
// and when the final plan is chosen, and SQLExecutionEnd (Spark 3.4+, so
// Glue 5.0, adds errorMessage when the execution failed).

type sqlPlanInfo struct {
	NodeName     string            `json:"nodeName"`
	SimpleString string            `json:"simpleString"`
	Children     []sqlPlanInfo     `json:"children"`
	Metadata     map[string]string `json:"metadata"`
	Metrics      []sqlMetric       `json:"metrics"`
}

type sqlMetric struct {
	Name          string `json:"name"`
	AccumulatorID int64  `json:"accumulatorId"`
	MetricType    string `json:"metricType"`
}

type sqlExecutionStart struct {
	Event                   string            `json:"Event"`
	ExecutionID             int               `json:"executionId"`
	Description             string            `json:"description"`
	Details                 string            `json:"details"`
	PhysicalPlanDescription string            `json:"physicalPlanDescription"`
	SparkPlanInfo           sqlPlanInfo       `json:"sparkPlanInfo"`
	Time                    int64             `json:"time"`
	ModifiedConfigs         map[string]string `json:"modifiedConfigs"`
}

type sqlAdaptiveUpdate struct {
	Event                   string      `json:"Event"`
	ExecutionID             int         `json:"executionId"`
	PhysicalPlanDescription string      `json:"physicalPlanDescription"`
	SparkPlanInfo           sqlPlanInfo `json:"sparkPlanInfo"`
}

type sqlExecutionEnd struct {
	Event        string `json:"Event"`
	ExecutionID  int    `json:"executionId"`
	Time         int64  `json:"time"`
	ErrorMessage string `json:"errorMessage,omitempty"`
}

const (
	sqlStartEvent  = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart"
	sqlEndEvent    = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd"
	sqlUpdateEvent = "org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate"
)

func planNode(name, simple string, metrics []sqlMetric, children ...sqlPlanInfo) sqlPlanInfo {
	if metrics == nil {
		metrics = []sqlMetric{}
	}
	if children == nil {
		children = []sqlPlanInfo{}
	}
	return sqlPlanInfo{NodeName: name, SimpleString: simple, Children: children, Metadata: map[string]string{}, Metrics: metrics}
}

// sqlPlan is the write's physical plan. stage: 0 the initial plan, 1 once
// the shuffle map stage materialised, 2 the final plan (AQE coalesces or
// keeps the partitions).
func (s *simulation) sqlPlan(stage int) (string, sqlPlanInfo) {
	p := s.p
	parts := strconv.Itoa(p.Partitions)
	scan := planNode("Scan parquet ", "FileScan parquet [order_id#0L,customer_id#1L,amount#2,order_ts#3] Batched: true, DataFilters: [], Format: Parquet",
		[]sqlMetric{{"number of files read", 400, "sum"}, {"scan time", 401, "timing"}, {"number of output rows", 402, "sum"}})
	exchange := planNode("Exchange", "Exchange hashpartitioning(customer_id#1L, "+parts+"), ENSURE_REQUIREMENTS, [plan_id=41]",
		[]sqlMetric{{"shuffle records written", 410, "sum"}, {"shuffle write time", 411, "nsTiming"}, {"spill size", 412, "size"}, {"data size", 413, "size"}},
		planNode("Project", "Project [customer_id#1L, amount#2]", nil, scan))
	text := "== Physical Plan ==\n"
	if !p.AQE {
		root := planNode("Execute InsertIntoHadoopFsRelationCommand", "Execute InsertIntoHadoopFsRelationCommand s3://orders-rollup/daily, false, Parquet", nil,
			planNode("HashAggregate", "HashAggregate(keys=[customer_id#1L], functions=[sum(amount#2)])", nil, exchange))
		text += "Execute InsertIntoHadoopFsRelationCommand (5)\n+- HashAggregate (4)\n   +- Exchange (3)\n      +- Project (2)\n         +- Scan parquet  (1)\n"
		return text, root
	}
	var inner sqlPlanInfo
	final := "false"
	switch stage {
	case 0:
		inner = planNode("HashAggregate", "HashAggregate(keys=[customer_id#1L], functions=[sum(amount#2)])", nil, exchange)
		text += "AdaptiveSparkPlan (6)\n+- Execute InsertIntoHadoopFsRelationCommand (5)\n   +- HashAggregate (4)\n      +- Exchange (3)\n         +- Project (2)\n            +- Scan parquet  (1)\n"
	default:
		stageNode := planNode("ShuffleQueryStage", "ShuffleQueryStage 0", nil, exchange)
		read := stageNode
		text += "AdaptiveSparkPlan (8)\n+- == Current Plan ==\n"
		if stage == 2 {
			final = "true"
			read = planNode("AQEShuffleRead", "AQEShuffleRead coalesced", []sqlMetric{{"number of partitions", 420, "sum"}, {"partition data size", 421, "size"}}, stageNode)
			text = "== Physical Plan ==\nAdaptiveSparkPlan (8)\n+- == Final Plan ==\n"
		}
		inner = planNode("HashAggregate", "HashAggregate(keys=[customer_id#1L], functions=[sum(amount#2)])", nil, read)
		text += "   Execute InsertIntoHadoopFsRelationCommand (7)\n   +- HashAggregate (6)\n      +- AQEShuffleRead (5)\n         +- ShuffleQueryStage (4)\n            +- Exchange (3)\n               +- Project (2)\n                  +- Scan parquet  (1)\n" +
			"+- == Initial Plan ==\n   Execute InsertIntoHadoopFsRelationCommand (5)\n   +- HashAggregate (4)\n      +- Exchange (3)\n         +- Project (2)\n            +- Scan parquet  (1)\n"
	}
	root := planNode("AdaptiveSparkPlan", "AdaptiveSparkPlan isFinalPlan="+final, nil,
		planNode("Execute InsertIntoHadoopFsRelationCommand", "Execute InsertIntoHadoopFsRelationCommand s3://orders-rollup/daily, false, Parquet", nil, inner))
	return text, root
}

// writeSQLStart adds the SQL execution's start just before its job.
func (s *simulation) writeSQLStart(w *logWriter, at int64) {
	text, plan := s.sqlPlan(0)
	w.add(at, sqlExecutionStart{Event: sqlStartEvent, ExecutionID: 0, Description: "pyWriteDynamicFrame at NativeMethodAccessorImpl.java:0",
		Details:                 "org.apache.spark.sql.DataFrameWriter.save(DataFrameWriter.scala:239)\nsun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\npy4j.commands.CallCommand.execute(CallCommand.java:79)",
		PhysicalPlanDescription: text, SparkPlanInfo: plan, Time: at, ModifiedConfigs: map[string]string{}})
}

// writeSQLStageDone adds AQE's plan update when the shuffle map stage has
// materialised (nothing without AQE).
func (s *simulation) writeSQLStageDone(w *logWriter, at int64) {
	if !s.p.AQE {
		return
	}
	text, plan := s.sqlPlan(1)
	w.add(at, sqlAdaptiveUpdate{Event: sqlUpdateEvent, ExecutionID: 0, PhysicalPlanDescription: text, SparkPlanInfo: plan})
}

// writeSQLEnd adds AQE's final plan (when the job got that far) and the
// execution's end; errMsg is the job's failure ("" when it succeeded).
func (s *simulation) writeSQLEnd(w *logWriter, at int64, errMsg string) {
	if s.p.AQE && errMsg == "" {
		text, plan := s.sqlPlan(2)
		w.add(at-1, sqlAdaptiveUpdate{Event: sqlUpdateEvent, ExecutionID: 0, PhysicalPlanDescription: text, SparkPlanInfo: plan})
	}
	end := sqlExecutionEnd{Event: sqlEndEvent, ExecutionID: 0, Time: at}
	if s.p.GlueVersion >= "5.0" {
		end.ErrorMessage = errMsg
	}
	w.add(at, end)
}
