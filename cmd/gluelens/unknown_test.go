package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// A typo'd subcommand is a usage error (exit 2) naming the choices; a
// group alone still prints its help and exits 0.
func TestUnknownSubcommand(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"eni", "subnet"}, exitUsage, `unknown command "subnet" for "gluelens eni" (one of: at, exhaustion, lifetimes, subnets)`},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate" for "gluelens"`},
		{[]string{"report", "incidnet"}, exitUsage, `unknown command "incidnet" for "gluelens report"`},
		{[]string{"eni"}, exitOK, ""},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), c.args, strings.NewReader(""), &out, &errOut)
		if code != c.code || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut.String(), c.code, c.want)
		}
		if c.code == exitOK && !strings.Contains(out.String(), "Available Commands") {
			t.Errorf("%q printed no help: %q", c.args, out.String())
		}
	}
}
