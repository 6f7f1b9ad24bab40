package cloudtrail_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/internal/store"
)

// otherRecord is a typical non-ENI record (~1.4 KB, compact as CloudTrail
// writes it), with an escaped policy document like IAM and S3 calls carry.
const otherRecord = `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEID:etl-session-%[1]d","arn":"arn:aws:sts::123456789012:assumed-role/etl-runner/etl-session-%[1]d","accountId":"123456789012","accessKeyId":"ASIAEXAMPLEKEY%[1]d","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID","arn":"arn:aws:iam::123456789012:role/etl-runner","accountId":"123456789012","userName":"etl-runner"},"webIdFederationData":{},"attributes":{"creationDate":"2026-11-02T06:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-11-02T07:%02[2]d:%02[2]dZ","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.%[3]d","userAgent":"[aws-sdk-java/1.12.500 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.8+7-LTS java/17.0.8 vendor/Amazon.com_Inc.]","requestParameters":{"bucketName":"data-lake-raw-%[1]d","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/etl-runner\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::data-lake-raw/*\"}]}","Host":"data-lake-raw.s3.eu-west-1.amazonaws.com"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"%[6]s","bytesTransferredOut":0},"requestID":"%[4]s","eventID":"%[5]s","readOnly":false,"resources":[{"accountId":"123456789012","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::data-lake-raw-%[1]d"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"data-lake-raw.s3.eu-west-1.amazonaws.com"}}`

const eniRecord = `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAGLUE:GlueJobRunnerSession","arn":"arn:aws:sts::123456789012:assumed-role/GlueETL/GlueJobRunnerSession","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/GlueETL","accountId":"123456789012","userName":"GlueETL"},"attributes":{"creationDate":"2026-11-02T06:00:00Z","mfaAuthenticated":"false"}},"invokedBy":"glue.amazonaws.com"},"eventTime":"2026-11-02T07:%02[2]d:%02[2]dZ","eventSource":"ec2.amazonaws.com","eventName":"CreateNetworkInterface","awsRegion":"eu-west-1","sourceIPAddress":"glue.amazonaws.com","userAgent":"glue.amazonaws.com","requestParameters":{"subnetId":"subnet-0abc","description":"Attached to Glue using role: arn:aws:iam::123456789012:role/GlueETL","groupSet":{"items":[{"groupId":"sg-1"}]},"privateIpAddressesSet":{}},"responseElements":{"requestId":"r-%[1]d","networkInterface":{"networkInterfaceId":"eni-%017[1]d","subnetId":"subnet-0abc","vpcId":"vpc-1","availabilityZone":"eu-west-1a","description":"Attached to Glue using role: arn:aws:iam::123456789012:role/GlueETL","ownerId":"123456789012","requesterId":"AROAGLUE:GlueJobRunnerSession","requesterManaged":false,"status":"pending","macAddress":"06:00:00:00:00:01","privateIpAddress":"10.0.%[3]d.%[3]d","privateDnsName":"ip-10-0-0-1.eu-west-1.compute.internal","sourceDestCheck":true,"interfaceType":"interface","groupSet":{"items":[{"groupId":"sg-1","groupName":"glue"}]},"privateIpAddressesSet":{"item":[{"privateIpAddress":"10.0.%[3]d.%[3]d","primary":true}]},"ipv6AddressesSet":{},"tagSet":{}}},"requestID":"%[4]s","eventID":"%[5]s","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}`

// rnd returns n random base64 characters: request IDs and S3 host IDs make
// real trails this irregular (and put 'N' and 'V' bytes everywhere).
func rnd(r *rand.Rand, n int) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// trailFile builds a compact {"Records":[...]} document of about size bytes
// in which every eniEvery-th record is an ENI create (0 = none).
func trailFile(size, eniEvery int) (data []byte, records, enis int) {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if eniEvery > 0 && i%eniEvery == eniEvery-1 {
			fmt.Fprintf(&b, eniRecord, i, i%60, i%250, rnd(r, 36), rnd(r, 36), rnd(r, 76))
			enis++
		} else {
			fmt.Fprintf(&b, otherRecord, i, i%60, i%250, rnd(r, 36), rnd(r, 36), rnd(r, 76))
		}
		records++
	}
	b.WriteString(`]}`)
	return b.Bytes(), records, enis
}

// discard is a Sink that only counts.
type discard struct{ rows, skipped, bad int64 }

func (d *discard) Append(store.Row) error { d.rows++; return nil }
func (d *discard) AppendColumns(c *store.Columns) error {
	d.rows += int64(c.Len())
	return nil
}
func (d *discard) SkipRecords(n int64)    { d.skipped += n }
func (d *discard) Bad(int64, error) error { d.bad++; return nil }
func (d *discard) Warn(int64, string)     {}

func benchDecode(b *testing.B, eniEvery int) { benchDecodeKey(b, eniEvery, "b", false) }

// benchDecodeKey decodes a trail file named key; hash asks for the content
// hash digest files list (Input.HashContent).
func benchDecodeKey(b *testing.B, eniEvery int, key string, hash bool) {
	data, records, enis := trailFile(8<<20, eniEvery)
	d := cloudtrail.New()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		sink := &discard{}
		in := &ingest.Input{Object: ingest.Object{URI: "/b", Key: key}, R: bytes.NewReader(data), HashContent: hash}
		if err := d.Decode(context.Background(), in, sink); err != nil {
			b.Fatal(err)
		}
		if sink.rows != int64(enis) || sink.rows+sink.skipped != int64(records) || sink.bad != 0 {
			b.Fatalf("rows %d skipped %d bad %d; want %d of %d", sink.rows, sink.skipped, sink.bad, enis, records)
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkDecodeNoENI: an 8 MiB file without any ENI record.
func BenchmarkDecodeNoENI(b *testing.B) { benchDecode(b, 0) }

// BenchmarkDecodeENIHalfPercent: 1 record in 200 is an ENI create.
func BenchmarkDecodeENIHalfPercent(b *testing.B) { benchDecode(b, 200) }

// BenchmarkDecodeENIAll: every record is an ENI create (the JSON-decoding cost).
func BenchmarkDecodeENIAll(b *testing.B) { benchDecode(b, 1) }

// BenchmarkDecodeNoENIHashed: BenchmarkDecodeNoENI for a log file of a
// trail with digests, whose decompressed content is also hashed.
func BenchmarkDecodeNoENIHashed(b *testing.B) {
	benchDecodeKey(b, 0, "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/02/123456789012_CloudTrail_eu-west-1_20261102T0705Z_a1b2c3d4e5f6a7b8.json.gz", true)
}
