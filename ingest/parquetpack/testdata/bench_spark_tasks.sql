-- bench_spark_tasks: __ROWS__ synthetic spark_tasks rows (100,000 tasks per application, 40
-- executors, one task launched every 50 ms, full metrics) for export benchmarks. Reads: nothing.
INSERT INTO spark_tasks
SELECT
    'application_1700000000000_' || lpad((i // 100000)::VARCHAR, 4, '0'),
    '',
    i,
    ((i // 1000) % 500)::INTEGER, 0, (i % 1000)::INTEGER, 0, (i % 1000)::INTEGER,
    ((i % 40) + 1)::VARCHAR,
    '10.0.' || (i % 40) || '.7',
    TIMESTAMP '2026-11-01 00:00:00' + to_milliseconds(i * 50),
    TIMESTAMP '2026-11-01 00:00:00' + to_milliseconds(i * 50 + 1000 + (hash(i) % 60000)::BIGINT),
    CASE WHEN i % 3 = 0 THEN 'ResultTask' ELSE 'ShuffleMapTask' END,
    CASE WHEN i % 997 = 0 THEN 'ExceptionFailure' ELSE 'Success' END,
    i % 997 = 0, false, false,
    CASE WHEN i % 997 = 0 THEN 'java.io.IOException: No space left on device' END,
    true,
    (hash(i) % 60000)::BIGINT, (hash(i + 1) % 60000000000)::BIGINT, (hash(i + 2) % 2000)::BIGINT,
    (hash(i + 3) % 10000)::BIGINT, (hash(i + 4) % 4294967296)::BIGINT,
    CASE WHEN i % 10 = 0 THEN (hash(i + 5) % 4294967296)::BIGINT ELSE 0 END,
    CASE WHEN i % 10 = 0 THEN (hash(i + 6) % 1073741824)::BIGINT ELSE 0 END,
    (hash(i + 7) % 268435456)::BIGINT, (hash(i + 8) % 1000000)::BIGINT, (hash(i + 9) % 1000000000)::BIGINT,
    (hash(i + 10) % 268435456)::BIGINT, (hash(i + 11) % 268435456)::BIGINT, 0::BIGINT, (hash(i + 12) % 1000000)::BIGINT,
    (hash(i + 13) % 134217728)::BIGINT, (hash(i + 14) % 1000000)::BIGINT, 0::BIGINT, 0::BIGINT,
    123456
FROM range(__ROWS__) t(i)
