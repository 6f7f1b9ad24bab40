// Package codectest writes the compressed framings Spark uses for event
// logs (lz4-java LZ4Block, snappy-java, ning LZF), so tests can build
// compressed logs from real plain ones. The compression itself is done by
// the libraries (pierrec/lz4, golang/snappy); only LZF, which has no
// maintained Go module, is compressed by CompressLZF here.
package codectest

import (
	"bytes"
	"encoding/binary"

	"github.com/OneOfOne/xxhash"
	"github.com/golang/snappy"
	"github.com/pierrec/lz4/v4"
)

// LZ4Options shape an LZ4Block stream.
type LZ4Options struct {
	BlockSize int  // power of two ≥ 1 KiB; 0 means 32 KiB (Spark's default)
	Raw       bool // store every block uncompressed (method 0x10)
	NoEnd     bool // omit the end-of-stream block, as an in-progress file does
}

// LZ4Block frames data as lz4-java's LZ4BlockOutputStream does and returns
// the stream and the offsets at which each block header starts.
func LZ4Block(data []byte, opt LZ4Options) ([]byte, []int) {
	bs := opt.BlockSize
	if bs == 0 {
		bs = 32 << 10
	}
	level := 0
	for 1<<(level+10) < bs {
		level++
	}
	var out bytes.Buffer
	var offsets []int
	comp := make([]byte, lz4.CompressBlockBound(bs))
	var c lz4.Compressor
	for len(data) > 0 {
		n := min(bs, len(data))
		blk := data[:n]
		data = data[n:]
		method, payload := byte(0x10), blk
		if !opt.Raw {
			if cn, err := c.CompressBlock(blk, comp); err == nil && cn > 0 && cn < n {
				method, payload = 0x20, comp[:cn]
			}
		}
		offsets = append(offsets, out.Len())
		out.WriteString("LZ4Block")
		out.WriteByte(method | byte(level))
		out.Write(le32(uint32(len(payload))))
		out.Write(le32(uint32(n)))
		out.Write(le32(xxhash.Checksum32S(blk, 0x9747b28c) & 0x0FFFFFFF))
		out.Write(payload)
	}
	if !opt.NoEnd {
		offsets = append(offsets, out.Len())
		out.WriteString("LZ4Block")
		out.WriteByte(0x10 | byte(level))
		out.Write(make([]byte, 12))
	}
	return out.Bytes(), offsets
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// SnappyJava frames data as snappy-java's SnappyOutputStream does, in blocks
// of blockSize (0 means 32 KiB), and returns the stream and the offsets at
// which each block (its length word) starts.
func SnappyJava(data []byte, blockSize int) ([]byte, []int) {
	if blockSize == 0 {
		blockSize = 32 << 10
	}
	var out bytes.Buffer
	out.WriteString("\x82SNAPPY\x00")
	out.Write(binary.BigEndian.AppendUint32(nil, 1))
	out.Write(binary.BigEndian.AppendUint32(nil, 1))
	var offsets []int
	for len(data) > 0 {
		n := min(blockSize, len(data))
		enc := snappy.Encode(nil, data[:n])
		data = data[n:]
		offsets = append(offsets, out.Len())
		out.Write(binary.BigEndian.AppendUint32(nil, uint32(len(enc))))
		out.Write(enc)
	}
	return out.Bytes(), offsets
}

// LZF frames data as ning-compress's LZFOutputStream does: chunks of at most
// chunkSize (0 means 65,535) bytes, compressed unless that does not shrink
// them or stored is set. It returns the stream and each chunk's offset.
func LZF(data []byte, chunkSize int, stored bool) ([]byte, []int) {
	if chunkSize == 0 || chunkSize > 0xFFFF {
		chunkSize = 0xFFFF
	}
	var out bytes.Buffer
	var offsets []int
	for len(data) > 0 {
		n := min(chunkSize, len(data))
		blk := data[:n]
		data = data[n:]
		offsets = append(offsets, out.Len())
		if c := CompressLZF(blk); !stored && len(c) < n {
			out.Write([]byte{'Z', 'V', 1})
			out.Write(binary.BigEndian.AppendUint16(nil, uint16(len(c))))
			out.Write(binary.BigEndian.AppendUint16(nil, uint16(n)))
			out.Write(c)
			continue
		}
		out.Write([]byte{'Z', 'V', 0})
		out.Write(binary.BigEndian.AppendUint16(nil, uint16(n)))
		out.Write(blk)
	}
	return out.Bytes(), offsets
}

// CompressLZF compresses src into one LZF block (liblzf format): greedy
// matching of 3-byte prefixes through a hash table, literal runs of at most
// 32 bytes, matches of 3..264 bytes at most 8 KiB back.
func CompressLZF(src []byte) []byte {
	const (
		maxLit  = 32
		maxOff  = 1 << 13
		maxLen  = 7 + 255 + 2
		hashLen = 1 << 14
	)
	var table [hashLen]int
	for i := range table {
		table[i] = -1
	}
	var out []byte
	lit := []byte{}
	flush := func() {
		for len(lit) > 0 {
			n := min(len(lit), maxLit)
			out = append(out, byte(n-1))
			out = append(out, lit[:n]...)
			lit = lit[n:]
		}
		lit = lit[:0]
	}
	i := 0
	for i < len(src) {
		if i+3 <= len(src) {
			h := (int(src[i])<<16 | int(src[i+1])<<8 | int(src[i+2])) * 2654435761 >> 18 & (hashLen - 1)
			ref := table[h]
			table[h] = i
			if ref >= 0 && i-ref <= maxOff && src[ref] == src[i] && src[ref+1] == src[i+1] && src[ref+2] == src[i+2] {
				n := 3
				for i+n < len(src) && n < maxLen && src[ref+n] == src[i+n] {
					n++
				}
				flush()
				off := i - ref - 1
				l := n - 2
				if l < 7 {
					out = append(out, byte(l<<5|off>>8), byte(off))
				} else {
					out = append(out, byte(7<<5|off>>8), byte(l-7), byte(off))
				}
				i += n
				continue
			}
		}
		lit = append(lit, src[i])
		i++
	}
	flush()
	return out
}
