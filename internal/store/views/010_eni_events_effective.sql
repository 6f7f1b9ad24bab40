-- eni_events_effective: eni_events without the records that a later corrected copy replaced
-- (CloudTrail addendum.originalEventID, reason UPDATED_DATA). Reads: eni_events.
CREATE OR REPLACE VIEW eni_events_effective AS
SELECT e.*
FROM eni_events e
WHERE NOT EXISTS (
    SELECT 1 FROM eni_events c
    WHERE c.original_event_id = e.event_id AND c.event_id <> e.event_id
);
