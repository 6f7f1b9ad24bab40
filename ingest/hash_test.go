package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"testing"
)

// TestHashingReader: whatever the object's size and however it is read, the
// digest is SHA-256 of every byte, hashed inline or on the goroutine.
func TestHashingReader(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, hashInline - 1, hashInline, hashInline + 1, 3*hashBlock + 12345, 9*hashBlock + 7} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		hr := newHashingReader()
		hr.r = bytes.NewReader(data)
		var got []byte
		buf := make([]byte, 1<<20)
		for {
			n, err := hr.Read(buf[:1+rng.IntN(len(buf))])
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		sum := sha256.Sum256(data)
		if d := hr.sum(); d != hex.EncodeToString(sum[:]) || !bytes.Equal(got, data) || hr.n != int64(size) {
			t.Errorf("size %d: digest %s, want %x; %d bytes passed through", size, d, sum, hr.n)
		}
	}
}
