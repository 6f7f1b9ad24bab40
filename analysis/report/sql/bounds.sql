-- bounds: the span the evidence covers — earliest and latest ENI CloudTrail eventTime, and the
-- earliest and latest Glue run start. Reads: eni_evidence_bounds, glue_runs.
SELECT b.evidence_start, b.evidence_end,
       (SELECT min(started_on) FROM glue_runs) AS runs_start,
       (SELECT max(coalesce(completed_on, started_on)) FROM glue_runs) AS runs_end
FROM eni_evidence_bounds b;
