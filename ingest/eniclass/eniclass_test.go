package eniclass

import "testing"

func TestRequester(t *testing.T) {
	tests := []struct {
		name string
		e    Evidence
		want string
	}{
		{"glue description", Evidence{Description: "Attached to Glue using role: arn:aws:iam::123456789012:role/GlueETL"}, Glue},
		{"glue prefix", Evidence{Description: "Glue_abc"}, Glue},
		{"glue invokedBy", Evidence{InvokedBy: "glue.amazonaws.com"}, Glue},
		{"glue source ip", Evidence{SourceIP: "glue.amazonaws.com"}, Glue},
		{"glue user agent", Evidence{UserAgent: "glue.amazonaws.com"}, Glue},
		{"glue session", Evidence{Principal: "arn:aws:sts::1:assumed-role/R/GlueJobRunnerSession"}, Glue},
		{"lambda description", Evidence{Description: "AWS Lambda VPC ENI-my-fn-0d1e"}, Lambda},
		{"lambda host", Evidence{InvokedBy: "lambda.amazonaws.com"}, Lambda},
		{"lambda interface type", Evidence{InterfaceType: "lambda"}, Lambda},
		{"efs description", Evidence{Description: "EFS mount target for fs-1234567 (fsmt-1234567)"}, EFS},
		{"efs role", Evidence{Principal: "arn:aws:iam::1:role/aws-service-role/elasticfilesystem.amazonaws.com/AWSServiceRoleForAmazonElasticFileSystem", InvokedBy: "AWS Internal"}, EFS},
		{"elb", Evidence{Description: "ELB app/my-alb/50dc6c495c0c9188"}, ELB},
		{"elb requester id", Evidence{RequesterID: "amazon-elb"}, ELB},
		{"nat", Evidence{Description: "Interface for NAT Gateway nat-0123"}, NAT},
		{"vpce", Evidence{Description: "VPC Endpoint Interface vpce-0123"}, VPCE},
		{"rds", Evidence{Description: "RDSNetworkInterface"}, RDS},
		{"ecs", Evidence{Description: "arn:aws:ecs:eu-west-1:1:attachment/abc"}, ECS},
		{"description beats host", Evidence{Description: "EFS mount target for fs-1", InvokedBy: "glue.amazonaws.com"}, EFS},
		{"user ENI", Evidence{Description: "my network interface", SourceIP: "203.0.113.9", Principal: "arn:aws:iam::1:user/alice"}, Other},
		{"nothing", Evidence{}, Other},
	}
	for _, tt := range tests {
		if got := Requester(tt.e); got != tt.want {
			t.Errorf("%s: Requester = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFailure(t *testing.T) {
	tests := []struct{ code, msg, want string }{
		{"", "", ""},
		{"Client.DryRunOperation", "Request would have succeeded, but DryRun flag is set.", DryRun},
		{"DryRunOperation", "", DryRun},
		{"Client.InsufficientFreeAddressesInSubnet", "", IPExhaustion},
		{"Server.InsufficientFreeAddressesInSubnet", "", IPExhaustion},
		{"InsufficientFreeAddressesInSubnet", "", IPExhaustion},
		{"InsufficientCidrBlocks", "", IPExhaustion},
		{"Client.InvalidParameterValue", "There aren't sufficient free Ipv4 addresses or prefixes", IPExhaustion},
		{"InvalidParameterValue", "The specified subnet does not have enough free addresses to satisfy the request.", IPExhaustion},
		{"InvalidParameterValue", "Invalid value 'x' for groupId", OtherFailure},
		{"Client.UnauthorizedOperation", "free addresses", OtherFailure},
	}
	for _, tt := range tests {
		if got := Failure(tt.code, tt.msg); got != tt.want {
			t.Errorf("Failure(%q, %q) = %q, want %q", tt.code, tt.msg, got, tt.want)
		}
	}
}

func TestRunFailure(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"", ""},
		{"  ", ""},
		{"The specified subnet does not have enough free addresses to satisfy the request.", IPExhaustion},
		{"The specified subnet does not have enough free IP addresses", IPExhaustion},
		{"An error occurred while calling o97.save. java.io.IOException: No space left on device", DiskFull},
		{"An error occurred while calling o122.pyWriteDynamicFrame.  Access Denied (Service: Amazon S3; Status Code: 403)", OtherFailure},
	}
	for _, tt := range tests {
		if got := RunFailure(tt.msg); got != tt.want {
			t.Errorf("RunFailure(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

func TestRoleARN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arn:aws:sts::123456789012:assumed-role/GlueETL/GlueJobRunnerSession", "arn:aws:iam::123456789012:role/GlueETL"},
		{"arn:aws-cn:sts::123456789012:assumed-role/R/S", "arn:aws-cn:iam::123456789012:role/R"},
		{"arn:aws:iam::123456789012:role/GlueETL", "arn:aws:iam::123456789012:role/GlueETL"},
		{"arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/alice"},
		{"", ""},
		{"assumed-role/R/S", "assumed-role/R/S"},
	}
	for _, tt := range tests {
		if got := RoleARN(tt.in); got != tt.want {
			t.Errorf("RoleARN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
