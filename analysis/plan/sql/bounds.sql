-- plan bounds: the time span the ENI evidence covers (earliest and latest eventTime of any ENI
-- CloudTrail record). Reads: eni_evidence_bounds.
SELECT evidence_start, evidence_end FROM eni_evidence_bounds;
