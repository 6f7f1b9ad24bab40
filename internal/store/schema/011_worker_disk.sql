-- 011_worker_disk: local disk of each AWS Glue worker type, as published, seeded once. Reads: nothing.
-- The disk_pressure view compares an executor's estimated shuffle + spill against usable_bytes of
-- the 'current' table; a user override (--worker-disk G.2X=70GB) replaces it in the analysis layer.
-- Sizes are decimal (1 GB = 10^9 bytes), as AWS writes them.

-- worker_disk: one row per (disk_table, worker_type).
CREATE TABLE worker_disk (
    disk_table   VARCHAR NOT NULL, -- 'current' (AWS Glue worker-types page, 2025/26) | 'older' (earlier API/CDK docs)
    worker_type  VARCHAR NOT NULL, -- Glue WorkerType, e.g. G.2X
    disk_bytes   BIGINT  NOT NULL, -- local disk of the worker as published
    usable_bytes BIGINT  NOT NULL, -- what shuffle and spill can use (the page's "free" figure; = disk_bytes when none is published)
    source       VARCHAR NOT NULL  -- where the figures come from
);

INSERT INTO worker_disk VALUES
    ('current', 'G.025X',   84000000000,   84000000000, 'botocore Glue JobRun.WorkerType documentation (84 GB disk; no free figure published)'),
    ('current', 'G.1X',     94000000000,   44000000000, 'https://docs.aws.amazon.com/glue/latest/dg/worker-types.html (94 GB disk, ~44 GB free)'),
    ('current', 'G.2X',    138000000000,   78000000000, 'https://docs.aws.amazon.com/glue/latest/dg/worker-types.html (138 GB disk, ~78 GB free)'),
    ('current', 'G.4X',    256000000000,  230000000000, 'https://docs.aws.amazon.com/glue/latest/dg/worker-types.html (256 GB disk, ~230 GB free)'),
    ('current', 'G.8X',    512000000000,  485000000000, 'https://docs.aws.amazon.com/glue/latest/dg/worker-types.html (512 GB disk, ~485 GB free)'),
    ('current', 'G.12X',   768000000000,  741000000000, 'https://docs.aws.amazon.com/glue/latest/dg/worker-types.html (768 GB disk, ~741 GB free)'),
    ('current', 'G.16X',  1024000000000,  996000000000, 'https://docs.aws.amazon.com/glue/latest/dg/worker-types.html (1024 GB disk, ~996 GB free)'),
    ('older',   'G.025X',   64000000000,   64000000000, 'AWS CDK aws-glue-alpha WorkerType documentation (64 GB disk)'),
    ('older',   'G.1X',     64000000000,   64000000000, 'AWS CDK aws-glue-alpha WorkerType / earlier Glue API documentation (64 GB disk)'),
    ('older',   'G.2X',    128000000000,  128000000000, 'AWS CDK aws-glue-alpha WorkerType / earlier Glue API documentation (128 GB disk)'),
    ('older',   'G.4X',    256000000000,  256000000000, 'AWS CDK aws-glue-alpha WorkerType / earlier Glue API documentation (256 GB disk)'),
    ('older',   'G.8X',    512000000000,  512000000000, 'AWS CDK aws-glue-alpha WorkerType / earlier Glue API documentation (512 GB disk)');
