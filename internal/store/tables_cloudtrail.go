package store

func init() {
	registerTable(TableSpec{Row: (*CloudTrailDigest)(nil), Key: []string{"source_uri", "content_sha256"}, Policy: IgnoreDuplicates})
	registerTable(TableSpec{Row: (*CloudTrailDigestLogFile)(nil), Key: []string{"digest_uri", "digest_sha256", "position"}, Policy: IgnoreDuplicates})
	registerTable(TableSpec{Row: (*CloudTrailPublicKey)(nil), Key: []string{"fingerprint"}, Policy: IgnoreDuplicates})
}
