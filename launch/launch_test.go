package launch

import "testing"

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		threshold, available, reserved int
		launch                         bool
		headroom                       int
		reason                         string
	}{
		{40, 45, 0, true, 45, "45 free IPs ≥ threshold 40"},
		{40, 40, 0, true, 40, "40 free IPs ≥ threshold 40"}, // at least the threshold: equal launches
		{40, 39, 0, false, 39, "39 free IPs < threshold 40: wait for 1 more"},
		{40, 45, 10, false, 35, "35 free IPs after 10 reserved < threshold 40: wait for 5 more"},
		{12, 22, 10, true, 12, "12 free IPs after 10 reserved ≥ threshold 12"},
		{0, 0, 0, true, 0, "0 free IPs ≥ threshold 0"},
		{1, 0, 0, false, 0, "0 free IPs < threshold 1: wait for 1 more"},
	} {
		d := Decide(tc.threshold, tc.available, tc.reserved)
		if d.Launch != tc.launch || d.Headroom != tc.headroom || d.Reason != tc.reason {
			t.Errorf("Decide(%d, %d, %d) = %+v", tc.threshold, tc.available, tc.reserved, d)
		}
	}
}
