-- public_keys: the keys CloudTrail signs digests with, from list-public-keys output.
-- Reads: cloudtrail_public_keys.
SELECT fingerprint, public_key
FROM cloudtrail_public_keys
ORDER BY fingerprint
