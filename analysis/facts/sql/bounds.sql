-- bounds: the span the evidence covers — the earliest and latest eventTime of any ENI CloudTrail
-- record, and the earliest Glue run start and latest run completion (else start).
-- Reads: eni_evidence_bounds, glue_runs.
SELECT b.evidence_start, b.evidence_end,
       (SELECT min(started_on) FROM glue_runs) AS runs_start,
       (SELECT max(coalesce(completed_on, started_on)) FROM glue_runs) AS runs_end
FROM eni_evidence_bounds b;
