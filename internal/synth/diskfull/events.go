package diskfull

// The Spark 3.3 SparkListener events the generators write, as Go structs
// whose field order and JSON names follow Spark's JsonProtocol (checked
// against the real 3.3 log testdata/realdata/spark-events/local-1642039451826).
// encoding/json keeps struct field order, so every line is byte-stable.

type logStart struct {
	Event        string `json:"Event"`
	SparkVersion string `json:"Spark Version"`
}

type resourceRequest struct {
	ResourceName    string `json:"Resource Name"`
	Amount          int64  `json:"Amount"`
	DiscoveryScript string `json:"Discovery Script"`
	Vendor          string `json:"Vendor"`
}

type taskResourceRequest struct {
	ResourceName string  `json:"Resource Name"`
	Amount       float64 `json:"Amount"`
}

type resourceProfileAdded struct {
	Event                    string                         `json:"Event"`
	ResourceProfileID        int                            `json:"Resource Profile Id"`
	ExecutorResourceRequests map[string]resourceRequest     `json:"Executor Resource Requests"`
	TaskResourceRequests     map[string]taskResourceRequest `json:"Task Resource Requests"`
}

type environmentUpdate struct {
	Event             string            `json:"Event"`
	JVMInformation    map[string]string `json:"JVM Information"`
	SparkProperties   map[string]string `json:"Spark Properties"`
	HadoopProperties  map[string]string `json:"Hadoop Properties"`
	SystemProperties  map[string]string `json:"System Properties"`
	ClasspathEntries  map[string]string `json:"Classpath Entries"`
	MetricsProperties map[string]string `json:"Metrics Properties,omitempty"`
}

type applicationStart struct {
	Event     string `json:"Event"`
	AppName   string `json:"App Name"`
	AppID     string `json:"App ID"`
	Timestamp int64  `json:"Timestamp"`
	User      string `json:"User"`
}

type applicationEnd struct {
	Event     string `json:"Event"`
	Timestamp int64  `json:"Timestamp"`
}

type executorInfo struct {
	Host              string            `json:"Host"`
	TotalCores        int               `json:"Total Cores"`
	LogUrls           map[string]string `json:"Log Urls"`
	Attributes        map[string]string `json:"Attributes"`
	Resources         map[string]string `json:"Resources"`
	ResourceProfileID int               `json:"Resource Profile Id"`
}

type executorAdded struct {
	Event        string       `json:"Event"`
	Timestamp    int64        `json:"Timestamp"`
	ExecutorID   string       `json:"Executor ID"`
	ExecutorInfo executorInfo `json:"Executor Info"`
}

type executorRemoved struct {
	Event         string `json:"Event"`
	Timestamp     int64  `json:"Timestamp"`
	ExecutorID    string `json:"Executor ID"`
	RemovedReason string `json:"Removed Reason"`
}

type blockManagerID struct {
	ExecutorID string `json:"Executor ID"`
	Host       string `json:"Host"`
	Port       int    `json:"Port"`
}

type blockManagerAdded struct {
	Event               string         `json:"Event"`
	BlockManagerID      blockManagerID `json:"Block Manager ID"`
	MaximumMemory       int64          `json:"Maximum Memory"`
	Timestamp           int64          `json:"Timestamp"`
	MaximumOnheapMemory int64          `json:"Maximum Onheap Memory"`
	MaxOffheapMemory    int64          `json:"Maximum Offheap Memory"`
}

type storageLevel struct {
	UseDisk      bool `json:"Use Disk"`
	UseMemory    bool `json:"Use Memory"`
	Deserialized bool `json:"Deserialized"`
	Replication  int  `json:"Replication"`
}

type rddInfo struct {
	RDDID                    int          `json:"RDD ID"`
	Name                     string       `json:"Name"`
	Scope                    string       `json:"Scope"`
	Callsite                 string       `json:"Callsite"`
	ParentIDs                []int        `json:"Parent IDs"`
	StorageLevel             storageLevel `json:"Storage Level"`
	Barrier                  bool         `json:"Barrier"`
	DeterministicLevel       string       `json:"DeterministicLevel"`
	NumberOfPartitions       int          `json:"Number of Partitions"`
	NumberOfCachedPartitions int          `json:"Number of Cached Partitions"`
	MemorySize               int64        `json:"Memory Size"`
	DiskSize                 int64        `json:"Disk Size"`
}

type stageInfo struct {
	StageID           int           `json:"Stage ID"`
	StageAttemptID    int           `json:"Stage Attempt ID"`
	StageName         string        `json:"Stage Name"`
	NumberOfTasks     int           `json:"Number of Tasks"`
	RDDInfo           []rddInfo     `json:"RDD Info"`
	ParentIDs         []int         `json:"Parent IDs"`
	Details           string        `json:"Details"`
	SubmissionTime    int64         `json:"Submission Time,omitempty"`
	CompletionTime    int64         `json:"Completion Time,omitempty"`
	FailureReason     string        `json:"Failure Reason,omitempty"`
	Accumulables      []accumulable `json:"Accumulables"`
	ResourceProfileID int           `json:"Resource Profile Id"`
}

type jobStart struct {
	Event          string            `json:"Event"`
	JobID          int               `json:"Job ID"`
	SubmissionTime int64             `json:"Submission Time"`
	StageInfos     []stageInfo       `json:"Stage Infos"`
	StageIDs       []int             `json:"Stage IDs"`
	Properties     map[string]string `json:"Properties"`
}

type jobException struct {
	Message    string `json:"Message"`
	StackTrace []any  `json:"Stack Trace"`
}

type jobResult struct {
	Result    string        `json:"Result"`
	Exception *jobException `json:"Exception,omitempty"`
}

type jobEnd struct {
	Event          string    `json:"Event"`
	JobID          int       `json:"Job ID"`
	CompletionTime int64     `json:"Completion Time"`
	JobResult      jobResult `json:"Job Result"`
}

type stageSubmitted struct {
	Event      string            `json:"Event"`
	StageInfo  stageInfo         `json:"Stage Info"`
	Properties map[string]string `json:"Properties"`
}

type stageCompleted struct {
	Event     string    `json:"Event"`
	StageInfo stageInfo `json:"Stage Info"`
}

type accumulable struct {
	ID                int64  `json:"ID"`
	Name              string `json:"Name"`
	Update            *int64 `json:"Update,omitempty"`
	Value             int64  `json:"Value"`
	Internal          bool   `json:"Internal"`
	CountFailedValues bool   `json:"Count Failed Values"`
}

type taskInfo struct {
	TaskID            int64         `json:"Task ID"`
	Index             int           `json:"Index"`
	Attempt           int           `json:"Attempt"`
	PartitionID       int           `json:"Partition ID"`
	LaunchTime        int64         `json:"Launch Time"`
	ExecutorID        string        `json:"Executor ID"`
	Host              string        `json:"Host"`
	Locality          string        `json:"Locality"`
	Speculative       bool          `json:"Speculative"`
	GettingResultTime int64         `json:"Getting Result Time"`
	FinishTime        int64         `json:"Finish Time"`
	Failed            bool          `json:"Failed"`
	Killed            bool          `json:"Killed"`
	Accumulables      []accumulable `json:"Accumulables"`
}

type taskStart struct {
	Event          string   `json:"Event"`
	StageID        int      `json:"Stage ID"`
	StageAttemptID int      `json:"Stage Attempt ID"`
	TaskInfo       taskInfo `json:"Task Info"`
}

type stackFrame struct {
	DeclaringClass string `json:"Declaring Class"`
	MethodName     string `json:"Method Name"`
	FileName       string `json:"File Name"`
	LineNumber     int    `json:"Line Number"`
}

// taskEndReason covers the reasons the generators write: Success,
// ExceptionFailure and TaskKilled (unused fields are omitted).
type taskEndReason struct {
	Reason             string        `json:"Reason"`
	ClassName          string        `json:"Class Name,omitempty"`
	Description        string        `json:"Description,omitempty"`
	StackTrace         []stackFrame  `json:"Stack Trace,omitempty"`
	FullStackTrace     string        `json:"Full Stack Trace,omitempty"`
	KillReason         string        `json:"Kill Reason,omitempty"`
	AccumulatorUpdates []accumulable `json:"Accumulator Updates,omitempty"`
}

type shuffleReadMetrics struct {
	RemoteBlocksFetched   int64 `json:"Remote Blocks Fetched"`
	LocalBlocksFetched    int64 `json:"Local Blocks Fetched"`
	FetchWaitTime         int64 `json:"Fetch Wait Time"`
	RemoteBytesRead       int64 `json:"Remote Bytes Read"`
	RemoteBytesReadToDisk int64 `json:"Remote Bytes Read To Disk"`
	LocalBytesRead        int64 `json:"Local Bytes Read"`
	TotalRecordsRead      int64 `json:"Total Records Read"`
	// Spark 3.5 (Glue 5.0) writes these too, as in the real 3.5.3 log
	// nds_q72_dataproc_2_2.zstd; the 3.3 writer does not.
	RemoteRequestsDuration *int64            `json:"Remote Requests Duration,omitempty"`
	PushBasedShuffle       *pushBasedShuffle `json:"Push Based Shuffle,omitempty"`
}

// pushBasedShuffle is Spark 3.5's push-based shuffle read metrics: all
// zero on Glue, which does not enable push-based shuffle.
type pushBasedShuffle struct {
	CorruptMergedBlockChunks     int64 `json:"Corrupt Merged Block Chunks"`
	MergedFetchFallbackCount     int64 `json:"Merged Fetch Fallback Count"`
	MergedRemoteBlocksFetched    int64 `json:"Merged Remote Blocks Fetched"`
	MergedLocalBlocksFetched     int64 `json:"Merged Local Blocks Fetched"`
	MergedRemoteChunksFetched    int64 `json:"Merged Remote Chunks Fetched"`
	MergedLocalChunksFetched     int64 `json:"Merged Local Chunks Fetched"`
	MergedRemoteBytesRead        int64 `json:"Merged Remote Bytes Read"`
	MergedLocalBytesRead         int64 `json:"Merged Local Bytes Read"`
	MergedRemoteRequestsDuration int64 `json:"Merged Remote Requests Duration"`
}

type shuffleWriteMetrics struct {
	ShuffleBytesWritten   int64 `json:"Shuffle Bytes Written"`
	ShuffleWriteTime      int64 `json:"Shuffle Write Time"`
	ShuffleRecordsWritten int64 `json:"Shuffle Records Written"`
}

type inputMetrics struct {
	BytesRead   int64 `json:"Bytes Read"`
	RecordsRead int64 `json:"Records Read"`
}

type outputMetrics struct {
	BytesWritten   int64 `json:"Bytes Written"`
	RecordsWritten int64 `json:"Records Written"`
}

type taskMetrics struct {
	ExecutorDeserializeTime    int64               `json:"Executor Deserialize Time"`
	ExecutorDeserializeCPUTime int64               `json:"Executor Deserialize CPU Time"`
	ExecutorRunTime            int64               `json:"Executor Run Time"`
	ExecutorCPUTime            int64               `json:"Executor CPU Time"`
	PeakExecutionMemory        int64               `json:"Peak Execution Memory"`
	ResultSize                 int64               `json:"Result Size"`
	JVMGCTime                  int64               `json:"JVM GC Time"`
	ResultSerializationTime    int64               `json:"Result Serialization Time"`
	MemoryBytesSpilled         int64               `json:"Memory Bytes Spilled"`
	DiskBytesSpilled           int64               `json:"Disk Bytes Spilled"`
	ShuffleReadMetrics         shuffleReadMetrics  `json:"Shuffle Read Metrics"`
	ShuffleWriteMetrics        shuffleWriteMetrics `json:"Shuffle Write Metrics"`
	InputMetrics               inputMetrics        `json:"Input Metrics"`
	OutputMetrics              outputMetrics       `json:"Output Metrics"`
	UpdatedBlocks              []any               `json:"Updated Blocks"`
}

type taskEnd struct {
	Event               string          `json:"Event"`
	StageID             int             `json:"Stage ID"`
	StageAttemptID      int             `json:"Stage Attempt ID"`
	TaskType            string          `json:"Task Type"`
	TaskEndReason       taskEndReason   `json:"Task End Reason"`
	TaskInfo            taskInfo        `json:"Task Info"`
	TaskExecutorMetrics executorMetrics `json:"Task Executor Metrics"`
	TaskMetrics         *taskMetrics    `json:"Task Metrics"`
}

type executorMetrics struct {
	JVMHeapMemory              int64 `json:"JVMHeapMemory"`
	JVMOffHeapMemory           int64 `json:"JVMOffHeapMemory"`
	OnHeapExecutionMemory      int64 `json:"OnHeapExecutionMemory"`
	OffHeapExecutionMemory     int64 `json:"OffHeapExecutionMemory"`
	OnHeapStorageMemory        int64 `json:"OnHeapStorageMemory"`
	OffHeapStorageMemory       int64 `json:"OffHeapStorageMemory"`
	OnHeapUnifiedMemory        int64 `json:"OnHeapUnifiedMemory"`
	OffHeapUnifiedMemory       int64 `json:"OffHeapUnifiedMemory"`
	DirectPoolMemory           int64 `json:"DirectPoolMemory"`
	MappedPoolMemory           int64 `json:"MappedPoolMemory"`
	ProcessTreeJVMVMemory      int64 `json:"ProcessTreeJVMVMemory"`
	ProcessTreeJVMRSSMemory    int64 `json:"ProcessTreeJVMRSSMemory"`
	ProcessTreePythonVMemory   int64 `json:"ProcessTreePythonVMemory"`
	ProcessTreePythonRSSMemory int64 `json:"ProcessTreePythonRSSMemory"`
	ProcessTreeOtherVMemory    int64 `json:"ProcessTreeOtherVMemory"`
	ProcessTreeOtherRSSMemory  int64 `json:"ProcessTreeOtherRSSMemory"`
	MinorGCCount               int64 `json:"MinorGCCount"`
	MinorGCTime                int64 `json:"MinorGCTime"`
	MajorGCCount               int64 `json:"MajorGCCount"`
	MajorGCTime                int64 `json:"MajorGCTime"`
	TotalGCTime                int64 `json:"TotalGCTime"`
}
