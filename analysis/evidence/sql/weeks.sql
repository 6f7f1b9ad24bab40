-- weeks: the ISO weeks (YYYY-Www, Monday 00:00 UTC) the evidence speaks for — with an ENI
-- CloudTrail record or a Glue run start — newest first, with how many of each they hold.
-- Reads: eni_events, glue_runs.
SELECT week AS id, sum(events)::BIGINT || ' ENI events, ' || sum(runs)::BIGINT || ' runs' AS description
FROM (
    SELECT strftime(event_time, '%G-W%V') AS week, 1 AS events, 0 AS runs FROM eni_events
    UNION ALL
    SELECT strftime(started_on, '%G-W%V'), 0, 1 FROM glue_runs WHERE started_on IS NOT NULL
)
GROUP BY week
ORDER BY week DESC;
