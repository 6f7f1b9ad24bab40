package testutil

import (
	"bytes"
	"os"
	"testing"
)

// RSTOutputs returns the literal blocks that follow "Output::" in an AWS CLI
// example file (reStructuredText), de-indented: the JSON the CLI printed.
func RSTOutputs(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(data, []byte("\n"))
	var blocks [][]byte
	for i := 0; i < len(lines); i++ {
		if !bytes.Equal(bytes.TrimSpace(lines[i]), []byte("Output::")) {
			continue
		}
		var block [][]byte
		indent := -1
		j := i + 1
		for ; j < len(lines); j++ {
			l := lines[j]
			if len(bytes.TrimSpace(l)) == 0 {
				block = append(block, nil)
				continue
			}
			n := len(l) - len(bytes.TrimLeft(l, " "))
			if n == 0 {
				break
			}
			if indent < 0 || n < indent {
				indent = n
			}
			block = append(block, l)
		}
		for k, l := range block {
			if len(l) >= indent {
				block[k] = l[indent:]
			}
		}
		blocks = append(blocks, bytes.TrimSpace(bytes.Join(block, []byte("\n"))))
		i = j - 1
	}
	return blocks
}
