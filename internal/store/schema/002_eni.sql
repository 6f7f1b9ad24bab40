-- 002_eni: normalized evidence for ENI forensics — CloudTrail ENI calls, Glue runs, jobs,
-- connections, EC2 subnets and ENI snapshots. All timestamps are UTC.

-- eni_events: CloudTrail Create/Delete/Attach/DetachNetworkInterface calls (successes and failures),
-- one row per eventID.
CREATE TABLE eni_events (
    event_id          VARCHAR NOT NULL,  -- CloudTrail eventID (GUID)
    event_time        TIMESTAMP NOT NULL,  -- eventTime (UTC, second precision)
    event_name        VARCHAR NOT NULL,  -- CreateNetworkInterface | DeleteNetworkInterface | AttachNetworkInterface | DetachNetworkInterface
    account_id        VARCHAR,           -- recipientAccountId (else userIdentity.accountId)
    region            VARCHAR,  -- awsRegion
    subnet_id         VARCHAR,           -- create: responseElements subnet, else request subnet
    vpc_id            VARCHAR,  -- VPC of a created ENI
    availability_zone VARCHAR,  -- AZ of a created ENI
    eni_id            VARCHAR,           -- create: from the response; delete/attach/detach: from the request
    private_ip        VARCHAR,           -- primary private IP of a created ENI
    ip_count          INTEGER,           -- private IPs the ENI holds (primary + secondary); NULL when unknown
    description       VARCHAR,  -- ENI description (response, else request)
    requester         VARCHAR,           -- glue | lambda | efs | elb | nat | vpce | rds | ecs | other
    role_arn          VARCHAR,           -- IAM role that made the call (session issuer), if any
    invoked_by        VARCHAR,           -- userIdentity.invokedBy
    source_ip         VARCHAR,           -- sourceIPAddress
    user_agent        VARCHAR,  -- userAgent
    error_code        VARCHAR,  -- errorCode (e.g. Client.InsufficientFreeAddressesInSubnet); NULL on success
    error_message     VARCHAR,  -- errorMessage
    failure_class     VARCHAR,           -- NULL = success | ip_exhaustion | dry_run | other
    instance_id       VARCHAR,           -- attach
    attachment_id     VARCHAR,           -- attach response / detach request
    original_event_id VARCHAR,           -- addendum.originalEventID: this record corrects that one
    source_uri        VARCHAR,           -- object the record came from (first seen)
    record_index      INTEGER            -- index of the record within that object
);

-- glue_runs: Glue job runs from GetJobRuns/GetJobRun; one row per run Id, latest LastModifiedOn wins.
CREATE TABLE glue_runs (
    run_id            VARCHAR NOT NULL,  -- JobRun Id (jr_… ; retries end in _attempt_N)
    job_name          VARCHAR,  -- JobName
    attempt           INTEGER,  -- Attempt (0 for the first run)
    previous_run_id   VARCHAR,  -- PreviousRunId: the run this one retried
    trigger_name      VARCHAR,  -- TriggerName
    started_on        TIMESTAMP,  -- StartedOn
    completed_on      TIMESTAMP,  -- CompletedOn (NULL while running)
    last_modified_on  TIMESTAMP,  -- LastModifiedOn: the newest copy of a run wins
    state             VARCHAR,  -- JobRunState: SUCCEEDED, FAILED, RUNNING, …
    error_message     VARCHAR,  -- ErrorMessage as Glue wrote it
    execution_time_s  BIGINT,  -- ExecutionTime in seconds
    timeout_min       BIGINT,  -- Timeout in minutes
    max_capacity      DOUBLE,  -- MaxCapacity (DPUs)
    worker_type       VARCHAR,  -- WorkerType: G.1X, G.2X, …
    number_of_workers INTEGER,  -- NumberOfWorkers: about one ENI (one IP) each
    glue_version      VARCHAR,  -- GlueVersion
    execution_class   VARCHAR,  -- ExecutionClass: STANDARD or FLEX
    dpu_seconds       DOUBLE,  -- DPUSeconds (FLEX / auto scaling runs)
    arguments         VARCHAR,           -- JSON object of the run's Arguments
    failure_class     VARCHAR,           -- NULL | ip_exhaustion | disk_full | other
    source_uri        VARCHAR  -- object the row came from
);

-- glue_jobs: job definitions from GetJobs/GetJob (only what attribution and advice need).
CREATE TABLE glue_jobs (
    job_name          VARCHAR NOT NULL,  -- Name
    role_arn          VARCHAR,  -- Role as given (a name or an ARN)
    worker_type       VARCHAR,  -- WorkerType
    number_of_workers INTEGER,  -- NumberOfWorkers
    max_capacity      DOUBLE,  -- MaxCapacity
    glue_version      VARCHAR,  -- GlueVersion
    default_arguments VARCHAR,           -- JSON object
    last_modified_on  TIMESTAMP,  -- LastModifiedOn: the newest definition wins
    source_uri        VARCHAR  -- object the row came from
);

-- glue_job_connections: the connections a job names, in order (Glue uses the first suitable one).
CREATE TABLE glue_job_connections (
    job_name        VARCHAR NOT NULL,  -- job that names the connection
    position        INTEGER NOT NULL,  -- 0-based position in Connections.Connections
    connection_name VARCHAR NOT NULL  -- connection name
);

-- glue_connections: connections from GetConnections/GetConnection.
CREATE TABLE glue_connections (
    connection_name    VARCHAR NOT NULL,  -- Name
    connection_type    VARCHAR,  -- ConnectionType (JDBC, NETWORK, …)
    subnet_id          VARCHAR,          -- PhysicalConnectionRequirements.SubnetId
    availability_zone  VARCHAR,  -- PhysicalConnectionRequirements.AvailabilityZone
    security_group_ids VARCHAR,          -- comma-separated
    last_updated       TIMESTAMP,  -- LastUpdatedTime: the newest definition wins
    source_uri         VARCHAR  -- object the row came from
);

-- subnets: EC2 DescribeSubnets output.
CREATE TABLE subnets (
    subnet_id           VARCHAR NOT NULL,  -- SubnetId
    vpc_id              VARCHAR,  -- VpcId
    cidr_block          VARCHAR,  -- CidrBlock
    prefix_length       INTEGER,  -- the /N of the CIDR
    usable_ips          INTEGER,         -- 2^(32-prefix) - 5
    available_ip_count  INTEGER,         -- AvailableIpAddressCount when the snapshot was taken
    availability_zone   VARCHAR,  -- AvailabilityZone
    account_id          VARCHAR,         -- OwnerId
    name                VARCHAR,         -- Name tag
    source_uri          VARCHAR  -- object the row came from
);

-- eni_snapshots: ENIs that existed when a DescribeNetworkInterfaces output was taken.
CREATE TABLE eni_snapshots (
    eni_id            VARCHAR NOT NULL,  -- NetworkInterfaceId
    observed_at       TIMESTAMP NOT NULL, -- when the snapshot was taken (object mtime unless known)
    subnet_id         VARCHAR,  -- SubnetId
    vpc_id            VARCHAR,  -- VpcId
    availability_zone VARCHAR,  -- AvailabilityZone
    status            VARCHAR,  -- Status: in-use, available, …
    description       VARCHAR,  -- Description
    requester         VARCHAR,  -- glue | lambda | efs | elb | nat | vpce | rds | ecs | other (from description and requester fields)
    interface_type    VARCHAR,  -- InterfaceType
    requester_managed BOOLEAN,  -- RequesterManaged
    private_ip        VARCHAR,  -- PrivateIpAddress
    ip_count          INTEGER,  -- number of PrivateIpAddresses
    source_uri        VARCHAR  -- object the row came from
);
