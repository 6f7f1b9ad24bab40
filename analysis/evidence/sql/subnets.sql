-- subnets: every subnet the evidence names — from describe-subnets (with its Name tag) and from
-- ENI CloudTrail records — with the records that name it. Reads: subnets, eni_events.
SELECT subnet_id, max(name) AS name, sum(events)::BIGINT AS events
FROM (
    SELECT subnet_id, name, 0 AS events FROM subnets
    UNION ALL
    SELECT subnet_id, NULL, count(*) FROM eni_events WHERE subnet_id IS NOT NULL GROUP BY subnet_id
)
GROUP BY subnet_id
ORDER BY events DESC, subnet_id;
