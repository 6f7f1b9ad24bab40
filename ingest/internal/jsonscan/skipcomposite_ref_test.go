package jsonscan

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"testing"
)

// skipCompositeRef is skipComposite as it was before it was tuned, kept
// verbatim (with its string scanner) as the oracle for the tests below: for
// every input and start offset both must return the same end offset and the
// same error.
func skipCompositeRef(b []byte, i int) (int, error) {
	var stack uint64 // 1 bits are '{', 0 bits '['
	depth := 0
	var deep []byte // brackets beyond 64 levels
	j := i
	for j < len(b) {
		c := b[j]
		if class[c] <= cSpace {
			j++
			continue
		}
		switch class[c] {
		case cQuote:
			if j = stringEndRef(b, j+1); j < 0 {
				line, col := Position(b, i)
				return len(b), errAt(len(b), "input ends inside a string of the %s opened at line %d, column %d", kindOf(b[i]), line, col)
			}
		case cOpen:
			if depth >= 64 {
				deep = append(deep, c)
			} else {
				stack <<= 1
				if c == '{' {
					stack |= 1
				}
			}
			depth++
			j++
		case cClose:
			var open byte
			switch {
			case depth == 0:
				return j, errAt(j, "unexpected %q", c)
			case depth > 64:
				open = deep[len(deep)-1]
				deep = deep[:len(deep)-1]
			default:
				open = '['
				if stack&1 == 1 {
					open = '{'
				}
				stack >>= 1
			}
			if (c == '}') != (open == '{') {
				return j, errAt(j, "unexpected %q", c)
			}
			depth--
			j++
			if depth == 0 {
				return j, nil
			}
		default:
			return j, errAt(j, "unexpected %s outside a string", found(b, j))
		}
	}
	line, col := Position(b, i)
	return j, errAt(len(b), "input ends inside the %s opened at line %d, column %d", kindOf(b[i]), line, col)
}

// stringEndRef and scanStringRef are stringEnd and scanString as they
// were when skipCompositeRef was current.
func stringEndRef(b []byte, j int) int {
	end, _ := scanStringRef(b, j)
	return end
}

func scanStringRef(b []byte, j int) (end int, escaped bool) {
	for {
		for j+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[j:])
			if m := zeroByte(x^quotes) | zeroByte(x^backslashes); m != 0 {
				j += bits.TrailingZeros64(m) / 8
				break
			}
			j += 8
		}
		if j >= len(b) {
			return -1, escaped
		}
		c := b[j]
		j++
		if c == '"' {
			return j, escaped
		}
		if c == '\\' {
			escaped = true
			j++
		}
	}
}

// taskEndSample is a real SparkListenerTaskEnd line, shortened (fewer
// accumulables and metrics): the shape of most bytes skipComposite sees.
const taskEndSample = `{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"Success"},` +
	`"Task Info":{"Task ID":0,"Index":0,"Attempt":0,"Partition ID":0,"Launch Time":1793584860013,"Executor ID":"1","Host":"172.31.16.20","Locality":"ANY","Speculative":false,"Getting Result Time":0,"Finish Time":1793584866437,"Failed":false,"Killed":false,` +
	`"Accumulables":[{"ID":100,"Name":"internal.metrics.executorDeserializeTime","Update":158,"Value":158,"Internal":true,"Count Failed Values":true},` +
	`{"ID":101,"Name":"internal.metrics.executorDeserializeCpuTime","Update":97960000,"Value":97960000,"Internal":true,"Count Failed Values":true},` +
	`{"ID":117,"Name":"internal.metrics.shuffle.write.bytesWritten","Update":45520164,"Value":45520164,"Internal":true,"Count Failed Values":true}]},` +
	`"Task Executor Metrics":{"JVMHeapMemory":6442450944,"JVMOffHeapMemory":212680704,"OnHeapExecutionMemory":1503238553,"OffHeapExecutionMemory":0,"MinorGCCount":40,"MinorGCTime":2100,"MajorGCCount":3,"MajorGCTime":900,"TotalGCTime":3000},` +
	`"Task Metrics":{"Executor Deserialize Time":158,"Executor Run Time":6261,"Peak Execution Memory":268435456,"Result Size":2947,"JVM GC Time":156,` +
	`"Shuffle Read Metrics":{"Remote Blocks Fetched":0,"Local Blocks Fetched":0,"Fetch Wait Time":0,"Remote Bytes Read":0,"Remote Bytes Read To Disk":0,"Local Bytes Read":0,"Total Records Read":0},` +
	`"Shuffle Write Metrics":{"Shuffle Bytes Written":45520164,"Shuffle Write Time":15173388,"Shuffle Records Written":1219290},` +
	`"Input Metrics":{"Bytes Read":136560492,"Records Read":1219290},"Output Metrics":{"Bytes Written":0,"Records Written":0},"Updated Blocks":[]}}`

// refSamples are the inputs of the differential tests: the TaskEnd sample,
// a failed task whose strings hold escapes, pretty-printed JSON, the seeds
// of FuzzSkipValue and the cases of TestSkipValue.
var refSamples = []string{
	taskEndSample,
	`{"Event":"SparkListenerTaskEnd","Task End Reason":{"Reason":"ExceptionFailure","Class Name":"java.io.IOException","Description":"No space left on device: \"/mnt/yarn\"\\","Stack Trace":[{"Declaring Class":"a.B","Method Name":"\u0063\\\\","File Name":"B.java","Line Number":-1}],"Full Stack Trace":"java.io.IOException: boom\n\tat a.B.c(B.java:1)\\\n\\\"","Accumulator Updates":[]},"Task Info":{"Task ID":3,"Accumulables":[]},"x":[1.5e+3,-2E-1,null,true,false]}`,
	"{\n  \"Records\": [\n    {\n      \"eventVersion\": \"1.08\",\n      \"userIdentity\": {\"type\": \"AssumedRole\", \"arn\": \"arn:aws:sts::123456789012:assumed-role/Glue/x\"},\n\t\t\"flags\": [true, false, null]\r\n    }\n  ]\n}",
	`{"a":[1,"]",{"b":"\"}"}]}`,
	`"\\"`,
	`[1,2`,
	"{\"a\":\"b\nc\"}",
	`  3 `,
	`"abc" x`,
	`"a\"b" x`,
	`"a\\" x`,
	`"a\\\"" x`,
	`{"a":[1,{"b":"}"}],"c":null} x`,
	`[[],{}]`,
	`true,`,
	`-1.5e3]`,
	`{"a":[}`,
	`{"a":1`,
	`"abc`,
	"{\u00a0}",
	`{"a":x}`,
	`}`,
	`[{"a":"\\"},"\\\\\"",{"\\":"\""}]`,
}

// checkSameAsRef fails t unless skipComposite and skipCompositeRef agree on
// b from offset i, and so do scanString and scanStringRef.
func checkSameAsRef(t *testing.T, b []byte, i int) {
	t.Helper()
	wantEnd, wantErr := skipCompositeRef(b, i)
	gotEnd, gotErr := skipComposite(b, i)
	if gotEnd != wantEnd || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("skipComposite(%q, %d) = %d, %v; reference %d, %v", b, i, gotEnd, gotErr, wantEnd, wantErr)
	}
	wantEnd, wantEsc := scanStringRef(b, i+1)
	gotEnd, gotEsc := scanString(b, i+1)
	if gotEnd != wantEnd || gotEsc != wantEsc {
		t.Fatalf("scanString(%q, %d) = %d, %v; reference %d, %v", b, i+1, gotEnd, gotEsc, wantEnd, wantEsc)
	}
}

// boundaryCases returns inputs built so that what the word-at-a-time scan
// must carry from one 8-byte word to the next lands on every lane: quotes,
// runs of backslashes of both parities, escaped quotes, brackets and
// invalid bytes at every offset, bracket kinds mismatched at every depth,
// and nesting beyond the 64 levels of the bit stack.
func boundaryCases() []string {
	var out []string
	for pad := range 17 {
		p := strings.Repeat("1", pad)
		s := strings.Repeat("s", pad)
		out = append(out,
			`[`+p+`,"`+s+`"]`,
			`["`+s+`",`+p+`]`,
			`{"`+s+`":"`+s+`"}`+p,
			`[`+p+`]}`+p,
			`[`+p+`}`,
			`[`+p+`,x]`,
			`["`+s+`"x]`,
			`["`+s+`",`+p+`,"\u00e9"]`,
			"["+p+",\xff]",
			"["+p+"\x00]",
			`[`+p+`]`+"\xc3\xa9",
			`[`+p+`,true,false,null,tru,b]`,
			`[`+p+` ,`+"\t\r\n"+`{} ]`,
			`["`+s+`\""]`,
			`["`+s+`\"",`+p+`]`,
			`["`+s+`\\",`+p+`]`,
			`["`+s+`\\\"]`,
			`["`+s+`\`,
			`["`+s+`\\`,
			`["`+s,
			`[`+p,
			`{"`+s+`":[{"`+s+`":"\/\b\f\n\r\t\u0000"}]}`,
			"[\""+s+"\x00\x01\n\xff\"]",
		)
		for n := 1; n <= 9; n++ {
			bs := strings.Repeat(`\`, n)
			out = append(out,
				`["`+s+bs+`"]`+p+`"]`,
				`["`+s+bs+`"`+p+`,"]`,
				`{"`+s+bs+`":`+p+`}"}`,
				`[`+p+`"`+bs+bs+`"`+bs+`]"]`,
			)
		}
	}
	for _, depth := range []int{63, 64, 65, 66, 70, 128, 130} {
		for _, kinds := range []string{"[", "{", "[{"} {
			var open, close strings.Builder
			for d := range depth {
				c := kinds[d%len(kinds)]
				open.WriteByte(c)
				if c == '[' {
					close.WriteByte(']')
				} else {
					close.WriteByte('}')
				}
			}
			closing := reverse(close.String())
			out = append(out,
				open.String()+closing,
				open.String()+`"x"`+closing+"1",
				open.String()+closing[:len(closing)-1],
			)
			for _, at := range []int{0, 1, depth - 65, depth - 64, depth - 63, depth / 2, depth - 2, depth - 1} {
				if at < 0 || at >= depth {
					continue
				}
				bad := []byte(closing)
				if bad[at] == ']' {
					bad[at] = '}'
				} else {
					bad[at] = ']'
				}
				out = append(out, open.String()+string(bad))
			}
		}
	}
	return out
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// TestSkipCompositeMatchesReference compares skipComposite with the
// reference on the samples, every truncation of them, every start offset
// of their brackets, every single-byte mutation of them with the bytes
// that matter to the scanner, and the word-boundary cases.
func TestSkipCompositeMatchesReference(t *testing.T) {
	mutations := []byte{'"', '\\', '{', '}', '[', ']', ',', ' ', '\n', 'x', 'e', '/', 0, 0x80, 0xa0, 0xff}
	for _, s := range refSamples {
		b := []byte(s)
		for i := range b {
			checkSameAsRef(t, b, i)
			if i > 0 && b[i] != '{' && b[i] != '[' {
				continue
			}
			for n := i + 1; n <= len(b); n++ {
				checkSameAsRef(t, b[:n:n], i)
			}
		}
		m := make([]byte, len(b))
		for k := range b {
			for _, c := range mutations {
				copy(m, b)
				m[k] = c
				checkSameAsRef(t, m, 0)
			}
		}
	}
	for _, s := range boundaryCases() {
		b := []byte(s)
		for i := range b {
			checkSameAsRef(t, b, i)
		}
		for n := 1; n <= len(b); n++ {
			checkSameAsRef(t, b[:n:n], 0)
		}
		// The same bytes further into a buffer shift every lane.
		for shift := 1; shift < 8; shift++ {
			c := []byte(strings.Repeat(" ", shift) + s)
			checkSameAsRef(t, c, shift)
		}
	}
}

// FuzzSkipCompositeMatchesReference requires skipComposite and the
// reference to agree on arbitrary bytes from an arbitrary start offset.
func FuzzSkipCompositeMatchesReference(f *testing.F) {
	for _, s := range refSamples {
		f.Add([]byte(s), uint16(0))
	}
	f.Add([]byte(taskEndSample), uint16(strings.Index(taskEndSample, `"Accumulables":`)+len(`"Accumulables":`)))
	f.Add([]byte(taskEndSample), uint16(strings.Index(taskEndSample, `"Task Executor Metrics":`)+len(`"Task Executor Metrics":`)))
	for _, s := range boundaryCases() {
		f.Add([]byte(s), uint16(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, start uint16) {
		if len(data) == 0 {
			return
		}
		checkSameAsRef(t, data, int(start)%len(data))
	})
}
