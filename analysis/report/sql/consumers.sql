-- consumers: per subnet and Glue job (non-Glue ENIs grouped by requester), the runs and ENIs whose
-- holding overlaps the window [$1, $2) (NULL = the evidence bounds) and the IP-hours they held
-- inside it, with the part held after their run had completed (lingering).
-- Reads: eni_holdings, eni_evidence_bounds.
WITH b AS (
    SELECT coalesce($1::TIMESTAMP, evidence_start) AS w_from,
           coalesce($2::TIMESTAMP, evidence_end) AS w_to
    FROM eni_evidence_bounds
),
h AS (
    SELECT e.subnet_id, e.job_name, e.requester, e.job_run_id, e.ip_count,
           greatest(e.held_from, b.w_from) AS t0,
           least(coalesce(e.held_until, b.w_to), b.w_to) AS t1,
           greatest(e.held_from, b.w_from, coalesce(e.run_completed_at, b.w_to)) AS l0
    FROM eni_holdings e, b
    WHERE e.held_from < b.w_to AND (e.held_until IS NULL OR e.held_until > b.w_from)
)
SELECT subnet_id, job_name, requester,
       count(DISTINCT job_run_id)::BIGINT AS runs,
       count(*)::BIGINT AS enis,
       coalesce(sum(ip_count * greatest(date_diff('second', t0, t1), 0)), 0) / 3600.0 AS ip_hours,
       coalesce(sum(ip_count * greatest(date_diff('second', l0, t1), 0)) FILTER (WHERE job_run_id IS NOT NULL), 0) / 3600.0 AS linger_ip_hours
FROM h
GROUP BY subnet_id, job_name, requester
ORDER BY ip_hours DESC, subnet_id, job_name NULLS LAST, requester NULLS LAST;
