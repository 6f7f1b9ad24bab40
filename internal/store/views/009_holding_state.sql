-- lingering_from: the instant from which an ENI holding lingers (holds IPs for a run that has
-- completed): its run's completion (eni_holdings.run_completed_at) for a Glue run's ENI (holder
-- 'glue_run'); NULL when it never lingers in the evidence (another requester's or nobody's ENI, or a
-- run with no completion yet). A run completed at t lingers at t: lingering_from <= t.
-- Reads: nothing (a macro over eni_holdings' holder and run_completed_at).
CREATE OR REPLACE MACRO lingering_from(holder, run_completed_at) AS
    CASE WHEN holder = 'glue_run' THEN run_completed_at END;

-- holding_state: the state of an ENI holding at instant t, from who holds it and when its run
-- completed (eni_holdings.holder, run_completed_at): 'running' (a Glue run's ENI before
-- lingering_from, or its run has not completed), 'lingering' (a Glue run's ENI from lingering_from
-- on), 'non-glue' (another requester's ENI) or 'unattributed' (anything else). Every split of held
-- IPs into running and lingering (eni at, ip_exhaustion_events, subnet_occupancy_by_holder) asks it.
-- Reads: nothing (a macro over eni_holdings' holder and run_completed_at).
CREATE OR REPLACE MACRO holding_state(holder, run_completed_at, t) AS
    CASE
        WHEN lingering_from(holder, run_completed_at) <= t THEN 'lingering'
        WHEN holder = 'glue_run' THEN 'running'
        WHEN holder = 'non_glue' THEN 'non-glue'
        ELSE 'unattributed'
    END;
