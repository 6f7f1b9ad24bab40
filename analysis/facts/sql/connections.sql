-- connections: every Glue connection (its newest definition) with the subnet, Availability Zone and
-- security groups its PhysicalConnectionRequirements name, by name. Reads: glue_connections.
SELECT connection_name,
       connection_type,
       subnet_id,
       availability_zone,
       security_group_ids
FROM glue_connections
ORDER BY connection_name;
