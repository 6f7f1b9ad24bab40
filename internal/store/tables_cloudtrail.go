package store

func init() {
	RegisterTable(TableSpec{Name: "cloudtrail_digests", Key: []string{"source_uri", "content_sha256"}, Policy: IgnoreDuplicates})
	RegisterTable(TableSpec{Name: "cloudtrail_digest_log_files", Key: []string{"digest_uri", "digest_sha256", "position"}, Policy: IgnoreDuplicates})
	RegisterTable(TableSpec{Name: "cloudtrail_public_keys", Key: []string{"fingerprint"}, Policy: IgnoreDuplicates})
}
