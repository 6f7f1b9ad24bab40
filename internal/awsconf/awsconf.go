// Package awsconf builds the AWS SDK configuration every gluelens client
// shares (S3 for ingest and export, DynamoDB for published thresholds, EC2
// for the launch gate): the default credential chain, --profile, --region
// (us-east-1 when nothing sets one) and a checked --endpoint-url.
// Credentials are never part of it.
package awsconf

import (
	"context"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Config says how to reach an AWS API.
type Config struct {
	Profile     string // shared-config profile; empty means AWS_PROFILE or "default"
	Region      string // API region; empty means AWS_REGION / the profile, else us-east-1
	EndpointURL string // a compatible endpoint (a test server, LocalStack); checked by CheckEndpoint
	Anonymous   bool   // send unsigned requests
	// HTTPClient replaces the SDK's HTTP client.
	HTTPClient config.HTTPClient
}

// DefaultRegion is the region of the API calls when neither --region, the
// environment nor the profile gives one.
const DefaultRegion = "us-east-1"

// Load reads the default AWS configuration chain with cfg on top; extra
// options (a retryer, ...) apply after cfg's.
func Load(ctx context.Context, cfg Config, extra ...func(*config.LoadOptions) error) (aws.Config, error) {
	if cfg.EndpointURL != "" {
		if err := CheckEndpoint(cfg.EndpointURL); err != nil {
			return aws.Config{}, err
		}
	}
	var opts []func(*config.LoadOptions) error
	if cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.Anonymous {
		opts = append(opts, config.WithCredentialsProvider(aws.AnonymousCredentials{}))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(cfg.HTTPClient))
	}
	opts = append(opts, extra...)
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		// The SDK's configuration errors name files and profiles, never
		// secrets.
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = DefaultRegion
	}
	return awsCfg, nil
}

// CheckEndpoint accepts http(s) URLs without user information: a password
// in the URL would end up in error messages.
func CheckEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("reading --endpoint-url: not a URL")
	}
	if u.User != nil {
		return fmt.Errorf("reading --endpoint-url %s: credentials in the URL are not accepted; use the AWS credential chain", u.Redacted())
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("reading --endpoint-url %s: want http://host[:port] or https://host[:port]", u.Redacted())
	}
	return nil
}
