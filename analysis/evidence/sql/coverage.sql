-- coverage: what the database covers per source and scope, earliest first. Reads: evidence_coverage.
SELECT source, scope, first_at, last_at, objects, records
FROM evidence_coverage
ORDER BY source, scope;
