-- plan subnets: the size of every described subnet (usable = 2^(32-prefix) - 5).
-- Reads: subnets.
SELECT subnet_id, cidr_block, prefix_length, usable_ips FROM subnets ORDER BY subnet_id;
