-- bench_eni_events: __ROWS__ synthetic eni_events rows (one ENI call every 2 s from 2026-11-01,
-- 20 subnets, 10 Glue roles, 2% failed creates) for export benchmarks. Reads: nothing (range()).
INSERT INTO eni_events
SELECT
    printf('%08x-%04x-4%03x-8%03x-%012x', hash(i) % 4294967296, i % 65536, i % 4096, (i // 7) % 4096, i),
    TIMESTAMP '2026-11-01 00:00:00' + to_seconds(i * 2),
    ['CreateNetworkInterface', 'DeleteNetworkInterface', 'AttachNetworkInterface', 'DetachNetworkInterface'][1 + i % 4],
    '1234567890' || (10 + i % 3),
    ['eu-west-1', 'us-east-1'][1 + i % 2],
    'subnet-0' || lpad((i % 20)::VARCHAR, 16, '0'),
    'vpc-0' || lpad((i % 2)::VARCHAR, 16, '0'),
    ['eu-west-1a', 'eu-west-1b', 'us-east-1a'][1 + i % 3],
    'eni-0' || lpad(to_hex(i // 2), 16, '0'),
    '10.' || (i % 256) || '.' || ((i // 256) % 256) || '.' || ((i // 65536) % 256),
    1,
    'Attached to Glue using role: arn:aws:iam::123456789012:role/etl-' || (i % 10),
    'glue',
    'arn:aws:iam::123456789012:role/etl-' || (i % 10),
    'glue.amazonaws.com', 'glue.amazonaws.com', 'glue.amazonaws.com',
    CASE WHEN i % 50 = 0 THEN 'Client.InsufficientFreeAddressesInSubnet' END,
    CASE WHEN i % 50 = 0 THEN 'The specified subnet does not have enough free addresses to satisfy the request.' END,
    CASE WHEN i % 50 = 0 THEN 'ip_exhaustion' END,
    NULL, NULL, NULL,
    's3://trail/AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/01/123456789012_CloudTrail_eu-west-1_' || (i // 300) || '.json.gz',
    (i % 300)::INTEGER
FROM range(__ROWS__) t(i)
