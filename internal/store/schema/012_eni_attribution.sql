-- 012_eni_attribution: the attribution of Glue ENI creates to job runs, materialised. The rule is the
-- view eni_attribution_rule (views/012); every ingest that loads ENI or Glue evidence rebuilds this
-- table from it, so the views that read it stay cheap on a busy account. Reads: eni_attribution_rule.
DROP VIEW IF EXISTS eni_attribution;

-- eni_attribution: one row per Glue CreateNetworkInterface call (successful or refused for lack of IPs) matched to a run.
CREATE TABLE eni_attribution (
    event_id       VARCHAR NOT NULL,  -- CloudTrail eventID of the create
    eni_id         VARCHAR,           -- ENI created (NULL for a refused create)
    job_run_id     VARCHAR NOT NULL,  -- the Glue run the create is attributed to
    method         VARCHAR NOT NULL,  -- constraints that applied, e.g. role+connection-subnet+start-window
    confidence     VARCHAR NOT NULL,  -- exact | high | ambiguous (see docs/attribution.md)
    candidate_runs INTEGER NOT NULL   -- runs inside the start window, rivals or not
);
