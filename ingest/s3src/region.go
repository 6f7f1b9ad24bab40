package s3src

import (
	"errors"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ops returns the per-operation options of a request: retry counting and,
// once S3 has named the bucket's region, that region.
func (s *Source) ops() []func(*s3.Options) {
	o := []func(*s3.Options){countRetries(&s.retries)}
	if r := s.region.Load(); r != nil {
		region := *r
		o = append(o, func(o *s3.Options) { o.Region = region })
	}
	return o
}

// learnRegion reports whether err is S3 saying that the bucket lives in
// another region than the request was signed for (301 PermanentRedirect or
// 400 AuthorizationHeaderMalformed with an x-amz-bucket-region header), and
// if so makes the following requests use that region. A trail bucket often
// sits in another region than the profile's default.
func (s *Source) learnRegion(err error) bool {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return false
	}
	region := re.Response.Header.Get("X-Amz-Bucket-Region")
	if region == "" {
		return false
	}
	current := s.c.api.Options().Region
	if r := s.region.Load(); r != nil {
		current = *r
	}
	if region == current {
		return false
	}
	s.region.Store(&region)
	return true
}
