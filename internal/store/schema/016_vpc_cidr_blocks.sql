-- 016_vpc_cidr_blocks: the IPv4 CIDR blocks of each VPC, from `aws ec2 describe-vpcs` output, so
-- subnet advice can name free blocks: a VPC's blocks less its subnets' (the subnets table).

-- vpc_cidr_blocks: EC2 DescribeVpcs output, one row per VPC and IPv4 block (the primary CidrBlock and each block of CidrBlockAssociationSet).
CREATE TABLE vpc_cidr_blocks (
    vpc_id             VARCHAR NOT NULL,  -- VpcId
    cidr_block         VARCHAR NOT NULL,  -- the IPv4 block as written (10.20.0.0/16)
    is_primary         BOOLEAN NOT NULL,  -- the VPC's CidrBlock (the block it was created with)
    association_state  VARCHAR,           -- CidrBlockAssociationSet[].CidrBlockState.State: associated | associating | disassociating | disassociated | failing | failed; NULL when not listed
    account_id         VARCHAR,           -- OwnerId
    name               VARCHAR,           -- the VPC's Name tag
    source_uri         VARCHAR            -- object the row came from
);
