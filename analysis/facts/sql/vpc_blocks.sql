-- vpc_blocks: the IPv4 CIDR blocks of every VPC described by describe-vpcs, with whether each is
-- the primary block and its association state, by VPC (primary first) and block. Reads: vpc_cidr_blocks.
SELECT vpc_id,
       cidr_block,
       is_primary,
       association_state
FROM vpc_cidr_blocks
ORDER BY vpc_id, is_primary DESC, cidr_block;
