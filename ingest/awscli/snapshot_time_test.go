package awscli

import (
	"testing"
	"time"
)

func TestSnapshotTime(t *testing.T) {
	tests := []struct {
		key  string
		want string // RFC 3339, or "" for no time
	}{
		{"ec2/describe-network-interfaces-20261102T0700Z.json", "2026-11-02T07:00:00Z"},
		{"ec2/describe-network-interfaces-20261102T070512Z.json", "2026-11-02T07:05:12Z"},
		{"2026/11/01/enis-2026-11-02T07:03:12Z.json", "2026-11-02T07:03:12Z"},
		{"snap-2026-11-02T0703Z.json.gz", "2026-11-02T07:03:00Z"},
		{"ec2/describe-network-interfaces.json", ""},
		{"enis-20261399T9999Z.json", ""}, // not a real time
	}
	for _, tt := range tests {
		got, ok := SnapshotTime(tt.key)
		if tt.want == "" {
			if ok {
				t.Errorf("SnapshotTime(%q) = %v, want none", tt.key, got)
			}
			continue
		}
		want, _ := time.Parse(time.RFC3339, tt.want)
		if !ok || !got.Equal(want) {
			t.Errorf("SnapshotTime(%q) = %v, %v; want %v", tt.key, got, ok, want)
		}
	}
}
