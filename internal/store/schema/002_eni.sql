-- 002_eni: normalized evidence for ENI forensics — CloudTrail ENI calls, Glue runs, jobs,
-- connections, EC2 subnets and ENI snapshots. All timestamps are UTC.

-- eni_events: CloudTrail Create/Delete/Attach/DetachNetworkInterface calls (successes and failures),
-- one row per eventID.
CREATE TABLE eni_events (
    event_id          VARCHAR NOT NULL,  -- CloudTrail eventID (GUID)
    event_time        TIMESTAMP NOT NULL,
    event_name        VARCHAR NOT NULL,  -- CreateNetworkInterface | DeleteNetworkInterface | AttachNetworkInterface | DetachNetworkInterface
    account_id        VARCHAR,           -- recipientAccountId (else userIdentity.accountId)
    region            VARCHAR,
    subnet_id         VARCHAR,           -- create: responseElements subnet, else request subnet
    vpc_id            VARCHAR,
    availability_zone VARCHAR,
    eni_id            VARCHAR,           -- create: from the response; delete/attach/detach: from the request
    private_ip        VARCHAR,           -- primary private IP of a created ENI
    ip_count          INTEGER,           -- private IPs the ENI holds (primary + secondary); NULL when unknown
    description       VARCHAR,
    requester         VARCHAR,           -- glue | lambda | efs | elb | nat | vpce | rds | ecs | other
    role_arn          VARCHAR,           -- IAM role that made the call (session issuer), if any
    invoked_by        VARCHAR,           -- userIdentity.invokedBy
    source_ip         VARCHAR,           -- sourceIPAddress
    user_agent        VARCHAR,
    error_code        VARCHAR,
    error_message     VARCHAR,
    failure_class     VARCHAR,           -- NULL = success | ip_exhaustion | dry_run | other
    instance_id       VARCHAR,           -- attach
    attachment_id     VARCHAR,           -- attach response / detach request
    original_event_id VARCHAR,           -- addendum.originalEventID: this record corrects that one
    source_uri        VARCHAR,           -- object the record came from (first seen)
    record_index      INTEGER            -- index of the record within that object
);

-- glue_runs: Glue job runs from GetJobRuns/GetJobRun; one row per run Id, latest LastModifiedOn wins.
CREATE TABLE glue_runs (
    run_id            VARCHAR NOT NULL,
    job_name          VARCHAR,
    attempt           INTEGER,
    previous_run_id   VARCHAR,
    trigger_name      VARCHAR,
    started_on        TIMESTAMP,
    completed_on      TIMESTAMP,
    last_modified_on  TIMESTAMP,
    state             VARCHAR,
    error_message     VARCHAR,
    execution_time_s  BIGINT,
    timeout_min       BIGINT,
    max_capacity      DOUBLE,
    worker_type       VARCHAR,
    number_of_workers INTEGER,
    glue_version      VARCHAR,
    execution_class   VARCHAR,
    dpu_seconds       DOUBLE,
    arguments         VARCHAR,           -- JSON object of the run's Arguments
    failure_class     VARCHAR,           -- NULL | ip_exhaustion | disk_full | other
    source_uri        VARCHAR
);

-- glue_jobs: job definitions from GetJobs/GetJob (only what attribution and advice need).
CREATE TABLE glue_jobs (
    job_name          VARCHAR NOT NULL,
    role_arn          VARCHAR,
    worker_type       VARCHAR,
    number_of_workers INTEGER,
    max_capacity      DOUBLE,
    glue_version      VARCHAR,
    default_arguments VARCHAR,           -- JSON object
    last_modified_on  TIMESTAMP,
    source_uri        VARCHAR
);

-- glue_job_connections: the connections a job names, in order (Glue uses the first suitable one).
CREATE TABLE glue_job_connections (
    job_name        VARCHAR NOT NULL,
    position        INTEGER NOT NULL,
    connection_name VARCHAR NOT NULL
);

-- glue_connections: connections from GetConnections/GetConnection.
CREATE TABLE glue_connections (
    connection_name    VARCHAR NOT NULL,
    connection_type    VARCHAR,
    subnet_id          VARCHAR,          -- PhysicalConnectionRequirements.SubnetId
    availability_zone  VARCHAR,
    security_group_ids VARCHAR,          -- comma-separated
    last_updated       TIMESTAMP,
    source_uri         VARCHAR
);

-- subnets: EC2 DescribeSubnets output.
CREATE TABLE subnets (
    subnet_id           VARCHAR NOT NULL,
    vpc_id              VARCHAR,
    cidr_block          VARCHAR,
    prefix_length       INTEGER,
    usable_ips          INTEGER,         -- 2^(32-prefix) - 5
    available_ip_count  INTEGER,         -- AvailableIpAddressCount when the snapshot was taken
    availability_zone   VARCHAR,
    account_id          VARCHAR,         -- OwnerId
    name                VARCHAR,         -- Name tag
    source_uri          VARCHAR
);

-- eni_snapshots: ENIs that existed when a DescribeNetworkInterfaces output was taken.
CREATE TABLE eni_snapshots (
    eni_id            VARCHAR NOT NULL,
    observed_at       TIMESTAMP NOT NULL, -- when the snapshot was taken (object mtime unless known)
    subnet_id         VARCHAR,
    vpc_id            VARCHAR,
    availability_zone VARCHAR,
    status            VARCHAR,
    description       VARCHAR,
    requester         VARCHAR,
    interface_type    VARCHAR,
    requester_managed BOOLEAN,
    private_ip        VARCHAR,
    ip_count          INTEGER,
    source_uri        VARCHAR
);
