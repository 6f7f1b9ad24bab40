-- subnets: the size of every subnet described by describe-subnets (usable = 2^(32-prefix) - 5),
-- its VPC, Availability Zone and Name tag, one row per subnet. Reads: subnets.
SELECT subnet_id,
       any_value(cidr_block) AS cidr_block,
       any_value(prefix_length) AS prefix_length,
       any_value(usable_ips)::BIGINT AS usable_ips,
       any_value(vpc_id) AS vpc_id,
       any_value(name) AS name,
       any_value(availability_zone) AS availability_zone
FROM subnets
GROUP BY subnet_id
ORDER BY subnet_id;
