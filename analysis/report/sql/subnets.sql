-- subnets: the size of every subnet described by describe-subnets. Reads: subnets.
SELECT subnet_id, any_value(cidr_block) AS cidr_block, any_value(usable_ips)::BIGINT AS usable_ips
FROM subnets
GROUP BY subnet_id
ORDER BY subnet_id;
